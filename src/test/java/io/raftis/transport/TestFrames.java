package io.raftis.transport;

import io.raftis.raft.EntryFrame;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Runs of log entries encoded with {@link EntryFrame#write}, as a leader would send them.
 */
final class TestFrames
{
    private TestFrames()
    {
    }

    /**
     * @return a buffer of exactly the frames' length holding one command frame of the given term per payload.
     */
    static UnsafeBuffer commands(final long term, final String... payloads)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        int length = 0;
        for (final String payload : payloads)
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(payload.getBytes(StandardCharsets.US_ASCII));
            buffer.checkLimit(length + EntryFrame.alignedLength(bytes.capacity()));
            length += EntryFrame.write(buffer, length, term, EntryFrame.TYPE_COMMAND, bytes, 0, bytes.capacity());
        }
        return new UnsafeBuffer(buffer.byteArray(), 0, length);
    }

    /**
     * @return count command frames of the given term whose payloads are payloadLength bytes, each filled with a
     * byte derived from its position so that frames differ.
     */
    static UnsafeBuffer commandsOfLength(final long term, final int count, final int payloadLength)
    {
        final String[] payloads = new String[count];
        for (int i = 0; i < count; i++)
        {
            payloads[i] = String.valueOf((char)('a' + (i % 26))).repeat(payloadLength);
        }
        return commands(term, payloads);
    }

    static byte[] bytes(final UnsafeBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}

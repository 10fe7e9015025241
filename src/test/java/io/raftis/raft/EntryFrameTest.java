package io.raftis.raft;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frame of one log entry: what {@link EntryFrame#write} leaves in a buffer that held other bytes, and what
 * {@link EntryFrame#validate} refuses, at any offset in the buffer.
 */
class EntryFrameTest
{
    private static final byte[] PAYLOAD = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldWriteTheSameBytesOverABufferThatHeldOthers()
    {
        final UnsafeBuffer clean = new UnsafeBuffer(new byte[128]);
        final UnsafeBuffer dirty = new UnsafeBuffer(new byte[128]);
        dirty.setMemory(0, 128, (byte)0x5a);
        final int aligned = EntryFrame.write(clean, 8, 3, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(PAYLOAD), 0,
            PAYLOAD.length);
        assertEquals(aligned, EntryFrame.write(dirty, 8, 3, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(PAYLOAD), 0,
            PAYLOAD.length));
        assertEquals(EntryFrame.alignedLength(PAYLOAD.length), aligned);
        for (int i = 8; i < 8 + aligned; i++)
        {
            assertEquals(clean.getByte(i), dirty.getByte(i), "byte " + (i - 8) + " of the frame");
        }
        assertEquals(0, dirty.getInt(8 + EntryFrame.RESERVED_OFFSET));
        assertEquals(3, EntryFrame.term(dirty, 8));
        assertEquals(EntryFrame.TYPE_COMMAND, EntryFrame.type(dirty, 8));
        assertEquals(EntryFrame.HEADER_LENGTH + PAYLOAD.length, EntryFrame.frameLength(dirty, 8));
        assertEquals(aligned, EntryFrame.validate(dirty, 8, 128));
    }

    @Test
    void shouldRefuseAFrameThatDoesNotFitTheRegionAtAnyOffset()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 + 40]);
        final int aligned = EntryFrame.write(buffer, 64, 2, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(new byte[1]), 0, 1);
        assertEquals(32, aligned);
        assertEquals(32, EntryFrame.validate(buffer, 64, 96));
        assertEquals(-1, EntryFrame.validate(buffer, 64, 64 + 28), "its padding lies past the region");
        assertEquals(-1, EntryFrame.validate(buffer, 64, 64 + 24), "its payload lies past the region");
        assertEquals(-1, EntryFrame.validate(buffer, 64, 64 + 2), "not even a length fits");
        final UnsafeBuffer tail = new UnsafeBuffer(new byte[66]);
        assertEquals(-1, EntryFrame.validate(tail, 64, 66), "two bytes before the end of the buffer");
        buffer.putInt(64 + EntryFrame.LENGTH_OFFSET, EntryFrame.HEADER_LENGTH - 1);
        assertEquals(-1, EntryFrame.validate(buffer, 64, 104), "a length shorter than the header");
        buffer.putInt(64 + EntryFrame.LENGTH_OFFSET, Integer.MAX_VALUE);
        assertEquals(-1, EntryFrame.validate(buffer, 64, 104), "a length whose alignment overflows");
    }

    @Test
    void shouldChecksumEveryKindOfBufferAlike()
    {
        final CRC32C expected = new CRC32C();
        expected.update(PAYLOAD, 3, 9);
        final ByteBuffer direct = ByteBuffer.allocateDirect(PAYLOAD.length);
        direct.put(PAYLOAD).flip();
        assertEquals((int)expected.getValue(), EntryFrame.crc32c(new UnsafeBuffer(PAYLOAD), 3, 9), "an array");
        assertEquals((int)expected.getValue(), EntryFrame.crc32c(new UnsafeBuffer(direct), 3, 9), "a ByteBuffer");
        assertEquals((int)expected.getValue(), EntryFrame.crc32c(new UnsafeBuffer(direct, 1, 13), 2, 9),
            "a slice of one");
        assertEquals((int)expected.getValue(),
            EntryFrame.crc32c(new UnsafeBuffer(BufferUtil.address(direct), PAYLOAD.length), 3, 9),
            "a bare address, as a mapped file's buffer can be");
        assertEquals((int)expected.getValue(), EntryFrame.crc32c(new UnsafeBuffer(direct), 3, 9),
            "the ByteBuffer again after another kind");
    }
}

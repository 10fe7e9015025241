package io.raftis.raft;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The encoding of one Raft log entry, shared by the log (which stores frames) and the transport (which carries
 * runs of frames in AppendEntries unchanged).
 * <pre>
 *   0: int32 frameLength   header + payload, unaligned; written last, after a release fence, so a reader that sees
 *                          a positive length sees the whole frame (a length of 0 ends the data)
 *   4: int32 checksum      CRC32C of bytes [8, frameLength)
 *   8: int64 term
 *  16: int32 type          {@link #TYPE_NOOP} or {@link #TYPE_COMMAND}
 *  20: int32 reserved      0
 *  24: payload             for a command, the client's command as a RESP array
 * </pre>
 * Frames are aligned to {@link #ALIGNMENT} bytes; the padding is zero.
 */
public final class EntryFrame
{
    public static final int LENGTH_OFFSET = 0;
    public static final int CHECKSUM_OFFSET = 4;
    public static final int TERM_OFFSET = 8;
    public static final int TYPE_OFFSET = 16;
    public static final int RESERVED_OFFSET = 20;
    public static final int HEADER_LENGTH = 24;
    public static final int ALIGNMENT = 8;

    /** An entry a new leader appends at the start of its term; applying it does nothing (Raft §8). */
    public static final int TYPE_NOOP = 0;
    /** An entry that holds a client command. */
    public static final int TYPE_COMMAND = 1;

    private static final ThreadLocal<Checksummer> CHECKSUMMER = ThreadLocal.withInitial(Checksummer::new);

    private EntryFrame()
    {
    }

    public static int alignedLength(final int payloadLength)
    {
        return BitUtil.align(HEADER_LENGTH + payloadLength, ALIGNMENT);
    }

    public static int frameLength(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset + LENGTH_OFFSET);
        VarHandle.acquireFence();
        return length;
    }

    public static long term(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TERM_OFFSET);
    }

    public static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + TYPE_OFFSET);
    }

    /**
     * Write a whole frame: body first, padding zeroed, the length last after a release fence.
     *
     * @return the aligned length of the frame written.
     */
    public static int write(
        final MutableDirectBuffer dst,
        final int offset,
        final long term,
        final int type,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int frameLength = HEADER_LENGTH + payloadLength;
        final int aligned = BitUtil.align(frameLength, ALIGNMENT);
        dst.putLong(offset + TERM_OFFSET, term);
        dst.putInt(offset + TYPE_OFFSET, type);
        dst.putInt(offset + RESERVED_OFFSET, 0);
        if (payloadLength > 0)
        {
            dst.putBytes(offset + HEADER_LENGTH, payload, payloadOffset, payloadLength);
        }
        if (aligned > frameLength)
        {
            dst.setMemory(offset + frameLength, aligned - frameLength, (byte)0);
        }
        dst.putInt(offset + CHECKSUM_OFFSET, checksum(dst, offset, frameLength));
        VarHandle.releaseFence();
        dst.putInt(offset + LENGTH_OFFSET, frameLength);
        return aligned;
    }

    /** CRC32C of bytes [offset + 8, offset + frameLength). */
    public static int checksum(final DirectBuffer buffer, final int offset, final int frameLength)
    {
        return crc32c(buffer, offset + TERM_OFFSET, frameLength - TERM_OFFSET);
    }

    /**
     * CRC32C of any region of a buffer, without allocation; the log's other checksummed records use it too.
     */
    public static int crc32c(final DirectBuffer buffer, final int offset, final int length)
    {
        return CHECKSUMMER.get().compute(buffer, offset, length);
    }

    /**
     * A CRC32C and a view of the last ByteBuffer it read, kept per thread: frames arrive in a few buffers (the log's
     * segments, Aeron's term buffers), so checking one costs no allocation.
     */
    private static final class Checksummer
    {
        private final CRC32C crc = new CRC32C();
        private ByteBuffer source;
        private ByteBuffer view;

        int compute(final DirectBuffer buffer, final int from, final int length)
        {
            crc.reset();
            final byte[] array = buffer.byteArray();
            final ByteBuffer bb = buffer.byteBuffer();
            if (null != array)
            {
                crc.update(array, (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + from, length);
            }
            else if (null != bb)
            {
                if (bb != source)
                {
                    source = bb;
                    view = bb.duplicate();
                }
                final int base = (int)(buffer.addressOffset() - BufferUtil.address(bb));
                view.limit(base + from + length).position(base + from);
                crc.update(view);
            }
            else
            {
                for (int i = 0; i < length; i++)
                {
                    crc.update(buffer.getByte(from + i));
                }
            }
            return (int)crc.getValue();
        }
    }

    /**
     * Check the frame at offset in a region that ends at limit (an offset, not a size): a sane length, inside it,
     * with a matching checksum.
     *
     * @return the aligned length of a valid frame, or -1 when the frame is not whole and valid.
     */
    public static int validate(final DirectBuffer buffer, final int offset, final int limit)
    {
        if (limit - offset < HEADER_LENGTH)
        {
            return -1;
        }
        final int frameLength = frameLength(buffer, offset);
        if (frameLength < HEADER_LENGTH || frameLength > limit - offset)
        {
            return -1;
        }
        final int aligned = BitUtil.align(frameLength, ALIGNMENT);
        if (aligned > limit - offset)
        {
            return -1;
        }
        if (checksum(buffer, offset, frameLength) != buffer.getInt(offset + CHECKSUM_OFFSET))
        {
            return -1;
        }
        return aligned;
    }
}

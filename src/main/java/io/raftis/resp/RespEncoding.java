package io.raftis.resp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes RESP arrays of bulk strings into a buffer at a position, the form every log entry's command takes.
 */
public final class RespEncoding
{
    private RespEncoding()
    {
    }

    /**
     * Write "*count\r\n".
     *
     * @return where it ends.
     */
    public static int putArrayHeader(final MutableDirectBuffer dst, final int at, final int count)
    {
        int position = at;
        dst.putByte(position++, (byte)'*');
        position += dst.putIntAscii(position, count);
        dst.putByte(position++, (byte)'\r');
        dst.putByte(position++, (byte)'\n');
        return position;
    }

    /**
     * Write "$length\r\n" and the bytes, then "\r\n".
     *
     * @return where it ends.
     */
    public static int putBulk(
        final MutableDirectBuffer dst, final int at, final DirectBuffer src, final int offset, final int length)
    {
        int position = at;
        dst.putByte(position++, (byte)'$');
        position += dst.putIntAscii(position, length);
        dst.putByte(position++, (byte)'\r');
        dst.putByte(position++, (byte)'\n');
        dst.putBytes(position, src, offset, length);
        position += length;
        dst.putByte(position++, (byte)'\r');
        dst.putByte(position++, (byte)'\n');
        return position;
    }

    /**
     * Write a bulk string of a whole array.
     *
     * @return where it ends.
     */
    public static int putBulk(final MutableDirectBuffer dst, final int at, final byte[] value)
    {
        int position = at;
        dst.putByte(position++, (byte)'$');
        position += dst.putIntAscii(position, value.length);
        dst.putByte(position++, (byte)'\r');
        dst.putByte(position++, (byte)'\n');
        dst.putBytes(position, value);
        position += value.length;
        dst.putByte(position++, (byte)'\r');
        dst.putByte(position++, (byte)'\n');
        return position;
    }
}

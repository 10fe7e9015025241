package io.raftis.resp;

import org.agrona.AsciiEncoding;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Appends RESP2 replies to an expandable direct buffer. Bytes [0, {@link #length()}) of {@link #buffer()} are the
 * pending output. Numbers are encoded without allocation.
 * <p>
 * Simple strings and errors cannot hold line breaks in RESP2, so CR and LF in them are written as spaces, as Redis
 * does for error replies.
 */
public final class RespWriter
{
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    /** A buffer grown beyond this goes back to its initial capacity once everything in it is sent. */
    static final int SHRINK_THRESHOLD = 1024 * 1024;

    private final int initialCapacity;
    private ExpandableDirectByteBuffer buffer;
    private int length;

    /**
     * @param initialCapacity of the buffer in bytes; it grows as needed.
     */
    public RespWriter(final int initialCapacity)
    {
        this.initialCapacity = initialCapacity;
        buffer = new ExpandableDirectByteBuffer(initialCapacity);
    }

    /**
     * @return the bytes the buffer holds, sent or not: what it costs in direct memory.
     */
    public int capacity()
    {
        return buffer.capacity();
    }

    /**
     * @return the buffer whose bytes [0, {@link #length()}) are the pending output.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the number of pending output bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Drop all pending output.
     */
    public void reset()
    {
        length = 0;
    }

    /**
     * Drop the first bytes of the pending output (written to the socket), moving the rest to the front.
     *
     * @param bytes to drop.
     */
    public void consumed(final int bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        if (bytes >= length)
        {
            length = 0;
            if (buffer.capacity() > SHRINK_THRESHOLD)
            {
                buffer = new ExpandableDirectByteBuffer(initialCapacity); // a big reply is not kept for ever
            }
            return;
        }

        final int remaining = length - bytes;
        buffer.putBytes(0, buffer, bytes, remaining);
        length = remaining;
    }

    /**
     * Append {@code +s\r\n}.
     *
     * @param s the status text.
     * @return this for a fluent API.
     */
    public RespWriter simpleString(final String s)
    {
        putByte('+');
        putLineText(s);
        return putCrLf();
    }

    /**
     * Append {@code +OK\r\n}.
     *
     * @return this for a fluent API.
     */
    public RespWriter ok()
    {
        return raw(OK);
    }

    /**
     * Append {@code -message\r\n}.
     *
     * @param message including its code, e.g. "ERR wrong number of arguments for 'get' command".
     * @return this for a fluent API.
     */
    public RespWriter error(final String message)
    {
        putByte('-');
        putLineText(message);
        return putCrLf();
    }

    /**
     * Append {@code :value\r\n}.
     *
     * @param value to write.
     * @return this for a fluent API.
     */
    public RespWriter integer(final long value)
    {
        putByte(':');
        length += buffer.putLongAscii(length, value);
        return putCrLf();
    }

    /**
     * Append a bulk string copied from a buffer.
     *
     * @param src    holding the value.
     * @param offset of the value in src.
     * @param length of the value.
     * @return this for a fluent API.
     */
    public RespWriter bulk(final DirectBuffer src, final int offset, final int length)
    {
        bulkHeader(length);
        buffer.putBytes(this.length, src, offset, length);
        this.length += length;
        return putCrLf();
    }

    /**
     * Append a bulk string.
     *
     * @param value the bytes of the string.
     * @return this for a fluent API.
     */
    public RespWriter bulk(final byte[] value)
    {
        return bulk(value, 0, value.length);
    }

    /**
     * Append a bulk string from part of an array.
     *
     * @param value  holding the bytes.
     * @param offset of the first byte.
     * @param length of the string.
     * @return this for a fluent API.
     */
    public RespWriter bulk(final byte[] value, final int offset, final int length)
    {
        bulkHeader(length);
        buffer.putBytes(this.length, value, offset, length);
        this.length += length;
        return putCrLf();
    }

    /**
     * Append a bulk string holding the UTF-8 encoding of a string.
     *
     * @param value to write.
     * @return this for a fluent API.
     */
    public RespWriter bulkString(final String value)
    {
        if (isAscii(value))
        {
            final int valueLength = value.length();
            bulkHeader(valueLength);
            buffer.putStringWithoutLengthAscii(length, value);
            length += valueLength;
            return putCrLf();
        }

        return bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Append a number as a bulk string, e.g. {@code $2\r\n42\r\n}.
     *
     * @param value to write.
     * @return this for a fluent API.
     */
    public RespWriter bulkLong(final long value)
    {
        final int digits;
        if (value >= 0)
        {
            digits = AsciiEncoding.digitCount(value);
        }
        else if (Long.MIN_VALUE == value)
        {
            digits = AsciiEncoding.MIN_LONG_VALUE.length;
        }
        else
        {
            digits = 1 + AsciiEncoding.digitCount(-value);
        }

        bulkHeader(digits);
        length += buffer.putLongAscii(length, value);
        return putCrLf();
    }

    /**
     * Append {@code $-1\r\n}.
     *
     * @return this for a fluent API.
     */
    public RespWriter nullBulk()
    {
        return raw(NULL_BULK);
    }

    /**
     * Append {@code *count\r\n}.
     *
     * @param count of elements that follow.
     * @return this for a fluent API.
     */
    public RespWriter arrayHeader(final int count)
    {
        putByte('*');
        length += buffer.putIntAscii(length, count);
        return putCrLf();
    }

    /**
     * Append {@code *-1\r\n}.
     *
     * @return this for a fluent API.
     */
    public RespWriter nullArray()
    {
        return raw(NULL_ARRAY);
    }

    /**
     * Append bytes as they are.
     *
     * @param preencoded bytes of one or more whole replies.
     * @return this for a fluent API.
     */
    public RespWriter raw(final byte[] preencoded)
    {
        buffer.putBytes(length, preencoded);
        length += preencoded.length;
        return this;
    }

    /**
     * @return the direct ByteBuffer currently backing {@link #buffer()}; it changes when the buffer grows.
     */
    ByteBuffer byteBuffer()
    {
        return buffer.byteBuffer();
    }

    private void bulkHeader(final int valueLength)
    {
        putByte('$');
        length += buffer.putIntAscii(length, valueLength);
        putCrLf();
    }

    private void putByte(final char c)
    {
        buffer.putByte(length++, (byte)c);
    }

    private RespWriter putCrLf()
    {
        buffer.putByte(length, (byte)'\r');
        buffer.putByte(length + 1, (byte)'\n');
        length += 2;
        return this;
    }

    private void putLineText(final String text)
    {
        if (isAscii(text))
        {
            final int textLength = text.length();
            for (int i = 0; i < textLength; i++)
            {
                final char c = text.charAt(i);
                buffer.putByte(length + i, (byte)('\r' == c || '\n' == c ? ' ' : c));
            }
            length += textLength;
        }
        else
        {
            final byte[] bytes = null == text ? EMPTY : text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++)
            {
                final byte b = bytes[i];
                buffer.putByte(length + i, '\r' == b || '\n' == b ? (byte)' ' : b);
            }
            length += bytes.length;
        }
    }

    private static boolean isAscii(final String s)
    {
        if (null == s)
        {
            return false;
        }

        for (int i = 0, n = s.length(); i < n; i++)
        {
            if (s.charAt(i) >= 0x80)
            {
                return false;
            }
        }

        return true;
    }
}

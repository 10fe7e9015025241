package io.raftis.resp;

import org.agrona.AsciiEncoding;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends RESP2 replies to an expandable direct buffer. Bytes [0, {@link #bufferedLength()}) of {@link #buffer()} are
 * the pending output, but for the values of large bulk strings. Numbers are encoded without allocation.
 * <p>
 * A bulk string of {@link #STREAM_THRESHOLD} bytes or more is not copied into the buffer: its header and its closing
 * CRLF are, and its value is kept, in an array of its own, as a body that belongs between them
 * ({@link #bodyAt()}): the connection sends the buffer up to there, then the body a slice at a time, then goes on.
 * A reply of hundreds of megabytes so costs one copy of its value, and no growth of the buffer, nor a move of what
 * is left of it each time the socket takes a part.
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

    /** A bulk string at least this long is kept as a body of its own, not copied into the buffer. */
    public static final int STREAM_THRESHOLD = 1024 * 1024;

    private final int initialCapacity;
    private ExpandableDirectByteBuffer buffer;
    private int length;
    private byte[][] bodies = new byte[2][];
    private int[] bodiesAt = new int[2];
    private int bodyCount;
    private int bodySent;
    private long bodyBytes;

    /**
     * @param initialCapacity of the buffer in bytes; it grows as needed.
     */
    public RespWriter(final int initialCapacity)
    {
        this.initialCapacity = initialCapacity;
        buffer = new ExpandableDirectByteBuffer(initialCapacity);
    }

    /**
     * @return the memory the pending output takes: the buffer's bytes, sent or not, and the bodies' still to send.
     */
    public long capacity()
    {
        return buffer.capacity() + bodyBytes;
    }

    /**
     * @return the buffer whose bytes [0, {@link #length()}) are the pending output.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the number of pending output bytes, in the buffer and in bodies, at most {@link Integer#MAX_VALUE}.
     */
    public int length()
    {
        return (int)Math.min(Integer.MAX_VALUE, length + bodyBytes);
    }

    /**
     * @return the number of pending output bytes in the buffer.
     */
    public int bufferedLength()
    {
        return length;
    }

    /**
     * @return where in the buffer the first body still to send belongs: the bytes before it go first; -1 when there
     * is none.
     */
    public int bodyAt()
    {
        return bodyCount > 0 ? bodiesAt[0] : -1;
    }

    /**
     * @return the first body still to send, once the buffer's bytes before it are sent ({@link #bodyAt()} is 0).
     */
    public byte[] body()
    {
        return bodies[0];
    }

    /**
     * @return how many bytes of {@link #body()} are sent.
     */
    public int bodySent()
    {
        return bodySent;
    }

    /**
     * Mark bytes of the first body as sent; when that is all of it, the next one becomes first.
     *
     * @param bytes sent.
     */
    public void bodyConsumed(final int bytes)
    {
        bodySent += bytes;
        bodyBytes -= bytes;
        if (bodySent == bodies[0].length)
        {
            bodyCount--;
            System.arraycopy(bodies, 1, bodies, 0, bodyCount);
            System.arraycopy(bodiesAt, 1, bodiesAt, 0, bodyCount);
            bodies[bodyCount] = null;
            bodySent = 0;
        }
    }

    /**
     * Drop all pending output.
     */
    public void reset()
    {
        length = 0;
        while (bodyCount > 0)
        {
            bodies[--bodyCount] = null;
        }
        bodySent = 0;
        bodyBytes = 0;
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

        for (int i = 0; i < bodyCount; i++)
        {
            bodiesAt[i] -= bytes;
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
        if (length >= STREAM_THRESHOLD)
        {
            final byte[] body = new byte[length];
            src.getBytes(offset, body);
            addBody(body);
        }
        else
        {
            buffer.putBytes(this.length, src, offset, length);
            this.length += length;
        }
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
        if (length >= STREAM_THRESHOLD)
        {
            // a copy: the stored value may change in place (SETRANGE, SETBIT) before the reply is sent
            addBody(Arrays.copyOfRange(value, offset, offset + length));
        }
        else
        {
            buffer.putBytes(this.length, value, offset, length);
            this.length += length;
        }
        return putCrLf();
    }

    private void addBody(final byte[] body)
    {
        if (bodyCount == bodies.length)
        {
            bodies = Arrays.copyOf(bodies, 2 * bodyCount);
            bodiesAt = Arrays.copyOf(bodiesAt, 2 * bodyCount);
        }
        bodies[bodyCount] = body;
        bodiesAt[bodyCount] = length;
        bodyCount++;
        bodyBytes += body.length;
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

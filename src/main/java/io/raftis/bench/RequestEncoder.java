package io.raftis.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes {@code SET key:<n> <value>} and {@code GET key:<n>} as RESP arrays of bulk strings into a buffer, by hand
 * and without allocating.
 */
public final class RequestEncoder
{
    private static final byte[] SET_HEAD = ascii("*3\r\n$3\r\nSET\r\n$");
    private static final byte[] GET_HEAD = ascii("*2\r\n$3\r\nGET\r\n$");
    private static final byte[] KEY_PREFIX = ascii("key:");
    private static final int MAX_LONG_DIGITS = 20;

    private final byte[] valueBulk;
    private final byte[] digits = new byte[MAX_LONG_DIGITS];
    private final int maxRequestLength;

    /**
     * @param valueSize bytes of each SET value; the value is that many 'x'.
     */
    public RequestEncoder(final int valueSize)
    {
        final byte[] length = ascii("$" + valueSize + "\r\n");
        valueBulk = Arrays.copyOf(length, length.length + valueSize + 2);
        Arrays.fill(valueBulk, length.length, length.length + valueSize, (byte)'x');
        valueBulk[valueBulk.length - 2] = '\r';
        valueBulk[valueBulk.length - 1] = '\n';
        maxRequestLength = SET_HEAD.length + 2 * MAX_LONG_DIGITS + KEY_PREFIX.length + 4 + valueBulk.length;
    }

    /**
     * @return an upper bound on the bytes of one request.
     */
    public int maxRequestLength()
    {
        return maxRequestLength;
    }

    /**
     * Append {@code SET key:<key> <value>} at the buffer's position.
     *
     * @param buffer with at least {@link #maxRequestLength()} bytes remaining.
     * @param key    number of the key, not negative.
     */
    public void set(final ByteBuffer buffer, final long key)
    {
        buffer.put(SET_HEAD);
        putKey(buffer, key);
        buffer.put(valueBulk);
    }

    /**
     * Append {@code GET key:<key>} at the buffer's position.
     *
     * @param buffer with at least {@link #maxRequestLength()} bytes remaining.
     * @param key    number of the key, not negative.
     */
    public void get(final ByteBuffer buffer, final long key)
    {
        buffer.put(GET_HEAD);
        putKey(buffer, key);
    }

    private void putKey(final ByteBuffer buffer, final long key)
    {
        final int keyDigits = toDigits(key);
        putDecimal(buffer, KEY_PREFIX.length + keyDigits);
        buffer.put((byte)'\r').put((byte)'\n');
        buffer.put(KEY_PREFIX);
        toDigits(key);
        buffer.put(digits, MAX_LONG_DIGITS - keyDigits, keyDigits);
        buffer.put((byte)'\r').put((byte)'\n');
    }

    private void putDecimal(final ByteBuffer buffer, final long value)
    {
        final int count = toDigits(value);
        buffer.put(digits, MAX_LONG_DIGITS - count, count);
    }

    private int toDigits(final long value)
    {
        long remaining = value;
        int index = MAX_LONG_DIGITS;
        do
        {
            digits[--index] = (byte)('0' + (remaining % 10));
            remaining /= 10;
        }
        while (remaining > 0);

        return MAX_LONG_DIGITS - index;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

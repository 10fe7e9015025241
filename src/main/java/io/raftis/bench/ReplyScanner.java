package io.raftis.bench;

import java.nio.ByteBuffer;

/**
 * Finds where a RESP reply ends without decoding it, so that a load generator can match replies to requests.
 * <p>
 * Understands the RESP2 types a Redis server answers with: simple strings ({@code +}), errors ({@code -}), integers
 * ({@code :}), bulk strings ({@code $n}, {@code $-1}) and arrays ({@code *n}, {@code *-1}) of any of them, nested to
 * any depth; also the RESP3 line types ({@code _ , # (}), blob types ({@code = !}) and aggregates
 * ({@code % ~ > |}) so that a server answering in RESP3 does not derail it. The scan is stateless: an incomplete
 * reply is scanned again from its start once more bytes have arrived, which is cheap for the small replies of a
 * benchmark.
 */
public final class ReplyScanner
{
    /**
     * Returned by {@link #scan(ByteBuffer, int, int)} when the bytes do not yet hold a whole reply.
     */
    public static final int INCOMPLETE = -1;

    private ReplyScanner()
    {
    }

    /**
     * Find the end of the reply that starts at {@code offset}.
     *
     * @param buffer holding the bytes read so far; its position and limit are not used or changed.
     * @param offset of the first byte of the reply.
     * @param limit  one past the last byte read so far.
     * @return the index one past the last byte of the reply, or {@link #INCOMPLETE}.
     * @throws IllegalStateException if the bytes are not a RESP reply.
     */
    public static int scan(final ByteBuffer buffer, final int offset, final int limit)
    {
        int index = offset;
        long pending = 1;

        while (pending > 0)
        {
            if (index >= limit)
            {
                return INCOMPLETE;
            }

            final byte type = buffer.get(index);
            final int lineEnd = findCrLf(buffer, index + 1, limit);
            if (lineEnd < 0)
            {
                return INCOMPLETE;
            }

            final int next = lineEnd + 2;
            pending--;

            switch (type)
            {
                case '+':
                case '-':
                case ':':
                case '_':
                case ',':
                case '#':
                case '(':
                    index = next;
                    break;

                case '$':
                case '=':
                case '!':
                {
                    final long length = parseLength(buffer, index + 1, lineEnd, type);
                    if (length < 0)
                    {
                        index = next;
                    }
                    else
                    {
                        final long end = next + length + 2;
                        if (end > limit)
                        {
                            return INCOMPLETE;
                        }
                        if (buffer.get((int)end - 2) != '\r' || buffer.get((int)end - 1) != '\n')
                        {
                            throw new IllegalStateException("bulk reply of " + length + " bytes not ended by CRLF");
                        }
                        index = (int)end;
                    }
                    break;
                }

                case '*':
                case '~':
                case '>':
                case '|':
                case '%':
                {
                    final long count = parseLength(buffer, index + 1, lineEnd, type);
                    if (count > 0)
                    {
                        pending += ('%' == type || '|' == type) ? 2 * count : count;
                    }
                    index = next;
                    break;
                }

                default:
                    throw new IllegalStateException("not a RESP reply: type byte " + (type & 0xFF) + " at " + index);
            }
        }

        return index;
    }

    private static int findCrLf(final ByteBuffer buffer, final int from, final int limit)
    {
        for (int i = from; i < limit - 1; i++)
        {
            if ('\r' == buffer.get(i) && '\n' == buffer.get(i + 1))
            {
                return i;
            }
        }

        return -1;
    }

    private static long parseLength(final ByteBuffer buffer, final int from, final int to, final byte type)
    {
        if (from >= to)
        {
            throw new IllegalStateException("empty length after '" + (char)type + "'");
        }

        boolean negative = false;
        int i = from;
        if ('-' == buffer.get(i))
        {
            negative = true;
            i++;
        }

        if (i >= to || to - i > 18)
        {
            throw new IllegalStateException("bad length after '" + (char)type + "'");
        }

        long value = 0;
        for (; i < to; i++)
        {
            final int digit = buffer.get(i) - '0';
            if (digit < 0 || digit > 9)
            {
                throw new IllegalStateException("bad length after '" + (char)type + "'");
            }
            value = value * 10 + digit;
        }

        if (!negative && value > Integer.MAX_VALUE - 16)
        {
            throw new IllegalStateException("reply length too large: " + value);
        }

        return negative ? -value : value;
    }
}

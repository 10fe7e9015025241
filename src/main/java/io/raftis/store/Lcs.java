package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence of two strings, with
 * Redis 7's replies: the subsequence, its length, or the ranges that match (the last first) and the length.
 * <p>
 * Redis fills a table of (len1 + 1) * (len2 + 1) lengths of 4 bytes, refused when that passes proto-max-bulk-len, and
 * walks it back from the end. The walk only ever asks, where the bytes differ, whether the length above is greater
 * than the length to the left, so raftis fills the lengths a row at a time and keeps that answer, one bit a cell: the
 * same walk, the same ranges, a 32nd of the memory. It refuses what Redis refuses, with Redis's error.
 */
final class Lcs
{
    private static final byte[] LEN = ascii("LEN");
    private static final byte[] IDX = ascii("IDX");
    private static final byte[] MINMATCHLEN = ascii("MINMATCHLEN");
    private static final byte[] WITHMATCHLEN = ascii("WITHMATCHLEN");
    private static final byte[] MATCHES = ascii("matches");
    private static final byte[] LEN_REPLY = ascii("len");
    private static final byte[] EMPTY = new byte[0];
    private static final String NOT_STRINGS = "ERR The specified keys must contain string values";
    private static final String LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX.";
    private static final String TOO_MUCH_MEMORY =
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

    private Lcs()
    {
    }

    /**
     * Execute LCS. As in Redis, the keys' types are checked before the options are read.
     *
     * @param args            the parsed command.
     * @param keyspace        to read.
     * @param out             to write the reply to.
     * @param maxStringLength Redis's proto-max-bulk-len, which bounds the table Redis would fill.
     */
    static void lcs(final RespParser args, final Keyspace keyspace, final RespWriter out, final long maxStringLength)
    {
        final DirectBuffer buffer = args.argBuffer();
        final Object first = keyspace.get(buffer, args.argOffset(1), args.argLength(1));
        final Object second = keyspace.get(buffer, args.argOffset(2), args.argLength(2));
        if ((null != first && !(first instanceof byte[])) || (null != second && !(second instanceof byte[])))
        {
            out.error(NOT_STRINGS);
            return;
        }
        final byte[] a = null == first ? EMPTY : (byte[])first;
        final byte[] b = null == second ? EMPTY : (byte[])second;

        boolean length = false;
        boolean indexes = false;
        boolean withMatchLength = false;
        long minMatchLength = 0;
        for (int i = 3, count = args.argCount(); i < count; i++)
        {
            if (args.argEqualsIgnoreCase(i, IDX))
            {
                indexes = true;
            }
            else if (args.argEqualsIgnoreCase(i, LEN))
            {
                length = true;
            }
            else if (args.argEqualsIgnoreCase(i, WITHMATCHLEN))
            {
                withMatchLength = true;
            }
            else if (args.argEqualsIgnoreCase(i, MINMATCHLEN) && i < count - 1)
            {
                minMatchLength = Math.max(0, args.argAsLong(++i));
                if (!args.lastArgWasNumber())
                {
                    out.error(ErrorReplies.NOT_AN_INTEGER);
                    return;
                }
            }
            else
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
        }
        if (length && indexes)
        {
            out.error(LEN_AND_IDX);
            return;
        }
        if ((a.length + 1L) * (b.length + 1L) * Integer.BYTES > maxStringLength)
        {
            out.error(TOO_MUCH_MEMORY);
            return;
        }

        final boolean walk = indexes || !length;
        final long[] upGreater = walk ? new long[(int)(((long)a.length * b.length + 63) >>> 6)] : null;
        final int total = fill(a, b, upGreater);
        if (!walk)
        {
            out.integer(total);
            return;
        }

        final byte[] common = new byte[total];
        final List<int[]> matches = walkBack(a, b, upGreater, common, minMatchLength);
        if (!indexes)
        {
            out.bulk(common);
            return;
        }
        out.arrayHeader(4);
        out.bulk(MATCHES);
        out.arrayHeader(matches.size());
        for (final int[] match : matches)
        {
            out.arrayHeader(withMatchLength ? 3 : 2);
            out.arrayHeader(2).integer(match[0]).integer(match[1]);
            out.arrayHeader(2).integer(match[2]).integer(match[3]);
            if (withMatchLength)
            {
                out.integer(match[1] - match[0] + 1);
            }
        }
        out.bulk(LEN_REPLY);
        out.integer(total);
    }

    /**
     * Fill the lengths a line at a time along the shorter string (so the lines take little memory however long the
     * other string is), keeping for each cell (i, j) whose bytes differ whether LCS(i - 1, j) is greater than
     * LCS(i, j - 1): bit (i - 1) * b.length + (j - 1), when bits is not null.
     *
     * @return LCS(a.length, b.length).
     */
    private static int fill(final byte[] a, final byte[] b, final long[] bits)
    {
        final int columns = b.length;
        if (columns <= a.length)
        {
            int[] previous = new int[columns + 1];
            int[] row = new int[columns + 1];
            for (int i = 1; i <= a.length; i++)
            {
                final byte x = a[i - 1];
                final long rowBit = (long)(i - 1) * columns - 1;
                for (int j = 1; j <= columns; j++)
                {
                    if (x == b[j - 1])
                    {
                        row[j] = previous[j - 1] + 1;
                    }
                    else if (previous[j] > row[j - 1])
                    {
                        row[j] = previous[j];
                        setBit(bits, rowBit + j);
                    }
                    else
                    {
                        row[j] = row[j - 1];
                    }
                }
                final int[] swap = previous;
                previous = row;
                row = swap;
            }
            return previous[columns];
        }

        int[] previous = new int[a.length + 1];
        int[] column = new int[a.length + 1];
        for (int j = 1; j <= columns; j++)
        {
            final byte y = b[j - 1];
            for (int i = 1; i <= a.length; i++)
            {
                if (a[i - 1] == y)
                {
                    column[i] = previous[i - 1] + 1;
                }
                else if (column[i - 1] > previous[i])
                {
                    column[i] = column[i - 1];
                    setBit(bits, (long)(i - 1) * columns + (j - 1));
                }
                else
                {
                    column[i] = previous[i];
                }
            }
            final int[] swap = previous;
            previous = column;
            column = swap;
        }
        return previous[a.length];
    }

    private static void setBit(final long[] bits, final long bit)
    {
        if (null != bits)
        {
            bits[(int)(bit >>> 6)] |= 1L << bit;
        }
    }

    /**
     * Walk back from (a.length, b.length) as Redis does, writing the subsequence and collecting the ranges that
     * match, from the last: each {a start, a end, b start, b end}, those shorter than minMatchLength left out.
     */
    private static List<int[]> walkBack(
        final byte[] a, final byte[] b, final long[] upGreater, final byte[] common, final long minMatchLength)
    {
        final List<int[]> matches = new ArrayList<>();
        final int none = a.length;
        final int columns = b.length;
        int i = a.length;
        int j = b.length;
        int next = common.length;
        int aStart = none;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0)
        {
            boolean emit = false;
            if (a[i - 1] == b[j - 1])
            {
                common[--next] = a[i - 1];
                if (aStart == none)
                {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                }
                else if (aStart == i && bStart == j)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }
                if (0 == aStart || 0 == bStart)
                {
                    emit = true;
                }
                i--;
                j--;
            }
            else
            {
                final long bit = (long)(i - 1) * columns + (j - 1);
                if (0 != (upGreater[(int)(bit >>> 6)] & (1L << bit)))
                {
                    i--;
                }
                else
                {
                    j--;
                }
                if (aStart != none)
                {
                    emit = true;
                }
            }
            if (emit)
            {
                if (aEnd - aStart + 1 >= minMatchLength)
                {
                    matches.add(new int[]{ aStart, aEnd, bStart, bEnd });
                }
                aStart = none;
            }
        }
        return matches;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

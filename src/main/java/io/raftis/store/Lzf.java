package io.raftis.store;

import java.util.Arrays;

/**
 * LZF, the compression Redis applies to strings longer than 20 bytes in a DUMP payload (and an RDB file), read and
 * written as its format is laid out: a control byte below 32 starts a run of control + 1 literal bytes; any other
 * control byte is a back reference whose top three bits are its length less 2 (7 meaning a further length byte
 * follows) and whose low five bits, with the next byte, are its distance back less 1. What {@link #compress} writes
 * any LZF reader reads, but it need not be the bytes liblzf, which Redis uses, would choose.
 */
public final class Lzf
{
    /** The most bytes one byte of compressed data can stand for: a 3-byte back reference of 264 bytes. */
    public static final int MAX_EXPANSION = 88;

    private static final int MAX_LITERAL_RUN = 32;
    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 264;
    private static final int MAX_DISTANCE = 8192;
    private static final int HASH_BITS = 14;

    private Lzf()
    {
    }

    /**
     * Compress into at most maxLength bytes, greedily: at each position the latest earlier position whose next three
     * bytes hash alike, if they are alike and within reach, starts the longest back reference that matches there.
     *
     * @param in        holding the bytes.
     * @param offset    of the first byte.
     * @param length    number of bytes.
     * @param maxLength the most compressed bytes worth having.
     * @return the compressed bytes, or null if they would be more than maxLength.
     */
    public static byte[] compress(final byte[] in, final int offset, final int length, final int maxLength)
    {
        if (maxLength <= 0)
        {
            return null;
        }
        final byte[] out = new byte[maxLength];
        final int[] latest = new int[1 << HASH_BITS];
        final int end = offset + length;
        int op = 0;
        int runStart = -1; // where in out the control byte of the literal run under way is, -1 for none
        int ip = offset;
        while (ip < end)
        {
            int match = 0;
            int distance = 0;
            if (ip + MIN_MATCH <= end)
            {
                final int hash = hash(in, ip);
                final int candidate = latest[hash] - 1;
                latest[hash] = ip + 1;
                distance = ip - candidate;
                if (candidate >= offset && distance <= MAX_DISTANCE && in[candidate] == in[ip] &&
                    in[candidate + 1] == in[ip + 1] && in[candidate + 2] == in[ip + 2])
                {
                    match = MIN_MATCH;
                    final int longest = Math.min(MAX_MATCH, end - ip);
                    while (match < longest && in[candidate + match] == in[ip + match])
                    {
                        match++;
                    }
                }
            }
            if (0 == match)
            {
                if (-1 == runStart || (out[runStart] & 0xFF) == MAX_LITERAL_RUN - 1)
                {
                    if (op + 2 > maxLength)
                    {
                        return null;
                    }
                    runStart = op;
                    out[op++] = 0;
                }
                else
                {
                    if (op + 1 > maxLength)
                    {
                        return null;
                    }
                    out[runStart]++;
                }
                out[op++] = in[ip++];
                continue;
            }
            final int back = distance - 1;
            final int lengthCode = match - 2;
            if (op + (lengthCode >= 7 ? 3 : 2) > maxLength)
            {
                return null;
            }
            if (lengthCode < 7)
            {
                out[op++] = (byte)(lengthCode << 5 | back >>> 8);
            }
            else
            {
                out[op++] = (byte)(7 << 5 | back >>> 8);
                out[op++] = (byte)(lengthCode - 7);
            }
            out[op++] = (byte)back;
            runStart = -1;
            for (int i = ip + 1, last = Math.min(ip + match, end - MIN_MATCH + 1); i < last; i++)
            {
                latest[hash(in, i)] = i + 1;
            }
            ip += match;
        }
        return Arrays.copyOf(out, op);
    }

    private static int hash(final byte[] in, final int at)
    {
        final int v = (in[at] & 0xFF) << 16 | (in[at + 1] & 0xFF) << 8 | (in[at + 2] & 0xFF);
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    /**
     * Decompress exactly into the output: the input must be used up exactly as the output is filled.
     *
     * @param in        holding the compressed bytes.
     * @param offset    of the first compressed byte.
     * @param length    number of compressed bytes.
     * @param out       to fill, whose length is the decompressed length promised.
     * @return true if the input decompressed to exactly out.length bytes, false if it is not valid LZF or gives
     * another length.
     */
    public static boolean decompress(final byte[] in, final int offset, final int length, final byte[] out)
    {
        final int end = offset + length;
        int ip = offset;
        int op = 0;
        while (ip < end)
        {
            final int control = in[ip++] & 0xFF;
            if (control < 32)
            {
                final int run = control + 1;
                if (run > end - ip || run > out.length - op)
                {
                    return false;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            }
            else
            {
                int run = control >>> 5;
                int back = (control & 0x1F) << 8;
                if (7 == run)
                {
                    if (ip >= end)
                    {
                        return false;
                    }
                    run += in[ip++] & 0xFF;
                }
                if (ip >= end)
                {
                    return false;
                }
                back += in[ip++] & 0xFF;
                run += 2;
                final int from = op - back - 1;
                if (from < 0 || run > out.length - op)
                {
                    return false;
                }
                for (int i = 0; i < run; i++)
                {
                    out[op + i] = out[from + i]; // byte by byte: a reference may overlap what it writes
                }
                op += run;
            }
        }
        return op == out.length;
    }
}

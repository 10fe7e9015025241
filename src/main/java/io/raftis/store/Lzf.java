package io.raftis.store;

/**
 * LZF, the compression Redis applies to strings longer than 20 bytes in a DUMP payload (and an RDB file), read as
 * its format is laid out: a control byte below 32 starts a run of control + 1 literal bytes; any other control byte
 * is a back reference whose top three bits are its length less 2 (7 meaning a further length byte follows) and whose
 * low five bits, with the next byte, are its distance back less 1.
 */
public final class Lzf
{
    /** The most bytes one byte of compressed data can stand for: a 3-byte back reference of 264 bytes. */
    public static final int MAX_EXPANSION = 88;

    private Lzf()
    {
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

package io.raftis.store;

/**
 * The 64-bit CRC Redis puts at the end of a DUMP payload (and an RDB file): the Jones polynomial, reflected, with
 * an initial value of 0 and no final xor, so that the CRC of "123456789" is 0xe9c6d914c4b8d9ca.
 */
public final class Crc64
{
    /** The Jones polynomial 0xad93d23594c935a9, bit-reversed for a reflected CRC. */
    private static final long REFLECTED_POLYNOMIAL = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];

    static
    {
        for (int i = 0; i < 256; i++)
        {
            long crc = i;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = 0 != (crc & 1) ? (crc >>> 1) ^ REFLECTED_POLYNOMIAL : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64()
    {
    }

    /**
     * @param crc    the CRC of the bytes before these, 0 to start.
     * @param bytes  holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return the CRC of the bytes so far.
     */
    public static long update(final long crc, final byte[] bytes, final int offset, final int length)
    {
        long value = crc;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            value = TABLE[(int)((value ^ bytes[i]) & 0xFF)] ^ (value >>> 8);
        }
        return value;
    }
}

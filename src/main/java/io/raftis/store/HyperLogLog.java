package io.raftis.store;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis 7's HyperLogLog string, byte for byte, and the work on one: a 16-byte header ("HYLL", the encoding, three
 * unused bytes, the cached cardinality in little-endian order whose top bit marks it stale) and 16384 registers of
 * 6 bits, either dense (packed from the low bit of each byte up) or sparse (runs of opcodes: ZERO 00xxxxxx for 1 to
 * 64 zero registers, XZERO 01xxxxxx yyyyyyyy for 1 to 16384, VAL 1vvvvvxx for 1 to 4 registers holding 1 to 32).
 * <p>
 * An element is hashed with MurmurHash64A and Redis's seed; the low 14 bits pick the register, and one more than
 * the number of zero bits above them is the value the register is raised to. A sparse string is updated as Redis
 * updates it, opcode by opcode, so that the same additions leave the same bytes: the opcode holding the register is
 * set or split in place, then neighbouring VALs of one value are joined, looking at no more than five opcodes; a
 * register above 32, or a string that would grow past {@link #SPARSE_MAX_LENGTH}, turns it dense. The count is
 * Otmar Ertl's improved estimator over the registers' histogram, in Redis's order of floating-point operations.
 * <p>
 * Redis reads an XZERO's second byte even when the opcode is the string's last byte, so it reads the byte past the
 * string's end: 0 in a string that came whole from a client, but Redis's own splitting of such a cut opcode can
 * leave a byte there. The work keeps that byte at index {@code length()} of its array; every read-only method takes
 * it as an argument. Reading a sparse string whole (to count it, merge it or turn it dense), its opcodes must cover
 * exactly the 16384 registers, none past the last, else it is corrupt: the rule of the fix for CVE-2025-32023, which
 * the redis-server 7.0.15 of Debian 12 carries. Updating one, only the opcodes up to the register are read.
 * <p>
 * One instance is reused command after command: {@link #load(byte[], int)} starts a piece of work, on the stored
 * dense array itself or on a copy of a sparse one.
 */
final class HyperLogLog
{
    /** Bytes of the header. */
    static final int HEADER_LENGTH = 16;
    /** The number of registers. */
    static final int REGISTERS = 1 << 14;
    /** Length of a dense string: the header and 6 bits per register. */
    static final int DENSE_LENGTH = HEADER_LENGTH + REGISTERS * 6 / 8;
    /** The encoding byte of a dense string. */
    static final int DENSE = 0;
    /** The encoding byte of a sparse string. */
    static final int SPARSE = 1;
    /** Longest a sparse string may grow, Redis's default hll-sparse-max-bytes; past it the string turns dense. */
    static final int SPARSE_MAX_LENGTH = 3000;
    /** Entries in a histogram of register values: a register holds 6 bits. */
    static final int HISTOGRAM_LENGTH = 64;

    private static final int ENCODING_OFFSET = 4;
    private static final int CARDINALITY_OFFSET = 8;
    private static final int STALE_BYTE = CARDINALITY_OFFSET + 7;
    private static final int STALE_BIT = 0x80;
    private static final int INDEX_BITS = 14;
    private static final int INDEX_MASK = REGISTERS - 1;
    private static final int REGISTER_MASK = 63;
    /** Bits of the hash above the index: a register's value is at most one more. */
    private static final int Q = 64 - INDEX_BITS;
    private static final long SEED = 0xadc83b19L;
    private static final long MULTIPLIER = 0xc6a4a7935bd1e995L;
    private static final int SHIFT = 47;
    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final int VAL_MAX_VALUE = 32;
    private static final int VAL_MAX_LENGTH = 4;
    private static final int ZERO_MAX_LENGTH = 64;
    /** Opcodes after the previous one that a change looks at to join VALs. */
    private static final int JOIN_SCAN = 5;
    /** Room a sparse change may need: an XZERO split into XZERO, VAL, XZERO is three bytes longer. */
    private static final int SPLIT_ROOM = 3;
    /** Scratch kept between strings: enough for any sparse string that Redis's updates let grow. */
    private static final int SCRATCH_KEPT = 2 * SPARSE_MAX_LENGTH;

    /** Where a sparse string is worked on, grown as needed. */
    private byte[] scratch = new byte[64];
    /** The string worked on: the scratch array, or a dense array. */
    private byte[] value = scratch;
    private int length;
    private final byte[] registers = new byte[REGISTERS];
    private final byte[] sequence = new byte[5];

    /**
     * @param value a string.
     * @return whether Redis takes it for a HyperLogLog: at least a header, "HYLL", a known encoding, and exactly
     * {@link #DENSE_LENGTH} bytes if dense. A sparse string's opcodes are only checked when they are read.
     */
    static boolean isHyperLogLog(final byte[] value)
    {
        return value.length >= HEADER_LENGTH &&
            'H' == value[0] && 'Y' == value[1] && 'L' == value[2] && 'L' == value[3] &&
            (value[ENCODING_OFFSET] & 0xFF) <= SPARSE &&
            (SPARSE == value[ENCODING_OFFSET] || DENSE_LENGTH == value.length);
    }

    /**
     * @param value a HyperLogLog.
     * @return whether the cached cardinality may be used: its top bit is clear.
     */
    static boolean isCacheValid(final byte[] value)
    {
        return 0 == (value[STALE_BYTE] & STALE_BIT);
    }

    /**
     * @param value a HyperLogLog.
     * @return the cached cardinality, as its 8 bytes read in little-endian order.
     */
    static long cachedCount(final byte[] value)
    {
        long count = 0;
        for (int i = 7; i >= 0; i--)
        {
            count = (count << 8) | (value[CARDINALITY_OFFSET + i] & 0xFF);
        }
        return count;
    }

    /**
     * Cache a cardinality in a HyperLogLog's header, in place.
     *
     * @param value a HyperLogLog.
     * @param count its cardinality, whose 8 bytes are stored as they are (so a count with its top bit set reads as
     *              stale, as it does in Redis).
     */
    static void cacheCount(final byte[] value, final long count)
    {
        for (int i = 0; i < 8; i++)
        {
            value[CARDINALITY_OFFSET + i] = (byte)(count >>> (8 * i));
        }
    }

    /**
     * @param value a HyperLogLog.
     * @return whether it is dense.
     */
    static boolean isDense(final byte[] value)
    {
        return DENSE == value[ENCODING_OFFSET];
    }

    /**
     * Raise each of the registers to a HyperLogLog's register of the same index where that is higher, as PFCOUNT of
     * several keys and PFMERGE do.
     *
     * @param value     a HyperLogLog.
     * @param pastEnd   the byte Redis would read past the end of a sparse string.
     * @param registers one value per register.
     * @return false if the string is sparse and its opcodes do not cover exactly {@link #REGISTERS} registers, with
     * some of the registers raised already.
     */
    static boolean merge(final byte[] value, final int pastEnd, final byte[] registers)
    {
        if (isDense(value))
        {
            for (int i = 0; i < REGISTERS; i++)
            {
                final int register = denseRegister(value, i);
                if (register > registers[i])
                {
                    registers[i] = (byte)register;
                }
            }
            return true;
        }
        return mergeSparse(value, value.length, pastEnd, registers);
    }

    /**
     * Redis's estimate of the cardinality of registers: Ertl's estimator over the histogram of their values, rounded
     * half away from zero, and then as Redis turns it into an unsigned 64-bit integer: an estimate of 2^63 or more,
     * or of an empty sum (every register past 50), becomes 2^63, which reads as a negative number and leaves the
     * cache stale.
     *
     * @param registers one value per register, each 0 to 63.
     * @param histogram where the counts by register value are made, of {@link #HISTOGRAM_LENGTH} entries.
     * @return the estimate.
     */
    static long estimate(final byte[] registers, final int[] histogram)
    {
        Arrays.fill(histogram, 0);
        for (int i = 0; i < REGISTERS; i++)
        {
            histogram[registers[i]]++;
        }

        final double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; j--)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);

        return roundHalfAwayFromZero(ALPHA_INF * m * m / z);
    }

    /**
     * The 64-bit hash of an element: MurmurHash64A, reading the element 8 bytes at a time in little-endian order,
     * with Redis's seed.
     *
     * @param buffer holding the element.
     * @param offset of the element in the buffer.
     * @param length of the element.
     * @return the hash.
     */
    static long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = SEED ^ (length * MULTIPLIER);
        final int whole = offset + (length & ~7);
        int i = offset;
        for (; i < whole; i += 8)
        {
            long k = buffer.getLong(i, ByteOrder.LITTLE_ENDIAN);
            k *= MULTIPLIER;
            k ^= k >>> SHIFT;
            k *= MULTIPLIER;
            h ^= k;
            h *= MULTIPLIER;
        }
        final int rest = length & 7;
        if (rest > 0)
        {
            for (int j = rest - 1; j >= 0; j--)
            {
                h ^= (buffer.getByte(i + j) & 0xFFL) << (8 * j);
            }
            h *= MULTIPLIER;
        }
        h ^= h >>> SHIFT;
        h *= MULTIPLIER;
        h ^= h >>> SHIFT;

        return h;
    }

    /**
     * Start work on a new, empty HyperLogLog: sparse, one XZERO for every register, a cache of 0 that is valid.
     */
    void loadEmpty()
    {
        value = scratch;
        ensureCapacity(HEADER_LENGTH + 2 + SPLIT_ROOM + 1);
        Arrays.fill(value, (byte)0);
        value[0] = 'H';
        value[1] = 'Y';
        value[2] = 'L';
        value[3] = 'L';
        value[ENCODING_OFFSET] = SPARSE;
        putXzero(value, HEADER_LENGTH, REGISTERS);
        length = HEADER_LENGTH + 2;
    }

    /**
     * Start work on a stored HyperLogLog: a dense one is changed in place, a sparse one is copied first, since it may
     * change length.
     *
     * @param stored  a string that {@link #isHyperLogLog(byte[])} accepts.
     * @param pastEnd the byte Redis would read past the end of a sparse string.
     */
    void load(final byte[] stored, final int pastEnd)
    {
        length = stored.length;
        if (isDense(stored))
        {
            value = stored;
            return;
        }
        if (scratch.length > SCRATCH_KEPT && scratch.length > 2 * (length + SPLIT_ROOM + 1))
        {
            scratch = new byte[length + SPLIT_ROOM + 1]; // let a huge string's scratch go
        }
        value = scratch;
        ensureCapacity(length + SPLIT_ROOM + 1);
        System.arraycopy(stored, 0, value, 0, length);
        Arrays.fill(value, length, value.length, (byte)0);
        value[length] = (byte)pastEnd;
    }

    /**
     * @return whether the work is on a dense string.
     */
    boolean isDense()
    {
        return DENSE == value[ENCODING_OFFSET];
    }

    /**
     * @return the array the work is in: the stored array itself for a dense string loaded, a new array once a sparse
     * one turned dense, else a scratch array of which only the first {@link #length()} bytes are the string.
     */
    byte[] array()
    {
        return value;
    }

    /**
     * @return the length of the string.
     */
    int length()
    {
        return length;
    }

    /**
     * @return the byte past the end of a sparse string, as Redis would read it next time; 0 for a dense one.
     */
    int pastEnd()
    {
        return isDense() ? 0 : value[length] & 0xFF;
    }

    /**
     * @return the string as a new array of its exact length, or the dense array itself.
     */
    byte[] toBytes()
    {
        return isDense() ? value : Arrays.copyOf(value, length);
    }

    /**
     * Mark the cached cardinality stale: set its top bit, leaving the other bits as they were.
     */
    void invalidateCache()
    {
        value[STALE_BYTE] |= (byte)STALE_BIT;
    }

    /**
     * Add an element: raise the register it hashes to, if the element's run of zeros is longer.
     *
     * @param buffer holding the element.
     * @param offset of the element in the buffer.
     * @param length of the element.
     * @return 1 if a register changed, 0 if not, -1 if the sparse string is corrupt.
     */
    int add(final DirectBuffer buffer, final int offset, final int length)
    {
        final long hash = hash(buffer, offset, length);
        final int index = (int)(hash & INDEX_MASK);
        final int count = Long.numberOfTrailingZeros((hash >>> INDEX_BITS) | (1L << Q)) + 1;

        return set(index, count);
    }

    /**
     * Raise a register to a value, if it is lower.
     *
     * @param index of the register.
     * @param count value, 1 to 63.
     * @return 1 if the register changed, 0 if not, -1 if the sparse string is corrupt.
     */
    int set(final int index, final int count)
    {
        if (isDense())
        {
            return denseSet(value, index, count) ? 1 : 0;
        }
        if (count > VAL_MAX_VALUE)
        {
            return promoteAndSet(index, count);
        }
        return sparseSet(index, count);
    }

    /**
     * Turn a sparse string dense, keeping its header but for the encoding (the cache and the unused bytes too).
     *
     * @return false, with the string as it was, if the sparse string is corrupt.
     */
    boolean toDense()
    {
        if (isDense())
        {
            return true;
        }
        Arrays.fill(registers, (byte)0);
        if (!mergeSparse(value, length, value[length] & 0xFF, registers))
        {
            return false;
        }
        final byte[] dense = new byte[DENSE_LENGTH];
        System.arraycopy(value, 0, dense, 0, HEADER_LENGTH);
        dense[ENCODING_OFFSET] = DENSE;
        for (int i = 0; i < REGISTERS; i++)
        {
            if (0 != registers[i])
            {
                denseSet(dense, i, registers[i]);
            }
        }
        value = dense;
        length = DENSE_LENGTH;
        return true;
    }

    private int promoteAndSet(final int index, final int count)
    {
        if (!toDense())
        {
            return -1;
        }
        return denseSet(value, index, count) ? 1 : 0;
    }

    /**
     * Redis's sparse update: find the opcode covering the register; a VAL already as high changes nothing; a VAL or
     * ZERO of one register becomes the new VAL; anything else is split into up to three opcodes (zeros or the old
     * value before, the new VAL, zeros or the old value after), the rest of the string moved to make room; then
     * VALs are joined.
     */
    private int sparseSet(final int index, final int count)
    {
        int p = HEADER_LENGTH;
        int previous = -1;
        long first = 0;
        long span = 0;
        while (p < length)
        {
            final int op = value[p] & 0xFF;
            int opLength = 1;
            if (isZero(op))
            {
                span = zeroLength(op);
            }
            else if (isVal(op))
            {
                span = valLength(op);
            }
            else
            {
                span = xzeroLength(op, value[p + 1] & 0xFF);
                opLength = 2;
            }
            if (index <= first + span - 1)
            {
                break;
            }
            previous = p;
            p += opLength;
            first += span;
        }
        if (0 == span || p >= length)
        {
            return -1;
        }

        final int op = value[p] & 0xFF;
        final int next = isXzero(op) ? p + 2 : p + 1;
        if (isVal(op))
        {
            if (valValue(op) >= count)
            {
                return 0;
            }
            if (1 == span)
            {
                value[p] = valOp(count, 1);
                return joinValues(previous);
            }
        }
        else if (isZero(op) && 1 == span)
        {
            value[p] = valOp(count, 1);
            return joinValues(previous);
        }

        final long last = first + span - 1;
        int n = 0;
        if (isVal(op))
        {
            final int current = valValue(op);
            if (index != first)
            {
                sequence[n++] = valOp(current, (int)(index - first));
            }
            sequence[n++] = valOp(count, 1);
            if (index != last)
            {
                sequence[n++] = valOp(current, (int)(last - index));
            }
        }
        else
        {
            if (index != first)
            {
                n = putZeros(sequence, n, (int)(index - first));
            }
            sequence[n++] = valOp(count, 1);
            if (index != last)
            {
                n = putZeros(sequence, n, (int)(last - index));
            }
        }

        final int delta = n - (isXzero(op) ? 2 : 1);
        if (delta > 0 && length + delta > SPARSE_MAX_LENGTH)
        {
            return promoteAndSet(index, count);
        }
        ensureCapacity(length + SPLIT_ROOM + 1);
        if (0 != delta && next < length)
        {
            System.arraycopy(value, next, value, next + delta, length - next);
        }
        // as Redis: the new length's end is zeroed before the opcodes are written, so an opcode cut at the end of
        // the string is written past it
        length += delta;
        value[length] = 0;
        System.arraycopy(sequence, 0, value, p, n);

        return joinValues(previous);
    }

    /**
     * Join neighbouring VALs of one value while their runs fit one VAL, looking at up to five opcodes from the one
     * before the change; then mark the cache stale.
     *
     * @return 1: a register changed.
     */
    private int joinValues(final int previous)
    {
        int p = previous >= 0 ? previous : HEADER_LENGTH;
        int budget = JOIN_SCAN;
        while (p < length && budget-- > 0)
        {
            final int op = value[p] & 0xFF;
            if (isXzero(op))
            {
                p += 2;
                continue;
            }
            if (isZero(op))
            {
                p++;
                continue;
            }
            if (p + 1 < length && isVal(value[p + 1] & 0xFF))
            {
                final int nextOp = value[p + 1] & 0xFF;
                final int run = valLength(op) + valLength(nextOp);
                if (valValue(op) == valValue(nextOp) && run <= VAL_MAX_LENGTH)
                {
                    value[p + 1] = valOp(valValue(op), run);
                    // the byte past the end moves in too, then the new end is zeroed
                    System.arraycopy(value, p + 1, value, p, length - p);
                    length--;
                    value[length] = 0;
                    continue; // the joined VAL may join the next one
                }
            }
            p++;
        }
        invalidateCache();

        return 1;
    }

    private void ensureCapacity(final int capacity)
    {
        if (scratch.length < capacity)
        {
            scratch = Arrays.copyOf(scratch, Math.max(capacity, 2 * scratch.length));
            value = scratch;
        }
    }

    /**
     * The walk Redis makes to turn sparse opcodes into registers, here raising each register to the one read.
     */
    private static boolean mergeSparse(
        final byte[] value, final int length, final int pastEnd, final byte[] registers)
    {
        int index = 0;
        for (int p = HEADER_LENGTH; p < length; )
        {
            final int op = value[p] & 0xFF;
            final int run;
            if (isZero(op))
            {
                run = zeroLength(op);
            }
            else if (isXzero(op))
            {
                run = xzeroLength(op, p + 1 < length ? value[p + 1] & 0xFF : pastEnd);
            }
            else
            {
                run = valLength(op);
            }
            if (index + run > REGISTERS)
            {
                return false;
            }
            if (isVal(op))
            {
                final int register = valValue(op);
                for (int i = index; i < index + run; i++)
                {
                    if (register > registers[i])
                    {
                        registers[i] = (byte)register;
                    }
                }
            }
            index += run;
            p += isXzero(op) ? 2 : 1;
        }
        return REGISTERS == index;
    }

    private static int denseRegister(final byte[] value, final int index)
    {
        final int bit = index * 6;
        final int at = HEADER_LENGTH + (bit >>> 3);
        final int shift = bit & 7;
        final int low = value[at] & 0xFF;
        final int high = at + 1 < value.length ? value[at + 1] & 0xFF : 0;

        return ((low >>> shift) | (high << (8 - shift))) & REGISTER_MASK;
    }

    private static boolean denseSet(final byte[] value, final int index, final int count)
    {
        if (count <= denseRegister(value, index))
        {
            return false;
        }
        final int bit = index * 6;
        final int at = HEADER_LENGTH + (bit >>> 3);
        final int shift = bit & 7;
        value[at] = (byte)((value[at] & ~(REGISTER_MASK << shift)) | (count << shift));
        if (shift > 2)
        {
            value[at + 1] = (byte)((value[at + 1] & ~(REGISTER_MASK >>> (8 - shift))) | (count >>> (8 - shift)));
        }
        return true;
    }

    private static int putZeros(final byte[] into, final int at, final int run)
    {
        if (run > ZERO_MAX_LENGTH)
        {
            putXzero(into, at, run);
            return at + 2;
        }
        into[at] = (byte)(run - 1);
        return at + 1;
    }

    private static void putXzero(final byte[] into, final int at, final int run)
    {
        into[at] = (byte)(0x40 | ((run - 1) >>> 8));
        into[at + 1] = (byte)(run - 1);
    }

    private static byte valOp(final int register, final int run)
    {
        return (byte)(0x80 | ((register - 1) << 2) | (run - 1));
    }

    private static boolean isZero(final int op)
    {
        return 0 == (op & 0xC0);
    }

    private static boolean isXzero(final int op)
    {
        return 0x40 == (op & 0xC0);
    }

    private static boolean isVal(final int op)
    {
        return 0 != (op & 0x80);
    }

    private static int zeroLength(final int op)
    {
        return (op & 0x3F) + 1;
    }

    private static int xzeroLength(final int op, final int second)
    {
        return (((op & 0x3F) << 8) | second) + 1;
    }

    private static int valValue(final int op)
    {
        return ((op >>> 2) & 0x1F) + 1;
    }

    private static int valLength(final int op)
    {
        return (op & 0x3) + 1;
    }

    /**
     * Ertl's sigma, iterated until it stops changing.
     */
    private static double sigma(final double x)
    {
        if (1.0 == x)
        {
            return Double.POSITIVE_INFINITY;
        }
        double square = x;
        double y = 1;
        double z = x;
        double previous;
        do
        {
            square *= square;
            previous = z;
            z += square * y;
            y += y;
        }
        while (previous != z);

        return z;
    }

    /**
     * Ertl's tau, iterated until it stops changing.
     */
    private static double tau(final double x)
    {
        if (0.0 == x || 1.0 == x)
        {
            return 0.0;
        }
        double root = x;
        double y = 1.0;
        double z = 1 - x;
        double previous;
        do
        {
            root = Math.sqrt(root);
            previous = z;
            y *= 0.5;
            final double rest = 1 - root;
            z -= rest * rest * y;
        }
        while (previous != z);

        return z / 3;
    }

    /**
     * llroundl, as x86-64 gives it: half away from zero, and the "integer indefinite" 2^63 for what does not fit a
     * signed 64-bit integer (an infinite estimate included).
     */
    private static long roundHalfAwayFromZero(final double x)
    {
        if (Double.isNaN(x) || x >= 0x1p63 || x < -0x1p63)
        {
            return Long.MIN_VALUE;
        }
        return x < 0 ? -Math.round(-x) : Math.round(x);
    }
}

package io.raftis.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;

/**
 * A Redis hash: fields and values, binary-safe.
 * <p>
 * Small hashes are kept as Redis keeps them in a listpack: one array of field, value, field, value … in insertion
 * order, searched linearly, which costs a few references per field instead of a table. A hash that grows past
 * {@link #MAX_COMPACT_ENTRIES} fields, or is given a field or value longer than {@link #MAX_COMPACT_VALUE} bytes, moves
 * to a table for good (Redis's hash-max-listpack-entries 128 and hash-max-listpack-value 64): a {@link Keyspace},
 * whose seeded hash, incremental resize and resize-proof scan cursor it shares.
 */
public final class HashValue
{
    /** The most fields a compact hash holds. */
    public static final int MAX_COMPACT_ENTRIES = 128;
    /** The longest field or value a compact hash holds. */
    public static final int MAX_COMPACT_VALUE = 64;
    private static final int INITIAL_PAIRS = 4;
    /** The hash object itself: header, fields, the probe buffer. */
    private static final int OBJECT_BYTES = 96;

    private byte[][] pairs = new byte[2 * INITIAL_PAIRS][];
    private int size;
    /** The arrays of a compact hash's fields and values, on the heap. */
    private long compactBytes;
    private Keyspace table;
    private final UnsafeBuffer probe = new UnsafeBuffer(new byte[0]);

    /**
     * Receives a hash's fields and values.
     */
    @FunctionalInterface
    public interface FieldConsumer
    {
        /**
         * @param field owned by the hash: must not be modified.
         * @param value owned by the hash: must not be modified.
         */
        void accept(byte[] field, byte[] value);
    }

    /**
     * @return the number of fields.
     */
    public int size()
    {
        return null != table ? table.size() : size;
    }

    /**
     * @return whether the hash is in its compact form, as OBJECT ENCODING's "listpack" says.
     */
    public boolean isCompact()
    {
        return null == table;
    }

    /**
     * @return the value of a field, or null.
     */
    public byte[] get(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != table)
        {
            return (byte[])table.get(buffer, offset, length);
        }
        final int at = indexOf(buffer, offset, length);
        return at < 0 ? null : pairs[at + 1];
    }

    /**
     * @return the value of a field, or null.
     */
    public byte[] get(final byte[] field)
    {
        probe.wrap(field);
        return get(probe, 0, field.length);
    }

    /**
     * Set a field's value.
     *
     * @param value kept by the hash, not to be modified afterwards.
     * @return true if the field is new.
     */
    public boolean put(final DirectBuffer buffer, final int offset, final int length, final byte[] value)
    {
        if (null == table && (length > MAX_COMPACT_VALUE || value.length > MAX_COMPACT_VALUE))
        {
            convert();
        }
        if (null != table)
        {
            return null == table.put(buffer, offset, length, value);
        }
        final int at = indexOf(buffer, offset, length);
        if (at >= 0)
        {
            compactBytes += Keyspace.arrayBytes(value.length) - Keyspace.arrayBytes(pairs[at + 1].length);
            pairs[at + 1] = value;
            return false;
        }
        if (size == MAX_COMPACT_ENTRIES)
        {
            convert();
            return null == table.put(buffer, offset, length, value);
        }
        if (2 * size == pairs.length)
        {
            pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
        }
        final byte[] field = new byte[length];
        buffer.getBytes(offset, field);
        pairs[2 * size] = field;
        pairs[2 * size + 1] = value;
        size++;
        compactBytes += Keyspace.arrayBytes(field.length) + Keyspace.arrayBytes(value.length);
        return true;
    }

    /**
     * @return true if the field was there.
     */
    public boolean remove(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != table)
        {
            return table.remove(buffer, offset, length);
        }
        final int at = indexOf(buffer, offset, length);
        if (at < 0)
        {
            return false;
        }
        compactBytes -= Keyspace.arrayBytes(pairs[at].length) + Keyspace.arrayBytes(pairs[at + 1].length);
        System.arraycopy(pairs, at + 2, pairs, at, 2 * size - at - 2);
        size--;
        pairs[2 * size] = null;
        pairs[2 * size + 1] = null;
        return true;
    }

    /**
     * Visit every field, in insertion order while compact, else in the table's order.
     */
    public void forEach(final FieldConsumer consumer)
    {
        if (null != table)
        {
            table.forEach((field, value) -> consumer.accept(field, (byte[])value));
            return;
        }
        for (int i = 0; i < size; i++)
        {
            consumer.accept(pairs[2 * i], pairs[2 * i + 1]);
        }
    }

    /**
     * One step of HSCAN: a compact hash is visited whole (cursor 0 comes back), a table as
     * {@link Keyspace#scan(long, int, Keyspace.KeyConsumer)} visits its keys.
     *
     * @return the next cursor, 0 at the end.
     */
    public long scan(final long cursor, final int count, final FieldConsumer consumer)
    {
        if (null == table)
        {
            forEach(consumer);
            return 0;
        }
        return table.scan(cursor, count, (field, value) -> consumer.accept(field, (byte[])value));
    }

    /**
     * @return a field picked at random.
     */
    public byte[] randomField(final Random random)
    {
        if (null != table)
        {
            return table.randomKey(random);
        }
        return pairs[2 * random.nextInt(size)];
    }

    /**
     * @return the bytes the hash holds on the heap, near enough for maxmemory: its arrays and their contents, or its
     * table's {@link Keyspace#usedMemory()}; kept as it changes, so asking costs nothing.
     */
    public long heapBytes()
    {
        if (null != table)
        {
            return table.usedMemory();
        }
        return OBJECT_BYTES + Keyspace.arrayBytes(4 * pairs.length) + compactBytes;
    }

    /**
     * @return a copy sharing nothing with this hash.
     */
    public HashValue copy()
    {
        final HashValue copy = new HashValue();
        forEach((field, value) -> copy.put(new UnsafeBuffer(field), 0, field.length, value.clone()));
        return copy;
    }

    private int indexOf(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < size; i++)
        {
            final byte[] field = pairs[2 * i];
            if (sameBytes(field, buffer, offset, length))
            {
                return 2 * i;
            }
        }
        return -1;
    }

    /**
     * @return whether the array holds the same bytes as the buffer's range.
     */
    static boolean sameBytes(final byte[] bytes, final DirectBuffer buffer, final int offset, final int length)
    {
        if (bytes.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private void convert()
    {
        final Keyspace converted = new Keyspace(2 * Math.max(size, 4));
        for (int i = 0; i < size; i++)
        {
            converted.put(pairs[2 * i], pairs[2 * i + 1]);
        }
        table = converted;
        pairs = null;
        size = 0;
        compactBytes = 0;
    }
}

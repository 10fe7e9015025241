package io.raftis.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.Random;

/**
 * A Redis hash: fields and values, binary-safe.
 * <p>
 * Small hashes are kept as Redis keeps them in a listpack: one byte array of field, value, field, value … in
 * insertion order, each behind its one-byte length, searched linearly, so a small hash costs one array and not an
 * array per field and value. A hash that grows past {@link #MAX_COMPACT_ENTRIES} fields, or is given a field or value
 * longer than {@link #MAX_COMPACT_VALUE} bytes, moves to a table for good (Redis's hash-max-listpack-entries 128 and
 * hash-max-listpack-value 64): a {@link Keyspace}, whose seeded hash, incremental resize and resize-proof scan cursor
 * it shares. A compact hash hands out copies of its fields and values; a table, the arrays it holds.
 */
public final class HashValue
{
    /** The most fields a compact hash holds. */
    public static final int MAX_COMPACT_ENTRIES = 128;
    /** The longest field or value a compact hash holds: its length fits the one byte before it. */
    public static final int MAX_COMPACT_VALUE = 64;
    /** The hash object itself: header and fields. */
    private static final int OBJECT_BYTES = 32;
    private static final byte[] EMPTY = new byte[0];

    /** A compact hash's entries: length, field, length, value, … in insertion order; null once it is a table. */
    private byte[] entries = EMPTY;
    /** The bytes of {@link #entries} in use. */
    private int used;
    private int size;
    private Keyspace table;

    /**
     * Receives a hash's fields and values.
     */
    @FunctionalInterface
    public interface FieldConsumer
    {
        /**
         * @param field not to be modified.
         * @param value not to be modified.
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
        return at < 0 ? null : valueAt(at);
    }

    /**
     * @return the value of a field, or null.
     */
    public byte[] get(final byte[] field)
    {
        if (null != table)
        {
            return (byte[])table.get(field);
        }
        final int at = indexOf(new UnsafeBuffer(field), 0, field.length);
        return at < 0 ? null : valueAt(at);
    }

    /**
     * Set a field's value.
     *
     * @param value kept by the hash, or copied into it, and not to be modified afterwards.
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
            final int valueAt = at + 1 + entries[at];
            final int oldLength = entries[valueAt];
            resize(valueAt + 1 + oldLength, value.length - oldLength);
            entries[valueAt] = (byte)value.length;
            System.arraycopy(value, 0, entries, valueAt + 1, value.length);
            return false;
        }
        if (size == MAX_COMPACT_ENTRIES)
        {
            convert();
            return null == table.put(buffer, offset, length, value);
        }
        int end = used;
        resize(end, 2 + length + value.length);
        entries[end++] = (byte)length;
        buffer.getBytes(offset, entries, end, length);
        end += length;
        entries[end++] = (byte)value.length;
        System.arraycopy(value, 0, entries, end, value.length);
        size++;
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
        final int end = next(at);
        resize(end, at - end);
        size--;
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
        for (int at = 0; at < used; at = next(at))
        {
            consumer.accept(Arrays.copyOfRange(entries, at + 1, at + 1 + entries[at]), valueAt(at));
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
        int at = 0;
        for (int skip = random.nextInt(size); skip > 0; skip--)
        {
            at = next(at);
        }
        return Arrays.copyOfRange(entries, at + 1, at + 1 + entries[at]);
    }

    /**
     * @return the bytes the hash holds on the heap, near enough for maxmemory: the object and its one array, or its
     * table's {@link Keyspace#usedMemory()}; asking costs nothing.
     */
    public long heapBytes()
    {
        if (null != table)
        {
            return table.usedMemory();
        }
        return OBJECT_BYTES + Keyspace.arrayBytes(entries.length);
    }

    /**
     * @return a copy sharing nothing with this hash.
     */
    public HashValue copy()
    {
        final HashValue copy = new HashValue();
        if (null == table)
        {
            copy.entries = Arrays.copyOf(entries, used);
            copy.used = used;
            copy.size = size;
            return copy;
        }
        forEach((field, value) -> copy.put(new UnsafeBuffer(field), 0, field.length, value.clone()));
        return copy;
    }

    /**
     * @return where the entry of the field starts (its length byte), or -1.
     */
    private int indexOf(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int at = 0; at < used; at = next(at))
        {
            if (entries[at] == length && sameBytes(entries, at + 1, buffer, offset, length))
            {
                return at;
            }
        }
        return -1;
    }

    /**
     * @return where the entry after the one at {@code at} starts.
     */
    private int next(final int at)
    {
        final int valueAt = at + 1 + entries[at];
        return valueAt + 1 + entries[valueAt];
    }

    private byte[] valueAt(final int at)
    {
        final int valueAt = at + 1 + entries[at];
        return Arrays.copyOfRange(entries, valueAt + 1, valueAt + 1 + entries[valueAt]);
    }

    /**
     * Move the bytes from a position on by delta: room opens before them, or the delta bytes before them go. The array
     * keeps no spare room, as a listpack's allocation fits it.
     */
    private void resize(final int position, final int delta)
    {
        if (0 == delta)
        {
            return;
        }
        final int newUsed = used + delta;
        final byte[] target = newUsed != entries.length ? new byte[newUsed] : entries;
        System.arraycopy(entries, 0, target, 0, Math.min(position, newUsed));
        System.arraycopy(entries, position, target, position + delta, used - position);
        entries = target;
        used = newUsed;
    }

    /**
     * @return whether the array holds the same bytes as the buffer's range.
     */
    static boolean sameBytes(final byte[] bytes, final DirectBuffer buffer, final int offset, final int length)
    {
        return bytes.length == length && sameBytes(bytes, 0, buffer, offset, length);
    }

    private static boolean sameBytes(
        final byte[] bytes, final int at, final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (bytes[at + i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private void convert()
    {
        final Keyspace converted = new Keyspace(2 * Math.max(size, 4));
        forEach(converted::put);
        table = converted;
        entries = null;
        used = 0;
        size = 0;
    }
}

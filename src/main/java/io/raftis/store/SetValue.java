package io.raftis.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;
import java.util.function.Consumer;

/**
 * A Redis set: distinct binary-safe members. As {@link HashValue}, a small set is one array searched linearly, in
 * insertion order; past {@link HashValue#MAX_COMPACT_ENTRIES} members, or given one longer than
 * {@link HashValue#MAX_COMPACT_VALUE} bytes, it moves to a {@link Keyspace} table for good.
 */
public final class SetValue
{
    private static final byte[] PRESENT = new byte[0];
    private static final int OBJECT_BYTES = 64;

    private byte[][] members = new byte[4][];
    private int size;
    private long compactBytes;
    private Keyspace table;

    /**
     * @return the number of members.
     */
    public int size()
    {
        return null != table ? table.size() : size;
    }

    /**
     * @return whether the set holds the member.
     */
    public boolean contains(final DirectBuffer buffer, final int offset, final int length)
    {
        return null != table ? table.containsKey(buffer, offset, length) : indexOf(buffer, offset, length) >= 0;
    }

    /**
     * @return whether the set holds the member.
     */
    public boolean contains(final byte[] member)
    {
        return contains(new UnsafeBuffer(member), 0, member.length);
    }

    /**
     * @return true if the member is new.
     */
    public boolean add(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == table && length > HashValue.MAX_COMPACT_VALUE)
        {
            convert();
        }
        if (null != table)
        {
            return null == table.put(buffer, offset, length, PRESENT);
        }
        if (indexOf(buffer, offset, length) >= 0)
        {
            return false;
        }
        if (size == HashValue.MAX_COMPACT_ENTRIES)
        {
            convert();
            return null == table.put(buffer, offset, length, PRESENT);
        }
        if (size == members.length)
        {
            members = java.util.Arrays.copyOf(members, members.length * 2);
        }
        final byte[] member = new byte[length];
        buffer.getBytes(offset, member);
        members[size++] = member;
        compactBytes += Keyspace.arrayBytes(length);
        return true;
    }

    /**
     * @return true if the member is new.
     */
    public boolean add(final byte[] member)
    {
        return add(new UnsafeBuffer(member), 0, member.length);
    }

    /**
     * @return true if the member was there.
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
        compactBytes -= Keyspace.arrayBytes(members[at].length);
        System.arraycopy(members, at + 1, members, at, size - at - 1);
        members[--size] = null;
        return true;
    }

    /**
     * Visit every member, in insertion order while compact, else in the table's order.
     */
    public void forEach(final Consumer<byte[]> consumer)
    {
        if (null != table)
        {
            table.forEach((member, value) -> consumer.accept(member));
            return;
        }
        for (int i = 0; i < size; i++)
        {
            consumer.accept(members[i]);
        }
    }

    /**
     * One step of SSCAN, as {@link HashValue#scan(long, int, HashValue.FieldConsumer)}.
     */
    public long scan(final long cursor, final int count, final Consumer<byte[]> consumer)
    {
        if (null == table)
        {
            forEach(consumer);
            return 0;
        }
        return table.scan(cursor, count, (member, value) -> consumer.accept(member));
    }

    /**
     * @return a member picked at random.
     */
    public byte[] randomMember(final Random random)
    {
        return null != table ? table.randomKey(random) : members[random.nextInt(size)];
    }

    /**
     * @return the bytes the set holds on the heap, kept as it changes.
     */
    public long heapBytes()
    {
        return null != table ? table.usedMemory() :
            OBJECT_BYTES + Keyspace.arrayBytes(4 * members.length) + compactBytes;
    }

    /**
     * @return a copy sharing nothing with this set.
     */
    public SetValue copy()
    {
        final SetValue copy = new SetValue();
        forEach(member -> copy.add(member.clone()));
        return copy;
    }

    private int indexOf(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < size; i++)
        {
            final byte[] member = members[i];
            if (HashValue.sameBytes(member, buffer, offset, length))
            {
                return i;
            }
        }
        return -1;
    }

    private void convert()
    {
        final Keyspace converted = new Keyspace(2 * Math.max(size, 4));
        for (int i = 0; i < size; i++)
        {
            converted.put(members[i], PRESENT);
        }
        table = converted;
        members = null;
        size = 0;
        compactBytes = 0;
    }
}

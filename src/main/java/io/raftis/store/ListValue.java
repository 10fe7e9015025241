package io.raftis.store;

import java.util.Arrays;

/**
 * A Redis list: binary-safe elements in order, kept in a ring of references that grows by doubling, so pushing and
 * popping at either end costs O(1) and reaching an element by index O(1).
 */
public final class ListValue
{
    private static final int INITIAL_CAPACITY = 4;
    /** The list object itself: header, fields. */
    private static final int OBJECT_BYTES = 32;

    private byte[][] ring = new byte[INITIAL_CAPACITY][];
    private int head;
    private int size;
    private long elementBytes;

    /**
     * @return the number of elements.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param index 0 to size - 1.
     * @return the element.
     */
    public byte[] get(final int index)
    {
        return ring[(head + index) & (ring.length - 1)];
    }

    /**
     * Replace the element at index.
     */
    public void set(final int index, final byte[] element)
    {
        final int at = (head + index) & (ring.length - 1);
        elementBytes += Keyspace.arrayBytes(element.length) - Keyspace.arrayBytes(ring[at].length);
        ring[at] = element;
    }

    /**
     * Add an element at the head (left) or the tail (right).
     */
    public void push(final byte[] element, final boolean left)
    {
        if (size == ring.length)
        {
            grow();
        }
        if (left)
        {
            head = (head - 1) & (ring.length - 1);
            ring[head] = element;
        }
        else
        {
            ring[(head + size) & (ring.length - 1)] = element;
        }
        size++;
        elementBytes += Keyspace.arrayBytes(element.length);
    }

    /**
     * Remove and return the element at the head (left) or the tail (right); the list must not be empty.
     */
    public byte[] pop(final boolean left)
    {
        final int at = left ? head : (head + size - 1) & (ring.length - 1);
        final byte[] element = ring[at];
        ring[at] = null;
        if (left)
        {
            head = (head + 1) & (ring.length - 1);
        }
        size--;
        elementBytes -= Keyspace.arrayBytes(element.length);
        return element;
    }

    /**
     * Insert an element before index (index = size appends).
     */
    public void insert(final int index, final byte[] element)
    {
        push(element, false);
        for (int i = size - 1; i > index; i--)
        {
            ring[(head + i) & (ring.length - 1)] = ring[(head + i - 1) & (ring.length - 1)];
        }
        ring[(head + index) & (ring.length - 1)] = element;
    }

    /**
     * Remove the element at index.
     */
    public void remove(final int index)
    {
        final int mask = ring.length - 1;
        elementBytes -= Keyspace.arrayBytes(ring[(head + index) & mask].length);
        for (int i = index; i < size - 1; i++)
        {
            ring[(head + i) & mask] = ring[(head + i + 1) & mask];
        }
        ring[(head + size - 1) & mask] = null;
        size--;
    }

    /**
     * Keep only the elements from start to end inclusive, which must lie within the list; an empty range (start
     * greater than end) empties it.
     */
    public void trim(final int start, final int end)
    {
        final int keep = start > end ? 0 : end - start + 1;
        final byte[][] kept = new byte[Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, keep - 1)) << 1)][];
        long bytes = 0;
        for (int i = 0; i < keep; i++)
        {
            kept[i] = get(start + i);
            bytes += Keyspace.arrayBytes(kept[i].length);
        }
        ring = kept;
        head = 0;
        size = keep;
        elementBytes = bytes;
    }

    /**
     * @return the bytes the list holds on the heap: the ring and the elements, kept as they change.
     */
    public long heapBytes()
    {
        return OBJECT_BYTES + Keyspace.arrayBytes(4 * ring.length) + elementBytes;
    }

    /**
     * @return a copy sharing nothing with this list.
     */
    public ListValue copy()
    {
        final ListValue copy = new ListValue();
        for (int i = 0; i < size; i++)
        {
            copy.push(get(i).clone(), false);
        }
        return copy;
    }

    private void grow()
    {
        final byte[][] grown = new byte[ring.length * 2][];
        for (int i = 0; i < size; i++)
        {
            grown[i] = get(i);
        }
        Arrays.fill(ring, null);
        ring = grown;
        head = 0;
    }
}

package io.raftis.bench;

/**
 * A FIFO of longs in a power-of-two ring that starts small and doubles as needed up to a capacity, so that idle
 * connections stay cheap while a backlogged one can hold many in-flight requests.
 */
public final class LongRing
{
    private final int capacity;
    private long[] values;
    private int mask;
    private long head;
    private long tail;

    /**
     * @param initialSize slots allocated at first; rounded up to a power of two.
     * @param capacity    most values held at once.
     */
    public LongRing(final int initialSize, final int capacity)
    {
        if (capacity <= 0 || capacity > (1 << 30))
        {
            throw new IllegalArgumentException("capacity must be 1.." + (1 << 30) + ": " + capacity);
        }

        this.capacity = capacity;
        final int size = ceilingPowerOfTwo(Math.max(1, Math.min(initialSize, capacity)));
        values = new long[size];
        mask = size - 1;
    }

    /**
     * @return most values held at once.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return values held.
     */
    public int size()
    {
        return (int)(tail - head);
    }

    /**
     * @return true when no value is held.
     */
    public boolean isEmpty()
    {
        return tail == head;
    }

    /**
     * @return true when {@link #capacity()} values are held.
     */
    public boolean isFull()
    {
        return size() >= capacity;
    }

    /**
     * Add a value at the tail.
     *
     * @param value to add.
     * @return false, adding nothing, when the ring is full.
     */
    public boolean offer(final long value)
    {
        final int size = size();
        if (size >= capacity)
        {
            return false;
        }

        if (size == values.length)
        {
            grow();
        }

        values[(int)(tail & mask)] = value;
        tail++;
        return true;
    }

    /**
     * @return the value at the head, which must exist.
     * @throws IllegalStateException if the ring is empty.
     */
    public long peek()
    {
        if (isEmpty())
        {
            throw new IllegalStateException("ring is empty");
        }

        return values[(int)(head & mask)];
    }

    /**
     * Remove and return the value at the head.
     *
     * @return the value at the head.
     * @throws IllegalStateException if the ring is empty.
     */
    public long poll()
    {
        final long value = peek();
        head++;
        return value;
    }

    /**
     * Remove every value.
     */
    public void clear()
    {
        head = tail;
    }

    private void grow()
    {
        final int size = size();
        final long[] newValues = new long[values.length * 2];
        for (int i = 0; i < size; i++)
        {
            newValues[i] = values[(int)((head + i) & mask)];
        }

        values = newValues;
        mask = newValues.length - 1;
        head = 0;
        tail = size;
    }

    private static int ceilingPowerOfTwo(final int value)
    {
        return 1 << (32 - Integer.numberOfLeadingZeros(value - 1));
    }
}

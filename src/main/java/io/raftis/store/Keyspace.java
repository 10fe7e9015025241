package io.raftis.store;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.ConcurrentModificationException;

/**
 * The keyspace of one database: a map from binary-safe keys to values, applied to deterministically on every node.
 * <p>
 * A value is an {@link Object} whose class says its Redis type: a string is a {@code byte[]}; other types are added
 * by the commands that use them. Keys are {@code byte[]} owned by the keyspace.
 * <p>
 * The map is an open-addressing hash table with linear probing and backward-shift deletion (no tombstones). It grows
 * to twice its capacity when more than {@link #LOAD_FACTOR} of its slots are used and halves when fewer than an
 * eighth are, but never below its initial capacity. The hash is XXH64 computed directly over the bytes of a
 * {@link DirectBuffer}, so looking up, replacing or removing a key given as (buffer, offset, length) allocates
 * nothing; inserting a new key allocates only the copy of the key.
 * <p>
 * The hash's seed is chosen at random when the process starts, as Redis seeds its SipHash: a client that knew the
 * seed could send keys that all land in one run of slots and turn every lookup into a scan of the keyspace. Within
 * one process, the same sequence of operations on two keyspaces leaves them with the same layout, and
 * {@link #forEach(EntryConsumer)} visits their entries in the same order; across members the order differs, so no
 * replicated command may depend on it (a command that picks by position is decided by the leader and replicated as
 * its effect).
 * <p>
 * The slots are kept in chunks of {@link #CHUNK_SLOTS}, and the chunks of the doubled table are allocated a few at a
 * time while the keys grow towards {@link #LOAD_FACTOR}: allocating a table of millions of slots at once (and the
 * JVM zeroing it) stalled every member at the same entry, up to 0.8 s here, long enough to lose a leader.
 * <p>
 * {@link #usedMemory()} is what the keyspace holds on the heap, kept as keys and values come and go: each key's and
 * string value's array (its header and bytes, padded to 8 as the JVM lays it out) and the slot arrays of the table
 * (and of the old table while a resize is under way, and of the next one as it is prepared). maxmemory is checked
 * against it.
 * <p>
 * Not thread safe: it belongs to the node's single thread.
 */
public final class Keyspace
{
    /**
     * Number of slots of a keyspace created with {@link #Keyspace()}.
     */
    public static final int DEFAULT_INITIAL_CAPACITY = 64;

    /**
     * Fraction of slots in use beyond which the table doubles.
     */
    public static final float LOAD_FACTOR = 0.65f;

    /**
     * Largest number of slots.
     */
    public static final int MAX_CAPACITY = 1 << 30;

    private static final int MIN_CAPACITY = 8;
    /** Slots per chunk of a table's arrays: the most allocated at once. */
    static final int CHUNK_SLOTS = 1 << 16;
    private static final int CHUNK_SHIFT = 16;
    private static final int CHUNK_MASK = CHUNK_SLOTS - 1;
    /** Slots of the old table moved per change while the table is resized: at least 2 keep ahead of growth. */
    private static final int MIGRATE_SLOTS = 32;
    /** Marks a slot of the old table whose entry moved or was removed; lookups probe past it. */
    private static final byte[] MOVED = new byte[0];

    private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
    private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME64_3 = 0x165667B19E3779F9L;
    private static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME64_5 = 0x27D4EB2F165667C5L;
    private static final int REFERENCE_BYTES = compressedOops() ? 4 : 8;
    /** Where an array's elements start: 16 bytes with compressed class pointers, which ZGC keeps too. */
    private static final int ARRAY_HEADER_BYTES = (int)BufferUtil.ARRAY_BASE_OFFSET;
    private static final int OBJECT_HEADER_BYTES = 16;
    /** A slot: its key and value references and its int hash. */
    private static final int SLOT_BYTES = 2 * REFERENCE_BYTES + Integer.BYTES;
    /** This process's hash seed. */
    private static final long SEED = new java.security.SecureRandom().nextLong();

    /**
     * Receives the entries of a keyspace, see {@link #forEach(EntryConsumer)}.
     */
    @FunctionalInterface
    public interface EntryConsumer
    {
        /**
         * @param key   owned by the keyspace: must not be modified.
         * @param value the value held by the key.
         */
        void accept(byte[] key, Object value);
    }

    /**
     * The time keys expire against, shared by the databases of a member, which a command may touch several of.
     */
    static final class Clock
    {
        long nowMs;
        boolean expireOnAccess;
    }

    /**
     * A value with a time to live, as the slot holds it: only keys that have one pay for it.
     */
    static final class Expiring
    {
        /** Its bytes on the heap: header, a reference and a long, padded to 8. */
        static final int BYTES = 32;

        final Object value;
        final long expireAtMs;

        Expiring(final Object value, final long expireAtMs)
        {
            this.value = value;
            this.expireAtMs = expireAtMs;
        }
    }

    private final int initialCapacity;
    private final UnsafeBuffer callerKey = new UnsafeBuffer();
    private final UnsafeBuffer storedKey = new UnsafeBuffer();

    private byte[][][] keys;
    private Object[][] values;
    private int[][] hashes;
    private int mask;
    private byte[][][] oldKeys;
    private Object[][] oldValues;
    private int[][] oldHashes;
    private int oldMask;
    /** Chunks of the doubled table, allocated ahead of the resize; null until the keys near the threshold. */
    private byte[][][] nextKeys;
    private Object[][] nextValues;
    private int[][] nextHashes;
    private int nextChunks;
    private int prepareThreshold;
    private int migrateCursor;
    private int size;
    private int growThreshold;
    private int shrinkThreshold;
    private long version;
    private long entryBytes;
    private int expires;
    /** The sum of the expiry times of the keys with one, for their average time to live. */
    private double expireAtSumMs;
    private long expiredKeys;
    private final Clock clock;
    private Databases databases;
    private int id;
    private int sweepCursor;
    private int oldSweepCursor;
    private KeyspaceListener listener;

    /**
     * A keyspace of {@link #DEFAULT_INITIAL_CAPACITY} slots.
     */
    public Keyspace()
    {
        this(DEFAULT_INITIAL_CAPACITY);
    }

    /**
     * @param initialCapacity number of slots to start with, rounded up to a power of two (at least 8). The table
     *                        never shrinks below it.
     */
    public Keyspace(final int initialCapacity)
    {
        this(initialCapacity, new Clock());
    }

    Keyspace(final int initialCapacity, final Clock clock)
    {
        this.clock = clock;
        if (initialCapacity < 1 || initialCapacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("initialCapacity must be in [1, " + MAX_CAPACITY + "]: " +
                initialCapacity);
        }

        this.initialCapacity = Math.max(MIN_CAPACITY, BitUtil.findNextPositivePowerOfTwo(initialCapacity));
        allocate(this.initialCapacity);
    }

    /**
     * Set the time keys expire against, and whether a key found expired is removed.
     * <p>
     * Applying a log entry sets the entry's time and removes what it finds expired, so that every member removes the
     * same keys at the same entry; a read sets the serving member's time and changes nothing, so an expired key just
     * reads as absent. A time of 0 (the initial one) expires nothing.
     *
     * @param nowMs          milliseconds since the epoch.
     * @param expireOnAccess whether a lookup that finds a key expired removes it.
     */
    public void clock(final long nowMs, final boolean expireOnAccess)
    {
        clock.nowMs = nowMs;
        clock.expireOnAccess = expireOnAccess;
    }

    /**
     * @return the time keys expire against, see {@link #clock(long, boolean)}.
     */
    public long nowMs()
    {
        return clock.nowMs;
    }

    /**
     * @return the databases this keyspace is one of, or null for a keyspace on its own.
     */
    public Databases databases()
    {
        return databases;
    }

    /**
     * @return its number among {@link #databases()}, 0 for a keyspace on its own.
     */
    public int id()
    {
        return id;
    }

    void joined(final Databases databases, final int id)
    {
        this.databases = databases;
        this.id = id;
    }

    /**
     * @param listener told of every change to the keys from now on, or null for none.
     */
    void listener(final KeyspaceListener listener)
    {
        this.listener = listener;
    }

    /**
     * @return the number of keys with a time to live, counting those expired but not removed yet.
     */
    public int expires()
    {
        return expires;
    }

    /**
     * @return the average time to live of the keys that have one, in milliseconds at the keyspace's clock, 0 if
     * none has, as INFO keyspace's avg_ttl (which Redis estimates by sampling).
     */
    public long averageTtlMs()
    {
        if (0 == expires)
        {
            return 0;
        }
        return Math.max(0, Math.round(expireAtSumMs / expires) - clock.nowMs);
    }

    /**
     * @return the number of keys removed because they were found expired.
     */
    public long expiredKeys()
    {
        return expiredKeys;
    }

    /**
     * @return the bytes the keyspace holds on the heap: its keys and values, and its table's slots.
     */
    public long usedMemory()
    {
        long slots = capacity();
        long arrays = 3L * (1 + keys.length);
        if (null != oldKeys)
        {
            slots += oldMask + 1;
            arrays += 3L * (1 + oldKeys.length);
        }
        if (null != nextKeys)
        {
            slots += (long)nextChunks * CHUNK_SLOTS;
            arrays += 3L * (1 + nextChunks);
        }
        return entryBytes + slots * SLOT_BYTES + arrays * ARRAY_HEADER_BYTES;
    }

    /**
     * @return true while a resize moves the old table's entries across, a few per change.
     */
    boolean resizing()
    {
        return null != oldKeys;
    }

    /**
     * @return the part of {@link #usedMemory()} that the keys and values take.
     */
    long entryBytes()
    {
        return entryBytes;
    }

    /**
     * @return the bytes the JVM gives a value on the heap: a string's array, padded; the header of anything else.
     */
    public static long sizeOf(final Object value)
    {
        if (value instanceof byte[])
        {
            return arrayBytes(((byte[])value).length);
        }
        if (value instanceof Expiring)
        {
            return Expiring.BYTES + sizeOf(((Expiring)value).value);
        }
        if (value instanceof HashValue)
        {
            return ((HashValue)value).heapBytes();
        }
        if (value instanceof ListValue)
        {
            return ((ListValue)value).heapBytes();
        }
        if (value instanceof SetValue)
        {
            return ((SetValue)value).heapBytes();
        }
        if (value instanceof SortedSetValue)
        {
            return ((SortedSetValue)value).heapBytes();
        }
        return OBJECT_HEADER_BYTES;
    }

    static long arrayBytes(final int length)
    {
        return (ARRAY_HEADER_BYTES + length + 7L) & ~7L;
    }

    /**
     * @return number of keys.
     */
    public int size()
    {
        return size;
    }

    /**
     * A counter incremented by every change: a put, a remove that removed a key, a clear.
     *
     * @return the number of changes so far.
     */
    public long version()
    {
        return version;
    }

    /**
     * Find the value of a key, without allocation.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return the value or null if the key does not exist.
     */
    public Object get(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object stored = stored(buffer, offset, length);
        if (stored instanceof Expiring)
        {
            final Expiring expiring = (Expiring)stored;
            if (expiring.expireAtMs <= clock.nowMs)
            {
                if (clock.expireOnAccess)
                {
                    remove(buffer, offset, length);
                }
                return null;
            }
            return expiring.value;
        }
        return stored;
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return the bytes the key and its value hold, as {@link #usedMemory()} counts them, or -1 if it does not
     * exist: MEMORY USAGE.
     */
    public long memoryUsage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == get(buffer, offset, length))
        {
            return -1;
        }
        return arrayBytes(length) + sizeOf(stored(buffer, offset, length));
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return whether the table holds the key, expired or not: what FLUSHDB and SWAPDB show a WATCH of it.
     */
    public boolean holds(final DirectBuffer buffer, final int offset, final int length)
    {
        return null != stored(buffer, offset, length);
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return whether the table holds the key and its time has passed at the keyspace's clock.
     */
    public boolean isExpired(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object stored = stored(buffer, offset, length);
        return stored instanceof Expiring && ((Expiring)stored).expireAtMs <= clock.nowMs;
    }

    /**
     * @return what the slot of the key holds, an {@link Expiring} for a key with a time to live, or null.
     */
    private Object stored(final DirectBuffer buffer, final int offset, final int length)
    {
        final int hash = hash(buffer, offset, length);
        final int slot = find(buffer, offset, length, hash);
        if (slot >= 0)
        {
            return values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
        }
        final int oldSlot = findOld(buffer, offset, length, hash);
        return oldSlot >= 0 ? oldValues[oldSlot >>> CHUNK_SHIFT][oldSlot & CHUNK_MASK] : null;
    }

    /**
     * When a key expires.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return -2 if the key does not exist (or has expired), -1 if it has no time to live, else its expiry time in
     * milliseconds since the epoch.
     */
    public long expireAt(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == get(buffer, offset, length))
        {
            return -2;
        }
        final Object stored = stored(buffer, offset, length);
        return stored instanceof Expiring ? ((Expiring)stored).expireAtMs : -1;
    }

    /**
     * Give an existing key a time to live, replacing any it had; a time not after now removes the key, as Redis
     * does.
     *
     * @param buffer     holding the key.
     * @param offset     of the key in the buffer.
     * @param length     of the key.
     * @param expireAtMs milliseconds since the epoch.
     * @return false if the key does not exist.
     */
    public boolean expire(final DirectBuffer buffer, final int offset, final int length, final long expireAtMs)
    {
        final Object value = get(buffer, offset, length);
        if (null == value)
        {
            return false;
        }
        if (expireAtMs <= clock.nowMs)
        {
            remove(buffer, offset, length);
        }
        else
        {
            put(buffer, offset, length, null, new Expiring(value, expireAtMs));
        }
        return true;
    }

    /**
     * Remove a key's time to live.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return true if the key exists and had a time to live.
     */
    public boolean persist(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object value = get(buffer, offset, length);
        if (null == value || !(stored(buffer, offset, length) instanceof Expiring))
        {
            return false;
        }
        put(buffer, offset, length, null, value);
        return true;
    }

    /**
     * Set the value of a key with a time to live, replacing any value of any type and any time to live; a time not
     * after now leaves the key removed, as Redis does.
     *
     * @param buffer     holding the key.
     * @param offset     of the key in the buffer.
     * @param length     of the key.
     * @param value      new value, not null; the keyspace keeps this reference.
     * @param expireAtMs milliseconds since the epoch; 0 or less for none.
     * @return the previous value or null if the key is new.
     */
    public Object put(
        final DirectBuffer buffer, final int offset, final int length, final Object value, final long expireAtMs)
    {
        if (expireAtMs <= 0)
        {
            return put(buffer, offset, length, value);
        }
        final Object previous = get(buffer, offset, length);
        if (expireAtMs <= clock.nowMs)
        {
            if (null != previous)
            {
                remove(buffer, offset, length);
            }
        }
        else
        {
            put(buffer, offset, length, null, new Expiring(value, expireAtMs));
        }
        return previous;
    }

    /**
     * Move a key's value and time to live to another key, replacing whatever that held, as RENAME does.
     *
     * @param buffer      holding both keys.
     * @param offset      of the key.
     * @param length      of the key.
     * @param newOffset   of the new key.
     * @param newLength   of the new key.
     * @param onlyIfAbsent leave everything as it is when the new key exists, as RENAMENX does.
     * @return false if the key does not exist, or onlyIfAbsent and the new key exists.
     */
    public boolean rename(
        final DirectBuffer buffer, final int offset, final int length, final int newOffset, final int newLength,
        final boolean onlyIfAbsent)
    {
        if (null == get(buffer, offset, length) || (onlyIfAbsent && null != get(buffer, newOffset, newLength)))
        {
            return false;
        }
        final Object stored = stored(buffer, offset, length);
        remove(buffer, offset, length);
        put(buffer, newOffset, newLength, null, stored);
        return true;
    }

    /**
     * Copy a key's value and time to live to another key, as COPY does; the copy shares nothing with the original.
     *
     * @param buffer    holding the key.
     * @param offset    of the key.
     * @param length    of the key.
     * @param target    the keyspace to copy to, this one or another database's.
     * @param newBuffer holding the new key.
     * @param newOffset of the new key.
     * @param newLength of the new key.
     * @param replace   whether an existing new key is replaced; if not, nothing is copied over it.
     * @return false if the key does not exist, or the new key exists and is not to be replaced.
     */
    public boolean copy(
        final DirectBuffer buffer, final int offset, final int length, final Keyspace target,
        final DirectBuffer newBuffer, final int newOffset, final int newLength, final boolean replace)
    {
        final Object value = get(buffer, offset, length);
        if (null == value || (!replace && null != target.get(newBuffer, newOffset, newLength)))
        {
            return false;
        }
        final Object stored = stored(buffer, offset, length);
        final Object copy = copyOf(value);
        target.put(newBuffer, newOffset, newLength, null,
            stored instanceof Expiring ? new Expiring(copy, ((Expiring)stored).expireAtMs) : copy);
        return true;
    }

    /**
     * @return a copy of a value that shares nothing mutable with it.
     */
    static Object copyOf(final Object value)
    {
        if (value instanceof byte[])
        {
            return ((byte[])value).clone();
        }
        if (value instanceof HashValue)
        {
            return ((HashValue)value).copy();
        }
        if (value instanceof ListValue)
        {
            return ((ListValue)value).copy();
        }
        if (value instanceof SetValue)
        {
            return ((SetValue)value).copy();
        }
        if (value instanceof SortedSetValue)
        {
            return ((SortedSetValue)value).copy();
        }
        throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
    }

    /**
     * Account for a value changed in place, as a hash's HSET changes it: what {@link #usedMemory()} counts moves by
     * the change in the value's {@link #sizeOf(Object)}.
     *
     * @param buffer holding the key whose value changed.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @param delta  the value's size after the change less its size before.
     */
    public void changedInPlace(final DirectBuffer buffer, final int offset, final int length, final long delta)
    {
        entryBytes += delta;
        version++;
        if (null != listener)
        {
            listener.modified(this, buffer, offset, length, false);
        }
    }

    /**
     * Set the value of a key and keep its time to live, as INCR, APPEND and SET's KEEPTTL do.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @param value  new value, not null; the keyspace keeps this reference.
     * @return the previous value or null if the key is new.
     */
    public Object putKeepTtl(final DirectBuffer buffer, final int offset, final int length, final Object value)
    {
        final Object previous = get(buffer, offset, length);
        final Object stored = null == previous ? null : stored(buffer, offset, length);
        put(buffer, offset, length, null,
            stored instanceof Expiring ? new Expiring(value, ((Expiring)stored).expireAtMs) : value);
        return previous;
    }

    /**
     * Receives the keys of a {@link #scan(long, int, KeyConsumer)}.
     */
    @FunctionalInterface
    public interface KeyConsumer
    {
        /**
         * @param key   owned by the keyspace: must not be modified.
         * @param value the value held by the key.
         */
        void accept(byte[] key, Object value);
    }

    /**
     * One step of SCAN, as Redis scans its dictionaries: the cursor names a home slot (bucket) in reverse-binary
     * order, each step visits buckets until it has visited count keys or ten times count buckets, and
     * a key that is in the keyspace from the first step to the last is visited at least once, however the table grows
     * or shrinks in between. A bucket's keys are those whose hash leads to it: with linear probing they lie in the run
     * of slots that starts there. While a resize is under way the smaller table's bucket is visited, then all the
     * buckets of the larger table that it expands to. Keys expired at {@link #nowMs()} are skipped, and nothing is
     * changed.
     *
     * @param cursor   0 to start, else what the last step returned.
     * @param count    keys to visit, at least 1.
     * @param consumer of the keys.
     * @return the cursor of the next step, 0 when the scan is complete.
     */
    public long scan(final long cursor, final int count, final KeyConsumer consumer)
    {
        long v = cursor;
        long keysVisited = 0;
        long iterations = count * 10L;
        do
        {
            final int found;
            if (null == oldKeys)
            {
                found = visitBucket(keys, values, hashes, mask, (int)(v & mask), consumer);
                v = nextCursor(v, mask);
            }
            else
            {
                final boolean oldSmaller = oldMask < mask;
                final int m0 = oldSmaller ? oldMask : mask;
                final int m1 = oldSmaller ? mask : oldMask;
                int visited = oldSmaller ?
                    visitBucket(oldKeys, oldValues, oldHashes, m0, (int)(v & m0), consumer) :
                    visitBucket(keys, values, hashes, m0, (int)(v & m0), consumer);
                do
                {
                    visited += oldSmaller ?
                        visitBucket(keys, values, hashes, m1, (int)(v & m1), consumer) :
                        visitBucket(oldKeys, oldValues, oldHashes, m1, (int)(v & m1), consumer);
                    v = nextCursor(v, m1);
                }
                while (0 != (v & (m0 ^ m1))); // once those bits wrap, the smaller table's bits have moved on
                found = visited;
            }
            keysVisited += found;
        }
        while (0 != v && --iterations > 0 && keysVisited < count);
        return v;
    }

    /**
     * Advance a reverse-binary cursor over a table of mask + 1 buckets.
     */
    private static long nextCursor(final long cursor, final int mask)
    {
        long v = cursor | ~(long)mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    private int visitBucket(
        final byte[][][] keys, final Object[][] values, final int[][] hashes, final int mask, final int bucket,
        final KeyConsumer consumer)
    {
        int visited = 0;
        int index = bucket;
        byte[] key;
        while (null != (key = keys[index >>> CHUNK_SHIFT][index & CHUNK_MASK]))
        {
            if (MOVED != key && (hashes[index >>> CHUNK_SHIFT][index & CHUNK_MASK] & mask) == bucket)
            {
                final Object stored = values[index >>> CHUNK_SHIFT][index & CHUNK_MASK];
                if (!expired(stored))
                {
                    consumer.accept(key, unwrap(stored));
                    visited++;
                }
            }
            index = (index + 1) & mask;
        }
        return visited;
    }

    /**
     * A key picked at random among those not expired at {@link #nowMs()}, as RANDOMKEY reads one.
     *
     * @param random to pick with.
     * @return the key, owned by the keyspace, or null when there is none.
     */
    public byte[] randomKey(final java.util.Random random)
    {
        if (0 == size)
        {
            return null;
        }
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final boolean inOld = null != oldKeys && random.nextBoolean();
            final byte[][][] table = inOld ? oldKeys : keys;
            final Object[][] tableValues = inOld ? oldValues : values;
            final int slot = random.nextInt((inOld ? oldMask : mask) + 1);
            final byte[] key = table[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
            if (null != key && MOVED != key && !expired(tableValues[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK]))
            {
                return key;
            }
        }
        final byte[][] first = new byte[1][];
        forEach((key, value) ->
        {
            if (null == first[0])
            {
                first[0] = key; // a sparse table, or one of expired keys: the first live one, if any
            }
        });
        return first[0];
    }

    /**
     * The leader's active expiry: look at up to maxSlots slots of the table from where the last call stopped,
     * wrapping around, and collect the keys found expired at {@link #nowMs()}, which it does not remove (the leader
     * proposes their removal, so that every member removes them at the same entry).
     *
     * @param maxSlots the most slots to look at.
     * @param maxKeys  the most keys to collect.
     * @param into     receives the expired keys, owned by the keyspace: not to be modified.
     * @return the number of keys collected.
     */
    public int collectExpired(final int maxSlots, final int maxKeys, final java.util.List<byte[]> into)
    {
        if (0 == expires)
        {
            return 0;
        }
        int collected = 0;
        final int capacity = capacity();
        int cursor = sweepCursor & mask;
        for (int i = 0; i < maxSlots && i < capacity && collected < maxKeys; i++)
        {
            final Object stored = values[cursor >>> CHUNK_SHIFT][cursor & CHUNK_MASK];
            if (stored instanceof Expiring && ((Expiring)stored).expireAtMs <= clock.nowMs)
            {
                into.add(keys[cursor >>> CHUNK_SHIFT][cursor & CHUNK_MASK]);
                collected++;
            }
            cursor = (cursor + 1) & mask;
        }
        sweepCursor = cursor;
        if (null != oldKeys && collected < maxKeys && migrateCursor <= oldMask)
        {
            // the keys not yet moved from the old table: from where the last look stopped, wrapping around to the
            // migration cursor, below which nothing is left
            final int oldCapacity = oldMask + 1;
            int at = Math.max(oldSweepCursor, migrateCursor);
            for (int i = 0; i < maxSlots && i < oldCapacity - migrateCursor && collected < maxKeys; i++)
            {
                if (at >= oldCapacity)
                {
                    at = migrateCursor;
                }
                final Object stored = oldValues[at >>> CHUNK_SHIFT][at & CHUNK_MASK];
                if (stored instanceof Expiring && ((Expiring)stored).expireAtMs <= clock.nowMs)
                {
                    into.add(oldKeys[at >>> CHUNK_SHIFT][at & CHUNK_MASK]);
                    collected++;
                }
                at++;
            }
            oldSweepCursor = at;
        }
        return collected;
    }

    /**
     * Find the value of a key, without allocation.
     *
     * @param key to look up.
     * @return the value or null if the key does not exist.
     */
    public Object get(final byte[] key)
    {
        callerKey.wrap(key);
        return get(callerKey, 0, key.length);
    }

    /**
     * Find the value of a key that must hold a string if it exists.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return the string or null if the key does not exist.
     * @throws WrongTypeException if the key holds a value that is not a string.
     */
    public byte[] getString(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object value = get(buffer, offset, length);
        if (null == value || value instanceof byte[])
        {
            return (byte[])value;
        }

        throw WrongTypeException.INSTANCE;
    }

    /**
     * Find the value of a key that must hold a string if it exists.
     *
     * @param key to look up.
     * @return the string or null if the key does not exist.
     * @throws WrongTypeException if the key holds a value that is not a string.
     */
    public byte[] getString(final byte[] key)
    {
        callerKey.wrap(key);
        return getString(callerKey, 0, key.length);
    }

    /**
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return true if the key exists.
     */
    public boolean containsKey(final DirectBuffer buffer, final int offset, final int length)
    {
        return null != get(buffer, offset, length);
    }

    /**
     * @param key to look up.
     * @return true if the key exists.
     */
    public boolean containsKey(final byte[] key)
    {
        callerKey.wrap(key);
        return containsKey(callerKey, 0, key.length);
    }

    /**
     * Set the value of a key, replacing any value of any type. The key is copied only if it is new.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @param value  new value, not null; the keyspace keeps this reference.
     * @return the previous value or null if the key is new.
     */
    public Object put(final DirectBuffer buffer, final int offset, final int length, final Object value)
    {
        return put(buffer, offset, length, null, value);
    }

    /**
     * Set the value of a key, replacing any value of any type.
     *
     * @param key   the key; if it is new the keyspace keeps this array, which must not be modified afterwards.
     * @param value new value, not null; the keyspace keeps this reference.
     * @return the previous value or null if the key is new.
     */
    public Object put(final byte[] key, final Object value)
    {
        callerKey.wrap(key);
        return put(callerKey, 0, key.length, key, value);
    }

    /**
     * Remove a key, without allocation.
     *
     * @param buffer holding the key.
     * @param offset of the key in the buffer.
     * @param length of the key.
     * @return true if the key existed and had not expired.
     */
    public boolean remove(final DirectBuffer buffer, final int offset, final int length)
    {
        migrateStep();
        final int hash = hash(buffer, offset, length);
        final int slot = find(buffer, offset, length, hash);
        final boolean expired;
        if (slot >= 0)
        {
            final int chunk = slot >>> CHUNK_SHIFT;
            final int at = slot & CHUNK_MASK;
            expired = expired(values[chunk][at]);
            entryBytes -= arrayBytes(keys[chunk][at].length) + sizeOf(values[chunk][at]);
            counted(values[chunk][at], -1);
            deleteSlot(slot);
        }
        else
        {
            final int oldSlot = findOld(buffer, offset, length, hash);
            if (oldSlot < 0)
            {
                return false;
            }
            final int chunk = oldSlot >>> CHUNK_SHIFT;
            final int at = oldSlot & CHUNK_MASK;
            expired = expired(oldValues[chunk][at]);
            entryBytes -= arrayBytes(oldKeys[chunk][at].length) + sizeOf(oldValues[chunk][at]);
            counted(oldValues[chunk][at], -1);
            oldKeys[chunk][at] = MOVED;
            oldValues[chunk][at] = null;
        }

        version++;
        if (--size < shrinkThreshold)
        {
            startResize(capacity() >>> 1);
        }
        if (null != listener)
        {
            listener.modified(this, buffer, offset, length, expired);
        }
        if (expired)
        {
            expiredKeys++;
            return false; // it had expired: gone already, as far as callers can tell
        }
        return true;
    }

    /**
     * Remove a key, without allocation.
     *
     * @param key to remove.
     * @return true if the key existed.
     */
    public boolean remove(final byte[] key)
    {
        callerKey.wrap(key);
        return remove(callerKey, 0, key.length);
    }

    /**
     * Remove every key, and return to the initial capacity.
     */
    public void clear()
    {
        if (null != listener && size > 0)
        {
            listener.emptying(this);
        }
        dropOldTable();
        dropNextTable();
        if (capacity() == initialCapacity)
        {
            for (int chunk = 0; chunk < keys.length; chunk++)
            {
                Arrays.fill(keys[chunk], null);
                Arrays.fill(values[chunk], null);
            }
        }
        else
        {
            allocate(initialCapacity);
        }

        size = 0;
        entryBytes = 0;
        expires = 0;
        expireAtSumMs = 0;
        version++;
    }

    /**
     * Receives the entries of {@link #forEachStored(StoredConsumer)}.
     */
    @FunctionalInterface
    public interface StoredConsumer
    {
        /**
         * @param key        owned by the keyspace: must not be modified.
         * @param value      the value held by the key.
         * @param expireAtMs its expiry time, or -1 for none.
         */
        void accept(byte[] key, Object value, long expireAtMs);
    }

    /**
     * Visit every entry the keyspace holds, those expired but not removed yet too, with its expiry time: what a
     * digest of the member's state covers.
     *
     * @param consumer of the entries; it must not change the keyspace.
     */
    public void forEachStored(final StoredConsumer consumer)
    {
        if (null != oldKeys)
        {
            for (int i = migrateCursor, length = oldMask + 1; i < length; i++)
            {
                final byte[] key = oldKeys[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
                if (null != key && MOVED != key)
                {
                    acceptStored(consumer, key, oldValues[i >>> CHUNK_SHIFT][i & CHUNK_MASK]);
                }
            }
        }
        for (int i = 0, length = capacity(); i < length; i++)
        {
            final byte[] key = keys[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (null != key)
            {
                acceptStored(consumer, key, values[i >>> CHUNK_SHIFT][i & CHUNK_MASK]);
            }
        }
    }

    private static void acceptStored(final StoredConsumer consumer, final byte[] key, final Object stored)
    {
        if (stored instanceof Expiring)
        {
            consumer.accept(key, ((Expiring)stored).value, ((Expiring)stored).expireAtMs);
        }
        else
        {
            consumer.accept(key, stored, -1);
        }
    }

    /**
     * Visit every entry not expired at {@link #nowMs()}, in slot order: the same order on every keyspace given the
     * same sequence of operations.
     *
     * @param consumer of the entries; it must not change the keyspace.
     * @throws ConcurrentModificationException if the consumer changed the keyspace.
     */
    public void forEach(final EntryConsumer consumer)
    {
        final long expectedVersion = version;
        if (null != oldKeys)
        {
            final byte[][][] oldKeys = this.oldKeys;
            final Object[][] oldValues = this.oldValues;
            for (int i = migrateCursor, length = oldMask + 1; i < length; i++)
            {
                final byte[] key = oldKeys[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
                final Object stored = null == key ? null : oldValues[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
                if (null != key && MOVED != key && !expired(stored))
                {
                    consumer.accept(key, unwrap(stored));
                    if (version != expectedVersion)
                    {
                        throw new ConcurrentModificationException("keyspace changed during forEach");
                    }
                }
            }
        }
        final byte[][][] keys = this.keys;
        final Object[][] values = this.values;

        for (int i = 0, length = capacity(); i < length; i++)
        {
            final byte[] key = keys[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            final Object stored = null == key ? null : values[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (null != key && !expired(stored))
            {
                consumer.accept(key, unwrap(stored));
                if (version != expectedVersion)
                {
                    throw new ConcurrentModificationException("keyspace changed during forEach");
                }
            }
        }
    }

    private boolean expired(final Object stored)
    {
        return stored instanceof Expiring && ((Expiring)stored).expireAtMs <= clock.nowMs;
    }

    private static Object unwrap(final Object stored)
    {
        return stored instanceof Expiring ? ((Expiring)stored).value : stored;
    }

    /**
     * @return number of slots in the table.
     */
    int capacity()
    {
        return mask + 1;
    }

    /**
     * @return chunks of the doubled table allocated so far, ahead of the resize.
     */
    int preparedChunks()
    {
        return null == nextKeys ? 0 : nextChunks;
    }

    /**
     * The hash the table uses for a key: XXH64 with this process's seed, folded to 32 bits.
     */
    private static boolean compressedOops()
    {
        try
        {
            final com.sun.management.HotSpotDiagnosticMXBean diagnostics = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return null == diagnostics || !"false".equals(diagnostics.getVMOption("UseCompressedOops").getValue());
        }
        catch (final RuntimeException ex)
        {
            return true; // the JVM's default below 32 GB of heap
        }
    }

    static int hash(final DirectBuffer buffer, final int offset, final int length)
    {
        return fold(xxHash64(buffer, offset, length, SEED));
    }

    static int fold(final long hash)
    {
        return (int)(hash ^ (hash >>> 32));
    }

    /**
     * XXH64 with the given seed over buffer[offset, offset + length).
     */
    static long xxHash64(final DirectBuffer buffer, final int offset, final int length, final long seed)
    {
        final int end = offset + length;
        int index = offset;
        long hash;

        if (length >= 32)
        {
            final int limit = end - 32;
            long v1 = seed + PRIME64_1 + PRIME64_2;
            long v2 = seed + PRIME64_2;
            long v3 = seed;
            long v4 = seed - PRIME64_1;

            do
            {
                v1 = round(v1, buffer.getLong(index, ByteOrder.LITTLE_ENDIAN));
                v2 = round(v2, buffer.getLong(index + 8, ByteOrder.LITTLE_ENDIAN));
                v3 = round(v3, buffer.getLong(index + 16, ByteOrder.LITTLE_ENDIAN));
                v4 = round(v4, buffer.getLong(index + 24, ByteOrder.LITTLE_ENDIAN));
                index += 32;
            }
            while (index <= limit);

            hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) +
                Long.rotateLeft(v4, 18);
            hash = mergeRound(hash, v1);
            hash = mergeRound(hash, v2);
            hash = mergeRound(hash, v3);
            hash = mergeRound(hash, v4);
        }
        else
        {
            hash = seed + PRIME64_5;
        }

        hash += length;

        while (index + 8 <= end)
        {
            hash ^= round(0, buffer.getLong(index, ByteOrder.LITTLE_ENDIAN));
            hash = Long.rotateLeft(hash, 27) * PRIME64_1 + PRIME64_4;
            index += 8;
        }

        if (index + 4 <= end)
        {
            hash ^= (buffer.getInt(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL) * PRIME64_1;
            hash = Long.rotateLeft(hash, 23) * PRIME64_2 + PRIME64_3;
            index += 4;
        }

        while (index < end)
        {
            hash ^= (buffer.getByte(index) & 0xFFL) * PRIME64_5;
            hash = Long.rotateLeft(hash, 11) * PRIME64_1;
            index++;
        }

        hash ^= hash >>> 33;
        hash *= PRIME64_2;
        hash ^= hash >>> 29;
        hash *= PRIME64_3;
        hash ^= hash >>> 32;

        return hash;
    }

    private static long round(final long accumulator, final long input)
    {
        return Long.rotateLeft(accumulator + input * PRIME64_2, 31) * PRIME64_1;
    }

    private static long mergeRound(final long accumulator, final long value)
    {
        return (accumulator ^ round(0, value)) * PRIME64_1 + PRIME64_4;
    }

    private Object put(
        final DirectBuffer buffer, final int offset, final int length, final byte[] ownedKey, final Object value)
    {
        if (null == value)
        {
            throw new NullPointerException("value");
        }

        migrateStep();
        final int hash = hash(buffer, offset, length);
        final int slot = find(buffer, offset, length, hash);
        version++;
        if (null != listener)
        {
            listener.modified(this, buffer, offset, length, false);
        }

        if (slot >= 0)
        {
            final Object[] chunk = values[slot >>> CHUNK_SHIFT];
            final Object previous = chunk[slot & CHUNK_MASK];
            chunk[slot & CHUNK_MASK] = value;
            entryBytes += sizeOf(value) - sizeOf(previous);
            return replaced(previous, value);
        }

        final int index = -slot - 1;
        final int chunk = index >>> CHUNK_SHIFT;
        final int at = index & CHUNK_MASK;
        final int oldSlot = findOld(buffer, offset, length, hash);
        if (oldSlot >= 0)
        {
            // the key lives in the old table: move it across with its new value
            final int oldChunk = oldSlot >>> CHUNK_SHIFT;
            final int oldAt = oldSlot & CHUNK_MASK;
            final Object previous = oldValues[oldChunk][oldAt];
            keys[chunk][at] = oldKeys[oldChunk][oldAt];
            values[chunk][at] = value;
            hashes[chunk][at] = hash;
            oldKeys[oldChunk][oldAt] = MOVED;
            oldValues[oldChunk][oldAt] = null;
            entryBytes += sizeOf(value) - sizeOf(previous);
            return replaced(previous, value);
        }

        if (size == MAX_CAPACITY - 1)
        {
            throw new IllegalStateException("keyspace is full: " + size + " keys");
        }

        final byte[] key;
        if (null != ownedKey)
        {
            key = ownedKey;
        }
        else
        {
            key = new byte[length];
            buffer.getBytes(offset, key);
        }

        keys[chunk][at] = key;
        values[chunk][at] = value;
        hashes[chunk][at] = hash;
        entryBytes += arrayBytes(key.length) + sizeOf(value);
        counted(value, 1);

        if (++size > growThreshold && capacity() < MAX_CAPACITY)
        {
            startResize(capacity() << 1);
        }
        else if (size > prepareThreshold)
        {
            prepareNextChunk();
        }

        return null;
    }

    /**
     * Count the keys with a time to live as a slot's content is replaced.
     *
     * @return the value the slot held, as callers see it: null if it had expired.
     */
    /**
     * Count a stored value in, or out, of the keys with a time to live.
     */
    private void counted(final Object stored, final int sign)
    {
        if (stored instanceof Expiring)
        {
            expires += sign;
            expireAtSumMs += sign * (double)((Expiring)stored).expireAtMs;
        }
    }

    private Object replaced(final Object previous, final Object value)
    {
        counted(value, 1);
        counted(previous, -1);
        if (previous instanceof Expiring)
        {
            final Expiring expiring = (Expiring)previous;
            return expiring.expireAtMs <= clock.nowMs ? null : expiring.value;
        }
        return previous;
    }

    /**
     * @return the slot of the key if found, else -(slot + 1) where slot is the empty slot the key would go to.
     */
    private int find(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        final byte[][][] keys = this.keys;
        final int[][] hashes = this.hashes;
        final int mask = this.mask;
        int index = hash & mask;

        byte[] key;
        while (null != (key = keys[index >>> CHUNK_SHIFT][index & CHUNK_MASK]))
        {
            if (hashes[index >>> CHUNK_SHIFT][index & CHUNK_MASK] == hash && keyEquals(key, buffer, offset, length))
            {
                return index;
            }

            index = (index + 1) & mask;
        }

        return -index - 1;
    }

    private boolean keyEquals(final byte[] key, final DirectBuffer buffer, final int offset, final int length)
    {
        if (key.length != length)
        {
            return false;
        }

        final UnsafeBuffer stored = storedKey;
        stored.wrap(key);

        int i = 0;
        for (final int limit = length - 8; i <= limit; i += 8)
        {
            if (stored.getLong(i) != buffer.getLong(offset + i))
            {
                return false;
            }
        }

        for (; i < length; i++)
        {
            if (stored.getByte(i) != buffer.getByte(offset + i))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Backward-shift deletion: empty the slot, then move back each following entry of the run that may live
     * closer to (or at) its home slot, so that no lookup ever stops early at the hole.
     */
    private void deleteSlot(final int slot)
    {
        final byte[][][] keys = this.keys;
        final Object[][] values = this.values;
        final int[][] hashes = this.hashes;
        final int mask = this.mask;

        int hole = slot;
        int index = slot;
        while (true)
        {
            index = (index + 1) & mask;
            final int chunk = index >>> CHUNK_SHIFT;
            final int at = index & CHUNK_MASK;
            final byte[] key = keys[chunk][at];
            if (null == key)
            {
                break;
            }

            final int home = hashes[chunk][at] & mask;
            if (((index - home) & mask) >= ((index - hole) & mask))
            {
                final int holeChunk = hole >>> CHUNK_SHIFT;
                final int holeAt = hole & CHUNK_MASK;
                keys[holeChunk][holeAt] = key;
                values[holeChunk][holeAt] = values[chunk][at];
                hashes[holeChunk][holeAt] = hashes[chunk][at];
                hole = index;
            }
        }

        final int holeChunk = hole >>> CHUNK_SHIFT;
        final int holeAt = hole & CHUNK_MASK;
        keys[holeChunk][holeAt] = null;
        values[holeChunk][holeAt] = null;
        hashes[holeChunk][holeAt] = 0;
    }

    /**
     * Resize incrementally, as Redis does: the current table becomes the old one, a table of the new capacity takes
     * every new key, and each change moves {@link #MIGRATE_SLOTS} slots of the old table across, so no single
     * command pays for moving millions of keys (which stalled every member at once, long enough to lose a leader).
     */
    private void startResize(final int newCapacity)
    {
        if (null != oldKeys)
        {
            while (null != oldKeys)
            {
                migrateStep();
            }
        }
        oldKeys = keys;
        oldValues = values;
        oldHashes = hashes;
        oldMask = mask;
        migrateCursor = 0;
        if (null != nextKeys && newCapacity == capacity() << 1)
        {
            while (nextChunks < nextKeys.length)
            {
                allocateNextChunk(); // the rest, should removes and puts have outrun the spacing
            }
            keys = nextKeys;
            values = nextValues;
            hashes = nextHashes;
            dropNextTable();
            resized(newCapacity);
        }
        else
        {
            dropNextTable();
            allocate(newCapacity);
        }
    }

    /**
     * Allocate the chunks of the doubled table while the keys go from a quarter short of the threshold to it, evenly
     * spaced: a table of 2^k slots has about 0.16 * 2^k new keys to go, and the doubled one needs 2^(k+1) / 2^16
     * chunks, so one every few thousand new keys. Keys that a member applies in one burst (a pipelined client's
     * batch) then allocate a chunk or two, not the whole table.
     */
    private void prepareNextChunk()
    {
        final int nextCapacity = capacity() << 1;
        if (nextCapacity <= CHUNK_SLOTS || capacity() >= MAX_CAPACITY)
        {
            return; // a table of one chunk is allocated when it is needed: it is small
        }
        final int chunksNeeded = nextCapacity >>> CHUNK_SHIFT;
        final int spacing = Math.max(1, (growThreshold - prepareThreshold) / chunksNeeded);
        if (null != nextKeys && size - prepareThreshold < nextChunks * spacing)
        {
            return;
        }
        if (null == nextKeys)
        {
            nextKeys = new byte[chunksNeeded][][];
            nextValues = new Object[chunksNeeded][];
            nextHashes = new int[chunksNeeded][];
            nextChunks = 0;
        }
        if (nextChunks < nextKeys.length)
        {
            allocateNextChunk();
        }
    }

    private void allocateNextChunk()
    {
        nextKeys[nextChunks] = new byte[CHUNK_SLOTS][];
        nextValues[nextChunks] = new Object[CHUNK_SLOTS];
        nextHashes[nextChunks] = new int[CHUNK_SLOTS];
        nextChunks++;
    }

    private void dropNextTable()
    {
        nextKeys = null;
        nextValues = null;
        nextHashes = null;
        nextChunks = 0;
    }

    private void migrateStep()
    {
        final byte[][][] oldKeys = this.oldKeys;
        if (null == oldKeys)
        {
            return;
        }
        final Object[][] oldValues = this.oldValues;
        final int[][] oldHashes = this.oldHashes;
        final byte[][][] keys = this.keys;
        final Object[][] values = this.values;
        final int[][] hashes = this.hashes;
        final int mask = this.mask;
        final int oldCapacity = oldMask + 1;
        final int end = Math.min(oldCapacity, migrateCursor + MIGRATE_SLOTS);
        for (int i = migrateCursor; i < end; i++)
        {
            final int oldChunk = i >>> CHUNK_SHIFT;
            final int oldAt = i & CHUNK_MASK;
            final byte[] key = oldKeys[oldChunk][oldAt];
            if (null != key && MOVED != key)
            {
                final int hash = oldHashes[oldChunk][oldAt];
                int index = hash & mask;
                while (null != keys[index >>> CHUNK_SHIFT][index & CHUNK_MASK])
                {
                    index = (index + 1) & mask;
                }
                final int chunk = index >>> CHUNK_SHIFT;
                final int at = index & CHUNK_MASK;
                keys[chunk][at] = key;
                values[chunk][at] = oldValues[oldChunk][oldAt];
                hashes[chunk][at] = hash;
                oldKeys[oldChunk][oldAt] = MOVED;
                oldValues[oldChunk][oldAt] = null;
            }
        }
        migrateCursor = end;
        if (end == oldCapacity)
        {
            dropOldTable();
        }
    }

    private void dropOldTable()
    {
        oldKeys = null;
        oldValues = null;
        oldHashes = null;
        migrateCursor = 0;
    }

    /**
     * @return the slot of the key in the old table while resizing, else -1.
     */
    private int findOld(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        final byte[][][] oldKeys = this.oldKeys;
        if (null == oldKeys)
        {
            return -1;
        }
        final int[][] oldHashes = this.oldHashes;
        final int mask = oldMask;
        int index = hash & mask;
        byte[] key;
        while (null != (key = oldKeys[index >>> CHUNK_SHIFT][index & CHUNK_MASK]))
        {
            if (MOVED != key && oldHashes[index >>> CHUNK_SHIFT][index & CHUNK_MASK] == hash &&
                keyEquals(key, buffer, offset, length))
            {
                return index;
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    private void allocate(final int capacity)
    {
        final int chunkSlots = Math.min(capacity, CHUNK_SLOTS);
        final int chunks = capacity / chunkSlots;
        keys = new byte[chunks][][];
        values = new Object[chunks][];
        hashes = new int[chunks][];
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            keys[chunk] = new byte[chunkSlots][];
            values[chunk] = new Object[chunkSlots];
            hashes[chunk] = new int[chunkSlots];
        }
        resized(capacity);
    }

    private void resized(final int capacity)
    {
        mask = capacity - 1;
        growThreshold = (int)(capacity * LOAD_FACTOR);
        prepareThreshold = growThreshold - growThreshold / 4;
        shrinkThreshold = capacity > initialCapacity ? capacity >>> 3 : 0;
    }
}

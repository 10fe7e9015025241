package io.raftis.store;

/**
 * A member's numbered databases, as Redis keeps sixteen: SELECT picks one for a connection, MOVE, COPY's DB option and
 * SWAPDB reach across them, FLUSHALL empties them all. They share one clock (see
 * {@link Keyspace#clock(long, boolean)}), so a command that touches two expires keys in both at the same time.
 * <p>
 * Not thread safe: it belongs to the node's single thread.
 */
public final class Databases
{
    /** How many there are, as Redis's default {@code databases 16}. */
    public static final int COUNT = 16;

    private final Keyspace[] keyspaces = new Keyspace[COUNT];
    private KeyspaceListener listener;

    public Databases()
    {
        final Keyspace.Clock clock = new Keyspace.Clock();
        for (int id = 0; id < COUNT; id++)
        {
            keyspaces[id] = new Keyspace(Keyspace.DEFAULT_INITIAL_CAPACITY, clock);
            keyspaces[id].joined(this, id);
        }
    }

    /**
     * @param listener told of every change to the keys of every database from now on, or null for none.
     */
    public void listener(final KeyspaceListener listener)
    {
        this.listener = listener;
        for (final Keyspace keyspace : keyspaces)
        {
            keyspace.listener(listener);
        }
    }

    /**
     * @param id 0 to {@link #COUNT} - 1.
     * @return the database.
     */
    public Keyspace get(final int id)
    {
        return keyspaces[id];
    }

    /**
     * @return whether id names a database, as SELECT, MOVE and SWAPDB check it.
     */
    public static boolean exists(final long id)
    {
        return id >= 0 && id < COUNT;
    }

    /**
     * Set the time keys of every database expire against, see {@link Keyspace#clock(long, boolean)}.
     */
    public void clock(final long nowMs, final boolean expireOnAccess)
    {
        keyspaces[0].clock(nowMs, expireOnAccess);
    }

    /**
     * Swap the contents of two databases, as SWAPDB does: connections that selected one now see the other's keys.
     */
    public void swap(final int a, final int b)
    {
        if (a == b)
        {
            return; // as Redis: nothing changes, and a WATCH sees no change
        }
        if (null != listener)
        {
            listener.swapping(keyspaces[a], keyspaces[b]);
        }
        final Keyspace first = keyspaces[a];
        keyspaces[a] = keyspaces[b];
        keyspaces[b] = first;
        keyspaces[a].joined(this, a);
        keyspaces[b].joined(this, b);
    }

    /**
     * Remove every key of every database.
     */
    public void clear()
    {
        for (final Keyspace keyspace : keyspaces)
        {
            keyspace.clear();
        }
    }

    /**
     * @return what the databases hold on the heap, see {@link Keyspace#usedMemory()}.
     */
    public long usedMemory()
    {
        long used = 0;
        for (final Keyspace keyspace : keyspaces)
        {
            used += keyspace.usedMemory();
        }
        return used;
    }

    /**
     * @return the keys of all databases removed because they were found expired.
     */
    public long expiredKeys()
    {
        long expired = 0;
        for (final Keyspace keyspace : keyspaces)
        {
            expired += keyspace.expiredKeys();
        }
        return expired;
    }
}

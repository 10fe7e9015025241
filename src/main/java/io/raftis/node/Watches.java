package io.raftis.node;

import io.raftis.store.Databases;
import io.raftis.store.Keyspace;
import io.raftis.store.KeyspaceListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The keys connections WATCH on this member, by database, and what marks their transactions dirty: every change the
 * keyspace reports as it applies the log, with Redis's rules for keys that had already expired when watched (their
 * removal is no change) and for FLUSHDB, FLUSHALL and SWAPDB. Costs nothing while nobody watches.
 */
final class Watches implements KeyspaceListener
{
    /**
     * One connection's watch of one key.
     */
    static final class WatchedKey
    {
        final int db;
        final byte[] key;
        final Transaction owner;
        /** The key had expired, but was still held, when watched. */
        boolean expired;

        WatchedKey(final int db, final byte[] key, final Transaction owner, final boolean expired)
        {
            this.db = db;
            this.key = key;
            this.owner = owner;
            this.expired = expired;
        }
    }

    /**
     * A database and a key, compared by content: stored ones own their bytes, the probe wraps the caller's.
     */
    private static final class Key
    {
        int db;
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        int offset;
        int length;
        int hash;

        Key set(final int db, final DirectBuffer buffer, final int offset, final int length)
        {
            this.db = db;
            this.buffer.wrap(buffer, 0, buffer.capacity());
            this.offset = offset;
            this.length = length;
            int h = 31 * db + length;
            for (int i = 0; i < length; i++)
            {
                h = 31 * h + buffer.getByte(offset + i);
            }
            this.hash = h;
            return this;
        }

        public int hashCode()
        {
            return hash;
        }

        public boolean equals(final Object o)
        {
            if (!(o instanceof Key))
            {
                return false;
            }
            final Key other = (Key)o;
            if (other.db != db || other.length != length || other.hash != hash)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (buffer.getByte(offset + i) != other.buffer.getByte(other.offset + i))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private final Databases databases;
    private final HashMap<Key, ArrayList<WatchedKey>> byKey = new HashMap<>();
    private final Key probe = new Key();
    private final UnsafeBuffer wrapped = new UnsafeBuffer(0, 0);

    Watches(final Databases databases)
    {
        this.databases = databases;
    }

    /**
     * @return how many keys are watched, by any connection.
     */
    int size()
    {
        return byKey.size();
    }

    /**
     * Watch a key of a database for a transaction, unless it already watches it.
     */
    void watch(final Transaction transaction, final int db, final DirectBuffer buffer, final int offset,
        final int length)
    {
        for (int i = 0; i < transaction.watched.size(); i++)
        {
            final WatchedKey watched = transaction.watched.get(i);
            if (watched.db == db && probe.set(db, buffer, offset, length).equals(keyOf(watched)))
            {
                return;
            }
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final WatchedKey watched = new WatchedKey(
            db, bytes, transaction, databases.get(db).isExpired(buffer, offset, length));
        byKey.computeIfAbsent(keyOf(watched), key -> new ArrayList<>()).add(watched);
        transaction.watched.add(watched);
    }

    /**
     * Forget every key the transaction watches.
     */
    void unwatchAll(final Transaction transaction)
    {
        for (int i = 0; i < transaction.watched.size(); i++)
        {
            final WatchedKey watched = transaction.watched.get(i);
            final Key key = keyOf(watched);
            final ArrayList<WatchedKey> watchers = byKey.get(key);
            if (null != watchers)
            {
                watchers.remove(watched);
                if (watchers.isEmpty())
                {
                    byKey.remove(key);
                }
            }
        }
        transaction.watched.clear();
    }

    /**
     * @return whether a key the transaction watches has expired since, at the databases' clock: EXEC then fails, as
     * in Redis.
     */
    boolean expiredSinceWatched(final Transaction transaction)
    {
        for (int i = 0; i < transaction.watched.size(); i++)
        {
            final WatchedKey watched = transaction.watched.get(i);
            wrapped.wrap(watched.key);
            if (!watched.expired && databases.get(watched.db).isExpired(wrapped, 0, watched.key.length))
            {
                return true;
            }
        }
        return false;
    }

    public void modified(
        final Keyspace keyspace, final DirectBuffer key, final int offset, final int length, final boolean expired)
    {
        if (byKey.isEmpty())
        {
            return;
        }
        final ArrayList<WatchedKey> watchers = byKey.get(probe.set(keyspace.id(), key, offset, length));
        if (null == watchers)
        {
            return;
        }
        final boolean held = keyspace.holds(key, offset, length);
        for (int i = 0; i < watchers.size(); i++)
        {
            final WatchedKey watched = watchers.get(i);
            if (watched.expired && !held)
            {
                watched.expired = false; // it had expired when watched: its removal changes nothing
                continue;
            }
            watched.owner.dirty = true;
        }
    }

    public void emptying(final Keyspace keyspace)
    {
        touchAll(keyspace, null);
    }

    public void swapping(final Keyspace first, final Keyspace second)
    {
        touchAll(first, second);
        touchAll(second, first);
    }

    /**
     * The watched keys of a database about to be emptied, or replaced by another's keys, as Redis's
     * touchAllWatchedKeysInDb: a key held by neither is untouched, and one expired on both sides stays as it was.
     */
    private void touchAll(final Keyspace emptied, final Keyspace replacedWith)
    {
        if (byKey.isEmpty())
        {
            return;
        }
        for (final Map.Entry<Key, ArrayList<WatchedKey>> entry : byKey.entrySet())
        {
            final Key key = entry.getKey();
            if (key.db != emptied.id())
            {
                continue;
            }
            final boolean inEmptied = emptied.holds(key.buffer, key.offset, key.length);
            final boolean inReplacement =
                null != replacedWith && replacedWith.holds(key.buffer, key.offset, key.length);
            if (!inEmptied && !inReplacement)
            {
                continue;
            }
            final boolean expiredReplacement =
                inReplacement && replacedWith.isExpired(key.buffer, key.offset, key.length);
            for (final WatchedKey watched : entry.getValue())
            {
                if (watched.expired)
                {
                    if (!inReplacement)
                    {
                        watched.expired = false;
                        continue;
                    }
                    if (expiredReplacement)
                    {
                        continue;
                    }
                }
                else if (!inEmptied && expiredReplacement)
                {
                    watched.expired = true;
                    continue;
                }
                watched.owner.dirty = true;
            }
        }
    }

    private static Key keyOf(final WatchedKey watched)
    {
        return new Key().set(watched.db, new UnsafeBuffer(watched.key), 0, watched.key.length);
    }
}

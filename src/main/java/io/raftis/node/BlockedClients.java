package io.raftis.node;

import io.raftis.store.Command;
import io.raftis.store.Keyspace;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The clients blocked on keys (BLPOP and its kin), as every member holds them: a blocking command that found nothing
 * is registered where its entry is applied, and a later entry that changes one of its keys serves it right there, in
 * the order clients blocked, as Redis serves them after the command that fed the key. Only the member that proposed
 * it knows the client's connection; the others serve it into nothing, alike.
 * <p>
 * A registration belongs to its leader's term: once an entry of a later term is applied, it is gone, as its leader
 * has answered its client when it stopped leading.
 */
final class BlockedClients
{
    /**
     * One blocked command.
     */
    static final class Blocked
    {
        final long id;
        final long term;
        final int db;
        /** The command as a RESP array, parsed again to serve it. */
        final byte[] command;
        final Command type;
        final ArrayList<Key> keys = new ArrayList<>();
        /** The connection, on the member that proposed it, while it waits; else null. */
        Session session;
        /** When the leader gives up on it, in the leader's milliseconds; 0 for never. */
        long deadlineMs;
        /** The leader proposed its timeout. */
        boolean timeoutProposed;
        /** Its client left while it waited: the leader still owes the log its removal. */
        boolean abandoned;

        Blocked(final long id, final long term, final int db, final byte[] command, final Command type)
        {
            this.id = id;
            this.term = term;
            this.db = db;
            this.command = command;
            this.type = type;
        }
    }

    /**
     * A database and a key, compared by content.
     */
    static final class Key
    {
        final int db;
        final byte[] bytes;
        private final int hash;

        Key(final int db, final byte[] bytes)
        {
            this.db = db;
            this.bytes = bytes;
            this.hash = 31 * db + java.util.Arrays.hashCode(bytes);
        }

        public int hashCode()
        {
            return hash;
        }

        public boolean equals(final Object o)
        {
            return o instanceof Key && ((Key)o).db == db && java.util.Arrays.equals(((Key)o).bytes, bytes);
        }
    }

    private final HashMap<Key, ArrayDeque<Blocked>> byKey = new HashMap<>();
    private final HashMap<Long, Blocked> byId = new HashMap<>();
    /** Keys changed by the entry being applied that clients wait on, in the order they changed. */
    private final ArrayList<Key> ready = new ArrayList<>();
    private long newestTerm;

    /**
     * @return how many commands are blocked, on this member's count.
     */
    int size()
    {
        return byId.size();
    }

    /**
     * @return the blocked command of that id, or null.
     */
    Blocked get(final long id)
    {
        return byId.get(id);
    }

    /**
     * Every registration, for the leader's timeouts and for answering its clients when it stops leading.
     */
    Iterable<Blocked> all()
    {
        return byId.values();
    }

    void register(final Blocked blocked, final byte[][] keys)
    {
        byId.put(blocked.id, blocked);
        for (final byte[] bytes : keys)
        {
            final Key key = new Key(blocked.db, bytes);
            if (!blocked.keys.contains(key))
            {
                blocked.keys.add(key);
                byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(blocked);
            }
        }
    }

    /**
     * Forget a registration, served or timed out.
     */
    void remove(final Blocked blocked)
    {
        byId.remove(blocked.id);
        for (final Key key : blocked.keys)
        {
            final ArrayDeque<Blocked> waiters = byKey.get(key);
            if (null != waiters)
            {
                waiters.remove(blocked);
                if (waiters.isEmpty())
                {
                    byKey.remove(key);
                }
            }
        }
    }

    /**
     * A key changed as an entry was applied: if clients wait on it, it is ready to serve them.
     */
    void modified(final Keyspace keyspace, final DirectBuffer buffer, final int offset, final int length)
    {
        if (byKey.isEmpty())
        {
            return;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final Key key = new Key(keyspace.id(), bytes);
        if (byKey.containsKey(key) && !ready.contains(key))
        {
            ready.add(key);
        }
    }

    /**
     * SWAPDB: every waited-on key of either database may now have what its waiters want.
     */
    void swapping(final int first, final int second)
    {
        for (final Key key : byKey.keySet())
        {
            if ((key.db == first || key.db == second) && !ready.contains(key))
            {
                ready.add(key);
            }
        }
    }

    /**
     * @return whether an applied entry made keys ready.
     */
    boolean hasReady()
    {
        return !ready.isEmpty();
    }

    /**
     * Take the next ready key, to serve its waiters.
     */
    Key nextReady()
    {
        return ready.isEmpty() ? null : ready.remove(0);
    }

    /**
     * @return the clients waiting on a key, first blocked first, or null.
     */
    ArrayDeque<Blocked> waiters(final Key key)
    {
        return byKey.get(key);
    }

    /**
     * An entry of this term is being applied: registrations of earlier terms are gone.
     *
     * @return the registrations dropped, whose clients, if this member holds them, have been answered already.
     */
    int enterTerm(final long term)
    {
        if (term <= newestTerm)
        {
            return 0;
        }
        newestTerm = term;
        int dropped = 0;
        for (final Iterator<Map.Entry<Long, Blocked>> it = byId.entrySet().iterator(); it.hasNext(); )
        {
            final Blocked blocked = it.next().getValue();
            if (blocked.term < term)
            {
                it.remove();
                for (final Key key : blocked.keys)
                {
                    final ArrayDeque<Blocked> waiters = byKey.get(key);
                    if (null != waiters)
                    {
                        waiters.remove(blocked);
                        if (waiters.isEmpty())
                        {
                            byKey.remove(key);
                        }
                    }
                }
                dropped++;
            }
        }
        return dropped;
    }

    static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        new UnsafeBuffer(buffer, offset, length).getBytes(0, bytes);
        return bytes;
    }
}

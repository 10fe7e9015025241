package io.raftis.store;

import org.agrona.DirectBuffer;

/**
 * Told of every change to a database's keys, as Redis's signalModifiedKey and touchAllWatchedKeysInDb are, so that
 * WATCH can see a watched key change. Only a database's keyspace has one; the tables inside hashes and sets do not.
 * A listener must not change the keyspace.
 */
public interface KeyspaceListener
{
    /**
     * A key was written, removed, given or relieved of a time to live, or its value changed in place.
     *
     * @param keyspace the database.
     * @param key      holding the key.
     * @param offset   of the key.
     * @param length   of the key.
     * @param expired  the key was removed because its time had passed, not by a command.
     */
    void modified(Keyspace keyspace, DirectBuffer key, int offset, int length, boolean expired);

    /**
     * Every key of the database is about to be removed, by FLUSHDB or FLUSHALL: the keys are still there.
     *
     * @param keyspace the database.
     */
    void emptying(Keyspace keyspace);

    /**
     * Two databases are about to swap their keys, by SWAPDB.
     *
     * @param first  a database.
     * @param second the other.
     */
    void swapping(Keyspace first, Keyspace second);
}

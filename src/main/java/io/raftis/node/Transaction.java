package io.raftis.node;

import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;

/**
 * A connection's MULTI state and the keys it WATCHes, as Redis keeps them per client.
 * <p>
 * Queued commands are kept as RESP arrays, one after another, ready to become the body of the single log entry
 * that EXEC proposes.
 */
final class Transaction
{
    /** Between MULTI and EXEC or DISCARD. */
    boolean active;
    /** A command was refused while queueing: EXEC answers EXECABORT. */
    boolean aborted;
    /** A watched key changed, or one not expired when watched has expired since: EXEC answers a null array. */
    boolean dirty;
    /** The commands queued, as RESP arrays. */
    final ExpandableArrayBuffer queued = new ExpandableArrayBuffer(256);
    int queuedLength;
    int count;
    /** The database the connection selects once the queued SELECTs have run. */
    int finalDb;
    final ArrayList<Watches.WatchedKey> watched = new ArrayList<>();

    /**
     * Leave MULTI and forget what was queued; the watched keys stay.
     */
    void clearQueue()
    {
        active = false;
        aborted = false;
        queuedLength = 0;
        count = 0;
    }
}

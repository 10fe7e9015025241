package io.raftis.node;

import io.raftis.resp.ClientConnection;

/**
 * What the node keeps per client connection to answer its commands in order.
 */
final class Session
{
    final ClientConnection connection;

    /** Writes proposed and not yet applied: later non-write commands wait for them. */
    int pendingWrites;
    /** Bytes of the input stream consumed so far: positions here survive the buffer's compaction. */
    long consumed;
    /** The read barrier this session waits on, 0 when none. */
    long readSequence;
    /** The index that must be applied before the barrier's reads are served. */
    long readIndex;
    /** Bytes of the input stream received when the barrier was requested: reads wholly before it are covered. */
    long barrierLimit;
    /** Reads wholly before this stream position may be served: a confirmed barrier covers them. */
    long confirmedLimit;
    /** Waiting in the read-barrier list. */
    boolean awaitingRead;
    /** Stopped because its pending output is too large; resumed once the socket drains. */
    boolean outputBlocked;
    /** Stopped at a write because the leader holds as many pending writes as it may; resumed when there is room. */
    boolean awaitingRoom;
    /** Stopped at a write longer than a batch while another such write goes out in parts; resumed after it. */
    boolean awaitingParts;
    /** Queued to be processed again at the end of this pass. */
    boolean resumeQueued;
    /** Stopped because this pass processed as many arguments as a pass may; goes on next pass. */
    boolean deferred;
    /** When the member first tried the command it now waits to take up, for its latency; 0 when none waits. */
    long waitingSinceNs;
    /** The user this connection authenticated as, or null: then it acts as the default user, if that needs none. */
    String user;
    /** The database SELECT chose: the one its commands read and write. */
    int db;
    /** MULTI and WATCH state, made on first use. */
    Transaction transaction;
    /** The blocking command it waits on, on the member that proposed it; it runs nothing else meanwhile. */
    BlockedClients.Blocked blocked;

    Session(final ClientConnection connection)
    {
        this.connection = connection;
    }

    boolean isOpen()
    {
        return !connection.isClosed();
    }
}

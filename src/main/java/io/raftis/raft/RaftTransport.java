package io.raftis.raft;

import org.agrona.DirectBuffer;

/**
 * How the core sends messages. The transport adds the cluster id and the sender. A send that returns false was
 * not sent (back-pressure, peer not connected): Raft retries by its own timers.
 */
public interface RaftTransport
{
    /**
     * @param preVote  ask whether the member would vote, changing nothing (thesis §9.6).
     * @param transfer the leader asked for this election with TimeoutNow: voters ignore leader stickiness.
     */
    boolean sendRequestVote(int to, long term, long lastLogIndex, long lastLogTerm, boolean preVote, boolean transfer);

    boolean sendVoteResponse(int to, long term, boolean granted, boolean preVote);

    /**
     * A leader hands over leadership: the follower starts an election at once (thesis §3.10).
     */
    boolean sendTimeoutNow(int to, long term);

    /**
     * @param awaited the leader counts on this follower to commit what it sends: the follower syncs and answers at
     *                once; one not awaited may gather its appends into a later sync.
     */
    boolean sendAppendEntries(
        int to,
        long term,
        long prevLogIndex,
        long prevLogTerm,
        long leaderCommit,
        long sequence,
        DirectBuffer frames,
        int offset,
        int length,
        int entryCount,
        boolean awaited);

    /**
     * @param lastLogIndex on success the highest index known to match the leader; on failure the index after which
     *                     the leader should probe next.
     * @param conflictTerm on failure the term of the follower's conflicting entry, whose first index is
     *                     lastLogIndex + 1, or 0 when the follower's log is too short.
     */
    boolean sendAppendEntriesResponse(
        int to, long term, boolean success, long lastLogIndex, long conflictTerm, long sequence);
}

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
        int entryCount);

    boolean sendAppendEntriesResponse(int to, long term, boolean success, long lastLogIndex, long sequence);
}

package io.raftis.raft;

import org.agrona.DirectBuffer;

/**
 * How the core sends messages. The transport adds the cluster id and the sender. A send that returns false was
 * not sent (back-pressure, peer not connected): Raft retries by its own timers.
 */
public interface RaftTransport
{
    boolean sendRequestVote(int to, long term, long lastLogIndex, long lastLogTerm);

    boolean sendVoteResponse(int to, long term, boolean granted);

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

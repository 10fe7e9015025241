package io.raftis.node;

import io.raftis.raft.RaftTransport;
import org.agrona.DirectBuffer;

/**
 * A member alone: it sends nothing.
 */
final class NoPeers implements RaftTransport
{
    public boolean sendRequestVote(
        final int to, final long term, final long lastLogIndex, final long lastLogTerm, final boolean preVote,
        final boolean transfer)
    {
        return true;
    }

    public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
    {
        return true;
    }

    public boolean sendTimeoutNow(final int to, final long term)
    {
        return true;
    }

    public boolean sendAppendEntries(
        final int to, final long term, final long prevLogIndex, final long prevLogTerm, final long leaderCommit,
        final long sequence, final DirectBuffer frames, final int offset, final int length, final int entryCount,
        final boolean awaited)
    {
        return true;
    }

    public boolean sendAppendEntriesResponse(
        final int to, final long term, final boolean success, final long lastLogIndex, final long conflictTerm,
        final long sequence)
    {
        return true;
    }
}

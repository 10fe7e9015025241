package io.raftis.transport;

import io.raftis.raft.RaftTransport;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftTransport} that sends nothing and remembers every message the core asked it to send.
 */
final class RecordingTransport implements RaftTransport
{
    record VoteResponse(int to, long term, boolean granted)
    {
    }

    record AppendEntriesResponse(
        int to, long term, boolean success, long lastLogIndex, long conflictTerm, long sequence)
    {
    }

    final List<VoteResponse> voteResponses = new ArrayList<>();
    final List<AppendEntriesResponse> appendEntriesResponses = new ArrayList<>();
    int requestVotes;
    int timeoutNows;

    public boolean sendRequestVote(
        final int to,
        final long term,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean preVote,
        final boolean transfer)
    {
        requestVotes++;
        return true;
    }

    public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
    {
        voteResponses.add(new VoteResponse(to, term, granted));
        return true;
    }

    public boolean sendTimeoutNow(final int to, final long term)
    {
        timeoutNows++;
        return true;
    }

    public boolean sendAppendEntries(
        final int to,
        final long term,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommit,
        final long sequence,
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int entryCount,
        final boolean awaited)
    {
        return true;
    }

    public boolean sendAppendEntriesResponse(
        final int to,
        final long term,
        final boolean success,
        final long lastLogIndex,
        final long conflictTerm,
        final long sequence)
    {
        appendEntriesResponses.add(new AppendEntriesResponse(to, term, success, lastLogIndex, conflictTerm, sequence));
        return true;
    }
}

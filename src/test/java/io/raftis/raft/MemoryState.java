package io.raftis.raft;

/**
 * Term and vote in memory; each update counts as synced.
 */
public final class MemoryState implements PersistentState
{
    private long term;
    private int votedFor;

    public long currentTerm()
    {
        return term;
    }

    public int votedFor()
    {
        return votedFor;
    }

    public void update(final long term, final int votedFor)
    {
        this.term = term;
        this.votedFor = votedFor;
    }
}

package io.raftis.raft;

/**
 * The term and vote a node must never forget (Raft §5.1, Figure 2 "persistent state").
 */
public interface PersistentState
{
    long currentTerm();

    /**
     * @return the member voted for in {@link #currentTerm()}, or {@link RaftNode#NO_MEMBER}.
     */
    int votedFor();

    /**
     * Record a new term and vote; durable (synced) before this returns.
     */
    void update(long term, int votedFor);
}

package io.raftis.raft;

/**
 * Bugs a test can switch on in the real core, one rule broken each, to show that the simulation's checkers catch
 * them. Production code never sets a fault: {@link RaftNode} starts with {@link #NONE}, and only tests in this package
 * can change it.
 */
enum Fault
{
    NONE,
    /** Grant a vote in a term this member already voted in, to another candidate (breaks §5.2). */
    DOUBLE_VOTE,
    /** Count granted votes of an earlier term towards the current election. */
    COUNT_STALE_VOTES,
    /** Append a leader's entries without checking that the entry before them matches (§5.3); heartbeats still check. */
    SKIP_LOG_CONSISTENCY_CHECK,
    /** Grant votes without the up-to-date check of §5.4.1. */
    VOTE_WITHOUT_LOG_CHECK,
    /** Commit an entry of an earlier term by counting replicas (the "Figure 8" bug of §5.4.2). */
    COMMIT_PREVIOUS_TERM,
    /** A follower commits up to the leader's commit index even beyond what the message proved to match. */
    COMMIT_BEYOND_MATCH,
    /** A follower advances its commit index only from messages that carry entries, not from heartbeats. */
    COMMIT_ONLY_WITH_ENTRIES,
    /** Confirm a read barrier without a majority's answer (ReadIndex without quorum, thesis §6.4). */
    READ_WITHOUT_QUORUM,
    /** Serve reads before the leader's own first entry commits (thesis §6.4). */
    READ_BEFORE_NOOP_COMMITS,
    /** A lease that never expires once taken. */
    LEASE_WITHOUT_EXPIRY,
    /** A lease as long as the election timeout, with no margin for clocks that run at different rates. */
    LEASE_WITHOUT_DRIFT_MARGIN
}

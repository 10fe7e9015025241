package io.raftis.raft;

/**
 * The role of a Raft node (Raft §5.1).
 */
public enum Role
{
    FOLLOWER,
    /** Asking for pre-votes before it may start an election (thesis §9.6). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}

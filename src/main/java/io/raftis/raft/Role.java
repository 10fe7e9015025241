package io.raftis.raft;

/**
 * The role of a Raft node (Raft §5.1).
 */
public enum Role
{
    FOLLOWER,
    CANDIDATE,
    LEADER
}

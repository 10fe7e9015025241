package io.raftis.raft;

/**
 * Thrown by a {@link RaftLog} that could not write an entry (its disk is full, or refused the write) and appended
 * nothing of it: the log is as it was, or, for a run, holds the entries before the refused one. Unlike a failed
 * sync, nothing is in doubt, so the node lives on: a leader refuses the write and hands leadership over, a follower
 * leaves the entries unacknowledged, and both try again on the next append.
 */
public final class AppendRefusedException extends RuntimeException
{
    public AppendRefusedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}

package io.raftis.raft;

import org.agrona.DirectBuffer;

/**
 * The Raft log as the core sees it: entries 1..lastIndex, each an {@link EntryFrame}. Index 0 is the empty
 * prefix with term 0. Appends are not durable until {@link #sync()} returns.
 */
public interface RaftLog
{
    long lastIndex();

    long lastTerm();

    /**
     * @return the term of the entry at index, 0 for index 0, or -1 when the log holds no such entry.
     */
    long termAt(long index);

    /**
     * Append one entry after {@link #lastIndex()}.
     *
     * @return the index of the new entry.
     */
    long append(long term, int type, DirectBuffer payload, int offset, int length);

    /**
     * Append a run of already-framed, already-validated entries, as a leader sent them, after {@link #lastIndex()}.
     */
    void appendFrames(DirectBuffer frames, int offset, int length, int count);

    /**
     * Remove every entry after index, so that index becomes the last.
     */
    void truncateAfter(long index);

    /**
     * Make every appended entry durable, before returning.
     */
    void sync();

    /**
     * Start making every appended entry durable without waiting for it, unless a sync is still in flight; a log with
     * no helper thread syncs here and now. {@link #durableIndex()} tells how far syncs have got.
     *
     * @return true when a sync was started (or done), false when one is still in flight: ask again after it ends.
     */
    default boolean requestSync()
    {
        sync();
        return true;
    }

    /**
     * @return the last index durable with every entry before it: what a crash cannot take away. A truncation lowers
     * it to the truncation point at once.
     */
    long durableIndex();

    /**
     * @return true while a sync started by {@link #requestSync()} has not ended: its end wakes the duty cycle.
     */
    default boolean syncInFlight()
    {
        return false;
    }

    /**
     * Describe a contiguous run of frames starting at fromIndex, of at most maxBytes unless the first frame alone
     * is larger (then just that frame).
     *
     * @return false when fromIndex is not in the log.
     */
    boolean read(long fromIndex, int maxBytes, FrameRun run);

    /**
     * A run of frames in the log's own memory, valid until the log is next changed.
     */
    final class FrameRun
    {
        public DirectBuffer buffer;
        public int offset;
        public int length;
        public int count;

        public void set(final DirectBuffer buffer, final int offset, final int length, final int count)
        {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
            this.count = count;
        }
    }
}

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
     * Make every appended entry durable.
     */
    void sync();

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

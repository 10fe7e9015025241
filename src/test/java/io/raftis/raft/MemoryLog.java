package io.raftis.raft;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * A Raft log in memory for the simulated cluster. It remembers what was synced, so that a simulated crash can
 * keep only the synced prefix, as a real disk would.
 * <p>
 * Its syncs may be asynchronous, as a log that syncs on a helper thread: then {@link #requestSync()} only records
 * how far the sync goes, and it completes when the test says ({@link #completeSync()}), or before a truncation.
 */
public final class MemoryLog implements RaftLog
{
    private final ExpandableArrayBuffer frames = new ExpandableArrayBuffer(4096);
    private final IntArrayList offsets = new IntArrayList();
    private final LongArrayList chain = new LongArrayList();
    private long changedFrom = Long.MAX_VALUE;
    private int end;
    private long syncedIndex;
    private int syncs;
    private boolean asyncSync;
    private long syncInFlightTo = -1;
    /** A full disk: every append is refused, and the log stays as it is. */
    public boolean refuseAppends;

    public MemoryLog()
    {
        offsets.addInt(0); // index 0: the empty prefix
        chain.addLong(0);
    }

    private void refuseIfFull()
    {
        if (refuseAppends)
        {
            throw new AppendRefusedException("No space left on device", null);
        }
    }

    public long lastIndex()
    {
        return offsets.size() - 1;
    }

    public long lastTerm()
    {
        return termAt(lastIndex());
    }

    public long termAt(final long index)
    {
        if (index == 0)
        {
            return 0;
        }
        if (index < 0 || index > lastIndex())
        {
            return -1;
        }
        return EntryFrame.term(frames, offsets.getInt((int)index));
    }

    public long append(final long term, final int type, final DirectBuffer payload, final int offset, final int length)
    {
        refuseIfFull();
        frames.checkLimit(end + EntryFrame.alignedLength(length));
        offsets.addInt(end);
        end += EntryFrame.write(frames, end, term, type, payload, offset, length);
        appended();
        return lastIndex();
    }

    public void appendFrames(final DirectBuffer src, final int offset, final int length, final int count)
    {
        refuseIfFull();
        frames.checkLimit(end + length);
        int position = offset;
        for (int i = 0; i < count; i++)
        {
            offsets.addInt(end + position - offset);
            position += EntryFrame.alignedLength(EntryFrame.frameLength(src, position) - EntryFrame.HEADER_LENGTH);
        }
        if (position != offset + length)
        {
            throw new IllegalArgumentException(count + " frames end at " + position + ", not " + (offset + length));
        }
        frames.putBytes(end, src, offset, length);
        end += length;
        while (chain.size() < offsets.size())
        {
            appended();
        }
    }

    private void appended()
    {
        final long index = chain.size();
        final int offset = offsets.getInt((int)index);
        long h = chain.getLong((int)index - 1) * 0x9E3779B97F4A7C15L + EntryFrame.term(frames, offset);
        h = h * 31 + EntryFrame.type(frames, offset);
        final int limit = offset + EntryFrame.frameLength(frames, offset);
        for (int i = offset + EntryFrame.HEADER_LENGTH; i < limit; i++)
        {
            h = h * 31 + frames.getByte(i);
        }
        chain.addLong(h ^ (h >>> 29));
        changedFrom = Math.min(changedFrom, index);
    }

    /**
     * A hash of the entry at index and of every entry before it: equal hashes mean equal logs up to there.
     */
    public long chainHash(final long index)
    {
        return chain.getLong((int)index);
    }

    /**
     * @return the lowest index appended or removed since the last call, or Long.MAX_VALUE when none was.
     */
    public long takeChangedFrom()
    {
        final long from = changedFrom;
        changedFrom = Long.MAX_VALUE;
        return from;
    }

    public void truncateAfter(final long index)
    {
        if (index < lastIndex())
        {
            completeSync(); // as the real log waits for its sync in flight before it truncates
            end = offsets.getInt((int)index + 1);
            while (lastIndex() > index)
            {
                offsets.removeAt(offsets.size() - 1);
                chain.removeAt(chain.size() - 1);
            }
            changedFrom = Math.min(changedFrom, index + 1);
            syncedIndex = Math.min(syncedIndex, index);
        }
    }

    public void sync()
    {
        completeSync();
        syncedIndex = lastIndex();
        syncs++;
    }

    /**
     * Sync asynchronously from now on: {@link #requestSync()} starts a sync that {@link #completeSync()} ends.
     */
    public MemoryLog asyncSync(final boolean asyncSync)
    {
        this.asyncSync = asyncSync;
        return this;
    }

    public boolean requestSync()
    {
        if (!asyncSync)
        {
            sync();
            return true;
        }
        if (syncInFlightTo >= 0)
        {
            return false;
        }
        syncInFlightTo = lastIndex();
        syncs++;
        return true;
    }

    /**
     * End the asynchronous sync in flight, if there is one: what it covered becomes durable.
     *
     * @return true when one ended.
     */
    public boolean completeSync()
    {
        if (syncInFlightTo < 0)
        {
            return false;
        }
        syncedIndex = Math.max(syncedIndex, syncInFlightTo);
        syncInFlightTo = -1;
        return true;
    }

    /**
     * @return true while an asynchronous sync is in flight.
     */
    public boolean syncInFlight()
    {
        return syncInFlightTo >= 0;
    }

    public long durableIndex()
    {
        return syncedIndex;
    }

    public boolean read(final long fromIndex, final int maxBytes, final FrameRun run)
    {
        if (fromIndex < 1 || fromIndex > lastIndex())
        {
            return false;
        }
        final int start = offsets.getInt((int)fromIndex);
        int count = 1;
        long index = fromIndex + 1;
        while (index <= lastIndex() && offsets.getInt((int)index) - start <= maxBytes &&
            endOf(index) - start <= maxBytes)
        {
            count++;
            index++;
        }
        run.set(frames, start, endOf(fromIndex + count - 1) - start, count);
        return true;
    }

    private int endOf(final long index)
    {
        return index == lastIndex() ? end : offsets.getInt((int)index + 1);
    }

    public long syncedIndex()
    {
        return syncedIndex;
    }

    /**
     * @return the syncs done or started.
     */
    public int syncs()
    {
        return syncs;
    }

    /**
     * What a crash leaves: the synced prefix.
     */
    MemoryLog crashCopy()
    {
        return crashCopy(syncedIndex);
    }

    /**
     * What a crash leaves when the first keep entries reached the disk.
     */
    MemoryLog crashCopy(final long keep)
    {
        final MemoryLog copy = new MemoryLog();
        for (long i = 1; i <= keep; i++)
        {
            final int offset = offsets.getInt((int)i);
            copy.appendFrames(frames, offset, endOf(i) - offset, 1);
        }
        copy.syncedIndex = keep;
        return copy;
    }

    /**
     * Rewrite the last entry's payload in place, keeping its term and length: silent corruption of the disk,
     * for showing that the checkers catch what it leads to.
     */
    void corruptLastPayload()
    {
        final int offset = offsets.getInt((int)lastIndex());
        final int length = EntryFrame.frameLength(frames, offset) - EntryFrame.HEADER_LENGTH;
        if (length > 0)
        {
            final int at = offset + EntryFrame.HEADER_LENGTH + length - 1;
            frames.putByte(at, (byte)(frames.getByte(at) == 'x' ? 'y' : 'x'));
            frames.putInt(offset + EntryFrame.CHECKSUM_OFFSET,
                EntryFrame.checksum(frames, offset, EntryFrame.frameLength(frames, offset)));
            chain.removeAt(chain.size() - 1);
            appended();
        }
    }

    /**
     * The payload of an entry as a string, for assertions.
     */
    public String payload(final long index)
    {
        final int offset = offsets.getInt((int)index);
        final int length = EntryFrame.frameLength(frames, offset) - EntryFrame.HEADER_LENGTH;
        return frames.getStringWithoutLengthAscii(offset + EntryFrame.HEADER_LENGTH, length);
    }

    /**
     * The framed bytes of entries from..to, for byte-for-byte comparisons.
     */
    public byte[] frameBytes(final long from, final long to)
    {
        final int start = offsets.getInt((int)from);
        final byte[] bytes = new byte[endOf(to) - start];
        frames.getBytes(start, bytes);
        return bytes;
    }
}

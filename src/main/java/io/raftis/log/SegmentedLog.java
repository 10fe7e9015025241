package io.raftis.log;

import io.raftis.raft.AppendRefusedException;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.RaftLog;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A {@link RaftLog} kept in memory-mapped segment files in one directory.
 * <p>
 * <b>Layout.</b> Each segment file is {@code segmentLength} bytes, named after the index of its first entry
 * ({@code log-00000000000000000001.seg}), and holds {@link EntryFrame}s packed from offset 0, each aligned to
 * {@link EntryFrame#ALIGNMENT}; the bytes after the last frame are zero. A frame that does not fit in the rest of
 * the current segment starts a new segment. The first segment always starts at index 1 (there is no compaction).
 * In memory each segment keeps an {@code int[]} of frame offsets; terms are read from the frames, so there is no
 * object per entry. Looking up an entry is O(1) in the last segment and O(log segments) before it.
 * <p>
 * <b>Durability</b> (when constructed with {@code fsync = true}):
 * <ul>
 *     <li>{@link #append} and {@link #appendFrames} write to the mapping only; {@link #sync()} forces the written
 *     range of every segment changed since the last sync ({@link MappedByteBuffer#force(int, int)}), after syncing
 *     the directory if segment files were created or deleted. A sync with nothing changed does nothing.</li>
 *     <li>{@link #truncateAfter(long)} is durable before it returns. It first records the truncation point in
 *     {@value #TRUNCATION_FILE_NAME} (forced), then deletes the later segment files (last first, then syncs the
 *     directory), zeroes the dropped frames of the new last segment and forces them, and finally clears the
 *     record (forced). Zeroed pages may reach the disk in any order, so a crash part way could otherwise leave a
 *     hole followed by stale valid frames; when the record is found at open the truncation is completed instead
 *     of that being taken for corruption. Because the truncation is durable before new entries are appended,
 *     dropped entries can never reappear next to the entries that replaced them.</li>
 *     <li>Opening the log forces everything it recovered (entries written but not synced before a process crash
 *     are still in the page cache and would otherwise be reported as held without being durable), and forces any
 *     repair it makes, whatever the policy.</li>
 * </ul>
 * With {@code fsync = false}, {@link #sync()} does nothing and truncation is not forced: the log survives a crash
 * of the process (the page cache keeps the writes) but <b>not</b> a power loss or kernel crash, which may lose
 * acknowledged entries and so break Raft's guarantees. Use it only for tests and benchmarks.
 * <p>
 * <b>Recovery.</b> On open every segment is scanned from offset 0 with {@link EntryFrame#validate}. At the first
 * frame that is not whole and valid, if a valid frame with a term no lower than the last good one is found later
 * (in the rest of that segment, scanned in 8-byte steps, or anywhere in a later segment file), the damage is in
 * the middle of the log and a {@link LogCorruptionException} is thrown. Otherwise it is a torn tail: it is zeroed
 * and forced, later garbage segment files are deleted, and the bytes removed are reported by
 * {@link #truncatedTailBytes()}. A valid frame whose term is lower than its predecessor's is corruption too.
 * Known limit: pages written but not yet synced can reach the disk out of order on a power loss; if a later page
 * of such an unsynced tail survives while an earlier one does not, the hole is taken for corruption (the safe
 * choice: the node refuses to start rather than silently dropping entries that might have been acknowledged).
 * <p>
 * Not thread safe: one thread (the node's duty cycle) uses it.
 */
public final class SegmentedLog implements RaftLog, AutoCloseable
{
    /** Segment length used when none is given: 64 MiB. */
    public static final int DEFAULT_SEGMENT_LENGTH = 64 * 1024 * 1024;
    /** Segment lengths must be a multiple of this (a page). */
    public static final int SEGMENT_LENGTH_MULTIPLE = 4096;
    /** Largest segment length accepted: 1 GiB. */
    public static final int MAX_SEGMENT_LENGTH = 1024 * 1024 * 1024;
    /** File recording a truncation in progress. */
    public static final String TRUNCATION_FILE_NAME = "log-truncation.dat";

    static final String SEGMENT_PREFIX = "log-";
    static final String SEGMENT_SUFFIX = ".seg";
    static final int SEGMENT_INDEX_DIGITS = 20;

    static final int TRUNCATION_FILE_LENGTH = 4096;
    static final int TRUNCATION_MAGIC_OFFSET = 0;
    static final int TRUNCATION_INDEX_OFFSET = 8;
    static final int TRUNCATION_CHECKSUM_OFFSET = 16;
    static final int TRUNCATION_MAGIC = 0x52544C47;
    static final long NO_TRUNCATION = -1;

    private static final int INITIAL_OFFSETS_CAPACITY = 256;
    /** Longest sync time recorded as itself in the latency histogram: longer ones count as this. */
    static final long MAX_RECORDED_SYNC_NS = 60_000_000_000L;

    private final File directory;
    private final int segmentLength;
    private final boolean fsync;

    private Segment[] segments = new Segment[8];
    private int segmentCount;
    private int firstDirtySegment = Integer.MAX_VALUE;
    private boolean directoryDirty;
    private long lastIndex;
    private long lastTerm;
    private long truncatedTailBytes;
    private static final int ZERO_AHEAD = 1024 * 1024;

    private long forceCount;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
    private long syncCount;
    private long syncNs;
    private long maxSyncNs;
    private ByteBuffer stagingByteBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final UnsafeBuffer staging = new UnsafeBuffer(stagingByteBuffer);
    private MappedByteBuffer truncationMapped;
    private UnsafeBuffer truncationBuffer;
    private boolean closed;
    private RuntimeException failure;
    private IOException injectedSyncFailure;
    private IOException injectedWriteFailure;
    private LogSyncer syncer;
    private long durableIndex;
    private long syncsSeen;
    private long syncedEntries;
    // written by one thread at a time: the helper, or this one once the helper is idle (sync() waits for it)
    private final SingleWriterRecorder syncLatency = new SingleWriterRecorder(MAX_RECORDED_SYNC_NS, 2);
    private final Histogram syncLatencyTotal = new Histogram(MAX_RECORDED_SYNC_NS, 2);
    private Histogram syncLatencyInterval;

    /**
     * Open (creating if needed) a log of {@link #DEFAULT_SEGMENT_LENGTH} segments that syncs to disk.
     *
     * @param directory holding the segment files.
     * @throws LogCorruptionException when the log is damaged other than at its tail.
     * @throws IOException            when the files cannot be read, written or mapped.
     */
    public SegmentedLog(final File directory) throws IOException
    {
        this(directory, DEFAULT_SEGMENT_LENGTH, true);
    }

    /**
     * Open (creating if needed) a log that syncs to disk.
     *
     * @param directory     holding the segment files.
     * @param segmentLength bytes per segment file, a multiple of {@link #SEGMENT_LENGTH_MULTIPLE}.
     * @throws LogCorruptionException when the log is damaged other than at its tail.
     * @throws IOException            when the files cannot be read, written or mapped.
     */
    public SegmentedLog(final File directory, final int segmentLength) throws IOException
    {
        this(directory, segmentLength, true);
    }

    /**
     * Open (creating if needed) a log.
     *
     * @param directory     holding the segment files.
     * @param segmentLength bytes per segment file, a multiple of {@link #SEGMENT_LENGTH_MULTIPLE}; the largest
     *                      entry payload is {@code segmentLength - EntryFrame.HEADER_LENGTH}.
     * @param fsync         true to make {@link #sync()} and {@link #truncateAfter(long)} durable; false makes them
     *                      survive a process crash only, unsafe under power loss (tests and benchmarks only).
     * @throws LogCorruptionException when the log is damaged other than at its tail.
     * @throws IOException            when the files cannot be read, written or mapped.
     */
    public SegmentedLog(final File directory, final int segmentLength, final boolean fsync) throws IOException
    {
        if (segmentLength < SEGMENT_LENGTH_MULTIPLE ||
            segmentLength > MAX_SEGMENT_LENGTH ||
            0 != segmentLength % SEGMENT_LENGTH_MULTIPLE)
        {
            throw new IllegalArgumentException("segment length " + segmentLength + " must be a multiple of " +
                SEGMENT_LENGTH_MULTIPLE + " between " + SEGMENT_LENGTH_MULTIPLE + " and " + MAX_SEGMENT_LENGTH);
        }

        this.directory = directory;
        this.segmentLength = segmentLength;
        this.fsync = fsync;

        Files.createDirectories(directory.toPath());
        try
        {
            openTruncationFile();
            recover();
            // allocate the first stretch ahead of the appends and make the segment files durable now, so the first
            // sync of a member that just started does not stall its duty cycle
            final Segment last = segments[segmentCount - 1];
            ensureZeroed(last, last.position + 1);
            if (fsync)
            {
                last.channel.force(false);
                FileSupport.syncDirectory(directory);
                directoryDirty = false;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            unmapAll();
            throw ex;
        }
        durableIndex = lastIndex; // all that was recovered is forced (or, without fsync, counted as durable)
    }

    /**
     * Sync from now on on a helper thread of its own ({@link LogSyncer}): {@link #requestSync()} returns at once and
     * {@link #durableIndex()} moves when a sync ends, after which onSynced is called on the helper's thread (to wake
     * the duty cycle). Without fsync there is nothing to sync and no thread is started.
     *
     * @param threadName of the helper.
     * @param onSynced   called, on the helper's thread, each time a sync ends or fails.
     * @return this.
     */
    public SegmentedLog syncOnHelperThread(final String threadName, final Runnable onSynced)
    {
        checkOpen();
        if (fsync && null == syncer)
        {
            syncer = new LogSyncer(threadName, directory, durableIndex, onSynced, syncLatency);
        }
        return this;
    }

    /**
     * @return the directory holding the segment files.
     */
    public File directory()
    {
        return directory;
    }

    /**
     * @return bytes per segment file.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * @return the largest payload an entry may have: one frame fills a whole segment.
     */
    public int maxPayloadLength()
    {
        return segmentLength - EntryFrame.HEADER_LENGTH;
    }

    /**
     * @return bytes of a torn tail (and of garbage segment files) removed when the log was opened, for logging.
     */
    public long truncatedTailBytes()
    {
        return truncatedTailBytes;
    }

    /**
     * @return the number of segment files in use.
     */
    public int segmentCount()
    {
        return segmentCount;
    }

    /**
     * @return the number of forces of mapped ranges done since open, for tests and metrics.
     */
    long forceCount()
    {
        return forceCount;
    }

    /**
     * Make every later sync fail with this cause, as a disk that fails a write-back would: for tests only.
     */
    void failSyncsWith(final IOException cause)
    {
        injectedSyncFailure = cause;
    }

    /**
     * Make every later write of an append or a roll fail with this cause, as a full disk would, until called with
     * null: for tests only.
     */
    void failWritesWith(final IOException cause)
    {
        injectedWriteFailure = cause;
    }

    /**
     * {@inheritDoc}
     */
    public long lastIndex()
    {
        return lastIndex;
    }

    /**
     * {@inheritDoc}
     */
    public long lastTerm()
    {
        return lastTerm;
    }

    /**
     * {@inheritDoc}
     */
    public long termAt(final long index)
    {
        checkOpen();
        if (0 == index)
        {
            return 0;
        }
        if (index < 0 || index > lastIndex)
        {
            return -1;
        }

        final Segment segment = segments[segmentIndexFor(index)];
        return EntryFrame.term(segment.buffer, segment.offsets[(int)(index - segment.baseIndex)]);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the payload is longer than {@link #maxPayloadLength()} or the term is
     *                                  lower than {@link #lastTerm()}.
     * @throws AppendRefusedException  when the entry cannot be written, or a new segment created for it (a full
     *                                  disk): the log is unchanged.
     */
    public long append(
        final long term, final int type, final DirectBuffer payload, final int offset, final int length)
    {
        checkOpen();
        if (length < 0 || length > maxPayloadLength())
        {
            throw new IllegalArgumentException("entry payload of " + length + " bytes exceeds the maximum of " +
                maxPayloadLength() + " bytes (segment length " + segmentLength + ")");
        }
        if (term < lastTerm)
        {
            throw new IllegalArgumentException("term " + term + " is lower than the last term " + lastTerm);
        }

        final int alignedLength = EntryFrame.alignedLength(length);
        Segment segment = segments[segmentCount - 1];
        if (alignedLength > segment.capacity - segment.position)
        {
            segment = roll();
        }

        final int position = segment.position;
        ensureStaging(alignedLength);
        EntryFrame.write(staging, 0, term, type, payload, offset, length);
        writeStaged(segment, position, alignedLength);
        segment.addOffset(position);
        segment.position = position + alignedLength;
        markDirty(segmentCount - 1, segment, position, alignedLength);
        lastTerm = term;

        return ++lastIndex;
    }

    /**
     * {@inheritDoc}
     * <p>
     * The run's structure is checked before anything is written (sane lengths, inside the run, count frames,
     * terms not decreasing from {@link #lastTerm()}); checksums are not checked again. If a frame cannot be written
     * or a new segment created part way (a full disk), the frames before it stay appended ({@link #lastIndex()} says
     * how many) and an {@link AppendRefusedException} is thrown.
     *
     * @throws IllegalArgumentException when the run is malformed or a frame is too large for a segment.
     */
    public void appendFrames(final DirectBuffer frames, final int offset, final int length, final int count)
    {
        checkOpen();
        final int end = offset + length;
        long previousTerm = lastTerm;
        int position = offset;
        int frameCount = 0;
        while (position < end)
        {
            final int frameLength = frames.getInt(position + EntryFrame.LENGTH_OFFSET);
            if (frameLength < EntryFrame.HEADER_LENGTH || frameLength > end - position)
            {
                throw new IllegalArgumentException(
                    "frame " + frameCount + " of the run has an invalid length " + frameLength);
            }
            final int alignedLength = BitUtil.align(frameLength, EntryFrame.ALIGNMENT);
            if (alignedLength > end - position)
            {
                throw new IllegalArgumentException(
                    "frame " + frameCount + " of the run is not padded to " + EntryFrame.ALIGNMENT + " bytes");
            }
            if (alignedLength > segmentLength)
            {
                throw new IllegalArgumentException("entry payload of " +
                    (frameLength - EntryFrame.HEADER_LENGTH) + " bytes exceeds the maximum of " +
                    maxPayloadLength() + " bytes (segment length " + segmentLength + ")");
            }
            final long term = EntryFrame.term(frames, position);
            if (term < previousTerm)
            {
                throw new IllegalArgumentException("frame " + frameCount + " of the run has term " + term +
                    " lower than the term " + previousTerm + " before it");
            }
            previousTerm = term;
            position += alignedLength;
            frameCount++;
        }
        if (frameCount != count)
        {
            throw new IllegalArgumentException("run holds " + frameCount + " frames, not " + count);
        }

        position = offset;
        while (position < end)
        {
            Segment segment = segments[segmentCount - 1];
            final int space = segment.capacity - segment.position;
            int runEnd = position;
            while (runEnd < end)
            {
                final int alignedLength = BitUtil.align(frames.getInt(runEnd), EntryFrame.ALIGNMENT);
                if (alignedLength > space - (runEnd - position))
                {
                    break;
                }
                runEnd += alignedLength;
            }

            if (runEnd == position)
            {
                roll();
                continue;
            }

            final int runLength = runEnd - position;
            final int base = segment.position;
            ensureStaging(runLength);
            staging.putBytes(0, frames, position, runLength);
            writeStaged(segment, base, runLength);
            long term = lastTerm;
            int frameOffset = position;
            while (frameOffset < runEnd)
            {
                segment.addOffset(base + (frameOffset - position));
                term = EntryFrame.term(frames, frameOffset);
                frameOffset += BitUtil.align(frames.getInt(frameOffset), EntryFrame.ALIGNMENT);
                lastIndex++;
            }
            segment.position = base + runLength;
            markDirty(segmentCount - 1, segment, base, runLength);
            lastTerm = term;
            position = runEnd;
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * With fsync on, the truncation is durable before this returns (see the class description). A truncation to
     * {@link #lastIndex()} does nothing.
     *
     * @throws IllegalArgumentException when index is negative or beyond {@link #lastIndex()}.
     */
    public void truncateAfter(final long index)
    {
        checkOpen();
        if (index < 0 || index > lastIndex)
        {
            throw new IllegalArgumentException("cannot truncate after index " + index + ": log holds 1.." + lastIndex);
        }
        if (index == lastIndex)
        {
            return;
        }

        awaitSyncer(); // a sync in flight may be forcing what is about to be rewritten, and must not outlive it
        try
        {
            truncate(index);
        }
        catch (final RuntimeException ex)
        {
            throw failed(ex); // a truncation that may not be durable: never retried either
        }
    }

    private void truncate(final long index)
    {
        if (fsync)
        {
            writeTruncation(index);
        }

        boolean deleted = false;
        while (segmentCount > 1 && segments[segmentCount - 1].baseIndex > index)
        {
            deleteLastSegment();
            deleted = true;
        }
        if (deleted)
        {
            if (fsync)
            {
                FileSupport.syncDirectory(directory);
            }
            else
            {
                directoryDirty = true;
            }
        }

        final Segment segment = segments[segmentCount - 1];
        final int keep = (int)(index - segment.baseIndex + 1);
        if (keep < segment.count)
        {
            final int from = segment.offsets[keep];
            final int length = segment.position - from;
            segment.buffer.setMemory(from, length, (byte)0);
            segment.count = keep;
            segment.position = from;
            if (fsync)
            {
                force(segment, from, length);
                segment.dirtyTo = Math.min(segment.dirtyTo, from);
                if (segment.dirtyTo <= segment.dirtyFrom)
                {
                    segment.clean();
                }
            }
            else
            {
                markDirty(segmentCount - 1, segment, from, length);
            }
        }

        lastIndex = index;
        lastTerm = 0 == index ? 0 : termAt(index);
        durableIndex = Math.min(durableIndex, index);

        if (fsync)
        {
            writeTruncation(NO_TRUNCATION);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Does nothing when constructed with fsync off, or when nothing changed since the last sync.
     */
    public void sync()
    {
        checkOpen();
        if (!fsync)
        {
            durableIndex = lastIndex;
            return;
        }
        awaitSyncer();

        final long startNs = System.nanoTime();
        try
        {
            if (directoryDirty)
            {
                FileSupport.syncDirectory(directory);
                directoryDirty = false;
            }
            for (int i = firstDirtySegment; i < segmentCount; i++)
            {
                final Segment segment = segments[i];
                if (segment.dirtyTo > segment.dirtyFrom)
                {
                    force(segment, segment.dirtyFrom, segment.dirtyTo - segment.dirtyFrom);
                    segment.clean();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            throw failed(ex);
        }
        firstDirtySegment = Integer.MAX_VALUE;
        syncedEntries += Math.max(0, lastIndex - durableIndex);
        durableIndex = lastIndex;
        final long durationNs = System.nanoTime() - startNs;
        syncLatency.recordValue(Math.min(durationNs, MAX_RECORDED_SYNC_NS));
        syncCount++;
        syncNs += durationNs;
        maxSyncNs = Math.max(maxSyncNs, durationNs);
    }

    /**
     * {@inheritDoc}
     * <p>
     * On the helper thread once {@link #syncOnHelperThread} has started it: the segments written since the last
     * sync (and the directory, when files were created) are handed to it, and the call returns at once. Otherwise
     * as {@link #sync()}.
     */
    public boolean requestSync()
    {
        checkOpen();
        if (null == syncer)
        {
            sync();
            return true;
        }
        pollSyncer();
        if (syncer.inFlight())
        {
            return false;
        }
        if (!directoryDirty && Integer.MAX_VALUE == firstDirtySegment)
        {
            durableIndex = lastIndex; // nothing written since the last sync
            return true;
        }
        syncer.clear();
        if (directoryDirty)
        {
            syncer.syncDirectory();
            directoryDirty = false;
        }
        for (int i = firstDirtySegment; i < segmentCount; i++)
        {
            final Segment segment = segments[i];
            if (segment.dirtyTo > segment.dirtyFrom)
            {
                syncer.addFile(segment.file, segment.channel);
                segment.clean();
            }
        }
        firstDirtySegment = Integer.MAX_VALUE;
        syncer.submit(lastIndex, injectedSyncFailure);
        return true;
    }

    public boolean syncInFlight()
    {
        return null != syncer && syncer.inFlight();
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException when a sync on the helper thread failed (once; later calls on the log throw
     *                              IllegalStateException): the node must stop.
     */
    public long durableIndex()
    {
        if (null != syncer && !closed)
        {
            pollSyncer();
        }
        return durableIndex;
    }

    /**
     * Take in the outcome of the helper's last sync, once.
     */
    private void pollSyncer()
    {
        final long completed = syncer.completed();
        if (completed != syncsSeen)
        {
            syncsSeen = completed;
            final Throwable syncFailure = syncer.failure();
            if (null != syncFailure)
            {
                throw failed(syncFailure instanceof RuntimeException ? (RuntimeException)syncFailure :
                    new IllegalStateException(syncFailure));
            }
            final long synced = syncer.durableIndex();
            syncedEntries += Math.max(0, synced - durableIndex);
            durableIndex = Math.max(durableIndex, synced);
        }
    }

    private void awaitSyncer()
    {
        if (null != syncer)
        {
            syncer.awaitIdle();
            pollSyncer();
        }
    }

    /**
     * @return the entries syncs made durable: over {@link #syncCount()}, how many entries one sync covers.
     */
    public long syncedEntries()
    {
        return syncedEntries;
    }

    /**
     * @return every sync's duration so far, in nanoseconds, on this thread or the helper's. Not thread safe: the
     * duty cycle's thread reads it.
     */
    public Histogram syncLatency()
    {
        syncLatencyInterval = syncLatency.getIntervalHistogram(syncLatencyInterval);
        syncLatencyTotal.add(syncLatencyInterval);
        return syncLatencyTotal;
    }

    /**
     * @return how many syncs made appends durable, here or on the helper thread.
     */
    public long syncCount()
    {
        return syncCount + (null == syncer ? 0 : syncer.syncCount());
    }

    /**
     * @return the time spent in {@link #sync()}, in nanoseconds.
     */
    public long syncNs()
    {
        return syncNs + (null == syncer ? 0 : syncer.syncNs());
    }

    /**
     * @return the longest {@link #sync()}, in nanoseconds.
     */
    public long maxSyncNs()
    {
        return Math.max(maxSyncNs, null == syncer ? 0 : syncer.maxSyncNs());
    }

    /**
     * {@inheritDoc}
     * <p>
     * The run lies within one segment and stays valid until the log is truncated or closed (appends do not move
     * it).
     */
    public boolean read(final long fromIndex, final int maxBytes, final FrameRun run)
    {
        checkOpen();
        if (fromIndex < 1 || fromIndex > lastIndex)
        {
            return false;
        }

        final Segment segment = segments[segmentIndexFor(fromIndex)];
        final int first = (int)(fromIndex - segment.baseIndex);
        final int start = segment.offsets[first];

        int low = first;
        int high = segment.count - 1;
        while (low < high)
        {
            final int mid = (low + high + 1) >>> 1;
            if ((long)segment.frameEnd(mid) - start <= maxBytes)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        run.set(segment.buffer, start, segment.frameEnd(low) - start, low - first + 1);
        return true;
    }

    /**
     * Unmap every segment. The log cannot be used afterwards; runs read from it become invalid.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietClose(syncer); // its sync in flight ends before the files are unmapped and closed
            unmapAll();
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("log " + directory + " is closed");
        }
        if (null != failure)
        {
            throw new IllegalStateException("log " + directory + " failed to sync and takes no more calls: the " +
                "kernel may have dropped the pages it could not write, so no later sync can make them durable; " +
                "restart the node (" + failure.getMessage() + ")", failure);
        }
    }

    /**
     * A sync that failed is never retried (fsyncgate: after a failed write-back the kernel marks the pages clean, and
     * a second fsync reports success): every later call on this log fails, and the node must restart from what is
     * durable.
     */
    private RuntimeException failed(final RuntimeException ex)
    {
        failure = ex;
        return ex;
    }

    private int segmentIndexFor(final long index)
    {
        int high = segmentCount - 1;
        if (index >= segments[high].baseIndex)
        {
            return high;
        }

        int low = 0;
        high--;
        while (low < high)
        {
            final int mid = (low + high + 1) >>> 1;
            if (segments[mid].baseIndex <= index)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    private void markDirty(final int segmentIndex, final Segment segment, final int offset, final int length)
    {
        segment.dirtyFrom = Math.min(segment.dirtyFrom, offset);
        segment.dirtyTo = Math.max(segment.dirtyTo, offset + length);
        firstDirtySegment = Math.min(firstDirtySegment, segmentIndex);
    }

    private void force(final Segment segment, final int offset, final int length)
    {
        try
        {
            if (null != injectedSyncFailure)
            {
                throw injectedSyncFailure;
            }
            // fdatasync covers pages written through the channel and, on recovery and truncation, the mapping
            segment.channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot sync log segment " + segment.file + ": " + ex, ex);
        }
        forceCount++;
    }

    /**
     * Write zeros ahead of the appends, {@link #ZERO_AHEAD} bytes at a time, so the file's blocks are allocated once
     * per megabyte: a sync that also has to commit the allocation of the blocks it writes measured about 40% slower,
     * and zero-filling a whole segment when it is created stalls the duty cycle for the whole write.
     */
    private void ensureZeroed(final Segment segment, final int end)
    {
        if (end <= segment.zeroedTo)
        {
            return;
        }
        final int from = Math.max(segment.zeroedTo, segment.position);
        final int to = Math.min(segment.capacity, BitUtil.align(end, ZERO_AHEAD) + ZERO_AHEAD);
        final ByteBuffer zeros = this.zeros;
        try
        {
            for (int position = from; position < to; )
            {
                zeros.clear().limit(Math.min(zeros.capacity(), to - position));
                position += segment.channel.write(zeros, position);
            }
        }
        catch (final IOException ex)
        {
            throw new AppendRefusedException(reason(ex) + " (extending log segment " + segment.file + " to " + to +
                " bytes)", ex);
        }
        segment.zeroedTo = to;
    }

    private void ensureStaging(final int length)
    {
        if (stagingByteBuffer.capacity() < length)
        {
            stagingByteBuffer = ByteBuffer.allocateDirect(Math.max(length, stagingByteBuffer.capacity() * 2));
            staging.wrap(stagingByteBuffer);
        }
    }

    /**
     * Write the first length bytes of the staging buffer into the segment at position with pwrite. Appends go
     * through the file rather than the mapping: on ext4 a page dirtied through a mapping is write-protected again
     * after each sync, and the fault that follows costs a journal commit, so msync after writes through the mapping
     * measured about 900us per sync here against about 130us for pwrite and fdatasync. Reads still go through the
     * mapping, which shares the page cache with the file.
     */
    private void writeStaged(final Segment segment, final int position, final int length)
    {
        ensureZeroed(segment, position + length);
        final ByteBuffer bytes = stagingByteBuffer;
        bytes.clear().limit(length);
        try
        {
            if (null != injectedWriteFailure)
            {
                throw injectedWriteFailure;
            }
            while (bytes.hasRemaining())
            {
                segment.channel.write(bytes, position + bytes.position());
            }
        }
        catch (final IOException ex)
        {
            // what was written of it lies past the last entry, unsynced: the next append writes over it, and a
            // restart cuts it as a torn tail
            throw new AppendRefusedException(reason(ex) + " (writing log segment " + segment.file + " at " +
                position + ")", ex);
        }
    }

    private Segment roll()
    {
        final Segment segment = createSegment(lastIndex + 1);
        addSegment(segment);
        directoryDirty = true;

        return segment;
    }

    private void addSegment(final Segment segment)
    {
        if (segmentCount == segments.length)
        {
            segments = Arrays.copyOf(segments, segmentCount * 2);
        }
        segments[segmentCount++] = segment;
    }

    /**
     * Create and map a new segment file at its full length. The file starts sparse, so a roll costs no I/O; its
     * blocks are allocated ahead of the appends by {@link #ensureZeroed}. Nothing is left behind when this fails.
     */
    private Segment createSegment(final long baseIndex)
    {
        final File file = segmentFile(baseIndex);
        boolean created = false;
        try
        {
            if (null != injectedWriteFailure)
            {
                throw injectedWriteFailure;
            }
            try (FileChannel channel = FileChannel.open(
                file.toPath(), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                created = true;
                channel.write(ByteBuffer.allocate(1), segmentLength - 1);
            }

            return new Segment(file, baseIndex, IoUtil.mapExistingFile(file, "log segment"));
        }
        catch (final Exception ex)
        {
            if (created)
            {
                try
                {
                    Files.deleteIfExists(file.toPath());
                }
                catch (final IOException deleteEx)
                {
                    ex.addSuppressed(deleteEx);
                }
            }

            throw new AppendRefusedException(reason(ex) + " (creating log segment " + file + " of " + segmentLength +
                " bytes)", ex);
        }
    }

    /**
     * @return what the operating system said, e.g. "No space left on device".
     */
    private static String reason(final Exception ex)
    {
        return null != ex.getMessage() ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private void deleteLastSegment()
    {
        final Segment segment = segments[--segmentCount];
        segments[segmentCount] = null;
        segment.release();
        try
        {
            Files.delete(segment.file.toPath());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete log segment " + segment.file, ex);
        }
    }

    private File segmentFile(final long baseIndex)
    {
        final String digits = Long.toString(baseIndex);
        final StringBuilder name = new StringBuilder(SEGMENT_PREFIX);
        for (int i = digits.length(); i < SEGMENT_INDEX_DIGITS; i++)
        {
            name.append('0');
        }

        return new File(directory, name.append(digits).append(SEGMENT_SUFFIX).toString());
    }

    private static long parseSegmentIndex(final String name)
    {
        if (name.length() != SEGMENT_PREFIX.length() + SEGMENT_INDEX_DIGITS + SEGMENT_SUFFIX.length() ||
            !name.startsWith(SEGMENT_PREFIX) ||
            !name.endsWith(SEGMENT_SUFFIX))
        {
            return -1;
        }

        long value = 0;
        for (int i = SEGMENT_PREFIX.length(), end = i + SEGMENT_INDEX_DIGITS; i < end; i++)
        {
            final char c = name.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0)
            {
                return -1;
            }
        }

        return value;
    }

    private void openTruncationFile() throws IOException
    {
        final File file = new File(directory, TRUNCATION_FILE_NAME);
        if (!file.exists())
        {
            final File tmp = new File(directory, TRUNCATION_FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp.toPath());
            try (FileChannel channel = FileChannel.open(
                tmp.toPath(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                IoUtil.fill(channel, 0, TRUNCATION_FILE_LENGTH, (byte)0);
                channel.force(true);
            }
            Files.move(tmp.toPath(), file.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            FileSupport.syncDirectory(directory);
        }
        else if (file.length() != TRUNCATION_FILE_LENGTH)
        {
            throw new IOException("truncation record " + file + " has length " + file.length() + ", expected " +
                TRUNCATION_FILE_LENGTH);
        }

        truncationMapped = IoUtil.mapExistingFile(file, "log truncation record");
        truncationBuffer = new UnsafeBuffer(truncationMapped);
    }

    /**
     * @return the index a truncation in progress was cutting after, or {@link #NO_TRUNCATION}. A record that fails
     *         its checksum was torn while being written: either the truncation had not started (the record is
     *         forced first) or it had finished (the record is cleared last), so it counts as no truncation.
     */
    private long readTruncation()
    {
        if (TRUNCATION_MAGIC != truncationBuffer.getInt(TRUNCATION_MAGIC_OFFSET) ||
            EntryFrame.crc32c(truncationBuffer, 0, TRUNCATION_CHECKSUM_OFFSET) !=
            truncationBuffer.getInt(TRUNCATION_CHECKSUM_OFFSET))
        {
            return NO_TRUNCATION;
        }

        final long index = truncationBuffer.getLong(TRUNCATION_INDEX_OFFSET);
        return index < 0 ? NO_TRUNCATION : index;
    }

    private void writeTruncation(final long index)
    {
        truncationBuffer.putInt(TRUNCATION_MAGIC_OFFSET, TRUNCATION_MAGIC);
        truncationBuffer.putInt(TRUNCATION_MAGIC_OFFSET + 4, 0);
        truncationBuffer.putLong(TRUNCATION_INDEX_OFFSET, index);
        truncationBuffer.putInt(
            TRUNCATION_CHECKSUM_OFFSET, EntryFrame.crc32c(truncationBuffer, 0, TRUNCATION_CHECKSUM_OFFSET));
        truncationMapped.force(0, TRUNCATION_CHECKSUM_OFFSET + 4);
        forceCount++;
    }

    private File[] listSegmentFiles() throws IOException
    {
        final File[] files = directory.listFiles((dir, name) -> parseSegmentIndex(name) > 0);
        if (null == files)
        {
            throw new IOException("cannot list log directory " + directory);
        }
        Arrays.sort(files, (a, b) -> Long.compare(parseSegmentIndex(a.getName()), parseSegmentIndex(b.getName())));

        return files;
    }

    private void recover() throws IOException
    {
        final long pendingTruncation = readTruncation();
        final File[] files = listSegmentFiles();
        for (int i = 0; i < files.length; i++)
        {
            final File file = files[i];
            final long length = file.length();
            if (length != segmentLength)
            {
                if (i == files.length - 1 && !holdsValidFrame(file, length))
                {
                    // a segment whose creation was interrupted: zero-length or partly filled with zeros
                    Files.delete(file.toPath());
                    FileSupport.syncDirectory(directory);
                    continue;
                }

                throw new IOException("log segment " + file + " has length " + length + " but this log is" +
                    " opened with segment length " + segmentLength + ": open it with the segment length it was" +
                    " created with");
            }
            addSegment(new Segment(file, parseSegmentIndex(file.getName()), IoUtil.mapExistingFile(file, "log")));
        }

        if (0 == segmentCount)
        {
            addSegment(createSegment(1));
            FileSupport.syncDirectory(directory);
            return;
        }

        if (1 != segments[0].baseIndex)
        {
            throw new LogCorruptionException(segments[0].file, 0, 1, "the first segment file starts at index " +
                segments[0].baseIndex + ", so the segments before it are missing", directory);
        }

        long expectedIndex = 1;
        long term = 0;
        int i = 0;
        while (true)
        {
            final Segment segment = segments[i];
            int position = 0;
            while (position < segment.capacity &&
                (NO_TRUNCATION == pendingTruncation || expectedIndex <= pendingTruncation))
            {
                final int alignedLength = EntryFrame.validate(segment.buffer, position, segment.capacity);
                if (alignedLength < 0)
                {
                    break;
                }
                final long frameTerm = EntryFrame.term(segment.buffer, position);
                if (frameTerm < term)
                {
                    throw new LogCorruptionException(segment.file, position, expectedIndex, "its term " +
                        frameTerm + " is lower than the term " + term + " of the entry before it", directory);
                }
                segment.addOffset(position);
                position += alignedLength;
                expectedIndex++;
                term = frameTerm;
            }
            segment.position = position;

            final Segment next = i + 1 < segmentCount ? segments[i + 1] : null;
            final boolean nextContinues = null != next &&
                next.baseIndex == expectedIndex &&
                EntryFrame.validate(next.buffer, 0, next.capacity) > 0 &&
                (NO_TRUNCATION == pendingTruncation || expectedIndex <= pendingTruncation);

            if (NO_TRUNCATION == pendingTruncation)
            {
                final int laterOffset = findValidFrame(segment, position + EntryFrame.ALIGNMENT, term);
                if (laterOffset >= 0)
                {
                    throw new LogCorruptionException(segment.file, position, expectedIndex,
                        "the entry there is not whole and valid but a valid entry follows at offset " + laterOffset,
                        directory);
                }
                if (!nextContinues)
                {
                    // when the next segment is named after the entry that cannot be read, that entry went there
                    // because it did not fit in this segment: the damage is the next segment's first frame, not
                    // this segment's (clean) end, so name that file and offset 0 for the operator
                    final boolean damageInNext = null != next && next.baseIndex == expectedIndex;
                    for (int j = i + 1; j < segmentCount; j++)
                    {
                        final Segment later = segments[j];
                        final int offset = findValidFrame(later, 0, term);
                        if (offset >= 0)
                        {
                            throw new LogCorruptionException(damageInNext ? next.file : segment.file,
                                damageInNext ? 0 : position, expectedIndex,
                                "the log stops there but the segment file " + later.file.getName() +
                                " (first index " + later.baseIndex + ") holds a valid entry at offset " + offset,
                                directory);
                        }
                    }
                }
            }

            if (nextContinues)
            {
                i++;
                continue;
            }

            cutAfter(i, position);
            break;
        }

        lastIndex = expectedIndex - 1;
        lastTerm = term;

        if (fsync)
        {
            for (int j = 0; j < segmentCount; j++)
            {
                final Segment segment = segments[j];
                if (segment.position > 0)
                {
                    force(segment, 0, segment.position);
                }
            }
        }

        if (NO_TRUNCATION != pendingTruncation)
        {
            writeTruncation(NO_TRUNCATION);
        }
    }

    /**
     * Make position in segment i the end of the log: delete every later segment file (last first), then zero and
     * force whatever follows position in segment i.
     */
    private void cutAfter(final int i, final int position)
    {
        long cut = 0;
        if (segmentCount > i + 1)
        {
            while (segmentCount > i + 1)
            {
                final Segment later = segments[segmentCount - 1];
                cut += FileSupport.endOfNonZero(later.buffer, 0, later.capacity);
                deleteLastSegment();
            }
            FileSupport.syncDirectory(directory);
        }

        final Segment segment = segments[i];
        final int end = FileSupport.endOfNonZero(segment.buffer, position, segment.capacity);
        if (end > position)
        {
            segment.buffer.setMemory(position, end - position, (byte)0);
            force(segment, position, end - position);
            cut += end - position;
        }

        truncatedTailBytes = cut;
    }

    /**
     * @return the offset of the first position at or after from (in 8-byte steps) holding a valid frame whose term
     *         is at least minTerm, or -1.
     */
    private static int findValidFrame(final Segment segment, final int from, final long minTerm)
    {
        final UnsafeBuffer buffer = segment.buffer;
        final int limit = segment.capacity - EntryFrame.HEADER_LENGTH;
        for (int position = from; position <= limit; position += EntryFrame.ALIGNMENT)
        {
            final int frameLength = buffer.getInt(position + EntryFrame.LENGTH_OFFSET);
            if (frameLength >= EntryFrame.HEADER_LENGTH &&
                EntryFrame.validate(buffer, position, segment.capacity) > 0 &&
                EntryFrame.term(buffer, position) >= minTerm)
            {
                return position;
            }
        }

        return -1;
    }

    private static boolean holdsValidFrame(final File file, final long length) throws IOException
    {
        if (length < EntryFrame.HEADER_LENGTH)
        {
            return false;
        }
        if (length > Integer.MAX_VALUE)
        {
            return true;
        }

        final Segment segment = new Segment(file, 0, IoUtil.mapExistingFile(file, "log segment"));
        try
        {
            return findValidFrame(segment, 0, Long.MIN_VALUE) >= 0;
        }
        finally
        {
            segment.release();
        }
    }

    private void unmapAll()
    {
        for (int i = 0; i < segmentCount; i++)
        {
            segments[i].release();
            segments[i] = null;
        }
        segmentCount = 0;
        if (null != truncationMapped)
        {
            IoUtil.unmap(truncationMapped);
            truncationMapped = null;
            truncationBuffer = null;
        }
    }

    /**
     * One mapped segment file and the offsets of the frames in it.
     */
    static final class Segment
    {
        final File file;
        final long baseIndex;
        final MappedByteBuffer mapped;
        final UnsafeBuffer buffer;
        final FileChannel channel;
        final int capacity;
        int[] offsets = new int[INITIAL_OFFSETS_CAPACITY];
        int count;
        int position;
        int dirtyFrom = Integer.MAX_VALUE;
        int dirtyTo;
        /** Bytes from the start known to be written (allocated), by appends or zeros ahead of them. */
        int zeroedTo;

        Segment(final File file, final long baseIndex, final MappedByteBuffer mapped)
        {
            this.file = file;
            this.baseIndex = baseIndex;
            this.mapped = mapped;
            this.buffer = new UnsafeBuffer(mapped);
            try
            {
                this.channel = FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            catch (final IOException ex)
            {
                IoUtil.unmap(mapped);
                throw new UncheckedIOException("cannot open log segment " + file + ": " + ex, ex);
            }
            this.capacity = mapped.capacity() & ~(EntryFrame.ALIGNMENT - 1);
        }

        void release()
        {
            IoUtil.unmap(mapped);
            CloseHelper.quietClose(channel);
        }

        void addOffset(final int offset)
        {
            if (count == offsets.length)
            {
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            offsets[count++] = offset;
        }

        int frameEnd(final int i)
        {
            return i + 1 < count ? offsets[i + 1] : position;
        }

        void clean()
        {
            dirtyFrom = Integer.MAX_VALUE;
            dirtyTo = 0;
        }
    }
}

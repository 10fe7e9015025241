package io.raftis.log;

import io.raftis.raft.EntryFrame;
import io.raftis.raft.RaftLog;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restart recovery of {@link SegmentedLog} at each crash point that matters.
 * <p>
 * A crash is simulated on the files. The log runs up to a sync, more is written, and the log is closed without a
 * sync. Two images of the segment files are taken through the page cache: the durable one right after the sync
 * (all a power loss is sure to leave) and the cached one at the crash (of which any part may have reached the
 * disk). Each segment file is then rewritten as the disk could hold it after a power loss: the durable image plus
 * some of the later writes, whole or in part, page by page; a segment file created after the sync may be missing,
 * empty or a hole. The crash is recovered by really reopening the files, twice (recovery must be idempotent), and
 * new entries must then append, sync and survive another reopen.
 * <p>
 * What the log must hold after recovery is kept as a model: the term and payload of each entry. From it the test
 * derives where every frame must lie (frames packed from offset 0, a frame that does not fit in the rest of a
 * segment starting the next one), so every segment file on disk is compared byte for byte with the model: the
 * synced entries intact, nothing but zeros after the last entry, no segment file left over or missing.
 */
class SegmentedLogRecoveryTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final int PAGE = 4096;
    /** Entries synced before the crash between append and sync: they end in page 6 of the third segment. */
    private static final long SYNCED = 200;
    /** Entries appended after that sync, lost in the crash: all in the third segment, up to its page 13. */
    private static final long UNSYNCED = 240;
    private static final long NEW_TERM = 100;

    @TempDir
    File dir;

    private final RaftLog.FrameRun run = new RaftLog.FrameRun();
    /** The entries the log must hold, index 1 first. */
    private final List<LogEntry> expected = new ArrayList<>();
    /** Segment files right after the last sync before the crash, by name. */
    private Map<String, byte[]> durable;
    /** Segment files as the page cache held them at the crash, by name. */
    private Map<String, byte[]> cached;

    private record LogEntry(long term, byte[] payload)
    {
    }

    /**
     * What a crash during the roll to a new segment left of the new segment file.
     */
    enum RollCrash
    {
        /** The file never reached the directory. */
        MISSING,
        /** The file reached the directory but its length did not. */
        EMPTY,
        /** The file has its length but no blocks: a hole, read as zeros. */
        SPARSE,
        /** Only the first block of zeros written ahead of the appends reached the disk; the rest is a hole. */
        PARTLY_ALLOCATED,
        /** The file was extended only part way, with zeros. */
        SHORT,
        /** The header and part of the payload of its first entry reached the disk. */
        TORN_FIRST_ENTRY
    }

    /**
     * What reached the disk of the second segment of a run of frames that spanned a roll.
     */
    enum SecondPart
    {
        /** The file itself is missing (the directory was not synced either). */
        MISSING,
        /** The file is there, all zeros. */
        ZEROS,
        /** The file's first page: the entries wholly in it, and the start of one that crosses into page 2. */
        FIRST_PAGE
    }

    /**
     * What reached the disk of the new-term entries appended after a truncation.
     */
    enum NewTermCrash
    {
        /** None of them. */
        NONE,
        /** The header and part of the payload of the first. */
        TORN_FIRST,
        /** The first five, whole. */
        PREFIX,
        /** All those in the truncated segment; the segment file they rolled into holds zeros. */
        FIRST_SEGMENT,
        /** All of them (a process crash: the page cache kept everything). */
        ALL
    }

    /**
     * Payload of entry index: deterministic, of a length that varies so that frames pack unevenly.
     */
    private static byte[] payload(final long index)
    {
        final byte[] bytes = new byte[(int)((index * 37) % 1500) + 1];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(index * 31 + i);
        }
        return bytes;
    }

    /**
     * Payload of a new-term entry at index: bytes no old entry has, and 1000 of them so frames land elsewhere.
     */
    private static byte[] newTermPayload(final long index)
    {
        final byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(index * 13 + i * 7 + 5);
        }
        return bytes;
    }

    private static long termOf(final long index)
    {
        return 1 + index / 100;
    }

    private static String segmentName(final long baseIndex)
    {
        return String.format("log-%020d.seg", baseIndex);
    }

    private static long baseIndexOf(final String name)
    {
        return Long.parseLong(name.substring(4, 24));
    }

    /**
     * @return the index of the first entry with {@link #payload} that does not fit in the first segment.
     */
    private static long firstIndexOfSecondSegment()
    {
        long index = 1;
        int end = 0;
        while (end + EntryFrame.alignedLength(payload(index).length) <= SEGMENT_LENGTH)
        {
            end += EntryFrame.alignedLength(payload(index).length);
            index++;
        }
        return index;
    }

    private SegmentedLog open() throws IOException
    {
        return new SegmentedLog(dir, SEGMENT_LENGTH);
    }

    private long lastExpectedTerm()
    {
        return expected.isEmpty() ? 0 : expected.get(expected.size() - 1).term();
    }

    private void append(final SegmentedLog log, final long term, final byte[] payload)
    {
        final long index = log.append(term, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(payload), 0, payload.length);
        expected.add(new LogEntry(term, payload));
        assertEquals(expected.size(), index);
    }

    /**
     * Append entries from..to with {@link #payload} and {@link #termOf}, or the last term when that is higher.
     */
    private void appendEntries(final SegmentedLog log, final long from, final long to)
    {
        assertEquals(expected.size() + 1, from);
        for (long i = from; i <= to; i++)
        {
            append(log, Math.max(termOf(i), lastExpectedTerm()), payload(i));
        }
    }

    /**
     * Append entries from..to as one run of frames with {@link SegmentedLog#appendFrames}, as a follower does.
     */
    private void appendRun(final SegmentedLog log, final long from, final long to)
    {
        assertEquals(expected.size() + 1, from);
        final ExpandableArrayBuffer frames = new ExpandableArrayBuffer();
        int length = 0;
        for (long i = from; i <= to; i++)
        {
            final byte[] bytes = payload(i);
            final long term = Math.max(termOf(i), lastExpectedTerm());
            length += EntryFrame.write(frames, length, term, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0,
                bytes.length);
            expected.add(new LogEntry(term, bytes));
        }
        log.appendFrames(frames, 0, length, (int)(to - from + 1));
        assertEquals(to, log.lastIndex());
    }

    /**
     * The crash lost every entry after index: recovery must end the log there.
     */
    private void expectLastIndex(final long index)
    {
        expected.subList((int)index, expected.size()).clear();
    }

    /**
     * Run a log up to a crash: beforeSync, a sync, afterSync, then close without a sync. Fills {@link #durable}
     * right after the sync and {@link #cached} at the crash.
     */
    private void runUntilCrash(final Consumer<SegmentedLog> beforeSync, final Consumer<SegmentedLog> afterSync)
        throws IOException
    {
        try (SegmentedLog log = open())
        {
            beforeSync.accept(log);
            log.sync();
            durable = snapshot();
            afterSync.accept(log);
        }
        cached = snapshot();
    }

    /**
     * @return the segment files as the page cache holds them, by name.
     */
    private Map<String, byte[]> snapshot() throws IOException
    {
        final Map<String, byte[]> files = new TreeMap<>();
        for (final File file : dir.listFiles((d, name) -> name.startsWith("log-") && name.endsWith(".seg")))
        {
            files.put(file.getName(), Files.readAllBytes(file.toPath()));
        }
        return files;
    }

    /**
     * Make the segment files exactly image, as the disk holds them after the crash: rewrite each, delete the others.
     */
    private void restore(final Map<String, byte[]> image) throws IOException
    {
        for (final String name : snapshot().keySet())
        {
            if (!image.containsKey(name))
            {
                Files.delete(new File(dir, name).toPath());
            }
        }
        for (final String name : image.keySet())
        {
            Files.write(new File(dir, name).toPath(), image.get(name));
        }
    }

    /**
     * @return a copy of base with bytes [from, to) of segment file name as the page cache held them at the crash:
     *         that part of the writes after the sync reached the disk.
     */
    private byte[] withWritten(final byte[] base, final String name, final int from, final int to)
    {
        final byte[] image = base.clone();
        System.arraycopy(cached.get(name), from, image, from, to - from);
        return image;
    }

    private void flipBits(final String name, final int offset, final int mask) throws IOException
    {
        final File file = new File(dir, name);
        final byte[] bytes = Files.readAllBytes(file.toPath());
        bytes[offset] ^= (byte)mask;
        Files.write(file.toPath(), bytes);
    }

    private static void makeSparse(final File file, final int allocated) throws IOException
    {
        Files.deleteIfExists(file.toPath());
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.write(new byte[allocated]);
            raf.setLength(SEGMENT_LENGTH);
        }
    }

    /**
     * @return the bytes from from to the end of the last non-zero 8-byte word of bytes, or 0 when all are zero.
     */
    private static int nonZeroExtent(final byte[] bytes, final int from)
    {
        for (int i = (bytes.length & ~7) - 8; i >= from; i -= 8)
        {
            for (int j = i; j < i + 8; j++)
            {
                if (0 != bytes[j])
                {
                    return i + 8 - from;
                }
            }
        }
        return 0;
    }

    /**
     * @return the bytes recovery must cut from image to leave the model: whatever is not zero after the model's
     *         last entry, in its segment file and in any later one.
     */
    private long garbageAfterModel(final Map<String, byte[]> image)
    {
        final Layout layout = new Layout();
        final long lastBase = layout.bases.get(layout.bases.size() - 1);
        long garbage = 0;
        for (final String name : image.keySet())
        {
            final long base = baseIndexOf(name);
            if (base >= lastBase)
            {
                garbage += nonZeroExtent(image.get(name), base == lastBase ? layout.end : 0);
            }
        }
        return garbage;
    }

    /**
     * Where the model's entries must lie, by the log's packing rule: frames packed from offset 0 of a segment, a
     * frame that does not fit in the rest of a segment starting the next one, named after its first index.
     */
    private final class Layout
    {
        final List<Long> bases = new ArrayList<>();
        final long[] baseOf = new long[expected.size() + 1];
        final int[] offsetOf = new int[expected.size() + 1];
        int end;

        Layout()
        {
            bases.add(1L);
            for (int i = 1; i <= expected.size(); i++)
            {
                final int length = EntryFrame.alignedLength(expected.get(i - 1).payload().length);
                if (length > SEGMENT_LENGTH - end)
                {
                    bases.add((long)i);
                    end = 0;
                }
                baseOf[i] = bases.get(bases.size() - 1);
                offsetOf[i] = end;
                end += length;
            }
        }

        String fileOf(final long index)
        {
            return segmentName(baseOf[(int)index]);
        }

        int offsetOf(final long index)
        {
            return offsetOf[(int)index];
        }

        int endOf(final long index)
        {
            return offsetOf[(int)index] + EntryFrame.alignedLength(expected.get((int)index - 1).payload().length);
        }

        /**
         * @return the bytes each segment file must hold, by name.
         */
        Map<String, byte[]> images()
        {
            final Map<String, byte[]> images = new TreeMap<>();
            for (final long base : bases)
            {
                images.put(segmentName(base), new byte[SEGMENT_LENGTH]);
            }
            for (int i = 1; i <= expected.size(); i++)
            {
                final LogEntry entry = expected.get(i - 1);
                EntryFrame.write(new UnsafeBuffer(images.get(fileOf(i))), offsetOf[i], entry.term(),
                    EntryFrame.TYPE_COMMAND, new UnsafeBuffer(entry.payload()), 0, entry.payload().length);
            }
            return images;
        }
    }

    /**
     * The open log holds exactly the model: every entry byte for byte through the log's reads, nothing after it.
     */
    private void assertHolds(final SegmentedLog log)
    {
        final long last = expected.size();
        assertEquals(last, log.lastIndex(), "last index");
        assertEquals(lastExpectedTerm(), log.lastTerm(), "last term");
        assertEquals(new Layout().bases.size(), log.segmentCount(), "segments");
        for (long i = 1; i <= last; i++)
        {
            final LogEntry entry = expected.get((int)i - 1);
            assertEquals(entry.term(), log.termAt(i), "term of entry " + i);
            assertTrue(log.read(i, 0, run));
            assertEquals(1, run.count);
            assertEquals(EntryFrame.HEADER_LENGTH + entry.payload().length,
                EntryFrame.frameLength(run.buffer, run.offset));
            assertEquals(EntryFrame.alignedLength(entry.payload().length), run.length);
            assertEquals(entry.term(), EntryFrame.term(run.buffer, run.offset));
            assertEquals(EntryFrame.TYPE_COMMAND, EntryFrame.type(run.buffer, run.offset));
            final byte[] actual = new byte[entry.payload().length];
            run.buffer.getBytes(run.offset + EntryFrame.HEADER_LENGTH, actual);
            assertArrayEquals(entry.payload(), actual, "payload of entry " + i);
        }
        if (last > 0)
        {
            assertTrue(log.read(last, Integer.MAX_VALUE, run));
            assertEquals(1, run.count, "a run from the last entry holds only it");
        }
        assertEquals(-1, log.termAt(last + 1));
        assertFalse(log.read(last + 1, Integer.MAX_VALUE, run));
    }

    /**
     * Every segment file on disk is what the model says: the right files, the frames byte for byte, zeros after.
     */
    private void assertFilesHoldExactlyTheModel() throws IOException
    {
        final Map<String, byte[]> images = new Layout().images();
        final Map<String, byte[]> files = snapshot();
        assertEquals(images.keySet(), files.keySet(), "segment files");
        for (final String name : images.keySet())
        {
            final int mismatch = Arrays.mismatch(images.get(name), files.get(name));
            assertEquals(-1, mismatch, name + " differs from the expected entries at offset " + mismatch);
        }
    }

    /**
     * Reopen the crashed log twice. The first open must cut exactly cutBytes and leave the model; the second must
     * find the same log and cut nothing (recovery is idempotent). After each, the files must hold the model.
     */
    private void assertRecovers(final long cutBytes) throws IOException
    {
        for (int open = 1; open <= 2; open++)
        {
            try (SegmentedLog log = open())
            {
                assertHolds(log);
                assertEquals(1 == open ? cutBytes : 0, log.truncatedTailBytes(), "bytes cut by open " + open);
            }
            assertFilesHoldExactlyTheModel();
        }
    }

    /**
     * After recovery new entries append (enough to roll into a new segment), sync and survive reopening.
     */
    private void assertAppendsContinue() throws IOException
    {
        final long last = expected.size();
        final int segments = new Layout().bases.size();
        try (SegmentedLog log = open())
        {
            appendEntries(log, last + 1, last + 100);
            log.sync();
            assertHolds(log);
        }
        assertTrue(new Layout().bases.size() > segments, "the appends rolled into a new segment");
        assertRecovers(0);
    }

    /**
     * Opening must refuse the log as corrupt, naming the file, offset and index where the first bad entry is, and
     * change nothing on disk, so that a second open refuses it the same way.
     */
    private void assertRefused(final String file, final long offset, final long index) throws IOException
    {
        final Map<String, byte[]> before = snapshot();
        for (int open = 1; open <= 2; open++)
        {
            final LogCorruptionException ex = assertThrows(LogCorruptionException.class, this::open);
            assertEquals(new File(dir, file), ex.file(), ex.getMessage());
            assertEquals(offset, ex.offset(), ex.getMessage());
            assertEquals(index, ex.index(), ex.getMessage());
            assertTrue(ex.getMessage().contains(new File(dir, file).toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("entry " + index), ex.getMessage());

            final Map<String, byte[]> after = snapshot();
            assertEquals(before.keySet(), after.keySet(), "no segment file deleted or created");
            for (final String name : before.keySet())
            {
                assertArrayEquals(before.get(name), after.get(name), name + " unchanged");
            }
        }
    }

    /**
     * Crash between append and sync: none, some or all of the entries appended since the sync reached the disk,
     * whole (0 is a power loss that kept none of them, zero bytes on disk; 40 is all of them, as after a process
     * crash). Recovery keeps exactly the synced entries and the whole unsynced ones.
     */
    @ParameterizedTest(name = "{0} of 40 unsynced entries on disk")
    @ValueSource(ints = { 0, 1, 17, 40 })
    void shouldKeepTheSyncedEntriesAndTheWholeUnsyncedOnesOnDisk(final int persisted) throws IOException
    {
        runUntilCrash((log) -> appendEntries(log, 1, SYNCED), (log) -> appendEntries(log, SYNCED + 1, UNSYNCED));
        final Layout written = new Layout();
        final String file = written.fileOf(SYNCED);
        assertEquals(file, written.fileOf(UNSYNCED), "the unsynced entries extend the synced segment");
        assertEquals(durable.keySet(), cached.keySet());

        final Map<String, byte[]> image = new TreeMap<>(durable);
        image.put(file, withWritten(durable.get(file), file, written.endOf(SYNCED), written.endOf(SYNCED + persisted)));
        restore(image);

        expectLastIndex(SYNCED + persisted);
        assertRecovers(0);
        assertAppendsContinue();
    }

    /**
     * Crash between append and sync that left ten unsynced entries whole and the next one torn: its header reached
     * the disk but only the first bodyBytes of its payload (-1: all but the last byte) did.
     */
    @ParameterizedTest(name = "{0} payload bytes of the torn entry on disk")
    @ValueSource(ints = { 0, 1, 100, -1 })
    void shouldCutAnUnsyncedEntryWhoseHeaderReachedTheDiskButNotItsWholePayload(final int bodyBytes)
        throws IOException
    {
        runUntilCrash((log) -> appendEntries(log, 1, SYNCED), (log) -> appendEntries(log, SYNCED + 1, UNSYNCED));
        final Layout written = new Layout();
        final long torn = SYNCED + 11;
        final String file = written.fileOf(SYNCED);
        final int tornLength = -1 == bodyBytes ? payload(torn).length - 1 : bodyBytes;
        assertTrue(tornLength < payload(torn).length);

        final Map<String, byte[]> image = new TreeMap<>(durable);
        image.put(file, withWritten(durable.get(file), file, written.endOf(SYNCED),
            written.offsetOf(torn) + EntryFrame.HEADER_LENGTH + tornLength));
        assertEquals(-1, EntryFrame.validate(new UnsafeBuffer(image.get(file)), written.offsetOf(torn),
            SEGMENT_LENGTH), "the entry is torn");
        restore(image);

        expectLastIndex(torn - 1);
        final long garbage = garbageAfterModel(image);
        assertTrue(garbage >= EntryFrame.HEADER_LENGTH, "the torn header is cut: " + garbage);
        assertRecovers(garbage);
        assertAppendsContinue();
    }

    /**
     * Crash between append and sync after which every page of the unsynced range reached the disk but one, which
     * holds zeros (or, for the page holding the end of the synced entries, only them). The last unsynced entry is
     * 12 KiB and spans the pages after its header, so the pages after the lost one hold only its payload: a torn
     * tail, cut after the last entry that ends before the lost page.
     */
    @ParameterizedTest(name = "page {0} of the unsynced range lost")
    @ValueSource(ints = { 0, 1, 2, 3 })
    void shouldCutAnUnsyncedEntryOfWhichAPageNeverReachedTheDisk(final int lostPage) throws IOException
    {
        final byte[] large = new byte[3 * PAGE];
        for (int i = 0; i < large.length; i++)
        {
            large[i] = (byte)(i % 251 + 1);
        }
        final long largeIndex = SYNCED + 6;
        runUntilCrash((log) -> appendEntries(log, 1, SYNCED), (log) ->
        {
            appendEntries(log, SYNCED + 1, largeIndex - 1);
            append(log, lastExpectedTerm(), large);
        });
        final Layout written = new Layout();
        final String file = written.fileOf(SYNCED);
        assertEquals(file, written.fileOf(largeIndex));
        final int firstPage = written.endOf(SYNCED) / PAGE;
        assertTrue((written.endOf(largeIndex) - 1) / PAGE >= firstPage + 3, "the unsynced range spans 4 pages");
        final int lost = (firstPage + lostPage) * PAGE;

        final Map<String, byte[]> image = new TreeMap<>(durable);
        final byte[] before = withWritten(durable.get(file), file, written.endOf(SYNCED), Math.max(lost,
            written.endOf(SYNCED)));
        image.put(file, withWritten(before, file, Math.min(lost + PAGE, written.endOf(largeIndex)),
            written.endOf(largeIndex)));
        restore(image);

        long kept = SYNCED;
        while (kept < largeIndex && written.endOf(kept + 1) <= lost)
        {
            kept++;
        }
        assertTrue(kept < largeIndex);
        expectLastIndex(kept);
        assertRecovers(garbageAfterModel(image));
        assertAppendsContinue();
    }

    /**
     * The known limit of recovery (see {@link SegmentedLog}): if a lost page of an unsynced tail is followed by
     * pages holding whole entries, recovery cannot tell it from damage in the middle of the log. It refuses to
     * open, naming the first entry it cannot read, rather than drop entries that might have been acknowledged.
     */
    @Test
    void shouldRefuseRatherThanGuessWhenWholeUnsyncedEntriesFollowALostPage() throws IOException
    {
        runUntilCrash((log) -> appendEntries(log, 1, SYNCED), (log) -> appendEntries(log, SYNCED + 1, UNSYNCED));
        final Layout written = new Layout();
        final String file = written.fileOf(SYNCED);
        final int lost = (written.endOf(SYNCED) / PAGE + 3) * PAGE;
        assertTrue(written.endOf(UNSYNCED) > lost + 2 * PAGE, "whole entries after the lost page");

        final Map<String, byte[]> image = new TreeMap<>(durable);
        final byte[] before = withWritten(durable.get(file), file, written.endOf(SYNCED), lost);
        image.put(file, withWritten(before, file, lost + PAGE, written.endOf(UNSYNCED)));
        restore(image);

        long broken = SYNCED + 1;
        while (written.endOf(broken) <= lost)
        {
            broken++;
        }
        assertRefused(file, written.offsetOf(broken), broken);
    }

    /**
     * Crash during a roll: the first segment is full and synced, the entry that did not fit was appended to a new
     * segment file, and of that file the disk holds only what the variant says. The log ends with the first
     * segment, which is the only segment file left, and the next append rolls again to the same file name.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(RollCrash.class)
    void shouldRecoverACrashDuringASegmentRoll(final RollCrash crash) throws IOException
    {
        final long rolled = firstIndexOfSecondSegment();
        runUntilCrash((log) -> appendEntries(log, 1, rolled - 1), (log) -> appendEntries(log, rolled, rolled));
        final String next = segmentName(rolled);
        assertFalse(durable.containsKey(next));
        assertTrue(cached.containsKey(next), "the last append rolled");

        final Map<String, byte[]> image = new TreeMap<>(durable);
        switch (crash)
        {
            case EMPTY:
                image.put(next, new byte[0]);
                break;
            case SPARSE:
            case PARTLY_ALLOCATED:
                image.put(next, new byte[SEGMENT_LENGTH]);
                break;
            case SHORT:
                image.put(next, new byte[2 * PAGE]);
                break;
            case TORN_FIRST_ENTRY:
                image.put(next, withWritten(new byte[SEGMENT_LENGTH], next, 0, EntryFrame.HEADER_LENGTH + 16));
                break;
            default:
                break;
        }
        restore(image);
        if (RollCrash.SPARSE == crash || RollCrash.PARTLY_ALLOCATED == crash)
        {
            makeSparse(new File(dir, next), RollCrash.SPARSE == crash ? 0 : PAGE);
        }

        expectLastIndex(rolled - 1);
        final long garbage = garbageAfterModel(image);
        assertEquals(RollCrash.TORN_FIRST_ENTRY == crash, garbage > 0);
        assertRecovers(garbage);
        assertAppendsContinue();
    }

    /**
     * A run of frames appended with appendFrames spanned a roll. The sync forced the directory and the first
     * segment, and the crash came before it forced the second: of that one only what the variant says reached the
     * disk. The log keeps the run's first part and the whole entries of the second segment's first page.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SecondPart.class)
    void shouldRecoverARunThatSpannedARollWhenOnlyItsFirstSegmentReachedTheDisk(final SecondPart part)
        throws IOException
    {
        final long rolled = firstIndexOfSecondSegment();
        final long from = rolled - 10;
        final long to = rolled + 30;
        runUntilCrash((log) -> appendEntries(log, 1, from - 1), (log) -> appendRun(log, from, to));
        final Layout written = new Layout();
        final String first = segmentName(1);
        final String second = segmentName(rolled);
        assertEquals(first, written.fileOf(rolled - 1));
        assertEquals(second, written.fileOf(to));

        final Map<String, byte[]> image = new TreeMap<>(durable);
        image.put(first, cached.get(first));
        if (SecondPart.ZEROS == part)
        {
            image.put(second, new byte[SEGMENT_LENGTH]);
        }
        else if (SecondPart.FIRST_PAGE == part)
        {
            image.put(second, withWritten(new byte[SEGMENT_LENGTH], second, 0, PAGE));
        }
        restore(image);

        long kept = rolled - 1;
        while (SecondPart.FIRST_PAGE == part && written.endOf(kept + 1) <= PAGE)
        {
            kept++;
        }
        assertTrue(SecondPart.FIRST_PAGE != part || kept > rolled, "whole entries in the first page");
        expectLastIndex(kept);
        final long garbage = garbageAfterModel(image);
        assertEquals(SecondPart.FIRST_PAGE == part, garbage > 0, "the entry crossing into page 2 is torn");
        assertRecovers(garbage);
        assertAppendsContinue();
    }

    /**
     * A bad checksum in the final frame of the last segment is a torn tail: that entry is cut, the earlier ones
     * stay.
     */
    @Test
    void shouldCutALastEntryWithABadChecksum() throws IOException
    {
        try (SegmentedLog log = open())
        {
            appendEntries(log, 1, UNSYNCED);
            log.sync();
        }
        final Layout written = new Layout();
        assertNotEquals(0, written.offsetOf(UNSYNCED), "not the first entry of its segment");
        flipBits(written.fileOf(UNSYNCED), written.offsetOf(UNSYNCED) + EntryFrame.CHECKSUM_OFFSET + 1, 0x40);
        final Map<String, byte[]> image = snapshot();

        expectLastIndex(UNSYNCED - 1);
        assertEquals(EntryFrame.alignedLength(payload(UNSYNCED).length), garbageAfterModel(image));
        assertRecovers(garbageAfterModel(image));
        assertAppendsContinue();
    }

    /**
     * A corrupt final frame that is the first frame of a freshly rolled segment is a torn tail too: it is cut with
     * its segment file, and the next append rolls to that file name again.
     */
    @Test
    void shouldCutACorruptLastEntryThatIsTheFirstOfAFreshlyRolledSegment() throws IOException
    {
        final long rolled = firstIndexOfSecondSegment();
        try (SegmentedLog log = open())
        {
            appendEntries(log, 1, rolled);
            log.sync();
            assertEquals(2, log.segmentCount());
        }
        flipBits(segmentName(rolled), EntryFrame.HEADER_LENGTH + 7, 0x01);
        final Map<String, byte[]> image = snapshot();

        expectLastIndex(rolled - 1);
        assertEquals(EntryFrame.alignedLength(payload(rolled).length), garbageAfterModel(image));
        assertRecovers(garbageAfterModel(image));
        assertAppendsContinue();
    }

    /**
     * Contrast with {@link #shouldCutALastEntryWithABadChecksum}: a bad checksum followed by a valid entry is not a
     * torn tail, and the log is refused rather than the valid entry silently dropped.
     */
    @Test
    void shouldRefuseABadChecksumFollowedByAValidEntry() throws IOException
    {
        try (SegmentedLog log = open())
        {
            appendEntries(log, 1, UNSYNCED);
            log.sync();
        }
        final Layout written = new Layout();
        final long bad = UNSYNCED - 1;
        flipBits(written.fileOf(bad), written.offsetOf(bad) + EntryFrame.CHECKSUM_OFFSET + 1, 0x40);

        assertRefused(written.fileOf(bad), written.offsetOf(bad), bad);
    }

    /**
     * Contrast with {@link #shouldCutACorruptLastEntryThatIsTheFirstOfAFreshlyRolledSegment}: when a valid entry
     * follows the corrupt first frame of a segment, the log is refused, naming that segment file and offset 0.
     */
    @Test
    void shouldRefuseACorruptFirstEntryOfASegmentFollowedByAValidEntry() throws IOException
    {
        final long rolled = firstIndexOfSecondSegment();
        try (SegmentedLog log = open())
        {
            appendEntries(log, 1, rolled + 1);
            log.sync();
        }
        flipBits(segmentName(rolled), EntryFrame.HEADER_LENGTH + 7, 0x01);

        assertRefused(segmentName(rolled), 0, rolled);
    }

    /**
     * Crash after a durable truncateAfter (that also removed two later segment files) and the append of new-term
     * entries, before they were synced; of those entries the disk holds only what the variant says. No truncated
     * entry may come back: every index after the truncation point holds a new-term entry or nothing, which the
     * byte-for-byte comparison of the files with the model checks too.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(NewTermCrash.class)
    void shouldNotResurrectTruncatedEntriesAfterACrashBeforeTheNewTermWasSynced(final NewTermCrash crash)
        throws IOException
    {
        final long old = 300;
        final long truncatedAfter = 150;
        final long newLast = truncatedAfter + 60;
        final List<String> oldFiles = new ArrayList<>();
        runUntilCrash((log) ->
        {
            appendEntries(log, 1, old);
            log.sync();
            oldFiles.addAll(new Layout().images().keySet());
            log.truncateAfter(truncatedAfter);
            expectLastIndex(truncatedAfter);
        }, (log) ->
        {
            for (long i = truncatedAfter + 1; i <= newLast; i++)
            {
                append(log, NEW_TERM, newTermPayload(i));
            }
        });
        final Layout written = new Layout();
        final String file = written.fileOf(truncatedAfter);
        final String rolledTo = written.fileOf(newLast);
        assertEquals(4, oldFiles.size());
        assertEquals(2, durable.size(), "the truncation removed the later segment files");
        assertNotEquals(file, rolledTo, "the new-term entries rolled into a new segment");
        assertFalse(oldFiles.contains(rolledTo), "under a name no old segment had");

        final int from = written.endOf(truncatedAfter);
        final Map<String, byte[]> image = new TreeMap<>(durable);
        long kept = truncatedAfter;
        switch (crash)
        {
            case TORN_FIRST:
                image.put(file, withWritten(durable.get(file), file, from, from + EntryFrame.HEADER_LENGTH + 100));
                break;
            case PREFIX:
                kept = truncatedAfter + 5;
                image.put(file, withWritten(durable.get(file), file, from, written.endOf(kept)));
                break;
            case FIRST_SEGMENT:
                kept = baseIndexOf(rolledTo) - 1;
                image.put(file, cached.get(file));
                image.put(rolledTo, new byte[SEGMENT_LENGTH]);
                break;
            case ALL:
                kept = newLast;
                image.putAll(cached);
                break;
            default:
                break;
        }
        restore(image);

        expectLastIndex(kept);
        assertEquals(NewTermCrash.TORN_FIRST == crash, garbageAfterModel(image) > 0);
        assertRecovers(garbageAfterModel(image));
        try (SegmentedLog log = open())
        {
            for (long i = truncatedAfter + 1; i <= old; i++)
            {
                assertEquals(i <= kept ? NEW_TERM : -1, log.termAt(i), "entry " + i);
            }
        }
        assertAppendsContinue();
    }
}

package io.raftis.log;

import io.raftis.raft.EntryFrame;
import io.raftis.raft.RaftLog;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import io.raftis.raft.AppendRefusedException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SegmentedLogTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024;

    @TempDir
    File dir;

    private final RaftLog.FrameRun run = new RaftLog.FrameRun();

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

    private static long termOf(final long index)
    {
        return 1 + index / 100;
    }

    private static void appendEntries(final SegmentedLog log, final long from, final long to)
    {
        for (long i = from; i <= to; i++)
        {
            final byte[] bytes = payload(i);
            assertEquals(i, log.append(termOf(i), EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0, bytes.length));
        }
    }

    private void assertEntry(final SegmentedLog log, final long index, final long term, final byte[] expected)
    {
        assertEquals(term, log.termAt(index));
        assertTrue(log.read(index, 0, run));
        assertEquals(1, run.count);
        final int frameLength = EntryFrame.frameLength(run.buffer, run.offset);
        assertEquals(EntryFrame.HEADER_LENGTH + expected.length, frameLength);
        assertEquals(EntryFrame.alignedLength(expected.length), run.length);
        assertEquals(term, EntryFrame.term(run.buffer, run.offset));
        assertEquals(EntryFrame.TYPE_COMMAND, EntryFrame.type(run.buffer, run.offset));
        final byte[] actual = new byte[expected.length];
        run.buffer.getBytes(run.offset + EntryFrame.HEADER_LENGTH, actual);
        assertArrayEquals(expected, actual, "payload of entry " + index);
    }

    private void assertEntries(final SegmentedLog log, final long from, final long to)
    {
        for (long i = from; i <= to; i++)
        {
            assertEntry(log, i, termOf(i), payload(i));
        }
    }

    private File segmentFile(final long baseIndex)
    {
        return new File(dir, String.format("log-%020d.seg", baseIndex));
    }

    private File[] segmentFiles()
    {
        final File[] files = dir.listFiles((d, name) -> name.endsWith(".seg"));
        Arrays.sort(files);
        return files;
    }

    /**
     * Where entry index lives on disk: the file and the offset, found through the log's own reads.
     */
    private long[] locate(final SegmentedLog log, final long index)
    {
        final File[] files = segmentFiles();
        long base = 1;
        for (int i = files.length - 1; i >= 0; i--)
        {
            base = Long.parseLong(files[i].getName().substring(4, 24));
            if (base <= index)
            {
                break;
            }
        }
        assertTrue(log.read(base, 0, run));
        final long segmentStart = run.buffer.addressOffset() + run.offset;
        assertTrue(log.read(index, 0, run));
        return new long[]{ base, run.buffer.addressOffset() + run.offset - segmentStart };
    }

    private static void modifyFile(final File file, final java.util.function.Consumer<UnsafeBuffer> change)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "test");
        try
        {
            change.accept(new UnsafeBuffer(mapped));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    @Test
    void shouldStartEmpty() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(0, log.lastIndex());
            assertEquals(0, log.lastTerm());
            assertEquals(0, log.termAt(0));
            assertEquals(-1, log.termAt(1));
            assertEquals(-1, log.termAt(-1));
            assertFalse(log.read(1, 1000, run));
            assertEquals(1, log.segmentCount());
            assertTrue(segmentFile(1).exists());
            assertEquals(SEGMENT_LENGTH, segmentFile(1).length());
        }
    }

    @Test
    void shouldRejectBadSegmentLengths()
    {
        assertThrows(IllegalArgumentException.class, () -> new SegmentedLog(dir, 4096 + 8));
        assertThrows(IllegalArgumentException.class, () -> new SegmentedLog(dir, 0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentedLog(dir, 2048));
    }

    @Test
    void shouldAppendReadAndLookUpTermsAcrossSegmentRolls() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 1000);
            assertEquals(1000, log.lastIndex());
            assertEquals(termOf(1000), log.lastTerm());
            assertTrue(log.segmentCount() > 5, "segments: " + log.segmentCount());
            assertEquals(log.segmentCount(), segmentFiles().length);
            assertEntries(log, 1, 1000);
            assertEquals(-1, log.termAt(1001));
            assertFalse(log.read(1001, 1000, run));
            assertFalse(log.read(0, 1000, run));
        }
    }

    @Test
    void shouldFindEverythingAfterReopen() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 700);
            log.sync();
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(700, log.lastIndex());
            assertEquals(termOf(700), log.lastTerm());
            assertEquals(0, log.truncatedTailBytes());
            assertEntries(log, 1, 700);
            appendEntries(log, 701, 900);
            assertEntries(log, 1, 900);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(900, log.lastIndex());
            assertEntries(log, 1, 900);
        }
    }

    @Test
    void shouldReadRunsBoundedByMaxBytesAndBySegment() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 400);
            long index = 1;
            while (index <= 400)
            {
                assertTrue(log.read(index, 4000, run));
                assertTrue(run.count >= 1);
                final int firstLength = EntryFrame.alignedLength(payload(index).length);
                assertTrue(run.length <= 4000 || (run.count == 1 && run.length == firstLength));
                int offset = run.offset;
                for (int i = 0; i < run.count; i++)
                {
                    assertEquals(termOf(index + i), EntryFrame.term(run.buffer, offset));
                    assertTrue(EntryFrame.validate(run.buffer, offset, offset + run.length) > 0);
                    offset += EntryFrame.alignedLength(payload(index + i).length);
                }
                assertEquals(run.offset + run.length, offset);
                if (index + run.count <= 400 && run.count > 1)
                {
                    final int next = EntryFrame.alignedLength(payload(index + run.count).length);
                    final boolean sameSegment = log.read(index + run.count, 0, new RaftLog.FrameRun()) &&
                        run.offset + run.length == offsetOf(log, index + run.count) &&
                        run.buffer.addressOffset() == bufferOf(log, index + run.count);
                    assertTrue(!sameSegment || run.length + next > 4000, "run should have taken the next frame");
                }
                index += run.count;
            }

            assertTrue(log.read(1, Integer.MAX_VALUE, run));
            assertTrue(run.count < 400, "a run never crosses a segment");
            assertTrue(run.length <= SEGMENT_LENGTH);
        }
    }

    private static int offsetOf(final SegmentedLog log, final long index)
    {
        final RaftLog.FrameRun r = new RaftLog.FrameRun();
        log.read(index, 0, r);
        return r.offset;
    }

    private static long bufferOf(final SegmentedLog log, final long index)
    {
        final RaftLog.FrameRun r = new RaftLog.FrameRun();
        log.read(index, 0, r);
        return r.buffer.addressOffset();
    }

    @Test
    void shouldReturnASingleFrameLargerThanMaxBytes() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 10);
            assertTrue(log.read(3, 1, run));
            assertEquals(1, run.count);
            assertEquals(EntryFrame.alignedLength(payload(3).length), run.length);
        }
    }

    @Test
    void shouldRejectEntriesLargerThanASegmentNamingTheLimit() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(SEGMENT_LENGTH - EntryFrame.HEADER_LENGTH, log.maxPayloadLength());
            final UnsafeBuffer big = new UnsafeBuffer(new byte[log.maxPayloadLength() + 1]);
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> log.append(1, EntryFrame.TYPE_COMMAND, big, 0, big.capacity()));
            assertTrue(ex.getMessage().contains(Integer.toString(log.maxPayloadLength())), ex.getMessage());
            assertEquals(0, log.lastIndex());

            appendEntries(log, 1, 3);
            assertEquals(4, log.append(1, EntryFrame.TYPE_COMMAND, big, 0, log.maxPayloadLength()));
            assertEquals(2, log.segmentCount());
            assertTrue(log.read(4, 0, run));
            assertEquals(SEGMENT_LENGTH, run.length);
            appendEntries(log, 5, 6);
            assertEquals(3, log.segmentCount());
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(6, log.lastIndex());
            assertTrue(log.read(4, 0, run));
            assertEquals(SEGMENT_LENGTH, EntryFrame.frameLength(run.buffer, run.offset));
            assertEntries(log, 5, 6);
        }
    }

    @Test
    void shouldRejectATermLowerThanTheLastTerm() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
            log.append(5, EntryFrame.TYPE_NOOP, empty, 0, 0);
            assertThrows(IllegalArgumentException.class, () -> log.append(4, EntryFrame.TYPE_NOOP, empty, 0, 0));
            assertEquals(1, log.lastIndex());
            assertEquals(5, log.lastTerm());
        }
    }

    @Test
    void shouldCutATornTailWhenTheLastPayloadIsCorrupt() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 300);
            log.sync();
            where = locate(log, 300);
        }
        modifyFile(segmentFile(where[0]), (buffer) ->
        {
            final int offset = (int)where[1] + EntryFrame.HEADER_LENGTH + 3;
            buffer.putByte(offset, (byte)(buffer.getByte(offset) ^ 0x10));
        });

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(299, log.lastIndex());
            assertEquals(termOf(299), log.lastTerm());
            assertEquals(EntryFrame.alignedLength(payload(300).length), log.truncatedTailBytes());
            assertEntries(log, 1, 299);
            appendEntries(log, 300, 310);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(310, log.lastIndex());
            assertEquals(0, log.truncatedTailBytes());
            assertEntries(log, 1, 310);
        }
    }

    @Test
    void shouldCutATornTailWithAHalfWrittenLength() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 50);
            where = locate(log, 50);
        }
        modifyFile(segmentFile(where[0]), (buffer) ->
        {
            final int offset = (int)where[1];
            final int length = buffer.getInt(offset);
            buffer.putInt(offset, length | 0x7FFF0000);
        });

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(49, log.lastIndex());
            assertTrue(log.truncatedTailBytes() > 0);
            assertEntries(log, 1, 49);
        }
    }

    @Test
    void shouldCutATornWriteWhoseLengthIsWrittenButBodyIsZero() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 120);
            where = locate(log, 120);
        }
        final int tornOffset = (int)where[1] + EntryFrame.alignedLength(payload(120).length);
        modifyFile(segmentFile(where[0]), (buffer) ->
            buffer.putInt(tornOffset, EntryFrame.HEADER_LENGTH + 200));

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(120, log.lastIndex());
            assertEquals(8, log.truncatedTailBytes());
            assertEntries(log, 1, 120);
        }
        modifyFile(segmentFile(where[0]), (buffer) -> assertEquals(0, buffer.getInt(tornOffset)));
    }

    @Test
    void shouldRefuseToOpenWithAFlippedBitInAMiddleEntry() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 300);
            where = locate(log, 150);
            assertTrue(log.read(where[0], 0, run));
            assertTrue(log.lastIndex() > 150);
        }
        modifyFile(segmentFile(where[0]), (buffer) ->
        {
            final int offset = (int)where[1] + EntryFrame.HEADER_LENGTH;
            buffer.putByte(offset, (byte)(buffer.getByte(offset) ^ 0x01));
        });

        final LogCorruptionException ex =
            assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
        assertEquals(150, ex.index());
        assertEquals(where[1], ex.offset());
        assertEquals(segmentFile(where[0]), ex.file());
        assertTrue(ex.getMessage().contains(segmentFile(where[0]).toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("entry 150"), ex.getMessage());
        assertTrue(ex.getMessage().contains("data directory"), ex.getMessage());

        // nothing was cut: the damage is reported again
        assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
    }

    @Test
    void shouldRefuseToOpenWithAFlippedBitInTheLastSegmentFollowedByValidEntries() throws IOException
    {
        final long[] where;
        final long[] lastWhere;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 300);
            where = locate(log, 295);
            lastWhere = locate(log, 300);
        }
        assertEquals(lastWhere[0], where[0], "both in the last segment");
        modifyFile(segmentFile(where[0]), (buffer) ->
        {
            final int offset = (int)where[1] + EntryFrame.HEADER_LENGTH + 5;
            buffer.putByte(offset, (byte)(buffer.getByte(offset) ^ 0x80));
        });

        final LogCorruptionException ex =
            assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
        assertEquals(295, ex.index());
        assertTrue(ex.getMessage().contains("a valid entry follows at offset"), ex.getMessage());
    }

    @Test
    void shouldRefuseToOpenWhenTheLastEntryOfASegmentIsBadButLaterSegmentsHoldEntries() throws IOException
    {
        final long lastOfFirstSegment;
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 300);
            final File[] files = segmentFiles();
            lastOfFirstSegment = Long.parseLong(files[1].getName().substring(4, 24)) - 1;
            where = locate(log, lastOfFirstSegment);
        }
        assertEquals(1, where[0]);
        modifyFile(segmentFile(1), (buffer) -> buffer.putInt((int)where[1] + EntryFrame.TERM_OFFSET, 999));

        final LogCorruptionException ex =
            assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
        assertEquals(lastOfFirstSegment, ex.index());
    }

    @Test
    void shouldCutASegmentThatWasCreatedButNeverWritten() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 20);
        }
        Files.write(segmentFile(21).toPath(), new byte[SEGMENT_LENGTH]);
        Files.write(segmentFile(22).toPath(), new byte[100]);

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(20, log.lastIndex());
            assertEquals(1, log.segmentCount());
            assertEquals(1, segmentFiles().length);
            appendEntries(log, 21, 400);
            assertEntries(log, 1, 400);
        }
    }

    @Test
    void shouldRefuseToOpenWhenASegmentIsMissingInTheMiddle() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 600);
            assertTrue(log.segmentCount() >= 3);
        }
        Files.delete(segmentFiles()[1].toPath());

        final LogCorruptionException ex =
            assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
        assertEquals(segmentFile(1), ex.file());
    }

    @Test
    void shouldRefuseToOpenWhenTheFirstSegmentIsMissing() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 300);
        }
        Files.delete(segmentFile(1).toPath());

        assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
    }

    @Test
    void shouldDetectATermLowerThanItsPredecessor() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 250);
            where = locate(log, 250);
        }
        modifyFile(segmentFile(where[0]), (buffer) ->
        {
            final int offset = (int)where[1];
            buffer.putLong(offset + EntryFrame.TERM_OFFSET, 1);
            buffer.putInt(offset + EntryFrame.CHECKSUM_OFFSET,
                EntryFrame.checksum(buffer, offset, buffer.getInt(offset)));
            assertTrue(EntryFrame.validate(buffer, offset, buffer.capacity()) > 0);
        });

        final LogCorruptionException ex =
            assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
        assertEquals(250, ex.index());
        assertTrue(ex.getMessage().contains("term 1 is lower than the term 3"), ex.getMessage());
    }

    @Test
    void shouldRejectARunWhoseTermsDecrease() throws IOException
    {
        final ExpandableArrayBuffer frames = new ExpandableArrayBuffer();
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
        int length = EntryFrame.write(frames, 0, 3, EntryFrame.TYPE_NOOP, empty, 0, 0);
        length += EntryFrame.write(frames, length, 2, EntryFrame.TYPE_NOOP, empty, 0, 0);

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            final int runLength = length;
            assertThrows(IllegalArgumentException.class, () -> log.appendFrames(frames, 0, runLength, 2));
            assertThrows(IllegalArgumentException.class, () -> log.appendFrames(frames, 0, runLength / 2, 2));
            log.append(4, EntryFrame.TYPE_NOOP, empty, 0, 0);
            assertThrows(IllegalArgumentException.class, () -> log.appendFrames(frames, 0, runLength / 2, 1));
            assertEquals(1, log.lastIndex());
        }
    }

    @Test
    void shouldTruncateAndNotResurrectTruncatedEntriesAfterReopen() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 100);
            log.sync();
            log.truncateAfter(60);
            assertEquals(60, log.lastIndex());
            assertEquals(termOf(60), log.lastTerm());
            assertEquals(-1, log.termAt(61));
            assertFalse(log.read(61, 100, run));
            assertTrue(log.read(55, Integer.MAX_VALUE, run));
            assertEquals(6, run.count);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(60, log.lastIndex());
            assertEquals(0, log.truncatedTailBytes());
            assertEntries(log, 1, 60);
        }
    }

    @Test
    void shouldTruncateAcrossASegmentBoundaryAndAppendAfterwards() throws IOException
    {
        final int segmentsBefore;
        final long secondSegmentBase;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 700);
            log.sync();
            segmentsBefore = log.segmentCount();
            assertTrue(segmentsBefore >= 4);
            secondSegmentBase = Long.parseLong(segmentFiles()[1].getName().substring(4, 24));

            log.truncateAfter(secondSegmentBase - 1);
            assertEquals(1, log.segmentCount());
            assertEquals(1, segmentFiles().length);
            assertEquals(secondSegmentBase - 1, log.lastIndex());

            log.truncateAfter(10);
            assertEquals(10, log.lastIndex());
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(10, log.lastIndex());
            assertEquals(1, log.segmentCount());
            assertEntries(log, 1, 10);

            final byte[] other = "replacement".repeat(30).getBytes();
            for (long i = 11; i <= 500; i++)
            {
                log.append(100, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(other), 0, other.length);
            }
            log.sync();
            assertTrue(log.segmentCount() > 1);
            log.truncateAfter(450);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(450, log.lastIndex());
            assertEntries(log, 1, 10);
            for (long i = 11; i <= 450; i++)
            {
                assertEntry(log, i, 100, "replacement".repeat(30).getBytes());
            }
        }
    }

    @Test
    void shouldTruncateToEmptyKeepingOneSegment() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 500);
            log.truncateAfter(0);
            assertEquals(0, log.lastIndex());
            assertEquals(0, log.lastTerm());
            assertEquals(1, log.segmentCount());
            assertThrows(IllegalArgumentException.class, () -> log.truncateAfter(1));
            assertThrows(IllegalArgumentException.class, () -> log.truncateAfter(-1));
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(0, log.lastIndex());
            modifyFile(segmentFile(1), (buffer) ->
                assertEquals(0, FileSupport.endOfNonZero(buffer, 0, buffer.capacity())));
        }
    }

    @Test
    void shouldTruncateWithoutFsyncAndStillNotResurrectEntriesAfterAProcessRestart() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH, false))
        {
            appendEntries(log, 1, 600);
            log.sync();
            log.truncateAfter(77);
            assertEquals(0, log.forceCount());
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH, false))
        {
            assertEquals(77, log.lastIndex());
            assertEquals(1, log.segmentCount());
            assertEntries(log, 1, 77);
        }
    }

    @Test
    void shouldCompleteAnInterruptedTruncationOnOpen() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 400);
            log.sync();
            where = locate(log, 201);
        }

        // a crash part way through truncateAfter(200): the record is durable, only some pages were zeroed
        modifyFile(new File(dir, SegmentedLog.TRUNCATION_FILE_NAME), (buffer) ->
        {
            buffer.putInt(SegmentedLog.TRUNCATION_MAGIC_OFFSET, SegmentedLog.TRUNCATION_MAGIC);
            buffer.putLong(SegmentedLog.TRUNCATION_INDEX_OFFSET, 200);
            buffer.putInt(SegmentedLog.TRUNCATION_CHECKSUM_OFFSET,
                EntryFrame.crc32c(buffer, 0, SegmentedLog.TRUNCATION_CHECKSUM_OFFSET));
        });
        modifyFile(segmentFile(where[0]), (buffer) -> buffer.setMemory((int)where[1], 16, (byte)0));

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(200, log.lastIndex());
            assertEntries(log, 1, 200);
            for (final File file : segmentFiles())
            {
                assertTrue(Long.parseLong(file.getName().substring(4, 24)) <= 200, file.getName());
            }
            appendEntries(log, 201, 210);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(210, log.lastIndex());
            assertEntries(log, 1, 210);
        }
    }

    @Test
    void shouldTakeAHoleFollowedByValidEntriesForCorruptionWithoutATruncationRecord() throws IOException
    {
        final long[] where;
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 400);
            where = locate(log, 201);
        }
        modifyFile(segmentFile(where[0]), (buffer) -> buffer.setMemory((int)where[1], 16, (byte)0));

        assertThrows(LogCorruptionException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH));
    }

    @Test
    void shouldCopyARunReadFromAnotherLogByteForByte() throws IOException
    {
        final File otherDir = new File(dir, "other");
        final File copyDir = new File(dir, "copy");
        try (SegmentedLog source = new SegmentedLog(otherDir, SEGMENT_LENGTH);
            SegmentedLog copy = new SegmentedLog(copyDir, SEGMENT_LENGTH))
        {
            appendEntries(source, 1, 800);

            final Random random = new Random(7);
            long index = 1;
            while (index <= 800)
            {
                assertTrue(source.read(index, 1 + random.nextInt(20_000), run));
                copy.appendFrames(run.buffer, run.offset, run.length, run.count);
                index += run.count;
                assertEquals(index - 1, copy.lastIndex());
            }
            copy.sync();
            assertEquals(source.lastTerm(), copy.lastTerm());
            assertEntries(copy, 1, 800);
        }

        final File[] sourceFiles = otherDir.listFiles((d, name) -> name.endsWith(".seg"));
        final File[] copyFiles = copyDir.listFiles((d, name) -> name.endsWith(".seg"));
        Arrays.sort(sourceFiles);
        Arrays.sort(copyFiles);
        assertEquals(sourceFiles.length, copyFiles.length);
        for (int i = 0; i < sourceFiles.length; i++)
        {
            assertEquals(sourceFiles[i].getName(), copyFiles[i].getName());
            assertArrayEquals(Files.readAllBytes(sourceFiles[i].toPath()), Files.readAllBytes(copyFiles[i].toPath()));
        }
    }

    @Test
    void shouldRollWithinARunOfFramesAndKeepTheirBytes() throws IOException
    {
        final ExpandableArrayBuffer frames = new ExpandableArrayBuffer();
        int length = 0;
        for (long i = 1; i <= 200; i++)
        {
            final byte[] bytes = payload(i);
            length += EntryFrame.write(
                frames, length, termOf(i), EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0, bytes.length);
        }

        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            log.appendFrames(frames, 0, length, 200);
            assertEquals(200, log.lastIndex());
            assertTrue(log.segmentCount() > 1);
            assertEntries(log, 1, 200);
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(200, log.lastIndex());
            assertEntries(log, 1, 200);
        }
    }

    @Test
    void shouldSyncOnlyWhatChanged() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            final long atStart = log.forceCount();
            log.sync();
            assertEquals(atStart, log.forceCount());

            appendEntries(log, 1, 5);
            log.sync();
            assertEquals(atStart + 1, log.forceCount());
            log.sync();
            assertEquals(atStart + 1, log.forceCount());

            final int segments = log.segmentCount();
            long index = 6;
            while (log.segmentCount() == segments)
            {
                appendEntries(log, index, index);
                index++;
            }
            log.sync();
            assertEquals(atStart + 3, log.forceCount(), "the old segment's tail and the new segment");
        }
    }

    @Test
    void shouldNotForceAnythingWhenFsyncIsOff() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH, false))
        {
            appendEntries(log, 1, 300);
            log.sync();
            assertEquals(0, log.forceCount());
        }
    }

    @Test
    void shouldLeaveTheLogConsistentWhenANewSegmentCannotBeCreated() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            final byte[] bytes = new byte[1000];
            long index = 0;
            while (log.segmentCount() == 1)
            {
                index = log.append(1, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0, bytes.length);
            }
            log.truncateAfter(index - 1);
            assertEquals(1, log.segmentCount());

            // the next segment's name is taken by a directory, so creating it fails
            final File blocker = segmentFile(index);
            assertTrue(blocker.mkdir());
            final AppendRefusedException ex = assertThrows(AppendRefusedException.class,
                () -> log.append(1, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0, bytes.length));
            assertTrue(ex.getMessage().contains(blocker.getName()), ex.getMessage());
            assertEquals(index - 1, log.lastIndex());
            assertEquals(1, log.segmentCount());
            assertTrue(blocker.isDirectory());

            assertTrue(blocker.delete());
            assertEquals(index, log.append(1, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(bytes), 0, bytes.length));
            assertEquals(2, log.segmentCount());
        }
    }

    /**
     * A full disk: an append that cannot be written is refused, leaving the log as it was, and the log takes
     * appends again once the disk has room; a restart finds only what was appended.
     */
    @Test
    void shouldRefuseAnAppendItCannotWriteAndTakeAppendsAgainOnceItCan() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 3);
            log.sync();
            log.failWritesWith(new IOException("No space left on device"));

            final AppendRefusedException refused = assertThrows(AppendRefusedException.class,
                () -> log.append(1, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(payload(4)), 0, payload(4).length));
            assertTrue(refused.getMessage().startsWith("No space left on device"), refused.getMessage());
            assertEquals(3, log.lastIndex());
            assertEquals(1, log.lastTerm());
            final org.agrona.ExpandableArrayBuffer frames = new org.agrona.ExpandableArrayBuffer(4096);
            int length = 0;
            for (long index = 4; index <= 5; index++)
            {
                final UnsafeBuffer bytes = new UnsafeBuffer(payload(index));
                length += EntryFrame.write(frames, length, 1, EntryFrame.TYPE_COMMAND, bytes, 0, bytes.capacity());
            }
            final int runLength = length;
            assertThrows(AppendRefusedException.class, () -> log.appendFrames(frames, 0, runLength, 2));
            assertEquals(3, log.lastIndex(), "no frame of a refused run");
            log.sync();

            log.failWritesWith(null);
            appendEntries(log, 4, 5);
            log.sync();
            assertEquals(5, log.lastIndex());
        }
        try (SegmentedLog reopened = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(5, reopened.lastIndex());
            assertEquals(0, reopened.truncatedTailBytes());
            for (long index = 1; index <= 5; index++)
            {
                assertEntry(reopened, index, 1, payload(index));
            }
        }
    }

    @Test
    void shouldRefuseSegmentsOfAnotherLength() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 10);
        }

        final IOException ex = assertThrows(IOException.class, () -> new SegmentedLog(dir, SEGMENT_LENGTH * 2));
        assertFalse(ex instanceof LogCorruptionException);
        assertTrue(ex.getMessage().contains("segment length"), ex.getMessage());
    }

    @Test
    void shouldFailUseAfterClose() throws IOException
    {
        final SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH);
        appendEntries(log, 1, 3);
        log.close();
        log.close();
        assertThrows(IllegalStateException.class, () -> log.termAt(1));
        assertThrows(IllegalStateException.class, () -> log.read(1, 10, run));
        final DirectBuffer empty = new UnsafeBuffer(new byte[0]);
        assertThrows(IllegalStateException.class, () -> log.append(1, 0, empty, 0, 0));
        assertNotEquals(0, log.lastIndex());
    }
    @Test
    void shouldAllocateANewSegmentOnlyAheadOfItsAppendsSoThatItsFirstSyncWritesLittle() throws IOException
    {
        // writing back a whole zero-filled 64 MiB segment at the first sync stalled a new member's duty cycle for
        // longer than an election timeout; the segment is sparse, zeroed a megabyte ahead of the appends
        final int segmentLength = 64 * 1024 * 1024;
        final File probe = new File(dir, "sparse-probe");
        try (RandomAccessFile file = new RandomAccessFile(probe, "rw"))
        {
            file.setLength(segmentLength);
        }
        assumeTrue(allocatedBytes(probe) < segmentLength, "the file system keeps files sparse");
        assertTrue(probe.delete());

        try (SegmentedLog log = new SegmentedLog(dir, segmentLength, true))
        {
            appendEntries(log, 1, 100);
            log.sync();
            final File segment = segmentFile(1);
            assertEquals(segmentLength, segment.length());
            final long allocated = allocatedBytes(segment);
            assertTrue(allocated <= 4 * 1024 * 1024,
                () -> "a segment holding 100 small entries has " + allocated + " bytes allocated");
        }
    }

    /**
     * The bytes the file system allocated to a file, as du counts them.
     */
    private static long allocatedBytes(final File file) throws IOException
    {
        final Process du = new ProcessBuilder("du", "--block-size=1", file.getPath()).redirectErrorStream(true).start();
        final String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        try
        {
            assertEquals(0, du.waitFor(), output);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
        return Long.parseLong(output.trim().split("\\s+")[0]);
    }

    /**
     * After a failed write-back the kernel may mark the pages clean, so a second fsync can report success for data
     * that never reached the disk: a failed sync is never retried, and the log takes no call after it.
     */
    @Test
    void shouldRefuseEveryCallAfterASyncFails() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 10);
            log.sync();
            appendEntries(log, 11, 12);
            final long forces = log.forceCount();
            log.failSyncsWith(new IOException("Input/output error"));
            final UncheckedIOException failed = assertThrows(UncheckedIOException.class, log::sync);
            assertTrue(failed.getMessage().contains("Input/output error"), failed.getMessage());
            assertEquals(forces, log.forceCount());

            log.failSyncsWith(null); // the disk recovers, but the pages may be lost already
            final IllegalStateException again = assertThrows(IllegalStateException.class, log::sync);
            assertTrue(again.getMessage().contains("failed to sync") && again.getMessage().contains("restart"),
                again.getMessage());
            assertThrows(IllegalStateException.class, () -> appendEntries(log, 13, 13));
            assertThrows(IllegalStateException.class, () -> log.truncateAfter(5));
            assertThrows(IllegalStateException.class, () -> log.read(1, 4096, run));
            assertEquals(forces, log.forceCount(), "no sync was tried again");
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertTrue(log.lastIndex() >= 10, "what was synced before the failure is there after a restart");
            assertEntries(log, 1, 10);
        }
    }

    @Test
    void shouldRefuseEveryCallAfterATruncationFailsToSync() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            appendEntries(log, 1, 10);
            log.sync();
            log.failSyncsWith(new IOException("No space left on device"));
            assertThrows(RuntimeException.class, () -> log.truncateAfter(5));
            log.failSyncsWith(null);
            assertThrows(IllegalStateException.class, () -> log.truncateAfter(5));
            assertThrows(IllegalStateException.class, log::sync);
        }
    }

    /**
     * With the helper thread a sync request returns at once; the durable index moves when the sync ends, and the
     * callback (the duty cycle's wake-up) says so. A truncation lowers the durable index at once: what replaces the
     * cut entries is durable only after a later sync.
     */
    @Test
    void shouldSyncOnTheHelperThreadAndPublishTheDurableIndex() throws IOException, InterruptedException
    {
        final AtomicInteger wakeUps = new AtomicInteger();
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH)
            .syncOnHelperThread("test-log-sync", wakeUps::incrementAndGet))
        {
            assertEquals(0, log.durableIndex());
            appendEntries(log, 1, 10);
            assertEquals(0, log.durableIndex(), "appended, not synced");
            assertTrue(log.requestSync());
            awaitDurable(log, 10);
            assertTrue(wakeUps.get() >= 1, "the helper woke the duty cycle");
            assertEquals(1, log.syncCount());
            assertEquals(10, log.syncedEntries());
            assertEquals(1, log.syncLatency().getTotalCount(), "the helper's sync in the histogram");

            appendEntries(log, 11, 20);
            assertTrue(log.requestSync());
            awaitDurable(log, 20);
            log.truncateAfter(15);
            assertEquals(15, log.durableIndex(), "the cut entries are durable no more");
            appendEntries(log, 16, 18);
            assertEquals(15, log.durableIndex(), "what replaces them is not durable yet");
            assertTrue(log.requestSync());
            awaitDurable(log, 18);
            assertTrue(log.requestSync(), "nothing to sync: done at once");
            assertEquals(18, log.durableIndex());
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(18, log.lastIndex());
            assertEntries(log, 1, 18);
        }
    }

    /**
     * A sync that fails on the helper thread fails the log on the duty cycle's next look at the durable index, as
     * one that fails in place does: the node stops, and nothing is synced again.
     */
    @Test
    void shouldFailTheLogWhenTheHelperThreadsSyncFails() throws IOException, InterruptedException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH).syncOnHelperThread("test-log-sync", () -> {}))
        {
            appendEntries(log, 1, 10);
            assertTrue(log.requestSync());
            awaitDurable(log, 10);
            appendEntries(log, 11, 12);
            log.failSyncsWith(new IOException("Input/output error"));
            assertTrue(log.requestSync());
            RuntimeException failed = null;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (null == failed && System.nanoTime() < deadlineNs)
            {
                try
                {
                    assertEquals(10, log.durableIndex(), "nothing after the failure counts as durable");
                    Thread.sleep(1);
                }
                catch (final UncheckedIOException ex)
                {
                    failed = ex;
                }
            }
            assertNotNull(failed, "the failed sync was reported");
            assertTrue(failed.getMessage().contains("Input/output error"), failed.getMessage());
            log.failSyncsWith(null);
            assertThrows(IllegalStateException.class, log::requestSync);
            assertThrows(IllegalStateException.class, () -> appendEntries(log, 13, 13));
            assertThrows(IllegalStateException.class, () -> log.truncateAfter(5));
        }
    }

    private static void awaitDurable(final SegmentedLog log, final long index) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (log.durableIndex() < index)
        {
            assertTrue(System.nanoTime() < deadlineNs, "durable index " + log.durableIndex() + ", not " + index);
            Thread.sleep(1);
        }
        assertEquals(index, log.durableIndex());
    }

    /**
     * What INFO raft reports of the log: how many syncs made appends durable and how long they took.
     */
    @Test
    void shouldCountTheSyncsThatMadeAppendsDurable() throws IOException
    {
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH))
        {
            assertEquals(dir, log.directory());
            assertEquals(SEGMENT_LENGTH, log.segmentLength());
            assertEquals(0, log.syncCount());
            for (long i = 1; i <= 3; i++)
            {
                appendEntries(log, i, i);
                log.sync();
            }
            assertEquals(3, log.syncCount());
            assertEquals(3, log.syncedEntries(), "one entry per sync");
            assertEquals(3, log.syncLatency().getTotalCount(), "each sync's time in the histogram");
            appendEntries(log, 4, 10);
            log.sync();
            assertEquals(10, log.syncedEntries());
            assertEquals(4, log.syncLatency().getTotalCount(), "read again, nothing is counted twice");
            assertTrue(log.maxSyncNs() > 0, "an fdatasync takes some time: " + log.maxSyncNs());
            assertTrue(log.syncNs() >= log.maxSyncNs(), log.syncNs() + " < " + log.maxSyncNs());
        }
        try (SegmentedLog log = new SegmentedLog(dir, SEGMENT_LENGTH, false))
        {
            log.sync();
            assertEquals(0, log.syncCount(), "with fsync off nothing is synced");
        }
    }
}

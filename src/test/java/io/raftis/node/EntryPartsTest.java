package io.raftis.node;

import io.raftis.resp.LargeBuffers;
import io.raftis.resp.RespParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Putting a large entry back together from its parts, as every member does in log order: only a run that goes on
 * as its leader wrote it is applied; any other is dropped at the same part on every member.
 */
class EntryPartsTest
{
    private static final String WHOLE = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n";

    private final EntryParts parts = new EntryParts(1024);

    @Test
    void shouldPutAWholeBackTogetherFromItsParts()
    {
        assertEquals(EntryParts.INCOMPLETE, accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10)));
        assertEquals(EntryParts.INCOMPLETE, accept(5, (byte)0, WHOLE.length(), 10, WHOLE.substring(10, 20)));
        assertEquals(EntryParts.COMPLETE, accept(5, EntryParts.LAST, WHOLE.length(), 20, WHOLE.substring(20)));
        final DirectBuffer entry = parts.entry();
        assertEquals(WHOLE, entry.getStringWithoutLengthAscii(0, entry.capacity()));
        parts.release();
        assertFalse(parts.assembling());
        assertEquals(0, parts.runsDropped());
    }

    @Test
    void shouldDropARunThatAPartDoesNotContinue()
    {
        // a part missing in between
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.LAST, WHOLE.length(), 20, WHOLE.substring(20)));
        assertFalse(parts.assembling());
        // a length that changes
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(5, (byte)0, WHOLE.length() + 1, 10, WHOLE.substring(10, 20)));
        // a last part that does not end the whole, and a part that runs past it
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.LAST, WHOLE.length(), 10, WHOLE.substring(10, 20)));
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(5, (byte)0, WHOLE.length(), 10, WHOLE.substring(10) + "extra"));
        // a part of another term
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(6, EntryParts.LAST, WHOLE.length(), 10, WHOLE.substring(10)));
        assertEquals(5, parts.runsDropped());
        assertFalse(parts.assembling());
    }

    @Test
    void shouldRefuseARunWithNoFirstPartOrALengthBeyondTheLimit()
    {
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.LAST, WHOLE.length(), 0, WHOLE));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.FIRST, 1025, 0, WHOLE));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.FIRST, -1, 0, WHOLE));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.FIRST, WHOLE.length(), 3, WHOLE.substring(0, 10)));
        assertFalse(parts.assembling());
    }

    @Test
    void shouldStartAfreshAtAFirstPartAndDropAtAnAbortOrANewTerm()
    {
        accept(5, EntryParts.FIRST, WHOLE.length(), 0, "unfinished");
        assertEquals(EntryParts.INCOMPLETE, accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10)));
        assertEquals(1, parts.runsDropped(), "the unfinished run went");
        assertEquals(EntryParts.COMPLETE, accept(5, EntryParts.LAST, WHOLE.length(), 10, WHOLE.substring(10)));
        parts.release();

        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        assertEquals(EntryParts.BROKEN, accept(5, EntryParts.ABORT, WHOLE.length(), 10, ""));
        assertFalse(parts.assembling());

        accept(5, EntryParts.FIRST, WHOLE.length(), 0, WHOLE.substring(0, 10));
        parts.enterTerm(5);
        assertTrue(parts.assembling(), "an entry of its own term leaves it be");
        parts.enterTerm(6);
        assertFalse(parts.assembling(), "a later term's entry ends it: its leader is gone");
        assertEquals(3, parts.runsDropped());
    }

    @Test
    void shouldFillALargeBulkArgumentsOwnArrayAsThePartsComeAndLendItOnceToTheParser()
    {
        final byte[] value = new byte[EntryParts.DETACH_THRESHOLD + 3];
        new Random(7).nextBytes(value);
        final byte[] small = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
        final byte[] header = ("*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$100\r\n" +
            new String(small, StandardCharsets.US_ASCII) + "\r\n$1\r\nb\r\n$" + value.length + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] whole = new byte[EntryHeader.LENGTH + header.length + value.length + 2];
        whole[0] = EntryHeader.STAMPED;
        System.arraycopy(header, 0, whole, EntryHeader.LENGTH, header.length);
        System.arraycopy(value, 0, whole, EntryHeader.LENGTH + header.length, value.length);
        whole[whole.length - 2] = '\r';
        whole[whole.length - 1] = '\n';
        final int valueAt = EntryHeader.LENGTH + header.length;
        final EntryParts large = new EntryParts(whole.length);

        // parts that cut the header, the length line of the large bulk (one byte at a time) and the bulk itself
        int position = 0;
        final int[] cuts = { 3, EntryHeader.LENGTH + 20, valueAt - 7, valueAt - 6, valueAt - 5, valueAt - 4,
            valueAt - 3, valueAt - 2, valueAt - 1, valueAt + 1000, valueAt + 600_000, whole.length - 1, whole.length };
        for (final int cut : cuts)
        {
            assertNull(large.take(valueAt, value.length), "nothing is lent before the whole is complete");
            final byte flags =
                (byte)((0 == position ? EntryParts.FIRST : 0) | (whole.length == cut ? EntryParts.LAST : 0));
            final int accepted =
                accept(large, 5, flags, whole.length, position, Arrays.copyOfRange(whole, position, cut));
            assertEquals(whole.length == cut ? EntryParts.COMPLETE : EntryParts.INCOMPLETE, accepted);
            position = cut;
        }
        final DirectBuffer entry = large.entry();
        final byte[] assembled = new byte[entry.capacity()];
        entry.getBytes(0, assembled);
        assertArrayEquals(whole, assembled, "the whole is still put together as it was");

        final RespParser parser = new RespParser();
        assertEquals(whole.length - EntryHeader.LENGTH, parser.parse(entry, EntryHeader.LENGTH, whole.length));
        final List<byte[]> taken = new ArrayList<>();
        parser.lend((offset, length) ->
        {
            final byte[] array = large.take(offset, length);
            taken.add(array);
            return array;
        });
        final byte[] lent = parser.argBytes(4);
        assertSame(taken.get(0), lent, "the large bulk's own array is lent");
        assertArrayEquals(value, lent);
        assertArrayEquals(small, parser.argBytes(2), "a small bulk is copied as ever");
        final byte[] again = parser.argBytes(4);
        assertArrayEquals(value, again);
        assertNotSame(lent, again, "an array is lent once: a second call gets a copy of its own");
        large.release();
        assertNull(large.take(valueAt, value.length));
    }

    @Test
    void shouldCatchUpAnArrayMadeAfterItsBytesCameAndDoWithoutOneNotMadeInTime()
    {
        final List<LargeBuffers.PendingArray> asked = new ArrayList<>();
        final byte[] value = new byte[EntryParts.DETACH_THRESHOLD];
        new Random(11).nextBytes(value);
        final byte[] head = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] whole = new byte[head.length + value.length + 2];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(value, 0, whole, head.length, value.length);
        whole[whole.length - 2] = '\r';
        whole[whole.length - 1] = '\n';
        final int half = head.length + value.length / 2;

        for (final boolean madeInTime : new boolean[]{ true, false })
        {
            final EntryParts large = new EntryParts(whole.length, length ->
            {
                final LargeBuffers.PendingArray array = new LargeBuffers.PendingArray(length);
                asked.add(array);
                return array;
            });
            accept(large, 5, EntryParts.FIRST, whole.length, 0, Arrays.copyOfRange(whole, 0, half));
            assertEquals(1, large.arraysPending());
            if (madeInTime)
            {
                asked.get(asked.size() - 1).make(); // made while the first half was already in
            }
            assertEquals(EntryParts.COMPLETE,
                accept(large, 5, EntryParts.LAST, whole.length, half, Arrays.copyOfRange(whole, half, whole.length)));
            final byte[] lent = large.take(head.length, value.length);
            if (madeInTime)
            {
                assertEquals(0, large.arraysPending());
                assertSame(asked.get(asked.size() - 1).array(), lent);
                assertArrayEquals(value, lent, "the half that came before the array was made is in it too");
            }
            else
            {
                assertEquals(1, large.arraysPending());
                assertNull(lent, "the command copies its value from the whole instead");
            }
            large.release();
        }
        assertEquals(2, asked.size());
    }

    @Test
    void shouldLendNothingForALengthLineItCannotRead()
    {
        // were the 'x' taken as a digit, or the CR without its LF as a line's end, each would declare 1,048,672 bytes
        for (final String line : new String[]{ "$104860x\r\n", "$1048672\rx" })
        {
            final String head = "*2\r\n$4\r\nECHO\r\n" + line;
            final int total = head.length() + 1_048_672 + 2;
            final EntryParts large = new EntryParts(total);
            accept(large, 5, EntryParts.FIRST, total, 0, head.getBytes(StandardCharsets.US_ASCII));
            assertEquals(EntryParts.COMPLETE,
                accept(large, 5, EntryParts.LAST, total, head.length(), new byte[total - head.length()]));
            assertNull(large.take(head.length(), 1_048_672), line);
            large.release();
        }

        // a bulk that declares more than the whole holds
        final String tooLong = "*2\r\n$4\r\nECHO\r\n$" + (2 * EntryParts.DETACH_THRESHOLD) + "\r\n";
        final int total = tooLong.length() + EntryParts.DETACH_THRESHOLD;
        final EntryParts large = new EntryParts(total);
        accept(large, 5, EntryParts.FIRST, total, 0, tooLong.getBytes(StandardCharsets.US_ASCII));
        assertEquals(EntryParts.COMPLETE, accept(large, 5, EntryParts.LAST, total, tooLong.length(),
            new byte[EntryParts.DETACH_THRESHOLD]));
        assertNull(large.take(tooLong.length(), 2 * EntryParts.DETACH_THRESHOLD));
        large.release();
    }

    private int accept(final long term, final byte flags, final int total, final int position, final String bytes)
    {
        return accept(parts, term, flags, total, position, bytes.getBytes(StandardCharsets.US_ASCII));
    }

    private static int accept(
        final EntryParts parts, final long term, final byte flags, final int total, final int position,
        final byte[] bytes)
    {
        final byte[] part = new byte[EntryParts.HEADER_LENGTH + bytes.length + 3];
        final UnsafeBuffer buffer = new UnsafeBuffer(part);
        final int at = EntryParts.putHeader(buffer, 3, flags, total, position);
        buffer.putBytes(at, bytes);
        assertTrue(EntryParts.isPart(buffer, 3, part.length - 3));
        return parts.accept(term, buffer, 3, part.length - 3);
    }
}

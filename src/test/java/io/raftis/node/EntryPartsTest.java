package io.raftis.node;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private int accept(final long term, final byte flags, final int total, final int position, final String bytes)
    {
        final byte[] part = new byte[EntryParts.HEADER_LENGTH + bytes.length() + 3];
        final UnsafeBuffer buffer = new UnsafeBuffer(part);
        final int at = EntryParts.putHeader(buffer, 3, flags, total, position);
        buffer.putBytes(at, bytes.getBytes(StandardCharsets.US_ASCII));
        assertTrue(EntryParts.isPart(buffer, 3, part.length - 3));
        return parts.accept(term, buffer, 3, part.length - 3);
    }
}

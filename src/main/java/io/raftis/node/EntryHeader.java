package io.raftis.node;

import org.agrona.DirectBuffer;

/**
 * The header a member writes before the command in a log entry's payload (see {@link CommandDispatcher}): a kind,
 * the leader's time in milliseconds since the epoch (8 bytes, little-endian) and the database (1 byte). A payload that
 * starts with a RESP array's '*' has no header.
 */
public final class EntryHeader
{
    /** The kind of a client's write. */
    public static final byte STAMPED = 1;
    /** The kind of the leader's expiry sweep: its array holds the keys found expired. */
    public static final byte EXPIRED = 2;
    /**
     * The kind of an EXEC: after the header, the RESP array header of the number of commands, then each queued
     * command as a RESP array; applied as one, its replies one array.
     */
    public static final byte TRANSACTION = 3;
    /**
     * The kind of a write the leader decided (SPOP): its array names a command of the internal table, the
     * deterministic form of what the client sent.
     */
    public static final byte DECIDED = 4;
    /** Where the time is. */
    public static final int TIME_OFFSET = 1;
    /** Where the database is. */
    public static final int DB_OFFSET = TIME_OFFSET + Long.BYTES;
    /** The header's length: where the RESP array starts. */
    public static final int LENGTH = DB_OFFSET + 1;

    private EntryHeader()
    {
    }

    /**
     * @return whether the payload starts with a header.
     */
    public static boolean hasHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < LENGTH)
        {
            return false;
        }
        final byte kind = buffer.getByte(offset);
        return STAMPED == kind || EXPIRED == kind || TRANSACTION == kind || DECIDED == kind;
    }
}

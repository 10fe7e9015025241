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
    /**
     * The kind of a blocking command (BLPOP, ...): after the header, the 8-byte id of the blocked client, then the
     * command's RESP array. Served at once if it can be, else registered on every member until a later entry of the
     * same term feeds one of its keys.
     */
    public static final byte BLOCKING = 5;
    /**
     * The kind of a blocked client's timeout, or of its disconnection: after the header, its 8-byte id.
     */
    public static final byte UNBLOCK = 6;
    /**
     * The kind of a part of an entry too large for one replication batch: see {@link EntryParts}. It has no time or
     * database of its own: the whole entry it completes has its header.
     */
    public static final byte PART = 7;
    /** Where the time is. */
    public static final int TIME_OFFSET = 1;
    /** Where the database is. */
    public static final int DB_OFFSET = TIME_OFFSET + Long.BYTES;
    /** The header's length: where the RESP array starts. */
    public static final int LENGTH = DB_OFFSET + 1;
    /** Where a blocked client's id is, in a {@link #BLOCKING} or {@link #UNBLOCK} entry. */
    public static final int CLIENT_ID_OFFSET = LENGTH;
    /** Where the command of a {@link #BLOCKING} entry starts. */
    public static final int BLOCKING_LENGTH = CLIENT_ID_OFFSET + Long.BYTES;

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
        return kind >= STAMPED && kind <= UNBLOCK;
    }
}

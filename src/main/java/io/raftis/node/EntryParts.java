package io.raftis.node;

import io.raftis.resp.LargeBuffers;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An entry too large for one replication batch (a SET of a 20 MB value, an EXEC of many large commands) goes into
 * the log as a run of part entries, each small enough for a batch; the last part completes it, and every member
 * applies the whole entry at the last part's index, as if it had been one. Other entries may come between the parts:
 * the leader proposes them a few at a time, under the flow control of ordinary entries, so a large value never holds
 * up heartbeats or other clients' writes for longer than one batch takes.
 * <p>
 * A part's payload is {@link EntryHeader#PART}, a flags byte ({@link #FIRST}, {@link #LAST}, {@link #ABORT}), the
 * whole entry's length and the offset of this part's bytes in it (4 bytes each, little-endian), then those bytes.
 * <p>
 * A leader proposes one run at a time, in order, all in its term; so the parts of a run are in the log in order, in
 * one term, and a run that another part does not continue as expected was cut short: by a change of leader, by a
 * full disk, or by its client leaving. Every member drops such a run at the same entry, and applies nothing of it.
 * <p>
 * The whole is put together in a buffer from {@link LargeBuffers}: a large one's memory is committed as its parts
 * arrive, not all at the first, and goes back as soon as the whole is applied or dropped.
 */
public final class EntryParts
{
    /** The first part of a run: it starts a new whole, dropping any run not finished. */
    public static final byte FIRST = 1;
    /** The last part: the whole is complete and is applied at its index. */
    public static final byte LAST = 2;
    /** The run is given up: its parts so far are dropped (a part with no bytes). */
    public static final byte ABORT = 4;
    public static final int FLAGS_OFFSET = 1;
    static final int TOTAL_OFFSET = FLAGS_OFFSET + 1;
    static final int POSITION_OFFSET = TOTAL_OFFSET + Integer.BYTES;
    /** A part's header: where its bytes start. */
    public static final int HEADER_LENGTH = POSITION_OFFSET + Integer.BYTES;

    /** {@link #accept} found the whole entry complete: it is in {@link #entry()}. */
    static final int COMPLETE = 0;
    /** {@link #accept} took the part, and the whole is not complete yet. */
    static final int INCOMPLETE = 1;
    /** {@link #accept} found a part that does not continue the run: the run is dropped. */
    static final int BROKEN = 2;

    private static final byte[] NONE = new byte[0];

    private final int maxEntryLength;
    private final UnsafeBuffer entry = new UnsafeBuffer(NONE);
    private ByteBuffer assembled;
    private int filled;
    private long term;
    private long runsDropped;

    /**
     * @param maxEntryLength the longest whole entry a run may declare: longer is taken as a broken run.
     */
    EntryParts(final int maxEntryLength)
    {
        this.maxEntryLength = maxEntryLength;
    }

    /**
     * Write a part's header.
     *
     * @return where the part's bytes go.
     */
    static int putHeader(
        final MutableDirectBuffer buffer, final int offset, final byte flags, final int total, final int position)
    {
        buffer.putByte(offset, EntryHeader.PART);
        buffer.putByte(offset + FLAGS_OFFSET, flags);
        buffer.putInt(offset + TOTAL_OFFSET, total, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + POSITION_OFFSET, position, ByteOrder.LITTLE_ENDIAN);
        return offset + HEADER_LENGTH;
    }

    /**
     * @return whether the payload is a part.
     */
    static boolean isPart(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= HEADER_LENGTH && EntryHeader.PART == buffer.getByte(offset);
    }

    /**
     * An entry of a new term is applied: a run of an earlier term can never be finished (its leader is gone).
     */
    void enterTerm(final long term)
    {
        if (null != assembled && term != this.term)
        {
            drop();
        }
    }

    /**
     * Take a committed part, in log order.
     *
     * @return {@link #COMPLETE}, {@link #INCOMPLETE} or {@link #BROKEN}.
     */
    int accept(final long term, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte flags = buffer.getByte(offset + FLAGS_OFFSET);
        final int total = buffer.getInt(offset + TOTAL_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int position = buffer.getInt(offset + POSITION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int bytes = length - HEADER_LENGTH;
        if (0 != (flags & ABORT))
        {
            if (null != assembled)
            {
                drop();
            }
            return BROKEN;
        }
        if (0 != (flags & FIRST))
        {
            if (null != assembled)
            {
                drop(); // a run that was never finished: its leader gave it up without a word
            }
            if (0 != position || total <= 0 || total > maxEntryLength)
            {
                return BROKEN;
            }
            assembled = LargeBuffers.allocate(total); // committed part by part as they come, not zeroed at once
            entry.wrap(assembled);
            filled = 0;
            this.term = term;
        }
        if (null == assembled || term != this.term || position != filled || total != assembled.capacity() ||
            bytes > total - filled || (0 != (flags & LAST)) != (filled + bytes == total))
        {
            if (null != assembled)
            {
                drop();
            }
            return BROKEN;
        }
        entry.putBytes(filled, buffer, offset + HEADER_LENGTH, bytes);
        filled += bytes;
        return filled < total ? INCOMPLETE : COMPLETE;
    }

    /**
     * @return the whole entry, after {@link #accept} said {@link #COMPLETE}, until {@link #release()}.
     */
    DirectBuffer entry()
    {
        return entry;
    }

    /**
     * The whole entry was applied: let its bytes go.
     */
    void release()
    {
        entry.wrap(NONE); // whatever read the entry through this view finds it empty, not freed memory
        final ByteBuffer freed = assembled;
        assembled = null;
        filled = 0;
        if (null != freed)
        {
            LargeBuffers.free(freed);
        }
    }

    /**
     * @return whether a run is being put together.
     */
    boolean assembling()
    {
        return null != assembled;
    }

    /**
     * @return runs dropped before they were complete.
     */
    long runsDropped()
    {
        return runsDropped;
    }

    private void drop()
    {
        runsDropped++;
        release();
    }
}

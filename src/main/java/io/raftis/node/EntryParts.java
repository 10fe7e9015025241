package io.raftis.node;

import io.raftis.resp.LargeBuffers;
import io.raftis.resp.RespParser;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntFunction;

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
 * <p>
 * The keyspace keeps a string in an array of its own. A value of 500 MB copied out of the whole into a new array when
 * the whole is applied took 0.5 to 0.8 s here, in one pass, on every member at once. So as the parts come, the
 * bulk arguments of a client's command are read from the whole, and each of {@link #DETACH_THRESHOLD} bytes or more
 * (or as long as a part, when parts are shorter) is copied into an array of its own as well, a part at a time;
 * {@link #take} hands that array to the command that stores it (see {@link RespParser#lend}). A large array is made
 * in the background ({@link LargeBuffers}), and filled with what came before it was made; one not made by the last
 * part is done without, and the value copied as before.
 * The whole keeps every byte all the same, so that whatever reads an argument from it reads what was sent.
 */
public final class EntryParts implements RespParser.ArgumentArrays
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

    /** A bulk argument this long or longer is put together in an array of its own too, unless told less. */
    static final int DETACH_THRESHOLD = 1024 * 1024;

    private static final byte[] NONE = new byte[0];
    private static final int NOT_SCANNED = -1;
    private static final int LINE_GOES_ON = -1;
    /** The most characters of a count or length that may come before its CRLF: more than an int has digits. */
    private static final int MAX_NUMBER_LENGTH = 11;

    private final int maxEntryLength;
    private final IntFunction<LargeBuffers.PendingArray> arrays;
    private final UnsafeBuffer entry = new UnsafeBuffer(NONE);
    private ByteBuffer assembled;
    private int filled;
    private long term;
    private long runsDropped;
    private int detachThreshold = DETACH_THRESHOLD;
    private int scanAt = NOT_SCANNED;
    private int argsLeft;
    private int detachedCount;
    private int[] detachedAt = new int[2];
    private LargeBuffers.PendingArray[] pending = new LargeBuffers.PendingArray[2];
    private byte[][] detached = new byte[2][];

    /**
     * @param maxEntryLength the longest whole entry a run may declare: longer is taken as a broken run.
     */
    EntryParts(final int maxEntryLength)
    {
        this(maxEntryLength, LargeBuffers::allocateArray);
    }

    /**
     * @param maxEntryLength the longest whole entry a run may declare: longer is taken as a broken run.
     * @param arrays         makes the arrays of large bulk arguments, perhaps in the background.
     */
    EntryParts(final int maxEntryLength, final IntFunction<LargeBuffers.PendingArray> arrays)
    {
        this.maxEntryLength = maxEntryLength;
        this.arrays = arrays;
    }

    /**
     * Put together bulk arguments of this many bytes or more in arrays of their own: a member whose parts are small
     * does it for bulks as long as a part, so that its small runs (a simulation's, a test's) take this path too.
     *
     * @param bytes the shortest bulk that gets an array of its own.
     */
    void detachBulksFrom(final int bytes)
    {
        detachThreshold = Math.max(1, bytes);
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
            scanAt = 0;
            argsLeft = -1;
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
        copyDetached(filled, buffer, offset + HEADER_LENGTH, bytes);
        filled += bytes;
        adoptMadeArrays();
        scan();
        return filled < total ? INCOMPLETE : COMPLETE;
    }

    /**
     * @return the array holding a large bulk argument of the whole entry, after {@link #accept} said
     * {@link #COMPLETE}, at most once; or null, also when the array was not made in time.
     */
    public byte[] take(final int offset, final int length)
    {
        if (null == assembled || filled != assembled.capacity())
        {
            return null;
        }
        for (int i = 0; i < detachedCount; i++)
        {
            final byte[] array = detached[i];
            if (detachedAt[i] == offset && null != array && array.length == length)
            {
                detached[i] = null;
                return array;
            }
        }
        return null;
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
        scanAt = NOT_SCANNED;
        for (int i = 0; i < detachedCount; i++)
        {
            detached[i] = null;
            pending[i] = null; // if it is still being made, it is garbage when it is
        }
        detachedCount = 0;
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

    /**
     * Read as far as the bytes so far go through a client's command (after its header, if stamped): its array's
     * count, then each bulk's length; a bulk long enough gets an array of its own, filled with what is there of it.
     * Anything else, or anything malformed, ends the reading: the whole is applied as it is.
     */
    private void scan()
    {
        while (NOT_SCANNED != scanAt && scanAt < filled)
        {
            final byte first = entry.getByte(scanAt);
            if (0 == scanAt && EntryHeader.STAMPED == first)
            {
                scanAt = EntryHeader.LENGTH;
                continue;
            }
            if (0 == argsLeft || (argsLeft < 0 ? '*' : '$') != first)
            {
                scanAt = NOT_SCANNED;
                return;
            }
            final int lineEnd = lineEnd(scanAt + 1);
            if (LINE_GOES_ON == lineEnd)
            {
                return; // the rest of the line is in a part to come
            }
            final long number = lineEnd > scanAt + 1 ? number(scanAt + 1, lineEnd) : -1;
            final int next = lineEnd + 2;
            if (number < 0 || number > Integer.MAX_VALUE)
            {
                scanAt = NOT_SCANNED;
            }
            else if (argsLeft < 0)
            {
                argsLeft = (int)number;
                scanAt = next;
            }
            else if (next + number + 2 > entry.capacity())
            {
                scanAt = NOT_SCANNED;
            }
            else
            {
                if (number >= detachThreshold)
                {
                    detach(next, (int)number);
                }
                argsLeft--;
                scanAt = next + (int)number + 2;
            }
        }
    }

    /**
     * @return where the CR of the line starting at from is; {@link #LINE_GOES_ON} when the line goes on past what is
     * filled; or {@link Integer#MIN_VALUE} when it is too long for a number or its CR has no LF.
     */
    private int lineEnd(final int from)
    {
        final int limit = Math.min(filled - 1, from + MAX_NUMBER_LENGTH);
        for (int i = from; i < limit; i++)
        {
            if ('\r' == entry.getByte(i))
            {
                return '\n' == entry.getByte(i + 1) ? i : Integer.MIN_VALUE;
            }
        }
        return filled - 1 < from + MAX_NUMBER_LENGTH ? LINE_GOES_ON : Integer.MIN_VALUE;
    }

    /**
     * @return the decimal digits in [from, to) as a number, or -1 when there are other characters.
     */
    private long number(final int from, final int to)
    {
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final byte digit = entry.getByte(i);
            if (digit < '0' || digit > '9')
            {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    private void detach(final int at, final int length)
    {
        if (detachedCount == detached.length)
        {
            detached = Arrays.copyOf(detached, detachedCount * 2);
            pending = Arrays.copyOf(pending, detachedCount * 2);
            detachedAt = Arrays.copyOf(detachedAt, detachedCount * 2);
        }
        pending[detachedCount] = arrays.apply(length);
        detachedAt[detachedCount++] = at;
        adoptMadeArrays();
    }

    /**
     * Take the arrays made since the last part, and copy into each what has come of its argument so far.
     */
    private void adoptMadeArrays()
    {
        for (int i = 0; i < detachedCount; i++)
        {
            final LargeBuffers.PendingArray made = pending[i];
            final byte[] array = null == made ? null : made.array();
            if (null != array)
            {
                pending[i] = null;
                detached[i] = array;
                final int there = Math.min(filled - detachedAt[i], array.length);
                if (there > 0)
                {
                    entry.getBytes(detachedAt[i], array, 0, there);
                }
            }
            else if (null != made && made.failed())
            {
                pending[i] = null; // no memory for it now: the command gets a copy when it applies, or fails to
            }
        }
    }

    /**
     * Copy the bytes of a part that fall in a detached argument into its array, where it has one.
     */
    private void copyDetached(final int position, final DirectBuffer buffer, final int offset, final int bytes)
    {
        for (int i = 0; i < detachedCount; i++)
        {
            final byte[] array = detached[i];
            if (null == array)
            {
                continue;
            }
            final int from = Math.max(position, detachedAt[i]);
            final int to = Math.min(position + bytes, detachedAt[i] + array.length);
            if (from < to)
            {
                buffer.getBytes(offset + from - position, array, from - detachedAt[i], to - from);
            }
        }
    }

    /**
     * @return arrays of large bulk arguments asked for and not made yet.
     */
    int arraysPending()
    {
        int count = 0;
        for (int i = 0; i < detachedCount; i++)
        {
            count += null != pending[i] ? 1 : 0;
        }
        return count;
    }

    private void drop()
    {
        runsDropped++;
        release();
    }
}

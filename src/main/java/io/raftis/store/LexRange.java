package io.raftis.store;

import io.raftis.resp.RespParser;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A range of members as ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBYLEX read it: each end "[member" (inclusive),
 * "(member" (exclusive), "-" (below every member) or "+" (above every member); members compare as unsigned bytes,
 * a prefix first.
 */
final class LexRange
{
    /** Redis's error for a range that does not read. */
    static final String NOT_A_RANGE = "ERR min or max not valid string range item";

    private static final int BELOW_ALL = -1;
    private static final int MEMBER = 0;
    private static final int ABOVE_ALL = 1;

    private final int minKind;
    private final byte[] min;
    private final boolean minExclusive;
    private final int maxKind;
    private final byte[] max;
    private final boolean maxExclusive;

    private LexRange(
        final int minKind, final byte[] min, final boolean minExclusive,
        final int maxKind, final byte[] max, final boolean maxExclusive)
    {
        this.minKind = minKind;
        this.min = min;
        this.minExclusive = minExclusive;
        this.maxKind = maxKind;
        this.max = max;
        this.maxExclusive = maxExclusive;
    }

    /**
     * @return the range the two arguments give, or null when either end is not a range item.
     */
    static LexRange parse(final RespParser args, final int minArg, final int maxArg)
    {
        final int minKind = kind(args, minArg);
        final int maxKind = kind(args, maxArg);
        if (Integer.MIN_VALUE == minKind || Integer.MIN_VALUE == maxKind)
        {
            return null;
        }
        return new LexRange(minKind, value(args, minArg, minKind), exclusive(args, minArg, minKind),
            maxKind, value(args, maxArg, maxKind), exclusive(args, maxArg, maxKind));
    }

    /**
     * @return the item's kind, or Integer.MIN_VALUE when it is none: '+' and '-' stand alone (as C strings: a NUL
     * may follow), '(' and '[' lead a member.
     */
    private static int kind(final RespParser args, final int arg)
    {
        final int length = args.argLength(arg);
        if (0 == length)
        {
            return Integer.MIN_VALUE;
        }
        final DirectBuffer buffer = args.argBuffer();
        final int offset = args.argOffset(arg);
        final byte first = buffer.getByte(offset);
        final boolean alone = 1 == length || 0 == buffer.getByte(offset + 1);
        if ('+' == first)
        {
            return alone ? ABOVE_ALL : Integer.MIN_VALUE;
        }
        if ('-' == first)
        {
            return alone ? BELOW_ALL : Integer.MIN_VALUE;
        }
        return '(' == first || '[' == first ? MEMBER : Integer.MIN_VALUE;
    }

    private static byte[] value(final RespParser args, final int arg, final int kind)
    {
        if (MEMBER != kind)
        {
            return null;
        }
        final byte[] value = new byte[args.argLength(arg) - 1];
        args.argBuffer().getBytes(args.argOffset(arg) + 1, value);
        return value;
    }

    private static boolean exclusive(final RespParser args, final int arg, final int kind)
    {
        return MEMBER != kind || '(' == args.argBuffer().getByte(args.argOffset(arg));
    }

    /**
     * Redis's sdscmplex: the ends below and above every member compare as such; two of the same kind are equal.
     */
    private static int compare(final int kindA, final byte[] a, final int kindB, final byte[] b)
    {
        if (MEMBER != kindA && kindA == kindB)
        {
            return 0;
        }
        if (BELOW_ALL == kindA || ABOVE_ALL == kindB)
        {
            return -1;
        }
        if (ABOVE_ALL == kindA || BELOW_ALL == kindB)
        {
            return 1;
        }
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * @return whether the member is at or past the lower end.
     */
    boolean gteMin(final byte[] member)
    {
        final int cmp = compare(MEMBER, member, minKind, min);
        return minExclusive ? cmp > 0 : cmp >= 0;
    }

    /**
     * @return whether the member is at or before the upper end.
     */
    boolean lteMax(final byte[] member)
    {
        final int cmp = compare(MEMBER, member, maxKind, max);
        return maxExclusive ? cmp < 0 : cmp <= 0;
    }

    /**
     * @return whether no member can be in the range.
     */
    boolean isEmpty()
    {
        final int cmp = compare(minKind, min, maxKind, max);
        return cmp > 0 || (0 == cmp && (minExclusive || maxExclusive));
    }
}

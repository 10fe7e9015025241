package io.raftis.store;

import io.raftis.resp.RespParser;
import org.agrona.DirectBuffer;

/**
 * A range of scores as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE read it: each end a number (see
 * {@link Scores#parseBound(DirectBuffer, int, int)}), inclusive unless it starts with '('.
 */
final class ScoreRange
{
    /** Redis's error for a range that does not read. */
    static final String NOT_A_FLOAT = "ERR min or max is not a float";

    final double min;
    final double max;
    final boolean minExclusive;
    final boolean maxExclusive;

    private ScoreRange(final double min, final boolean minExclusive, final double max, final boolean maxExclusive)
    {
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    /**
     * @return the range between the two scores, each end inclusive unless said exclusive.
     */
    static ScoreRange of(final double min, final boolean minExclusive, final double max, final boolean maxExclusive)
    {
        return new ScoreRange(min, minExclusive, max, maxExclusive);
    }

    /**
     * @return the range the two arguments give, or null when either end is not a number.
     */
    static ScoreRange parse(final RespParser args, final int minArg, final int maxArg)
    {
        final DirectBuffer buffer = args.argBuffer();
        final boolean minExclusive = exclusive(args, minArg);
        final boolean maxExclusive = exclusive(args, maxArg);
        final int minSkip = minExclusive ? 1 : 0;
        final int maxSkip = maxExclusive ? 1 : 0;
        final double min =
            Scores.parseBound(buffer, args.argOffset(minArg) + minSkip, args.argLength(minArg) - minSkip);
        final double max =
            Scores.parseBound(buffer, args.argOffset(maxArg) + maxSkip, args.argLength(maxArg) - maxSkip);
        if (Double.isNaN(min) || Double.isNaN(max))
        {
            return null;
        }
        return new ScoreRange(min, minExclusive, max, maxExclusive);
    }

    private static boolean exclusive(final RespParser args, final int arg)
    {
        return args.argLength(arg) > 0 && '(' == args.argBuffer().getByte(args.argOffset(arg));
    }

    /**
     * @return whether the score is at or past the lower end.
     */
    boolean gteMin(final double score)
    {
        return minExclusive ? score > min : score >= min;
    }

    /**
     * @return whether the score is at or before the upper end.
     */
    boolean lteMax(final double score)
    {
        return maxExclusive ? score < max : score <= max;
    }

    /**
     * @return whether no score can be in the range.
     */
    boolean isEmpty()
    {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }
}

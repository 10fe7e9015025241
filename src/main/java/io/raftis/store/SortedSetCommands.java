package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.raftis.store.Command.CATEGORY_SORTEDSET;
import static io.raftis.store.Command.FLAG_BLOCKING;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_NOSCRIPT;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's sorted set commands with Redis 7's replies and errors: ZADD (NX, XX, GT, LT, CH, INCR), ZINCRBY, ZREM,
 * ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN here; the ranges in
 * {@link SortedSetRangeCommands}, ZUNION, ZINTER, ZDIFF and their kin in {@link SortedSetAlgebra}. A sorted set left
 * empty is removed, as in Redis. ZRANDMEMBER and ZSCAN are reads: the leader picks at random for the client alone.
 */
public final class SortedSetCommands
{
    /** Redis's error for a score that does not read. */
    static final String NOT_A_FLOAT = "ERR value is not a valid float";
    private static final String NAN_SCORE = "ERR resulting score is not a number (NaN)";
    private static final Random RANDOM = new Random();

    private static final byte[] NX = "NX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XX = "XX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GT = "GT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LT = "LT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CH = "CH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INCR = "INCR".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN = "MIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX = "MAX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WITHSCORES = "WITHSCORES".getBytes(StandardCharsets.US_ASCII);

    private static final int ADD_NX = 1;
    private static final int ADD_XX = 1 << 1;
    private static final int ADD_GT = 1 << 2;
    private static final int ADD_LT = 1 << 3;
    private static final int ADD_CH = 1 << 4;
    private static final int ADD_INCR = 1 << 5;
    private static final int ADD_OPTION_BITS = 8;

    /**
     * How a pop's reply is laid out, by the command that pops: ZPOPMIN and ZPOPMAX give member, score, member, …;
     * BZPOPMIN and BZPOPMAX the key first; ZMPOP and BZMPOP the key, then an array of [member, score] pairs.
     */
    public enum PopReply
    {
        /** member, score, member, score, … */
        FLAT,
        /** key, member, score, … */
        FLAT_WITH_KEY,
        /** key, [[member, score], …] */
        NESTED_WITH_KEY
    }

    private SortedSetCommands()
    {
    }

    /**
     * Register the sorted set commands, the ranges and the set algebra too.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final int fastWrite = FLAG_WRITE | FLAG_DENYOOM | FLAG_FAST;
        final int fastRead = FLAG_READONLY | FLAG_FAST;
        table.register(new Command("zadd", -4, fastWrite, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zadd(args, keyspace, out, 0), args -> validateAdd(args, 0)));
        table.register(new Command("zincrby", 4, fastWrite, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zadd(args, keyspace, out, ADD_INCR), args -> validateAdd(args, ADD_INCR)));
        table.register(new Command("zrem", -3, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetCommands::zrem));
        table.register(new Command("zcard", 2, fastRead, 1, 1, 1, CATEGORY_SORTEDSET, SortedSetCommands::zcard));
        table.register(new Command("zscore", 3, fastRead, 1, 1, 1, CATEGORY_SORTEDSET, SortedSetCommands::zscore));
        table.register(new Command("zmscore", -3, fastRead, 1, 1, 1, CATEGORY_SORTEDSET, SortedSetCommands::zmscore));
        table.register(new Command("zrank", 3, fastRead, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zrank(args, keyspace, out, false)));
        table.register(new Command("zrevrank", 3, fastRead, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zrank(args, keyspace, out, true)));
        table.register(new Command("zpopmin", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zpop(args, keyspace, out, false), SortedSetCommands::validatePop));
        table.register(new Command("zpopmax", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> zpop(args, keyspace, out, true), SortedSetCommands::validatePop));
        table.register(new Command("zmpop", -4, FLAG_WRITE | FLAG_MOVABLE_KEYS, 0, 0, 0, CATEGORY_SORTEDSET,
            SortedSetCommands::zmpop, args -> validateMultiPop(args, 1)).keyFinder(KeyFinder.numKeysAt(1)));
        table.register(new Command("zrandmember", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetCommands::zrandmember));
        table.register(new Command("zscan", -3, FLAG_READONLY, 1, 1, 1, CATEGORY_SORTEDSET, SortedSetCommands::zscan,
            ScanArguments::validateCollectionCursor));
        SortedSetRangeCommands.register(table);
        SortedSetAlgebra.register(table);

        final int blocking = FLAG_WRITE | FLAG_BLOCKING;
        final Blocking bzpopmin = new BlockingPop(false);
        final Blocking bzpopmax = new BlockingPop(true);
        final Blocking bzmpop = new BlockingMpop();
        table.register(new Command("bzpopmin", -3, blocking | FLAG_NOSCRIPT | FLAG_FAST, 1, -2, 1, CATEGORY_SORTEDSET,
            Blocking.atOnce(bzpopmin), args -> ListCommands.validateTimeout(args, args.argCount() - 1))
            .blocking(bzpopmin));
        table.register(new Command("bzpopmax", -3, blocking | FLAG_NOSCRIPT | FLAG_FAST, 1, -2, 1, CATEGORY_SORTEDSET,
            Blocking.atOnce(bzpopmax), args -> ListCommands.validateTimeout(args, args.argCount() - 1))
            .blocking(bzpopmax));
        table.register(new Command("bzmpop", -5, blocking | FLAG_MOVABLE_KEYS, 0, 0, 0, CATEGORY_SORTEDSET,
            Blocking.atOnce(bzmpop), SortedSetCommands::validateBzmpop).blocking(bzmpop)
            .keyFinder(KeyFinder.numKeysAt(2)));
    }

    private static String validateBzmpop(final RespParser args)
    {
        final String timeout = ListCommands.validateTimeout(args, 1);
        return null != timeout ? timeout : validateMultiPop(args, 2);
    }

    /**
     * BZPOPMIN and BZPOPMAX: pop from the first of the keys holding a sorted set, answering [key, member, score].
     */
    private static final class BlockingPop implements Blocking
    {
        private final boolean max;

        BlockingPop(final boolean max)
        {
            this.max = max;
        }

        public long timeoutMs(final RespParser args)
        {
            return ListCommands.timeoutMs(args, args.argCount() - 1, new String[1]);
        }

        public int[] waitKeys(final RespParser args)
        {
            return Blocking.keysFrom(1, args.argCount() - 2);
        }

        public boolean serve(final RespParser args, final Keyspace keyspace, final RespWriter out, final int readyKey)
        {
            final int first = -1 == readyKey ? 1 : readyKey;
            final int last = -1 == readyKey ? args.argCount() - 2 : readyKey;
            return servePop(args, keyspace, out, readyKey, first, last, max, 1, PopReply.FLAT_WITH_KEY);
        }

        public void timedOut(final RespWriter out)
        {
            out.nullArray();
        }
    }

    /**
     * BZMPOP: ZMPOP once one of the keys holds a sorted set.
     */
    private static final class BlockingMpop extends Blocking.AfterNumKeys
    {
        public boolean serve(final RespParser args, final Keyspace keyspace, final RespWriter out, final int readyKey)
        {
            final int whereArg = 3 + (int)args.argAsLong(2);
            final boolean max = args.argEqualsIgnoreCase(whereArg, MAX);
            final long count = whereArg + 2 < args.argCount() ? args.argAsLong(whereArg + 2) : 1;
            final int first = -1 == readyKey ? 3 : readyKey;
            final int last = -1 == readyKey ? whereArg - 1 : readyKey;
            return servePop(args, keyspace, out, readyKey, first, last, max, count, PopReply.NESTED_WITH_KEY);
        }

        public void timedOut(final RespWriter out)
        {
            out.nullArray();
        }
    }

    /**
     * Pop from the first of the keys first..last holding a sorted set; on the first try a key of another type is
     * WRONGTYPE, on a wake-up it keeps the client waiting, as in Redis.
     */
    private static boolean servePop(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int readyKey, final int first,
        final int last, final boolean max, final long count, final PopReply shape)
    {
        for (int k = first; k <= last; k++)
        {
            final Object value = keyspace.get(args.argBuffer(), args.argOffset(k), args.argLength(k));
            if (null == value)
            {
                continue;
            }
            if (!(value instanceof SortedSetValue))
            {
                if (-1 == readyKey)
                {
                    out.error(ErrorReplies.WRONG_TYPE);
                    return true;
                }
                return false;
            }
            popAndReply(keyspace, args.argBuffer(), args.argOffset(k), args.argLength(k), (SortedSetValue)value, max,
                count, shape, out);
            return true;
        }
        return false;
    }


    /**
     * @return the sorted set the key at argument keyArg holds, or null.
     * @throws WrongTypeException if it holds another type.
     */
    static SortedSetValue zset(final Keyspace keyspace, final RespParser args, final int keyArg)
    {
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        if (null == value || value instanceof SortedSetValue)
        {
            return (SortedSetValue)value;
        }
        throw WrongTypeException.INSTANCE;
    }

    /**
     * Account for a change in place, and remove the key if the sorted set was left empty.
     */
    static void changed(
        final Keyspace keyspace,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final SortedSetValue zset,
        final long before)
    {
        keyspace.changedInPlace(keyBuffer, keyOffset, keyLength, zset.heapBytes() - before);
        if (0 == zset.size())
        {
            keyspace.remove(keyBuffer, keyOffset, keyLength);
        }
    }

    /**
     * @see #changed(Keyspace, DirectBuffer, int, int, SortedSetValue, long)
     */
    static void changed(
        final Keyspace keyspace, final RespParser args, final int keyArg, final SortedSetValue zset, final long before)
    {
        changed(keyspace, args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg), zset, before);
    }

    /**
     * Store a computed sorted set at the key, as ZRANGESTORE, ZUNIONSTORE and the like do: replacing whatever the key
     * held (and its time to live), or removing the key when the result is empty; the reply is the result's size.
     */
    static void store(
        final Keyspace keyspace, final RespParser args, final int keyArg, final SortedSetValue result,
        final RespWriter out)
    {
        if (result.size() > 0)
        {
            keyspace.put(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg), result);
        }
        else
        {
            keyspace.remove(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        }
        out.integer(result.size());
    }

    /**
     * @return the ZADD options (low bits) and the index of the first score (above {@link #ADD_OPTION_BITS}), read
     * as Redis reads them: options from the third argument until the first argument that is none.
     */
    private static int addOptions(final RespParser args, final int initial)
    {
        int flags = initial;
        int at = 2;
        for (; at < args.argCount(); at++)
        {
            if (args.argEqualsIgnoreCase(at, NX))
            {
                flags |= ADD_NX;
            }
            else if (args.argEqualsIgnoreCase(at, XX))
            {
                flags |= ADD_XX;
            }
            else if (args.argEqualsIgnoreCase(at, CH))
            {
                flags |= ADD_CH;
            }
            else if (args.argEqualsIgnoreCase(at, INCR))
            {
                flags |= ADD_INCR;
            }
            else if (args.argEqualsIgnoreCase(at, GT))
            {
                flags |= ADD_GT;
            }
            else if (args.argEqualsIgnoreCase(at, LT))
            {
                flags |= ADD_LT;
            }
            else
            {
                break;
            }
        }
        return (at << ADD_OPTION_BITS) | flags;
    }

    /**
     * ZADD's and ZINCRBY's checks before the key is looked up, in Redis's order: the pairs, the options' conflicts,
     * then every score.
     */
    private static String validateAdd(final RespParser args, final int initial)
    {
        final int options = addOptions(args, initial);
        final int flags = options & ((1 << ADD_OPTION_BITS) - 1);
        final int first = options >>> ADD_OPTION_BITS;
        final int elements = args.argCount() - first;
        if (0 == elements || 0 != elements % 2)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        if (0 != (flags & ADD_NX) && 0 != (flags & ADD_XX))
        {
            return "ERR XX and NX options at the same time are not compatible";
        }
        final int gtLt = flags & (ADD_GT | ADD_LT);
        if ((0 != (flags & ADD_NX) && 0 != gtLt) || (ADD_GT | ADD_LT) == gtLt)
        {
            return "ERR GT, LT, and/or NX options at the same time are not compatible";
        }
        if (0 != (flags & ADD_INCR) && elements > 2)
        {
            return "ERR INCR option supports a single increment-element pair";
        }
        for (int i = first; i < args.argCount(); i += 2)
        {
            if (Double.isNaN(Scores.parse(args.argBuffer(), args.argOffset(i), args.argLength(i))))
            {
                return NOT_A_FLOAT;
            }
        }
        return null;
    }

    private static void zadd(final RespParser args, final Keyspace keyspace, final RespWriter out, final int initial)
    {
        final int options = addOptions(args, initial);
        final int flags = options & ((1 << ADD_OPTION_BITS) - 1);
        final int first = options >>> ADD_OPTION_BITS;
        final boolean incr = 0 != (flags & ADD_INCR);
        SortedSetValue zset = zset(keyspace, args, 1);
        if (null == zset && 0 != (flags & ADD_XX))
        {
            replyAdded(out, flags, 0, 0, 0, 0);
            return;
        }
        if (null == zset)
        {
            zset = new SortedSetValue();
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), zset);
        }
        final long before = zset.heapBytes();
        final DirectBuffer buffer = args.argBuffer();
        int added = 0;
        int updated = 0;
        int processed = 0;
        double last = 0;
        for (int i = first; i < args.argCount(); i += 2)
        {
            double score = Scores.parse(buffer, args.argOffset(i), args.argLength(i));
            final int memberOffset = args.argOffset(i + 1);
            final int memberLength = args.argLength(i + 1);
            final double current = zset.score(buffer, memberOffset, memberLength);
            if (!Double.isNaN(current))
            {
                if (0 != (flags & ADD_NX))
                {
                    continue;
                }
                if (incr)
                {
                    score += current;
                    if (Double.isNaN(score))
                    {
                        changed(keyspace, args, 1, zset, before);
                        out.error(NAN_SCORE);
                        return;
                    }
                }
                if ((0 != (flags & ADD_LT) && score >= current) || (0 != (flags & ADD_GT) && score <= current))
                {
                    continue;
                }
                processed++;
                last = score;
                if (score != current)
                {
                    zset.put(buffer, memberOffset, memberLength, score);
                    updated++;
                }
            }
            else if (0 == (flags & ADD_XX))
            {
                zset.put(buffer, memberOffset, memberLength, score);
                added++;
                processed++;
                last = score;
            }
        }
        if (added + updated > 0 || 0 == zset.size()) // as Redis, a WATCH of the key sees only a change
        {
            changed(keyspace, args, 1, zset, before);
        }
        replyAdded(out, flags, added, updated, processed, last);
    }

    private static void replyAdded(
        final RespWriter out, final int flags, final int added, final int updated, final int processed,
        final double score)
    {
        if (0 != (flags & ADD_INCR))
        {
            if (processed > 0)
            {
                Scores.reply(out, score);
            }
            else
            {
                out.nullBulk();
            }
        }
        else
        {
            out.integer(0 != (flags & ADD_CH) ? added + updated : added);
        }
    }

    private static void zrem(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        if (null == zset)
        {
            out.integer(0);
            return;
        }
        final long before = zset.heapBytes();
        long removed = 0;
        for (int i = 2; i < args.argCount() && zset.size() > 0; i++)
        {
            removed += zset.remove(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        if (removed > 0)
        {
            changed(keyspace, args, 1, zset, before);
        }
        out.integer(removed);
    }

    private static void zcard(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        out.integer(null == zset ? 0 : zset.size());
    }

    private static void zscore(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        final double score = null == zset ? Double.NaN :
            zset.score(args.argBuffer(), args.argOffset(2), args.argLength(2));
        replyScoreOrNull(out, score);
    }

    private static void zmscore(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        out.arrayHeader(args.argCount() - 2);
        for (int i = 2; i < args.argCount(); i++)
        {
            replyScoreOrNull(out, null == zset ? Double.NaN :
                zset.score(args.argBuffer(), args.argOffset(i), args.argLength(i)));
        }
    }

    private static void replyScoreOrNull(final RespWriter out, final double score)
    {
        if (Double.isNaN(score))
        {
            out.nullBulk();
        }
        else
        {
            Scores.reply(out, score);
        }
    }

    private static void zrank(final RespParser args, final Keyspace keyspace, final RespWriter out,
        final boolean reverse)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        final int rank = null == zset ? -1 : zset.rank(args.argBuffer(), args.argOffset(2), args.argLength(2));
        if (rank < 0)
        {
            out.nullBulk();
        }
        else
        {
            out.integer(reverse ? zset.size() - 1 - rank : rank);
        }
    }

    /**
     * ZPOPMIN's and ZPOPMAX's checks: at most a count, which must be a non-negative integer.
     */
    private static String validatePop(final RespParser args)
    {
        if (args.argCount() > 3)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        if (3 == args.argCount())
        {
            final long count = args.argAsLong(2);
            if (!args.lastArgWasNumber() || count < 0)
            {
                return "ERR value is out of range, must be positive";
            }
        }
        return null;
    }

    private static void zpop(final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean max)
    {
        final long count = 3 == args.argCount() ? args.argAsLong(2) : 1;
        final SortedSetValue zset = zset(keyspace, args, 1);
        if (null == zset || 0 == count)
        {
            out.arrayHeader(0);
            return;
        }
        popAndReply(keyspace, args.argBuffer(), args.argOffset(1), args.argLength(1), zset, max, count,
            PopReply.FLAT, out);
    }

    /**
     * Pop up to count members from the lowest or the highest scores of a sorted set, remove its key if it is left
     * empty, and write the reply in the shape the command gives: the step ZPOPMIN, ZPOPMAX and ZMPOP share, and the
     * blocking forms' once a key has members.
     *
     * @param keyBuffer holding the key.
     * @param keyOffset of the key.
     * @param keyLength of the key.
     * @param zset      the sorted set the key holds, not empty.
     * @param max       whether to pop the highest scores.
     * @param count     the most members to pop, at least 1.
     * @param shape     of the reply.
     * @param out       to write the reply to.
     */
    public static void popAndReply(
        final Keyspace keyspace,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final SortedSetValue zset,
        final boolean max,
        final long count,
        final PopReply shape,
        final RespWriter out)
    {
        final long before = zset.heapBytes();
        final List<SortedSetValue.Entry> popped = max ? zset.popMax(count) : zset.popMin(count);
        switch (shape)
        {
            case FLAT:
                out.arrayHeader(2 * popped.size());
                break;
            case FLAT_WITH_KEY:
                out.arrayHeader(2 * popped.size() + 1);
                out.bulk(keyBuffer, keyOffset, keyLength);
                break;
            default:
                out.arrayHeader(2);
                out.bulk(keyBuffer, keyOffset, keyLength);
                out.arrayHeader(popped.size());
                break;
        }
        for (final SortedSetValue.Entry entry : popped)
        {
            if (PopReply.NESTED_WITH_KEY == shape)
            {
                out.arrayHeader(2);
            }
            out.bulk(entry.member);
            Scores.reply(out, entry.score);
        }
        changed(keyspace, keyBuffer, keyOffset, keyLength, zset, before);
    }

    /**
     * ZMPOP's checks (and BZMPOP's, whose numkeys argument is the second): numkeys, MIN or MAX after the keys, then
     * at most one COUNT.
     *
     * @param numkeysArg the index of numkeys.
     */
    static String validateMultiPop(final RespParser args, final int numkeysArg)
    {
        final long numkeys = args.argAsLong(numkeysArg);
        if (!args.lastArgWasNumber() || numkeys < 1)
        {
            return "ERR numkeys should be greater than 0";
        }
        if (numkeys >= args.argCount() - numkeysArg - 1)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        final int whereArg = numkeysArg + (int)numkeys + 1;
        if (!args.argEqualsIgnoreCase(whereArg, MIN) && !args.argEqualsIgnoreCase(whereArg, MAX))
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        boolean counted = false;
        for (int j = whereArg + 1; j < args.argCount(); j++)
        {
            if (!counted && args.argEqualsIgnoreCase(j, COUNT) && j < args.argCount() - 1)
            {
                final long count = args.argAsLong(++j);
                if (!args.lastArgWasNumber() || count < 1)
                {
                    return "ERR count should be greater than 0";
                }
                counted = true;
            }
            else
            {
                return ErrorReplies.SYNTAX_ERROR;
            }
        }
        return null;
    }

    private static void zmpop(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int whereArg = 2 + (int)args.argAsLong(1);
        final boolean max = args.argEqualsIgnoreCase(whereArg, MAX);
        final long count = whereArg + 2 < args.argCount() ? args.argAsLong(whereArg + 2) : 1;
        for (int k = 2; k < whereArg; k++)
        {
            final SortedSetValue zset = zset(keyspace, args, k);
            if (null != zset)
            {
                popAndReply(keyspace, args.argBuffer(), args.argOffset(k), args.argLength(k), zset, max, count,
                    PopReply.NESTED_WITH_KEY, out);
                return;
            }
        }
        out.nullArray();
    }

    /**
     * ZRANDMEMBER: one member, or with a count that many distinct ones (all when the count is larger), or with a
     * negative count that many picks that may repeat; WITHSCORES adds each one's score.
     */
    private static void zrandmember(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argCount() < 3)
        {
            final SortedSetValue zset = zset(keyspace, args, 1);
            if (null == zset)
            {
                out.nullBulk();
            }
            else
            {
                out.bulk(zset.random(RANDOM).member);
            }
            return;
        }
        final long requested = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            out.error(ErrorReplies.NOT_AN_INTEGER);
            return;
        }
        if (Long.MIN_VALUE == requested)
        {
            out.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        if (args.argCount() > 4 || (4 == args.argCount() && !args.argEqualsIgnoreCase(3, WITHSCORES)))
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }
        final boolean withScores = 4 == args.argCount();
        if (withScores && (requested < -Long.MAX_VALUE / 2 || requested > Long.MAX_VALUE / 2))
        {
            out.error("ERR value is out of range");
            return;
        }
        final SortedSetValue zset = zset(keyspace, args, 1);
        if (null == zset || 0 == requested)
        {
            out.arrayHeader(0);
            return;
        }
        final List<SortedSetValue.Entry> picked = new ArrayList<>();
        if (requested < 0 || 1 == requested)
        {
            for (long i = 0, count = Math.abs(requested); i < count; i++)
            {
                picked.add(zset.random(RANDOM));
            }
        }
        else
        {
            final int size = zset.size();
            zset.visit(size - 1, true, (member, score) -> picked.add(new SortedSetValue.Entry(member, score)));
            if (requested < size)
            {
                Collections.shuffle(picked, RANDOM);
                picked.subList((int)requested, size).clear();
            }
        }
        out.arrayHeader((withScores ? 2 : 1) * picked.size());
        for (final SortedSetValue.Entry entry : picked)
        {
            out.bulk(entry.member);
            if (withScores)
            {
                Scores.reply(out, entry.score);
            }
        }
    }

    private static void zscan(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = zset(keyspace, args, 1);
        final ScanArguments options = ScanArguments.ofCollection(args, null != zset, out);
        if (null == options)
        {
            return;
        }
        final boolean compact = zset.isCompact();
        final List<byte[]> found = new ArrayList<>();
        final long next = zset.scan(ScanArguments.collectionCursor(args), options.count, (member, score) ->
        {
            if (options.matches(member))
            {
                found.add(member);
                found.add(compact ? Scores.formatCompact(score) : Scores.format(score));
            }
            return true;
        });
        ScanArguments.reply(out, next, found);
    }
}

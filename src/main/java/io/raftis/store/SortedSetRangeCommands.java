package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.raftis.store.Command.CATEGORY_SORTEDSET;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * The sorted set commands that take a range, with Redis 7's replies and errors: ZCOUNT, ZLEXCOUNT, ZRANGE (by rank,
 * BYSCORE or BYLEX, REV, LIMIT offset count, WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
 * ZRANGEBYLEX, ZREVRANGEBYLEX, ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX. A range is by rank (indexes
 * from 0, or from the end when negative), by score ({@link ScoreRange}) or by member ({@link LexRange}).
 */
final class SortedSetRangeCommands
{
    private static final byte[] WITHSCORES = "WITHSCORES".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIMIT = "LIMIT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REV = "REV".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYSCORE = "BYSCORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYLEX = "BYLEX".getBytes(StandardCharsets.US_ASCII);

    private static final int AUTO = 0;
    private static final int BY_RANK = 1;
    private static final int BY_SCORE = 2;
    private static final int BY_LEX = 3;
    private static final int FORWARD = 1;
    private static final int REVERSE = 2;

    private SortedSetRangeCommands()
    {
    }

    static void register(final CommandTable table)
    {
        final int fastRead = FLAG_READONLY | FLAG_FAST;
        table.register(new Command("zcount", 4, fastRead, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetRangeCommands::zcount, SortedSetRangeCommands::validateScoreRange));
        table.register(new Command("zlexcount", 4, fastRead, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetRangeCommands::zlexcount, SortedSetRangeCommands::validateLexRange));
        register(table, "zrange", -4, FLAG_READONLY, 1, false, AUTO, AUTO);
        register(table, "zrangestore", -5, FLAG_WRITE | FLAG_DENYOOM, 2, true, AUTO, AUTO);
        register(table, "zrevrange", -4, FLAG_READONLY, 1, false, BY_RANK, REVERSE);
        register(table, "zrangebyscore", -4, FLAG_READONLY, 1, false, BY_SCORE, FORWARD);
        register(table, "zrevrangebyscore", -4, FLAG_READONLY, 1, false, BY_SCORE, REVERSE);
        register(table, "zrangebylex", -4, FLAG_READONLY, 1, false, BY_LEX, FORWARD);
        register(table, "zrevrangebylex", -4, FLAG_READONLY, 1, false, BY_LEX, REVERSE);
        table.register(new Command("zremrangebyrank", 4, FLAG_WRITE, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetRangeCommands::zremrangebyrank, SortedSetRangeCommands::validateRanks));
        table.register(new Command("zremrangebyscore", 4, FLAG_WRITE, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetRangeCommands::zremrangebyscore, SortedSetRangeCommands::validateScoreRange));
        table.register(new Command("zremrangebylex", 4, FLAG_WRITE, 1, 1, 1, CATEGORY_SORTEDSET,
            SortedSetRangeCommands::zremrangebylex, SortedSetRangeCommands::validateLexRange));
    }

    private static void register(
        final CommandTable table, final String name, final int arity, final int flags, final int keyArg,
        final boolean store, final int type, final int direction)
    {
        table.register(new Command(name, arity, flags, 1, keyArg, 1, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> range(args, keyspace, out, keyArg, store, type, direction),
            args ->
            {
                final Object request = Request.parse(args, keyArg, store, type, direction);
                return request instanceof String ? (String)request : null;
            }));
    }

    /**
     * What a ZRANGE-like command asks for, read as Redis reads it: the options first (an unknown one, or one this
     * command does not take, is a syntax error), their conflicts, then the range.
     */
    private static final class Request
    {
        int type;
        boolean reverse;
        boolean withScores;
        long offset;
        long limit = -1;
        long start;
        long end;
        ScoreRange scores;
        LexRange lex;

        /**
         * @param keyArg    the index of the source key; the range follows it.
         * @param store     whether the command stores the result (WITHSCORES is not an option then).
         * @param type      the command's kind of range, or AUTO when options choose it.
         * @param direction the command's direction, or AUTO when REV may choose it.
         * @return the request, or the error as a String.
         */
        static Object parse(
            final RespParser args, final int keyArg, final boolean store, final int type, final int direction)
        {
            final Request request = new Request();
            int chosenType = type;
            int chosenDirection = direction;
            for (int j = keyArg + 3; j < args.argCount(); j++)
            {
                final int left = args.argCount() - j - 1;
                if (!store && args.argEqualsIgnoreCase(j, WITHSCORES))
                {
                    request.withScores = true;
                }
                else if (args.argEqualsIgnoreCase(j, LIMIT) && left >= 2)
                {
                    request.offset = args.argAsLong(j + 1);
                    if (!args.lastArgWasNumber())
                    {
                        return ErrorReplies.NOT_AN_INTEGER;
                    }
                    request.limit = args.argAsLong(j + 2);
                    if (!args.lastArgWasNumber())
                    {
                        return ErrorReplies.NOT_AN_INTEGER;
                    }
                    j += 2;
                }
                else if (AUTO == chosenDirection && args.argEqualsIgnoreCase(j, REV))
                {
                    chosenDirection = REVERSE;
                }
                else if (AUTO == chosenType && args.argEqualsIgnoreCase(j, BYLEX))
                {
                    chosenType = BY_LEX;
                }
                else if (AUTO == chosenType && args.argEqualsIgnoreCase(j, BYSCORE))
                {
                    chosenType = BY_SCORE;
                }
                else
                {
                    return ErrorReplies.SYNTAX_ERROR;
                }
            }
            request.type = AUTO == chosenType ? BY_RANK : chosenType;
            request.reverse = REVERSE == chosenDirection;
            if (-1 != request.limit && BY_RANK == request.type)
            {
                return "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
            }
            if (request.withScores && BY_LEX == request.type)
            {
                return "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
            }
            final boolean swap = request.reverse && BY_RANK != request.type;
            final int minArg = swap ? keyArg + 2 : keyArg + 1;
            final int maxArg = swap ? keyArg + 1 : keyArg + 2;
            if (BY_RANK == request.type)
            {
                request.start = args.argAsLong(minArg);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
                request.end = args.argAsLong(maxArg);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
            }
            else if (BY_SCORE == request.type)
            {
                request.scores = ScoreRange.parse(args, minArg, maxArg);
                if (null == request.scores)
                {
                    return ScoreRange.NOT_A_FLOAT;
                }
            }
            else
            {
                request.lex = LexRange.parse(args, minArg, maxArg);
                if (null == request.lex)
                {
                    return LexRange.NOT_A_RANGE;
                }
            }
            return request;
        }

        /**
         * @return the members the request selects from the sorted set, in the order of the reply.
         */
        List<SortedSetValue.Entry> select(final SortedSetValue zset)
        {
            final List<SortedSetValue.Entry> selected = new ArrayList<>();
            final int size = zset.size();
            if (BY_RANK == type)
            {
                long from = start < 0 ? size + start : start;
                long to = end < 0 ? size + end : end;
                from = Math.max(0, from);
                if (from > to || from >= size)
                {
                    return selected;
                }
                to = Math.min(to, size - 1);
                final long count = to - from + 1;
                zset.visit((int)(reverse ? size - 1 - from : from), reverse, (member, score) ->
                {
                    selected.add(new SortedSetValue.Entry(member, score));
                    return selected.size() < count;
                });
                return selected;
            }
            if (offset < 0 || (BY_SCORE == type && offset > 0 && offset >= size))
            {
                return selected; // Redis walks a negative offset past the end
            }
            final int first;
            if (BY_SCORE == type)
            {
                first = reverse ? zset.lastInRange(scores) : zset.firstInRange(scores);
            }
            else
            {
                first = reverse ? zset.lastInLexRange(lex) : zset.firstInLexRange(lex);
            }
            final long from = first < 0 ? -1 : reverse ? first - offset : first + offset;
            if (from < 0 || from >= size || 0 == limit)
            {
                return selected;
            }
            zset.visit((int)from, reverse, (member, score) ->
            {
                final boolean within = BY_SCORE == type ?
                    (reverse ? scores.gteMin(score) : scores.lteMax(score)) :
                    (reverse ? lex.gteMin(member) : lex.lteMax(member));
                if (!within)
                {
                    return false;
                }
                selected.add(new SortedSetValue.Entry(member, score));
                return limit < 0 || selected.size() < limit;
            });
            return selected;
        }
    }

    private static void range(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int keyArg, final boolean store,
        final int type, final int direction)
    {
        final Request request = (Request)Request.parse(args, keyArg, store, type, direction);
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, keyArg);
        final List<SortedSetValue.Entry> selected = null == zset ? List.of() : request.select(zset);
        if (store)
        {
            final SortedSetValue result = new SortedSetValue();
            for (final SortedSetValue.Entry entry : selected)
            {
                result.put(entry.member.clone(), entry.score);
            }
            SortedSetCommands.store(keyspace, args, 1, result, out);
            return;
        }
        out.arrayHeader((request.withScores ? 2 : 1) * selected.size());
        for (final SortedSetValue.Entry entry : selected)
        {
            out.bulk(entry.member);
            if (request.withScores)
            {
                Scores.reply(out, entry.score);
            }
        }
    }

    private static String validateScoreRange(final RespParser args)
    {
        return null == ScoreRange.parse(args, 2, 3) ? ScoreRange.NOT_A_FLOAT : null;
    }

    private static String validateLexRange(final RespParser args)
    {
        return null == LexRange.parse(args, 2, 3) ? LexRange.NOT_A_RANGE : null;
    }

    private static String validateRanks(final RespParser args)
    {
        args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        args.argAsLong(3);
        return args.lastArgWasNumber() ? null : ErrorReplies.NOT_AN_INTEGER;
    }

    private static void zcount(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ScoreRange range = ScoreRange.parse(args, 2, 3);
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        out.integer(null == zset ? 0 : zset.countInRange(range));
    }

    private static void zlexcount(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final LexRange range = LexRange.parse(args, 2, 3);
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        out.integer(null == zset ? 0 : zset.countInLexRange(range));
    }

    private static void zremrangebyrank(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        if (null == zset)
        {
            out.integer(0);
            return;
        }
        final int size = zset.size();
        final long start = args.argAsLong(2);
        final long end = args.argAsLong(3);
        final long from = Math.max(0, start < 0 ? size + start : start);
        final long to = end < 0 ? size + end : end;
        if (from > to || from >= size)
        {
            out.integer(0);
            return;
        }
        removeRange(args, keyspace, out, zset, (int)from, (int)Math.min(to, size - 1));
    }

    private static void zremrangebyscore(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ScoreRange range = ScoreRange.parse(args, 2, 3);
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        final int first = null == zset ? -1 : zset.firstInRange(range);
        if (first < 0)
        {
            out.integer(0);
            return;
        }
        final int[] count = new int[1];
        zset.visit(first, false, (member, score) ->
        {
            if (!range.lteMax(score))
            {
                return false;
            }
            count[0]++;
            return true;
        });
        removeRange(args, keyspace, out, zset, first, first + count[0] - 1);
    }

    private static void zremrangebylex(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final LexRange range = LexRange.parse(args, 2, 3);
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        final int first = null == zset ? -1 : zset.firstInLexRange(range);
        if (first < 0)
        {
            out.integer(0);
            return;
        }
        final int[] count = new int[1];
        zset.visit(first, false, (member, score) ->
        {
            if (!range.lteMax(member))
            {
                return false;
            }
            count[0]++;
            return true;
        });
        removeRange(args, keyspace, out, zset, first, first + count[0] - 1);
    }

    private static void removeRange(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final SortedSetValue zset,
        final int from, final int to)
    {
        final long before = zset.heapBytes();
        final int removed = zset.removeRange(from, to);
        if (removed > 0)
        {
            SortedSetCommands.changed(keyspace, args, 1, zset, before);
        }
        out.integer(removed);
    }
}

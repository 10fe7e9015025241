package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.raftis.store.Command.CATEGORY_SORTEDSET;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and ZINTERCARD, as Redis 7 computes them: numkeys
 * keys, each a sorted set, a set (whose members score 1) or missing (empty); then WEIGHTS, AGGREGATE SUM|MIN|MAX
 * and WITHSCORES, or ZINTERCARD's LIMIT.
 * <p>
 * As in Redis, the inputs of a union or an intersection are taken smallest first (ties in the order given), each
 * member's score is its weight times its score (NaN, as 0 × inf, counts 0), and the scores of a member are combined
 * in that order, a sum that is NaN (inf + -inf) counting 0; a difference keeps the first input's scores. The keys
 * are looked up before the options are read, so a key of another type is reported before a bad option.
 */
final class SortedSetAlgebra
{
    private static final byte[] WEIGHTS = "WEIGHTS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AGGREGATE = "AGGREGATE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUM = "SUM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN = "MIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX = "MAX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WITHSCORES = "WITHSCORES".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIMIT = "LIMIT".getBytes(StandardCharsets.US_ASCII);
    private static final Comparator<SortedSetValue.Entry> ORDER =
        (a, b) -> SortedSetValue.compare(a.score, a.member, b.score, b.member);

    private static final int UNION = 0;
    private static final int INTER = 1;
    private static final int DIFF = 2;
    private static final int AGGREGATE_SUM = 0;
    private static final int AGGREGATE_MIN = 1;
    private static final int AGGREGATE_MAX = 2;

    private SortedSetAlgebra()
    {
    }

    static void register(final CommandTable table)
    {
        register(table, "zunion", UNION, false, false);
        register(table, "zinter", INTER, false, false);
        register(table, "zdiff", DIFF, false, false);
        register(table, "zunionstore", UNION, true, false);
        register(table, "zinterstore", INTER, true, false);
        register(table, "zdiffstore", DIFF, true, false);
        register(table, "zintercard", INTER, false, true);
    }

    private static void register(
        final CommandTable table, final String name, final int operation, final boolean store,
        final boolean cardinality)
    {
        final int numkeysArg = store ? 2 : 1;
        final int flags = (store ? FLAG_WRITE | FLAG_DENYOOM : FLAG_READONLY) | FLAG_MOVABLE_KEYS;
        final int key = store ? 1 : 0;
        table.register(new Command(name, store ? -4 : -3, flags, key, key, key, CATEGORY_SORTEDSET,
            (args, keyspace, out) -> combine(args, keyspace, out, operation, numkeysArg, store, cardinality),
            args -> validateNumkeys(args, numkeysArg, name)).keyFinder(KeyFinder.numKeysAt(numkeysArg, key)));
    }

    /**
     * The checks Redis makes before it looks up a key: numkeys is an integer of at least 1, and that many keys
     * follow.
     */
    private static String validateNumkeys(final RespParser args, final int numkeysArg, final String name)
    {
        final long numkeys = args.argAsLong(numkeysArg);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        if (numkeys < 1)
        {
            return "ERR at least 1 input key is needed for '" + name + "' command";
        }
        return numkeys > args.argCount() - numkeysArg - 1 ? ErrorReplies.SYNTAX_ERROR : null;
    }

    /**
     * One input: a sorted set, a set, or nothing, with its weight.
     */
    private static final class Source
    {
        final SortedSetValue zset;
        final SetValue set;
        double weight = 1;

        Source(final Object value)
        {
            zset = value instanceof SortedSetValue ? (SortedSetValue)value : null;
            set = value instanceof SetValue ? (SetValue)value : null;
        }

        int size()
        {
            return null != zset ? zset.size() : null != set ? set.size() : 0;
        }

        boolean same(final Source other)
        {
            return size() > 0 && zset == other.zset && set == other.set;
        }

        /**
         * @return the member's score, 1 in a set, or NaN when it is not there.
         */
        double find(final byte[] member)
        {
            if (null != zset)
            {
                return zset.score(member);
            }
            return null != set && set.contains(member) ? 1 : Double.NaN;
        }

        void forEach(final SortedSetValue.EntryVisitor visitor)
        {
            if (null != zset)
            {
                zset.forEach(visitor);
            }
            else if (null != set)
            {
                set.forEach(member -> visitor.visit(member, 1));
            }
        }
    }

    private static void combine(
        final RespParser args,
        final Keyspace keyspace,
        final RespWriter out,
        final int operation,
        final int numkeysArg,
        final boolean store,
        final boolean cardinality)
    {
        final int numkeys = (int)args.argAsLong(numkeysArg);
        final List<Source> sources = new ArrayList<>(numkeys);
        for (int i = numkeysArg + 1; i <= numkeysArg + numkeys; i++)
        {
            final Object value = keyspace.get(args.argBuffer(), args.argOffset(i), args.argLength(i));
            if (null != value && !(value instanceof SortedSetValue) && !(value instanceof SetValue))
            {
                throw WrongTypeException.INSTANCE;
            }
            sources.add(new Source(value));
        }
        int aggregate = AGGREGATE_SUM;
        boolean withScores = false;
        long limit = 0;
        for (int j = numkeysArg + 1 + numkeys; j < args.argCount(); j++)
        {
            final int remaining = args.argCount() - j;
            if (DIFF != operation && !cardinality && remaining >= numkeys + 1 && args.argEqualsIgnoreCase(j, WEIGHTS))
            {
                for (final Source source : sources)
                {
                    j++;
                    source.weight = Scores.parse(args.argBuffer(), args.argOffset(j), args.argLength(j));
                    if (Double.isNaN(source.weight))
                    {
                        out.error("ERR weight value is not a float");
                        return;
                    }
                }
            }
            else if (DIFF != operation && !cardinality && remaining >= 2 && args.argEqualsIgnoreCase(j, AGGREGATE))
            {
                j++;
                if (args.argEqualsIgnoreCase(j, SUM))
                {
                    aggregate = AGGREGATE_SUM;
                }
                else if (args.argEqualsIgnoreCase(j, MIN))
                {
                    aggregate = AGGREGATE_MIN;
                }
                else if (args.argEqualsIgnoreCase(j, MAX))
                {
                    aggregate = AGGREGATE_MAX;
                }
                else
                {
                    out.error(ErrorReplies.SYNTAX_ERROR);
                    return;
                }
            }
            else if (!store && !cardinality && args.argEqualsIgnoreCase(j, WITHSCORES))
            {
                withScores = true;
            }
            else if (cardinality && remaining >= 2 && args.argEqualsIgnoreCase(j, LIMIT))
            {
                limit = args.argAsLong(++j);
                if (!args.lastArgWasNumber() || limit < 0)
                {
                    out.error("ERR LIMIT can't be negative");
                    return;
                }
            }
            else
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
        }
        if (DIFF != operation)
        {
            sources.sort(Comparator.comparingInt(Source::size)); // stable, as glibc's qsort is for these sizes
        }

        if (cardinality)
        {
            out.integer(intersection(sources, aggregate, limit, null));
            return;
        }
        final List<SortedSetValue.Entry> result = new ArrayList<>();
        if (INTER == operation)
        {
            intersection(sources, aggregate, 0, result);
        }
        else if (UNION == operation)
        {
            union(sources, aggregate, result);
        }
        else
        {
            difference(sources, result);
        }
        result.sort(ORDER);
        if (store)
        {
            SortedSetCommands.store(keyspace, args, 1, SortedSetValue.ofSorted(result), out);
            return;
        }
        out.arrayHeader((withScores ? 2 : 1) * result.size());
        for (final SortedSetValue.Entry entry : result)
        {
            out.bulk(entry.member);
            if (withScores)
            {
                Scores.reply(out, entry.score);
            }
        }
    }

    /**
     * The members of the smallest input found in all the others, with their combined scores.
     *
     * @param limit   stop counting there; 0 for no limit.
     * @param results receives the members (copies) and scores; null to count only.
     * @return how many members were found.
     */
    private static long intersection(
        final List<Source> sources, final int aggregate, final long limit, final List<SortedSetValue.Entry> results)
    {
        final Source smallest = sources.get(0);
        final long[] found = new long[1];
        smallest.forEach((member, memberScore) ->
        {
            if (0 != limit && found[0] >= limit)
            {
                return false; // a set's members keep coming: the limit is reached
            }
            double score = zeroIfNaN(smallest.weight * memberScore);
            for (int j = 1; j < sources.size(); j++)
            {
                final Source source = sources.get(j);
                final double value = source.find(member);
                if (Double.isNaN(value))
                {
                    return true;
                }
                score = combine(score, value * source.weight, aggregate);
            }
            found[0]++;
            if (null != results)
            {
                results.add(new SortedSetValue.Entry(member.clone(), score));
            }
            return 0 == limit || found[0] < limit;
        });
        return found[0];
    }

    private static void union(
        final List<Source> sources, final int aggregate, final List<SortedSetValue.Entry> results)
    {
        final Keyspace accumulated = new Keyspace(2 * Math.max(4, sources.get(sources.size() - 1).size()));
        for (final Source source : sources)
        {
            source.forEach((member, memberScore) ->
            {
                final double score = zeroIfNaN(source.weight * memberScore);
                final double[] existing = (double[])accumulated.get(member);
                if (null == existing)
                {
                    accumulated.put(member.clone(), new double[]{ score });
                }
                else
                {
                    existing[0] = combine(existing[0], score, aggregate);
                }
                return true;
            });
        }
        accumulated.forEach((member, score) -> results.add(new SortedSetValue.Entry(member, ((double[])score)[0])));
    }

    private static void difference(final List<Source> sources, final List<SortedSetValue.Entry> results)
    {
        final Source first = sources.get(0);
        for (int j = 1; j < sources.size(); j++)
        {
            if (sources.get(j).same(first))
            {
                return; // every member is taken away
            }
        }
        first.forEach((member, score) ->
        {
            for (int j = 1; j < sources.size(); j++)
            {
                if (!Double.isNaN(sources.get(j).find(member)))
                {
                    return true;
                }
            }
            results.add(new SortedSetValue.Entry(member.clone(), score));
            return true;
        });
    }

    private static double combine(final double target, final double value, final int aggregate)
    {
        if (AGGREGATE_SUM == aggregate)
        {
            return zeroIfNaN(target + value);
        }
        if (AGGREGATE_MIN == aggregate)
        {
            return value < target ? value : target;
        }
        return value > target ? value : target;
    }

    private static double zeroIfNaN(final double score)
    {
        return Double.isNaN(score) ? 0 : score;
    }
}

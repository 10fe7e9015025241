package io.raftis.store;

import io.raftis.resp.RespEncoding;
import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.raftis.store.Command.CATEGORY_SET;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's set commands with Redis 7's replies and errors: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD,
 * SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN and SRANDMEMBER. A set left
 * empty is removed, as in Redis. SRANDMEMBER and SSCAN are reads: the leader picks at random for the client alone.
 */
public final class SetCommands
{
    private static final Random RANDOM = new Random();
    private static final byte[] LIMIT = "LIMIT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPOP_EFFECT = "SPOP-EFFECT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE = "ONE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MANY = "MANY".getBytes(StandardCharsets.US_ASCII);
    private static final int INTER = 0;
    private static final int UNION = 1;
    private static final int DIFF = 2;

    private SetCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final int fastWrite = FLAG_WRITE | FLAG_DENYOOM | FLAG_FAST;
        final int fastRead = FLAG_READONLY | FLAG_FAST;
        table.register(new Command("sadd", -3, fastWrite, 1, 1, 1, CATEGORY_SET, SetCommands::sadd));
        table.register(new Command("srem", -3, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_SET, SetCommands::srem));
        table.register(new Command("smove", 4, FLAG_WRITE | FLAG_FAST, 1, 2, 1, CATEGORY_SET, SetCommands::smove));
        table.register(new Command("sismember", 3, fastRead, 1, 1, 1, CATEGORY_SET, SetCommands::sismember));
        table.register(new Command("smismember", -3, fastRead, 1, 1, 1, CATEGORY_SET, SetCommands::smismember));
        table.register(new Command("scard", 2, fastRead, 1, 1, 1, CATEGORY_SET, SetCommands::scard));
        table.register(new Command("srandmember", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_SET, SetCommands::srandmember));
        table.register(new Command("sinter", -2, FLAG_READONLY, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, INTER, 1, false)));
        table.register(new Command("sintercard", -3, FLAG_READONLY | FLAG_MOVABLE_KEYS, 0, 0, 0, CATEGORY_SET,
            SetCommands::sintercard).keyFinder(KeyFinder.numKeysAt(1)));
        table.register(new Command("sinterstore", -3, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, INTER, 2, true)));
        table.register(new Command("sunion", -2, FLAG_READONLY, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, UNION, 1, false)));
        table.register(new Command("sunionstore", -3, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, UNION, 2, true)));
        table.register(new Command("sdiff", -2, FLAG_READONLY, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, DIFF, 1, false)));
        table.register(new Command("sdiffstore", -3, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 1, CATEGORY_SET,
            (args, keyspace, out) -> combine(args, keyspace, out, DIFF, 2, true)));
        table.register(new Command("smembers", 2, FLAG_READONLY, 1, 1, 1, CATEGORY_SET, SetCommands::smembers));
        table.register(new Command("sscan", -3, FLAG_READONLY, 1, 1, 1, CATEGORY_SET, SetCommands::sscan,
            ScanArguments::validateCollectionCursor));
        table.register(new Command("spop", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_SET, SetCommands::spop,
            SetCommands::validateSpop).rewriter(SetCommands::decideSpop));
    }

    /**
     * Register the deterministic form SPOP is logged as: {@code SPOP-EFFECT key ONE|MANY member...} removes the
     * members the leader picked and answers as SPOP with or without a count.
     *
     * @param internal the table of commands only the log holds.
     */
    static void registerInternal(final CommandTable internal)
    {
        internal.register(new Command("spop-effect", -4, FLAG_WRITE, 1, 1, 1, CATEGORY_SET, SetCommands::spopEffect));
    }

    private static String validateSpop(final RespParser args)
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
                return "ERR value is out of range, must be positive"; // as Redis, for "x" too
            }
        }
        return null;
    }

    /**
     * On the leader, with everything before applied: pick the members at random and log their removal.
     */
    private static int decideSpop(
        final RespParser args, final Keyspace keyspace, final MutableDirectBuffer dst, final int offset,
        final RespWriter out)
    {
        final boolean withCount = 3 == args.argCount();
        final long count = withCount ? args.argAsLong(2) : 1;
        final SetValue set;
        try
        {
            set = set(keyspace, args, 1);
        }
        catch (final WrongTypeException ex)
        {
            out.error(ErrorReplies.WRONG_TYPE);
            return -1;
        }
        if (null == set || 0 == count)
        {
            if (withCount)
            {
                out.arrayHeader(0);
            }
            else
            {
                out.nullBulk();
            }
            return -1;
        }
        final List<byte[]> picked = new ArrayList<>();
        if (count >= set.size())
        {
            set.forEach(picked::add);
        }
        else if (count * 4 < set.size())
        {
            final java.util.HashSet<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
            while (picked.size() < count)
            {
                final byte[] member = set.randomMember(RANDOM);
                if (seen.add(java.nio.ByteBuffer.wrap(member)))
                {
                    picked.add(member);
                }
            }
        }
        else
        {
            set.forEach(picked::add);
            Collections.shuffle(picked, RANDOM);
            picked.subList((int)count, picked.size()).clear();
        }
        int position = RespEncoding.putArrayHeader(dst, offset, 3 + picked.size());
        position = RespEncoding.putBulk(dst, position, SPOP_EFFECT);
        position = RespEncoding.putBulk(dst, position, args.argBuffer(), args.argOffset(1), args.argLength(1));
        position = RespEncoding.putBulk(dst, position, withCount ? MANY : ONE);
        for (final byte[] member : picked)
        {
            position = RespEncoding.putBulk(dst, position, member);
        }
        return position;
    }

    /**
     * Apply what the leader decided: remove exactly the members it picked.
     */
    private static void spopEffect(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        final boolean withCount = args.argEqualsIgnoreCase(2, MANY);
        if (null == set)
        {
            // the leader saw the set an entry ago: only a log written by something else gets here
            out.error("ERR internal error: the set the leader popped from is gone");
            return;
        }
        final long before = set.heapBytes();
        if (withCount)
        {
            out.arrayHeader(args.argCount() - 3);
        }
        for (int i = 3; i < args.argCount(); i++)
        {
            set.remove(args.argBuffer(), args.argOffset(i), args.argLength(i));
            out.bulk(args.argBuffer(), args.argOffset(i), args.argLength(i));
        }
        changed(keyspace, args, 1, set, before);
    }

    /**
     * SPOP as applied from the log as it was sent, which happens only inside a transaction: the members are picked
     * by a rule every member follows alike, the smallest of a hash of each member seeded by the entry's time and the
     * set's size, so the leader's choice is the same everywhere. It looks at every member: O(N).
     */
    private static void spop(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final boolean withCount = 3 == args.argCount();
        final long count = withCount ? args.argAsLong(2) : 1;
        final SetValue set = set(keyspace, args, 1);
        if (null == set || 0 == count)
        {
            if (withCount)
            {
                out.arrayHeader(0);
            }
            else
            {
                out.nullBulk();
            }
            return;
        }
        final long seed = keyspace.nowMs() * 0x9E3779B97F4A7C15L + set.size();
        final List<byte[]> members = new ArrayList<>(set.size());
        set.forEach(members::add);
        if (count < members.size())
        {
            final java.util.Map<byte[], Long> ranks = new java.util.IdentityHashMap<>();
            members.forEach(member -> ranks.put(member, mix(seed, member)));
            members.sort((a, b) ->
            {
                final int byRank = Long.compareUnsigned(ranks.get(a), ranks.get(b));
                return 0 != byRank ? byRank : java.util.Arrays.compareUnsigned(a, b);
            });
            members.subList((int)count, members.size()).clear();
        }
        final long before = set.heapBytes();
        if (withCount)
        {
            out.arrayHeader(members.size());
        }
        for (final byte[] member : members)
        {
            set.remove(new UnsafeBuffer(member), 0, member.length);
            out.bulk(member);
        }
        changed(keyspace, args, 1, set, before);
    }

    private static long mix(final long seed, final byte[] member)
    {
        long h = seed ^ member.length;
        for (final byte b : member)
        {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * @return the set the key at argument keyArg holds, or null.
     * @throws WrongTypeException if it holds another type.
     */
    private static SetValue set(final Keyspace keyspace, final RespParser args, final int keyArg)
    {
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        if (null == value || value instanceof SetValue)
        {
            return (SetValue)value;
        }
        throw WrongTypeException.INSTANCE;
    }

    private static void changed(
        final Keyspace keyspace, final RespParser args, final int keyArg, final SetValue set, final long before)
    {
        keyspace.changedInPlace(
            args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg), set.heapBytes() - before);
        if (0 == set.size())
        {
            keyspace.remove(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        }
    }

    private static void sadd(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        SetValue set = set(keyspace, args, 1);
        if (null == set)
        {
            set = new SetValue();
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), set);
        }
        final long before = set.heapBytes();
        long added = 0;
        for (int i = 2; i < args.argCount(); i++)
        {
            added += set.add(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        if (added > 0) // as Redis, a WATCH of the key sees only a change
        {
            changed(keyspace, args, 1, set, before);
        }
        out.integer(added);
    }

    private static void srem(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        if (null == set)
        {
            out.integer(0);
            return;
        }
        final long before = set.heapBytes();
        long removed = 0;
        for (int i = 2; i < args.argCount(); i++)
        {
            removed += set.remove(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        if (removed > 0)
        {
            changed(keyspace, args, 1, set, before);
        }
        out.integer(removed);
    }

    private static void smove(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue source = set(keyspace, args, 1);
        if (null == source)
        {
            // Redis checks the destination's type only once the source exists
            out.integer(0);
            return;
        }
        SetValue destination = set(keyspace, args, 2);
        if (source == destination)
        {
            out.integer(source.contains(args.argBuffer(), args.argOffset(3), args.argLength(3)) ? 1 : 0);
            return;
        }
        final long sourceBefore = source.heapBytes();
        if (!source.remove(args.argBuffer(), args.argOffset(3), args.argLength(3)))
        {
            out.integer(0);
            return;
        }
        changed(keyspace, args, 1, source, sourceBefore);
        if (null == destination)
        {
            destination = new SetValue();
            keyspace.put(args.argBuffer(), args.argOffset(2), args.argLength(2), destination);
        }
        final long destinationBefore = destination.heapBytes();
        destination.add(args.argBuffer(), args.argOffset(3), args.argLength(3));
        changed(keyspace, args, 2, destination, destinationBefore);
        out.integer(1);
    }

    private static void sismember(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        out.integer(null != set && set.contains(args.argBuffer(), args.argOffset(2), args.argLength(2)) ? 1 : 0);
    }

    private static void smismember(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        out.arrayHeader(args.argCount() - 2);
        for (int i = 2; i < args.argCount(); i++)
        {
            out.integer(null != set && set.contains(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0);
        }
    }

    private static void scard(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        out.integer(null == set ? 0 : set.size());
    }

    private static void smembers(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        if (null == set)
        {
            out.arrayHeader(0);
            return;
        }
        out.arrayHeader(set.size());
        set.forEach(out::bulk);
    }

    /**
     * SINTER, SUNION, SDIFF and their STORE forms: every key is looked up (a key of another type is an error) before
     * anything is computed; the STORE forms replace the destination, or remove it when the result is empty.
     */
    private static void combine(
        final RespParser args,
        final Keyspace keyspace,
        final RespWriter out,
        final int operation,
        final int firstKey,
        final boolean store)
    {
        final List<SetValue> sets = new ArrayList<>();
        for (int i = firstKey; i < args.argCount(); i++)
        {
            sets.add(set(keyspace, args, i));
        }
        final SetValue result = compute(sets, operation, 0);
        if (!store)
        {
            out.arrayHeader(result.size());
            result.forEach(out::bulk);
            return;
        }
        if (result.size() > 0)
        {
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), result);
        }
        else
        {
            keyspace.remove(args.argBuffer(), args.argOffset(1), args.argLength(1));
        }
        out.integer(result.size());
    }

    /**
     * @param limit for an intersection, stop at this many members; 0 for no limit.
     * @return a new set: the intersection, union or difference (the first less the others) of the sets, where null
     * is an empty set.
     */
    private static SetValue compute(final List<SetValue> sets, final int operation, final long limit)
    {
        final SetValue result = new SetValue();
        if (INTER == operation)
        {
            if (sets.contains(null))
            {
                return result;
            }
            final List<SetValue> bySize = new ArrayList<>(sets);
            bySize.sort((a, b) -> Integer.compare(a.size(), b.size()));
            final SetValue smallest = bySize.get(0);
            smallest.forEach(member ->
            {
                if (0 != limit && result.size() >= limit)
                {
                    return;
                }
                for (int i = 1; i < bySize.size(); i++)
                {
                    if (!bySize.get(i).contains(member))
                    {
                        return;
                    }
                }
                result.add(member.clone());
            });
        }
        else if (UNION == operation)
        {
            for (final SetValue set : sets)
            {
                if (null != set)
                {
                    set.forEach(member -> result.add(member.clone()));
                }
            }
        }
        else if (null != sets.get(0))
        {
            sets.get(0).forEach(member ->
            {
                for (int i = 1; i < sets.size(); i++)
                {
                    if (null != sets.get(i) && sets.get(i).contains(member))
                    {
                        return;
                    }
                }
                result.add(member.clone());
            });
        }
        return result;
    }

    private static void sintercard(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long numkeys = args.argAsLong(1);
        if (!args.lastArgWasNumber() || numkeys < 1)
        {
            out.error("ERR numkeys should be greater than 0");
            return;
        }
        if (numkeys > args.argCount() - 2)
        {
            out.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int)numkeys; j < args.argCount(); j++)
        {
            if (args.argEqualsIgnoreCase(j, LIMIT) && j < args.argCount() - 1)
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
        final List<SetValue> sets = new ArrayList<>();
        for (int i = 2; i < 2 + numkeys; i++)
        {
            sets.add(set(keyspace, args, i));
        }
        out.integer(compute(sets, INTER, limit).size());
    }

    /**
     * SRANDMEMBER: as HRANDFIELD, one member, or with a count that many distinct ones (all when the count is larger),
     * or with a negative count that many picks that may repeat.
     */
    private static void srandmember(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argCount() > 3)
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }
        long count = 0;
        if (3 == args.argCount())
        {
            count = args.argAsLong(2);
            if (!args.lastArgWasNumber())
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            if (Long.MIN_VALUE == count)
            {
                out.error("ERR value is out of range, value must between -9223372036854775807 and " +
                    "9223372036854775807");
                return;
            }
        }
        final SetValue set = set(keyspace, args, 1);
        if (args.argCount() < 3)
        {
            if (null == set)
            {
                out.nullBulk();
            }
            else
            {
                out.bulk(set.randomMember(RANDOM));
            }
            return;
        }
        if (null == set || 0 == count)
        {
            out.arrayHeader(0);
            return;
        }
        final List<byte[]> picked = new ArrayList<>();
        if (count < 0)
        {
            for (long i = 0; i < -count; i++)
            {
                picked.add(set.randomMember(RANDOM));
            }
        }
        else
        {
            set.forEach(picked::add);
            if (count < picked.size())
            {
                Collections.shuffle(picked, RANDOM);
                picked.subList((int)count, picked.size()).clear();
            }
        }
        out.arrayHeader(picked.size());
        picked.forEach(out::bulk);
    }

    private static void sscan(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final SetValue set = set(keyspace, args, 1);
        final ScanArguments options = ScanArguments.ofCollection(args, null != set, out);
        if (null == options)
        {
            return;
        }
        final List<byte[]> found = new ArrayList<>();
        final long next = set.scan(ScanArguments.collectionCursor(args), options.count, member ->
        {
            if (options.matches(member))
            {
                found.add(member);
            }
        });
        ScanArguments.reply(out, next, found);
    }
}

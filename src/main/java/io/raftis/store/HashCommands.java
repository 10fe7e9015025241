package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.raftis.store.Command.CATEGORY_HASH;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's hash commands with Redis 7's replies and errors: HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN, HSTRLEN,
 * HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN. A hash left without fields is removed,
 * as in Redis. HINCRBYFLOAT adds as INCRBYFLOAT does, in Redis's long double ({@link LongDouble}).
 * <p>
 * HRANDFIELD and HSCAN are reads: the leader picks at random for the client alone, and nothing of it enters the log.
 */
public final class HashCommands
{
    private static final byte[] WITHVALUES = "WITHVALUES".getBytes(StandardCharsets.US_ASCII);
    private static final Random RANDOM = new Random();

    private HashCommands()
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
        table.register(new Command("hset", -4, fastWrite, 1, 1, 1, CATEGORY_HASH,
            (args, keyspace, out) -> hset(args, keyspace, out, false), HashCommands::validatePairs));
        table.register(new Command("hsetnx", 4, fastWrite, 1, 1, 1, CATEGORY_HASH, HashCommands::hsetnx));
        table.register(new Command("hget", 3, fastRead, 1, 1, 1, CATEGORY_HASH, HashCommands::hget));
        table.register(new Command("hmset", -4, fastWrite, 1, 1, 1, CATEGORY_HASH,
            (args, keyspace, out) -> hset(args, keyspace, out, true), HashCommands::validatePairs));
        table.register(new Command("hmget", -3, fastRead, 1, 1, 1, CATEGORY_HASH, HashCommands::hmget));
        table.register(new Command("hincrby", 4, fastWrite, 1, 1, 1, CATEGORY_HASH, HashCommands::hincrby,
            HashCommands::validateHincrby));
        table.register(new Command("hincrbyfloat", 4, fastWrite, 1, 1, 1, CATEGORY_HASH, HashCommands::hincrbyfloat,
            HashCommands::validateHincrbyfloat));
        table.register(new Command("hdel", -3, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_HASH, HashCommands::hdel));
        table.register(new Command("hlen", 2, fastRead, 1, 1, 1, CATEGORY_HASH, HashCommands::hlen));
        table.register(new Command("hstrlen", 3, fastRead, 1, 1, 1, CATEGORY_HASH, HashCommands::hstrlen));
        table.register(new Command("hkeys", 2, FLAG_READONLY, 1, 1, 1, CATEGORY_HASH,
            (args, keyspace, out) -> hgetall(args, keyspace, out, true, false)));
        table.register(new Command("hvals", 2, FLAG_READONLY, 1, 1, 1, CATEGORY_HASH,
            (args, keyspace, out) -> hgetall(args, keyspace, out, false, true)));
        table.register(new Command("hgetall", 2, FLAG_READONLY, 1, 1, 1, CATEGORY_HASH,
            (args, keyspace, out) -> hgetall(args, keyspace, out, true, true)));
        table.register(new Command("hexists", 3, fastRead, 1, 1, 1, CATEGORY_HASH, HashCommands::hexists));
        table.register(new Command("hrandfield", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_HASH, HashCommands::hrandfield,
            HashCommands::validateHrandfield));
        table.register(new Command("hscan", -3, FLAG_READONLY, 1, 1, 1, CATEGORY_HASH, HashCommands::hscan,
            ScanArguments::validateCollectionCursor));
    }

    /**
     * @return the hash the key holds, or null.
     * @throws WrongTypeException if it holds another type.
     */
    static HashValue hash(final RespParser args, final Keyspace keyspace)
    {
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value || value instanceof HashValue)
        {
            return (HashValue)value;
        }
        throw WrongTypeException.INSTANCE;
    }

    private static HashValue hashToWrite(final RespParser args, final Keyspace keyspace)
    {
        HashValue hash = hash(args, keyspace);
        if (null == hash)
        {
            hash = new HashValue();
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), hash);
        }
        return hash;
    }

    private static String validatePairs(final RespParser args)
    {
        return 0 == args.argCount() % 2 ? null : "ERR wrong number of arguments for '" +
            args.argString(0).toLowerCase(java.util.Locale.ROOT) + "' command";
    }

    private static void hset(final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean hmset)
    {
        final HashValue hash = hashToWrite(args, keyspace);
        final long before = hash.heapBytes();
        long created = 0;
        for (int i = 2; i < args.argCount(); i += 2)
        {
            created += hash.put(args.argBuffer(), args.argOffset(i), args.argLength(i), args.argBytes(i + 1)) ? 1 : 0;
        }
        keyspace.changedInPlace(args.argBuffer(), args.argOffset(1), args.argLength(1), hash.heapBytes() - before);
        if (hmset)
        {
            out.ok();
        }
        else
        {
            out.integer(created);
        }
    }

    private static void hsetnx(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hashToWrite(args, keyspace);
        if (null != hash.get(args.argBuffer(), args.argOffset(2), args.argLength(2)))
        {
            out.integer(0);
            return;
        }
        final long before = hash.heapBytes();
        hash.put(args.argBuffer(), args.argOffset(2), args.argLength(2), args.argBytes(3));
        keyspace.changedInPlace(args.argBuffer(), args.argOffset(1), args.argLength(1), hash.heapBytes() - before);
        out.integer(1);
    }

    private static void hget(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        final byte[] value = null == hash ? null : hash.get(args.argBuffer(), args.argOffset(2), args.argLength(2));
        if (null == value)
        {
            out.nullBulk();
        }
        else
        {
            out.bulk(value);
        }
    }

    private static void hmget(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        out.arrayHeader(args.argCount() - 2);
        for (int i = 2; i < args.argCount(); i++)
        {
            final byte[] value = null == hash ? null : hash.get(args.argBuffer(), args.argOffset(i), args.argLength(i));
            if (null == value)
            {
                out.nullBulk();
            }
            else
            {
                out.bulk(value);
            }
        }
    }

    private static String validateHincrby(final RespParser args)
    {
        args.argAsLong(3);
        return args.lastArgWasNumber() ? null : ErrorReplies.NOT_AN_INTEGER;
    }

    private static void hincrby(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long increment = args.argAsLong(3);
        final HashValue existing = hash(args, keyspace);
        final DirectBuffer buffer = args.argBuffer();
        long value = 0;
        final byte[] current = null == existing ? null : existing.get(buffer, args.argOffset(2), args.argLength(2));
        if (null != current)
        {
            final long[] parsed = new long[1];
            if (!StringCommands.parseLong(current, parsed))
            {
                out.error("ERR hash value is not an integer");
                return;
            }
            value = parsed[0];
        }
        if ((increment < 0 && value < 0 && increment < Long.MIN_VALUE - value) ||
            (increment > 0 && value > 0 && increment > Long.MAX_VALUE - value))
        {
            out.error(ErrorReplies.INCREMENT_OVERFLOW);
            return;
        }
        final long result = value + increment;
        final HashValue hash = hashToWrite(args, keyspace);
        final long before = hash.heapBytes();
        hash.put(buffer, args.argOffset(2), args.argLength(2), StringCommands.formatLong(result));
        keyspace.changedInPlace(args.argBuffer(), args.argOffset(1), args.argLength(1), hash.heapBytes() - before);
        out.integer(result);
    }

    private static String validateHincrbyfloat(final RespParser args)
    {
        final LongDouble increment = LongDouble.parse(args.argBytes(3));
        if (null == increment)
        {
            return ErrorReplies.NOT_A_FLOAT;
        }
        return increment.isInfinite() ? "ERR value is NaN or Infinity" : null;
    }

    /**
     * HINCRBYFLOAT: the field's value and the increment read as Redis's long double, added in its extended
     * precision, the sum stored as the text it replies with. As in Redis the increment is checked first, then the
     * type; a missing key becomes a hash.
     */
    private static void hincrbyfloat(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final LongDouble increment = LongDouble.parse(args.argBytes(3));
        final HashValue existing = hash(args, keyspace);
        final DirectBuffer buffer = args.argBuffer();
        final byte[] current = null == existing ? null : existing.get(buffer, args.argOffset(2), args.argLength(2));
        final LongDouble value = null == current ? LongDouble.ZERO : LongDouble.parse(current);
        if (null == value)
        {
            out.error("ERR hash value is not a float");
            return;
        }
        final LongDouble sum = value.add(increment);
        if (null == sum || sum.isInfinite())
        {
            out.error(ErrorReplies.NAN_OR_INFINITY);
            return;
        }
        final byte[] text = sum.toHumanString();
        final HashValue hash = hashToWrite(args, keyspace);
        final long before = hash.heapBytes();
        hash.put(buffer, args.argOffset(2), args.argLength(2), text);
        keyspace.changedInPlace(args.argBuffer(), args.argOffset(1), args.argLength(1), hash.heapBytes() - before);
        out.bulk(text);
    }

    private static void hdel(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        if (null == hash)
        {
            out.integer(0);
            return;
        }
        final long before = hash.heapBytes();
        long removed = 0;
        for (int i = 2; i < args.argCount(); i++)
        {
            removed += hash.remove(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        if (removed > 0) // as Redis, a WATCH of the key sees only a change
        {
            keyspace.changedInPlace(
                args.argBuffer(), args.argOffset(1), args.argLength(1), hash.heapBytes() - before);
        }
        if (0 == hash.size())
        {
            keyspace.remove(args.argBuffer(), args.argOffset(1), args.argLength(1));
        }
        out.integer(removed);
    }

    private static void hlen(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        out.integer(null == hash ? 0 : hash.size());
    }

    private static void hstrlen(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        final byte[] value = null == hash ? null : hash.get(args.argBuffer(), args.argOffset(2), args.argLength(2));
        out.integer(null == value ? 0 : value.length);
    }

    private static void hexists(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        out.integer(null != hash && null != hash.get(args.argBuffer(), args.argOffset(2), args.argLength(2)) ? 1 : 0);
    }

    private static void hgetall(
        final RespParser args,
        final Keyspace keyspace,
        final RespWriter out,
        final boolean fields,
        final boolean values)
    {
        final HashValue hash = hash(args, keyspace);
        if (null == hash)
        {
            out.arrayHeader(0);
            return;
        }
        out.arrayHeader(hash.size() * ((fields ? 1 : 0) + (values ? 1 : 0)));
        hash.forEach((field, value) ->
        {
            if (fields)
            {
                out.bulk(field);
            }
            if (values)
            {
                out.bulk(value);
            }
        });
    }

    private static String validateHrandfield(final RespParser args)
    {
        if (args.argCount() < 3)
        {
            return null;
        }
        final long count = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        if (Long.MIN_VALUE == count)
        {
            return "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
        }
        if (args.argCount() > 4 || (4 == args.argCount() && !args.argEqualsIgnoreCase(3, WITHVALUES)))
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        if (4 == args.argCount() && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2))
        {
            return "ERR value is out of range";
        }
        return null;
    }

    /**
     * HRANDFIELD: one field, or with a count that many distinct fields (all of them when the count is larger), or
     * with a negative count that many picks that may repeat; WITHVALUES gives each field's value after it.
     */
    private static void hrandfield(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        if (args.argCount() < 3)
        {
            if (null == hash)
            {
                out.nullBulk();
            }
            else
            {
                out.bulk(hash.randomField(RANDOM));
            }
            return;
        }
        final long count = args.argAsLong(2);
        final boolean withValues = 4 == args.argCount();
        if (null == hash || 0 == count)
        {
            out.arrayHeader(0);
            return;
        }
        final List<byte[]> picked = new ArrayList<>();
        if (count < 0)
        {
            final long wanted = -count;
            for (long i = 0; i < wanted; i++)
            {
                picked.add(hash.randomField(RANDOM));
            }
        }
        else if (count >= hash.size())
        {
            hash.forEach((field, value) -> picked.add(field));
        }
        else
        {
            final List<byte[]> all = new ArrayList<>(hash.size());
            hash.forEach((field, value) -> all.add(field));
            java.util.Collections.shuffle(all, RANDOM);
            picked.addAll(all.subList(0, (int)count));
        }
        out.arrayHeader(picked.size() * (withValues ? 2 : 1));
        for (final byte[] field : picked)
        {
            out.bulk(field);
            if (withValues)
            {
                out.bulk(hash.get(field));
            }
        }
    }

    private static void hscan(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final HashValue hash = hash(args, keyspace);
        final ScanArguments options = ScanArguments.ofCollection(args, null != hash, out);
        if (null == options)
        {
            return;
        }
        final List<byte[]> found = new ArrayList<>();
        final long next = hash.scan(ScanArguments.collectionCursor(args), options.count, (field, value) ->
        {
            if (options.matches(field))
            {
                found.add(field);
                found.add(value);
            }
        });
        ScanArguments.reply(out, next, found);
    }
}

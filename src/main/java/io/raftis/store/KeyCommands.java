package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.raftis.store.Command.CATEGORY_DANGEROUS;
import static io.raftis.store.Command.CATEGORY_KEYSPACE;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's commands on a key's time to live and type, with Redis 7's replies and errors: EXPIRE, PEXPIRE, EXPIREAT
 * and PEXPIREAT (with NX, XX, GT and LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST and TYPE; KEYS, SCAN (MATCH,
 * COUNT, TYPE; its cursor survives resizes, see {@link Keyspace#scan(long, int, Keyspace.KeyConsumer)}), RANDOMKEY,
 * RENAME, RENAMENX, COPY (REPLACE, DB), UNLINK, TOUCH, MOVE and SWAPDB.
 * <p>
 * RANDOMKEY and SCAN are reads: the leader serves them and nothing of them enters the log.
 * <p>
 * Times count from the keyspace's clock: applying an entry, the time the leader wrote into it, so every member gives a
 * key the same expiry time; serving a read, the serving member's time. A time that has already passed removes the
 * key, as Redis does.
 */
public final class KeyCommands
{
    private static final byte[] NX = "NX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XX = "XX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GT = "GT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LT = "LT".getBytes(StandardCharsets.US_ASCII);

    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 1 << 1;
    private static final int EXPIRE_GT = 1 << 2;
    private static final int EXPIRE_LT = 1 << 3;

    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DB = "DB".getBytes(StandardCharsets.US_ASCII);
    private static final String NO_SUCH_KEY = "ERR no such key";
    private static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    private static final String SAME_OBJECT = "ERR source and destination objects are the same";
    private static final String INVALID_CURSOR = "ERR invalid cursor";
    private static final java.util.Random RANDOM = new java.util.Random();
    private static final byte[] EXPIRE = "EXPIRE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIREAT = "EXPIREAT".getBytes(StandardCharsets.US_ASCII);

    private KeyCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final int fastWrite = FLAG_WRITE | FLAG_FAST;
        final int fastRead = FLAG_READONLY | FLAG_FAST;
        table.register(new Command("expire", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, true, true), KeyCommands::validateExpire));
        table.register(new Command("pexpire", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, false, true), KeyCommands::validateExpire));
        table.register(new Command("expireat", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, true, false), KeyCommands::validateExpire));
        table.register(new Command("pexpireat", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, false, false), KeyCommands::validateExpire));
        table.register(new Command("ttl", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, false, false)));
        table.register(new Command("pttl", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, true, false)));
        table.register(new Command("expiretime", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, false, true)));
        table.register(new Command("pexpiretime", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, true, true)));
        table.register(new Command("persist", 2, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE, KeyCommands::persist));
        table.register(new Command("type", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE, KeyCommands::type));
        table.register(new Command("keys", 2, FLAG_READONLY, 0, 0, 0, CATEGORY_KEYSPACE | CATEGORY_DANGEROUS,
            KeyCommands::keys));
        table.register(new Command("scan", -2, FLAG_READONLY, 0, 0, 0, CATEGORY_KEYSPACE, KeyCommands::scan,
            KeyCommands::validateScan));
        table.register(new Command("randomkey", 1, FLAG_READONLY, 0, 0, 0, CATEGORY_KEYSPACE, KeyCommands::randomKey));
        table.register(new Command("rename", 3, FLAG_WRITE, 1, 2, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> rename(args, keyspace, out, false)));
        table.register(new Command("renamenx", 3, fastWrite, 1, 2, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> rename(args, keyspace, out, true)));
        table.register(new Command("copy", -3, FLAG_WRITE | FLAG_DENYOOM, 1, 2, 1, CATEGORY_KEYSPACE, KeyCommands::copy,
            KeyCommands::validateCopy));
        table.register(new Command("unlink", -2, fastWrite, 1, -1, 1, CATEGORY_KEYSPACE, KeyCommands::unlink));
        table.register(new Command("touch", -2, fastRead, 1, -1, 1, CATEGORY_KEYSPACE, KeyCommands::touch));
        table.register(new Command("move", 3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE, KeyCommands::move,
            KeyCommands::validateMove));
        table.register(new Command("swapdb", 3, fastWrite, 0, 0, 0, CATEGORY_KEYSPACE | CATEGORY_DANGEROUS,
            KeyCommands::swapdb, KeyCommands::validateSwapdb));
    }

    /**
     * @return the name TYPE gives a value of this class.
     */
    static String typeName(final Object value)
    {
        if (null == value)
        {
            return "none";
        }
        if (value instanceof byte[])
        {
            return "string";
        }
        if (value instanceof HashValue)
        {
            return "hash";
        }
        if (value instanceof ListValue)
        {
            return "list";
        }
        if (value instanceof SetValue)
        {
            return "set";
        }
        if (value instanceof SortedSetValue)
        {
            return "zset";
        }
        throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
    }

    /**
     * @return the {@code EXPIRE_*} bits, or -1 when an option is unknown (args' third argument on, as Redis reads
     * them).
     */
    private static int parseExpireOptions(final RespParser args)
    {
        int flags = 0;
        for (int i = 3; i < args.argCount(); i++)
        {
            if (args.argEqualsIgnoreCase(i, NX))
            {
                flags |= EXPIRE_NX;
            }
            else if (args.argEqualsIgnoreCase(i, XX))
            {
                flags |= EXPIRE_XX;
            }
            else if (args.argEqualsIgnoreCase(i, GT))
            {
                flags |= EXPIRE_GT;
            }
            else if (args.argEqualsIgnoreCase(i, LT))
            {
                flags |= EXPIRE_LT;
            }
            else
            {
                return -i - 1;
            }
        }
        return flags;
    }

    /**
     * What Redis checks before it knows the time or the key: the options, that the time is an integer, and that
     * seconds convert to milliseconds.
     */
    private static String validateExpire(final RespParser args)
    {
        final int flags = parseExpireOptions(args);
        if (flags < 0)
        {
            return "ERR Unsupported option " + args.argString(-flags - 1);
        }
        if (0 != (flags & EXPIRE_NX) && 0 != (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)))
        {
            return "ERR NX and XX, GT or LT options at the same time are not compatible";
        }
        if (0 != (flags & EXPIRE_GT) && 0 != (flags & EXPIRE_LT))
        {
            return "ERR GT and LT options at the same time are not compatible";
        }
        final long when = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        final boolean seconds = args.argEqualsIgnoreCase(0, EXPIRE) || args.argEqualsIgnoreCase(0, EXPIREAT);
        if (seconds && (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000))
        {
            return ErrorReplies.invalidExpireTime(args.argString(0).toLowerCase(java.util.Locale.ROOT));
        }
        return null;
    }

    private static void expire(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean seconds,
        final boolean relative)
    {
        final String name = seconds ? (relative ? "expire" : "expireat") : (relative ? "pexpire" : "pexpireat");
        final String invalid = validateExpire(args);
        if (null != invalid)
        {
            out.error(invalid); // checked before it was proposed: only a log written by something else gets here
            return;
        }
        final int flags = parseExpireOptions(args);
        long when = args.argAsLong(2);
        if (seconds)
        {
            when *= 1000;
        }
        final long base = relative ? keyspace.nowMs() : 0;
        if (when > Long.MAX_VALUE - base)
        {
            out.error(ErrorReplies.invalidExpireTime(name));
            return;
        }
        when += base;

        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final long current = keyspace.expireAt(buffer, keyOffset, keyLength);
        if (-2 == current)
        {
            out.integer(0);
            return;
        }
        if ((0 != (flags & EXPIRE_NX) && -1 != current) ||
            (0 != (flags & EXPIRE_XX) && -1 == current) ||
            (0 != (flags & EXPIRE_GT) && (-1 == current || when <= current)) ||
            (0 != (flags & EXPIRE_LT) && -1 != current && when >= current))
        {
            out.integer(0);
            return;
        }
        keyspace.expire(buffer, keyOffset, keyLength, when);
        out.integer(1);
    }

    private static void ttl(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean millis,
        final boolean absolute)
    {
        final long expireAt = keyspace.expireAt(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (expireAt < 0)
        {
            out.integer(expireAt);
            return;
        }
        final long ttl = Math.max(0, absolute ? expireAt : expireAt - keyspace.nowMs());
        out.integer(millis ? ttl : (ttl + 500) / 1000);
    }

    private static void persist(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.integer(keyspace.persist(args.argBuffer(), args.argOffset(1), args.argLength(1)) ? 1 : 0);
    }

    private static void type(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.simpleString(typeName(keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1))));
    }

    private static void keys(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final java.util.ArrayList<byte[]> found = new java.util.ArrayList<>();
        final DirectBuffer buffer = args.argBuffer();
        final int offset = args.argOffset(1);
        final int length = args.argLength(1);
        final boolean all = 1 == length && '*' == buffer.getByte(offset);
        keyspace.forEach((key, value) ->
        {
            if (all || Glob.matches(buffer, offset, length, key, false))
            {
                found.add(key);
            }
        });
        out.arrayHeader(found.size());
        for (final byte[] key : found)
        {
            out.bulk(key);
        }
    }

    /**
     * SCAN's cursor as Redis reads it with strtoul: an optional sign and decimal digits, no leading space, at most
     * 2^64 - 1 in magnitude; a '-' negates it modulo 2^64, and an empty cursor is 0.
     *
     * @return the cursor, or null when it is invalid (then the reply is "invalid cursor").
     */
    static Long parseCursor(final String text)
    {
        if (text.isEmpty())
        {
            return 0L;
        }
        final char first = text.charAt(0);
        final boolean negative = '-' == first;
        final int digits = negative || '+' == first ? 1 : 0;
        if (text.length() == digits)
        {
            return null;
        }
        long value = 0;
        for (int i = digits; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9' || Long.compareUnsigned(value, Long.divideUnsigned(-1L, 10)) > 0)
            {
                return null;
            }
            final long next = value * 10 + (c - '0');
            if (Long.compareUnsigned(next, value * 10) < 0)
            {
                return null; // past 2^64 - 1
            }
            value = next;
        }
        return negative ? -value : value;
    }

    private static String validateScan(final RespParser args)
    {
        return null == parseCursor(args.argString(1)) ? INVALID_CURSOR : ScanArguments.error(args, 2, true);
    }

    private static void scan(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long cursor = parseCursor(args.argString(1));
        final ScanArguments options = new ScanArguments(args, 2);
        final java.util.ArrayList<byte[]> found = new java.util.ArrayList<>();
        final long next = keyspace.scan(cursor, options.count, (key, value) ->
        {
            if (options.matches(key) && (null == options.type || options.type.equalsIgnoreCase(typeName(value))))
            {
                found.add(key);
            }
        });
        ScanArguments.reply(out, next, found);
    }

    private static void randomKey(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final byte[] key = keyspace.randomKey(RANDOM);
        if (null == key)
        {
            out.nullBulk();
        }
        else
        {
            out.bulk(key);
        }
    }

    private static void rename(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean onlyIfAbsent)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int offset = args.argOffset(1);
        final int length = args.argLength(1);
        if (null == keyspace.get(buffer, offset, length))
        {
            out.error(NO_SUCH_KEY);
            return;
        }
        if (sameBytes(args, 1, 2))
        {
            if (onlyIfAbsent)
            {
                out.integer(0);
            }
            else
            {
                out.ok();
            }
            return;
        }
        final boolean renamed = keyspace.rename(buffer, offset, length, args.argOffset(2), args.argLength(2),
            onlyIfAbsent);
        if (onlyIfAbsent)
        {
            out.integer(renamed ? 1 : 0);
        }
        else
        {
            out.ok();
        }
    }

    private static boolean sameBytes(final RespParser args, final int a, final int b)
    {
        final int length = args.argLength(a);
        if (length != args.argLength(b))
        {
            return false;
        }
        final DirectBuffer buffer = args.argBuffer();
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(args.argOffset(a) + i) != buffer.getByte(args.argOffset(b) + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * COPY's options as Redis reads them: REPLACE, and DB with a database number; then the source and destination
     * must differ.
     */
    private static String validateCopy(final RespParser args)
    {
        for (int i = 3, count = args.argCount(); i < count; i++)
        {
            if (args.argEqualsIgnoreCase(i, REPLACE))
            {
                continue;
            }
            if (args.argEqualsIgnoreCase(i, DB) && i + 1 < count)
            {
                final long db = args.argAsLong(i + 1);
                if (!args.lastArgWasNumber() || db < Integer.MIN_VALUE || db > Integer.MAX_VALUE)
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
                if (!Databases.exists(db))
                {
                    return DB_OUT_OF_RANGE;
                }
                i++;
                continue;
            }
            return ErrorReplies.SYNTAX_ERROR;
        }
        return null;
    }

    private static void copy(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        boolean replace = false;
        Keyspace target = keyspace;
        for (int i = 3; i < args.argCount(); i++)
        {
            if (args.argEqualsIgnoreCase(i, REPLACE))
            {
                replace = true;
            }
            else
            {
                target = database(keyspace, args.argAsLong(++i));
                if (null == target)
                {
                    out.error(DB_OUT_OF_RANGE);
                    return;
                }
            }
        }
        if (target == keyspace && sameBytes(args, 1, 2))
        {
            out.error(SAME_OBJECT);
            return;
        }
        final DirectBuffer buffer = args.argBuffer();
        out.integer(keyspace.copy(buffer, args.argOffset(1), args.argLength(1), target, buffer, args.argOffset(2),
            args.argLength(2), replace) ? 1 : 0);
    }

    /**
     * @return the database of that number beside this one, or null if there is none.
     */
    private static Keyspace database(final Keyspace keyspace, final long id)
    {
        if (null == keyspace.databases())
        {
            return id == keyspace.id() ? keyspace : null;
        }
        return Databases.exists(id) ? keyspace.databases().get((int)id) : null;
    }

    private static String validateMove(final RespParser args)
    {
        final long db = args.argAsLong(2);
        if (!args.lastArgWasNumber() || db < Integer.MIN_VALUE || db > Integer.MAX_VALUE)
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        return Databases.exists(db) ? null : DB_OUT_OF_RANGE;
    }

    /**
     * MOVE: the key and its time to live to another database, unless the key is there already.
     */
    private static void move(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final Keyspace target = database(keyspace, args.argAsLong(2));
        if (null == target)
        {
            out.error(DB_OUT_OF_RANGE);
            return;
        }
        if (target == keyspace)
        {
            out.error(SAME_OBJECT);
            return;
        }
        final DirectBuffer buffer = args.argBuffer();
        final int offset = args.argOffset(1);
        final int length = args.argLength(1);
        if (null == keyspace.get(buffer, offset, length) || null != target.get(buffer, offset, length))
        {
            out.integer(0);
            return;
        }
        keyspace.copy(buffer, offset, length, target, buffer, offset, length, false);
        keyspace.remove(buffer, offset, length);
        out.integer(1);
    }

    private static String validateSwapdb(final RespParser args)
    {
        final long first = args.argAsLong(1);
        if (!args.lastArgWasNumber() || first < Integer.MIN_VALUE || first > Integer.MAX_VALUE)
        {
            return "ERR invalid first DB index";
        }
        final long second = args.argAsLong(2);
        if (!args.lastArgWasNumber() || second < Integer.MIN_VALUE || second > Integer.MAX_VALUE)
        {
            return "ERR invalid second DB index";
        }
        return Databases.exists(first) && Databases.exists(second) ? null : DB_OUT_OF_RANGE;
    }

    private static void swapdb(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final Databases databases = keyspace.databases();
        final long first = args.argAsLong(1);
        final long second = args.argAsLong(2);
        if (null == databases)
        {
            out.error(DB_OUT_OF_RANGE);
            return;
        }
        databases.swap((int)first, (int)second);
        out.ok();
    }

    private static void unlink(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        long removed = 0;
        for (int i = 1; i < args.argCount(); i++)
        {
            removed += keyspace.remove(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        out.integer(removed);
    }

    private static void touch(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        long found = 0;
        for (int i = 1; i < args.argCount(); i++)
        {
            found += keyspace.containsKey(args.argBuffer(), args.argOffset(i), args.argLength(i)) ? 1 : 0;
        }
        out.integer(found);
    }
}

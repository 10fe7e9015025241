package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.AsciiEncoding;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.raftis.store.Command.CATEGORY_DANGEROUS;
import static io.raftis.store.Command.CATEGORY_KEYSPACE;
import static io.raftis.store.Command.CATEGORY_STRING;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's string commands and the keyspace commands that go with them, with Redis 7's replies: GET, SET, SETNX,
 * GETSET, DEL, EXISTS, MGET, MSET, MSETNX, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, GETRANGE, SUBSTR,
 * SETRANGE, STRLEN, LCS, DBSIZE, FLUSHDB and FLUSHALL.
 * <p>
 * A string is stored as the {@code byte[]} of its bytes; INCR and friends store their result as the decimal text of
 * the number, as Redis replies with it. SET takes NX, XX and GET in any order and case (NX with XX is a syntax
 * error; NX with GET is allowed, as in Redis 7), and EX, PX, EXAT, PXAT or KEEPTTL; SETEX, PSETEX, GETEX and GETDEL
 * too. EX and PX count from the keyspace's clock, which applying an entry sets to the time the leader wrote into it,
 * so every member gives a key the same expiry time. INCR and APPEND keep a key's time to live, as in Redis; SET
 * without KEEPTTL and GETSET drop it. FLUSHDB and FLUSHALL accept ASYNC or SYNC
 * and flush synchronously either way: FLUSHDB the connection's database, FLUSHALL all of them.
 * <p>
 * INCRBYFLOAT computes in the x87 extended precision of Redis's {@code long double} ({@link LongDouble}) and stores
 * the result's text, as Redis does. SETRANGE changes a string in place while it keeps its length, and grows it with
 * zeros up to the maximum string length; GETRANGE of a number reads its decimal text, which is what raftis stores.
 */
public final class StringCommands
{
    /**
     * Default longest string APPEND may build: Redis's default proto-max-bulk-len.
     */
    public static final long DEFAULT_MAX_STRING_LENGTH = RespParser.MAX_BULK_LENGTH;

    /**
     * Largest maximum string length: the longest byte[] a JVM reliably allocates.
     */
    public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final byte[] NX = ascii("NX");
    private static final byte[] XX = ascii("XX");
    private static final byte[] GET = ascii("GET");
    private static final byte[] SYNC = ascii("SYNC");
    private static final byte[] FLUSHALL = ascii("FLUSHALL");
    private static final byte[] ASYNC = ascii("ASYNC");

    private static final byte[] EX = ascii("EX");
    private static final byte[] PX = ascii("PX");
    private static final byte[] EXAT = ascii("EXAT");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] KEEPTTL = ascii("KEEPTTL");
    private static final byte[] PERSIST = ascii("PERSIST");

    private static final int SET_NX = 1;
    private static final int SET_XX = 1 << 1;
    private static final int SET_GET = 1 << 2;
    private static final int SET_EX = 1 << 3;
    private static final int SET_PX = 1 << 4;
    private static final int SET_EXAT = 1 << 5;
    private static final int SET_PXAT = 1 << 6;
    private static final int SET_KEEPTTL = 1 << 7;
    private static final int SET_PERSIST = 1 << 8;
    /** Options of SET and GETEX keep the index of the expiry's argument from this bit up. */
    private static final int EXPIRE_ARG_SHIFT = 9;
    private static final int SET_SYNTAX_ERROR = -1;
    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private static final int MAX_LONG_LENGTH = 20;

    private static final String MSET_ARITY_ERROR = "ERR wrong number of arguments for 'mset' command";
    private static final String MSETNX_ARITY_ERROR = "ERR wrong number of arguments for 'msetnx' command";
    private static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
    private static final byte[] EMPTY = new byte[0];

    private final long maxStringLength;
    private final long[] parsedValue = new long[1];

    private StringCommands(final long maxStringLength)
    {
        this.maxStringLength = maxStringLength;
    }

    /**
     * Register the commands with Redis's default maximum string length.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        register(table, DEFAULT_MAX_STRING_LENGTH);
    }

    /**
     * Register the commands.
     *
     * @param table           to register with.
     * @param maxStringLength longest string APPEND may build (Redis's proto-max-bulk-len), at most
     *                        {@link #MAX_ARRAY_LENGTH}; it must be the same on every node, as it decides whether an
     *                        APPEND is applied.
     */
    public static void register(final CommandTable table, final long maxStringLength)
    {
        if (maxStringLength < 1 || maxStringLength > MAX_ARRAY_LENGTH)
        {
            throw new IllegalArgumentException(
                "maxStringLength must be in [1, " + MAX_ARRAY_LENGTH + "]: " + maxStringLength);
        }

        final StringCommands commands = new StringCommands(maxStringLength);
        final int fastWrite = FLAG_WRITE | FLAG_DENYOOM | FLAG_FAST;
        final int fastRead = FLAG_READONLY | FLAG_FAST;

        table.register(new Command("get", 2, fastRead, 1, 1, 1, CATEGORY_STRING, StringCommands::get));
        table.register(new Command(
            "set", -3, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_STRING, StringCommands::set,
            StringCommands::validateSet));
        table.register(new Command(
            "setex", 4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_STRING, StringCommands::setex,
            StringCommands::validateSetex));
        table.register(new Command(
            "psetex", 4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_STRING, StringCommands::psetex,
            StringCommands::validatePsetex));
        table.register(new Command(
            "getex", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_STRING, StringCommands::getex,
            StringCommands::validateGetex));
        table.register(new Command("getdel", 2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_STRING,
            StringCommands::getdel));
        table.register(new Command("setnx", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, StringCommands::setnx));
        table.register(new Command("getset", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, StringCommands::getset));
        table.register(new Command("del", -2, FLAG_WRITE, 1, -1, 1, CATEGORY_KEYSPACE, StringCommands::del));
        table.register(new Command("exists", -2, fastRead, 1, -1, 1, CATEGORY_KEYSPACE, StringCommands::exists));
        table.register(new Command("mget", -2, fastRead, 1, -1, 1, CATEGORY_STRING, StringCommands::mget));
        table.register(new Command(
            "mset", -3, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 2, CATEGORY_STRING, StringCommands::mset,
            StringCommands::validateMset));
        table.register(new Command(
            "msetnx", -3, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 2, CATEGORY_STRING, StringCommands::msetnx,
            StringCommands::validateMsetnx));
        table.register(new Command("incr", 2, fastWrite, 1, 1, 1, CATEGORY_STRING, commands::incr));
        table.register(new Command("decr", 2, fastWrite, 1, 1, 1, CATEGORY_STRING, commands::decr));
        table.register(new Command(
            "incrby", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, commands::incrby, StringCommands::validateIncrby));
        table.register(new Command(
            "decrby", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, commands::decrby, StringCommands::validateDecrby));
        table.register(new Command(
            "incrbyfloat", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, StringCommands::incrbyfloat));
        table.register(new Command("append", 3, fastWrite, 1, 1, 1, CATEGORY_STRING, commands::append));
        table.register(new Command(
            "getrange", 4, FLAG_READONLY, 1, 1, 1, CATEGORY_STRING, StringCommands::getrange,
            StringCommands::validateGetrange));
        table.register(new Command(
            "substr", 4, FLAG_READONLY, 1, 1, 1, CATEGORY_STRING, StringCommands::getrange,
            StringCommands::validateGetrange));
        table.register(new Command(
            "setrange", 4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_STRING, commands::setrange,
            StringCommands::validateSetrange, (args, keyspace) -> Math.min(
            args.argAsLong(2) + args.argLength(3), maxStringLength)));
        table.register(new Command("strlen", 2, fastRead, 1, 1, 1, CATEGORY_STRING, StringCommands::strlen));
        table.register(new Command("lcs", -3, FLAG_READONLY, 1, 2, 1, CATEGORY_STRING,
            (args, keyspace, out) -> Lcs.lcs(args, keyspace, out, maxStringLength)));
        table.register(new Command("dbsize", 1, fastRead, 0, 0, 0, CATEGORY_KEYSPACE, StringCommands::dbsize));
        table.register(new Command(
            "flushdb", -1, FLAG_WRITE, 0, 0, 0, CATEGORY_KEYSPACE | CATEGORY_DANGEROUS, StringCommands::flush,
            StringCommands::validateFlush));
        table.register(new Command(
            "flushall", -1, FLAG_WRITE, 0, 0, 0, CATEGORY_KEYSPACE | CATEGORY_DANGEROUS, StringCommands::flush,
            StringCommands::validateFlush));
    }

    /**
     * The decimal text of a number, as Redis stores and replies with it.
     *
     * @param value to format.
     * @return a new array of exactly the digits (and sign).
     */
    static byte[] formatLong(final long value)
    {
        final int length;
        if (value >= 0)
        {
            length = AsciiEncoding.digitCount(value);
        }
        else if (Long.MIN_VALUE == value)
        {
            length = MAX_LONG_LENGTH;
        }
        else
        {
            length = 1 + AsciiEncoding.digitCount(-value);
        }

        final byte[] digits = new byte[length];
        long remaining = value;
        int index = length - 1;
        if (value < 0)
        {
            digits[0] = '-';
            do
            {
                digits[index--] = (byte)('0' - (remaining % 10));
                remaining /= 10;
            }
            while (0 != remaining);
        }
        else
        {
            do
            {
                digits[index--] = (byte)('0' + (remaining % 10));
                remaining /= 10;
            }
            while (0 != remaining);
        }

        return digits;
    }

    /**
     * Parse a stored string as a 64-bit integer with Redis's string2ll rules: an optional '-', then either "0" or
     * digits not starting with '0', at most 20 characters in all, within the range of a long.
     *
     * @param text  the stored string.
     * @param into  receives the number at index 0.
     * @return true and the number in into, or false if it is not such a number.
     */
    static boolean parseLong(final byte[] text, final long[] into)
    {
        final long[] parsedValue = into;
        final int length = text.length;
        if (0 == length || length > MAX_LONG_LENGTH)
        {
            return false;
        }

        if (1 == length && '0' == text[0])
        {
            parsedValue[0] = 0;
            return true;
        }

        final boolean negative = '-' == text[0];
        int index = negative ? 1 : 0;
        if (index == length || text[index] < '1' || text[index] > '9')
        {
            return false;
        }

        // accumulate negatively so that Long.MIN_VALUE is reachable
        long value = 0;
        for (; index < length; index++)
        {
            final int digit = text[index] - '0';
            if (digit < 0 || digit > 9)
            {
                return false;
            }
            if (value < (Long.MIN_VALUE + digit) / 10)
            {
                return false;
            }
            value = value * 10 - digit;
        }

        if (!negative)
        {
            if (Long.MIN_VALUE == value)
            {
                return false;
            }
            value = -value;
        }

        parsedValue[0] = value;
        return true;
    }

    /**
     * The string a command changes in place, at least minLength bytes long: the key's own array while it is that
     * long, else a copy padded with zeros that replaces it and keeps the key's time to live, or a new string of zeros
     * for a missing key, as Redis grows a string for SETRANGE, SETBIT and BITFIELD. The keyspace counts the change in
     * its used memory; the caller then writes into the array.
     *
     * @param keyspace  holding the key.
     * @param buffer    holding the key.
     * @param offset    of the key in the buffer.
     * @param length    of the key.
     * @param current   the key's string, or null if it has none.
     * @param minLength the length the string must have at least.
     * @return the array the key holds, to be written into.
     */
    static byte[] stringToChange(
        final Keyspace keyspace,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final byte[] current,
        final int minLength)
    {
        if (null == current)
        {
            final byte[] value = new byte[minLength];
            keyspace.put(buffer, offset, length, value);
            return value;
        }
        if (current.length >= minLength)
        {
            keyspace.changedInPlace(buffer, offset, length, 0);
            return current;
        }
        final byte[] value = Arrays.copyOf(current, minLength);
        keyspace.putKeepTtl(buffer, offset, length, value);
        return value;
    }

    private static void get(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value)
        {
            out.nullBulk();
        }
        else
        {
            out.bulk(value);
        }
    }

    private static String validateSet(final RespParser args)
    {
        final int options = parseSetOptions(args, 3, false);
        if (SET_SYNTAX_ERROR == options)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        return validateExpireArgument(args, options, "set");
    }

    /**
     * Parse the options of SET (from index 3) or GETEX (from index 2) as Redis 7 does: NX, XX and GET for SET,
     * PERSIST for GETEX, one of EX, PX, EXAT, PXAT (which take the next argument) and, for SET, KEEPTTL; any
     * other, or one that conflicts with an earlier one, is a syntax error.
     *
     * @return the {@code SET_*} bits, with the index of the expiry's argument above {@link #EXPIRE_ARG_SHIFT}, or
     * {@link #SET_SYNTAX_ERROR}.
     */
    static int parseSetOptions(final RespParser args, final int from, final boolean getex)
    {
        int options = 0;
        int expireArg = 0;
        for (int i = from, count = args.argCount(); i < count; i++)
        {
            final boolean hasNext = i < count - 1;
            final int timed = options & (SET_EX | SET_PX | SET_EXAT | SET_PXAT);
            if (!getex && args.argEqualsIgnoreCase(i, NX) && 0 == (options & SET_XX))
            {
                options |= SET_NX;
            }
            else if (!getex && args.argEqualsIgnoreCase(i, XX) && 0 == (options & SET_NX))
            {
                options |= SET_XX;
            }
            else if (!getex && args.argEqualsIgnoreCase(i, GET))
            {
                options |= SET_GET;
            }
            else if (!getex && args.argEqualsIgnoreCase(i, KEEPTTL) && 0 == timed)
            {
                options |= SET_KEEPTTL;
            }
            else if (getex && args.argEqualsIgnoreCase(i, PERSIST) && 0 == timed)
            {
                options |= SET_PERSIST;
            }
            else if (hasNext && 0 == (options & (SET_KEEPTTL | SET_PERSIST)) &&
                (0 == timed || timedOption(args, i) == timed) && 0 != timedOption(args, i))
            {
                // the same unit may be given again, the last one counts; another unit is a syntax error
                options |= timedOption(args, i);
                expireArg = ++i;
            }
            else
            {
                return SET_SYNTAX_ERROR;
            }
        }
        return options | (expireArg << EXPIRE_ARG_SHIFT);
    }

    private static int timedOption(final RespParser args, final int index)
    {
        if (args.argEqualsIgnoreCase(index, EX))
        {
            return SET_EX;
        }
        if (args.argEqualsIgnoreCase(index, PX))
        {
            return SET_PX;
        }
        if (args.argEqualsIgnoreCase(index, EXAT))
        {
            return SET_EXAT;
        }
        if (args.argEqualsIgnoreCase(index, PXAT))
        {
            return SET_PXAT;
        }
        return 0;
    }

    /**
     * What Redis checks of an expiry's argument before it knows the time: an integer, positive, and in seconds
     * small enough to count in milliseconds.
     *
     * @return null, or the error.
     */
    static String validateExpireArgument(final RespParser args, final int options, final String command)
    {
        final int expireArg = options >>> EXPIRE_ARG_SHIFT;
        if (0 == expireArg)
        {
            return null;
        }
        final long value = args.argAsLong(expireArg);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        final boolean seconds = 0 != (options & (SET_EX | SET_EXAT));
        if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000))
        {
            return ErrorReplies.invalidExpireTime(command);
        }
        return null;
    }

    /**
     * The time at which the expiry the options name falls, counted from the keyspace's clock for EX and PX.
     *
     * @return milliseconds since the epoch; 0 without an expiry; {@link #NOT_A_NUMBER} when the argument is not an
     * integer; -1 when it is out of range or the sum overflows, which Redis answers with "invalid expire time".
     */
    static long expireAtMs(final RespParser args, final int options, final Keyspace keyspace)
    {
        final int expireArg = options >>> EXPIRE_ARG_SHIFT;
        if (0 == expireArg)
        {
            return 0;
        }
        long value = args.argAsLong(expireArg);
        if (!args.lastArgWasNumber())
        {
            return NOT_A_NUMBER;
        }
        final boolean seconds = 0 != (options & (SET_EX | SET_EXAT));
        if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000))
        {
            return -1;
        }
        if (seconds)
        {
            value *= 1000;
        }
        if (0 != (options & (SET_EX | SET_PX)))
        {
            value += keyspace.nowMs();
        }
        return value <= 0 ? -1 : value;
    }

    private static void set(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final int options = parseSetOptions(args, 3, false);

        if (0 == options)
        {
            keyspace.put(buffer, keyOffset, keyLength, args.argBytes(2));
            out.ok();
            return;
        }
        final long expireAtMs = expireAtMs(args, options, keyspace);
        if (expireAtMs < 0)
        {
            out.error(ErrorReplies.invalidExpireTime("set"));
            return;
        }

        final boolean found;
        byte[] previous = null;
        if (0 != (options & SET_GET))
        {
            previous = keyspace.getString(buffer, keyOffset, keyLength);
            found = null != previous;
        }
        else
        {
            found = keyspace.containsKey(buffer, keyOffset, keyLength);
        }

        final boolean skip = (0 != (options & SET_NX) && found) || (0 != (options & SET_XX) && !found);
        if (!skip)
        {
            if (0 != (options & SET_KEEPTTL))
            {
                keyspace.putKeepTtl(buffer, keyOffset, keyLength, args.argBytes(2));
            }
            else
            {
                keyspace.put(buffer, keyOffset, keyLength, args.argBytes(2), expireAtMs);
            }
        }

        if (0 != (options & SET_GET))
        {
            if (null == previous)
            {
                out.nullBulk();
            }
            else
            {
                out.bulk(previous);
            }
        }
        else if (skip)
        {
            out.nullBulk();
        }
        else
        {
            out.ok();
        }
    }

    private static String validateSetex(final RespParser args)
    {
        return validateExpireArgument(args, SET_EX | (2 << EXPIRE_ARG_SHIFT), "setex");
    }

    private static String validatePsetex(final RespParser args)
    {
        return validateExpireArgument(args, SET_PX | (2 << EXPIRE_ARG_SHIFT), "psetex");
    }

    private static void setex(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        setWithExpiry(args, keyspace, out, SET_EX, "setex");
    }

    private static void psetex(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        setWithExpiry(args, keyspace, out, SET_PX, "psetex");
    }

    private static void setWithExpiry(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int unit, final String command)
    {
        final long expireAtMs = expireAtMs(args, unit | (2 << EXPIRE_ARG_SHIFT), keyspace);
        if (expireAtMs < 0)
        {
            out.error(ErrorReplies.invalidExpireTime(command));
            return;
        }
        keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), args.argBytes(3), expireAtMs);
        out.ok();
    }

    private static String validateGetex(final RespParser args)
    {
        return SET_SYNTAX_ERROR == parseSetOptions(args, 2, true) ? ErrorReplies.SYNTAX_ERROR : null;
    }

    /**
     * GETEX: the value, then the new expiry or PERSIST; as in Redis, a missing key answers nil before the expiry's
     * argument is looked at.
     */
    private static void getex(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final int options = parseSetOptions(args, 2, true);
        final byte[] value = keyspace.getString(buffer, keyOffset, keyLength);
        if (null == value)
        {
            out.nullBulk();
            return;
        }
        final long expireAtMs = expireAtMs(args, options, keyspace);
        if (expireAtMs < 0)
        {
            out.error(
                NOT_A_NUMBER == expireAtMs ? ErrorReplies.NOT_AN_INTEGER : ErrorReplies.invalidExpireTime("getex"));
            return;
        }
        out.bulk(value);
        if (expireAtMs > 0)
        {
            keyspace.expire(buffer, keyOffset, keyLength, expireAtMs);
        }
        else if (0 != (options & SET_PERSIST))
        {
            keyspace.persist(buffer, keyOffset, keyLength);
        }
    }

    private static void getdel(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final byte[] value = keyspace.getString(buffer, keyOffset, keyLength);
        if (null == value)
        {
            out.nullBulk();
            return;
        }
        keyspace.remove(buffer, keyOffset, keyLength);
        out.bulk(value);
    }

    private static void setnx(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);

        if (keyspace.containsKey(buffer, keyOffset, keyLength))
        {
            out.integer(0);
        }
        else
        {
            keyspace.put(buffer, keyOffset, keyLength, args.argBytes(2));
            out.integer(1);
        }
    }

    private static void getset(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);

        final byte[] previous = keyspace.getString(buffer, keyOffset, keyLength);
        keyspace.put(buffer, keyOffset, keyLength, args.argBytes(2));
        if (null == previous)
        {
            out.nullBulk();
        }
        else
        {
            out.bulk(previous);
        }
    }

    private static void del(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        long removed = 0;
        for (int i = 1, count = args.argCount(); i < count; i++)
        {
            if (keyspace.remove(buffer, args.argOffset(i), args.argLength(i)))
            {
                removed++;
            }
        }

        out.integer(removed);
    }

    private static void exists(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        long found = 0;
        for (int i = 1, count = args.argCount(); i < count; i++)
        {
            if (keyspace.containsKey(buffer, args.argOffset(i), args.argLength(i)))
            {
                found++;
            }
        }

        out.integer(found);
    }

    private static void mget(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int count = args.argCount();
        out.arrayHeader(count - 1);
        for (int i = 1; i < count; i++)
        {
            final Object value = keyspace.get(buffer, args.argOffset(i), args.argLength(i));
            if (value instanceof byte[])
            {
                out.bulk((byte[])value);
            }
            else
            {
                out.nullBulk();
            }
        }
    }

    private static String validateMset(final RespParser args)
    {
        return 0 == (args.argCount() & 1) ? MSET_ARITY_ERROR : null;
    }

    private static void mset(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        for (int i = 1, count = args.argCount(); i < count; i += 2)
        {
            keyspace.put(buffer, args.argOffset(i), args.argLength(i), args.argBytes(i + 1));
        }

        out.ok();
    }

    private static String validateMsetnx(final RespParser args)
    {
        return 0 == (args.argCount() & 1) ? MSETNX_ARITY_ERROR : null;
    }

    /**
     * MSETNX: every pair, or none when any of the keys exists.
     */
    private static void msetnx(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int count = args.argCount();
        for (int i = 1; i < count; i += 2)
        {
            if (keyspace.containsKey(buffer, args.argOffset(i), args.argLength(i)))
            {
                out.integer(0);
                return;
            }
        }
        for (int i = 1; i < count; i += 2)
        {
            keyspace.put(buffer, args.argOffset(i), args.argLength(i), args.argBytes(i + 1));
        }
        out.integer(1);
    }

    private static String validateIncrby(final RespParser args)
    {
        args.argAsLong(2);
        return args.lastArgWasNumber() ? null : ErrorReplies.NOT_AN_INTEGER;
    }

    private static String validateDecrby(final RespParser args)
    {
        final long decrement = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }

        // negating Long.MIN_VALUE would overflow
        return Long.MIN_VALUE == decrement ? ErrorReplies.DECREMENT_OVERFLOW : null;
    }

    private void incr(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        incrementBy(args, keyspace, out, 1);
    }

    private void decr(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        incrementBy(args, keyspace, out, -1);
    }

    private void incrby(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        incrementBy(args, keyspace, out, args.argAsLong(2));
    }

    private void decrby(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        incrementBy(args, keyspace, out, -args.argAsLong(2));
    }

    private void incrementBy(final RespParser args, final Keyspace keyspace, final RespWriter out, final long delta)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);

        final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
        long value = 0;
        if (null != current)
        {
            if (!parseLong(current, parsedValue))
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            value = parsedValue[0];
        }

        if ((delta < 0 && value < 0 && delta < Long.MIN_VALUE - value) ||
            (delta > 0 && value > 0 && delta > Long.MAX_VALUE - value))
        {
            out.error(ErrorReplies.INCREMENT_OVERFLOW);
            return;
        }

        final long result = value + delta;
        keyspace.putKeepTtl(buffer, keyOffset, keyLength, formatLong(result));
        out.integer(result);
    }

    /**
     * INCRBYFLOAT: the stored text and the increment read as Redis's long double, added in its extended precision,
     * the sum stored as the text it replies with; the key keeps its time to live. As in Redis, the type is checked
     * first, then the stored value, then the increment.
     */
    private static void incrbyfloat(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);

        final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
        final LongDouble value = null == current ? LongDouble.ZERO : LongDouble.parse(current);
        final LongDouble increment = null == value ? null : LongDouble.parse(args.argBytes(2));
        if (null == increment)
        {
            out.error(ErrorReplies.NOT_A_FLOAT);
            return;
        }
        final LongDouble sum = value.add(increment);
        if (null == sum || sum.isInfinite())
        {
            out.error(ErrorReplies.NAN_OR_INFINITY);
            return;
        }
        final byte[] text = sum.toHumanString();
        keyspace.putKeepTtl(buffer, keyOffset, keyLength, text);
        out.bulk(text);
    }

    private void append(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);

        final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
        if (null == current)
        {
            final byte[] value = args.argBytes(2);
            keyspace.put(buffer, keyOffset, keyLength, value);
            out.integer(value.length);
            return;
        }

        final int appendLength = args.argLength(2);
        final long totalLength = (long)current.length + appendLength;
        if (totalLength > maxStringLength)
        {
            out.error(ErrorReplies.STRING_TOO_LONG);
            return;
        }

        final byte[] value = new byte[(int)totalLength];
        System.arraycopy(current, 0, value, 0, current.length);
        buffer.getBytes(args.argOffset(2), value, current.length, appendLength);
        keyspace.putKeepTtl(buffer, keyOffset, keyLength, value);
        out.integer(totalLength);
    }

    private static String validateGetrange(final RespParser args)
    {
        args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        args.argAsLong(3);
        return args.lastArgWasNumber() ? null : ErrorReplies.NOT_AN_INTEGER;
    }

    /**
     * GETRANGE and SUBSTR: the bytes from start to end, both included, negative ones counting from the end.
     */
    private static void getrange(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        long start = args.argAsLong(2);
        long end = args.argAsLong(3);
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value || (start < 0 && end < 0 && start > end))
        {
            out.bulk(EMPTY);
            return;
        }
        final long length = value.length;
        if (start < 0)
        {
            start = Math.max(0, length + start);
        }
        if (end < 0)
        {
            end = Math.max(0, length + end);
        }
        end = Math.min(end, length - 1);
        if (start > end || 0 == length)
        {
            out.bulk(EMPTY);
        }
        else
        {
            out.bulk(value, (int)start, (int)(end - start + 1));
        }
    }

    private static String validateSetrange(final RespParser args)
    {
        final long offset = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        return offset < 0 ? OFFSET_OUT_OF_RANGE : null;
    }

    /**
     * SETRANGE: write the value at the offset, padding the string with zeros up to it; an empty value changes
     * nothing, not even a missing key. The string's length is what it answers.
     */
    private void setrange(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final long offset = args.argAsLong(2);
        final int valueLength = args.argLength(3);

        final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
        if (0 == valueLength)
        {
            out.integer(null == current ? 0 : current.length);
            return;
        }
        if (offset > maxStringLength - valueLength)
        {
            out.error(ErrorReplies.STRING_TOO_LONG);
            return;
        }
        final byte[] value = stringToChange(keyspace, buffer, keyOffset, keyLength, current,
            (int)(offset + valueLength));
        buffer.getBytes(args.argOffset(3), value, (int)offset, valueLength);
        out.integer(value.length);
    }

    private static void strlen(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        out.integer(null == value ? 0 : value.length);
    }

    private static void dbsize(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.integer(keyspace.size());
    }

    private static String validateFlush(final RespParser args)
    {
        final int count = args.argCount();
        if (1 == count || (2 == count && (args.argEqualsIgnoreCase(1, SYNC) || args.argEqualsIgnoreCase(1, ASYNC))))
        {
            return null;
        }

        return ErrorReplies.SYNTAX_ERROR;
    }

    private static void flush(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argEqualsIgnoreCase(0, FLUSHALL) && null != keyspace.databases())
        {
            keyspace.databases().clear();
        }
        else
        {
            keyspace.clear();
        }
        out.ok();
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

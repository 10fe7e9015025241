package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;

import static io.raftis.store.Command.CATEGORY_LIST;
import static io.raftis.store.Command.FLAG_BLOCKING;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_NOSCRIPT;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's list commands that do not block, with Redis 7's replies and errors, checked in Redis's order: LPUSH, RPUSH,
 * LPUSHX, RPUSHX, LPOP and RPOP (with a count), LLEN, LINDEX, LSET, LRANGE, LTRIM, LINSERT, LREM, LPOS, LMOVE,
 * RPOPLPUSH and LMPOP. A list left empty is removed, as in Redis.
 */
public final class ListCommands
{
    private static final byte[] LEFT = "LEFT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RIGHT = "RIGHT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BEFORE = "BEFORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AFTER = "AFTER".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RANK = "RANK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAXLEN = "MAXLEN".getBytes(StandardCharsets.US_ASCII);
    private static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    private static final int NO_POSITION = -1;
    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private ListCommands()
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
        table.register(new Command("lpush", -3, fastWrite, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> push(args, keyspace, out, true, false)));
        table.register(new Command("rpush", -3, fastWrite, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> push(args, keyspace, out, false, false)));
        table.register(new Command("lpushx", -3, fastWrite, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> push(args, keyspace, out, true, true)));
        table.register(new Command("rpushx", -3, fastWrite, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> push(args, keyspace, out, false, true)));
        table.register(new Command("lpop", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> pop(args, keyspace, out, true)));
        table.register(new Command("rpop", -2, FLAG_WRITE | FLAG_FAST, 1, 1, 1, CATEGORY_LIST,
            (args, keyspace, out) -> pop(args, keyspace, out, false)));
        table.register(new Command("llen", 2, FLAG_READONLY | FLAG_FAST, 1, 1, 1, CATEGORY_LIST, ListCommands::llen));
        table.register(new Command("lindex", 3, FLAG_READONLY, 1, 1, 1, CATEGORY_LIST, ListCommands::lindex));
        table.register(new Command("lset", 4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_LIST, ListCommands::lset));
        table.register(new Command("lrange", 4, FLAG_READONLY, 1, 1, 1, CATEGORY_LIST, ListCommands::lrange,
            ListCommands::validateRange));
        table.register(new Command("ltrim", 4, FLAG_WRITE, 1, 1, 1, CATEGORY_LIST, ListCommands::ltrim,
            ListCommands::validateRange));
        table.register(new Command("linsert", 5, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_LIST,
            ListCommands::linsert));
        table.register(new Command("lrem", 4, FLAG_WRITE, 1, 1, 1, CATEGORY_LIST, ListCommands::lrem));
        table.register(new Command("lpos", -3, FLAG_READONLY, 1, 1, 1, CATEGORY_LIST, ListCommands::lpos));
        table.register(new Command("lmove", 5, FLAG_WRITE | FLAG_DENYOOM, 1, 2, 1, CATEGORY_LIST,
            (args, keyspace, out) -> lmove(args, keyspace, out, position(args, 3), position(args, 4))));
        table.register(new Command("rpoplpush", 3, FLAG_WRITE | FLAG_DENYOOM, 1, 2, 1, CATEGORY_LIST,
            (args, keyspace, out) -> lmove(args, keyspace, out, 1, 0))); // from the right, to the left
        table.register(new Command("lmpop", -4, FLAG_WRITE | FLAG_MOVABLE_KEYS, 0, 0, 0, CATEGORY_LIST,
            ListCommands::lmpop).keyFinder(KeyFinder.numKeysAt(1)));

        final int blocking = FLAG_WRITE | FLAG_BLOCKING;
        final Blocking blpop = new BlockingPop(true);
        final Blocking brpop = new BlockingPop(false);
        final Blocking blmove = new BlockingMove(false);
        final Blocking brpoplpush = new BlockingMove(true);
        final Blocking blmpop = new BlockingMpop();
        table.register(new Command("blpop", -3, blocking | FLAG_NOSCRIPT, 1, -2, 1, CATEGORY_LIST,
            Blocking.atOnce(blpop), args -> validateTimeout(args, args.argCount() - 1)).blocking(blpop));
        table.register(new Command("brpop", -3, blocking | FLAG_NOSCRIPT, 1, -2, 1, CATEGORY_LIST,
            Blocking.atOnce(brpop), args -> validateTimeout(args, args.argCount() - 1)).blocking(brpop));
        table.register(new Command("brpoplpush", 4, blocking | FLAG_DENYOOM | FLAG_NOSCRIPT, 1, 2, 1, CATEGORY_LIST,
            Blocking.atOnce(brpoplpush), args -> validateTimeout(args, 3)).blocking(brpoplpush));
        table.register(new Command("blmove", 6, blocking | FLAG_DENYOOM | FLAG_NOSCRIPT, 1, 2, 1, CATEGORY_LIST,
            Blocking.atOnce(blmove), ListCommands::validateBlmove).blocking(blmove));
        table.register(new Command("blmpop", -5, blocking | FLAG_MOVABLE_KEYS, 0, 0, 0, CATEGORY_LIST,
            Blocking.atOnce(blmpop), ListCommands::validateBlmpop).blocking(blmpop)
            .keyFinder(KeyFinder.numKeysAt(2)));
    }

    private static String validateBlmove(final RespParser args)
    {
        if (NO_POSITION == position(args, 3) || NO_POSITION == position(args, 4))
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        return validateTimeout(args, 5);
    }

    private static String validateBlmpop(final RespParser args)
    {
        final String timeout = validateTimeout(args, 1);
        return null != timeout ? timeout : parseMpop(args, 2, new long[2]);
    }

    /**
     * @return the list the key holds, or null.
     * @throws WrongTypeException if it holds another type.
     */
    private static ListValue list(final Keyspace keyspace, final RespParser args, final int keyArg)
    {
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        if (null == value || value instanceof ListValue)
        {
            return (ListValue)value;
        }
        throw WrongTypeException.INSTANCE;
    }

    /**
     * After a change in place: count its memory, and remove the key if the list is left empty.
     */
    private static void changed(
        final Keyspace keyspace, final RespParser args, final int keyArg, final ListValue list, final long before)
    {
        keyspace.changedInPlace(
            args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg), list.heapBytes() - before);
        if (0 == list.size())
        {
            keyspace.remove(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg));
        }
    }

    private static void push(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean left, final boolean xx)
    {
        ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            if (xx)
            {
                out.integer(0);
                return;
            }
            list = new ListValue();
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), list);
        }
        final long before = list.heapBytes();
        for (int i = 2; i < args.argCount(); i++)
        {
            list.push(args.argBytes(i), left);
        }
        changed(keyspace, args, 1, list, before);
        out.integer(list.size());
    }

    private static void pop(final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean left)
    {
        if (args.argCount() > 3)
        {
            out.error("ERR wrong number of arguments for '" + (left ? "lpop" : "rpop") + "' command");
            return;
        }
        final boolean hasCount = 3 == args.argCount();
        long count = 0;
        if (hasCount)
        {
            count = args.argAsLong(2);
            if (!args.lastArgWasNumber() || count < 0)
            {
                out.error(MUST_BE_POSITIVE);
                return;
            }
        }
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            if (hasCount)
            {
                out.nullArray();
            }
            else
            {
                out.nullBulk();
            }
            return;
        }
        if (hasCount && 0 == count)
        {
            out.arrayHeader(0);
            return;
        }
        final long before = list.heapBytes();
        if (!hasCount)
        {
            out.bulk(list.pop(left));
        }
        else
        {
            final int popped = (int)Math.min(count, list.size());
            out.arrayHeader(popped);
            for (int i = 0; i < popped; i++)
            {
                out.bulk(list.pop(left));
            }
        }
        changed(keyspace, args, 1, list, before);
    }

    private static void llen(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ListValue list = list(keyspace, args, 1);
        out.integer(null == list ? 0 : list.size());
    }

    private static void lindex(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            out.nullBulk();
            return;
        }
        final long index = index(args, list, out);
        if (NOT_A_NUMBER == index)
        {
            return;
        }
        if (index < 0)
        {
            out.nullBulk();
        }
        else
        {
            out.bulk(list.get((int)index));
        }
    }

    /**
     * LINDEX's and LSET's index, read once the list is found, as Redis does: negative counts from the end.
     *
     * @return the position in the list, -1 when there is none, or {@link #NOT_A_NUMBER} once the error is written.
     */
    private static long index(final RespParser args, final ListValue list, final RespWriter out)
    {
        final long index = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            out.error(ErrorReplies.NOT_AN_INTEGER);
            return NOT_A_NUMBER;
        }
        final long position = index < 0 ? list.size() + index : index;
        return position < 0 || position >= list.size() ? -1 : position;
    }

    private static void lset(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            out.error("ERR no such key");
            return;
        }
        final long index = index(args, list, out);
        if (NOT_A_NUMBER == index)
        {
            return;
        }
        if (index < 0)
        {
            out.error("ERR index out of range");
            return;
        }
        final long before = list.heapBytes();
        list.set((int)index, args.argBytes(3));
        changed(keyspace, args, 1, list, before);
        out.ok();
    }

    /**
     * Redis's range rules for LRANGE and LTRIM: negative indexes count from the end, the start is clamped to 0 and the
     * end to the last element.
     *
     * @return {start, end} of arguments 2 and 3, checked by {@link #validateRange(RespParser)}, with start greater
     * than end for an empty range.
     */
    private static long[] range(final RespParser args, final int length)
    {
        final long startArg = args.argAsLong(2);
        final long endArg = args.argAsLong(3);
        long start = startArg < 0 ? length + startArg : startArg;
        long end = endArg < 0 ? length + endArg : endArg;
        start = Math.max(0, start);
        if (start > end || start >= length)
        {
            return new long[]{ 1, 0 };
        }
        end = Math.min(end, length - 1);
        return new long[]{ start, end };
    }

    /**
     * LRANGE's and LTRIM's start and stop, which Redis reads before it looks the key up.
     */
    private static String validateRange(final RespParser args)
    {
        args.argAsLong(2);
        final boolean startValid = args.lastArgWasNumber();
        args.argAsLong(3);
        return startValid && args.lastArgWasNumber() ? null : ErrorReplies.NOT_AN_INTEGER;
    }

    private static void lrange(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            out.arrayHeader(0);
            return;
        }
        final long[] range = range(args, list.size());
        if (range[0] > range[1])
        {
            out.arrayHeader(0);
            return;
        }
        out.arrayHeader((int)(range[1] - range[0] + 1));
        for (long i = range[0]; i <= range[1]; i++)
        {
            out.bulk(list.get((int)i));
        }
    }

    private static void ltrim(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final ListValue list = list(keyspace, args, 1);
        if (null != list)
        {
            final long before = list.heapBytes();
            final long[] range = range(args, list.size());
            list.trim((int)range[0], (int)range[1]);
            changed(keyspace, args, 1, list, before);
        }
        out.ok();
    }

    private static void linsert(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final boolean after = args.argEqualsIgnoreCase(2, AFTER);
        if (!after && !args.argEqualsIgnoreCase(2, BEFORE))
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            out.integer(0);
            return;
        }
        final int pivot = indexOf(list, args, 3, 0);
        if (pivot < 0)
        {
            out.integer(-1);
            return;
        }
        final long before = list.heapBytes();
        list.insert(after ? pivot + 1 : pivot, args.argBytes(4));
        changed(keyspace, args, 1, list, before);
        out.integer(list.size());
    }

    private static int indexOf(final ListValue list, final RespParser args, final int elementArg, final int from)
    {
        for (int i = from; i < list.size(); i++)
        {
            if (equal(list.get(i), args, elementArg))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean equal(final byte[] element, final RespParser args, final int arg)
    {
        return HashValue.sameBytes(element, args.argBuffer(), args.argOffset(arg), args.argLength(arg));
    }

    private static void lrem(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long count = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            out.error(ErrorReplies.NOT_AN_INTEGER);
            return;
        }
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            out.integer(0);
            return;
        }
        final long before = list.heapBytes();
        final long limit = 0 == count ? Long.MAX_VALUE : Math.abs(count);
        long removed = 0;
        if (count >= 0)
        {
            for (int i = 0; i < list.size() && removed < limit; )
            {
                if (equal(list.get(i), args, 3))
                {
                    list.remove(i);
                    removed++;
                }
                else
                {
                    i++;
                }
            }
        }
        else
        {
            for (int i = list.size() - 1; i >= 0 && removed < limit; i--)
            {
                if (equal(list.get(i), args, 3))
                {
                    list.remove(i);
                    removed++;
                }
            }
        }
        if (removed > 0) // as Redis, a WATCH of the key sees only a change
        {
            changed(keyspace, args, 1, list, before);
        }
        out.integer(removed);
    }

    private static void lpos(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < args.argCount(); j++)
        {
            final boolean more = j < args.argCount() - 1;
            if (more && args.argEqualsIgnoreCase(j, RANK))
            {
                rank = args.argAsLong(++j);
                if (!args.lastArgWasNumber())
                {
                    out.error(ErrorReplies.NOT_AN_INTEGER);
                    return;
                }
                if (0 == rank)
                {
                    out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
                        "or use negative to start from the end of the list");
                    return;
                }
            }
            else if (more && (args.argEqualsIgnoreCase(j, COUNT) || args.argEqualsIgnoreCase(j, MAXLEN)))
            {
                final boolean isCount = args.argEqualsIgnoreCase(j, COUNT);
                final long value = args.argAsLong(++j);
                if (!args.lastArgWasNumber() || value < 0)
                {
                    out.error(isCount ? "ERR COUNT can't be negative" : "ERR MAXLEN can't be negative");
                    return;
                }
                if (isCount)
                {
                    count = value;
                }
                else
                {
                    maxlen = value;
                }
            }
            else
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
        }
        final boolean fromTail = rank < 0;
        final long wantedRank = Math.abs(rank);
        final ListValue list = list(keyspace, args, 1);
        if (null == list)
        {
            if (-1 != count)
            {
                out.arrayHeader(0);
            }
            else
            {
                out.nullBulk();
            }
            return;
        }
        final int length = list.size();
        final long[] found = new long[(int)Math.min(length, -1 == count || 0 == count ? length : count)];
        int foundCount = 0;
        long matches = 0;
        for (int scanned = 0; scanned < length && (0 == maxlen || scanned < maxlen); scanned++)
        {
            final int index = fromTail ? length - 1 - scanned : scanned;
            if (equal(list.get(index), args, 2) && ++matches >= wantedRank)
            {
                found[foundCount++] = index;
                if (-1 == count || (0 != count && foundCount >= count) || foundCount == found.length)
                {
                    break;
                }
            }
        }
        if (-1 != count)
        {
            out.arrayHeader(foundCount);
            for (int i = 0; i < foundCount; i++)
            {
                out.integer(found[i]);
            }
        }
        else if (foundCount > 0)
        {
            out.integer(found[0]);
        }
        else
        {
            out.nullBulk();
        }
    }

    /**
     * @return 0 for LEFT, 1 for RIGHT, {@link #NO_POSITION} for anything else.
     */
    private static int position(final RespParser args, final int arg)
    {
        if (args.argEqualsIgnoreCase(arg, LEFT))
        {
            return 0;
        }
        return args.argEqualsIgnoreCase(arg, RIGHT) ? 1 : NO_POSITION;
    }

    private static void lmove(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int from, final int to)
    {
        if (NO_POSITION == from || NO_POSITION == to)
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }
        final ListValue source = list(keyspace, args, 1);
        if (null == source)
        {
            out.nullBulk();
            return;
        }
        ListValue destination = list(keyspace, args, 2);
        final long sourceBefore = source.heapBytes();
        final byte[] element = source.pop(0 == from);
        if (null == destination)
        {
            destination = new ListValue();
            keyspace.put(args.argBuffer(), args.argOffset(2), args.argLength(2), destination);
        }
        final long destinationBefore = destination == source ? source.heapBytes() : destination.heapBytes();
        destination.push(element, 0 == to);
        if (destination != source)
        {
            keyspace.changedInPlace(
                args.argBuffer(), args.argOffset(2), args.argLength(2), destination.heapBytes() - destinationBefore);
            changed(keyspace, args, 1, source, sourceBefore);
        }
        else
        {
            changed(keyspace, args, 1, source, sourceBefore);
        }
        out.bulk(element);
    }

    private static void lmpop(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long[] whereAndCount = new long[2];
        final String error = parseMpop(args, 1, whereAndCount);
        if (null != error)
        {
            out.error(error);
            return;
        }
        final int lastKey = 1 + (int)args.argAsLong(1);
        for (int k = 2; k <= lastKey; k++)
        {
            if (popFrom(args, keyspace, out, k, (int)whereAndCount[0], whereAndCount[1]))
            {
                return;
            }
        }
        out.nullArray();
    }

    /**
     * Check LMPOP's arguments from numkeys on (BLMPOP's come after a timeout): the keys, LEFT or RIGHT, a COUNT.
     *
     * @param numKeysAt     where numkeys is.
     * @param whereAndCount receives 0 for LEFT or 1 for RIGHT, and the count (1 if none is given).
     * @return null, or the error to answer.
     */
    static String parseMpop(final RespParser args, final int numKeysAt, final long[] whereAndCount)
    {
        final long numkeys = args.argAsLong(numKeysAt);
        if (!args.lastArgWasNumber() || numkeys < 1)
        {
            return "ERR numkeys should be greater than 0";
        }
        final long whereArg = numKeysAt + 1 + numkeys;
        if (whereArg >= args.argCount())
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        final int where = position(args, (int)whereArg);
        if (NO_POSITION == where)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        long count = -1;
        for (int j = (int)whereArg + 1; j < args.argCount(); j++)
        {
            if (-1 == count && args.argEqualsIgnoreCase(j, COUNT) && j < args.argCount() - 1)
            {
                count = args.argAsLong(++j);
                if (!args.lastArgWasNumber() || count < 1)
                {
                    return "ERR count should be greater than 0";
                }
            }
            else
            {
                return ErrorReplies.SYNTAX_ERROR;
            }
        }
        whereAndCount[0] = where;
        whereAndCount[1] = -1 == count ? 1 : count;
        return null;
    }

    /**
     * Pop up to count elements from the list at key k, answering [key, [elements]] as LMPOP does.
     *
     * @return false if the key holds no list (nothing written).
     * @throws WrongTypeException if it holds another type.
     */
    private static boolean popFrom(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int k, final int where,
        final long count)
    {
        final ListValue list = list(keyspace, args, k);
        if (null == list)
        {
            return false;
        }
        final long before = list.heapBytes();
        final int popped = (int)Math.min(count, list.size());
        out.arrayHeader(2);
        out.bulk(args.argBuffer(), args.argOffset(k), args.argLength(k));
        out.arrayHeader(popped);
        for (int i = 0; i < popped; i++)
        {
            out.bulk(list.pop(0 == where));
        }
        changed(keyspace, args, k, list, before);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Blocking forms
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The timeout, in seconds as a float, of a blocking command, as Redis reads it.
     *
     * @return the milliseconds (0 for ever), or -1 after writing the error into error[0].
     */
    static long timeoutMs(final RespParser args, final int arg, final String[] error)
    {
        final double seconds;
        try
        {
            final String text = args.argString(arg);
            if (text.isEmpty() || Character.isWhitespace(text.charAt(0)) ||
                Character.isWhitespace(text.charAt(text.length() - 1)) || text.endsWith("d") || text.endsWith("D") ||
                text.endsWith("f") || text.endsWith("F"))
            {
                throw new NumberFormatException(text);
            }
            seconds = parseFloat(text);
        }
        catch (final NumberFormatException ex)
        {
            error[0] = "ERR timeout is not a float or out of range";
            return -1;
        }
        if (Double.isNaN(seconds))
        {
            error[0] = "ERR timeout is not a float or out of range";
            return -1;
        }
        final double ms = Math.ceil(seconds * 1000.0);
        if (ms < 0 || ms >= 0x1p63)
        {
            error[0] = "ERR timeout is negative"; // as Redis, whose cast of a value past LLONG_MAX comes out negative
            return -1;
        }
        return (long)ms;
    }

    /**
     * strtold's forms that Java's parser spells otherwise: "inf" and "infinity" in any case, hexadecimal without an
     * exponent.
     */
    private static double parseFloat(final String text)
    {
        final boolean signed = text.startsWith("-") || text.startsWith("+");
        final String unsigned = signed ? text.substring(1) : text;
        final double sign = text.startsWith("-") ? -1 : 1;
        if ("inf".equalsIgnoreCase(unsigned) || "infinity".equalsIgnoreCase(unsigned))
        {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (unsigned.regionMatches(true, 0, "0x", 0, 2) && unsigned.indexOf('p') < 0 && unsigned.indexOf('P') < 0)
        {
            return sign * Double.parseDouble(unsigned + "p0");
        }
        return Double.parseDouble(text);
    }

    static String validateTimeout(final RespParser args, final int arg)
    {
        final String[] error = new String[1];
        return timeoutMs(args, arg, error) < 0 ? error[0] : null;
    }

    /**
     * BLPOP and BRPOP: pop from the first of the keys holding a list, answering [key, element].
     */
    private static final class BlockingPop implements Blocking
    {
        private final boolean left;

        BlockingPop(final boolean left)
        {
            this.left = left;
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
            for (int k = -1 == readyKey ? 1 : readyKey; k <= (-1 == readyKey ? args.argCount() - 2 : readyKey); k++)
            {
                final Object value = keyspace.get(args.argBuffer(), args.argOffset(k), args.argLength(k));
                if (null == value)
                {
                    continue;
                }
                if (!(value instanceof ListValue))
                {
                    if (-1 == readyKey)
                    {
                        out.error(ErrorReplies.WRONG_TYPE);
                        return true;
                    }
                    return false; // as Redis: a key that became another type keeps its waiters waiting
                }
                final ListValue list = (ListValue)value;
                final long before = list.heapBytes();
                out.arrayHeader(2);
                out.bulk(args.argBuffer(), args.argOffset(k), args.argLength(k));
                out.bulk(list.pop(left));
                changed(keyspace, args, k, list, before);
                return true;
            }
            return false;
        }

        public void timedOut(final RespWriter out)
        {
            out.nullArray();
        }
    }

    /**
     * BLMOVE and BRPOPLPUSH: move an element from the source once it holds a list, answering the element.
     */
    private static final class BlockingMove implements Blocking
    {
        private final boolean rpoplpush;

        BlockingMove(final boolean rpoplpush)
        {
            this.rpoplpush = rpoplpush;
        }

        public long timeoutMs(final RespParser args)
        {
            return ListCommands.timeoutMs(args, args.argCount() - 1, new String[1]);
        }

        public int[] waitKeys(final RespParser args)
        {
            return new int[]{ 1 };
        }

        public boolean serve(final RespParser args, final Keyspace keyspace, final RespWriter out, final int readyKey)
        {
            try
            {
                final ListValue source = list(keyspace, args, 1);
                if (null == source)
                {
                    return false;
                }
                list(keyspace, args, 2); // the destination's type, checked before anything moves
                if (rpoplpush)
                {
                    lmove(args, keyspace, out, 1, 0);
                }
                else
                {
                    lmove(args, keyspace, out, position(args, 3), position(args, 4));
                }
                return true;
            }
            catch (final WrongTypeException ex)
            {
                out.error(ErrorReplies.WRONG_TYPE);
                return true;
            }
        }

        public void timedOut(final RespWriter out)
        {
            out.nullBulk();
        }
    }

    /**
     * BLMPOP: LMPOP once one of the keys holds a list.
     */
    private static final class BlockingMpop extends Blocking.AfterNumKeys
    {
        public boolean serve(final RespParser args, final Keyspace keyspace, final RespWriter out, final int readyKey)
        {
            final long[] whereAndCount = new long[2];
            parseMpop(args, 2, whereAndCount);
            final int first = -1 == readyKey ? 3 : readyKey;
            final int last = -1 == readyKey ? 2 + (int)args.argAsLong(2) : readyKey;
            for (int k = first; k <= last; k++)
            {
                try
                {
                    if (popFrom(args, keyspace, out, k, (int)whereAndCount[0], whereAndCount[1]))
                    {
                        return true;
                    }
                }
                catch (final WrongTypeException ex)
                {
                    if (-1 == readyKey)
                    {
                        out.error(ErrorReplies.WRONG_TYPE);
                        return true;
                    }
                    return false;
                }
            }
            return false;
        }

        public void timedOut(final RespWriter out)
        {
            out.nullArray();
        }
    }
}

package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

import static io.raftis.store.Command.CATEGORY_DANGEROUS;
import static io.raftis.store.Command.CATEGORY_LIST;
import static io.raftis.store.Command.CATEGORY_SET;
import static io.raftis.store.Command.CATEGORY_SORTEDSET;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * SORT and SORT_RO with Redis 7's options, replies and errors: the elements of a list, a set or a sorted set, sorted
 * by their own value or by weights found through a BY pattern, numerically or with ALPHA byte by byte, ASC or DESC,
 * a LIMIT of them, each given as itself or as what GET patterns find, replied or, with SORT's STORE, kept as a list.
 * <p>
 * The order is Redis's, ties included: a numeric sort breaks ties between equal weights by the elements' bytes; an
 * ALPHA sort leaves elements of equal weights (a missing weight is the least) in the order they were read, as
 * Redis's stable sort does, or as its partial quicksort leaves them when a BY pattern and a LIMIT make it sort part
 * of them ({@link PartialSort}). Without STORE, ALPHA compares as strcoll in the C locale: up to a first NUL byte.
 * <p>
 * Elements are read in the order of their list, in the order of score of a sorted set (Redis reads its hash table,
 * whose order it leaves unspecified), and for a set of at most 512 integers in the order of their values, as Redis
 * reads its intset; other sets are read in their own order, and when that order could decide a result (ALPHA by
 * weights) in the order of their bytes, so that a STORE is the same on every member. BY a pattern without '*'
 * (nosort) gives lists and sorted sets in their order, reversed by DESC, and sets in the order they are read; with
 * STORE, a set is sorted ALPHA first, as Redis does so that replicas agree.
 * <p>
 * A pattern names a key by its first '*' replaced with the element; "->field" after the '*' names a field of a
 * hash there; "#" is the element itself. A missing key, a key of another type, or a missing field is no weight (0
 * numerically), and nil for GET (an empty string in a stored list).
 */
public final class SortCommands
{
    private static final byte[] ASC = "ASC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DESC = "DESC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ALPHA = "ALPHA".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIMIT = "LIMIT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STORE = "STORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BY = "BY".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final String NOT_A_DOUBLE = "ERR One or more scores can't be converted into double";
    private static final String BY_DENIED = "ERR BY option of SORT denied due to insufficient ACL permissions.";
    private static final String GET_DENIED = "ERR GET option of SORT denied due to insufficient ACL permissions.";

    private SortCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final long categories = CATEGORY_SET | CATEGORY_SORTEDSET | CATEGORY_LIST | CATEGORY_DANGEROUS;
        table.register(new Command("sort", -2, FLAG_WRITE | FLAG_DENYOOM | FLAG_MOVABLE_KEYS, 1, 1, 1, categories,
            (args, keyspace, out) -> sort(args, keyspace, out, false), args -> parse(args, false).error)
            .keyFinder(SortCommands::sortKeys));
        table.register(new Command("sort_ro", -2, FLAG_READONLY | FLAG_MOVABLE_KEYS, 1, 1, 1, categories,
            (args, keyspace, out) -> sort(args, keyspace, out, true), args -> parse(args, true).error)
            .keyFinder((args, base, count) -> new int[]{ 1 }));
    }

    /**
     * SORT's keys as Redis's sortGetKeys finds them: the key sorted, and the destination of the last STORE, skipping
     * the arguments of LIMIT, GET and BY.
     */
    private static int[] sortKeys(final RespParser args, final int base, final int count)
    {
        int store = -1;
        for (int i = 2; i < count; i++)
        {
            if (args.argEqualsIgnoreCase(base + i, LIMIT))
            {
                i += 2;
            }
            else if (args.argEqualsIgnoreCase(base + i, STORE) && i + 1 < count)
            {
                store = i + 1;
            }
            else if (args.argEqualsIgnoreCase(base + i, GET) || args.argEqualsIgnoreCase(base + i, BY))
            {
                i++;
            }
        }
        return store < 0 ? new int[]{ 1 } : new int[]{ 1, store };
    }

    /**
     * For a user who may not read every key, as Redis: a BY pattern with a '*', or a GET, could read any key, so SORT
     * refuses the first it reaches before any syntax error.
     *
     * @param args     SORT or SORT_RO, its name at 0.
     * @param readOnly whether it is SORT_RO, which reads no STORE.
     * @return the error, or null when the command names no such option before its first syntax error (which the
     * command then answers).
     */
    public static String patternDenial(final RespParser args, final boolean readOnly)
    {
        return parse(args, readOnly).patternDenial;
    }

    /**
     * The options as SORT reads them, left to right: the first error ends the reading.
     */
    private static final class Options
    {
        String error;
        String patternDenial;
        boolean desc;
        boolean alpha;
        boolean dontSort;
        long limitStart;
        long limitCount = -1;
        byte[] by;
        byte[][] gets = new byte[0][];
        int store = -1;
    }

    private static Options parse(final RespParser args, final boolean readOnly)
    {
        final Options options = new Options();
        int getCount = 0;
        for (int j = 2; j < args.argCount(); j++)
        {
            final int left = args.argCount() - j - 1;
            if (args.argEqualsIgnoreCase(j, ASC))
            {
                options.desc = false;
            }
            else if (args.argEqualsIgnoreCase(j, DESC))
            {
                options.desc = true;
            }
            else if (args.argEqualsIgnoreCase(j, ALPHA))
            {
                options.alpha = true;
            }
            else if (args.argEqualsIgnoreCase(j, LIMIT) && left >= 2)
            {
                options.limitStart = args.argAsLong(j + 1);
                final boolean startValid = args.lastArgWasNumber();
                options.limitCount = args.argAsLong(j + 2);
                if (!startValid || !args.lastArgWasNumber())
                {
                    options.error = ErrorReplies.NOT_AN_INTEGER;
                    return options;
                }
                j += 2;
            }
            else if (!readOnly && args.argEqualsIgnoreCase(j, STORE) && left >= 1)
            {
                options.store = ++j;
            }
            else if (args.argEqualsIgnoreCase(j, BY) && left >= 1)
            {
                options.by = args.argBytes(++j);
                // a constant pattern (no '*' before a NUL, as C reads it) sorts nothing, and stays so
                final boolean constant = indexOf(options.by, (byte)'*', 0, cLength(options.by)) < 0;
                options.dontSort |= constant;
                if (!constant && null == options.patternDenial)
                {
                    options.patternDenial = BY_DENIED;
                }
            }
            else if (args.argEqualsIgnoreCase(j, GET) && left >= 1)
            {
                if (getCount == options.gets.length)
                {
                    options.gets = Arrays.copyOf(options.gets, Math.max(4, 2 * getCount));
                }
                options.gets[getCount++] = args.argBytes(++j);
                if (null == options.patternDenial)
                {
                    options.patternDenial = GET_DENIED;
                }
            }
            else
            {
                options.error = ErrorReplies.SYNTAX_ERROR;
                return options;
            }
        }
        options.gets = Arrays.copyOf(options.gets, getCount);
        return options;
    }

    /**
     * An element to sort, with what it is sorted by.
     */
    private static final class Item
    {
        final byte[] element;
        double score;
        byte[] weight;

        Item(final byte[] element)
        {
            this.element = element;
        }
    }

    private static void sort(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean readOnly)
    {
        final Options options = parse(args, readOnly);
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null != value &&
            !(value instanceof ListValue) && !(value instanceof SetValue) && !(value instanceof SortedSetValue))
        {
            throw WrongTypeException.INSTANCE;
        }
        boolean dontSort = options.dontSort;
        boolean alpha = options.alpha;
        byte[] by = options.by;
        final boolean store = options.store >= 0;
        if (dontSort && value instanceof SetValue && store)
        {
            // as Redis: a set's own order would make the stored list differ between servers
            dontSort = false;
            alpha = true;
            by = null;
        }

        final int size = null == value ? 0 : size(value);
        long start = Math.min(Math.max(options.limitStart, 0), size);
        final long count = Math.min(Math.max(options.limitCount, -1), size);
        long end = count < 0 ? size - 1 : start + count - 1;
        if (start >= size)
        {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size)
        {
            end = size - 1;
        }

        final Item[] items;
        if (dontSort && (value instanceof ListValue || value instanceof SortedSetValue))
        {
            items = loadRange(value, (int)start, (int)end, options.desc);
            end -= start;
            start = 0;
        }
        else
        {
            items = loadAll(value, !dontSort && alpha && null != by);
        }

        if (!dontSort)
        {
            if (!weigh(items, keyspace, by, alpha))
            {
                out.error(NOT_A_DOUBLE);
                return;
            }
            final Comparator<Item> order = order(alpha, null != by, store, options.desc);
            if (null != by && (start != 0 || end != items.length - 1))
            {
                PartialSort.sort(items, items.length, order, (int)start, (int)end);
            }
            else
            {
                Arrays.sort(items, order);
            }
        }

        final byte[][] gets = options.gets;
        final long outputLength = (0 == gets.length ? 1 : gets.length) * (end - start + 1);
        if (!store)
        {
            out.arrayHeader((int)outputLength);
            for (long j = start; j <= end; j++)
            {
                final byte[] element = items[(int)j].element;
                if (0 == gets.length)
                {
                    out.bulk(element);
                }
                for (final byte[] get : gets)
                {
                    final byte[] found = lookup(keyspace, get, element);
                    if (null == found)
                    {
                        out.nullBulk();
                    }
                    else
                    {
                        out.bulk(found);
                    }
                }
            }
            return;
        }

        final ListValue list = new ListValue();
        for (long j = start; j <= end; j++)
        {
            final byte[] element = items[(int)j].element;
            if (0 == gets.length)
            {
                list.push(element.clone(), false);
            }
            for (final byte[] get : gets)
            {
                final byte[] found = lookup(keyspace, get, element);
                list.push(null == found ? new byte[0] : found.clone(), false);
            }
        }
        if (outputLength > 0)
        {
            keyspace.put(args.argBuffer(), args.argOffset(options.store), args.argLength(options.store), list);
        }
        else
        {
            keyspace.remove(args.argBuffer(), args.argOffset(options.store), args.argLength(options.store));
        }
        out.integer(outputLength);
    }

    private static int size(final Object value)
    {
        if (value instanceof ListValue)
        {
            return ((ListValue)value).size();
        }
        return value instanceof SetValue ? ((SetValue)value).size() : ((SortedSetValue)value).size();
    }

    /**
     * The elements from position start to end of a list or a sorted set in its order, or counting from its end.
     */
    private static Item[] loadRange(final Object value, final int start, final int end, final boolean reverse)
    {
        final Item[] items = new Item[Math.max(0, end - start + 1)];
        if (0 == items.length)
        {
            return items;
        }
        final int size = size(value);
        if (value instanceof ListValue)
        {
            final ListValue list = (ListValue)value;
            for (int i = 0; i < items.length; i++)
            {
                items[i] = new Item(list.get(reverse ? size - 1 - start - i : start + i));
            }
            return items;
        }
        final int[] at = { 0 };
        ((SortedSetValue)value).visit(reverse ? size - 1 - start : start, reverse, (member, score) ->
        {
            items[at[0]++] = new Item(member);
            return at[0] < items.length;
        });
        return items;
    }

    /**
     * Every element, in the order they are read (see the class's description).
     *
     * @param byBytes whether a set that is not read as Redis reads an intset is read in the order of its bytes.
     */
    private static Item[] loadAll(final Object value, final boolean byBytes)
    {
        if (null == value)
        {
            return new Item[0];
        }
        final Item[] items = new Item[size(value)];
        final int[] at = { 0 };
        if (value instanceof ListValue)
        {
            final ListValue list = (ListValue)value;
            for (int i = 0; i < items.length; i++)
            {
                items[i] = new Item(list.get(i));
            }
        }
        else if (value instanceof SortedSetValue)
        {
            ((SortedSetValue)value).forEach((member, score) ->
            {
                items[at[0]++] = new Item(member);
                return true;
            });
        }
        else
        {
            ((SetValue)value).forEach(member -> items[at[0]++] = new Item(member));
            if ("intset".equals(ObjectCommands.encoding(value)))
            {
                Arrays.sort(items, SortCommands::compareIntegers);
            }
            else if (byBytes)
            {
                Arrays.sort(items, (a, b) -> Arrays.compareUnsigned(a.element, b.element));
            }
        }
        return items;
    }

    private static int compareIntegers(final Item a, final Item b)
    {
        final long[] parsed = new long[1];
        StringCommands.parseLong(a.element, parsed);
        final long x = parsed[0];
        StringCommands.parseLong(b.element, parsed);
        return Long.compare(x, parsed[0]);
    }

    /**
     * Find each element's weight: its score for a numeric sort, the bytes a BY pattern finds for an ALPHA one.
     *
     * @return false when a numeric weight is not a number.
     */
    private static boolean weigh(final Item[] items, final Keyspace keyspace, final byte[] by, final boolean alpha)
    {
        for (final Item item : items)
        {
            final byte[] weight = null == by ? item.element : lookup(keyspace, by, item.element);
            if (null == weight)
            {
                continue;
            }
            if (alpha)
            {
                item.weight = null == by ? null : weight;
            }
            else
            {
                item.score = Scores.parseWeight(weight);
                if (Double.isNaN(item.score))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static Comparator<Item> order(
        final boolean alpha, final boolean byPattern, final boolean store, final boolean desc)
    {
        final Comparator<Item> ascending;
        if (!alpha)
        {
            ascending = (a, b) ->
            {
                if (a.score > b.score)
                {
                    return 1;
                }
                return a.score < b.score ? -1 : Arrays.compareUnsigned(a.element, b.element);
            };
        }
        else if (byPattern)
        {
            ascending = (a, b) ->
            {
                if (null == a.weight || null == b.weight)
                {
                    return a.weight == b.weight ? 0 : null == a.weight ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(a.weight, b.weight) : compareCStrings(a.weight, b.weight);
            };
        }
        else
        {
            ascending = (a, b) -> store ? Arrays.compareUnsigned(a.element, b.element) :
                compareCStrings(a.element, b.element);
        }
        return desc ? (a, b) -> -Integer.signum(ascending.compare(a, b)) : ascending;
    }

    /**
     * Compare as strcoll in the C locale (strcmp): unsigned bytes, up to the first NUL of either.
     */
    static int compareCStrings(final byte[] a, final byte[] b)
    {
        for (int i = 0; ; i++)
        {
            final int x = i < a.length ? a[i] & 0xFF : 0;
            final int y = i < b.length ? b[i] & 0xFF : 0;
            if (x != y)
            {
                return x - y;
            }
            if (0 == x)
            {
                return 0;
            }
        }
    }

    /**
     * What a BY or GET pattern finds for an element, as Redis's lookupKeyByPattern, which reads the pattern as a C
     * string where it looks for '#', '*' and "->" (up to a first NUL) but keeps every byte of the key and field it
     * names.
     *
     * @return the element for "#", the string at the key named, the field of the hash there, or null.
     */
    static byte[] lookup(final Keyspace keyspace, final byte[] pattern, final byte[] element)
    {
        final int cLength = cLength(pattern);
        if (1 == cLength && '#' == pattern[0])
        {
            return element;
        }
        final int star = indexOf(pattern, (byte)'*', 0, cLength);
        if (star < 0)
        {
            return null;
        }
        int arrow = star + 1;
        while (arrow + 1 < cLength && !('-' == pattern[arrow] && '>' == pattern[arrow + 1]))
        {
            arrow++;
        }
        final boolean field = arrow + 2 < cLength;
        final int postfixEnd = field ? arrow : pattern.length;
        final byte[] key = new byte[star + element.length + postfixEnd - star - 1];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, postfixEnd - star - 1);
        final Object value = keyspace.get(key);
        if (field)
        {
            return value instanceof HashValue ?
                ((HashValue)value).get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
        }
        return value instanceof byte[] ? (byte[])value : null;
    }

    private static int cLength(final byte[] bytes)
    {
        final int nul = indexOf(bytes, (byte)0, 0, bytes.length);
        return nul < 0 ? bytes.length : nul;
    }

    private static int indexOf(final byte[] bytes, final byte b, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (b == bytes[i])
            {
                return i;
            }
        }
        return -1;
    }
}

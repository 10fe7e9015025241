package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.raftis.store.Command.CATEGORY_GEO;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_MOVABLE_KEYS;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's geo commands with Redis 7's replies and errors: GEOADD (NX, XX, CH), GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. A geo set is a sorted set whose scores are
 * {@link GeoHash} scores; a search reads the nine cells around its centre in Redis's order, so that its results (and
 * their order under COUNT ANY) are Redis's.
 */
public final class GeoCommands
{
    private static final String INVALID_MEMBER = "ERR could not decode requested zset member";
    private static final String UNSUPPORTED_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";

    private static final byte[] NX = "NX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XX = "XX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CH = "CH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] M = "M".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KM = "KM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FT = "FT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MI = "MI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WITHDIST = "WITHDIST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WITHHASH = "WITHHASH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WITHCOORD = "WITHCOORD".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANY = "ANY".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ASC = "ASC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DESC = "DESC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STORE = "STORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STOREDIST = "STOREDIST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROMMEMBER = "FROMMEMBER".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROMLONLAT = "FROMLONLAT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYRADIUS = "BYRADIUS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYBOX = "BYBOX".getBytes(StandardCharsets.US_ASCII);

    private static final int FROM_COORDS = 1;
    private static final int FROM_MEMBER = 1 << 1;
    private static final int NO_STORE = 1 << 2;
    private static final int SEARCH = 1 << 3;
    private static final int SEARCH_STORE = 1 << 4;

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    /**
     * A point a search found.
     */
    private record Point(byte[] member, double score, double longitude, double latitude, double distance)
    {
    }

    private GeoCommands()
    {
    }

    /**
     * Register the geo commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final int write = FLAG_WRITE | FLAG_DENYOOM;
        table.register(new Command("geoadd", -5, write, 1, 1, 1, CATEGORY_GEO, GeoCommands::geoadd,
            GeoCommands::validateAdd));
        table.register(new Command("georadius", -6, write | FLAG_MOVABLE_KEYS, 1, 1, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 1, FROM_COORDS)).keyFinder(radiusKeys(6)));
        table.register(new Command("georadius_ro", -6, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 1, FROM_COORDS | NO_STORE)));
        table.register(new Command("georadiusbymember", -5, write | FLAG_MOVABLE_KEYS, 1, 1, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 1, FROM_MEMBER)).keyFinder(radiusKeys(5)));
        table.register(new Command("georadiusbymember_ro", -5, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 1, FROM_MEMBER | NO_STORE)));
        table.register(new Command("geohash", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO, GeoCommands::geohash));
        table.register(new Command("geopos", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO, GeoCommands::geopos));
        table.register(new Command("geodist", -4, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO, GeoCommands::geodist));
        table.register(new Command("geosearch", -7, FLAG_READONLY, 1, 1, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 1, SEARCH)));
        table.register(new Command("geosearchstore", -8, write, 1, 2, 1, CATEGORY_GEO,
            (args, keyspace, out) -> search(args, keyspace, out, 2, SEARCH | SEARCH_STORE)));
    }

    /**
     * GEORADIUS's and GEORADIUSBYMEMBER's keys as Redis's key specifications find them: the source, then the key after
     * the first STORE, then the key after the first STOREDIST, each keyword looked for from argument from on and
     * before the last argument.
     */
    private static KeyFinder radiusKeys(final int from)
    {
        return (args, base, count) ->
        {
            final int store = keyAfter(args, base, count, from, STORE);
            final int storeDist = keyAfter(args, base, count, from, STOREDIST);
            final int[] keys = new int[1 + (-1 == store ? 0 : 1) + (-1 == storeDist ? 0 : 1)];
            int at = 0;
            keys[at++] = 1;
            if (-1 != store)
            {
                keys[at++] = store;
            }
            if (-1 != storeDist)
            {
                keys[at] = storeDist;
            }
            return keys;
        };
    }

    private static int keyAfter(
        final RespParser args, final int base, final int count, final int from, final byte[] keyword)
    {
        for (int i = from; i < count - 1; i++)
        {
            if (args.argEqualsIgnoreCase(base + i, keyword))
            {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * @return where GEOADD's first longitude is: past its NX, XX and CH options.
     */
    private static int firstLongitude(final RespParser args)
    {
        int at = 2;
        while (at < args.argCount() &&
            (args.argEqualsIgnoreCase(at, NX) || args.argEqualsIgnoreCase(at, XX) || args.argEqualsIgnoreCase(at, CH)))
        {
            at++;
        }
        return at;
    }

    /**
     * GEOADD's checks before the key is looked up, in Redis's order: the options and triples, then each pair.
     */
    private static String validateAdd(final RespParser args)
    {
        final int first = firstLongitude(args);
        boolean nx = false;
        boolean xx = false;
        for (int i = 2; i < first; i++)
        {
            nx |= args.argEqualsIgnoreCase(i, NX);
            xx |= args.argEqualsIgnoreCase(i, XX);
        }
        final int remaining = args.argCount() - first;
        if (0 != remaining % 3 || (nx && xx) || 0 == remaining)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        final double[] xy = new double[2];
        for (int i = first; i < args.argCount(); i += 3)
        {
            final String error = longLat(args, i, xy);
            if (null != error)
            {
                return error;
            }
        }
        return null;
    }

    /**
     * Read a longitude and latitude at arg and arg + 1 into xy.
     *
     * @return the error Redis gives, or null.
     */
    private static String longLat(final RespParser args, final int arg, final double[] xy)
    {
        for (int i = 0; i < 2; i++)
        {
            xy[i] = Scores.parse(args.argBuffer(), args.argOffset(arg + i), args.argLength(arg + i));
            if (Double.isNaN(xy[i]))
            {
                return ErrorReplies.NOT_A_FLOAT;
            }
        }
        if (xy[0] < GeoHash.LONG_MIN || xy[0] > GeoHash.LONG_MAX ||
            xy[1] < GeoHash.LAT_MIN || xy[1] > GeoHash.LAT_MAX)
        {
            return "ERR invalid longitude,latitude pair " + GeoHash.fixed(xy[0], 6) + "," + GeoHash.fixed(xy[1], 6);
        }
        return null;
    }

    private static void geoadd(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int first = firstLongitude(args);
        boolean xx = false;
        boolean nx = false;
        boolean ch = false;
        for (int i = 2; i < first; i++)
        {
            nx |= args.argEqualsIgnoreCase(i, NX);
            xx |= args.argEqualsIgnoreCase(i, XX);
            ch |= args.argEqualsIgnoreCase(i, CH);
        }
        SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        if (null == zset && xx)
        {
            out.integer(0);
            return;
        }
        if (null == zset)
        {
            zset = new SortedSetValue();
            keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), zset);
        }
        final long before = zset.heapBytes();
        final DirectBuffer buffer = args.argBuffer();
        final double[] xy = new double[2];
        int added = 0;
        int updated = 0;
        for (int i = first; i < args.argCount(); i += 3)
        {
            longLat(args, i, xy);
            final double score = (double)GeoHash.encodeScore(xy[0], xy[1]);
            final int memberOffset = args.argOffset(i + 2);
            final int memberLength = args.argLength(i + 2);
            final double current = zset.score(buffer, memberOffset, memberLength);
            if (!Double.isNaN(current))
            {
                if (!nx && score != current)
                {
                    zset.put(buffer, memberOffset, memberLength, score);
                    updated++;
                }
            }
            else if (!xx)
            {
                zset.put(buffer, memberOffset, memberLength, score);
                added++;
            }
        }
        if (added + updated > 0 || 0 == zset.size())
        {
            SortedSetCommands.changed(keyspace, args, 1, zset, before);
        }
        out.integer(ch ? added + updated : added);
    }

    private static void geohash(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        replyPerMember(args, keyspace, out, false, (score, reply) -> reply.bulkString(GeoHash.standardHash(score)));
    }

    private static void geopos(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        replyPerMember(args, keyspace, out, true,
            (score, reply) -> replyCoordinates(reply, GeoHash.decodeScore(score)));
    }

    /**
     * The reply GEOHASH or GEOPOS gives for one member's score.
     */
    @FunctionalInterface
    private interface ScoreReply
    {
        void reply(double score, RespWriter out);
    }

    /**
     * An array of one reply per member named after the key: from its score, or a null (an array's, for GEOPOS) for a
     * member that is not there.
     */
    private static void replyPerMember(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean nullArray,
        final ScoreReply scoreReply)
    {
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        out.arrayHeader(args.argCount() - 2);
        for (int i = 2; i < args.argCount(); i++)
        {
            final double score = null == zset ? Double.NaN :
                zset.score(args.argBuffer(), args.argOffset(i), args.argLength(i));
            if (!Double.isNaN(score))
            {
                scoreReply.reply(score, out);
            }
            else if (nullArray)
            {
                out.nullArray();
            }
            else
            {
                out.nullBulk();
            }
        }
    }

    private static void replyCoordinates(final RespWriter out, final double[] xy)
    {
        out.arrayHeader(2);
        out.bulkString(GeoHash.formatCoordinate(xy[0]));
        out.bulkString(GeoHash.formatCoordinate(xy[1]));
    }

    private static void geodist(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        double toMeters = 1;
        if (5 == args.argCount())
        {
            toMeters = unit(args, 4);
            if (toMeters < 0)
            {
                out.error(UNSUPPORTED_UNIT);
                return;
            }
        }
        else if (args.argCount() > 5)
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, 1);
        if (null == zset)
        {
            out.nullBulk();
            return;
        }
        final double score1 = zset.score(args.argBuffer(), args.argOffset(2), args.argLength(2));
        final double score2 = zset.score(args.argBuffer(), args.argOffset(3), args.argLength(3));
        if (Double.isNaN(score1) || Double.isNaN(score2))
        {
            out.nullBulk();
            return;
        }
        final double[] a = GeoHash.decodeScore(score1);
        final double[] b = GeoHash.decodeScore(score2);
        out.bulkString(GeoHash.formatDistance(GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeters));
    }

    /**
     * @return metres in the unit at arg, or -1 when it is not one.
     */
    private static double unit(final RespParser args, final int arg)
    {
        if (args.argEqualsIgnoreCase(arg, M))
        {
            return 1;
        }
        if (args.argEqualsIgnoreCase(arg, KM))
        {
            return 1000;
        }
        if (args.argEqualsIgnoreCase(arg, FT))
        {
            return 0.3048;
        }
        if (args.argEqualsIgnoreCase(arg, MI))
        {
            return 1609.34;
        }
        return -1;
    }

    /**
     * Read the numbers at arg and on (one for a radius, two for a box) then the unit into sizes, the unit's metres
     * last.
     *
     * @return the error Redis gives, or null.
     */
    private static String sizes(final RespParser args, final int arg, final double[] sizes, final boolean box)
    {
        final int numbers = box ? 2 : 1;
        for (int i = 0; i < numbers; i++)
        {
            sizes[i] = Scores.parse(args.argBuffer(), args.argOffset(arg + i), args.argLength(arg + i));
            if (Double.isNaN(sizes[i]))
            {
                return !box ? "ERR need numeric radius" : 0 == i ? "ERR need numeric width" : "ERR need numeric height";
            }
        }
        if (!box && sizes[0] < 0)
        {
            return "ERR radius cannot be negative";
        }
        if (box && (sizes[0] < 0 || sizes[1] < 0))
        {
            return "ERR height or width cannot be negative";
        }
        sizes[2] = unit(args, arg + numbers);
        return sizes[2] < 0 ? UNSUPPORTED_UNIT : null;
    }

    /**
     * GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE, checking and replying in Redis's
     * order: the source's type, the centre and radius of the GEORADIUS forms, the options one by one, their
     * conflicts, then the search.
     */
    private static void search(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final int sourceArg, final int flags)
    {
        final SortedSetValue zset = SortedSetCommands.zset(keyspace, args, sourceArg);
        final double[] xy = new double[2];
        final double[] sizes = new double[3];
        boolean box = false;
        int base;
        int storeArg = -1;
        if (0 != (flags & FROM_COORDS))
        {
            base = 6;
            if (null != replied(out, longLat(args, 2, xy)) || null != replied(out, sizes(args, 4, sizes, false)))
            {
                return;
            }
        }
        else if (0 != (flags & FROM_MEMBER))
        {
            base = 5;
            if (null != zset)
            {
                if (!memberPosition(zset, args, 2, xy))
                {
                    out.error(INVALID_MEMBER);
                    return;
                }
                if (null != replied(out, sizes(args, 3, sizes, false)))
                {
                    return;
                }
            }
        }
        else
        {
            base = 2;
            if (0 != (flags & SEARCH_STORE))
            {
                base = 3;
                storeArg = 1;
            }
        }

        boolean withDist = false;
        boolean withHash = false;
        boolean withCoords = false;
        boolean fromMember = false;
        boolean fromLonLat = false;
        boolean byRadius = false;
        boolean byBox = false;
        boolean storeDist = false;
        boolean any = false;
        int sort = SORT_NONE;
        long count = 0;
        final int argCount = args.argCount();
        final boolean searchForm = 0 != (flags & SEARCH);
        final boolean storable = 0 == (flags & NO_STORE) && !searchForm;
        for (int i = base; i < argCount; i++)
        {
            final int left = argCount - i - 1;
            if (args.argEqualsIgnoreCase(i, WITHDIST))
            {
                withDist = true;
            }
            else if (args.argEqualsIgnoreCase(i, WITHHASH))
            {
                withHash = true;
            }
            else if (args.argEqualsIgnoreCase(i, WITHCOORD))
            {
                withCoords = true;
            }
            else if (args.argEqualsIgnoreCase(i, ANY))
            {
                any = true;
            }
            else if (args.argEqualsIgnoreCase(i, ASC))
            {
                sort = SORT_ASC;
            }
            else if (args.argEqualsIgnoreCase(i, DESC))
            {
                sort = SORT_DESC;
            }
            else if (args.argEqualsIgnoreCase(i, COUNT) && left >= 1)
            {
                count = args.argAsLong(i + 1);
                if (!args.lastArgWasNumber())
                {
                    out.error(ErrorReplies.NOT_AN_INTEGER);
                    return;
                }
                if (count <= 0)
                {
                    out.error("ERR COUNT must be > 0");
                    return;
                }
                i++;
            }
            else if (args.argEqualsIgnoreCase(i, STORE) && left >= 1 && storable)
            {
                storeArg = i + 1;
                storeDist = false;
                i++;
            }
            else if (args.argEqualsIgnoreCase(i, STOREDIST) && left >= 1 && storable)
            {
                storeArg = i + 1;
                storeDist = true;
                i++;
            }
            else if (args.argEqualsIgnoreCase(i, STOREDIST) && 0 != (flags & SEARCH_STORE))
            {
                storeDist = true;
            }
            else if (args.argEqualsIgnoreCase(i, FROMMEMBER) && left >= 1 && searchForm && !fromLonLat)
            {
                if (null != zset && !memberPosition(zset, args, i + 1, xy))
                {
                    out.error(INVALID_MEMBER);
                    return;
                }
                fromMember = true;
                i++;
            }
            else if (args.argEqualsIgnoreCase(i, FROMLONLAT) && left >= 2 && searchForm && !fromMember)
            {
                if (null != replied(out, longLat(args, i + 1, xy)))
                {
                    return;
                }
                fromLonLat = true;
                i += 2;
            }
            else if (args.argEqualsIgnoreCase(i, BYRADIUS) && left >= 2 && searchForm && !byBox)
            {
                if (null != replied(out, sizes(args, i + 1, sizes, false)))
                {
                    return;
                }
                box = false;
                byRadius = true;
                i += 2;
            }
            else if (args.argEqualsIgnoreCase(i, BYBOX) && left >= 3 && searchForm && !byRadius)
            {
                if (null != replied(out, sizes(args, i + 1, sizes, true)))
                {
                    return;
                }
                box = true;
                byBox = true;
                i += 3;
            }
            else
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
        }

        if (-1 != storeArg && (withDist || withHash || withCoords))
        {
            out.error("ERR " + (0 != (flags & SEARCH_STORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (searchForm && !(fromMember || fromLonLat))
        {
            out.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + args.argString(0));
            return;
        }
        if (searchForm && !(byRadius || byBox))
        {
            out.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + args.argString(0));
            return;
        }
        if (any && 0 == count)
        {
            out.error("ERR the ANY argument requires COUNT argument");
            return;
        }
        if (null == zset)
        {
            if (-1 != storeArg)
            {
                keyspace.remove(args.argBuffer(), args.argOffset(storeArg), args.argLength(storeArg));
                out.integer(0);
            }
            else
            {
                out.arrayHeader(0);
            }
            return;
        }
        if (0 != count && SORT_NONE == sort && !any)
        {
            sort = SORT_ASC;
        }

        final GeoHash.Shape shape = new GeoHash.Shape(box, xy[0], xy[1], sizes[2],
            sizes[0], sizes[0], sizes[1]);
        final List<Point> points = find(zset, shape, any ? count : 0);
        if (points.isEmpty() && -1 == storeArg)
        {
            out.arrayHeader(0);
            return;
        }
        if (SORT_NONE != sort)
        {
            final Comparator<Point> ascending = Comparator.comparingDouble(Point::distance);
            points.sort(SORT_ASC == sort ? ascending : ascending.reversed());
        }
        final int returned = 0 == count || points.size() < count ? points.size() : (int)count;
        if (-1 == storeArg)
        {
            replyPoints(out, points, returned, shape.conversion, withDist, withHash, withCoords);
            return;
        }
        final SortedSetValue result = new SortedSetValue();
        for (int i = 0; i < returned; i++)
        {
            final Point point = points.get(i);
            result.put(point.member, storeDist ? point.distance / shape.conversion : point.score);
        }
        SortedSetCommands.store(keyspace, args, storeArg, result, out);
    }

    /**
     * @return the error after replying it, or null.
     */
    private static String replied(final RespWriter out, final String error)
    {
        if (null != error)
        {
            out.error(error);
        }
        return error;
    }

    private static boolean memberPosition(
        final SortedSetValue zset, final RespParser args, final int memberArg, final double[] xy)
    {
        final double score = zset.score(args.argBuffer(), args.argOffset(memberArg), args.argLength(memberArg));
        if (Double.isNaN(score))
        {
            return false;
        }
        final double[] position = GeoHash.decodeScore(score);
        xy[0] = position[0];
        xy[1] = position[1];
        return true;
    }

    private static void replyPoints(
        final RespWriter out, final List<Point> points, final int returned, final double conversion,
        final boolean withDist, final boolean withHash, final boolean withCoords)
    {
        final int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoords ? 1 : 0);
        out.arrayHeader(returned);
        for (int i = 0; i < returned; i++)
        {
            final Point point = points.get(i);
            if (options > 0)
            {
                out.arrayHeader(options + 1);
            }
            out.bulk(point.member);
            if (withDist)
            {
                out.bulkString(GeoHash.formatDistance(point.distance / conversion));
            }
            if (withHash)
            {
                out.integer((long)point.score);
            }
            if (withCoords)
            {
                replyCoordinates(out, new double[]{ point.longitude, point.latitude });
            }
        }
    }

    /**
     * @return the points within the shape, cell by cell in Redis's order, stopping once limit are found (0: none).
     */
    private static List<Point> find(final SortedSetValue zset, final GeoHash.Shape shape, final long limit)
    {
        final GeoHash.Bits[] cells = GeoHash.searchCells(shape);
        final List<Point> points = new ArrayList<>();
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++)
        {
            final GeoHash.Bits cell = cells[i];
            if (cell.isZero())
            {
                continue;
            }
            if (0 != lastProcessed && cell.equals(cells[lastProcessed]))
            {
                continue;
            }
            if (!points.isEmpty() && 0 != limit && points.size() >= limit)
            {
                break;
            }
            findInCell(zset, cell, shape, points, limit);
            lastProcessed = i;
        }
        return points;
    }

    private static void findInCell(
        final SortedSetValue zset, final GeoHash.Bits cell, final GeoHash.Shape shape, final List<Point> points,
        final long limit)
    {
        final double min = (double)GeoHash.align52(cell);
        final double max = (double)GeoHash.align52(new GeoHash.Bits(cell.bits() + 1, cell.step()));
        final int first = zset.firstInRange(ScoreRange.of(min, false, max, true));
        if (-1 == first)
        {
            return;
        }
        zset.visit(first, false, (member, score) ->
        {
            if (score >= max)
            {
                return false;
            }
            final double[] xy = GeoHash.decodeScore(score);
            final double distance = shape.distanceIfWithin(xy[0], xy[1]);
            if (!Double.isNaN(distance))
            {
                points.add(new Point(member.clone(), score, xy[0], xy[1], distance));
            }
            return points.isEmpty() || 0 == limit || points.size() < limit;
        });
    }
}

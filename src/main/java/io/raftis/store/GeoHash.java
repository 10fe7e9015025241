package io.raftis.store;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The geohash arithmetic of Redis's geo commands: coordinates interleaved into a 52-bit sorted set score (26 steps
 * of latitude and longitude, latitude in the even bits, over Web Mercator's latitude limits), decoded to the centre
 * of their cell, the eight neighbouring cells of a search, the haversine distance over Redis's earth radius, and the
 * formatting of coordinates and distances in replies.
 */
final class GeoHash
{
    /** The most steps a hash has: 52 bits. */
    static final int STEP_MAX = 26;
    /** Westmost longitude. */
    static final double LONG_MIN = -180;
    /** Eastmost longitude. */
    static final double LONG_MAX = 180;
    /** Southmost latitude that can be encoded. */
    static final double LAT_MIN = -85.05112878;
    /** Northmost latitude that can be encoded. */
    static final double LAT_MAX = 85.05112878;

    private static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;
    private static final char[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();
    private static final long EVEN_BITS = 0x5555555555555555L;
    private static final long ODD_BITS = 0xaaaaaaaaaaaaaaaaL;

    private GeoHash()
    {
    }

    /**
     * A hash: its bits and how many steps they hold; bits 0 at step 0 is the empty hash.
     *
     * @param bits the interleaved bits.
     * @param step how many steps of each coordinate.
     */
    record Bits(long bits, int step)
    {
        boolean isZero()
        {
            return 0 == bits && 0 == step;
        }
    }

    /**
     * The cell of a hash.
     *
     * @param longMin west edge.
     * @param longMax east edge.
     * @param latMin  south edge.
     * @param latMax  north edge.
     */
    record Area(double longMin, double longMax, double latMin, double latMax)
    {
    }

    /**
     * @return the 52-bit score of the coordinates, which must be within the limits.
     */
    static long encodeScore(final double longitude, final double latitude)
    {
        final Bits hash = encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, STEP_MAX);
        return align52(hash);
    }

    static Bits encode(
        final double longMin, final double longMax, final double latMin, final double latMax,
        final double longitude, final double latitude, final int step)
    {
        final double latOffset = (latitude - latMin) / (latMax - latMin) * (double)(1L << step);
        final double longOffset = (longitude - longMin) / (longMax - longMin) * (double)(1L << step);
        return new Bits(interleave((long)latOffset & 0xFFFFFFFFL, (long)longOffset & 0xFFFFFFFFL), step);
    }

    static long align52(final Bits hash)
    {
        return hash.bits << (52 - hash.step * 2);
    }

    /**
     * @return the bits a score holds as C's conversion of a double to a 64-bit unsigned integer gives them on x86-64,
     * for scores put there by ZADD too.
     */
    static long scoreBits(final double score)
    {
        final double twoTo63 = 9223372036854775808.0;
        if (score >= twoTo63)
        {
            final double rest = score - twoTo63;
            return rest >= twoTo63 ? 0 : (long)rest ^ Long.MIN_VALUE;
        }
        return Double.isNaN(score) ? Long.MIN_VALUE : (long)score;
    }

    /**
     * @return [longitude, latitude] of the centre of the cell the score names, clamped to the limits.
     */
    static double[] decodeScore(final double score)
    {
        final Area area = decode(new Bits(scoreBits(score), STEP_MAX));
        double longitude = (area.longMin + area.longMax) / 2;
        longitude = Math.max(LONG_MIN, Math.min(LONG_MAX, longitude));
        double latitude = (area.latMin + area.latMax) / 2;
        latitude = Math.max(LAT_MIN, Math.min(LAT_MAX, latitude));
        return new double[]{ longitude, latitude };
    }

    static Area decode(final Bits hash)
    {
        final long separated = deinterleave(hash.bits);
        final long latCell = separated & 0xFFFFFFFFL;
        final long longCell = separated >>> 32;
        final double cells = (double)(1L << hash.step);
        final double latScale = LAT_MAX - LAT_MIN;
        final double longScale = LONG_MAX - LONG_MIN;
        return new Area(
            LONG_MIN + (longCell * 1.0 / cells) * longScale,
            LONG_MIN + (((longCell + 1) & 0xFFFFFFFFL) * 1.0 / cells) * longScale,
            LAT_MIN + (latCell * 1.0 / cells) * latScale,
            LAT_MIN + (((latCell + 1) & 0xFFFFFFFFL) * 1.0 / cells) * latScale);
    }

    /**
     * @return the standard 11-character geohash of the score's position (over latitudes -90 to 90), as GEOHASH.
     */
    static String standardHash(final double score)
    {
        final double[] xy = decodeScore(score);
        final Bits hash = encode(-180, 180, -90, 90, xy[0], xy[1], STEP_MAX);
        final char[] chars = new char[11];
        for (int i = 0; i < 11; i++)
        {
            final int index = 10 == i ? 0 : (int)((hash.bits >>> (52 - ((i + 1) * 5))) & 0x1f);
            chars[i] = ALPHABET[index];
        }
        return new String(chars);
    }

    private static long interleave(final long xlo, final long ylo)
    {
        long x = xlo;
        long y = ylo;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & EVEN_BITS;
        y = (y | (y << 1)) & EVEN_BITS;
        return x | (y << 1);
    }

    private static long deinterleave(final long interleaved)
    {
        long x = interleaved & EVEN_BITS;
        long y = (interleaved >>> 1) & EVEN_BITS;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    private static Bits moveX(final Bits hash, final int direction)
    {
        return move(hash, direction, ODD_BITS, EVEN_BITS);
    }

    private static Bits moveY(final Bits hash, final int direction)
    {
        return move(hash, direction, EVEN_BITS, ODD_BITS);
    }

    /**
     * Step the interleaved coordinate in the moving bits by one cell, the other coordinate's bits kept.
     */
    private static Bits move(final Bits hash, final int direction, final long moving, final long kept)
    {
        long value = hash.bits & moving;
        final long zz = kept >>> (64 - hash.step * 2);
        if (direction > 0)
        {
            value = value + (zz + 1);
        }
        else
        {
            value = (value | zz) - (zz + 1);
        }
        value &= moving >>> (64 - hash.step * 2);
        return new Bits(value | (hash.bits & kept), hash.step);
    }

    /**
     * @return the steps a search of the radius (metres) around the latitude starts from, as Redis estimates them.
     */
    static int estimateSteps(final double radiusMeters, final double latitude)
    {
        if (0 == radiusMeters)
        {
            return 26;
        }
        double range = radiusMeters;
        int step = 1;
        while (range < MERCATOR_MAX)
        {
            range *= 2;
            step++;
        }
        step -= 2;
        if (latitude > 66 || latitude < -66)
        {
            step--;
            if (latitude > 80 || latitude < -80)
            {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /**
     * @return the nine cells a search of the shape reads, in Redis's order (the centre, north, south, east, west,
     * north-east, north-west, south-east, south-west), those it need not read as zero hashes.
     */
    static Bits[] searchCells(final Shape shape)
    {
        final double[] bounds = shape.boundingBox();
        final double minLon = bounds[0];
        final double minLat = bounds[1];
        final double maxLon = bounds[2];
        final double maxLat = bounds[3];
        int steps = estimateSteps(shape.radiusMeters(), shape.latitude);
        Bits hash = encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, shape.longitude, shape.latitude, steps);
        Bits[] cells = neighbours(hash);
        final boolean decrease = decode(cells[1]).latMax < maxLat || decode(cells[2]).latMin > minLat ||
            decode(cells[3]).longMax < maxLon || decode(cells[4]).longMin > minLon;
        if (steps > 1 && decrease)
        {
            steps--;
            hash = encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, shape.longitude, shape.latitude, steps);
            cells = neighbours(hash);
        }
        final Area area = decode(hash);
        if (steps >= 2)
        {
            final Bits zero = new Bits(0, 0);
            if (area.latMin < minLat)
            {
                cells[2] = zero;
                cells[8] = zero;
                cells[7] = zero;
            }
            if (area.latMax > maxLat)
            {
                cells[1] = zero;
                cells[5] = zero;
                cells[6] = zero;
            }
            if (area.longMin < minLon)
            {
                cells[4] = zero;
                cells[8] = zero;
                cells[6] = zero;
            }
            if (area.longMax > maxLon)
            {
                cells[3] = zero;
                cells[7] = zero;
                cells[5] = zero;
            }
        }
        return cells;
    }

    private static Bits[] neighbours(final Bits hash)
    {
        return new Bits[]
        {
            hash,
            moveY(hash, 1),
            moveY(hash, -1),
            moveX(hash, 1),
            moveX(hash, -1),
            moveY(moveX(hash, 1), 1),
            moveY(moveX(hash, -1), 1),
            moveY(moveX(hash, 1), -1),
            moveY(moveX(hash, -1), -1),
        };
    }

    static double degToRad(final double degrees)
    {
        return degrees * D_R;
    }

    static double radToDeg(final double radians)
    {
        return radians / D_R;
    }

    /**
     * @return the distance in metres along a meridian between two latitudes.
     */
    static double latDistance(final double lat1, final double lat2)
    {
        return EARTH_RADIUS_IN_METERS * Math.abs(degToRad(lat2) - degToRad(lat1));
    }

    /**
     * @return the haversine distance in metres between two points, over Redis's earth radius; StrictMath's sine,
     * cosine and arc sine, so that every member of the cluster computes the same bits for a STOREDIST.
     */
    static double distance(final double lon1, final double lat1, final double lon2, final double lat2)
    {
        final double v = StrictMath.sin((degToRad(lon2) - degToRad(lon1)) / 2);
        if (0.0 == v)
        {
            return latDistance(lat1, lat2);
        }
        final double lat1r = degToRad(lat1);
        final double lat2r = degToRad(lat2);
        final double u = StrictMath.sin((lat2r - lat1r) / 2);
        final double a = u * u + StrictMath.cos(lat1r) * StrictMath.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * StrictMath.asin(Math.sqrt(a));
    }

    /**
     * What a search covers: a circle of a radius, or a box of a width and height, around a centre; the sizes in the
     * unit given, conversion metres to the unit.
     */
    static final class Shape
    {
        final boolean box;
        final double longitude;
        final double latitude;
        final double conversion;
        final double radius;
        final double width;
        final double height;

        Shape(
            final boolean box, final double longitude, final double latitude, final double conversion,
            final double radius, final double width, final double height)
        {
            this.box = box;
            this.longitude = longitude;
            this.latitude = latitude;
            this.conversion = conversion;
            this.radius = radius;
            this.width = width;
            this.height = height;
        }

        double radiusMeters()
        {
            final double meters = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
            return meters * conversion;
        }

        /**
         * @return [min longitude, min latitude, max longitude, max latitude] of the shape's bounding box.
         */
        double[] boundingBox()
        {
            final double halfHeight = conversion * (box ? height / 2 : radius);
            final double halfWidth = conversion * (box ? width / 2 : radius);
            final double latDelta = radToDeg(halfHeight / EARTH_RADIUS_IN_METERS);
            final double longDeltaTop =
                radToDeg(halfWidth / EARTH_RADIUS_IN_METERS / StrictMath.cos(degToRad(latitude + latDelta)));
            final double longDeltaBottom =
                radToDeg(halfWidth / EARTH_RADIUS_IN_METERS / StrictMath.cos(degToRad(latitude - latDelta)));
            final boolean south = latitude < 0;
            return new double[]
            {
                south ? longitude - longDeltaBottom : longitude - longDeltaTop,
                latitude - latDelta,
                south ? longitude + longDeltaBottom : longitude + longDeltaTop,
                latitude + latDelta,
            };
        }

        /**
         * @return the distance in metres of the point from the centre if the shape holds it, else NaN.
         */
        double distanceIfWithin(final double pointLongitude, final double pointLatitude)
        {
            if (!box)
            {
                final double distance = distance(longitude, latitude, pointLongitude, pointLatitude);
                return distance > radius * conversion ? Double.NaN : distance;
            }
            if (latDistance(pointLatitude, latitude) > height * conversion / 2)
            {
                return Double.NaN;
            }
            if (distance(pointLongitude, pointLatitude, longitude, pointLatitude) > width * conversion / 2)
            {
                return Double.NaN;
            }
            return distance(longitude, latitude, pointLongitude, pointLatitude);
        }
    }

    /**
     * @return the distance with four decimals, rounded half to even from the scaled value, as Redis replies it.
     */
    static String formatDistance(final double distance)
    {
        if (0 == distance)
        {
            return "0.0000";
        }
        final long scaled = (long)Math.rint(distance * 10000.0);
        final long magnitude = Math.abs(scaled);
        final String fraction = Long.toString(magnitude % 10000);
        return (scaled < 0 ? "-" : "") + (magnitude / 10000) + "." + "0000".substring(fraction.length()) + fraction;
    }

    /**
     * @return the coordinate with 17 decimals, trailing zeros and a trailing point dropped, as Redis's human-friendly
     * long double.
     */
    static String formatCoordinate(final double value)
    {
        String text = fixed(value, 17);
        if (text.indexOf('.') >= 0)
        {
            int end = text.length();
            while ('0' == text.charAt(end - 1))
            {
                end--;
            }
            if ('.' == text.charAt(end - 1))
            {
                end--;
            }
            text = text.substring(0, end);
        }
        return "-0".equals(text) ? "0" : text;
    }

    /**
     * @return the value as C's "%.Nf" prints it: the exact binary value rounded to the decimals.
     */
    static String fixed(final double value, final int decimals)
    {
        if (Double.isInfinite(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        final boolean negative = Double.doubleToRawLongBits(value) < 0;
        final String magnitude = new BigDecimal(Math.abs(value)).setScale(decimals, RoundingMode.HALF_EVEN)
            .toPlainString();
        return negative ? "-" + magnitude : magnitude;
    }
}

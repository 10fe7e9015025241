package io.raftis.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The geo commands against the replies redis-server 7.0.15 gave to the same commands, byte for byte: encoding,
 * decoding, distances, searches in order, the STORE forms and the errors in Redis's order.
 */
class GeoCommandsTest
{
    private final CommandDriver driver = new CommandDriver();

    private void check(final String expected, final String... command)
    {
        assertEquals(expected, driver.call(command), String.join(" ", command));
    }

    @Test
    void shouldAnswerAsRedisDoes()
    {
        check(":2\r\n", "GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        check(":1\r\n", "GEOADD", "Sicily", "CH", "NX", "13.361389", "38.115556", "Palermo", "15", "37", "Foo");
        check(":1\r\n", "GEOADD", "Sicily", "XX", "CH", "13.361389", "38.115556", "Palermo", "15", "37.1", "Foo", "1",
            "1", "Bar");
        check("-ERR syntax error\r\n", "GEOADD", "Sicily", "XX", "NX", "13.361389", "38.115556", "Palermo");
        check("-ERR wrong number of arguments for 'geoadd' command\r\n", "GEOADD", "Sicily", "13.361389", "38.115556");
        check("-ERR invalid longitude,latitude pair 200.000000,38.115556\r\n", "GEOADD", "Sicily", "200", "38.115556",
            "x");
        check("-ERR invalid longitude,latitude pair -180.500000,-85.060000\r\n", "GEOADD", "Sicily", "-180.5", "-85.06",
            "x");
        check("-ERR value is not a valid float\r\n", "GEOADD", "Sicily", "abc", "38.115556", "x");
        check("-ERR syntax error\r\n", "GEOADD", "Sicily", "CH", "NX", "CH");
        check("$16\r\n3479099956230698\r\n", "ZSCORE", "Sicily", "Palermo");
        check("$16\r\n3476508020362460\r\n", "ZSCORE", "Sicily", "Foo");
        check(
            "*4\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*2\r\n$20\r\n15.0872674584388" +
            "7329\r\n$20\r\n37.50266842333162032\r\n*-1\r\n*2\r\n$20\r\n14.99999910593032837\r\n$20\r\n37.1000000852" +
            "3787329\r\n", "GEOPOS", "Sicily", "Palermo", "Catania", "nope", "Foo");
        check("*1\r\n*-1\r\n", "GEOPOS", "missing", "a");
        check("*3\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n", "GEOHASH", "Sicily", "Palermo", "Catania",
            "nope");
        check("$11\r\n166274.1516\r\n", "GEODIST", "Sicily", "Palermo", "Catania");
        check("$8\r\n166.2742\r\n", "GEODIST", "Sicily", "Palermo", "Catania", "km");
        check("$8\r\n103.3182\r\n", "GEODIST", "Sicily", "Palermo", "Catania", "MI");
        check("$11\r\n545518.8700\r\n", "GEODIST", "Sicily", "Palermo", "Catania", "ft");
        check("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", "GEODIST", "Sicily", "Palermo", "Catania",
            "yd");
        check("-ERR syntax error\r\n", "GEODIST", "Sicily", "Palermo", "Catania", "km", "x");
        check("$-1\r\n", "GEODIST", "Sicily", "Palermo", "nope");
        check("$6\r\n0.0000\r\n", "GEODIST", "Sicily", "Palermo", "Palermo");
        check(
            "*3\r\n*4\r\n$3\r\nFoo\r\n$7\r\n11.1226\r\n:3476508020362460\r\n*2\r\n$20\r\n14.99999910593032837\r\n$20" +
            "\r\n37.10000008523787329\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n1" +
            "5.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099" +
            "956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n", "GEORADIUS", "Sicily",
            "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC");
        check(
            "*3\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$3\r\nFoo" +
            "\r\n$7\r\n11.1226\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC");
        check("*2\r\n$3\r\nFoo\r\n$7\r\nCatania\r\n", "GEORADIUS", "Sicily", "15", "37", "100", "km", "ASC");
        check("*1\r\n$3\r\nFoo\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1");
        check("-ERR COUNT must be > 0\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0");
        check("-ERR value is not an integer or out of range\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km",
            "COUNT", "x");
        check("-ERR the ANY argument requires COUNT argument\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km",
            "ANY");
        check("-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
            "GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST");
        check(":3\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        check(
            "*6\r\n$3\r\nFoo\r\n$16\r\n3476508020362460\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania" +
            "\r\n$16\r\n3479447370796909\r\n", "ZRANGE", "dst", "0", "-1", "WITHSCORES");
        check(":3\r\n", "GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst");
        check(
            "*6\r\n$3\r\nFoo\r\n$18\r\n11.122639480976522\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPal" +
            "ermo\r\n$18\r\n190.44242984775784\r\n", "ZRANGE", "dst", "0", "-1", "WITHSCORES");
        check("-ERR radius cannot be negative\r\n", "GEORADIUS", "Sicily", "15", "37", "-1", "km");
        check("-ERR need numeric radius\r\n", "GEORADIUS", "Sicily", "15", "37", "x", "km");
        check("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", "GEORADIUS", "Sicily", "15", "37", "1",
            "yd");
        check("-ERR invalid longitude,latitude pair 15.000000,97.000000\r\n", "GEORADIUS", "Sicily", "15", "97", "1",
            "km");
        check("-ERR syntax error\r\n", "GEORADIUS", "Sicily", "15", "37", "1", "km", "BOGUS");
        check("-ERR syntax error\r\n", "GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        check(
            "*3\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n*2\r\n$3\r\nFoo\r" +
            "\n$8\r\n183.3143\r\n", "GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "WITHDIST", "ASC");
        check("-ERR could not decode requested zset member\r\n", "GEORADIUSBYMEMBER", "Sicily", "nope", "300", "km");
        check("*0\r\n", "GEORADIUSBYMEMBER", "missing", "nope", "x", "km");
        check(":0\r\n", "GEORADIUSBYMEMBER", "missing", "nope", "1", "km", "STORE", "dst");
        check(":0\r\n", "EXISTS", "dst");
        check("*2\r\n*2\r\n$3\r\nFoo\r\n:3476508020362460\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n",
            "GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "300", "km", "WITHHASH", "COUNT", "2", "DESC");
        check(
            "*3\r\n*3\r\n$3\r\nFoo\r\n$7\r\n11.1226\r\n*2\r\n$20\r\n14.99999910593032837\r\n$20\r\n37.10000008523787" +
            "329\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.502668423" +
            "33162032\r\n*3\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.115" +
            "55639549629859\r\n", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC",
            "WITHCOORD", "WITHDIST");
        check("*3\r\n$3\r\nFoo\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", "GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo",
            "BYRADIUS", "200", "km", "DESC");
        check("-ERR syntax error\r\n", "GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2",
            "BYRADIUS", "200", "km");
        check("-ERR wrong number of arguments for 'geosearch' command\r\n", "geosearch", "Sicily", "BYRADIUS", "200",
            "km");
        check("-ERR wrong number of arguments for 'geosearch' command\r\n", "geoSearch", "Sicily", "FROMLONLAT", "1",
            "2");
        check("-ERR height or width cannot be negative\r\n", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX",
            "-1", "400", "km");
        check("-ERR need numeric height\r\n", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km");
        check("-ERR syntax error\r\n", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE",
            "x");
        check("*2\r\n$3\r\nFoo\r\n$7\r\nPalermo\r\n", "GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS",
            "1000", "km", "COUNT", "2", "ANY");
        check(":2\r\n", "GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1000", "km", "COUNT",
            "2", "STOREDIST");
        check("*4\r\n$3\r\nFoo\r\n$18\r\n11.122639480976522\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n",
            "ZRANGE", "dst", "0", "-1", "WITHSCORES");
        check("-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
            "GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1000", "km", "WITHDIST");
        check(":0\r\n", "GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m");
        check(":0\r\n", "EXISTS", "dst");
        check(":4\r\n", "ZADD", "z", "-1", "neg", "inf", "pinf", "1e300", "big", "0", "zero");
        check(
            "*4\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-8" +
            "5.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22" +
            "\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n", "GEOPOS", "z", "neg", "pinf", "big",
            "zero");
        check("*4\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n",
            "GEOHASH", "z", "neg", "pinf", "big", "zero");
        check("$13\r\n18919844.5891\r\n", "GEODIST", "z", "neg", "big");
        check("+OK\r\n", "SET", "s", "x");
        check("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GEOPOS", "s", "a");
        check("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GEOADD", "s", "1", "2", "a");
        check("-ERR wrong number of arguments for 'geosearch' command\r\n", "GEOSEARCH", "s", "BOGUS");
        check(":3\r\n", "GEOADD", "g", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "o");
        check(
            "*3\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-8" +
            "5.05112751263942528\r\n*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n", "GEOPOS", "g",
            "ne", "sw", "o");
        check("*3\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\ns0000000000\r\n", "GEOHASH", "g", "ne", "sw",
            "o");
        check(
            "*2\r\n*3\r\n$1\r\no\r\n$6\r\n0.0003\r\n:3377699720527872\r\n*3\r\n$2\r\nsw\r\n$10\r\n10560.8118\r\n:0\r" +
            "\n", "GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "30000", "km", "ASC", "WITHDIST", "WITHHASH");
        check("*0\r\n", "GEOSEARCH", "g", "FROMLONLAT", "179", "85", "BYBOX", "30000", "500", "km", "ASC", "WITHDIST");
        check("$10\r\n18919.8446\r\n", "GEODIST", "g", "ne", "sw", "km");
    }

    @Test
    void shouldAnswerEdgesAsRedisDoes()
    {
        // errors in Redis's order against other types, the antimeridian, the poles' limit, radius 0, huge radii whose
        // neighbouring cells repeat, scores no GEOADD gives (infinite, negative, 2^52), and every option's errors
        check("+OK\r\n", "SET", "str", "x");
        check("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GEORADIUS", "str", "500",
            "500", "x", "yd");
        check("-ERR invalid longitude,latitude pair 500.000000,1.000000\r\n", "GEOADD", "str", "500", "1", "a");
        check("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", "GEODIST", "str", "a", "b", "yd");
        check("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GEODIST", "str", "a", "b");
        check(":0\r\n", "GEOSEARCHSTORE", "str", "missing", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km");
        check(":0\r\n", "EXISTS", "str");
        check(":5\r\n", "GEOADD", "w", "179.9", "0.5", "east", "-179.9", "0.5", "west", "0", "85", "north", "-0", "-0",
            "origin", "0.0001", "0", "near");
        check(
            "*1\r\n*3\r\n$4\r\neast\r\n$7\r\n11.1223\r\n*2\r\n$21\r\n179.89999920129776001\r\n$19\r\n0.5000003632517" +
            "7888\r\n", "GEOSEARCH", "w", "FROMLONLAT", "180", "0.5", "BYRADIUS", "50", "km", "ASC", "WITHDIST",
            "WITHCOORD");
        check("*2\r\n*2\r\n$4\r\neast\r\n$7\r\n11.1223\r\n*2\r\n$4\r\nwest\r\n$7\r\n11.1223\r\n", "GEOSEARCH", "w",
            "FROMLONLAT", "-180", "0.5", "BYBOX", "100", "100", "km", "ASC", "WITHDIST");
        check("*0\r\n", "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "0", "m", "WITHDIST");
        check(
            "*5\r\n*2\r\n$6\r\norigin\r\n$6\r\n0.0003\r\n*2\r\n$4\r\nnear\r\n$6\r\n0.0110\r\n*2\r\n$5\r\nnorth\r\n$9" +
            "\r\n9454.2355\r\n*2\r\n$4\r\neast\r\n$10\r\n19964.0195\r\n*2\r\n$4\r\nwest\r\n$10\r\n19964.0195\r\n",
            "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "WITHDIST", "ASC");
        check("*2\r\n*2\r\n$6\r\norigin\r\n:3377699720527872\r\n*2\r\n$4\r\nnear\r\n:3377699720528392\r\n", "GEOSEARCH",
            "w", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "COUNT", "2", "ANY", "WITHHASH");
        check("*2\r\n$4\r\neast\r\n$4\r\nwest\r\n", "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km",
            "COUNT", "2", "DESC");
        check("*1\r\n*2\r\n$5\r\nnorth\r\n*2\r\n$19\r\n0.00000268220901489\r\n$20\r\n84.99999965213439168\r\n",
            "GEOSEARCH", "w", "FROMMEMBER", "north", "BYBOX", "40000", "2000", "km", "ASC", "WITHCOORD");
        check(
            "*5\r\n*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n*2\r\n$19\r\n0.0000992417335510" +
            "3\r\n$19\r\n0.00000126736058093\r\n*2\r\n$19\r\n0.00000268220901489\r\n$20\r\n84.99999965213439168\r\n*" +
            "2\r\n$21\r\n179.89999920129776001\r\n$19\r\n0.50000036325177888\r\n*2\r\n$22\r\n-179.89999920129776001" +
            "\r\n$19\r\n0.50000036325177888\r\n", "GEOPOS", "w", "origin", "near", "north", "east", "west");
        check(
            "*5\r\n$11\r\ns0000000000\r\n$11\r\ns0000000420\r\n$11\r\nup0581b0bh0\r\n$11\r\nxbpfvep0ty0\r\n$11\r\n80" +
            "04f70bdn0\r\n", "GEOHASH", "w", "origin", "near", "north", "east", "west");
        check(":4\r\n", "ZADD", "w", "inf", "pinf", "-5", "neg", "4503599627370496", "top", "4503599627370495",
            "justbelow");
        check("*0\r\n", "GEORADIUSBYMEMBER", "w", "pinf", "100", "km", "WITHCOORD");
        check(
            "*1\r\n*3\r\n$9\r\njustbelow\r\n:4503599627370495\r\n*2\r\n$21\r\n179.99999731779098511\r\n$20\r\n85.051" +
            "12751263942528\r\n", "GEORADIUSBYMEMBER", "w", "justbelow", "100", "km", "WITHCOORD", "WITHHASH");
        check("*1\r\n*2\r\n$9\r\njustbelow\r\n$6\r\n0.0001\r\n", "GEORADIUSBYMEMBER", "w", "neg", "1000", "km",
            "WITHDIST", "ASC");
        check(
            "*4\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$19\r\n" +
            "85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$19\r\n85.0511287799999991\r\n*2\r\n$21\r" +
            "\n179.99999731779098511\r\n$20\r\n85.05112751263942528\r\n", "GEOPOS", "w", "pinf", "neg", "top",
            "justbelow");
        check("*4\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\nbp05b5048p0\r\n$11\r\nzzpgzgpfxz0\r\n",
            "GEOHASH", "w", "pinf", "neg", "top", "justbelow");
        check("-ERR value is not a valid float\r\n", "GEOADD", "w", "1", "1e400", "x");
        check("-ERR value is not a valid float\r\n", "GEOADD", "w", "1", " 1", "x");
        check("-ERR invalid longitude,latitude pair inf,1.000000\r\n", "GEOADD", "w", "inf", "1", "x");
        check("*1\r\n$6\r\norigin\r\n", "GEORADIUS", "w", "0", "0", "inf", "km", "COUNT", "1");
        check("*2\r\n$6\r\norigin\r\n$4\r\nnear\r\n", "GEORADIUS", "w", "0", "0", "1", "km", "COUNT",
            "9223372036854775807");
        check("-ERR value is not an integer or out of range\r\n", "GEORADIUS", "w", "0", "0", "1", "km", "COUNT",
            "9223372036854775808");
        check("-ERR syntax error\r\n", "GEORADIUS", "w", "0", "0", "1", "km", "COUNT");
        check("-ERR syntax error\r\n", "GEORADIUS", "w", "0", "0", "1", "km", "STORE");
        check(":2\r\n", "GEORADIUS", "w", "0", "0", "100", "km", "STORE", "d1", "STOREDIST", "d2");
        check("*4\r\n$6\r\norigin\r\n$21\r\n0.0003299589265287915\r\n$4\r\nnear\r\n$20\r\n0.011039190876810831\r\n",
            "ZRANGE", "d2", "0", "-1", "WITHSCORES");
        check(":0\r\n", "EXISTS", "d1");
        check("-ERR the ANY argument requires COUNT argument\r\n", "GEORADIUS", "w", "0", "0", "1", "km", "ANY");
        check("-ERR syntax error\r\n", "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "BYBOX", "1",
            "1", "km");
        check("-ERR syntax error\r\n", "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "FROMMEMBER", "north", "BYRADIUS", "1",
            "km");
        check("-ERR could not decode requested zset member\r\n", "GEOSEARCH", "w", "FROMMEMBER", "nobody", "BYRADIUS",
            "1", "km");
        check("*0\r\n", "GEOSEARCH", "missing", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km");
        check("-ERR need numeric radius\r\n", "GEOSEARCH", "missing", "FROMMEMBER", "nobody", "BYRADIUS", "x", "km");
        check("-ERR syntax error\r\n", "GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "STOREDIST");
        check("-ERR syntax error\r\n", "GEOSEARCHSTORE", "d3", "w", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km",
            "STORE", "x");
        check("-ERR syntax error\r\n", "GEORADIUSBYMEMBER_RO", "w", "north", "1", "km", "STOREDIST", "x");
        check("$7\r\n10.7400\r\n", "GEODIST", "w", "origin", "near", "M");
        check("$7\r\n22.2446\r\n", "GEODIST", "w", "east", "west", "km");
        check("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", "GEODIST", "missing", "a", "b", "yd");
        check("$-1\r\n", "GEODIST", "missing", "a", "b");
    }
}

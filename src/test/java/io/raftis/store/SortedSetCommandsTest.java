package io.raftis.store;

import io.raftis.resp.RespParser;
import org.junit.jupiter.api.Test;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.array;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sorted sets: their memory through both forms, scores read and written as Redis does (the replies and digests here
 * are redis-server 7.0.15's), the options and their errors, the ranges, the set algebra and the pops.
 */
class SortedSetCommandsTest
{
    private static final String LONG_MEMBER = "l".repeat(65);

    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldCountASortedSetInUsedMemoryThroughItsTwoFormsAndReleaseIt()
    {
        final long empty = driver.keyspace.usedMemory();
        for (int i = 0; i < 300; i++)
        {
            driver.call("ZADD", "z", Integer.toString(i % 7), "member" + i);
            if (i == 100)
            {
                assertTrue(zset("z").isCompact());
                assertEquals(zset("z").heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
            }
        }
        final SortedSetValue zset = zset("z");
        assertFalse(zset.isCompact());
        assertEquals(300, zset.size());
        assertEquals(zset.heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        driver.call("ZINCRBY", "z", "1.5", "member3");
        driver.call("ZPOPMIN", "z", "10");
        driver.call("ZREMRANGEBYRANK", "z", "0", "9");
        driver.call("ZREMRANGEBYSCORE", "z", "(2", "3");
        assertEquals(zset.heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        for (int i = 0; i < 300; i++)
        {
            driver.call("ZREM", "z", "member" + i);
        }
        assertEquals(empty, driver.keyspace.usedMemory());
        assertNull(driver.keyspace.get(bytes("z")));
    }

    @Test
    void shouldReplyScoresAsRedisPrintsThem()
    {
        final String[][] cases =
        {
            { "0.1", "0.10000000000000001" }, { "1.5", "1.5" }, { "-0.25", "-0.25" }, { "1e308", "1e+308" },
            { "1e-5", "1.0000000000000001e-05" }, { "1e-4", "0.0001" },
            { "123456.7890123456789", "123456.78901234567" },
            { "1e16", "10000000000000000" }, { "1e17", "1e+17" }, { "4611686018427387904", "4.6116860184273879e+18" },
            { "1e21", "1e+21" }, { "2.5e-310", "2.5000000000000171e-310" }, { "5e-324", "4.9406564584124654e-324" },
            { "1.7976931348623157e308", "1.7976931348623157e+308" }, { "100", "100" }, { "-3", "-3" },
            { "0.30000000000000004", "0.30000000000000004" }, { "0.3333333333333333", "0.33333333333333331" },
            { "-1e-300", "-1e-300" }, { "12345678901234567890", "1.2345678901234567e+19" }, { "0x1.8p1", "3" },
            { "inf", "inf" }, { "-INFINITY", "-inf" }, { "+inf", "inf" }, { "0X10", "16" }, { "1e3", "1000" },
        };
        for (final String[] scored : cases)
        {
            driver.call("ZADD", "z", scored[0], "m");
            assertEquals(bulk(scored[1]), driver.call("ZSCORE", "z", "m"), scored[0]);
        }
    }

    @Test
    void shouldReadScoresAsRedisDoes()
    {
        for (final String invalid : new String[]{ "1e400", "1e-400", " 1", "1 ", "nan", "", "0x", "abc", "-", "1e" })
        {
            assertEquals(error("ERR value is not a valid float"), driver.call("ZADD", "z", invalid, "m"), invalid);
            assertEquals(error("ERR weight value is not a float"),
                driver.call("ZUNION", "1", "z", "WEIGHTS", invalid), invalid);
        }
        assertEquals(integer(1), driver.call("ZADD", "z", "4e-320", "m"), "a subnormal is no underflow to zero");
        driver.call("ZADD", "z", "0", "zero", "1", "a", "2", "b", "3", "c");
        assertEquals(integer(1), driver.call("ZCOUNT", "z", "", ""), "no number at all reads as 0");
        assertEquals(integer(4), driver.call("ZCOUNT", "z", "(", "1e400"));
        assertEquals(integer(3), driver.call("ZCOUNT", "z", " 1", "(  4"));
        for (final String invalid : new String[]{ "nan", "1 ", "((1", "-", "(nan", "x1" })
        {
            assertEquals(error("ERR min or max is not a float"), driver.call("ZCOUNT", "z", invalid, "+inf"));
        }
    }

    @Test
    void shouldKeepMinusZeroAndIntegersAsEachFormDoes()
    {
        driver.call("ZADD", "small", "-0", "m", "1e17", "n");
        assertEquals(bulk("0"), driver.call("ZSCORE", "small", "m"), "a listpack holds -0 as the integer 0");
        assertEquals(bulk("-0"), driver.call("ZINCRBY", "fresh", "-0", "m"), "the reply is the computed score");
        assertEquals(bulk("0"), driver.call("ZSCORE", "fresh", "m"));
        assertEquals(array(bulk("0"), array(bulk("m"), bulk("0"), bulk("n"), bulk("100000000000000000"))),
            driver.call("ZSCAN", "small", "0"), "a listpack's text of an integer score");

        driver.call("ZADD", "large", "1", LONG_MEMBER);
        driver.call("ZADD", "large", "-0", "m", "1e17", "n");
        assertEquals(bulk("-0"), driver.call("ZSCORE", "large", "m"));
        assertEquals(array(bulk("0"), array(bulk("n"), bulk("1e+17"))),
            driver.call("ZSCAN", "large", "0", "MATCH", "n"), "a skip list's member scores as replies print them");
    }

    @Test
    void shouldDigestAsRedisDoes()
    {
        driver.call("ZADD", "d", "1.5", "a", "-0.25", "b", "inf", "c", "3", "d");
        driver.call("ZADD", "large", "1", LONG_MEMBER);
        driver.call("ZADD", "large", "-0", "neg", "0.1", "a", "7", "b", "inf", "c");
        assertEquals(array("+e017782c93d03ad3e4096e915c309fbe284b62c8\r\n",
            "+6a7cde0ee593860bd659137e2fac5f68dc297b82\r\n"), driver.call("DEBUG", "DIGEST-VALUE", "d", "large"));
    }

    @Test
    void shouldAddWithOptionsAsRedisDoes()
    {
        assertEquals(integer(3), driver.call("ZADD", "k", "1", "a", "2", "b", "3", "c"));
        assertEquals(bulk("6"), driver.call("ZADD", "k", "GT", "INCR", "5", "a"));
        assertEquals(NIL, driver.call("ZADD", "k", "LT", "INCR", "5", "a"));
        assertEquals(integer(1), driver.call("ZADD", "k", "XX", "CH", "10", "a", "20", "zz"));
        assertEquals(integer(1), driver.call("ZADD", "k", "NX", "CH", "10", "a", "20", "zz"));
        assertEquals(integer(0), driver.call("ZADD", "k", "GT", "CH", "1", "a"));
        assertEquals(integer(1), driver.call("ZADD", "k", "LT", "CH", "1", "a"));
        assertEquals(NIL, driver.call("ZADD", "missing", "XX", "INCR", "1", "a"));
        assertEquals(integer(0), driver.call("EXISTS", "missing"));
        assertEquals(bulk("inf"), driver.call("ZINCRBY", "k", "inf", "a"));
        assertEquals(error("ERR resulting score is not a number (NaN)"), driver.call("ZINCRBY", "k", "-inf", "a"));
        assertEquals(bulk("inf"), driver.call("ZSCORE", "k", "a"));

        assertEquals(error("ERR XX and NX options at the same time are not compatible"),
            driver.call("ZADD", "q", "nx", "xx", "1", "a"));
        assertEquals(error("ERR GT, LT, and/or NX options at the same time are not compatible"),
            driver.call("ZADD", "q", "nx", "gt", "1", "a"));
        assertEquals(error("ERR GT, LT, and/or NX options at the same time are not compatible"),
            driver.call("ZADD", "q", "gt", "lt", "1", "a"));
        assertEquals(error("ERR INCR option supports a single increment-element pair"),
            driver.call("ZADD", "q", "incr", "1", "a", "2", "b"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZADD", "q", "incr", "1", "a", "2"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZINCRBY", "q", "nx", "1"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZADD", "q", "1", "a", "NX"));
        assertEquals(CommandDriver.arityError("zadd"), driver.call("ZADD", "q", "ch"));
        assertEquals(integer(0), driver.call("EXISTS", "q"));
        assertEquals("ERR XX and NX options at the same time are not compatible",
            validate("ZADD", "q", "NX", "XX", "1", "a"), "refused before it is proposed");
    }

    @Test
    void shouldRangeAsRedisReadsTheOptions()
    {
        driver.call("ZADD", "k", "2", "b", "3", "c", "10", "a", "20", "zz");
        assertEquals(array(bulk("b"), bulk("c"), bulk("a"), bulk("zz")), driver.call("ZRANGE", "k", "0", "-1",
            "LIMIT", "0", "-1"), "a LIMIT of -1 is none");
        assertEquals(error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
            driver.call("ZRANGE", "k", "0", "-1", "LIMIT", "0", "-2"));
        assertEquals(array(bulk("c"), bulk("3"), bulk("a"), bulk("10"), bulk("zz"), bulk("20")),
            driver.call("ZRANGE", "k", "(1", "+inf", "BYSCORE", "LIMIT", "1", "-5", "WITHSCORES"));
        assertEquals(array(bulk("a"), bulk("10")),
            driver.call("ZRANGE", "k", "+inf", "(2", "BYSCORE", "REV", "LIMIT", "1", "1", "WITHSCORES"));
        assertEquals(array(), driver.call("ZRANGEBYSCORE", "k", "-inf", "+inf", "LIMIT", "-1", "2"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZRANGESTORE", "dst", "k", "0", "-1", "WITHSCORES"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZREVRANGE", "k", "0", "-1", "REV"));
        assertEquals(error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
            driver.call("ZRANGEBYLEX", "k", "-", "+", "WITHSCORES"));
        assertEquals(error("ERR min or max not valid string range item"), driver.call("ZLEXCOUNT", "k", "a", "+"));
        assertEquals(error("ERR min or max not valid string range item"), driver.call("ZLEXCOUNT", "k", "+x", "+"));
        assertEquals(ErrorReplies.SYNTAX_ERROR, validate("ZRANGESTORE", "dst", "k", "0", "1", "BYSCORE", "BYLEX"));
        assertEquals(integer(4), driver.call("ZRANGESTORE", "dst", "k", "0", "-1"));
        assertEquals(array(bulk("zz"), bulk("a")), driver.call("ZREVRANGE", "dst", "0", "1"));
    }

    @Test
    void shouldFollowRedisLinearSearchForLexRangesOverACompactSetOfMixedScores()
    {
        driver.call("ZADD", "lx", "1", "b", "2", "a", "3", "c");
        assertEquals(array(bulk("b"), bulk("a"), bulk("c")), driver.call("ZRANGEBYLEX", "lx", "[a", "[c"));
        assertEquals(array(bulk("c"), bulk("a"), bulk("b")), driver.call("ZREVRANGEBYLEX", "lx", "[c", "[a"));
        assertEquals(integer(2), driver.call("ZLEXCOUNT", "lx", "[a", "[b"));
        assertEquals(integer(2), driver.call("ZREMRANGEBYLEX", "lx", "[b", "[b"));
        assertEquals(array(bulk("c")), driver.call("ZRANGE", "lx", "0", "-1"));
    }

    @Test
    void shouldStoreOrRemoveTheDestinationAndDropItsTimeToLive()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("ZADD", "a", "1", "x", "2", "y");
        driver.call("SADD", "s", "y", "z");
        driver.call("SET", "d", "old", "EX", "100");
        assertEquals(integer(3), driver.call("ZUNIONSTORE", "d", "2", "a", "s", "WEIGHTS", "2", "3"));
        assertEquals(integer(-1), driver.call("TTL", "d"));
        assertEquals(array(bulk("x"), bulk("2"), bulk("z"), bulk("3"), bulk("y"), bulk("7")),
            driver.call("ZRANGE", "d", "0", "-1", "WITHSCORES"));
        driver.call("EXPIRE", "d", "100");
        assertEquals(integer(0), driver.call("ZINTERSTORE", "d", "2", "a", "missing"));
        assertEquals(integer(0), driver.call("EXISTS", "d"));
        driver.call("SET", "d", "old");
        assertEquals(integer(0), driver.call("ZRANGESTORE", "d", "missing", "0", "-1"));
        assertEquals(integer(0), driver.call("EXISTS", "d"), "a missing source removes the destination");
        assertEquals(integer(1), driver.call("ZDIFFSTORE", "d", "2", "a", "s"));
        assertEquals(OK, driver.call("SET", "str", "v"));
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("ZRANGESTORE", "d", "str", "0", "-1"));
        assertEquals(integer(1), driver.call("ZCARD", "d"), "a source of another type leaves the destination");
    }

    @Test
    void shouldCombineAsRedisDoes()
    {
        driver.call("ZADD", "k", "2", "b", "3", "c", "10", "a", "20", "zz");
        driver.call("SADD", "s", "a", "b", "x");
        driver.call("SET", "str", "v");
        assertEquals(array(bulk("b"), bulk("7"), bulk("a"), bulk("23")),
            driver.call("ZINTER", "2", "k", "s", "WEIGHTS", "2", "3", "WITHSCORES"));
        assertEquals(array(bulk("c"), bulk("0"), bulk("zz"), bulk("0"), bulk("a"), bulk("inf"), bulk("b"), bulk("inf"),
            bulk("x"), bulk("inf")), driver.call("ZUNION", "2", "k", "s", "WEIGHTS", "0", "inf", "WITHSCORES"),
            "0 × inf counts 0");
        assertEquals(array(bulk("a"), bulk("0"), bulk("b"), bulk("0")),
            driver.call("ZINTER", "2", "s", "k", "WEIGHTS", "0", "inf", "WITHSCORES", "AGGREGATE", "MIN"));
        assertEquals(array(bulk("x"), bulk("1")), driver.call("ZDIFF", "2", "s", "k", "WITHSCORES"));
        assertEquals(array(), driver.call("ZDIFF", "2", "k", "k"));
        assertEquals(integer(2), driver.call("ZINTERCARD", "2", "k", "s"));
        assertEquals(integer(1), driver.call("ZINTERCARD", "2", "s", "k", "LIMIT", "1"));
        assertEquals(error("ERR LIMIT can't be negative"), driver.call("ZINTERCARD", "1", "k", "LIMIT", "x"));
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("ZUNION", "2", "k", "str", "WEIGHTS", "x"),
            "the keys are looked up before the options are read");
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZDIFF", "1", "k", "WEIGHTS", "1"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZUNION", "1", "k", "AGGREGATE", "AVG"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZUNIONSTORE", "d", "1", "k", "WITHSCORES"));
        assertEquals("ERR at least 1 input key is needed for 'zunionstore' command",
            validate("ZUNIONSTORE", "d", "-9223372036854775808", "k"));
        assertEquals(ErrorReplies.SYNTAX_ERROR, validate("ZUNIONSTORE", "d", "9223372036854775807", "k"));
        assertEquals(ErrorReplies.NOT_AN_INTEGER, validate("ZINTER", "x", "k"));
    }

    @Test
    void shouldPopAsRedisDoes()
    {
        driver.call("ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d");
        assertEquals(array(bulk("a"), bulk("1"), bulk("b"), bulk("2")), driver.call("ZPOPMIN", "k", "2"));
        assertEquals(array(bulk("d"), bulk("4")), driver.call("ZPOPMAX", "k"));
        assertEquals(array(), driver.call("ZPOPMAX", "k", "0"));
        assertEquals(error("ERR value is out of range, must be positive"), driver.call("ZPOPMIN", "k", "-1"));
        assertEquals(error("ERR value is out of range, must be positive"), driver.call("ZPOPMIN", "k", "x"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZPOPMIN", "k", "1", "2"));
        assertEquals(array(bulk("k"), array(array(bulk("c"), bulk("3")))),
            driver.call("ZMPOP", "2", "missing", "k", "MAX", "COUNT", "10"));
        assertEquals(integer(0), driver.call("EXISTS", "k"), "emptied, removed");
        assertEquals("*-1\r\n", driver.call("ZMPOP", "1", "k", "MIN"));
        assertEquals(error("ERR numkeys should be greater than 0"), driver.call("ZMPOP", "0", "k", "MIN"));
        assertEquals(error("ERR count should be greater than 0"), driver.call("ZMPOP", "1", "k", "MIN", "COUNT", "0"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZMPOP", "1", "k", "MIN", "COUNT", "1", "COUNT"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZMPOP", "5", "k", "MIN"));
    }

    @Test
    void shouldWriteTheBlockingFormsReplyShapes()
    {
        driver.call("ZADD", "k", "1", "a", "2", "b");
        final long empty = driver.keyspace.usedMemory() - Keyspace.arrayBytes(1) - zset("k").heapBytes();
        final io.raftis.resp.RespWriter out = new io.raftis.resp.RespWriter(64);
        final byte[] key = bytes("k");
        SortedSetCommands.popAndReply(driver.keyspace, new org.agrona.concurrent.UnsafeBuffer(key), 0, 1, zset("k"),
            true, 1, SortedSetCommands.PopReply.FLAT_WITH_KEY, out);
        assertEquals(array(bulk("k"), bulk("b"), bulk("2")), written(out));
        out.reset();
        SortedSetCommands.popAndReply(driver.keyspace, new org.agrona.concurrent.UnsafeBuffer(key), 0, 1, zset("k"),
            false, 5, SortedSetCommands.PopReply.NESTED_WITH_KEY, out);
        assertEquals(array(bulk("k"), array(array(bulk("a"), bulk("1")))), written(out));
        assertNull(driver.keyspace.get(key));
        assertEquals(empty, driver.keyspace.usedMemory());
    }

    @Test
    void shouldAnswerRandomMembersAndTheirErrors()
    {
        driver.call("ZADD", "k", "1", "a", "2", "b", "3", "c");
        assertEquals(array(bulk("c"), bulk("3"), bulk("b"), bulk("2"), bulk("a"), bulk("1")),
            driver.call("ZRANDMEMBER", "k", "10", "WITHSCORES"), "all of them, from the highest, as Redis");
        assertTrue(driver.call("ZRANDMEMBER", "k", "-5", "WITHSCORES").startsWith("*10\r\n"), "five that may repeat");
        assertEquals(array(), driver.call("ZRANDMEMBER", "missing", "5"));
        assertEquals(NIL, driver.call("ZRANDMEMBER", "missing"));
        assertEquals(error("ERR value is out of range"),
            driver.call("ZRANDMEMBER", "k", "9223372036854775807", "WITHSCORES"));
        assertEquals(error("ERR value is out of range, value must between -9223372036854775807 and " +
            "9223372036854775807"), driver.call("ZRANDMEMBER", "k", "-9223372036854775808"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("ZRANDMEMBER", "k", "1", "WITHSCORES", "x"));
    }

    @Test
    void shouldBeAKeyOfItsOwnTypeThatKeyCommandsMoveAndCopy()
    {
        driver.call("ZADD", "z", "1", "a", "2", "b");
        assertEquals("+zset\r\n", driver.call("TYPE", "z"));
        assertEquals(array(bulk("0"), array(bulk("z"))), driver.call("SCAN", "0", "TYPE", "zset"));
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("SADD", "z", "x"));
        driver.call("SET", "str", "v");
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("ZADD", "str", "1", "x"));
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("ZRANGE", "str", "0", "-1"));
        assertEquals(integer(1), driver.call("COPY", "z", "copy"));
        driver.call("ZADD", "copy", "5", "c");
        assertEquals(integer(2), driver.call("ZCARD", "z"), "the copy shares nothing");
        assertEquals(zset("copy").heapBytes() + zset("z").heapBytes() + Keyspace.arrayBytes(1) +
            Keyspace.arrayBytes(4) + Keyspace.arrayBytes(3) + Keyspace.arrayBytes(1), driver.keyspace.entryBytes());
        assertEquals(OK, driver.call("RENAME", "copy", "renamed"));
        assertEquals(array(bulk("c"), bulk("5")), driver.call("ZRANGE", "renamed", "-1", "-1", "WITHSCORES"));
        assertEquals(integer(1), driver.call("MOVE", "renamed", "1"));
        assertEquals(OK, driver.call("SWAPDB", "0", "1"));
        final Object swapped = driver.keyspace.databases().get(0).get(bytes("renamed"));
        assertEquals(3, ((SortedSetValue)swapped).size(), "database 1's sorted set, now in database 0");
    }

    private SortedSetValue zset(final String key)
    {
        return (SortedSetValue)driver.keyspace.get(bytes(key));
    }

    private String validate(final String... args)
    {
        final RespParser parser = driver.parse(args);
        return driver.table.lookup(parser).validate(parser);
    }

    private static String written(final io.raftis.resp.RespWriter out)
    {
        final byte[] reply = new byte[out.length()];
        out.buffer().getBytes(0, reply);
        return CommandDriver.string(reply);
    }
}

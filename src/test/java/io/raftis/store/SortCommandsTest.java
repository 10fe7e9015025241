package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.array;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * SORT and SORT_RO: every option and error, with the replies redis-server 7.0.15 gave for the same commands.
 */
class SortCommandsTest
{
    private static final String NOT_A_DOUBLE = "ERR One or more scores can't be converted into double";

    private final CommandDriver driver = new CommandDriver();

    private static String bulks(final String... values)
    {
        final String[] bulks = new String[values.length];
        for (int i = 0; i < values.length; i++)
        {
            bulks[i] = null == values[i] ? NIL : bulk(values[i]);
        }
        return array(bulks);
    }

    @Test
    void shouldSortNumericallyWithLimitClampedAsRedis()
    {
        driver.call("RPUSH", "l", "3", "1", "2", "10", "1.5");
        assertEquals(bulks("1", "1.5", "2", "3", "10"), driver.call("SORT", "l"));
        assertEquals(bulks("10", "3", "2", "1.5", "1"), driver.call("SORT", "l", "DESC"));
        assertEquals(bulks("10", "3", "2", "1.5", "1"), driver.call("sort_ro", "l", "asc", "desc"));
        assertEquals(bulks("1.5", "2"), driver.call("SORT", "l", "LIMIT", "1", "2"));
        assertEquals(bulks("1", "1.5"), driver.call("SORT", "l", "LIMIT", "-5", "2"));
        assertEquals(bulks("3", "10"), driver.call("SORT", "l", "LIMIT", "3", "100"));
        assertEquals(bulks(), driver.call("SORT", "l", "LIMIT", "5", "1"));
        assertEquals(bulks(), driver.call("SORT", "l", "LIMIT", "0", "0"));
        assertEquals(bulks("1.5", "2", "3", "10"), driver.call("SORT", "l", "LIMIT", "1", "-1"));
        assertEquals(bulks(), driver.call("SORT", "missing"));
    }

    @Test
    void shouldBreakTiesBetweenEqualScoresByTheElementsBytes()
    {
        driver.call("RPUSH", "l", "b", "a", "10", "1e1", "c");
        driver.call("MSET", "w_b", "1", "w_a", "1", "w_c", "0x1");
        assertEquals(bulks("10", "1e1"), driver.call("SORT", "l", "BY", "w_*", "LIMIT", "0", "2"));
        assertEquals(bulks("10", "1e1", "a", "b", "c"), driver.call("SORT", "l", "BY", "w_*"));
        assertEquals(bulks("c", "b", "a", "1e1", "10"), driver.call("SORT", "l", "BY", "w_*", "DESC"));
    }

    @Test
    void shouldRefuseWeightsThatAreNotNumbersAsStrtodReadsThem()
    {
        driver.call("RPUSH", "m", "2", "1");
        for (final String weight : new String[]{ "1e-310", "1e-400", "1 ", "nan", "1e400", "4.9e-324", "0x", ".",
            "-", "1e", "2.2250738585072011e-308" })
        {
            driver.call("SET", "w2", weight);
            assertEquals(error(NOT_A_DOUBLE), driver.call("SORT", "m", "BY", "w*"), weight);
        }
        for (final String weight : new String[]{ "", " 1", "0x10", "inf", "-infinity", "+.5e1", "0x1p-1074",
            "2.2250738585072014e-308", "0x1.8p-1023" })
        {
            driver.call("SET", "w2", weight);
            assertEquals(2, driver.call("SORT", "m", "BY", "w*").split("\r\n").length / 2, weight);
        }
        driver.call("SET", "w1", "1\u0000zz"); // strtod stops at the NUL: 1
        driver.call("SET", "w2", "0");
        assertEquals(bulks("2", "1"), driver.call("SORT", "m", "BY", "w*"));
        driver.call("RPUSH", "words", "c", "b");
        assertEquals(error(NOT_A_DOUBLE), driver.call("SORT", "words"));
        assertEquals(error(NOT_A_DOUBLE), driver.call("SORT", "words", "STORE", "d"));
        assertEquals(0, driver.call("EXISTS", "d").charAt(1) - '0', "nothing stored on an error");
    }

    @Test
    void shouldSortAlphaAsStrcollInTheCLocaleAndBinaryWhenStoring()
    {
        driver.call(bytes("RPUSH"), bytes("n"), bytes("a\u0000c"), bytes("a\u0000b"), bytes("a"), new byte[]{ -1 },
            bytes("b"));
        driver.call("RPUSH", "w", "c", "b", "a", "B", "");
        assertEquals(bulks("", "B", "a", "b", "c"), driver.call("SORT", "w", "ALPHA"));
        assertEquals(bulks("c", "b", "a", "B", ""), driver.call("SORT", "w", "ALPHA", "DESC"));
        assertEquals(bulks("a\u0000c", "a\u0000b", "a", "b", "\u00ff"), driver.call("SORT", "n", "ALPHA"));
        assertEquals(bulks("\u00ff", "b", "a\u0000c", "a\u0000b", "a"), driver.call("SORT", "n", "ALPHA", "DESC"));
        assertEquals(integer(5), driver.call("SORT", "n", "ALPHA", "STORE", "d"));
        assertEquals(bulks("a", "a\u0000b", "a\u0000c", "b", "\u00ff"), driver.call("LRANGE", "d", "0", "-1"));
        driver.call("RPUSH", "l", "x", "y");
        driver.call("SET", "w_x", "a\u0000b");
        driver.call("SET", "w_y", "a");
        assertEquals(bulks("x", "y"), driver.call("SORT", "l", "BY", "w_*", "ALPHA"), "equal as C strings");
        assertEquals(bulks("x", "y"), driver.call("SORT", "l", "BY", "w_*", "ALPHA", "DESC"));
        assertEquals(integer(2), driver.call("SORT", "l", "BY", "w_*", "ALPHA", "STORE", "d"));
        assertEquals(bulks("y", "x"), driver.call("LRANGE", "d", "0", "-1"), "byte for byte when storing");
    }

    @Test
    void shouldKeepTiedAlphaWeightsInRedisOrderWholeOrPartlySorted()
    {
        for (int i = 0; i < 50; i++)
        {
            driver.call("RPUSH", "big", "e" + i);
            if (0 == i % 7)
            {
                driver.call("SET", "w_e" + i, "v" + i % 3);
            }
        }
        assertEquals(bulks("e5", "e6", "e40", "e41", "e43", "e44", "e45", "e46", "e47", "e48"),
            driver.call("SORT", "big", "BY", "w_*", "ALPHA", "LIMIT", "5", "10"));
        assertEquals(bulks("e35", "e14", "e7", "e49", "e28", "e0", "e21", "e42", "e9", "e10", "e11", "e12", "e13",
            "e15", "e16", "e17", "e18", "e19", "e20", "e22"),
            driver.call("SORT", "big", "BY", "w_*", "ALPHA", "DESC", "LIMIT", "0", "20"));
        assertEquals(bulks("e38", "e39", "e21", "e0", "e42", "e7", "e49", "e28", "e35", "e14"),
            driver.call("SORT", "big", "BY", "w_*", "ALPHA", "LIMIT", "40", "20"));
        assertEquals(bulks("e3", "e4", "e5", "e6"), driver.call("SORT", "big", "BY", "w_*", "ALPHA", "LIMIT", "3", "4"));
        final List<String> whole = new ArrayList<>();
        for (int i = 1; i < 49; i++)
        {
            if (0 != i % 7)
            {
                whole.add("e" + i);
            }
        }
        whole.addAll(List.of("e0", "e21", "e42", "e7", "e28", "e49", "e14", "e35"));
        assertEquals(bulks(whole.toArray(new String[0])), driver.call("SORT", "big", "BY", "w_*", "ALPHA"));
    }

    @Test
    void shouldFindWeightsAndValuesThroughPatterns()
    {
        driver.call("RPUSH", "l", "3", "1", "2", "10", "1.5");
        driver.call("MSET", "w_3", "30", "w_1", "10", "w_2", "-5", "w_10", "x");
        driver.call("HSET", "h_3", "f", "3");
        driver.call("HSET", "h_1", "f", "1");
        driver.call("SADD", "w_1.5", "not a string");
        driver.call("SET", "h_2", "not a hash");
        assertEquals(bulks("1.5", "1.5", null, null, "10", "10", null, "x", "2", "2", null, "-5", "1", "1", "1", "10",
            "3", "3", "3", "30"), driver.call("SORT", "l", "BY", "h_*->f", "GET", "#", "GET", "#", "GET", "h_*->f",
            "GET", "w_*"));
        assertEquals(bulks(null, null, null, null, null), driver.call("SORT", "l", "BY", "nosort", "GET", "nope"));
        driver.call("SET", "w_3->", "v");
        assertEquals(bulks("v", null), driver.call("SORT", "l", "BY", "nosort", "LIMIT", "0", "2", "GET", "w_*->"),
            "an arrow with no field after it is part of the key");
        assertEquals(error(NOT_A_DOUBLE), driver.call("SORT", "l", "BY", "w_*"));
        assertEquals(bulks("1.5", "2", "1", "3", "10"), driver.call("SORT", "l", "BY", "w_*", "ALPHA"));
        assertEquals(bulks("10", "3"), driver.call("SORT", "l", "BY", "w_*", "ALPHA", "DESC", "LIMIT", "0", "2"));
        driver.call("SET", "k3-", "a");
        driver.call("HSET", "x3-", "-", "b");
        assertEquals(bulks("a"), driver.call("SORT", "l", "BY", "nosort", "LIMIT", "0", "1", "GET", "k*-"));
        assertEquals(bulks("b"), driver.call("SORT", "l", "BY", "nosort", "LIMIT", "0", "1", "GET", "x*-->-"));
        assertEquals(bulks("3"), driver.call("SORT", "l", "BY", "nosort", "LIMIT", "0", "1", "GET", "#\u0000x"));
    }

    @Test
    void shouldGiveListsAndSortedSetsInTheirOrderByNosort()
    {
        driver.call("RPUSH", "l", "3", "1", "2", "10", "1.5");
        assertEquals(bulks("3", "1", "2", "10", "1.5"), driver.call("SORT", "l", "BY", "nosort"));
        assertEquals(bulks("1.5", "10", "2", "1", "3"), driver.call("SORT", "l", "BY", "nosort", "DESC"));
        assertEquals(bulks("10", "2"), driver.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        assertEquals(bulks("3", "1", "2", "10", "1.5"), driver.call("SORT", "l", "BY", "w_*", "BY", "nosort"));
        assertEquals(bulks("3", "1", "2", "10", "1.5"), driver.call("SORT", "l", "BY", "nosort", "BY", "w_*"));
        assertEquals(bulks("3", "1", "2", "10", "1.5"), driver.call("SORT", "l", "BY", "w\u0000*"));
        driver.call("ZADD", "z", "1", "c", "2", "a", "3", "b", "3", "d");
        assertEquals(bulks("c", "a", "b", "d"), driver.call("SORT", "z", "BY", "nosort"));
        assertEquals(bulks("b", "a"), driver.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        assertEquals(bulks("d", "c", "b", "a"), driver.call("SORT", "z", "ALPHA", "DESC"));
        assertEquals(bulks("c", null, null, "a", null, null, "b", null, null, "d", null, null),
            driver.call("SORT", "z", "BY", "nosort", "GET", "#", "GET", "nope*", "GET", "x*->"));
    }

    @Test
    void shouldReadAnIntegerSetByValueAndSortASetBeforeStoringIt()
    {
        driver.call("SADD", "s", "10", "-3", "7", "2");
        assertEquals(bulks("-3", "2", "7", "10"), driver.call("SORT", "s", "BY", "nosort"));
        assertEquals(bulks("2", "7"), driver.call("SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        assertEquals(bulks("-3", "2", "7", "10"), driver.call("SORT_RO", "s", "BY", "nosort"));
        assertEquals(integer(4), driver.call("SORT", "s", "BY", "nosort", "STORE", "d"));
        assertEquals(bulks("-3", "10", "2", "7"), driver.call("LRANGE", "d", "0", "-1"));
        driver.call("SADD", "t", "b", "c", "a");
        assertEquals(integer(3), driver.call("SORT", "t", "BY", "nosort", "DESC", "STORE", "d"));
        assertEquals(bulks("c", "b", "a"), driver.call("LRANGE", "d", "0", "-1"));
        assertEquals(bulks("a", "b", "c"), driver.call("SORT", "t", "ALPHA"));
    }

    @Test
    void shouldStoreAListReplacingTheDestinationOrRemoveItWhenEmpty()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("RPUSH", "src", "b", "a");
        driver.call("SET", "d", "x", "EX", "100");
        assertEquals(integer(2), driver.call("SORT", "src", "ALPHA", "STORE", "d"));
        assertEquals(integer(-1), driver.call("TTL", "d"));
        assertEquals(bulks("a", "b"), driver.call("LRANGE", "d", "0", "-1"));
        driver.call("SET", "w_a", "1");
        assertEquals(integer(4), driver.call("SORT", "src", "ALPHA", "GET", "w_*", "GET", "#", "STORE", "d"));
        assertEquals(bulks("1", "a", "", "b"), driver.call("LRANGE", "d", "0", "-1"));
        assertEquals(integer(2), driver.call("SORT", "src", "ALPHA", "STORE", "x", "STORE", "src"));
        assertEquals(bulks("a", "b"), driver.call("LRANGE", "src", "0", "-1"));
        assertEquals(integer(0), driver.call("SORT", "missing", "STORE", "d"));
        assertNull(driver.keyspace.get(bytes("d")));
        assertEquals(error(NOT_A_DOUBLE), driver.call("SORT", "src", "LIMIT", "0", "0", "STORE", "src"));
        assertEquals(integer(0), driver.call("SORT", "src", "ALPHA", "LIMIT", "0", "0", "STORE", "src"));
        assertNull(driver.keyspace.get(bytes("src")));
    }

    @Test
    void shouldCountAStoredListInUsedMemory()
    {
        final long empty = driver.keyspace.usedMemory();
        for (int i = 0; i < 100; i++)
        {
            driver.call("RPUSH", "src", "element" + i);
        }
        final long withSource = driver.keyspace.usedMemory();
        driver.call("SORT", "src", "ALPHA", "STORE", "d");
        final ListValue stored = (ListValue)driver.keyspace.get(bytes("d"));
        assertEquals(100, stored.size());
        assertEquals(withSource - empty, driver.keyspace.usedMemory() - withSource, "a copy of the same size");
        driver.call("DEL", "src", "d");
        assertEquals(empty, driver.keyspace.usedMemory());
    }

    @Test
    void shouldAnswerErrorsInTheOrderRedisReadsTheArguments()
    {
        driver.call("SET", "str", "v");
        driver.call("RPUSH", "l", "1");
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("SORT", "str"));
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("SORT_RO", "str", "BY", "nosort"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "str", "BOGUS"));
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), driver.call("SORT", "str", "LIMIT", "x", "1"));
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), driver.call("SORT", "l", "LIMIT", "0", "1.5"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "l", "LIMIT", "1"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "l", "GET"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "l", "BY"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "l", "STORE"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT", "l", "BOGUS", "LIMIT", "x", "1"));
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), driver.call("SORT", "l", "LIMIT", "x", "1", "BOGUS"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), driver.call("SORT_RO", "l", "STORE", "d"));
        assertEquals(CommandDriver.arityError("sort"), driver.call("SORT"));
        assertEquals(CommandDriver.arityError("sort_ro"), driver.call("SORT_RO"));
        final Command sort = driver.table.lookup("sort");
        assertEquals(ErrorReplies.SYNTAX_ERROR, sort.validate(driver.parse("SORT", "l", "STORE", "d", "BAD")));
        assertNull(sort.validate(driver.parse("SORT", "l", "STORE", "d", "limit", "0", "1", "get", "#", "by", "x")));
        assertEquals(ErrorReplies.NOT_AN_INTEGER, sort.validate(driver.parse("SORT", "l", "LIMIT", "0", "x")));
    }

    @Test
    void shouldFindTheKeysAsRedisSortGetKeys()
    {
        final Command sort = driver.table.lookup("sort");
        final Command sortRo = driver.table.lookup("sort_ro");
        assertArrayEquals(new int[]{ 1, 8 }, keys(sort, "SORT", "a", "STORE", "b", "LIMIT", "1", "2", "STORE", "c"));
        assertArrayEquals(new int[]{ 1 }, keys(sort, "SORT", "a", "GET", "store", "BY", "STORE"));
        assertArrayEquals(new int[]{ 1, 3 }, keys(sort, "SORT", "a", "store", "store"));
        assertArrayEquals(new int[]{ 1 }, keys(sort, "SORT", "a", "LIMIT", "STORE", "b"));
        assertArrayEquals(new int[]{ 1 }, keys(sortRo, "SORT_RO", "a", "STORE", "b"));
    }

    private int[] keys(final Command command, final String... args)
    {
        return command.keyPositions(driver.parse(args), 0, args.length);
    }
}

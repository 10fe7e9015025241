package io.raftis.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Times to live and types, and the SET family's expiry options, against a keyspace whose clock the test moves.
 */
class KeyCommandsTest
{
    private static final long NOW = 1_700_000_000_000L;

    private final CommandDriver driver = new CommandDriver();

    @BeforeEach
    void applyAtAFixedTime()
    {
        at(NOW);
    }

    private void at(final long nowMs)
    {
        driver.keyspace.clock(nowMs, true);
    }

    @Test
    void shouldCountExpireFromTheKeyspaceClockAndRoundTtlAsRedisDoes()
    {
        driver.call("SET", "k", "v");
        assertEquals(integer(-1), driver.call("TTL", "k"));
        assertEquals(integer(1), driver.call("EXPIRE", "k", "10"));
        assertEquals(integer(NOW + 10_000), driver.call("PEXPIRETIME", "k"));
        assertEquals(integer(NOW / 1000 + 10), driver.call("EXPIRETIME", "k"));
        at(NOW + 1_499);
        assertEquals(integer(8_501), driver.call("PTTL", "k"));
        assertEquals(integer(9), driver.call("TTL", "k")); // (8501 + 500) / 1000
        at(NOW + 1_400);
        assertEquals(integer(9), driver.call("TTL", "k"));
        at(NOW + 9_999);
        assertEquals(bulk("v"), driver.call("GET", "k"));
        at(NOW + 10_000);
        assertEquals(NIL, driver.call("GET", "k"));
        assertEquals(integer(-2), driver.call("TTL", "k"));
        assertEquals(integer(-2), driver.call("PEXPIRETIME", "k"));
        assertEquals(0, driver.keyspace.size());
        assertEquals(0, driver.keyspace.expires());
    }

    @Test
    void shouldRemoveTheKeyWhenTheExpiryHasPassedAndAnswerZeroForAMissingKey()
    {
        assertEquals(integer(0), driver.call("EXPIRE", "missing", "10"));
        driver.call("SET", "k", "v");
        assertEquals(integer(1), driver.call("EXPIRE", "k", "-1"));
        assertEquals(0, driver.keyspace.size());
        driver.call("SET", "k", "v");
        assertEquals(integer(1), driver.call("PEXPIREAT", "k", Long.toString(NOW)));
        assertEquals(integer(0), driver.call("EXISTS", "k"));
        driver.call("SET", "k", "v");
        assertEquals(integer(1), driver.call("EXPIREAT", "k", Long.toString(NOW / 1000 + 100)));
        assertEquals(integer(100), driver.call("TTL", "k"));
    }

    @Test
    void shouldApplyNxXxGtAndLtAsRedisDoes()
    {
        driver.call("SET", "k", "v");
        assertEquals(integer(0), driver.call("EXPIRE", "k", "100", "XX"));
        assertEquals(integer(0), driver.call("EXPIRE", "k", "100", "GT")); // no expiry counts as infinite
        assertEquals(integer(1), driver.call("EXPIRE", "k", "100", "LT"));
        assertEquals(integer(0), driver.call("EXPIRE", "k", "50", "NX"));
        assertEquals(integer(0), driver.call("EXPIRE", "k", "100", "GT"));
        assertEquals(integer(1), driver.call("EXPIRE", "k", "200", "gt"));
        assertEquals(integer(0), driver.call("EXPIRE", "k", "300", "LT"));
        assertEquals(integer(1), driver.call("PEXPIRE", "k", "5000", "xx", "lt"));
        assertEquals(integer(5000), driver.call("PTTL", "k"));
        assertEquals(integer(1), driver.call("PERSIST", "k"));
        assertEquals(integer(0), driver.call("PERSIST", "k"));
        assertEquals(integer(1), driver.call("EXPIRE", "k", "50", "NX"));
    }

    @Test
    void shouldAnswerRedisErrorsForBadExpireArguments()
    {
        driver.call("SET", "k", "v");
        assertEquals(error("ERR Unsupported option FOO"), driver.call("EXPIRE", "k", "10", "FOO"));
        assertEquals(error("ERR NX and XX, GT or LT options at the same time are not compatible"),
            driver.call("EXPIRE", "k", "10", "NX", "GT"));
        assertEquals(error("ERR GT and LT options at the same time are not compatible"),
            driver.call("EXPIRE", "k", "10", "GT", "LT"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("EXPIRE", "k", "1.5"));
        assertEquals(error("ERR invalid expire time in 'expire' command"),
            driver.call("EXPIRE", "k", "9223372036854775"));
        assertEquals(error("ERR invalid expire time in 'pexpire' command"),
            driver.call("PEXPIRE", "k", Long.toString(Long.MAX_VALUE - 5)));
        assertEquals(integer(-1), driver.call("TTL", "k"));
    }

    @Test
    void shouldKeepTheTtlThroughIncrAndAppendAndDropItOnSetAndGetset()
    {
        driver.call("SET", "n", "1", "EX", "100");
        driver.call("INCR", "n");
        driver.call("APPEND", "n", "0");
        assertEquals(bulk("20"), driver.call("GET", "n"));
        assertEquals(integer(100), driver.call("TTL", "n"));
        driver.call("SET", "n", "1", "KEEPTTL");
        assertEquals(integer(100), driver.call("TTL", "n"));
        driver.call("GETSET", "n", "2");
        assertEquals(integer(-1), driver.call("TTL", "n"));
        driver.call("SET", "n", "1", "PX", "500");
        driver.call("SET", "n", "3");
        assertEquals(integer(-1), driver.call("TTL", "n"));
        assertEquals(0, driver.keyspace.expires());
    }

    @Test
    void shouldSetExpiryWithEveryFormOfSet()
    {
        assertEquals(OK, driver.call("SET", "a", "v", "EX", "10"));
        assertEquals(OK, driver.call("SET", "b", "v", "px", "10", "PX", "1500"));
        assertEquals(OK, driver.call("SET", "c", "v", "EXAT", Long.toString(NOW / 1000 + 30)));
        assertEquals(OK, driver.call("SET", "d", "v", "PXAT", Long.toString(NOW + 40)));
        assertEquals(OK, driver.call("SETEX", "e", "50", "v"));
        assertEquals(OK, driver.call("PSETEX", "f", "60", "v"));
        assertEquals(integer(NOW + 10_000), driver.call("PEXPIRETIME", "a"));
        assertEquals(integer(NOW + 1_500), driver.call("PEXPIRETIME", "b"));
        assertEquals(integer(NOW + 30_000), driver.call("PEXPIRETIME", "c"));
        assertEquals(integer(NOW + 40), driver.call("PEXPIRETIME", "d"));
        assertEquals(integer(NOW + 50_000), driver.call("PEXPIRETIME", "e"));
        assertEquals(integer(NOW + 60), driver.call("PEXPIRETIME", "f"));
        assertEquals(6, driver.keyspace.expires());
        assertEquals(NIL, driver.call("SET", "a", "w", "NX", "EX", "5"));
        assertEquals(integer(NOW + 10_000), driver.call("PEXPIRETIME", "a"));
        assertEquals(bulk("v"), driver.call("SET", "a", "w", "XX", "GET", "PX", "5"));
        assertEquals(integer(5), driver.call("PTTL", "a"));
        assertEquals(OK, driver.call("SET", "g", "v", "PXAT", Long.toString(NOW - 1)));
        assertEquals(integer(0), driver.call("EXISTS", "g"));
    }

    @Test
    void shouldAnswerRedisErrorsForBadSetExpiries()
    {
        assertEquals(error("ERR invalid expire time in 'set' command"), driver.call("SET", "k", "v", "EX", "0"));
        assertEquals(error("ERR invalid expire time in 'set' command"), driver.call("SET", "k", "v", "PX", "-5"));
        assertEquals(error("ERR invalid expire time in 'set' command"),
            driver.call("SET", "k", "v", "EX", "9223372036854776"));
        assertEquals(error("ERR invalid expire time in 'set' command"),
            driver.call("SET", "k", "v", "PX", Long.toString(Long.MAX_VALUE - 10)));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("SET", "k", "v", "EX", "x"));
        assertEquals(error("ERR invalid expire time in 'setex' command"), driver.call("SETEX", "k", "0", "v"));
        assertEquals(error("ERR invalid expire time in 'psetex' command"), driver.call("PSETEX", "k", "-1", "v"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("SETEX", "k", "1e3", "v"));
        assertEquals(0, driver.keyspace.size());
    }

    @Test
    void shouldGetexAndGetdelAsRedisDoes()
    {
        assertEquals(NIL, driver.call("GETEX", "missing", "EX", "nope")); // a missing key answers before the time
        driver.call("SET", "k", "v");
        assertEquals(error("ERR syntax error"), driver.call("GETEX", "k", "NX"));
        assertEquals(error("ERR syntax error"), driver.call("GETEX", "k", "PERSIST", "EX", "10"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("GETEX", "k", "EX", "x"));
        assertEquals(error("ERR invalid expire time in 'getex' command"), driver.call("GETEX", "k", "EX", "0"));
        assertEquals(bulk("v"), driver.call("GETEX", "k", "EX", "10"));
        assertEquals(integer(10), driver.call("TTL", "k"));
        assertEquals(bulk("v"), driver.call("GETEX", "k"));
        assertEquals(integer(10), driver.call("TTL", "k"));
        assertEquals(bulk("v"), driver.call("GETEX", "k", "PERSIST"));
        assertEquals(integer(-1), driver.call("TTL", "k"));
        assertEquals(bulk("v"), driver.call("GETEX", "k", "PXAT", Long.toString(NOW)));
        assertEquals(integer(0), driver.call("EXISTS", "k"));
        driver.call("SET", "k", "v");
        assertEquals(bulk("v"), driver.call("GETDEL", "k"));
        assertEquals(NIL, driver.call("GETDEL", "k"));
    }

    @Test
    void shouldNameTheTypeOfAKey()
    {
        assertEquals("+none\r\n", driver.call("TYPE", "k"));
        driver.call("SET", "k", "v", "PX", "10");
        assertEquals("+string\r\n", driver.call("TYPE", "k"));
        at(NOW + 10);
        assertEquals("+none\r\n", driver.call("TYPE", "k"));
    }

    @Test
    void shouldLeaveAnExpiredKeyInPlaceWhenReadingAndNotCountItAsDeleted()
    {
        driver.call("SET", "k", "v", "PX", "10");
        driver.keyspace.clock(NOW + 10, false);
        assertEquals(NIL, driver.call("GET", "k"));
        assertEquals(integer(-2), driver.call("TTL", "k"));
        assertEquals(1, driver.keyspace.size()); // a read changes nothing: the leader's entry removes it
        at(NOW + 10);
        assertEquals(integer(0), driver.call("DEL", "k"));
        assertEquals(0, driver.keyspace.size());
        assertEquals(1, driver.keyspace.expiredKeys());
    }

    @Test
    void shouldRenameWithTheTimeToLiveAndCopyWithoutSharing()
    {
        assertEquals(error("ERR no such key"), driver.call("RENAME", "a", "b"));
        driver.call("SET", "a", "1", "EX", "100");
        driver.call("SET", "b", "2");
        assertEquals(integer(0), driver.call("RENAMENX", "a", "b"));
        assertEquals(OK, driver.call("RENAME", "a", "a"));
        assertEquals(integer(0), driver.call("RENAMENX", "a", "a"));
        assertEquals(OK, driver.call("RENAME", "a", "b"));
        assertEquals(bulk("1"), driver.call("GET", "b"));
        assertEquals(integer(100), driver.call("TTL", "b"));
        assertEquals(integer(0), driver.call("EXISTS", "a"));

        assertEquals(error("ERR source and destination objects are the same"), driver.call("COPY", "b", "b"));
        assertEquals(integer(1), driver.call("COPY", "b", "c"));
        assertEquals(integer(100), driver.call("TTL", "c"));
        assertEquals(integer(0), driver.call("COPY", "b", "c"));
        driver.call("APPEND", "c", "x");
        assertEquals(bulk("1"), driver.call("GET", "b"));
        assertEquals(integer(1), driver.call("COPY", "b", "c", "REPLACE", "DB", "0"));
        assertEquals(bulk("1"), driver.call("GET", "c"));
        assertEquals(error("ERR syntax error"), driver.call("COPY", "b", "c", "NOW"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("COPY", "b", "c", "DB", "x"));
        assertEquals(integer(0), driver.call("COPY", "missing", "d"));
        assertEquals(integer(3), driver.call("TOUCH", "b", "b", "c", "missing"));
        assertEquals(integer(2), driver.call("UNLINK", "b", "c", "c"));
    }

    @Test
    void shouldReadScanCursorsAsStrtoulDoes()
    {
        assertEquals(0L, KeyCommands.parseCursor(""));
        assertEquals(5L, KeyCommands.parseCursor("+5"));
        assertEquals(-1L, KeyCommands.parseCursor("-1"));
        assertEquals(-1L, KeyCommands.parseCursor("18446744073709551615"));
        assertEquals(null, KeyCommands.parseCursor("18446744073709551616"));
        assertEquals(null, KeyCommands.parseCursor(" 1"));
        assertEquals(null, KeyCommands.parseCursor("1 "));
        assertEquals(null, KeyCommands.parseCursor("-"));
        assertEquals(null, KeyCommands.parseCursor("0x1"));
        assertEquals(error("ERR invalid cursor"), driver.call("SCAN", "1.5"));
        assertEquals(error("ERR syntax error"), driver.call("SCAN", "0", "COUNT", "0"));
        assertEquals(error("ERR syntax error"), driver.call("SCAN", "0", "MATCH"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("SCAN", "0", "COUNT", "x"));
    }

    @Test
    void shouldFilterKeysAndScanByPatternAndType()
    {
        driver.call("MSET", "user:1", "a", "user:2", "b", "other", "c");
        final String keys = driver.call("KEYS", "user:*");
        assertEquals(true, keys.startsWith("*2\r\n") && keys.contains("user:1") && keys.contains("user:2"), keys);
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$5\r\nother\r\n",
            driver.call("SCAN", "0", "MATCH", "o*", "COUNT", "1000", "TYPE", "STRING"));
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", driver.call("SCAN", "0", "COUNT", "1000", "TYPE", "hash"));
        assertEquals(true, driver.call("RANDOMKEY").startsWith("$"));
        driver.call("FLUSHALL");
        assertEquals(NIL, driver.call("RANDOMKEY"));
    }

    @Test
    void shouldMoveCopyAndSwapAcrossDatabasesWithTheirTimesToLive()
    {
        final Databases databases = driver.keyspace.databases();
        driver.call("SET", "k", "v", "EX", "100");
        assertEquals(error("ERR source and destination objects are the same"), driver.call("MOVE", "k", "0"));
        assertEquals(error("ERR DB index is out of range"), driver.call("MOVE", "k", "16"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("MOVE", "k", "x"));
        assertEquals(integer(1), driver.call("MOVE", "k", "3"));
        assertEquals(integer(0), driver.call("EXISTS", "k"));
        assertEquals(NOW + 100_000, databases.get(3).expireAt(new org.agrona.concurrent.UnsafeBuffer(
            CommandDriver.bytes("k")), 0, 1));
        assertEquals(integer(0), driver.call("MOVE", "missing", "3"));

        driver.call("SET", "k", "here");
        assertEquals(integer(0), driver.call("MOVE", "k", "3"), "the key is there already");
        assertEquals(integer(1), driver.call("COPY", "k", "k", "DB", "4"));
        assertEquals(integer(0), driver.call("COPY", "k", "k", "DB", "4"));
        assertEquals(integer(1), driver.call("COPY", "k", "k", "DB", "4", "REPLACE"));
        assertEquals(error("ERR DB index is out of range"), driver.call("COPY", "k", "j", "DB", "16"));
        assertEquals(error("ERR source and destination objects are the same"),
            driver.call("COPY", "k", "k", "DB", "0"));

        assertEquals(error("ERR invalid first DB index"), driver.call("SWAPDB", "a", "1"));
        assertEquals(error("ERR invalid second DB index"), driver.call("SWAPDB", "1", "b"));
        assertEquals(error("ERR DB index is out of range"), driver.call("SWAPDB", "1", "16"));
        final Keyspace three = databases.get(3);
        assertEquals(OK, driver.call("SWAPDB", "0", "3"));
        assertEquals(three, databases.get(0));
        assertEquals(0, databases.get(0).id());
        assertEquals(3, databases.get(3).id());
        assertEquals(OK, driver.call("FLUSHALL"));
        for (int id = 0; id < Databases.COUNT; id++)
        {
            assertEquals(0, databases.get(id).size(), "database " + id);
        }
    }
}

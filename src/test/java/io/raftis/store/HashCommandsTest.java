package io.raftis.store;

import org.junit.jupiter.api.Test;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hashes: their two forms, their memory and the keyspace rules Redis applies to them.
 */
class HashCommandsTest
{
    private final CommandDriver driver = new CommandDriver();

    private HashValue hash(final String key)
    {
        return (HashValue)driver.keyspace.get(CommandDriver.bytes(key));
    }

    @Test
    void shouldKeepASmallHashCompactInInsertionOrderAndMoveToATablePast128Fields()
    {
        assertEquals(integer(2), driver.call("HSET", "h", "b", "1", "a", "2"));
        assertEquals("*4\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n", driver.call("HGETALL", "h"));
        assertTrue(hash("h").isCompact());
        for (int i = 0; i < 126; i++)
        {
            driver.call("HSET", "h", "f" + i, "v");
        }
        assertTrue(hash("h").isCompact(), "128 fields");
        assertEquals(integer(1), driver.call("HSET", "h", "one-more", "v"));
        assertFalse(hash("h").isCompact());
        assertEquals(integer(129), driver.call("HLEN", "h"));
        assertEquals(bulk("2"), driver.call("HGET", "h", "a"));
        assertEquals(integer(0), driver.call("HSET", "h", "a", "3"));
        assertEquals(bulk("3"), driver.call("HGET", "h", "a"));
    }

    @Test
    void shouldMoveToATableForALongFieldOrValue()
    {
        driver.call("HSET", "h", "a", "1");
        driver.call("HSET", "h", "b", "x".repeat(65));
        assertFalse(hash("h").isCompact());
        assertEquals(bulk("1"), driver.call("HGET", "h", "a"));
        assertEquals(integer(65), driver.call("HSTRLEN", "h", "b"));
    }

    @Test
    void shouldRemoveTheKeyWithItsLastFieldAndRefuseOtherTypes()
    {
        driver.call("HSET", "h", "a", "1", "b", "2");
        assertEquals(integer(2), driver.call("HDEL", "h", "a", "b", "c"));
        assertEquals(integer(0), driver.call("EXISTS", "h"));
        driver.call("SET", "s", "v");
        final String wrongType = error(ErrorReplies.WRONG_TYPE);
        assertEquals(wrongType, driver.call("HSET", "s", "f", "v"));
        assertEquals(wrongType, driver.call("HGET", "s", "f"));
        driver.call("HSET", "h", "f", "v");
        assertEquals(wrongType, driver.call("GET", "h"));
        assertEquals(wrongType, driver.call("APPEND", "h", "x"));
        assertEquals("+hash\r\n", driver.call("TYPE", "h"));
        assertEquals(OK, driver.call("SET", "h", "over"));
        assertEquals(bulk("over"), driver.call("GET", "h"));
    }

    @Test
    void shouldIncrementAsRedisDoes()
    {
        assertEquals(integer(5), driver.call("HINCRBY", "h", "n", "5"));
        assertEquals(integer(-1), driver.call("HINCRBY", "h", "n", "-6"));
        driver.call("HSET", "h", "s", "abc");
        assertEquals(error("ERR hash value is not an integer"), driver.call("HINCRBY", "h", "s", "1"));
        assertEquals(error("ERR value is not an integer or out of range"), driver.call("HINCRBY", "h", "n", "1.5"));
        driver.call("HSET", "h", "max", "9223372036854775807");
        assertEquals(error("ERR increment or decrement would overflow"), driver.call("HINCRBY", "h", "max", "1"));
        assertEquals(NIL, driver.call("HGET", "h", "missing"));
    }

    @Test
    void shouldCountAHashInUsedMemoryAsItGrowsAndShrinks()
    {
        final long empty = driver.keyspace.usedMemory();
        driver.call("HSET", "h", "a", "1");
        final long one = driver.keyspace.usedMemory();
        for (int i = 0; i < 300; i++)
        {
            driver.call("HSET", "h", "field" + i, "value" + i);
        }
        final long many = driver.keyspace.usedMemory();
        assertTrue(many > one + 300 * 20, one + " then " + many);
        assertEquals(hash("h").heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        driver.call("DEL", "h");
        assertEquals(empty, driver.keyspace.usedMemory());
    }

    @Test
    void shouldCopyAHashWithoutSharingIt()
    {
        driver.call("HSET", "h", "a", "1");
        assertEquals(integer(1), driver.call("COPY", "h", "c"));
        driver.call("HSET", "c", "a", "2");
        assertEquals(bulk("1"), driver.call("HGET", "h", "a"));
        assertEquals(bulk("2"), driver.call("HGET", "c", "a"));
    }

    @Test
    void shouldIncrementFieldsByFloatAsRedisDoes()
    {
        driver.call("HSET", "h", "f", "10.50", "i", "5", "s", "x");
        assertEquals(bulk("10.6"), driver.call("HINCRBYFLOAT", "h", "f", "0.1"));
        assertEquals(bulk("0"), driver.call("HINCRBYFLOAT", "h", "i", "-5"));
        assertEquals(bulk("200"), driver.call("HINCRBYFLOAT", "h", "new", "2.0e2"));
        assertEquals(bulk("-1.5"), driver.call("HINCRBYFLOAT", "nh", "f", "-1.5"));
        assertEquals(error("ERR hash value is not a float"), driver.call("HINCRBYFLOAT", "h", "s", "1"));
        assertEquals(error("ERR value is not a valid float"), driver.call("HINCRBYFLOAT", "h", "f", "x"));
        assertEquals(error("ERR value is NaN or Infinity"), driver.call("HINCRBYFLOAT", "h", "f", "inf"));
        driver.call("HSET", "h", "huge", "1.1e4932");
        assertEquals(error("ERR increment would produce NaN or Infinity"),
            driver.call("HINCRBYFLOAT", "h", "huge", "1e4932"));
        assertEquals(bulk("10.6"), driver.call("HGET", "h", "f"));

        driver.call("SET", "str", "1");
        assertEquals(error("ERR value is not a valid float"), driver.call("HINCRBYFLOAT", "str", "f", "x"),
            "the increment before the type");
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("HINCRBYFLOAT", "str", "f", "1"));
    }

    @Test
    void shouldCountAFloatFieldInUsedMemory()
    {
        driver.call("HSET", "h", "f", "1");
        final long before = driver.keyspace.entryBytes();
        driver.call("HINCRBYFLOAT", "h", "f", "0.25");
        assertEquals(before + Keyspace.arrayBytes(4) - Keyspace.arrayBytes(1), driver.keyspace.entryBytes());
        assertEquals(hash("h").heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        driver.call("HINCRBYFLOAT", "h", "f", "1e70"); // past 64 bytes: the table form
        assertFalse(hash("h").isCompact());
        assertEquals(hash("h").heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
    }
}

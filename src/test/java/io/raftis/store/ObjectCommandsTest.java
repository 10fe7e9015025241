package io.raftis.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OBJECT and MEMORY USAGE: the encodings Redis 7.0 reports, as redis-server answered them, and the bytes raftis
 * counts for a key.
 */
class ObjectCommandsTest
{
    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldNameTheEncodingRedisWouldUse()
    {
        driver.call("SET", "int", "123");
        driver.call("SET", "embstr", "x".repeat(44));
        driver.call("SET", "raw", "x".repeat(45));
        driver.call("SET", "zero-led", "0123");
        driver.call("SADD", "intset", "1", "2", "-3");
        driver.call("SADD", "words", "a", "1");
        driver.call("RPUSH", "list", "a");
        driver.call("HSET", "hash", "f", "v");
        driver.call("HSET", "big-hash", "f", "v".repeat(65));
        assertEquals("$3\r\nint\r\n", driver.call("OBJECT", "ENCODING", "int"));
        assertEquals("$6\r\nembstr\r\n", driver.call("OBJECT", "ENCODING", "embstr"));
        assertEquals("$3\r\nraw\r\n", driver.call("OBJECT", "encoding", "raw"));
        assertEquals("$6\r\nembstr\r\n", driver.call("OBJECT", "ENCODING", "zero-led"));
        assertEquals("$6\r\nintset\r\n", driver.call("OBJECT", "ENCODING", "intset"));
        assertEquals("$9\r\nhashtable\r\n", driver.call("OBJECT", "ENCODING", "words"));
        assertEquals("$9\r\nquicklist\r\n", driver.call("OBJECT", "ENCODING", "list"));
        assertEquals("$8\r\nlistpack\r\n", driver.call("OBJECT", "ENCODING", "hash"));
        assertEquals("$9\r\nhashtable\r\n", driver.call("OBJECT", "ENCODING", "big-hash"));
        assertEquals("$-1\r\n", driver.call("OBJECT", "ENCODING", "nosuch"));
        for (int i = 4; i <= ObjectCommands.MAX_INTSET_ENTRIES; i++) // 512 members, with 1, 2 and -3
        {
            driver.call("SADD", "intset", Integer.toString(i));
        }
        assertEquals("$6\r\nintset\r\n", driver.call("OBJECT", "ENCODING", "intset"));
        driver.call("SADD", "intset", "1000");
        assertEquals("$9\r\nhashtable\r\n", driver.call("OBJECT", "ENCODING", "intset"));
    }

    @Test
    void shouldAnswerRefcountFreqIdletimeAndErrorsAsRedisDoes()
    {
        driver.call("SET", "shared", "9999");
        driver.call("SET", "own", "10000");
        assertEquals(":2147483647\r\n", driver.call("OBJECT", "REFCOUNT", "shared"));
        assertEquals(":1\r\n", driver.call("OBJECT", "REFCOUNT", "own"));
        assertEquals("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that " +
            "when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
            driver.call("OBJECT", "FREQ", "own"));
        assertEquals("-ERR raftis does not track when keys were last used: OBJECT IDLETIME is not served\r\n",
            driver.call("OBJECT", "IDLETIME", "own"));
        assertEquals("-ERR wrong number of arguments for 'object|encoding' command\r\n",
            driver.call("OBJECT", "ENCODING", "a", "b"));
        assertEquals("-ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.\r\n", driver.call("OBJECT", "BOGUS", "x"));
        assertEquals("-ERR wrong number of arguments for 'object' command\r\n", driver.call("OBJECT"));
    }

    @Test
    void shouldCountAKeysBytesAsUsedMemoryDoes()
    {
        final long empty = driver.keyspace.usedMemory();
        driver.call("HSET", "h", "field", "value");
        final long used = driver.keyspace.usedMemory() - empty;
        assertEquals(":" + used + "\r\n", driver.call("MEMORY", "USAGE", "h"));
        assertEquals(":" + used + "\r\n", driver.call("MEMORY", "USAGE", "h", "SAMPLES", "5"));
        assertEquals("$-1\r\n", driver.call("MEMORY", "USAGE", "nosuch"));
        assertEquals("-ERR syntax error\r\n", driver.call("MEMORY", "USAGE", "h", "SAMPLES", "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n",
            driver.call("MEMORY", "USAGE", "h", "SAMPLES", "x"));
        assertEquals("-ERR syntax error\r\n", driver.call("MEMORY", "USAGE", "h", "BOGUS"));
        assertEquals("-ERR unknown subcommand 'BOGUS'. Try MEMORY HELP.\r\n", driver.call("MEMORY", "BOGUS"));
        assertEquals("-ERR wrong number of arguments for 'memory|usage' command\r\n", driver.call("MEMORY", "USAGE"));
    }
}

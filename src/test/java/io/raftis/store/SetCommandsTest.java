package io.raftis.store;

import org.junit.jupiter.api.Test;

import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Sets: their memory as they grow past the compact form, the STORE forms' destinations and SMOVE's checks.
 */
class SetCommandsTest
{
    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldCountASetInUsedMemoryThroughItsTwoFormsAndReleaseIt()
    {
        final long empty = driver.keyspace.usedMemory();
        for (int i = 0; i < 300; i++)
        {
            driver.call("SADD", "s", "member" + i);
        }
        final SetValue set = (SetValue)driver.keyspace.get(bytes("s"));
        assertEquals(300, set.size());
        assertEquals(set.heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        for (int i = 0; i < 300; i++)
        {
            driver.call("SREM", "s", "member" + i);
        }
        assertEquals(empty, driver.keyspace.usedMemory());
        assertNull(driver.keyspace.get(bytes("s")));
    }

    @Test
    void shouldStoreOrRemoveTheDestinationAndDropItsTimeToLive()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("SADD", "a", "1", "2", "3");
        driver.call("SADD", "b", "2", "3", "4");
        driver.call("SET", "d", "old", "EX", "100");
        assertEquals(integer(2), driver.call("SINTERSTORE", "d", "a", "b"));
        assertEquals(integer(-1), driver.call("TTL", "d"));
        assertEquals(integer(1), driver.call("SDIFFSTORE", "d", "a", "b"));
        assertEquals(integer(0), driver.call("SINTERSTORE", "d", "a", "missing"));
        assertEquals(integer(0), driver.call("EXISTS", "d"));
        assertEquals(integer(2), driver.call("SINTERCARD", "2", "a", "b", "LIMIT", "0"));
        assertEquals(integer(1), driver.call("SINTERCARD", "2", "a", "b", "LIMIT", "1"));
    }

    @Test
    void shouldMoveAsRedisChecksIt()
    {
        driver.call("SET", "str", "v");
        assertEquals(integer(0), driver.call("SMOVE", "missing", "str", "x"), "no source: the destination unseen");
        driver.call("SADD", "a", "x");
        assertEquals(error(ErrorReplies.WRONG_TYPE), driver.call("SMOVE", "a", "str", "x"));
        assertEquals(integer(1), driver.call("SMOVE", "a", "a", "x"));
        assertEquals(integer(1), driver.call("SMOVE", "a", "b", "x"));
        assertEquals(integer(0), driver.call("EXISTS", "a"));
        assertEquals("+set\r\n", driver.call("TYPE", "b"));
    }
}

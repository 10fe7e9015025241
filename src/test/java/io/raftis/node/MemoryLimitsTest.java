package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * maxmemory with noeviction on a real member: writes that may use memory get Redis's -OOM once the keyspace, the
 * pending writes and the clients' buffers pass it; reads and deletes go on, and writes come back once there is room.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryLimitsTest
{
    private static final long MAXMEMORY = 2L * 1024 * 1024;

    private TestCluster cluster;

    @BeforeAll
    void startCluster(@TempDir final Path dir)
    {
        cluster = TestCluster.start(1, dir, "--maxmemory=2mb", "--maxmemory-clients=50%");
        cluster.awaitLeader();
    }

    @AfterAll
    void closeCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldRefuseWritesWithOomPastMaxmemoryAndServeReadsAndDeletes()
    {
        try (Jedis jedis = cluster.client(1))
        {
            final byte[] value = new byte[1000];
            int written = 0;
            JedisDataException oom = null;
            while (null == oom && written < 10_000)
            {
                try
                {
                    assertEquals("OK", jedis.set(("k" + written).getBytes(), value));
                    written++;
                }
                catch (final JedisDataException ex)
                {
                    oom = ex;
                }
            }
            assertTrue(null != oom, "no OOM after " + written + " writes of 1000 bytes");
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", oom.getMessage());
            assertTrue(written > 500, "the keyspace held " + written + " keys before maxmemory");

            final Map<String, String> memory = TestCluster.parseInfo(jedis.info("memory"));
            assertTrue(Long.parseLong(memory.get("used_memory")) > MAXMEMORY, memory::toString);
            assertTrue(Long.parseLong(memory.get("used_memory_dataset")) > (long)written * 1000, memory::toString);
            assertEquals("" + MAXMEMORY, memory.get("maxmemory"));
            assertEquals("noeviction", memory.get("maxmemory_policy"));
            assertEquals("" + MAXMEMORY / 2, memory.get("maxmemory_clients"));
            assertEquals(Map.of("maxmemory", "" + MAXMEMORY), jedis.configGet("maxmemory"));

            // reads and deletes go on; a write that uses no memory of its own is not denyoom (DEL)
            assertArrayEquals(value, jedis.get("k0".getBytes()));
            assertThrows(JedisDataException.class, () -> jedis.set("another", "x"));
            assertThrows(JedisDataException.class, () -> jedis.append("k0", "x"));
            long deleted = 0;
            for (int i = 0; i < written; i += 2)
            {
                deleted += jedis.del("k" + i);
            }
            assertEquals((written + 1) / 2, deleted);
            assertEquals("OK", jedis.set("another", "x"), "room again once keys are deleted");
            assertEquals("x", jedis.get("another"));
            assertTrue(Long.parseLong(TestCluster.parseInfo(jedis.info("stats")).get("total_oom_errors")) >= 3);
        }
    }

    @Test
    void shouldCountWhatPipelinedWritesWillAddBeforeTheyApply()
    {
        try (Jedis jedis = cluster.client(1); Jedis cleaner = cluster.client(1))
        {
            jedis.flushAll();
            final Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < 10; i++)
            {
                pipeline.setbit("bits" + i, 8L * 1024 * 1024 - 1, true); // 40 bytes that make a string of 1 MB
            }
            final List<Object> replies;
            try
            {
                replies = pipeline.syncAndReturnAll();
            }
            finally
            {
                cleaner.flushAll(); // after the replies, which come after the writes applied
            }
            final long written = replies.stream().filter((reply) -> Boolean.FALSE.equals(reply)).count();
            final long refused = replies.stream().filter((reply) -> reply instanceof JedisDataException &&
                ((JedisDataException)reply).getMessage().startsWith("OOM ")).count();
            assertEquals(10, written + refused, replies::toString);
            assertTrue(written >= 1 && written <= 3, "each write counted 1 MB before it applied: " + replies);
        }
    }
}

package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A 20 MB value, eighty times a replication batch, on a real 3-member cluster through Jedis: it goes in, comes back
 * out byte for byte, and every member holds it, a restarted one too, which has it again from its log's parts.
 */
class LargeValueClusterTest
{
    private static final int LENGTH = 20 * 1024 * 1024;
    private static final byte[] KEY = "large".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUE = new byte[LENGTH];

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster(@TempDir final Path dir)
    {
        new Random(20261201).nextBytes(VALUE); // every byte value, CR and LF included
        cluster = TestCluster.start(3, dir, "--read-consistency=stale");
    }

    @AfterAll
    static void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldWriteA20MegabyteValueAndReadItBackFromEveryMember()
    {
        cluster.onOneLeader(leader ->
        {
            try (Jedis jedis = cluster.client(leader))
            {
                assertEquals("OK", jedis.set(KEY, VALUE));
                assertArrayEquals(VALUE, jedis.get(KEY));
                assertEquals(LENGTH + 1, jedis.append(KEY, new byte[]{ '!' }));
            }
        });
        final byte[] appended = Arrays.copyOf(VALUE, LENGTH + 1);
        appended[LENGTH] = '!';
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            awaitValue(id, appended);
        }

        final int follower = cluster.awaitLeader() % cluster.memberCount() + 1;
        cluster.restart(follower);
        awaitValue(follower, appended);
    }

    private static void awaitValue(final int id, final byte[] expected)
    {
        try (Jedis jedis = cluster.client(id))
        {
            TestCluster.await(TestCluster.AWAIT_TIMEOUT_MS, () -> expected.length == jedis.strlen(KEY),
                () -> "member " + id + " holds " + jedis.strlen(KEY) + " bytes, not " + expected.length);
            assertArrayEquals(expected, jedis.get(KEY), "member " + id);
        }
    }
}

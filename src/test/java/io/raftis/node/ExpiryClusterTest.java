package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expiry on a real 3-member cluster read with stale reads, so each member answers from its own keyspace: every member
 * gives a key the same expiry time, and the leader's sweep removes expired keys from every member with nobody
 * reading them.
 */
class ExpiryClusterTest
{
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster(@TempDir final Path dir)
    {
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
    void shouldGiveAKeyTheSameExpiryTimeOnEveryMember()
    {
        final int leader = cluster.awaitLeader();
        final long relative;
        final long later;
        try (Jedis jedis = cluster.client(leader))
        {
            jedis.psetex("relative", 600_000, "v");
            jedis.set("later", "v");
            jedis.expire("later", 900);
            relative = jedis.pexpireTime("relative");
            later = jedis.pexpireTime("later");
            assertTrue(relative > System.currentTimeMillis(), "expiry " + relative);
        }
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            final int member = id;
            try (Jedis jedis = cluster.client(member))
            {
                // a follower applies the entries a little later; the times it then gives are the leader's, exactly
                TestCluster.await(30_000, () -> jedis.exists("later") && -1 != jedis.pexpireTime("later"),
                    () -> "member " + member + " has not applied the EXPIRE");
                assertEquals(relative, jedis.pexpireTime("relative"), "member " + member);
                assertEquals(later, jedis.pexpireTime("later"), "member " + member);
            }
        }
    }

    @Test
    void shouldRemoveExpiredKeysFromEveryMemberWithoutAnyoneReadingThem()
    {
        final int leader = cluster.awaitLeader();
        try (Jedis jedis = cluster.client(leader))
        {
            jedis.flushAll();
            for (int i = 0; i < 300; i++)
            {
                jedis.psetex("short:" + i, 200, "v");
            }
            for (int i = 0; i < 5; i++)
            {
                jedis.set("kept:" + i, "v");
            }
        }
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            final int member = id;
            TestCluster.await(30_000, () -> "keys=5,expires=0,avg_ttl=0".equals(keyspace(member)),
                () -> "member " + member + " keyspace: " + keyspace(member));
        }
        assertTrue(cluster.raftField(leader, "expiry_sweeps_proposed") > 0, "the leader's sweep proposed none");
    }

    @Test
    void shouldHoldTheSameDataOnEveryMemberAfterALongRandomStream()
    {
        final int leader = cluster.awaitLeader();
        final long seed = 20261201;
        try (RespConnection connection = new RespConnection(TestCluster.HOST, cluster.clientPort(leader)))
        {
            connection.call(List.of("FLUSHALL"));
            // every family, expiries, databases, transactions, and SPOPs whose members the leader picks at random
            final CommandStream stream = new CommandStream(seed, System.currentTimeMillis(), true);
            for (int i = 0; i < 3_000; i++)
            {
                connection.call(stream.next(null));
            }
            if (stream.inTransaction())
            {
                connection.call(List.of("DISCARD"));
            }
            final String digest = connection.call(List.of("DEBUG", "DIGEST"));
            assertTrue(!digest.equals("+" + "0".repeat(40)), "the stream left data behind: " + digest);
            for (int id = 1; id <= cluster.memberCount(); id++)
            {
                final int member = id;
                try (RespConnection other = new RespConnection(TestCluster.HOST, cluster.clientPort(member)))
                {
                    TestCluster.await(30_000, () -> digest.equals(other.call(List.of("DEBUG", "DIGEST"))),
                        () -> "member " + member + " holds " + other.call(List.of("DEBUG", "DIGEST")) +
                        ", the leader " + digest + " (seed " + seed + ")");
                }
            }
        }
    }

    @Test
    void shouldPopTheSameMembersOnEveryMember()
    {
        final int leader = cluster.awaitLeader();
        try (RespConnection connection = new RespConnection(TestCluster.HOST, cluster.clientPort(leader)))
        {
            for (final String key : List.of("compact", "table"))
            {
                final List<String> sadd = new java.util.ArrayList<>(List.of("SADD", key));
                for (int i = 0; i < ("compact".equals(key) ? 100 : 1_000); i++)
                {
                    sadd.add("member-" + i);
                }
                connection.call(sadd);
                for (int i = 0; i < 10; i++)
                {
                    connection.call(List.of("SPOP", key, "3"));
                    connection.call(List.of("SPOP", key));
                    connection.call(List.of("MULTI"));
                    connection.call(List.of("SPOP", key, "2"));
                    connection.call(List.of("SPOP", key));
                    connection.call(List.of("EXEC"));
                }
                final String members = connection.call(List.of("DEBUG", "DIGEST-VALUE", key));
                for (int id = 1; id <= cluster.memberCount(); id++)
                {
                    final int member = id;
                    try (RespConnection other = new RespConnection(TestCluster.HOST, cluster.clientPort(member)))
                    {
                        TestCluster.await(30_000,
                            () -> members.equals(other.call(List.of("DEBUG", "DIGEST-VALUE", key))),
                            () -> "member " + member + " holds " + other.call(List.of("SCARD", key)) + " members of " +
                            key + " with digest " + other.call(List.of("DEBUG", "DIGEST-VALUE", key)) +
                            ", the leader " + connection.call(List.of("SCARD", key)) + " with " + members);
                    }
                }
            }
        }
    }

    private static String keyspace(final int id)
    {
        final Map<String, String> info = cluster.info(id);
        return info.getOrDefault("db0", "none");
    }
}

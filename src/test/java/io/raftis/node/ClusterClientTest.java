package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol.Command;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.raftis.node.ClusterTest.connect;
import static io.raftis.node.ClusterTest.exchange;
import static io.raftis.node.ClusterTest.quote;
import static io.raftis.node.ClusterTest.readReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The group seen as one Redis Cluster shard by cluster-aware clients, and honest answers to writes whose outcome a
 * deposed leader cannot know.
 */
class ClusterClientTest
{
    private static final int ATTEMPTS = 3;

    @TempDir
    Path dir;

    @Test
    void shouldDescribeTheGroupAsOneShardWithTheLeaderAsMasterOfEverySlot()
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            cluster.onOneLeader(leader ->
            {
                final int follower = leader == 1 ? 2 : 1;
                for (final int id : new int[]{ leader, follower })
                {
                    try (Jedis jedis = cluster.client(id))
                    {
                        describesOneShard(cluster, leader, jedis);
                    }
                }
            });
        }
    }

    private static void describesOneShard(final TestCluster cluster, final int leader, final Jedis jedis)
    {
        final String info = jedis.clusterInfo();
        assertTrue(info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3"), info);

        final List<Object> slots = jedis.clusterSlots();
        assertEquals(1, slots.size(), "one shard");
        final List<?> shard = (List<?>)slots.get(0);
        assertEquals(0L, shard.get(0));
        assertEquals(16383L, shard.get(1));
        final List<?> master = (List<?>)shard.get(2);
        assertEquals("127.0.0.1", new String((byte[])master.get(0), StandardCharsets.US_ASCII));
        assertEquals((long)cluster.clientPort(leader), master.get(1), "the leader is the master");
        assertEquals(2 + 3, shard.size(), "the master and both replicas");
        final String masterId = TestCluster.text(master.get(2));

        final String nodes = jedis.clusterNodes();
        final String[] lines = nodes.trim().split("\n");
        assertEquals(3, lines.length, nodes);
        int masters = 0;
        for (final String line : lines)
        {
            if (line.contains(" master ") || line.contains(",master ") || line.contains("master -"))
            {
                masters++;
                assertTrue(line.contains(":" + cluster.clientPort(leader) + "@"), line);
                assertTrue(line.endsWith("0-16383"), line);
                assertTrue(line.startsWith(masterId + " "), () -> line + " has not the id " + masterId);
            }
        }
        assertEquals(1, masters, nodes);
        assertEquals(jedis.clusterMyId().length(), 40);

        // CLUSTER SHARDS: one shard of every slot, its nodes the leader as master and the followers as replicas
        final List<?> shards = (List<?>)jedis.sendCommand(Command.CLUSTER, "SHARDS");
        final String text = TestCluster.text(shards);
        assertEquals(1, shards.size(), text);
        final Map<String, Object> shardFields = fields((List<?>)shards.get(0));
        assertEquals(List.of(0L, 16383L), shardFields.get("slots"), text);
        final List<?> shardNodes = (List<?>)shardFields.get("nodes");
        assertEquals(3, shardNodes.size(), text);
        final Set<Long> replicaPorts = new HashSet<>();
        for (int i = 0; i < shardNodes.size(); i++)
        {
            final Map<String, Object> node = fields((List<?>)shardNodes.get(i));
            assertEquals("127.0.0.1", TestCluster.text(node.get("ip")), text);
            assertEquals("online", TestCluster.text(node.get("health")), text);
            assertEquals(40, TestCluster.text(node.get("id")).length(), text);
            if (0 == i)
            {
                assertEquals("master", TestCluster.text(node.get("role")), "the first node is the master: " + text);
                assertEquals((long)cluster.clientPort(leader), node.get("port"), "the leader is the master: " + text);
                assertEquals(masterId, TestCluster.text(node.get("id")), text);
            }
            else
            {
                assertEquals("replica", TestCluster.text(node.get("role")), text);
                replicaPorts.add((Long)node.get("port"));
            }
        }
        final Set<Long> followerPorts = new HashSet<>();
        for (int id = 1; id <= 3; id++)
        {
            if (id != leader)
            {
                followerPorts.add((long)cluster.clientPort(id));
            }
        }
        assertEquals(followerPorts, replicaPorts, "the followers are the replicas: " + text);
    }

    /**
     * A flat list of alternating names and values, as CLUSTER SHARDS answers in RESP2, as a map.
     */
    private static Map<String, Object> fields(final List<?> flat)
    {
        assertEquals(0, flat.size() % 2, () -> "names and values: " + TestCluster.text(flat));
        final Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2)
        {
            fields.put(TestCluster.text(flat.get(i)), flat.get(i + 1));
        }
        return fields;
    }

    @Test
    void shouldLetAClusterClientFindTheLeaderAndFollowItAcrossAFailover()
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int firstLeader = cluster.awaitLeader();
            final int seed = firstLeader == 1 ? 2 : 1;
            try (JedisCluster client = new JedisCluster(
                Set.of(new HostAndPort("127.0.0.1", cluster.clientPort(seed))), 2_000, 20))
            {
                // JedisCluster follows MOVED, but fails on the CLUSTERDOWN of an election: once leadership is
                // settled, the writes (of the same values) go again
                cluster.onOneLeader(leader ->
                {
                    for (int i = 0; i < 50; i++)
                    {
                        assertEquals("OK", client.set("cc:" + i, "v" + i));
                    }
                    assertEquals("v7", client.get("cc:7"));
                });

                final int leader = cluster.awaitLeader();
                cluster.kill(leader);
                final int newLeader = cluster.awaitLeader();
                assertNotEquals(leader, newLeader);
                for (int i = 50; i < 60; i++)
                {
                    assertEquals("OK", client.set("cc:" + i, "v" + i), "after the failover");
                }
                for (int i = 0; i < 60; i++)
                {
                    assertEquals("v" + i, client.get("cc:" + i));
                }
            }
        }
    }

    @Test
    void shouldAnswerAPendingWriteAsUncertainWhenTheLeaderLosesItsMajority() throws IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final List<String> answers = new ArrayList<>();
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++)
            {
                final int leader = cluster.awaitLeader();
                final String key = "uncertain:" + attempt;
                final String reply;
                try (Socket socket = connect(cluster.clientPort(leader)))
                {
                    socket.setSoTimeout((int)TestCluster.AWAIT_TIMEOUT_MS);
                    assertEquals("+PONG\r\n", exchange(socket, "PING\r\n", 7));
                    pauseFollowers(cluster, leader);
                    try
                    {
                        socket.getOutputStream().write(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key +
                            "\r\n$1\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
                        // check-quorum deposes the leader once it has not heard from a majority for an election
                        // timeout; it cannot know whether the next leader will keep the entry, so it must say so
                        // rather than claim a failure
                        reply = readReply(socket);
                    }
                    finally
                    {
                        resumeFollowers(cluster, leader);
                    }
                }
                if (reply.startsWith("-UNCERTAIN "))
                {
                    return;
                }
                answers.add(quote(reply));
                // the leader had already stepped down when it read the SET (the test was held up for longer than
                // an election timeout): the only honest answer then is one that says it was not applied
                assertTrue(reply.startsWith("-CLUSTERDOWN ") || reply.startsWith("-MOVED "),
                    () -> "a pending write of a deposed leader was answered " + quote(reply) + "\n" +
                    cluster.logTail(leader));
                try (ClusterWriter reader = new ClusterWriter(cluster, cluster.awaitLeader()))
                {
                    assertNull(reader.get(key), () -> "a write answered " + quote(reply) + " was applied");
                }
            }
            fail("the leader had stepped down before it read the SET in each of " + ATTEMPTS + " attempts: " +
                answers + "\n" + cluster.diagnostics());
        }
    }

    private static void pauseFollowers(final TestCluster cluster, final int leader)
    {
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            if (id != leader)
            {
                cluster.pause(id);
            }
        }
    }

    private static void resumeFollowers(final TestCluster cluster, final int leader)
    {
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            if (id != leader)
            {
                cluster.resume(id);
            }
        }
    }
}

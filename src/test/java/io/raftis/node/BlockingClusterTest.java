package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.raftis.node.ClusterTest.connect;
import static io.raftis.node.ClusterTest.exchange;
import static io.raftis.node.ClusterTest.quote;
import static io.raftis.node.ClusterTest.readReply;
import static io.raftis.node.TestCluster.AWAIT_TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocking commands on a real 3-member cluster: a write through the leader serves a client blocked there, and a
 * client blocked on a leader that loses its leadership is answered, never left waiting, with nothing lost.
 */
class BlockingClusterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldServeAClientBlockedOnTheLeaderWhenAWriteFeedsItsKey() throws IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            try (Socket blocked = connect(cluster.clientPort(leader)); Jedis pusher = cluster.client(leader))
            {
                blocked.setSoTimeout((int)AWAIT_TIMEOUT_MS);
                assertEquals("+PONG\r\n", exchange(blocked, "PING\r\n", 7));
                blocked.getOutputStream().write(command("BLPOP", "jobs", "0"));
                TestCluster.await(AWAIT_TIMEOUT_MS, () -> cluster.raftField(leader, "blocked_clients") == 1,
                    () -> "the BLPOP did not block: " + cluster.info(leader));
                assertEquals(1L, pusher.rpush("jobs", "first"));
                assertEquals("*2\r\n$4\r\njobs\r\n$5\r\nfirst\r\n",
                    readReply(blocked) + readReply(blocked) + readReply(blocked)); // the array's header, then each
                assertEquals(0, cluster.raftField(leader, "blocked_clients"));
                assertEquals(1, cluster.raftField(leader, "blocked_clients_served"));
            }
        }
    }

    @Test
    void shouldAnswerAClientBlockedOnALeaderThatLosesLeadershipAndLoseNothing() throws IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int oldLeader = cluster.awaitLeader();
            try (Socket blocked = connect(cluster.clientPort(oldLeader)))
            {
                blocked.setSoTimeout((int)AWAIT_TIMEOUT_MS);
                assertEquals("+PONG\r\n", exchange(blocked, "PING\r\n", 7));
                blocked.getOutputStream().write(command("BLPOP", "jobs", "0"));
                TestCluster.await(AWAIT_TIMEOUT_MS, () -> cluster.raftField(oldLeader, "blocked_clients") == 1,
                    () -> "the BLPOP did not block: " + cluster.info(oldLeader));

                cluster.pause(oldLeader);
                final int newLeader = cluster.awaitLeader();
                assertNotEquals(oldLeader, newLeader);
                try (Jedis pusher = cluster.client(newLeader))
                {
                    assertEquals(1L, pusher.rpush("jobs", "kept"));
                }
                cluster.resume(oldLeader);

                final String reply = readReply(blocked);
                assertTrue(reply.startsWith("-UNCERTAIN "), () -> "the blocked client was answered " + quote(reply));
            }
            try (Jedis reader = cluster.client(cluster.awaitLeader()))
            {
                assertEquals(List.of("kept"), reader.lrange("jobs", 0, -1), "the element no client took is there");
            }
        }
    }

    private static byte[] command(final String... args)
    {
        final StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (final String arg : args)
        {
            sb.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

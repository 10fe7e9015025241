package io.raftis.node;

import io.raftis.resp.HostileRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded hostile clients against a live member: a thousand connections each send a mutated pipeline of real
 * commands (wrong arities and types, globs that backtrack, huge declared bulks and counts, noise) and read a little
 * or nothing; some stay open with a large bulk half sent. The member must stay up and keep answering others, its
 * clients' memory must stay within maxmemory-clients, and it must not stop. Replay with
 * {@code -Draftis.fuzz.seed=S}, more with {@code -Draftis.fuzz.cases=N}.
 */
class RespNodeFuzzTest
{
    private static final long MAX_MEMORY_CLIENTS = 8L * 1024 * 1024;

    @TempDir
    Path dir;

    private TestCluster cluster;
    private final List<Socket> lingering = new ArrayList<>();

    @AfterEach
    void close() throws IOException
    {
        for (final Socket socket : lingering)
        {
            socket.close();
        }
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void hostileClientsNeitherStopNorStallTheMember() throws IOException
    {
        final long seed = Long.getLong("raftis.fuzz.seed", 20261130L);
        final int cases = Integer.getInteger("raftis.fuzz.cases", 1_000);
        cluster = TestCluster.start(1, dir, "--maxmemory-clients=8mb", "--maxmemory=64mb",
            "--client-output-buffer-limit=normal 4mb 1mb 2");
        cluster.awaitLeader();
        final Random random = new Random(seed);
        final byte[] buffer = new byte[64 * 1024];
        try (Jedis jedis = cluster.client(1))
        {
            assertEquals("OK", jedis.set("fuzz:big".getBytes(StandardCharsets.US_ASCII), new byte[200_000]));
        }
        final byte[] manyBigReplies = "GET fuzz:big\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < cases; i++)
        {
            final byte[] request = HostileRequests.mutate(random, HostileRequests.nodePipeline(random));
            final Socket socket = new Socket();
            try
            {
                socket.connect(new InetSocketAddress(TestCluster.HOST, cluster.clientPort(1)), 10_000);
                socket.setSoTimeout(random.nextInt(3) == 0 ? 50 : 1);
                final int kind = random.nextInt(20);
                if (kind < 2)
                {
                    // a large bulk half sent, the connection kept open: together they pass maxmemory-clients
                    socket.getOutputStream().write(
                        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$400000000\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(new byte[200_000 + random.nextInt(400_000)]);
                    lingering.add(socket);
                    continue;
                }
                if (kind < 3)
                {
                    // a hundred 200 KB replies asked for and none read: past the output buffer's hard limit
                    socket.getOutputStream().write(manyBigReplies);
                    lingering.add(socket);
                    continue;
                }
                socket.getOutputStream().write(request);
                final InputStream in = socket.getInputStream();
                in.read(buffer);
            }
            catch (final SocketTimeoutException ignore)
            {
                // it read nothing yet: close without reading
            }
            catch (final IOException closedByTheMember)
            {
                // a protocol error or a limit closes the connection: expected of hostile input
            }
            if (!lingering.contains(socket))
            {
                socket.close();
            }
            if (i % 100 == 99)
            {
                assertServing("after case " + i + " of seed " + seed);
            }
        }
        assertServing("at the end");
        final Map<String, String> stats = TestCluster.parseInfo(cluster.client(1).info("stats"));
        System.out.println("RespNodeFuzzTest: " + cases + " hostile clients; " + stats);
        assertTrue(cluster.isRunning(1));
        assertTrue(Long.parseLong(stats.get("evicted_clients")) > 0, "the half-sent bulks passed maxmemory-clients");
        assertTrue(Long.parseLong(stats.get("client_output_buffer_limit_disconnections")) > 0,
            "unread replies passed the output buffer limit");
        assertFalse(TestCluster.tail(cluster.logFile(1), 1000).contains("stopping with exit code"));
    }

    private void assertServing(final String when)
    {
        assertTrue(cluster.isRunning(1), "the member stopped " + when + ":\n" + cluster.logTail(1));
        try (Jedis jedis = cluster.client(1))
        {
            assertEquals("PONG", jedis.ping(), when);
            assertEquals("OK", jedis.set("fuzz:alive", when), when);
            assertEquals(when, jedis.get("fuzz:alive"), when);
            final Map<String, String> memory = TestCluster.parseInfo(jedis.info("memory"));
            final long clients = Long.parseLong(memory.get("mem_clients_normal"));
            assertTrue(clients <= MAX_MEMORY_CLIENTS + 1024 * 1024,
                "the clients hold " + clients + " bytes " + when + " (maxmemory-clients " + MAX_MEMORY_CLIENTS + ")");
        }
    }
}

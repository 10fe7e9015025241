package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.raftis.node.TestCluster.AWAIT_TIMEOUT_MS;
import static io.raftis.node.TestCluster.HOST;
import static io.raftis.node.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real multi-process clusters: commands through the leader, redirects from followers, introspection, pipelining,
 * protocol errors, and no acknowledged write lost when members are killed, stopped and restarted.
 * <p>
 * The tests that leave a cluster as they found it share one in {@link SharedCluster}; the tests that kill or
 * restart members start a cluster of their own.
 */
class ClusterTest
{
    private static final int READ_BATCH = 100;
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    private static final int ROLL_WRITERS = 4;
    private static final int ROLL_BATCHES = 40;
    private static final int ROLL_BATCH_SIZE = 10;
    private static final int ROLL_VALUE_LENGTH = 100 * 1024;
    /** Only there so that the test does not hang: 160 MiB written on a loaded machine may take a while. */
    private static final long ROLL_TIMEOUT_MS = 300_000;

    @TempDir
    Path dir;

    @Test
    void shouldElectNewLeaderWithEveryAcknowledgedKeyWhenLeaderIsKilled()
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            final Map<String, String> acknowledged = writeKeys(cluster, leader, "before-kill:", 500);

            cluster.kill(leader);
            final int newLeader = cluster.awaitLeader();
            assertNotEquals(leader, newLeader);
            assertKeys(cluster, newLeader, acknowledged);

            // entries the killed member never had, so that it has to catch up on them
            acknowledged.putAll(writeKeys(cluster, newLeader, "after-kill:", 100));
            cluster.restart(leader);
            awaitCaughtUp(cluster, leader);
            final int finalLeader = cluster.awaitLeader();
            assertKeys(cluster, finalLeader, acknowledged);
            assertEquals(String.valueOf(acknowledged.size()), keyCount(cluster, leader),
                () -> "keys on the restarted member " + leader + "\n" + cluster.logTail(leader));
        }
    }

    @Test
    void shouldRecoverEveryAcknowledgedKeyWhenTheWholeClusterIsRestarted() throws InterruptedException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            int leader = cluster.awaitLeader();
            final Map<String, String> acknowledged = writeKeys(cluster, leader, "before-stop:", 300);
            final long lastIndexBeforeStop = cluster.raftField(leader, "raft_last_log_index");

            for (int id = 1; id <= 3; id++)
            {
                cluster.stop(id);
            }
            cluster.restartAll();
            leader = cluster.awaitLeader();
            assertKeys(cluster, leader, acknowledged);
            final long lastIndexAfterRestart = cluster.raftField(leader, "raft_last_log_index");
            assertTrue(lastIndexAfterRestart > lastIndexBeforeStop,
                "the restarted leader's log ends at " + lastIndexAfterRestart + ", before the stop it ended at " +
                lastIndexBeforeStop + " (a new leader appends an entry of its term)");

            // and again after every member crashed while a client wrote, the leader first
            final ContinuousWriter writer = new ContinuousWriter(cluster, leader);
            writer.start();
            try
            {
                writer.awaitAcknowledged(200);
                cluster.kill(leader);
                for (int id = 1; id <= 3; id++)
                {
                    if (cluster.isRunning(id))
                    {
                        cluster.kill(id);
                    }
                }
            }
            finally
            {
                writer.stop();
            }
            acknowledged.putAll(writer.acknowledged());
            cluster.restartAll();
            leader = cluster.awaitLeader();
            assertKeys(cluster, leader, acknowledged);
        }
    }

    @Test
    void shouldLoseNoAcknowledgedWriteWhenAFollowerIsKilledWhileAClientWrites() throws InterruptedException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            final int follower = leader == 1 ? 2 : 1;
            final ContinuousWriter writer = new ContinuousWriter(cluster, leader);
            writer.start();
            try
            {
                writer.awaitAcknowledged(200);
                cluster.kill(follower);
                writer.awaitAcknowledged(writer.acknowledgedCount() + 300);
                cluster.restart(follower);
                writer.awaitAcknowledged(writer.acknowledgedCount() + 200);
            }
            finally
            {
                writer.stop();
            }

            final int currentLeader = cluster.awaitLeader();
            assertKeys(cluster, currentLeader, writer.acknowledged());
            awaitCaughtUp(cluster, follower);
            assertEquals(keyCount(cluster, currentLeader), keyCount(cluster, follower),
                () -> "keys on the restarted follower " + follower + " (writer errors: " + writer.errors() + ")\n" +
                cluster.logTail(follower));
        }
    }

    @Test
    void shouldLoseNoAcknowledgedWriteWhenTheLeaderIsKilledWhileAClientWrites() throws InterruptedException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            final ContinuousWriter writer = new ContinuousWriter(cluster, leader);
            writer.start();
            try
            {
                writer.awaitAcknowledged(300);
                cluster.kill(leader);
                // the writer follows the MOVED of a survivor to the new leader
                writer.awaitAcknowledged(writer.acknowledgedCount() + 300);
            }
            finally
            {
                writer.stop();
            }

            final int newLeader = cluster.awaitLeader();
            assertNotEquals(leader, newLeader);
            assertKeys(cluster, newLeader, writer.acknowledged());
        }
    }

    @Test
    void shouldHandLeadershipToAnotherMemberWithoutLosingAcknowledgedWritesWhenTheLeaderIsStopped()
        throws InterruptedException, IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            final ContinuousWriter writer = new ContinuousWriter(cluster, leader);
            writer.start();
            try
            {
                writer.awaitAcknowledged(200);
                cluster.stop(leader); // SIGTERM, as scripts/stop-cluster.sh sends it
                writer.awaitAcknowledged(writer.acknowledgedCount() + 200);
            }
            finally
            {
                writer.stop();
            }

            final int newLeader = cluster.awaitLeader();
            assertNotEquals(leader, newLeader);
            assertKeys(cluster, newLeader, writer.acknowledged());

            // the stopped leader was a follower before it exited: it handed over rather than left an election to
            // the others' timeouts (the process has exited, so its log is whole)
            final List<String> log = Files.readAllLines(cluster.logFile(leader), StandardCharsets.UTF_8);
            int stopping = -1;
            for (int i = 0; i < log.size(); i++)
            {
                if (log.get(i).endsWith("member " + leader + " stopping"))
                {
                    stopping = i;
                }
            }
            assertTrue(stopping >= 0, () -> "member " + leader + " did not log its stop:\n" + cluster.logTail(leader));
            final List<String> afterStopping = log.subList(stopping, log.size());
            final String follower = "member " + leader + " is follower in term ";
            assertTrue(afterStopping.stream().anyMatch(line -> line.contains(follower)),
                () -> "member " + leader + " exited as the leader, without handing over: " + afterStopping);

            cluster.restart(leader);
            awaitCaughtUp(cluster, leader);
            assertEquals(keyCount(cluster, cluster.awaitLeader()), keyCount(cluster, leader),
                "keys on the restarted member " + leader);
        }
    }

    @Test
    void shouldAcknowledgeAWriteOnlyOnceAMajorityHasIt() throws IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int leader = cluster.awaitLeader();
            final int[] followers = leader == 1 ? new int[]{2, 3} : leader == 2 ? new int[]{1, 3} : new int[]{1, 2};
            try (Socket socket = connect(cluster.clientPort(leader)))
            {
                assertEquals("+PONG\r\n", exchange(socket, "PING\r\n", 7));
                cluster.pause(followers[0]);
                cluster.pause(followers[1]);
                socket.getOutputStream().write(
                    "*3\r\n$3\r\nSET\r\n$8\r\nminority\r\n$3\r\none\r\n".getBytes(StandardCharsets.US_ASCII));

                // a bounded window in which the write must not be acknowledged: only the leader has it
                socket.setSoTimeout(1_000);
                String early = null;
                try
                {
                    early = readReply(socket);
                }
                catch (final AssertionError expected)
                {
                    assertTrue(expected.getCause() instanceof SocketTimeoutException, expected::toString);
                }
                final String earlyReply = early;
                assertFalse(null != earlyReply && earlyReply.startsWith("+OK"),
                    () -> "the leader acknowledged a write while both followers were paused: " + quote(earlyReply) +
                    "\nthread states of the paused members: " +
                    TestCluster.threadStates(cluster.pid(followers[0])) + ", " +
                    TestCluster.threadStates(cluster.pid(followers[1])) + "\n" + cluster.diagnostics());

                cluster.resume(followers[0]);
                cluster.resume(followers[1]);
                // once a majority runs again the write commits, or is replaced by a new leader's entry
                socket.setSoTimeout((int)AWAIT_TIMEOUT_MS);
                final String reply = null == earlyReply ? readReply(socket) : earlyReply;
                assertTrue(reply.equals("+OK\r\n") || reply.startsWith("-TRYAGAIN ") ||
                    reply.startsWith("-UNCERTAIN ") || reply.startsWith("-CLUSTERDOWN ") || reply.startsWith("-MOVED "),
                    () -> "the pending write was answered " + quote(reply) + "\n" + cluster.diagnostics());
                try (ClusterWriter reader = new ClusterWriter(cluster, cluster.awaitLeader()))
                {
                    final String value = reader.get("minority");
                    if (reply.equals("+OK\r\n"))
                    {
                        assertEquals("one", value, "an acknowledged write is lost");
                    }
                    else if (!reply.startsWith("-UNCERTAIN "))
                    {
                        assertNull(value, () -> "a write answered " + quote(reply) + ", an error that says it was " +
                            "certainly not applied, was applied");
                    }
                }
            }
        }
    }

    @Test
    void shouldNeitherAcknowledgeAWriteNorServeAStaleReadOnALeaderThatWasPaused() throws IOException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            final int oldLeader;
            try (ClusterWriter writer = new ClusterWriter(cluster, cluster.awaitLeader()))
            {
                assertTrue(writer.set("paused:key", "old"), writer::summary);
                oldLeader = cluster.awaitLeader();
            }
            try (Socket writer = connect(cluster.clientPort(oldLeader));
                Socket reader = connect(cluster.clientPort(oldLeader)))
            {
                writer.setSoTimeout((int)AWAIT_TIMEOUT_MS);
                reader.setSoTimeout((int)AWAIT_TIMEOUT_MS);
                assertEquals("+PONG\r\n", exchange(writer, "PING\r\n", 7));
                assertEquals("+PONG\r\n", exchange(reader, "PING\r\n", 7));

                cluster.pause(oldLeader);
                final int newLeader = cluster.awaitLeader();
                assertNotEquals(oldLeader, newLeader);
                try (ClusterWriter client = new ClusterWriter(cluster, newLeader))
                {
                    assertTrue(client.set("paused:key", "new"), client::summary);
                }

                // waiting in its sockets, the old leader reads these before it hears of the new term
                writer.getOutputStream().write(("*3\r\n$3\r\nSET\r\n$10\r\npaused:key\r\n$5\r\nstale\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                reader.getOutputStream().write(("*2\r\n$3\r\nGET\r\n$10\r\npaused:key\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                cluster.resume(oldLeader);
                final String setReply = readReply(writer);
                final String getReply = readReply(reader);
                final String diagnostic = "the old leader " + oldLeader + " answered SET with " + quote(setReply) +
                    " and GET with " + quote(getReply) + " after member " + newLeader + " was elected\n" +
                    cluster.logTail(oldLeader);
                assertTrue(setReply.startsWith("-"), "a write acknowledged by a deposed leader: " + diagnostic);
                assertTrue(getReply.startsWith("-") || getReply.equals("$3\r\nnew\r\n"),
                    "a stale read: " + diagnostic);
            }

            try (ClusterWriter reader = new ClusterWriter(cluster, cluster.awaitLeader()))
            {
                assertEquals("new", reader.get("paused:key"));
            }
            awaitCaughtUp(cluster, oldLeader);
        }
    }

    @Test
    void shouldElectALeaderThatEveryOneOfFiveNewMembersFollowsAndApplyEveryWriteOnEach()
    {
        // five members, so that five new logs are synced for the first time at once, right after the first election
        try (TestCluster cluster = TestCluster.start(5, dir))
        {
            final int leader = cluster.awaitLeader();
            final Map<String, String> acknowledged = writeKeys(cluster, leader, "five-new:", 200);

            final int finalLeader = cluster.awaitLeader();
            assertKeys(cluster, finalLeader, acknowledged);
            for (int id = 1; id <= 5; id++)
            {
                awaitCaughtUp(cluster, id);
                assertEquals(String.valueOf(acknowledged.size()), keyCount(cluster, id), "keys on member " + id);
            }
        }
    }

    @Test
    void shouldKeepEveryKeyWhenTheLogRollsOntoNewSegmentsAndTheClusterRestarts() throws InterruptedException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            int leader = cluster.awaitLeader();
            final String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
            final byte[] filler = new byte[ROLL_VALUE_LENGTH];
            ThreadLocalRandom.current().nextBytes(filler);

            // more than two segments of the default 64 MiB, written by a few pipelining clients
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] writers = new Thread[ROLL_WRITERS];
            for (int w = 0; w < writers.length; w++)
            {
                final int writerIndex = w;
                final int first = leader;
                writers[w] = new Thread(
                    () ->
                    {
                        try (ClusterWriter writer = new ClusterWriter(cluster, first))
                        {
                            for (int batch = 0; batch < ROLL_BATCHES; batch++)
                            {
                                final List<byte[]> keys = new ArrayList<>();
                                final List<byte[]> values = new ArrayList<>();
                                for (int i = 0; i < ROLL_BATCH_SIZE; i++)
                                {
                                    final String key = rollKey(writerIndex, batch * ROLL_BATCH_SIZE + i);
                                    keys.add(bytes(key));
                                    values.add(rollValue(key, run, filler));
                                }
                                assertTrue(writer.setAll(keys, values), writer::summary);
                            }
                        }
                        catch (final Throwable ex)
                        {
                            failure.compareAndSet(null, ex);
                        }
                    },
                    "roll-writer-" + w);
                writers[w].start();
            }
            for (final Thread writer : writers)
            {
                writer.join(ROLL_TIMEOUT_MS);
                assertFalse(writer.isAlive(),
                    () -> "a writer is still writing after " + ROLL_TIMEOUT_MS + "ms\n" + cluster.diagnostics());
            }
            if (null != failure.get())
            {
                throw new AssertionError("a writer failed; the longest log syncs: " + longestSyncs(cluster) + "\n" +
                    cluster.diagnostics(), failure.get());
            }
            final int keys = ROLL_WRITERS * ROLL_BATCHES * ROLL_BATCH_SIZE;
            assertRollKeys(cluster, cluster.awaitLeader(), run, filler);
            for (int id = 1; id <= 3; id++)
            {
                awaitCaughtUp(cluster, id);
                assertEquals(String.valueOf(keys), keyCount(cluster, id), "keys on member " + id);
                final long segments;
                try (var files = Files.list(cluster.dataDir(id).resolve("raft-log")))
                {
                    segments = files.filter(f -> f.getFileName().toString().endsWith(".seg")).count();
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(ex);
                }
                assertTrue(segments >= 3, "the log of member " + id + " has " + segments + " segments after " +
                    (long)keys * ROLL_VALUE_LENGTH / (1024 * 1024) + " MiB");
            }

            // every member reads its log back across the segments
            for (int id = 1; id <= 3; id++)
            {
                cluster.stop(id);
            }
            cluster.restartAll();
            leader = cluster.awaitLeader();
            assertRollKeys(cluster, leader, run, filler);
            for (int id = 1; id <= 3; id++)
            {
                awaitCaughtUp(cluster, id);
                assertEquals(String.valueOf(keys), keyCount(cluster, id), "keys on member " + id + " after restart");
            }
        }
    }

    private static String rollKey(final int writer, final int i)
    {
        return "roll:" + writer + ":" + i;
    }

    /**
     * A value of ROLL_VALUE_LENGTH bytes that starts with its key and run, so that one misplaced shows.
     */
    private static byte[] rollValue(final String key, final String run, final byte[] filler)
    {
        final byte[] value = filler.clone();
        final byte[] head = bytes(key + "@" + run + "#");
        System.arraycopy(head, 0, value, 0, head.length);
        return value;
    }

    private static void assertRollKeys(final TestCluster cluster, final int id, final String run, final byte[] filler)
    {
        try (Jedis jedis = cluster.client(id))
        {
            for (int w = 0; w < ROLL_WRITERS; w++)
            {
                for (int i = 0; i < ROLL_BATCHES * ROLL_BATCH_SIZE; i += 7)
                {
                    final String key = rollKey(w, i);
                    final byte[] actual = jedis.get(bytes(key));
                    assertArrayEquals(rollValue(key, run, filler), actual, () -> "the value of " + key +
                        " on member " + id + (null == actual ? " is missing" : " starts with " +
                        new String(actual, 0, Math.min(40, actual.length), StandardCharsets.US_ASCII)));
                }
            }
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldKeepServingWhenTheLeaderAndAFollowerOfFiveMembersAreKilled()
    {
        try (TestCluster cluster = TestCluster.start(5, dir))
        {
            final int leader = cluster.awaitLeader();
            final Map<String, String> acknowledged = writeKeys(cluster, leader, "five:", 200);
            final int follower = leader == 5 ? 4 : 5;

            cluster.kill(follower);
            cluster.kill(leader);
            final int newLeader = cluster.awaitLeader();
            assertKeys(cluster, newLeader, acknowledged);
            acknowledged.putAll(writeKeys(cluster, newLeader, "three-of-five:", 100));
            assertKeys(cluster, newLeader, acknowledged);
        }
    }

    @Test
    void shouldAnswerClusterDownWithoutALeaderAndServeOnceAMajorityRuns()
    {
        try (TestCluster cluster = TestCluster.create(3, dir))
        {
            cluster.restart(1);
            try (Jedis jedis = cluster.client(1))
            {
                final JedisDataException writeError = assertThrows(JedisDataException.class, () -> jedis.set("k", "v"));
                assertTrue(writeError.getMessage().startsWith("CLUSTERDOWN"),
                    () -> "a write to the only running member of 3 answered: " + writeError.getMessage());
                final JedisDataException readError = assertThrows(JedisDataException.class, () -> jedis.get("k"));
                assertTrue(readError.getMessage().startsWith("CLUSTERDOWN"),
                    () -> "a read from the only running member of 3 answered: " + readError.getMessage());
            }

            cluster.restart(2);
            try (ClusterWriter writer = new ClusterWriter(cluster, cluster.awaitLeader()))
            {
                assertTrue(writer.set("k", "v"), writer::summary);
                assertEquals("v", writer.get("k"));
            }
        }
    }

    @Test
    void shouldRefuseToStartOnADataDirCreatedWithAnotherMemberList() throws IOException
    {
        try (TestCluster cluster = TestCluster.create(3, dir))
        {
            cluster.restart(1);
            cluster.stop(1);

            final String extraMember = cluster.memberList(4);
            final String changedPort = cluster.memberList(3).replace(
                ":" + cluster.clientPort(3), ":" + cluster.clientPort(5));
            assertNotEquals(cluster.members(), changedPort);
            for (final String members : List.of(extraMember, changedPort))
            {
                final Path log = dir.resolve("mismatch-" + members.hashCode() + ".log");
                final Process process = cluster.launch(1, members, cluster.dataDir(1), log);
                final int exitCode = TestCluster.awaitExit(process, AWAIT_TIMEOUT_MS, () -> TestCluster.tail(log, 40));
                final String output = Files.readString(log);
                assertNotEquals(0, exitCode, () -> "member 1 started with --members=" + members + ":\n" + output);
                assertTrue(output.contains("data dir " + cluster.dataDir(1)),
                    () -> "the output of member 1 started with --members=" + members + " does not name its data dir " +
                    cluster.dataDir(1) + ":\n" + output);
            }

            // the data dir is intact: started with its own member list the member runs
            cluster.restart(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Tests that leave the cluster as they found it, on one 3-member cluster.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class SharedCluster
    {
        private Path sharedDir;
        private TestCluster cluster;

        @BeforeAll
        void startCluster(@TempDir final Path sharedDir)
        {
            this.sharedDir = sharedDir;
            cluster = TestCluster.start(3, sharedDir);
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
        void shouldSetAndGetThroughTheLeader()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    assertEquals("OK", jedis.set("greeting", "hello"));
                    assertEquals("hello", jedis.get("greeting"));
                    assertEquals("OK", jedis.set("greeting", "hello again"));
                    assertEquals("hello again", jedis.get("greeting"));
                    assertNull(jedis.get("never-set"));
                }
            });
        }

        @Test
        void shouldStoreBinaryKeysAndValuesWithNulAndCrLf()
        {
            cluster.onOneLeader(leader ->
            {
                final byte[] key = {'b', 'i', 'n', 0, '\r', '\n', (byte)0xFF};
                final byte[] value = {0, '\r', '\n', '$', '3', '\r', '\n', '*', 0, (byte)0x80, (byte)0xFE, '\n', '\r'};
                final byte[] large = new byte[100_000];
                ThreadLocalRandom.current().nextBytes(large);
                try (Jedis jedis = cluster.client(leader))
                {
                    assertEquals("OK", jedis.set(key, value));
                    assertArrayEquals(value, jedis.get(key));
                    assertEquals("OK", jedis.set("empty".getBytes(StandardCharsets.US_ASCII), new byte[0]));
                    assertArrayEquals(new byte[0], jedis.get("empty".getBytes(StandardCharsets.US_ASCII)));
                    assertEquals("OK", jedis.set("large".getBytes(StandardCharsets.US_ASCII), large));
                    assertArrayEquals(large, jedis.get("large".getBytes(StandardCharsets.US_ASCII)));
                }
            });
        }

        @Test
        void shouldSetAndGetSeveralKeysWithMsetAndMget()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    assertEquals("OK", jedis.mset("m1", "one", "m2", "two", "m3", "three"));
                    assertEquals(Arrays.asList("one", null, "two", "three"), jedis.mget("m1", "missing", "m2", "m3"));
                    assertEquals("OK", jedis.mset("m1", "uno", "m1", "eins"));
                    assertEquals("eins", jedis.get("m1"));
                }
            });
        }

        @Test
        void shouldIncrementAndAppend()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    jedis.del("counter", "text");
                    assertEquals(1L, jedis.incr("counter"));
                    assertEquals(2L, jedis.incr("counter"));
                    assertEquals(12L, jedis.incrBy("counter", 10));
                    assertEquals("12", jedis.get("counter"));
                    assertEquals(5L, jedis.append("text", "hello"));
                    assertEquals(11L, jedis.append("text", " world"));
                    assertEquals("hello world", jedis.get("text"));
                    final JedisDataException notANumber =
                        assertThrows(JedisDataException.class, () -> jedis.incr("text"));
                    assertEquals("ERR value is not an integer or out of range", notANumber.getMessage());
                    assertEquals("hello world", jedis.get("text"));
                }
            });
        }

        @Test
        void shouldDeleteKeysAndTellWhichExist()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    jedis.mset("d1", "a", "d2", "b", "d3", "c");
                    assertEquals(3L, jedis.exists("d1", "d2", "d3", "d4"));
                    assertTrue(jedis.exists("d1"));
                    assertEquals(2L, jedis.del("d1", "d2", "d4"));
                    assertFalse(jedis.exists("d1"));
                    assertEquals(1L, jedis.exists("d1", "d2", "d3"));
                    assertEquals("c", jedis.get("d3"));
                }
            });
        }

        @Test
        void shouldCountKeysAndFlushThemAll()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    assertEquals("OK", jedis.flushAll());
                    assertEquals(0L, jedis.dbSize());
                    for (int i = 0; i < 10; i++)
                    {
                        jedis.set("count:" + i, "v" + i);
                    }
                    jedis.set("count:0", "again");
                    assertEquals(10L, jedis.dbSize());
                    assertEquals("OK", jedis.flushAll());
                    assertEquals(0L, jedis.dbSize());
                    assertNull(jedis.get("count:1"));
                }
            });
        }

        @Test
        void shouldApplyEveryWriteOnEveryFollower()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    jedis.flushAll();
                    for (int i = 0; i < 25; i++)
                    {
                        jedis.set("replicated:" + i, "v" + i);
                    }
                }
                for (int id = 1; id <= 3; id++)
                {
                    awaitCaughtUp(cluster, id);
                    assertEquals("25", keyCount(cluster, id), "keys applied on member " + id);
                }
            });
        }

        @Test
        void shouldRedirectAWriteAndAReadOnAFollowerToTheLeader()
        {
            cluster.onOneLeader(leader ->
            {
                final HostAndPort leaderAddress = new HostAndPort(HOST, cluster.clientPort(leader));
                for (int follower = 1; follower <= 3; follower++)
                {
                    if (follower != leader)
                    {
                        try (Jedis jedis = cluster.client(follower))
                        {
                            final JedisMovedDataException write = assertThrows(
                                JedisMovedDataException.class, () -> jedis.set("redirected", "never"));
                            assertEquals("MOVED 0 " + HOST + ":" + cluster.clientPort(leader), write.getMessage());
                            assertEquals(leaderAddress, write.getTargetNode());
                            assertEquals(0, write.getSlot());

                            final JedisMovedDataException read = assertThrows(
                                JedisMovedDataException.class, () -> jedis.get("redirected"));
                            assertEquals("MOVED 0 " + HOST + ":" + cluster.clientPort(leader), read.getMessage());
                            assertEquals(leaderAddress, read.getTargetNode());
                        }
                    }
                }
                try (Jedis jedis = cluster.client(leader))
                {
                    assertNull(jedis.get("redirected"), "a redirected write must not be applied");
                }
            });
        }

        @Test
        void shouldSayMasterInRoleOnTheLeaderAndSlaveOnFollowers()
        {
            cluster.onOneLeader(leader ->
            {
                for (int id = 1; id <= 3; id++)
                {
                    try (Jedis jedis = cluster.client(id))
                    {
                        final List<Object> role = jedis.role();
                        final String text = TestCluster.text(role);
                        if (id == leader)
                        {
                            assertEquals(3, role.size(), text);
                            assertEquals("master", TestCluster.text(role.get(0)), text);
                            final List<?> replicas = (List<?>)role.get(2);
                            assertEquals(2, replicas.size(), text);
                            for (final Object replica : replicas)
                            {
                                final List<?> fields = (List<?>)replica;
                                assertEquals(HOST, TestCluster.text(fields.get(0)), text);
                                final int port = Integer.parseInt(TestCluster.text(fields.get(1)));
                                assertNotEquals(cluster.clientPort(leader), port, text);
                                assertTrue(port == cluster.clientPort(1) || port == cluster.clientPort(2) ||
                                    port == cluster.clientPort(3), text);
                            }
                        }
                        else
                        {
                            assertEquals(5, role.size(), text);
                            assertEquals("slave", TestCluster.text(role.get(0)), text);
                            assertEquals(HOST, TestCluster.text(role.get(1)), text);
                            assertEquals(String.valueOf(cluster.clientPort(leader)), TestCluster.text(role.get(2)),
                                text);
                            assertEquals("connected", TestCluster.text(role.get(3)), text);
                        }
                    }
                }
            });
        }

        @Test
        void shouldReportServerClientsReplicationKeyspaceAndRaftSectionsInInfo()
        {
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    jedis.set("info:key", "value");
                }
                final long leaderTerm = cluster.raftField(leader, "raft_term");
                for (int id = 1; id <= 3; id++)
                {
                    final String info;
                    try (Jedis jedis = cluster.client(id))
                    {
                        info = jedis.info();
                    }
                    for (final String section :
                        List.of("# Server", "# Clients", "# Replication", "# Keyspace", "# Raft"))
                    {
                        assertTrue(info.contains(section + "\r\n"),
                            "no " + section + " in INFO of member " + id + ":\n" + info);
                    }
                    final Map<String, String> fields = TestCluster.parseInfo(info);
                    final String diagnostic = "INFO of member " + id + ":\n" + info;
                    assertEquals(String.valueOf(cluster.clientPort(id)), fields.get("tcp_port"), diagnostic);
                    assertTrue(number(fields, "connected_clients", diagnostic) >= 1, diagnostic);
                    assertEquals(id == leader ? "master" : "slave", fields.get("role"), diagnostic);
                    assertEquals(id == leader ? "leader" : "follower", fields.get("raft_role"), diagnostic);
                    assertEquals(String.valueOf(leaderTerm), fields.get("raft_term"), diagnostic);
                    assertEquals(String.valueOf(leader), fields.get("raft_leader_id"), diagnostic);
                    final long commitIndex = number(fields, "raft_commit_index", diagnostic);
                    final long appliedIndex = number(fields, "raft_applied_index", diagnostic);
                    final long lastLogIndex = number(fields, "raft_last_log_index", diagnostic);
                    assertTrue(commitIndex >= 1 && appliedIndex <= commitIndex && commitIndex <= lastLogIndex,
                        diagnostic);
                    if (id == leader)
                    {
                        assertTrue(Long.parseLong(fields.get("db0").replaceAll("keys=(\\d+),.*", "$1")) >= 1,
                            diagnostic);
                    }
                }

                try (Jedis jedis = cluster.client(leader))
                {
                    final String raftOnly = jedis.info("raft");
                    assertTrue(raftOnly.startsWith("# Raft\r\n"), raftOnly);
                    assertFalse(raftOnly.contains("# Server"), raftOnly);
                    assertTrue(raftOnly.contains("raft_role:leader\r\n"), raftOnly);
                }
            });
        }

        @Test
        void shouldAnswerAThousandPipelinedSetsThenGetsInOrder()
        {
            cluster.onOneLeader(leader ->
            {
                final int count = 1000;
                try (Jedis jedis = cluster.client(leader); Pipeline pipeline = jedis.pipelined())
                {
                    final List<Response<String>> sets = new ArrayList<>(count);
                    final List<Response<String>> gets = new ArrayList<>(count);
                    for (int i = 0; i < count; i++)
                    {
                        sets.add(pipeline.set("pipelined:" + i, "value-" + i));
                    }
                    for (int i = 0; i < count; i++)
                    {
                        gets.add(pipeline.get("pipelined:" + i));
                    }
                    pipeline.sync();
                    for (int i = 0; i < count; i++)
                    {
                        assertEquals("OK", sets.get(i).get(), "SET " + i);
                        assertEquals("value-" + i, gets.get(i).get(), "GET " + i);
                    }
                }
            });
        }

        @Test
        void shouldAnswerPipelinedWritesAndReadsOfOneKeyInOrder()
        {
            cluster.onOneLeader(leader ->
            {
                final int count = 300;
                try (Jedis jedis = cluster.client(leader); Pipeline pipeline = jedis.pipelined())
                {
                    // raw replies, so that one out of order shows as such rather than as a cast error
                    pipeline.sendCommand(Command.DEL, "interleaved:counter");
                    final List<Response<Object>> replies = new ArrayList<>();
                    final List<String> expected = new ArrayList<>();
                    for (int i = 0; i < count; i++)
                    {
                        final String key = "interleaved:" + i;
                        replies.add(pipeline.sendCommand(Command.SET, key, "a"));
                        expected.add("OK");
                        replies.add(pipeline.sendCommand(Command.GET, key));
                        expected.add("a");
                        replies.add(pipeline.sendCommand(Command.APPEND, key, "b"));
                        expected.add("2");
                        replies.add(pipeline.sendCommand(Command.GET, key));
                        expected.add("ab");
                        replies.add(pipeline.sendCommand(Command.INCR, "interleaved:counter"));
                        expected.add(String.valueOf(i + 1));
                    }
                    pipeline.sync();
                    for (int i = 0; i < replies.size(); i++)
                    {
                        final int index = i;
                        assertEquals(expected.get(i), TestCluster.text(replies.get(i).get()),
                            () -> "reply " + index + " of " + replies.size() + ", expected around it " +
                            expected.subList(Math.max(0, index - 4), Math.min(expected.size(), index + 5)) + ", got " +
                            replies.subList(Math.max(0, index - 4), Math.min(replies.size(), index + 5)).stream()
                            .map(r -> TestCluster.text(r.get())).toList());
                    }
                }
            });
        }

        @Test
        void shouldAnswerAProtocolErrorAndCloseTheConnection() throws IOException
        {
            final int leader = cluster.awaitLeader();
            for (final int id : new int[]{leader, leader == 1 ? 2 : 1})
            {
                try (Socket socket = connect(cluster.clientPort(id)))
                {
                    socket.getOutputStream().write("*1\r\n$x\r\n".getBytes(StandardCharsets.US_ASCII));
                    final String reply = readUntilClosed(socket);
                    assertTrue(reply.startsWith("-ERR Protocol error: ") && reply.endsWith("\r\n") &&
                        reply.indexOf("\r\n") == reply.length() - 2,
                        () -> "member " + id + " answered " + quote(reply));
                }
            }
        }

        @Test
        void shouldAnswerAnUnknownCommandAsRedisDoes() throws IOException
        {
            final int leader = cluster.awaitLeader();
            try (Socket socket = connect(cluster.clientPort(leader)))
            {
                final String expected = "-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n";
                assertEquals(expected + "+PONG\r\n",
                    exchange(socket, "*3\r\n$3\r\nFOO\r\n$3\r\nbar\r\n$3\r\nbaz\r\n*1\r\n$4\r\nPING\r\n",
                    expected.length() + 7));
                assertEquals("-ERR unknown command 'FOO', with args beginning with: \r\n",
                    exchange(socket, "FOO\r\n", "-ERR unknown command 'FOO', with args beginning with: \r\n".length()));
            }
        }

        @Test
        void shouldAnswerAWrongNumberOfArgumentsAsRedisDoes() throws IOException
        {
            final int leader = cluster.awaitLeader();
            try (Socket socket = connect(cluster.clientPort(leader)))
            {
                final String getError = "-ERR wrong number of arguments for 'get' command\r\n";
                assertEquals(getError, exchange(socket, "*1\r\n$3\r\nGET\r\n", getError.length()));
                final String setError = "-ERR wrong number of arguments for 'set' command\r\n";
                assertEquals(setError + "+PONG\r\n",
                    exchange(socket, "*2\r\n$3\r\nset\r\n$1\r\nk\r\nPING\r\n", setError.length() + 7));
            }
        }

        @Test
        void shouldAnswerAnErrorAfterTheWritesPipelinedBeforeIt()
        {
            cluster.onOneLeader(leader ->
            {
                try (Socket socket = connect(cluster.clientPort(leader)))
                {
                    // the SET waits for a majority; the malformed SET behind it must not be answered first
                    final String setError = "-ERR wrong number of arguments for 'set' command\r\n";
                    assertEquals("+OK\r\n" + setError, exchange(socket,
                        "*3\r\n$3\r\nSET\r\n$5\r\norder\r\n$1\r\n1\r\n*2\r\n$3\r\nSET\r\n$5\r\norder\r\n",
                        5 + setError.length()));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }

        @Test
        void shouldTakeCommandsLargerThanABatchInTheirPlaceInAPipeline()
        {
            final byte[] large = new byte[300 * 1024];
            final byte[] larger = new byte[700 * 1024];
            Arrays.fill(large, (byte)'x');
            Arrays.fill(larger, (byte)'y');
            cluster.onOneLeader(leader ->
            {
                try (Jedis jedis = cluster.client(leader))
                {
                    jedis.del("batch:large", "batch:larger", "batch:before", "batch:between", "batch:after");
                    // larger than a batch (256 KiB): they go in parts, answered in their place among the others
                    try (Pipeline pipeline = jedis.pipelined())
                    {
                        final Response<Object> before = pipeline.sendCommand(Command.SET, "batch:before", "1");
                        final Response<Object> first = pipeline.sendCommand(Command.SET, bytes("batch:large"), large);
                        final Response<Object> between = pipeline.sendCommand(Command.APPEND, "batch:large", "!");
                        final Response<Object> second =
                            pipeline.sendCommand(Command.SET, bytes("batch:larger"), larger);
                        final Response<Object> after = pipeline.sendCommand(Command.SET, "batch:after", "2");
                        pipeline.sync();
                        assertEquals("OK", TestCluster.text(before.get()));
                        assertEquals("OK", TestCluster.text(first.get()));
                        assertEquals((long)large.length + 1, between.get());
                        assertEquals("OK", TestCluster.text(second.get()));
                        assertEquals("OK", TestCluster.text(after.get()));
                    }
                    final byte[] appended = Arrays.copyOf(large, large.length + 1);
                    appended[large.length] = '!';
                    assertArrayEquals(appended, jedis.get(bytes("batch:large")));
                    assertArrayEquals(larger, jedis.get(bytes("batch:larger")));
                    assertEquals(List.of("1", "2"), jedis.mget("batch:before", "batch:after"));
                }
            });
        }

        @Test
        @Order(Integer.MAX_VALUE)
        void shouldIgnoreMembersStartedWithAnotherMemberList()
        {
            final long[] unauthenticatedBefore = new long[4];
            for (int id = 1; id <= 3; id++)
            {
                unauthenticatedBefore[id] = cluster.raftField(id, "raft_unauthenticated_messages");
            }

            // member 4 of a cluster of 1, 2, 3 and 4: it asks 1, 2 and 3 for votes in ever higher terms
            final Path extraLog = sharedDir.resolve("extra-node4").resolve("log");
            final Process extra = cluster.launch(4, cluster.memberList(4), extraLog.getParent(), extraLog);
            // a cluster whose members 1 and 2 moved to other ports and whose member 3 is this cluster's member 3:
            // its 1 and 2 elect a leader, which sends this member 3 AppendEntries in the name of a member 1 or 2
            final String movedMembers =
                cluster.memberSpec(1, 5) + "," + cluster.memberSpec(2, 6) + "," + cluster.memberSpec(3, 3);
            final Path moved1Log = sharedDir.resolve("moved-node1").resolve("log");
            final Path moved2Log = sharedDir.resolve("moved-node2").resolve("log");
            final Process moved1 = cluster.launch(1, movedMembers, moved1Log.getParent(), moved1Log);
            final Process moved2 = cluster.launch(2, movedMembers, moved2Log.getParent(), moved2Log);
            final Supplier<String> oddLogs = () ->
                "\n---- member 4 of [" + cluster.memberList(4) + "] (alive: " + extra.isAlive() + "):\n" +
                TestCluster.tail(extraLog, 20) +
                "\n---- member 1 of [" + movedMembers + "] (alive: " + moved1.isAlive() + "):\n" +
                TestCluster.tail(moved1Log, 20) +
                "\n---- member 2 of [" + movedMembers + "] (alive: " + moved2.isAlive() + "):\n" +
                TestCluster.tail(moved2Log, 20);
            try
            {
                final int[] movedPorts = {cluster.clientPort(5), cluster.clientPort(6)};
                final int[] movedLeaderPort = new int[1];
                await(AWAIT_TIMEOUT_MS,
                    () ->
                    {
                        for (final int port : movedPorts)
                        {
                            if (TestCluster.role(port).startsWith("[master"))
                            {
                                movedLeaderPort[0] = port;
                                return true;
                            }
                        }
                        return false;
                    },
                    () -> "the moved members elected no leader: ROLE " + TestCluster.role(movedPorts[0]) + " and " +
                    TestCluster.role(movedPorts[1]) + oddLogs.get());
                try (Jedis jedis = new Jedis(HOST, movedLeaderPort[0]))
                {
                    assertEquals("OK", jedis.set("odd:key", "from another cluster"), oddLogs);
                }

                for (int id = 1; id <= 3; id++)
                {
                    final int member = id;
                    await(AWAIT_TIMEOUT_MS,
                        () -> cluster.raftField(member, "raft_unauthenticated_messages") >=
                            unauthenticatedBefore[member] + 3,
                        () -> "member " + member + " counted " +
                        cluster.raftField(member, "raft_unauthenticated_messages") + " unauthenticated messages, " +
                        unauthenticatedBefore[member] + " before the odd members started\n" + cluster.logTail(member) +
                        oddLogs.get());
                }
                // heartbeats of the moved leader, after its entry
                final long unauthenticatedAtMember3 = cluster.raftField(3, "raft_unauthenticated_messages");
                await(AWAIT_TIMEOUT_MS,
                    () -> cluster.raftField(3, "raft_unauthenticated_messages") >= unauthenticatedAtMember3 + 10,
                    () -> "member 3 hears nothing more from the moved leader" + oddLogs.get());
                assertTrue(extra.isAlive() && moved1.isAlive() && moved2.isAlive(), oddLogs);

                // the members still follow one of their own, all in one term (an election on a loaded machine
                // may have changed which one: raftis allows that at any time)
                await(AWAIT_TIMEOUT_MS, () -> followOneOfTheirOwn(cluster),
                    () -> "the members do not agree on a leader of theirs\n" + cluster.diagnostics() + oddLogs.get());
                final int leaderNow = cluster.awaitLeader();
                for (int id = 1; id <= 3; id++)
                {
                    final int member = id;
                    assertTrue(TestCluster.tail(cluster.logFile(id), 1000)
                        .contains("ignoring Raft messages that fail authentication"),
                        () -> "member " + member + " does not log that it ignores the odd members:\n" +
                        cluster.logTail(member));
                }
                try (ClusterWriter writer = new ClusterWriter(cluster, leaderNow))
                {
                    assertTrue(writer.set("undisturbed", "yes"), writer::summary);
                    assertEquals("yes", writer.get("undisturbed"));
                    assertNull(writer.get("odd:key"), "a write of another cluster was applied");
                }
                final String keys = keyCount(cluster, cluster.awaitLeader());
                for (int id = 1; id <= 3; id++)
                {
                    awaitCaughtUp(cluster, id);
                    assertEquals(keys, keyCount(cluster, id), "keys on member " + id);
                }
            }
            finally
            {
                extra.destroyForcibly();
                moved1.destroyForcibly();
                moved2.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Whether every member of the cluster names the same member of the cluster as leader in the same term.
     */
    static boolean followOneOfTheirOwn(final TestCluster cluster)
    {
        String termAndLeader = null;
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            final Map<String, String> raft = TestCluster.parseInfo(infoRaft(cluster, id));
            final String leader = raft.get("raft_leader_id");
            if (null == leader || Integer.parseInt(leader) < 1 || Integer.parseInt(leader) > cluster.memberCount())
            {
                return false;
            }
            final String current = raft.get("raft_term") + ":" + leader;
            if (null != termAndLeader && !termAndLeader.equals(current))
            {
                return false;
            }
            termAndLeader = current;
        }
        return true;
    }

    static String longestSyncs(final TestCluster cluster)
    {
        final StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            final Map<String, String> raft = TestCluster.parseInfo(infoRaft(cluster, id));
            sb.append(id == 1 ? "" : ", ").append("member ").append(id).append(' ')
                .append(raft.get("raft_log_sync_max_us")).append("us of ").append(raft.get("raft_log_syncs"));
        }
        return sb.toString();
    }

    static String infoRaft(final TestCluster cluster, final int id)
    {
        try (Jedis jedis = cluster.client(id))
        {
            return jedis.info("raft");
        }
    }

    /**
     * SET count keys with distinct values, starting with a member and following the README's rules for every answer
     * (see {@link ClusterWriter}): each key is known to be applied when this returns.
     *
     * @return the keys and values written, in order.
     */
    static Map<String, String> writeKeys(
        final TestCluster cluster, final int id, final String prefix, final int count)
    {
        final Map<String, String> written = new LinkedHashMap<>();
        final String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
        try (ClusterWriter writer = new ClusterWriter(cluster, id))
        {
            for (int i = 0; i < count; i++)
            {
                final String key = prefix + i;
                final String value = "value-" + i + "-" + run;
                assertTrue(writer.set(key, value), () -> "SET " + key + " was given up: " + writer.summary());
                written.put(key, value);
            }
        }
        return written;
    }

    /**
     * Every key is on the member with its value.
     */
    static void assertKeys(final TestCluster cluster, final int id, final Map<String, String> expected)
    {
        final List<String> wrong = new ArrayList<>();
        final List<String> keys = new ArrayList<>(expected.keySet());
        try (Jedis jedis = cluster.client(id))
        {
            for (int from = 0; from < keys.size(); from += READ_BATCH)
            {
                final List<String> batch = keys.subList(from, Math.min(keys.size(), from + READ_BATCH));
                final List<String> values = jedis.mget(batch.toArray(new String[0]));
                for (int i = 0; i < batch.size(); i++)
                {
                    final String key = batch.get(i);
                    if (!expected.get(key).equals(values.get(i)))
                    {
                        wrong.add(key + " (expected " + expected.get(key) + ", got " + values.get(i) + ")");
                    }
                }
            }
        }
        if (!wrong.isEmpty())
        {
            fail("member " + id + " lost or changed " + wrong.size() + " of " + expected.size() +
                " acknowledged keys, e.g. " + wrong.subList(0, Math.min(10, wrong.size())) + "\n" +
                cluster.diagnostics());
        }
    }

    /**
     * Wait until a member has applied everything the current leader has committed.
     */
    static void awaitCaughtUp(final TestCluster cluster, final int id)
    {
        final int leader = cluster.awaitLeader();
        final long commitIndex = cluster.raftField(leader, "raft_commit_index");
        await(AWAIT_TIMEOUT_MS,
            () -> cluster.raftField(id, "raft_applied_index") >= commitIndex,
            () -> "member " + id + " applied up to " + cluster.raftField(id, "raft_applied_index") +
            ", the leader " + leader + " had committed up to " + commitIndex + "\n" + cluster.logTail(id));
    }

    /**
     * The number of keys a member holds, from INFO keyspace: every member applies, so any member can tell.
     */
    static String keyCount(final TestCluster cluster, final int id)
    {
        final String db0 = cluster.info(id).get("db0");
        return null == db0 ? "0" : db0.replaceAll("keys=(\\d+),.*", "$1");
    }

    static Socket connect(final int port) throws IOException
    {
        final Socket socket = new Socket(HOST, port);
        socket.setSoTimeout(SOCKET_TIMEOUT_MS); // only there so that a test does not hang
        socket.setTcpNoDelay(true);
        return socket;
    }

    /**
     * Send a request and read exactly length bytes of replies.
     */
    static String exchange(final Socket socket, final String request, final int length) throws IOException
    {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        final InputStream in = socket.getInputStream();
        final ByteArrayOutputStream reply = new ByteArrayOutputStream();
        final byte[] buffer = new byte[4096];
        while (reply.size() < length)
        {
            final int read;
            try
            {
                read = in.read(buffer, 0, Math.min(buffer.length, length - reply.size()));
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("no more reply to " + quote(request) + " after " +
                    quote(reply.toString(StandardCharsets.UTF_8)), ex);
            }
            if (read < 0)
            {
                throw new AssertionError("connection closed after replying " +
                    quote(reply.toString(StandardCharsets.UTF_8)) + " to " + quote(request));
            }
            reply.write(buffer, 0, read);
        }
        return reply.toString(StandardCharsets.UTF_8);
    }

    /**
     * Read until the server closes the connection; fail if it does not within the socket's timeout.
     */
    static String readUntilClosed(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        final ByteArrayOutputStream reply = new ByteArrayOutputStream();
        final byte[] buffer = new byte[4096];
        while (true)
        {
            final int read;
            try
            {
                read = in.read(buffer);
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("the connection is still open after replying " +
                    quote(reply.toString(StandardCharsets.UTF_8)), ex);
            }
            if (read < 0)
            {
                return reply.toString(StandardCharsets.UTF_8);
            }
            reply.write(buffer, 0, read);
        }
    }

    static long number(final Map<String, String> fields, final String name, final String diagnostic)
    {
        final String value = fields.get(name);
        assertNotNull(value, () -> "no " + name + " in " + diagnostic);
        return Long.parseLong(value);
    }

    /**
     * Read one whole RESP reply of a simple type or a bulk string.
     */
    static String readReply(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        final ByteArrayOutputStream reply = new ByteArrayOutputStream();
        int expectedLength = -1;
        while (expectedLength < 0 || reply.size() < expectedLength)
        {
            final int b;
            try
            {
                b = in.read();
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("no whole reply within " + socket.getSoTimeout() + "ms, got " +
                    quote(reply.toString(StandardCharsets.UTF_8)), ex);
            }
            if (b < 0)
            {
                throw new AssertionError("connection closed after " + quote(reply.toString(StandardCharsets.UTF_8)));
            }
            reply.write(b);
            final String text = reply.toString(StandardCharsets.UTF_8);
            if (expectedLength < 0 && text.endsWith("\r\n"))
            {
                final int bulkLength = text.startsWith("$") ?
                    Integer.parseInt(text.substring(1, text.length() - 2)) : -1;
                expectedLength = bulkLength < 0 ? text.length() : text.length() + bulkLength + 2;
            }
        }
        return reply.toString(StandardCharsets.UTF_8);
    }

    static String quote(final String text)
    {
        return "\"" + text.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    /**
     * A client writing distinct keys one after another through a {@link ClusterWriter}, which follows the README's
     * rules for every answer, and recording which writes are known to be applied. A write still open when the writer
     * is stopped (every member was killed, say) is not recorded: it may or may not have been applied.
     */
    static final class ContinuousWriter
    {
        private final TestCluster cluster;
        private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        private final AtomicInteger acknowledgedCount = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicReference<String> summary = new AtomicReference<>("nothing yet");
        private final ClusterWriter writer;
        private final Thread thread;

        ContinuousWriter(final TestCluster cluster, final int leader)
        {
            this.cluster = cluster;
            this.writer = new ClusterWriter(cluster, leader, running::get);
            this.thread = new Thread(this::run, "continuous-writer");
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        void stop() throws InterruptedException
        {
            running.set(false);
            thread.join(AWAIT_TIMEOUT_MS);
            if (thread.isAlive())
            {
                fail("the writer did not stop within " + AWAIT_TIMEOUT_MS + "ms: " + errors());
            }
            if (null != failure.get())
            {
                throw new AssertionError("the writer failed", failure.get());
            }
        }

        int acknowledgedCount()
        {
            return acknowledgedCount.get();
        }

        Map<String, String> acknowledged()
        {
            return acknowledged;
        }

        String errors()
        {
            return summary.get();
        }

        void awaitAcknowledged(final int count)
        {
            await(AWAIT_TIMEOUT_MS, () -> acknowledgedCount.get() >= count || null != failure.get(),
                () -> "the writer has " + acknowledgedCount.get() + " acknowledged writes, waiting for " + count +
                "; " + errors() + "\n" + cluster.diagnostics());
            if (null != failure.get())
            {
                throw new AssertionError("the writer failed after " + acknowledgedCount.get() + " acknowledged " +
                    "writes, waiting for " + count, failure.get());
            }
        }

        private void run()
        {
            final String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
            try
            {
                for (int i = 0; running.get(); i++)
                {
                    final String key = "continuous:" + i;
                    final String value = "value-" + i + "-" + run;
                    if (writer.set(key, value))
                    {
                        acknowledged.put(key, value);
                        acknowledgedCount.incrementAndGet();
                    }
                    summary.set(writer.summary());
                }
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
            finally
            {
                summary.set(writer.summary());
                writer.close();
            }
        }
    }
}

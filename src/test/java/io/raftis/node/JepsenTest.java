package io.raftis.node;

import io.raftis.jepsen.Acknowledgements;
import io.raftis.jepsen.FaultSchedule;
import io.raftis.jepsen.History;
import io.raftis.jepsen.LinearizabilityChecker;
import io.raftis.jepsen.Operation;
import org.agrona.SystemUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Jepsen-style test against real member processes: concurrent clients read and write unique values of five keys
 * (fresh ones every epoch of at most 15 s) on every member, following -MOVED, while a nemesis kills (SIGKILL) and
 * restarts members, pauses (SIGSTOP) them, the leader more often than not, and, where nftables can be used (root),
 * cuts the network: a minority from a majority, or one-way links into or out of the leader ({@link NetworkNemesis}).
 * The history is then checked for linearizability, and a final read of every key after the faults heal is part of
 * it, so an acknowledged write that was lost fails the check.
 * <p>
 * A run cannot pass empty: every key must have a minimum of acknowledged writes and reads (a history of nothing but
 * errors is linearizable), and every key's final read must succeed. Without nftables the run says loudly that it
 * made no partitions, and fails under CI ({@link Requirements}).
 * <p>
 * One seed ({@code raftis.jepsen.seed}, random unless given, printed first) decides the nemesis's whole schedule up
 * front ({@link FaultSchedule}: which fault, aimed at whom, when and for how long, printed before the run) and each
 * client's choices, so a failing run can be replayed with its seed. {@code raftis.jepsen.duration} (default 20s) and
 * {@code raftis.jepsen.members} (default 5) size the run; {@code scripts/jepsen.sh} runs long ones. A second run with
 * {@code --read-consistency=stale}, where followers answer reads from their own state, shows that the pipeline
 * catches stale reads.
 */
class JepsenTest
{
    static final String SEED_PROP_NAME = "raftis.jepsen.seed";
    static final String DURATION_PROP_NAME = "raftis.jepsen.duration";
    static final String MEMBERS_PROP_NAME = "raftis.jepsen.members";
    /**
     * The fewest acknowledged writes, and reads, each key must have. A 20 s run on a loaded 2-core machine has
     * hundreds per key; a handful tells a run that tested something from one that saw only errors.
     */
    static final String MIN_WRITES_PROP_NAME = "raftis.jepsen.minWritesPerKey";
    static final String MIN_READS_PROP_NAME = "raftis.jepsen.minReadsPerKey";
    static final int MIN_WRITES_DEFAULT = 10;
    static final int MIN_READS_DEFAULT = 10;

    private static final int KEYS = 5;
    /**
     * Each epoch writes fresh keys, as Jepsen's independent checker does, so no key's history outgrows the check; the
     * run is cut into equal epochs no longer than this.
     */
    private static final long MAX_EPOCH_NS = TimeUnit.SECONDS.toNanos(15);
    private static final int CLIENTS = 6;
    private static final int SOCKET_TIMEOUT_MS = 1_000;
    /** How long each key's final read may keep trying once the faults have healed and a leader is up. */
    private static final long FINAL_READ_TIMEOUT_MS = 30_000;
    private static final long RETRY_PAUSE_MS = 20;

    @TempDir
    Path dir;

    @Test
    void shouldStayLinearizableWhileMembersAreKilledPausedAndPartitioned() throws Exception
    {
        final long durationNs = SystemUtil.parseDuration(
            DURATION_PROP_NAME, System.getProperty(DURATION_PROP_NAME, "20s"));
        final int members = Integer.getInteger(MEMBERS_PROP_NAME, 5);
        final long seed = seed();
        final String replay = "replay with -D" + SEED_PROP_NAME + "=" + seed + " -D" + DURATION_PROP_NAME + "=" +
            TimeUnit.NANOSECONDS.toMillis(durationNs) + "ms -D" + MEMBERS_PROP_NAME + "=" + members +
            " (scripts/jepsen.sh " + TimeUnit.NANOSECONDS.toMillis(durationNs) + "ms " + members + " " + seed + ")";
        System.out.println("jepsen: seed " + seed + "; " + replay);

        final Run run = run(members, durationNs, seed, false, replay);

        assertAcknowledged(run);
        System.out.println("jepsen: " + run.result.verdict() + " over " + run.summary);
        assertTrue(run.result.linearizable(),
            () -> "jepsen: not linearizable: " + run.result.explanation() + "\n" + run.summary);
    }

    /**
     * The checker must be able to fail on real processes: with followers answering reads from their own state, as if
     * they were the leader, some read returns a value older than one a completed write had already replaced.
     */
    @Test
    void shouldCatchStaleReadsWhenFollowersAnswerReadsAsIfTheyLed() throws Exception
    {
        final long seed = seed();
        final String replay =
            "replay with -Dtest='JepsenTest#shouldCatchStaleReadsWhenFollowersAnswerReadsAsIfTheyLed' -D" +
            SEED_PROP_NAME + "=" + seed;
        System.out.println("jepsen (followers read stale): seed " + seed + "; " + replay);

        final Run run = run(5, TimeUnit.SECONDS.toNanos(15), seed, true, replay);

        assertAcknowledged(run);
        System.out.println("jepsen (followers read stale): " + run.result.verdict() + " over " + run.summary);
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, run.result.verdict(),
            () -> "jepsen: stale reads went unnoticed: " + run.summary);
    }

    private record Run(
        LinearizabilityChecker.Result result, List<Acknowledgements.Count> acknowledged, String summary)
    {
    }

    private static long seed()
    {
        final String seed = System.getProperty(SEED_PROP_NAME);
        return null == seed || seed.isBlank() ?
            ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) : Long.parseLong(seed.trim());
    }

    /**
     * Fail, naming each key short of acknowledged writes or reads, when the history has too few to prove anything.
     */
    private static void assertAcknowledged(final Run run)
    {
        final int minWrites = Integer.getInteger(MIN_WRITES_PROP_NAME, MIN_WRITES_DEFAULT);
        final int minReads = Integer.getInteger(MIN_READS_PROP_NAME, MIN_READS_DEFAULT);
        final List<Acknowledgements.Count> shortOf = Acknowledgements.shortOf(run.acknowledged, minWrites, minReads);
        final StringBuilder keys = new StringBuilder();
        for (final Acknowledgements.Count count : shortOf)
        {
            keys.append(keys.length() > 0 ? "; " : "").append(count.describe());
        }
        assertTrue(shortOf.isEmpty(), () -> "jepsen: too few acknowledged operations to check: " + shortOf.size() +
            " of " + run.acknowledged.size() + " keys fall short of " + minWrites + " acknowledged writes and " +
            minReads + " acknowledged reads each (" + MIN_WRITES_PROP_NAME + ", " + MIN_READS_PROP_NAME + "): " +
            keys + "\n" + run.summary);
        System.out.println("jepsen: every key has at least " + minWrites + " acknowledged writes and " + minReads +
            " acknowledged reads; the fewest: " + Acknowledgements.fewest(run.acknowledged).describe());
    }

    private Run run(
        final int members, final long durationNs, final long seed, final boolean staleReads, final String replay)
        throws Exception
    {
        final History history = new History();
        final List<String> nemesisLog = new ArrayList<>();
        final String[] flags = staleReads ? new String[]{ "--read-consistency=stale" } : new String[0];
        // every random choice of the run comes from the seed: the schedule's directly, each client's and then the
        // final reader's from a seed drawn in that order
        final SplittableRandom seeds = new SplittableRandom(seed);
        final int epochs = (int)Math.max(1, (durationNs + MAX_EPOCH_NS - 1) / MAX_EPOCH_NS);
        final long epochNs = durationNs / epochs;
        final List<String> keys = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int k = 0; k < KEYS; k++)
            {
                keys.add(key(epoch, k));
            }
        }
        final boolean partitions;

        try (TestCluster cluster = TestCluster.startWithFixedSendPorts(members, dir, flags);
            NetworkNemesis network = openNetwork(cluster))
        {
            partitions = null != network;
            final FaultSchedule schedule = FaultSchedule.draw(
                seed, TimeUnit.NANOSECONDS.toMillis(durationNs), members, partitions);
            System.out.println(schedule.describe("jepsen: "));

            cluster.awaitLeader();
            final long startNs = System.nanoTime();
            final long deadlineNs = startNs + durationNs;
            final AtomicInteger uniqueValue = new AtomicInteger();
            final List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                final Client client = new Client(
                    c, cluster, members, history, uniqueValue, new Random(seeds.nextLong()), startNs);
                client.readAnywhere = staleReads;
                final Thread thread = new Thread(
                    () -> client.run(deadlineNs, epochNs, epochs), "jepsen-client-" + c);
                thread.start();
                clients.add(thread);
            }

            nemesis(cluster, network, members, schedule, startNs, nemesisLog);
            sleepUntil(deadlineNs);
            for (final Thread thread : clients)
            {
                thread.join();
            }

            // heal: the network, every member runs, then read every key from the leader
            if (null != network)
            {
                network.heal();
            }
            for (int id = 1; id <= members; id++)
            {
                cluster.resume(id);
            }
            cluster.restartAll();
            final int leader = cluster.awaitLeader();
            final Client reader = new Client(
                CLIENTS, cluster, members, history, uniqueValue, new Random(seeds.nextLong()), startNs);
            for (final String key : keys)
            {
                final String error = reader.finalRead(key, leader, FINAL_READ_TIMEOUT_MS);
                if (null != error)
                {
                    throw new AssertionError("jepsen: the final read of key " + key + " did not succeed within " +
                        FINAL_READ_TIMEOUT_MS + "ms of the faults healing (the leader was " + leader +
                        "); the last error: " + error + "\nseed " + seed + "; " + replay + "\n" +
                        cluster.diagnostics());
                }
            }
        }

        final List<Acknowledgements.Count> acknowledged = Acknowledgements.count(history, keys, CLIENTS);
        final LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        final String summary = history.size() + " operations on " + keys.size() + " keys by " + CLIENTS +
            " clients, seed " + seed + (partitions ? "" : ", WITHOUT network partitions") + ", " + nemesisLog.size() +
            " faults: " + String.join(", ", nemesisLog) + "\n" + replay;
        return new Run(result, acknowledged, summary);
    }

    /**
     * The network nemesis, or null, with a loud warning, when nftables cannot be used here; under CI a failure.
     */
    private static NetworkNemesis openNetwork(final TestCluster cluster)
    {
        try
        {
            return NetworkNemesis.open(cluster);
        }
        catch (final NetworkNemesis.UnavailableException ex)
        {
            Requirements.proceedWithout("network partitions and one-way cuts", ex.getMessage());
            return null;
        }
    }

    /**
     * Inject the schedule's faults at their times from the start, each undone after its hold; a fault whose time
     * came while the previous one was still being undone (a restart waits for the member to answer) begins late,
     * and the log says when each began.
     */
    private static void nemesis(
        final TestCluster cluster,
        final NetworkNemesis network,
        final int members,
        final FaultSchedule schedule,
        final long startNs,
        final List<String> log)
        throws InterruptedException
    {
        for (final FaultSchedule.Fault fault : schedule.faults())
        {
            sleepUntil(startNs + TimeUnit.MILLISECONDS.toNanos(fault.atMs()));
            final long beganMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            final int leader = leaderOf(cluster, members);
            final int victim = fault.victim(leader);
            final String who = victim + (victim == leader ? " (leader)" : "");
            final String what;
            switch (fault.kind())
            {
                case KILL ->
                {
                    cluster.kill(victim);
                    what = "kill " + who;
                }
                case PAUSE ->
                {
                    cluster.pause(victim);
                    what = "pause " + who;
                }
                case PARTITION ->
                {
                    final List<Integer> side = fault.side(victim);
                    network.partition(side);
                    what = "partition " + side + (side.contains(leader) ? " with the leader" : "");
                }
                case CUT_OUT ->
                {
                    final List<Integer> peers = fault.peers(victim, members);
                    for (final int peer : peers)
                    {
                        network.cut(victim, peer);
                    }
                    what = "cut " + who + " -> " + peers;
                }
                default ->
                {
                    final List<Integer> peers = fault.peers(victim, members);
                    for (final int peer : peers)
                    {
                        network.cut(peer, victim);
                    }
                    what = "cut " + peers + " -> " + who;
                }
            }
            log.add(String.format("+%d.%ds %s %dms", beganMs / 1000, beganMs % 1000 / 100, what, fault.holdMs()));

            sleepUntil(startNs + TimeUnit.MILLISECONDS.toNanos(fault.atMs() + fault.holdMs()));
            switch (fault.kind())
            {
                case KILL -> cluster.restart(victim);
                case PAUSE -> cluster.resume(victim);
                default -> network.heal();
            }
        }
    }

    private static String key(final long epoch, final int k)
    {
        return "j" + epoch + "-" + k;
    }

    private static int leaderOf(final TestCluster cluster, final int members)
    {
        for (int id = 1; id <= members; id++)
        {
            if (cluster.isRunning(id) && TestCluster.role(cluster.clientPort(id)).startsWith("[master"))
            {
                return id;
            }
        }
        return 0;
    }

    private static void sleepUntil(final long deadlineNs) throws InterruptedException
    {
        final long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs > 0)
        {
            TimeUnit.NANOSECONDS.sleep(remainingNs);
        }
    }

    /**
     * A client with one connection at a time, to a random member or wherever -MOVED points.
     */
    static final class Client
    {
        private final int id;
        private final TestCluster cluster;
        private final int members;
        private final History history;
        private final AtomicInteger uniqueValue;
        private final Random random;
        private final long startNs;
        /** Send each read to a random member, not to the leader -MOVED found. */
        boolean readAnywhere;
        /** The last error reply or exception, for a failure message. */
        private String lastError = "none";
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private int port;

        Client(
            final int id,
            final TestCluster cluster,
            final int members,
            final History history,
            final AtomicInteger uniqueValue,
            final Random random,
            final long startNs)
        {
            this.startNs = startNs;
            this.id = id;
            this.cluster = cluster;
            this.members = members;
            this.history = history;
            this.uniqueValue = uniqueValue;
            this.random = random;
        }

        void run(final long deadlineNs, final long epochNs, final int epochs)
        {
            port = cluster.clientPort(1 + random.nextInt(members));
            while (System.nanoTime() < deadlineNs)
            {
                final long epoch = Math.min(epochs - 1, (System.nanoTime() - startNs) / epochNs);
                final String key = key(epoch, random.nextInt(KEYS));
                if (random.nextBoolean())
                {
                    final String value = "c" + id + "-" + uniqueValue.incrementAndGet();
                    invoke(Operation.Kind.WRITE, key, value, "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key +
                        "\r\n$" + value.length() + "\r\n" + value + "\r\n");
                }
                else
                {
                    if (readAnywhere)
                    {
                        close();
                        port = cluster.clientPort(1 + random.nextInt(members));
                    }
                    invoke(Operation.Kind.READ, key, null,
                        "*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n");
                }
            }
            close();
        }

        /**
         * Read a key until a read succeeds, following -MOVED and waiting out -CLUSTERDOWN and -TRYAGAIN.
         *
         * @return null once a read succeeded, or the last error when none did within the timeout.
         */
        String finalRead(final String key, final int leader, final long timeoutMs)
        {
            port = cluster.clientPort(leader);
            close();
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            try
            {
                while (!invoke(Operation.Kind.READ, key, null,
                    "*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n"))
                {
                    if (System.nanoTime() - deadlineNs > 0)
                    {
                        return lastError + " (from port " + port + ")";
                    }
                    pause();
                }
                return null;
            }
            finally
            {
                close();
            }
        }

        /**
         * @return true when the operation completed with a known result.
         */
        private boolean invoke(
            final Operation.Kind kind, final String key, final String value, final String request)
        {
            final long invokeNs = System.nanoTime();
            String reply = null;
            try
            {
                connect();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply = readReply();
            }
            catch (final IOException ex)
            {
                lastError = ex.toString();
                close();
                port = cluster.clientPort(1 + random.nextInt(members));
            }
            final long completeNs = System.nanoTime();

            if (null == reply)
            {
                // no answer: a write may or may not have happened; a read tells nothing
                record(kind, key, value, invokeNs, completeNs,
                    Operation.Kind.WRITE == kind ? Operation.Outcome.INFO : Operation.Outcome.FAILED);
                return false;
            }
            else if (reply.startsWith("-"))
            {
                lastError = reply;
                if (reply.startsWith("-MOVED "))
                {
                    final String address = reply.substring(reply.lastIndexOf(' ') + 1).trim();
                    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                    close();
                }
                else if (!reply.startsWith("-CLUSTERDOWN") && !reply.startsWith("-TRYAGAIN"))
                {
                    close();
                    port = cluster.clientPort(1 + random.nextInt(members));
                }
                final boolean certainlyNotApplied = reply.startsWith("-MOVED ") ||
                    reply.startsWith("-CLUSTERDOWN") || reply.startsWith("-TRYAGAIN");
                record(kind, key, value, invokeNs, completeNs,
                    certainlyNotApplied || Operation.Kind.READ == kind ?
                    Operation.Outcome.FAILED : Operation.Outcome.INFO);
                if (reply.startsWith("-CLUSTERDOWN") || reply.startsWith("-TRYAGAIN"))
                {
                    pause();
                }
                return false;
            }
            else if (Operation.Kind.WRITE == kind)
            {
                if (!"+OK".equals(reply))
                {
                    lastError = reply;
                }
                record(kind, key, value, invokeNs, completeNs,
                    "+OK".equals(reply) ? Operation.Outcome.OK : Operation.Outcome.INFO);
                return "+OK".equals(reply);
            }
            record(kind, key, "$-1".equals(reply) ? null : reply, invokeNs, completeNs, Operation.Outcome.OK);
            return true;
        }

        private void record(
            final Operation.Kind kind,
            final String key,
            final String value,
            final long invokeNs,
            final long completeNs,
            final Operation.Outcome outcome)
        {
            history.add(new Operation(id, key, kind, value, invokeNs, completeNs, outcome));
        }

        private void connect() throws IOException
        {
            if (null == socket)
            {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
                s.setSoTimeout(SOCKET_TIMEOUT_MS);
                s.setTcpNoDelay(true);
                socket = s;
                in = new BufferedInputStream(s.getInputStream());
                out = s.getOutputStream();
            }
        }

        /**
         * @return a simple reply's line without CRLF, a bulk string's content, or "$-1" for nil.
         */
        private String readReply() throws IOException
        {
            final String line = readLine();
            if (line.startsWith("$") && !"$-1".equals(line))
            {
                final int length = Integer.parseInt(line.substring(1));
                final byte[] data = in.readNBytes(length + 2);
                if (data.length != length + 2)
                {
                    throw new IOException("connection closed in a bulk reply");
                }
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            return line;
        }

        private String readLine() throws IOException
        {
            final StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n')
            {
                if (b < 0)
                {
                    throw new IOException("connection closed");
                }
                if (b != '\r')
                {
                    sb.append((char)b);
                }
            }
            return sb.toString();
        }

        private void pause()
        {
            try
            {
                TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        private void close()
        {
            if (null != socket)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ignore)
                {
                }
                socket = null;
            }
        }
    }
}

package io.raftis.node;

import io.raftis.config.TestSecrets;
import org.agrona.IoUtil;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Real raftis members, each in its own JVM, on ports of their own, in the style of aeron-cluster's
 * {@code TestCluster}: start them, find the leader, kill, stop and restart members, talk to them with Jedis, and
 * read the tail of a member's log for a diagnostic.
 * <p>
 * Each member runs {@link RaftisMain} (through {@link TestMemberMain}, which exits when the test JVM goes away) with
 * its data in {@code dir/node<id>}, its stdout and stderr appended to {@code dir/node<id>/log} and its Aeron
 * directory in {@code /dev/shm} under a name unique to this cluster. Raft ports are {@value #RAFT_PORT_BASE} plus an
 * offset and client ports {@value #CLIENT_PORT_BASE} plus the same offset, chosen at random per cluster and checked
 * free by binding them first, so clusters of concurrent tests do not clash with each other nor with a Redis on 6379.
 * <p>
 * {@link #close()} kills every process the cluster started, by its handle, and deletes the Aeron directories; a
 * shutdown hook kills whatever is left should the test JVM exit without closing.
 */
final class TestCluster implements AutoCloseable
{
    static final String HOST = "127.0.0.1";
    /**
     * Twice the default: the tests run beside other builds on a loaded machine, where a member can miss a few
     * heartbeats to a long sync, a GC pause or the scheduler. Tests must survive an election anyway; this keeps the
     * needless ones rare.
     */
    static final long ELECTION_TIMEOUT_MS = 1_000;
    /** Waits that are only there so that a test does not hang: generous, and failing with a diagnostic. */
    static final long AWAIT_LEADER_TIMEOUT_MS = 60_000;
    static final long AWAIT_TIMEOUT_MS = 60_000;
    /** Attempts of a scenario that needs one leader throughout, see {@link #onOneLeader(IntConsumer)}. */
    static final int ONE_LEADER_ATTEMPTS = 3;
    static final int LOG_TAIL_LINES = 40;
    /** Ids above the member count that a test may use for a member started with another member list. */
    static final int SPARE_IDS = 3;

    private static final int RAFT_PORT_BASE = 20_000;
    private static final int CLIENT_PORT_BASE = 30_000;
    /** Fixed send ports, when a test cuts links: 100 per cluster, member N to peer M from base + 10 N + M. */
    private static final int SEND_PORT_BASE = 23_000;
    private static final int SEND_PORT_SLOTS = 69;
    /** Client ports stay below Linux's ephemeral range (32768 on), where an outgoing connection could take one. */
    private static final int OFFSET_SLOTS = 270;
    private static final int PORTS_PER_SLOT = 10;
    private static final int MAX_MEMBERS = PORTS_PER_SLOT - 1 - SPARE_IDS;
    private static final long POLL_INTERVAL_MS = 20;
    private static final long STOP_TIMEOUT_MS = 60_000;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    private static final Set<Integer> SLOTS_IN_USE = ConcurrentHashMap.newKeySet();
    private static final Set<Process> LIVE_PROCESSES = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger CLUSTER_COUNT = new AtomicInteger();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(
            () ->
            {
                for (final Process process : LIVE_PROCESSES)
                {
                    process.destroyForcibly();
                }
            },
            "test-cluster-reaper"));
    }

    private final int memberCount;
    private final Path dir;
    private final int slot;
    private final String members;
    private final String aeronDirPrefix;
    private final File[] aeronDirs;
    private final Process[] processes;
    private final int[] launches;
    private final boolean[] paused;
    private final List<Process> started = new ArrayList<>();
    private final List<File> extraAeronDirs = new ArrayList<>();
    private int sendPortBase;
    private final List<String> flags = new ArrayList<>();
    private boolean closed;
    private final Path secretFile;

    private TestCluster(final int memberCount, final Path dir, final int slot)
    {
        this.memberCount = memberCount;
        this.dir = dir;
        this.slot = slot;
        this.members = memberList(memberCount);
        this.secretFile = TestSecrets.write(dir.resolve("cluster-" + slot + ".secret"),
            "secret of test cluster " + slot + " in " + ProcessHandle.current().pid());
        this.aeronDirs = new File[memberCount + 1];
        this.processes = new Process[memberCount + 1];
        this.launches = new int[memberCount + 1];
        this.paused = new boolean[memberCount + 1];
        final File shm = new File("/dev/shm");
        final String unique = "raftis-itest-" + ProcessHandle.current().pid() + "-" + CLUSTER_COUNT.incrementAndGet();
        aeronDirPrefix = shm.isDirectory() ? new File(shm, unique).getPath() : dir.resolve(unique).toString();
        for (int id = 1; id < aeronDirs.length; id++)
        {
            aeronDirs[id] = new File(aeronDirPrefix + "-node" + id);
        }
    }

    /**
     * Start a cluster of members 1..members, each with the given extra flags, and wait until each answers PING (not
     * for a leader: see {@link #awaitLeader()}).
     */
    static TestCluster start(final int members, final Path dir, final String... flags)
    {
        return start(members, dir, false, flags);
    }

    private static TestCluster start(
        final int members, final Path dir, final boolean fixedSendPorts, final String... flags)
    {
        final TestCluster cluster = create(members, dir);
        Collections.addAll(cluster.flags, flags);
        try
        {
            if (fixedSendPorts)
            {
                cluster.reserveSendPorts();
            }
            for (int id = 1; id <= members; id++)
            {
                cluster.launchProcess(id);
            }
            for (int id = 1; id <= members; id++)
            {
                cluster.awaitReady(id);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    /**
     * A cluster of members 1..members with its ports reserved and none of them running: start them one by one with
     * {@link #restart(int)}.
     */
    static TestCluster create(final int members, final Path dir)
    {
        if (members < 1 || members > MAX_MEMBERS)
        {
            throw new IllegalArgumentException("members must be from 1 to " + MAX_MEMBERS + ": " + members);
        }
        return new TestCluster(members, dir, reserveSlot());
    }

    /**
     * Start a cluster whose members send to each peer from a fixed port, so that a test can cut each link:
     * see {@link #sendPort(int, int)}.
     */
    static TestCluster startWithFixedSendPorts(final int members, final Path dir, final String... flags)
    {
        return start(members, dir, true, flags);
    }

    private void reserveSendPorts()
    {
        sendPortBase = SEND_PORT_BASE + (slot % SEND_PORT_SLOTS) * 100;
        for (int from = 1; from <= memberCount; from++)
        {
            for (int to = 1; to <= memberCount; to++)
            {
                if (from != to)
                {
                    final int port = sendPort(from, to);
                    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(HOST, port)))
                    {
                        udp.getLocalPort();
                    }
                    catch (final IOException ex)
                    {
                        throw new IllegalStateException("send port " + port + " is taken", ex);
                    }
                }
            }
        }
    }

    /**
     * @return the UDP port member from sends to member to from, or 0 when the members use ephemeral ports.
     */
    int sendPort(final int from, final int to)
    {
        checkId(from);
        checkId(to);
        return 0 == sendPortBase ? 0 : sendPortBase + 10 * from + to;
    }

    int memberCount()
    {
        return memberCount;
    }

    /**
     * @return the member list every member of this cluster is started with.
     */
    String members()
    {
        return members;
    }

    /**
     * The member list of members 1..count on this cluster's ports: with count above {@link #memberCount()} it names
     * members the cluster does not have (up to {@link #SPARE_IDS} of them), whose ports are reserved too.
     */
    String memberList(final int count)
    {
        final StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= count; id++)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(memberSpec(id, id));
        }
        return sb.toString();
    }

    /**
     * One entry of a member list: member id on the ports of member portsOf of this cluster, which may be a spare id.
     */
    String memberSpec(final int id, final int portsOf)
    {
        return id + "=" + HOST + ":" + raftPort(portsOf) + ":" + clientPort(portsOf);
    }

    int raftPort(final int id)
    {
        checkId(id);
        return RAFT_PORT_BASE + slot * PORTS_PER_SLOT + id;
    }

    int clientPort(final int id)
    {
        checkId(id);
        return CLIENT_PORT_BASE + slot * PORTS_PER_SLOT + id;
    }

    Path dataDir(final int id)
    {
        return dir.resolve("node" + id);
    }

    Path logFile(final int id)
    {
        return dataDir(id).resolve("log");
    }

    boolean isRunning(final int id)
    {
        final Process process = processes[id];
        return null != process && process.isAlive();
    }

    /**
     * A Jedis connected to a member; the caller closes it.
     */
    Jedis client(final int id)
    {
        return new Jedis(HOST, clientPort(id), clientConfig(SOCKET_TIMEOUT_MS));
    }

    /**
     * Kill a member with SIGKILL and wait for it to be gone.
     */
    void kill(final int id)
    {
        final Process process = runningProcess(id);
        process.destroyForcibly();
        awaitExit(id, process);
        paused[id] = false;
    }

    /**
     * Stop a member with SIGTERM, as scripts/stop-cluster.sh does, and wait for it to exit; a member that does not is
     * killed and the test fails. The signal is sent with kill rather than {@link Process#destroy()}, which also
     * closes the member's stdin and so has {@link TestMemberMain} exit on its own, racing the signal's handling.
     */
    void stop(final int id)
    {
        final Process process = runningProcess(id);
        if (paused[id])
        {
            resume(id); // a stopped process handles SIGTERM only once it runs again
        }
        signal(id, "TERM");
        if (!waitFor(process, STOP_TIMEOUT_MS))
        {
            process.destroyForcibly();
            awaitExit(id, process);
            throw new AssertionError("member " + id + " did not stop within " + STOP_TIMEOUT_MS + "ms of SIGTERM " +
                "and was killed; its log ends with:\n" + logTail(id));
        }
        LIVE_PROCESSES.remove(process);
    }

    /**
     * Pause a member with SIGSTOP: it keeps its sockets but does nothing until {@link #resume(int)}.
     * {@link #awaitLeader()} leaves it out meanwhile.
     */
    void pause(final int id)
    {
        signal(id, "STOP");
        paused[id] = true;
        // kill(2) returns once SIGSTOP is queued; each thread stops when it next leaves the kernel. Wait until all
        // have, so that nothing the caller does next can reach a member that still runs.
        final long pid = pid(id);
        await(STOP_TIMEOUT_MS, () -> allThreadsStopped(pid), () -> "member " + id + " (pid " + pid +
            ") has threads still running after SIGSTOP: " + threadStates(pid));
    }

    /**
     * @return true if every thread of the process is stopped, or if /proc cannot tell (not Linux).
     */
    private static boolean allThreadsStopped(final long pid)
    {
        final String states = threadStates(pid);
        return null == states || states.chars().allMatch(state -> 'T' == state || 't' == state || 'Z' == state || 'X' == state);
    }

    /**
     * @return each thread's state letter from /proc/pid/task/tid/stat, or null where /proc cannot tell.
     */
    static String threadStates(final long pid)
    {
        final File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (null == tasks)
        {
            return null;
        }
        final StringBuilder states = new StringBuilder();
        for (final File task : tasks)
        {
            try
            {
                final String stat = Files.readString(task.toPath().resolve("stat"), StandardCharsets.US_ASCII);
                final int afterName = stat.lastIndexOf(')');
                states.append(stat.charAt(afterName + 2));
            }
            catch (final IOException ex)
            {
                // the thread exited while listing: it runs nothing
            }
        }
        return states.toString();
    }

    /**
     * @return the process id of a running member.
     */
    long pid(final int id)
    {
        return runningProcess(id).pid();
    }

    /**
     * Let a paused member go on with SIGCONT.
     */
    void resume(final int id)
    {
        signal(id, "CONT");
        paused[id] = false;
    }

    private void signal(final int id, final String signal)
    {
        final Process process = runningProcess(id);
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .redirectErrorStream(true)
                .start();
            if (!kill.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS) || 0 != kill.exitValue())
            {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + signal + " " + process.pid() + " failed: " +
                    new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Start a member again with this cluster's member list and its data dir, stopping it first if it runs, and wait
     * until it answers PING.
     */
    void restart(final int id)
    {
        checkMember(id);
        if (isRunning(id))
        {
            stop(id);
        }
        launchProcess(id);
        awaitReady(id);
    }

    /**
     * Start every member that is not running, then wait until each answers PING.
     */
    void restartAll()
    {
        for (int id = 1; id <= memberCount; id++)
        {
            if (!isRunning(id))
            {
                launchProcess(id);
            }
        }
        for (int id = 1; id <= memberCount; id++)
        {
            awaitReady(id);
        }
    }

    /**
     * Start a process of member id with the given member list and data dir, appending its output to log, with an
     * Aeron directory of its own. The cluster kills it on {@link #close()}; nothing waits for it to be ready.
     */
    Process launch(final int id, final String memberList, final Path dataDir, final Path log)
    {
        final File aeronDir = new File(aeronDirPrefix + "-extra" + extraAeronDirs.size());
        extraAeronDirs.add(aeronDir);
        return spawn(id, memberList, dataDir, log, aeronDir);
    }

    private Process spawn(
        final int id, final String memberList, final Path dataDir, final Path log, final File aeronDir)
    {
        if (closed)
        {
            throw new IllegalStateException("cluster closed");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Collections.addAll(
            command,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Djava.net.preferIPv4Stack=true",
            "-Xmx512m", // a test may hold a few hundred megabytes of values in a member's keyspace
            "-XX:+UseSerialGC", // no parallel GC threads competing for the few cores
            "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"),
            TestMemberMain.class.getName(),
            "--member-id=" + id,
            "--members=" + memberList,
            "--data-dir=" + dataDir,
            "--aeron-dir=" + aeronDir,
            "--election-timeout=" + ELECTION_TIMEOUT_MS + "ms",
            "--cluster-secret-file=" + secretFile);
        if (0 != sendPortBase)
        {
            command.add("--raft-send-port-base=" + (sendPortBase + 10 * id));
        }
        command.addAll(flags);
        try
        {
            Files.createDirectories(log.getParent());
            Files.writeString(
                log,
                ServerCommands.timestamp() + " TestCluster: launching " +
                String.join(" ", command).replace(System.getProperty("java.class.path"), "<test classpath>") + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start(); // stdin stays a pipe held by this JVM: TestMemberMain exits when it closes
            LIVE_PROCESSES.add(process);
            started.add(process);
            return process;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start member " + id, ex);
        }
    }

    /**
     * Wait until exactly one running member says master in ROLE and every other running member names it as its
     * connected master; paused members are left out.
     *
     * @return the leader's member id.
     */
    int awaitLeader()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_LEADER_TIMEOUT_MS);
        final Map<Integer, String> answers = new LinkedHashMap<>();
        while (true)
        {
            answers.clear();
            int leader = 0;
            int masters = 0;
            for (int id = 1; id <= memberCount; id++)
            {
                if (isRunning(id) && !paused[id])
                {
                    final List<Object> role = role(id, answers);
                    if (null != role && "master".equals(text(role.get(0))))
                    {
                        leader = id;
                        masters++;
                    }
                }
            }
            if (1 == masters && followersAgree(leader))
            {
                return leader;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("no leader that every running member follows within " +
                    AWAIT_LEADER_TIMEOUT_MS + "ms; ROLE answers: " + answers + "\n" + diagnostics());
            }
            idle();
        }
    }

    /**
     * Run a scenario that needs one leader from start to end, given that leader's id. Raftis may change leaders at
     * any time (a member that misses heartbeats on a loaded machine calls an election, and the clients of the old
     * leader get the errors the README promises), so when the scenario fails and the leader or its term changed
     * while it ran, the failure says nothing about the scenario: it runs again, up to {@value #ONE_LEADER_ATTEMPTS}
     * times in all. A failure under one leader throughout is the scenario's own and fails the test at once.
     */
    void onOneLeader(final IntConsumer scenario)
    {
        final List<String> changes = new ArrayList<>();
        for (int attempt = 1; ; attempt++)
        {
            final int leader = awaitLeader();
            final long term = raftField(leader, "raft_term");
            try
            {
                scenario.accept(leader);
                return;
            }
            catch (final RuntimeException | AssertionError ex)
            {
                final int leaderAfter;
                final long termAfter;
                try
                {
                    leaderAfter = awaitLeader();
                    termAfter = raftField(leaderAfter, "raft_term");
                }
                catch (final RuntimeException | AssertionError noLeader)
                {
                    noLeader.addSuppressed(ex); // the scenario's own failure, which came first
                    throw noLeader;
                }
                if (leaderAfter == leader && termAfter == term)
                {
                    throw ex;
                }
                changes.add("attempt " + attempt + " under member " + leader + " in term " + term + " ended " +
                    "under member " + leaderAfter + " in term " + termAfter + " with " + ex);
                if (attempt == ONE_LEADER_ATTEMPTS)
                {
                    throw new AssertionError("the leader changed during each of " + ONE_LEADER_ATTEMPTS +
                        " attempts: " + changes + "\n" + diagnostics(), ex);
                }
            }
        }
    }

    private boolean followersAgree(final int leader)
    {
        for (int id = 1; id <= memberCount; id++)
        {
            if (id != leader && isRunning(id) && !paused[id])
            {
                final List<Object> role = role(id, null);
                if (null == role || role.size() < 4 || !"slave".equals(text(role.get(0))) ||
                    !String.valueOf(clientPort(leader)).equals(text(role.get(2))) ||
                    !"connected".equals(text(role.get(3))))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * ROLE of whatever listens on a client port, as text, or the exception when it cannot be asked.
     */
    static String role(final int clientPort)
    {
        try (Jedis jedis = new Jedis(HOST, clientPort, clientConfig(CONNECT_TIMEOUT_MS)))
        {
            return text(jedis.role());
        }
        catch (final RuntimeException ex)
        {
            return ex.toString();
        }
    }

    /**
     * ROLE of a member, or null with what went wrong recorded in answers when it cannot be asked.
     */
    private List<Object> role(final int id, final Map<Integer, String> answers)
    {
        try (Jedis jedis = new Jedis(HOST, clientPort(id), clientConfig(CONNECT_TIMEOUT_MS)))
        {
            final List<Object> role = jedis.role();
            if (null != answers)
            {
                answers.put(id, text(role));
            }
            return role;
        }
        catch (final RuntimeException ex)
        {
            if (null != answers)
            {
                answers.put(id, ex.toString());
            }
            return null;
        }
    }

    /**
     * The fields of a member's INFO (every section), e.g. {@code raft_commit_index}.
     */
    Map<String, String> info(final int id)
    {
        try (Jedis jedis = client(id))
        {
            return parseInfo(jedis.info());
        }
    }

    /**
     * One numeric field of a member's INFO raft section.
     */
    long raftField(final int id, final String name)
    {
        final String value = info(id).get(name);
        if (null == value)
        {
            throw new AssertionError("member " + id + " has no " + name + " in INFO; its log ends with:\n" +
                logTail(id));
        }
        return Long.parseLong(value);
    }

    static Map<String, String> parseInfo(final String info)
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        for (final String line : info.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0)
            {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /**
     * The last {@value #LOG_TAIL_LINES} lines of a member's log.
     */
    String logTail(final int id)
    {
        return tail(logFile(id), LOG_TAIL_LINES);
    }

    static String tail(final Path file, final int lines)
    {
        try
        {
            if (!Files.exists(file))
            {
                return "(no log at " + file + ")";
            }
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }

    /**
     * What each member is doing and the tail of its log, for a failure message.
     */
    String diagnostics()
    {
        final StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= memberCount; id++)
        {
            final Process process = processes[id];
            sb.append("---- member ").append(id).append(" (client port ").append(clientPort(id)).append(", ")
                .append(null == process ? "never started" :
                    process.isAlive() ? (paused[id] ? "paused" : "running") + " as pid " + process.pid() :
                    "exited with " + process.exitValue())
                .append(", launched ").append(launches[id]).append(" times), log ").append(logFile(id))
                .append(":\n").append(logTail(id)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Poll condition until it holds; past timeoutMs fail with the diagnostic.
     */
    static void await(final long timeoutMs, final BooleanSupplier condition, final Supplier<String> diagnostic)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("not within " + timeoutMs + "ms: " + diagnostic.get());
            }
            idle();
        }
    }

    /**
     * Wait for a process of this cluster to exit by itself.
     *
     * @return its exit code.
     */
    static int awaitExit(final Process process, final long timeoutMs, final Supplier<String> diagnostic)
    {
        if (!waitFor(process, timeoutMs))
        {
            throw new AssertionError("process " + process.pid() + " still runs after " + timeoutMs + "ms: " +
                diagnostic.get());
        }
        LIVE_PROCESSES.remove(process);
        return process.exitValue();
    }

    /**
     * A reply or an exception as text: byte arrays decoded, lists bracketed.
     */
    static String text(final Object value)
    {
        if (value instanceof byte[])
        {
            return new String((byte[])value, StandardCharsets.UTF_8);
        }
        if (value instanceof List)
        {
            final StringBuilder sb = new StringBuilder("[");
            for (final Object element : (List<?>)value)
            {
                sb.append(sb.length() > 1 ? ", " : "").append(text(element));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    /**
     * Kill every process this cluster started and delete the Aeron directories. The data dirs stay for the caller
     * (a JUnit {@code @TempDir}) to remove.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Process process : started)
        {
            process.destroyForcibly();
        }
        for (final Process process : started)
        {
            waitFor(process, STOP_TIMEOUT_MS);
            LIVE_PROCESSES.remove(process);
        }
        for (int id = 1; id < aeronDirs.length; id++)
        {
            IoUtil.delete(aeronDirs[id], true);
        }
        for (final File aeronDir : extraAeronDirs)
        {
            IoUtil.delete(aeronDir, true);
        }
        SLOTS_IN_USE.remove(slot);
    }

    // ---------------------------------------------------------------------------------------------------------

    private void launchProcess(final int id)
    {
        checkMember(id);
        if (isRunning(id))
        {
            throw new IllegalStateException("member " + id + " already runs as pid " + processes[id].pid());
        }
        launches[id]++;
        processes[id] = spawn(id, members, dataDir(id), logFile(id), aeronDirs[id]);
    }

    private void awaitReady(final int id)
    {
        final Process process = processes[id];
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_TIMEOUT_MS);
        String lastAnswer = "nothing";
        while (true)
        {
            if (!process.isAlive())
            {
                throw new AssertionError("member " + id + " exited with " + process.exitValue() +
                    " while starting; its log ends with:\n" + logTail(id));
            }
            try (Jedis jedis = new Jedis(HOST, clientPort(id), clientConfig(CONNECT_TIMEOUT_MS)))
            {
                lastAnswer = jedis.ping();
                if ("PONG".equals(lastAnswer))
                {
                    return;
                }
            }
            catch (final RuntimeException ex)
            {
                lastAnswer = ex.toString();
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("member " + id + " does not answer PING on port " + clientPort(id) +
                    " within " + AWAIT_TIMEOUT_MS + "ms (last answer: " + lastAnswer + "); its log ends with:\n" +
                    logTail(id));
            }
            idle();
        }
    }

    private Process runningProcess(final int id)
    {
        checkMember(id);
        final Process process = processes[id];
        if (null == process || !process.isAlive())
        {
            throw new IllegalStateException("member " + id + " is not running");
        }
        return process;
    }

    private void awaitExit(final int id, final Process process)
    {
        if (!waitFor(process, STOP_TIMEOUT_MS))
        {
            throw new AssertionError("member " + id + " (pid " + process.pid() + ") still runs " +
                STOP_TIMEOUT_MS + "ms after SIGKILL");
        }
        LIVE_PROCESSES.remove(process);
    }

    private void checkMember(final int id)
    {
        if (id < 1 || id > memberCount)
        {
            throw new IllegalArgumentException("no member " + id + " in a cluster of " + memberCount);
        }
    }

    private void checkId(final int id)
    {
        if (id < 1 || id > memberCount + SPARE_IDS)
        {
            throw new IllegalArgumentException("id " + id + " is outside 1.." + (memberCount + SPARE_IDS));
        }
    }

    private static boolean waitFor(final Process process, final long timeoutMs)
    {
        try
        {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for process " + process.pid(), ex);
        }
    }

    /**
     * The default user's password every client of the harness authenticates with, for a cluster started with
     * --requirepass; null for none. Tests run one at a time: the test that sets it clears it.
     */
    static volatile String defaultPassword;

    private static JedisClientConfig clientConfig(final int socketTimeoutMs)
    {
        return DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(CONNECT_TIMEOUT_MS)
            .socketTimeoutMillis(socketTimeoutMs)
            .password(defaultPassword)
            .build();
    }

    /**
     * Wait one poll interval.
     */
    static void idle()
    {
        try
        {
            Thread.sleep(POLL_INTERVAL_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /**
     * Pick a free block of ports: a slot not used by a cluster of this JVM whose ports nothing else holds.
     */
    private static int reserveSlot()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int candidate = ThreadLocalRandom.current().nextInt(OFFSET_SLOTS);
            if (SLOTS_IN_USE.add(candidate))
            {
                if (portsFree(candidate))
                {
                    return candidate;
                }
                SLOTS_IN_USE.remove(candidate);
            }
        }
        throw new IllegalStateException("no free block of ports found after 100 attempts");
    }

    private static boolean portsFree(final int slot)
    {
        try
        {
            final InetAddress any = InetAddress.getByName("0.0.0.0");
            for (int i = 0; i < PORTS_PER_SLOT; i++)
            {
                final int raftPort = RAFT_PORT_BASE + slot * PORTS_PER_SLOT + i;
                final int clientPort = CLIENT_PORT_BASE + slot * PORTS_PER_SLOT + i;
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(any, raftPort));
                    ServerSocket tcp = new ServerSocket(clientPort, 1, any))
                {
                    if (!udp.isBound() || !tcp.isBound())
                    {
                        return false;
                    }
                }
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}

package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.function.Function;
import java.util.jar.Manifest;

import static io.raftis.node.TestCluster.AWAIT_TIMEOUT_MS;
import static io.raftis.node.TestCluster.HOST;
import static io.raftis.node.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scripts the README tells an operator to run: {@code scripts/start-cluster.sh}, {@code start-node.sh} and
 * {@code stop-cluster.sh}, with {@code RAFTIS_PORT_OFFSET}, {@code RAFTIS_DATA} and {@code RAFTIS_FLAGS}.
 * <p>
 * The scripts run from a copy in a home of their own, whose {@code target/raftis.jar} is a launcher: a manifest
 * naming {@link RaftisMain} and this test's class path. In the project's own home a missing jar would make them run
 * {@code mvn package}, which would rewrite {@code target/classes} under the tests still running.
 */
class ScriptsTest
{
    private static final int MEMBERS = 3;
    private static final long SCRIPT_TIMEOUT_MS = 180_000;
    private static final int MIN_OFFSET = 5_000;
    private static final int OFFSET_CHOICES = 600;

    @TempDir
    Path dir;

    @Test
    void shouldStartAClusterOnOffsetPortsWithItsDataAndFlagsWhereTheReadmeSaysAndStopItByThePids() throws IOException
    {
        final Path home = launcherHome();
        final Path data = dir.resolve("data");
        final int offset = freePortOffset();
        final List<Long> pids = new ArrayList<>();
        try
        {
            final Result started = run(home, data, offset, "start-cluster.sh");
            assertEquals(0, started.exitCode, started::toString);
            assertTrue(started.output.contains("raftis cluster of " + MEMBERS + " members is up; data in " + data),
                started::toString);
            int leaders = 0;
            for (int id = 1; id <= MEMBERS; id++)
            {
                final String member = "  member " + id + ": redis-cli -p " + clientPort(id, offset) + "   (";
                assertTrue(started.output.contains(member), () -> "no \"" + member + "\" in " + started);
                leaders += started.output.contains(member + "leader)") ? 1 : 0;
            }
            assertEquals(1, leaders, started::toString);

            for (int id = 1; id <= MEMBERS; id++)
            {
                final Path nodeDir = data.resolve("node" + id);
                final long pid = pid(nodeDir);
                pids.add(pid);
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "member " + id + " runs as the pid in " + nodeDir.resolve("pid"));
                final String log = Files.readString(nodeDir.resolve("log"));
                assertTrue(log.contains("raftis member " + id + " of "), "the log of member " + id + ":\n" + log);
                assertTrue(Files.isDirectory(nodeDir.resolve("raft-log")), "the raft log of member " + id);

                final Map<String, String> info = info(clientPort(id, offset));
                assertEquals(String.valueOf(clientPort(id, offset)), info.get("tcp_port"), info::toString);
                assertTrue(info.get("raft_members").contains(id + "=127.0.0.1:" + raftPort(id, offset) + ":"),
                    info::toString);
                assertEquals("never", info.get("raft_fsync"), "RAFTIS_FLAGS reach member " + id);
                assertEquals("lease", info.get("raft_read_consistency"), "RAFTIS_FLAGS reach member " + id);
            }
            write(offset, "scripts:key", "kept");

            // kill -9 a member, start it again with start-node.sh
            final long killed = pids.get(1);
            ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
            awaitGone(killed);
            final Result restarted = run(home, data, offset, "start-node.sh", "2");
            assertEquals(0, restarted.exitCode, restarted::toString);
            final long newPid = pid(data.resolve("node2"));
            assertNotEquals(killed, newPid);
            pids.add(newPid);
            await(AWAIT_TIMEOUT_MS, () -> "PONG".equals(ping(clientPort(2, offset))),
                () -> "member 2 does not answer after start-node.sh:\n" +
                TestCluster.tail(data.resolve("node2/log"), 40));
            final String log2 = Files.readString(data.resolve("node2/log"));
            assertEquals(2, log2.split("raftis member 2 of ", -1).length - 1,
                () -> "the log of member 2 holds both starts:\n" + log2);

            final Result stopped = run(home, data, offset, "stop-cluster.sh");
            assertEquals(0, stopped.exitCode, stopped::toString);
            assertTrue(stopped.output.contains("stopped " + MEMBERS + " member(s)"), stopped::toString);
            for (int id = 1; id <= MEMBERS; id++)
            {
                assertFalse(Files.exists(data.resolve("node" + id).resolve("pid")), "pid file of member " + id);
            }
            for (final long pid : pids)
            {
                awaitGone(pid);
            }

            // started again, the members bring back the key from their logs
            final Result again = run(home, data, offset, "start-cluster.sh");
            assertEquals(0, again.exitCode, again::toString);
            for (int id = 1; id <= MEMBERS; id++)
            {
                pids.add(pid(data.resolve("node" + id)));
            }
            assertEquals("kept", read(offset, "scripts:key"));
            final Result stoppedAgain = run(home, data, offset, "stop-cluster.sh");
            assertEquals(0, stoppedAgain.exitCode, stoppedAgain::toString);
            for (final long pid : pids)
            {
                awaitGone(pid);
            }
        }
        finally
        {
            cleanUp(home, data, offset, pids);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Result(String script, int exitCode, String output)
    {
        public String toString()
        {
            return script + " exited with " + exitCode + ":\n" + output;
        }
    }

    /**
     * Run a script of the copied home with the environment of the README, and wait for it.
     */
    private static Result run(final Path home, final Path data, final int offset, final String script,
        final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(home.resolve("scripts").resolve(script).toString());
        Collections.addAll(command, args);
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true);
        final Map<String, String> env = builder.environment();
        env.put("RAFTIS_NODES", String.valueOf(MEMBERS));
        env.put("RAFTIS_PORT_OFFSET", String.valueOf(offset));
        env.put("RAFTIS_DATA", data.toString());
        env.put("RAFTIS_FLAGS", "--fsync=never --read-consistency=lease --election-timeout=1s");
        env.put("RAFTIS_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        final Path output = Files.createTempFile(data.getParent(), script, ".out");
        builder.redirectOutput(output.toFile());
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(SCRIPT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + SCRIPT_TIMEOUT_MS + "ms:\n" +
                    Files.readString(output));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        return new Result(script, process.exitValue(), Files.readString(output));
    }

    /**
     * A copy of the scripts in a home whose target/raftis.jar runs RaftisMain on this test's class path.
     */
    private Path launcherHome() throws IOException
    {
        final Path home = dir.resolve("home");
        final Path scripts = Files.createDirectories(home.resolve("scripts"));
        try (var files = Files.list(Path.of("scripts")))
        {
            for (final Path script : files.filter(f -> f.toString().endsWith(".sh")).toList())
            {
                final Path copy = Files.copy(script, scripts.resolve(script.getFileName()));
                assertTrue(copy.toFile().setExecutable(true));
            }
        }
        final StringBuilder classPath = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (!entry.isEmpty())
            {
                classPath.append(classPath.length() > 0 ? " " : "").append(Path.of(entry).toUri().toURL());
            }
        }
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, RaftisMain.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString());
        final Path jar = Files.createDirectories(home.resolve("target")).resolve("raftis.jar");
        try (OutputStream out = Files.newOutputStream(jar))
        {
            new JarOutputStream(out, manifest).close(); // the manifest is the whole jar
        }
        return home;
    }

    private static int raftPort(final int id, final int offset)
    {
        return 8900 + id + offset;
    }

    private static int clientPort(final int id, final int offset)
    {
        return 6379 + 100 * (id - 1) + offset;
    }

    /**
     * An offset whose ports are all free, below the ports of {@link TestCluster} (20000 on) and the ephemeral range.
     */
    private static int freePortOffset()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int offset = MIN_OFFSET + 10 * ThreadLocalRandom.current().nextInt(OFFSET_CHOICES);
            boolean free = true;
            for (int id = 1; id <= MEMBERS && free; id++)
            {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(HOST, raftPort(id, offset)));
                    ServerSocket tcp = new ServerSocket(clientPort(id, offset), 1, udp.getLocalAddress()))
                {
                    free = udp.isBound() && tcp.isBound() &&
                        !new File("/dev/shm/raftis-" + HOST + "-" + raftPort(id, offset)).exists();
                }
                catch (final IOException ex)
                {
                    free = false;
                }
            }
            if (free)
            {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset found after 100 attempts");
    }

    private static long pid(final Path nodeDir) throws IOException
    {
        return Long.parseLong(Files.readString(nodeDir.resolve("pid")).trim());
    }

    private static void awaitGone(final long pid)
    {
        await(AWAIT_TIMEOUT_MS, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true),
            () -> "process " + pid + " still runs");
    }

    private static String ping(final int port)
    {
        try (Jedis jedis = new Jedis(HOST, port, 2_000, 10_000))
        {
            return jedis.ping();
        }
        catch (final JedisException ex)
        {
            return ex.toString();
        }
    }

    private static Map<String, String> info(final int port)
    {
        try (Jedis jedis = new Jedis(HOST, port, 2_000, 10_000))
        {
            return TestCluster.parseInfo(jedis.info());
        }
    }

    /**
     * SET on whichever member leads, asking each member in turn and retrying until one acknowledges it: the value is
     * the same each time, so sending it again after an answer that leaves the outcome open is harmless.
     */
    private static void write(final int offset, final String key, final String value)
    {
        onLeader(offset, jedis -> "OK".equals(jedis.set(key, value)) ? Optional.of(value) : Optional.empty(),
            "SET " + key);
    }

    private static String read(final int offset, final String key)
    {
        return onLeader(offset, jedis -> Optional.of(String.valueOf(jedis.get(key))), "GET " + key);
    }

    private static String onLeader(
        final int offset, final Function<Jedis, Optional<String>> command, final String what)
    {
        final List<String> answers = new ArrayList<>();
        final String[] result = new String[1];
        await(AWAIT_TIMEOUT_MS,
            () ->
            {
                for (int id = 1; id <= MEMBERS; id++)
                {
                    try (Jedis jedis = new Jedis(HOST, clientPort(id, offset), 2_000, 10_000))
                    {
                        final Optional<String> answer = command.apply(jedis);
                        if (answer.isPresent())
                        {
                            result[0] = answer.get();
                            return true;
                        }
                    }
                    catch (final JedisException ex)
                    {
                        answers.add("member " + id + ": " + ex.getMessage()); // MOVED, CLUSTERDOWN, ...: the next
                    }
                }
                return false;
            },
            () -> what + " not answered by any member: " + answers.subList(Math.max(0, answers.size() - 10),
                answers.size()));
        return result[0];
    }

    /**
     * Stop whatever the test left running: stop-cluster.sh, then SIGKILL to any pid it started that still runs.
     */
    private static void cleanUp(final Path home, final Path data, final int offset, final List<Long> pids)
    {
        try (var pidFiles = Files.list(data))
        {
            if (pidFiles.anyMatch(nodeDir -> Files.exists(nodeDir.resolve("pid"))))
            {
                run(home, data, offset, "stop-cluster.sh");
            }
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            // killed below
        }
        for (final long pid : pids)
        {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (int id = 1; id <= MEMBERS; id++)
        {
            final Path pidFile = data.resolve("node" + id).resolve("pid");
            try
            {
                if (Files.exists(pidFile))
                {
                    ProcessHandle.of(pid(pidFile.getParent())).filter(p -> p.info().commandLine()
                        .map(c -> c.contains(home.toString())).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            catch (final IOException | NumberFormatException ignore)
            {
                // a pid file being written as the script was stopped: nothing started from it
            }
        }
    }
}

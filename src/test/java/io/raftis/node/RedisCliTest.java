package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Redis tools against a 3-member cluster: redis-cli, its {@code -c} mode that follows MOVED to the leader,
 * and a short redis-benchmark. Skipped when the tools are not installed.
 */
class RedisCliTest
{
    private static final String REDIS_CLI = findExecutable("redis-cli");
    private static final String REDIS_BENCHMARK = findExecutable("redis-benchmark");
    private static final long TOOL_TIMEOUT_MS = 60_000;
    private static final Pattern SET_THROUGHPUT = Pattern.compile("(?m)^SET: [0-9.]+ requests per second");
    private static final Pattern GET_THROUGHPUT = Pattern.compile("(?m)^GET: [0-9.]+ requests per second");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static Path dir;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster(@TempDir final Path tempDir)
    {
        assumeTrue(null != REDIS_CLI, "redis-cli is not installed");
        dir = tempDir;
        cluster = TestCluster.start(3, tempDir);
    }

    @AfterAll
    static void closeCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldSetAndGetThroughTheLeader()
    {
        final int leader = cluster.awaitLeader();
        assertEquals("OK", run(REDIS_CLI, "-h", HOST, "-p", port(leader), "SET", "k", "v").output.trim());
        assertEquals("v", run(REDIS_CLI, "-h", HOST, "-p", port(leader), "GET", "k").output.trim());
    }

    @Test
    void shouldPrintMovedWhenAFollowerIsAskedToWrite()
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        final Result result = run(REDIS_CLI, "-h", HOST, "-p", port(follower), "SET", "k", "v");
        assertTrue(result.output.contains("MOVED 0 " + HOST + ":" + port(leader)), result::toString);
    }

    @Test
    void shouldFollowMovedToTheLeaderInClusterMode()
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        final Result set = run(REDIS_CLI, "-c", "-h", HOST, "-p", port(follower), "SET", "k2", "v2");
        assertEquals("OK", set.output.trim(), set::toString);
        assertEquals(0, set.exitCode, set::toString);
        assertEquals("v2", run(REDIS_CLI, "-h", HOST, "-p", port(leader), "GET", "k2").output.trim());
    }

    @Test
    void shouldFinishAShortRedisBenchmarkAgainstTheLeader()
    {
        assumeTrue(null != REDIS_BENCHMARK, "redis-benchmark is not installed");
        final int leader = cluster.awaitLeader();
        final Result result = run(REDIS_BENCHMARK, "-h", HOST, "-p", port(leader), "-t", "set,get", "-n", "2000", "-q");
        assertEquals(0, result.exitCode, result::toString);
        final String output = result.output.replace('\r', '\n');
        assertTrue(SET_THROUGHPUT.matcher(output).find(), result::toString);
        assertTrue(GET_THROUGHPUT.matcher(output).find(), result::toString);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String port(final int id)
    {
        return String.valueOf(cluster.clientPort(id));
    }

    /**
     * Run a tool to its end, its stdout and stderr in one file; a tool that does not end in time is killed.
     */
    private static Result run(final String... command)
    {
        final Path output = dir.resolve("tool-" + RUNS.incrementAndGet() + ".out");
        try
        {
            final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
            final boolean exited;
            try
            {
                exited = process.waitFor(TOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            finally
            {
                process.destroyForcibly();
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!exited)
            {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TOOL_TIMEOUT_MS +
                    "ms; its output:\n" + text + "\n" + cluster.diagnostics());
            }
            return new Result(Arrays.asList(command), process.exitValue(), text);
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

    private static String findExecutable(final String name)
    {
        final List<String> candidates = new ArrayList<>();
        candidates.add("/usr/bin/" + name);
        final String path = System.getenv("PATH");
        if (null != path)
        {
            for (final String entry : path.split(File.pathSeparator))
            {
                candidates.add(entry + File.separator + name);
            }
        }
        for (final String candidate : candidates)
        {
            if (Files.isExecutable(Path.of(candidate)))
            {
                return candidate;
            }
        }
        return null;
    }

    private record Result(List<String> command, int exitCode, String output)
    {
        public String toString()
        {
            return String.join(" ", command) + " exited with " + exitCode + " and printed:\n" + output;
        }
    }
}

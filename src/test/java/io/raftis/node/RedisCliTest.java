package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Redis tools against a 3-member cluster: redis-cli, its {@code -c} mode that follows MOVED to the leader,
 * and a short redis-benchmark. Skipped, with the reason, when the tools are not on the PATH; failed instead under CI
 * ({@link Requirements}).
 */
class RedisCliTest
{
    private static final long TOOL_TIMEOUT_MS = 60_000;
    private static final Pattern SET_THROUGHPUT = Pattern.compile("(?m)^SET: [0-9.]+ requests per second");
    private static final Pattern GET_THROUGHPUT = Pattern.compile("(?m)^GET: [0-9.]+ requests per second");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static String redisCli;
    private static Path dir;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster(@TempDir final Path tempDir)
    {
        dir = tempDir;
        if (null != Requirements.findOnPath("redis-cli")) // without it each test stops in requireRedisCli
        {
            cluster = TestCluster.start(3, tempDir);
        }
    }

    /**
     * Skip each test, or fail it under CI, without redis-cli: one by one, so that the summary counts them as skipped
     * (a class that stops in {@code @BeforeAll} counts as no tests at all).
     */
    @BeforeEach
    void requireRedisCli()
    {
        redisCli = Requirements.executable("redis-cli", Requirements.INSTALL_REDIS_TOOLS);
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
        assertEquals("OK", run(redisCli, "-h", HOST, "-p", port(leader), "SET", "k", "v").output.trim());
        assertEquals("v", run(redisCli, "-h", HOST, "-p", port(leader), "GET", "k").output.trim());
    }

    @Test
    void shouldPrintMovedWhenAFollowerIsAskedToWrite()
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        final Result result = run(redisCli, "-h", HOST, "-p", port(follower), "SET", "k", "v");
        assertTrue(result.output.contains("MOVED 0 " + HOST + ":" + port(leader)), result::toString);
    }

    @Test
    void shouldFollowMovedToTheLeaderInClusterMode()
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        final Result set = run(redisCli, "-c", "-h", HOST, "-p", port(follower), "SET", "k2", "v2");
        assertEquals("OK", set.output.trim(), set::toString);
        assertEquals(0, set.exitCode, set::toString);
        assertEquals("v2", run(redisCli, "-h", HOST, "-p", port(leader), "GET", "k2").output.trim());
    }

    @Test
    void shouldFinishAShortRedisBenchmarkAgainstTheLeader()
    {
        final String redisBenchmark =
            Requirements.executable("redis-benchmark", Requirements.INSTALL_REDIS_TOOLS);
        final int leader = cluster.awaitLeader();
        final Result result = run(redisBenchmark, "-h", HOST, "-p", port(leader), "-t", "set,get", "-n", "2000", "-q");
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

    private record Result(List<String> command, int exitCode, String output)
    {
        public String toString()
        {
            return String.join(" ", command) + " exited with " + exitCode + " and printed:\n" + output;
        }
    }
}

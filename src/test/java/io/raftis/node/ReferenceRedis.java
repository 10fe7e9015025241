package io.raftis.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.raftis.node.TestCluster.HOST;

/**
 * A plain redis-server, the reference a test compares raftis with: started on a free port of 127.0.0.1 without
 * persistence and with DEBUG allowed, and stopped through its own process. A test that needs one is skipped, with
 * the reason, where redis-server is not installed.
 */
final class ReferenceRedis implements AutoCloseable
{
    static final String INSTALL_REDIS_SERVER = "install it with: apt-get install redis-server";

    private final Process process;
    private final int port;

    private ReferenceRedis(final Process process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    /**
     * Start one and wait until it answers PING.
     *
     * @param dir where it runs and logs (redis.log).
     */
    static ReferenceRedis start(final Path dir) throws IOException
    {
        final String redisServer = Requirements.executable("redis-server", INSTALL_REDIS_SERVER);
        final int port = freePort();
        final Process process = new ProcessBuilder(redisServer, "--port", Integer.toString(port), "--bind", HOST,
            "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
            "--enable-debug-command", "yes")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
        final ReferenceRedis redis = new ReferenceRedis(process, port);
        try
        {
            TestCluster.await(30_000, () ->
            {
                try (RespConnection connection = new RespConnection(HOST, port))
                {
                    return "+PONG".equals(connection.call(List.of("PING")));
                }
                catch (final UncheckedIOException ex)
                {
                    return false;
                }
            }, () -> "redis-server did not answer on " + port);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            redis.close();
            throw ex;
        }
        return redis;
    }

    int port()
    {
        return port;
    }

    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}

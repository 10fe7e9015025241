package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An {@link Error} in the duty cycle ends the member's process with exit code 1 and a line that says why, instead of
 * leaving a process that holds its data-dir lock and answers nothing. The Error here is the one a review met: direct
 * memory the JVM cannot reserve for a client's growing query buffer.
 */
class FailStopProcessTest
{
    private static final String HOST = "127.0.0.1";

    @TempDir
    File dir;

    @Test
    void shouldEndTheProcessWithExitCodeOneWhenTheDutyCycleMeetsAnError() throws Exception
    {
        final int clientPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST)))
        {
            clientPort = socket.getLocalPort();
        }
        final int raftPort;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0)))
        {
            raftPort = socket.getLocalPort();
        }
        final File stderr = new File(dir, "stderr.log");
        final Process member = new ProcessBuilder(List.of(
            new File(System.getProperty("java.home"), "bin/java").getPath(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-XX:MaxDirectMemorySize=24m",
            "-Xmx256m",
            "-cp", System.getProperty("java.class.path"),
            TestMemberMain.class.getName(),
            "--member-id=1",
            "--members=1=" + HOST + ":" + raftPort + ":" + clientPort,
            "--data-dir=" + new File(dir, "node1"),
            "--aeron-dir=" + new File(dir, "aeron"),
            "--aeron-term-length=64k",
            "--max-batch-bytes=4k",
            // no limit on the clients' buffers, which would close the client before the JVM ran out
            "--maxmemory-clients=0"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr)
            .start();
        try
        {
            final Socket client = connectWhenServing(member, clientPort);
            final Thread sender = new Thread(() -> sendLargeValues(client, clientPort));
            sender.setDaemon(true);
            sender.start();
            if (!member.waitFor(120, TimeUnit.SECONDS))
            {
                fail("the member is still running: " + Files.readString(stderr.toPath()));
            }
            final String log = Files.readString(stderr.toPath());
            assertEquals(1, member.exitValue(), log);
            assertTrue(log.contains("OutOfMemoryError"), log);
            assertTrue(log.contains("raftis: stopping with exit code 1: the duty cycle failed"), log);
        }
        finally
        {
            member.destroyForcibly();
        }
    }

    /**
     * @return a connection to the member once it answers PING.
     */
    private static Socket connectWhenServing(final Process member, final int port) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && member.isAlive())
        {
            try
            {
                final Socket socket = new Socket(HOST, port);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                final byte[] reply = new byte[7];
                final InputStream in = socket.getInputStream();
                int read = 0;
                while (read < reply.length)
                {
                    final int n = in.read(reply, read, reply.length - read);
                    if (n < 0)
                    {
                        break;
                    }
                    read += n;
                }
                if ("+PONG\r\n".equals(new String(reply, 0, read, StandardCharsets.US_ASCII)))
                {
                    return socket;
                }
                socket.close();
            }
            catch (final IOException ex)
            {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the member never answered PING; alive: " + member.isAlive());
    }

    /**
     * SETs whose values are declared at 1.9 MB and sent but for their last bytes, on sixteen connections: each query
     * buffer doubles to 2 MB of direct memory (one of 4 MB or more would be mapped outside it), past the 24 MB the
     * process may reserve.
     */
    private static void sendLargeValues(final Socket first, final int port)
    {
        try
        {
            final byte[] chunk = new byte[64 * 1024];
            for (int connection = 0; connection < 16; connection++)
            {
                final Socket socket = 0 == connection ? first : new Socket(HOST, port);
                final OutputStream out = socket.getOutputStream();
                out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1900000\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int sent = 0; sent + chunk.length < 1_900_000; sent += chunk.length)
                {
                    out.write(chunk);
                }
            }
        }
        catch (final IOException expected)
        {
            // the member is gone
        }
    }
}

package io.raftis.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * The main class of a member process started by {@link TestCluster}: runs {@link RaftisMain} with the same arguments
 * and exits when the test JVM that started it goes away, so that no member outlives its test even when the test JVM
 * is killed with SIGKILL and its shutdown hooks never run. The test JVM holds the write end of this process's stdin:
 * when that JVM dies the kernel closes it and the read here sees the end of the stream.
 */
public final class TestMemberMain
{
    private static final long HALT_AFTER_NS = TimeUnit.SECONDS.toNanos(5);

    private TestMemberMain()
    {
    }

    public static void main(final String[] args)
    {
        final Thread watchdog = new Thread(TestMemberMain::exitWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        RaftisMain.main(args);
    }

    private static void exitWhenParentGoes()
    {
        final InputStream in = System.in;
        final byte[] buffer = new byte[64];
        try
        {
            while (in.read(buffer) >= 0)
            {
                // the test JVM never writes: anything read is ignored
            }
        }
        catch (final IOException ignore)
        {
            // a broken stdin means the same as its end
        }

        System.err.println(ServerCommands.timestamp() + " the test JVM that started this member is gone: exiting");
        final Thread halter = new Thread(
            () ->
            {
                try
                {
                    TimeUnit.NANOSECONDS.sleep(HALT_AFTER_NS);
                }
                catch (final InterruptedException ignore)
                {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(137);
            },
            "parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(143);
    }
}

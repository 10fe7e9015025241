package io.raftis.node;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a test needs from the machine beyond Java and Maven: a tool on the PATH (redis-cli, redis-benchmark, nft) or
 * the right to change the firewall (root or CAP_NET_ADMIN). A test that finds one missing cannot run. Outside CI it is
 * skipped with the reason (a JUnit assumption: counted as skipped, and listed with its reason by {@link SkipReport});
 * under CI ({@code CI=true}, as {@code .ci/run} sets it), where every test is meant to run, it fails instead, saying
 * what is missing and how to install it, so a CI run cannot pass having quietly run less.
 */
final class Requirements
{
    /** The environment variable that CI services set to {@code true}. */
    static final String CI_VARIABLE = "CI";
    static final String INSTALL_REDIS_TOOLS = "install it with: apt-get install redis-tools";
    static final String INSTALL_NFTABLES = "install it with: apt-get install nftables (and run as root)";

    private Requirements()
    {
    }

    /**
     * @return true when the tests run under CI, where a test that cannot run is a failure.
     */
    static boolean underCi()
    {
        return "true".equalsIgnoreCase(System.getenv(CI_VARIABLE));
    }

    /**
     * The path of an executable the test needs, looked up on the PATH as the shell does; without it the test is
     * skipped or, under CI, fails.
     *
     * @param name    the executable, e.g. {@code redis-cli}.
     * @param install how to install it.
     * @return its path.
     */
    static String executable(final String name, final String install)
    {
        final String path = findOnPath(name);
        if (null == path)
        {
            throw unmet(name + " is not on the PATH (" + System.getenv("PATH") + "); " + install);
        }
        return path;
    }

    /**
     * Stop a test that cannot run: skip it with the reason or, under CI, fail it. It always throws; it returns a type
     * so that callers can write {@code throw Requirements.unmet(reason)} where the compiler needs to know.
     *
     * @param reason what is missing and how to get it.
     * @return never.
     */
    static RuntimeException unmet(final String reason)
    {
        if (underCi())
        {
            throw new AssertionFailedError(CI_VARIABLE + "=true, so this test must run, but it cannot: " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        throw new TestAbortedException("cannot run here: " + reason);
    }

    /**
     * Go on without something a test would rather have, such as network partitions in a run that can still kill and
     * pause members: say loudly what the run leaves out or, under CI, fail.
     *
     * @param missing what the run will not exercise.
     * @param reason  why, and how to get it.
     */
    static void proceedWithout(final String missing, final String reason)
    {
        if (underCi())
        {
            throw new AssertionFailedError(
                CI_VARIABLE + "=true, so " + missing + " must be exercised, but they cannot be: " + reason);
        }
        final String rule = "!".repeat(100);
        System.out.println(rule + "\n!!! NOT EXERCISED: " + missing + "\n!!! " + reason + "\n!!! (" + CI_VARIABLE +
            "=true makes this a failure)\n" + rule);
    }

    /**
     * An executable on the PATH.
     *
     * @param name the executable's name.
     * @return its path, or null when no directory of the PATH holds it.
     */
    static String findOnPath(final String name)
    {
        final String path = System.getenv("PATH");
        if (null != path)
        {
            for (final String entry : path.split(File.pathSeparator))
            {
                final Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}

package io.raftis.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts the network between member processes on 127.0.0.1 with nftables, as Jepsen does with iptables.
 * <p>
 * The members send to each peer from a fixed port ({@link TestCluster#startWithFixedSendPorts}), so the link from A
 * to B is one UDP port pair: A's send port for B and B's Raft port. Cutting the link drops that pair both ways, A's
 * data to B and B's Aeron status messages and NAKs back to A, while the link from B to A, a port pair of its own,
 * keeps working: a one-way partition. Packets are dropped in the input hook, silently, as a network loses them (a
 * drop on output would fail the sender's send call instead). A cut shorter than Aeron's connection timeouts (5 s for
 * a publication, 10 s for an image) delays what it holds back, which Aeron retransmits after the heal; a longer one
 * loses it.
 * <p>
 * Each nemesis owns a table named after this JVM's pid; {@link #close()} and a shutdown hook delete it, and a new
 * nemesis deletes tables left by JVMs that no longer run.
 */
final class NetworkNemesis implements AutoCloseable
{
    private static final String TABLE_PREFIX = "raftis_jepsen_";
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long NFT_TIMEOUT_MS = 10_000;

    private final TestCluster cluster;
    private final String table;
    private final Thread cleanup;
    private boolean closed;

    private NetworkNemesis(final TestCluster cluster, final String table)
    {
        this.cluster = cluster;
        this.table = table;
        this.cleanup = new Thread(() -> nftQuietly("delete table inet " + table + "\n"), "network-nemesis-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * @return a nemesis for the cluster.
     * @throws UnavailableException when nftables cannot be used here, saying why: nft is not installed, or it may not
     * change the firewall (not root, no CAP_NET_ADMIN).
     */
    static NetworkNemesis open(final TestCluster cluster) throws UnavailableException
    {
        if (null == Requirements.findOnPath("nft"))
        {
            throw new UnavailableException("nft is not on the PATH (" + System.getenv("PATH") + "); " +
                Requirements.INSTALL_NFTABLES);
        }
        final String table = TABLE_PREFIX + ProcessHandle.current().pid() + "_" + COUNT.incrementAndGet();
        try
        {
            removeStaleTables();
            nft("add table inet " + table + "\n" +
                "add set inet " + table + " cut { type inet_service . inet_service; }\n" +
                "add chain inet " + table + " input { type filter hook input priority -300; policy accept; }\n" +
                "add rule inet " + table + " input iifname \"lo\" meta l4proto udp udp sport . udp dport @cut drop\n");
            return new NetworkNemesis(cluster, table);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new UnavailableException(
                "nft cannot change the firewall here (it needs root or CAP_NET_ADMIN): " + ex.getMessage());
        }
    }

    /**
     * Open a nemesis for a test that cannot run without one: the test is skipped, or fails under CI, when nftables
     * cannot be used ({@link Requirements}).
     */
    static NetworkNemesis require(final TestCluster cluster)
    {
        try
        {
            return open(cluster);
        }
        catch (final UnavailableException ex)
        {
            throw Requirements.unmet("cannot cut the network: " + ex.getMessage());
        }
    }

    /**
     * Cut the link from one member to another: from's messages no longer reach to; to's still reach from.
     */
    void cut(final int from, final int to)
    {
        nftOrFail("add element inet " + table + " cut { " + elements(from, to) + " }\n");
    }

    /**
     * Cut every link between the side and the rest, both ways.
     */
    void partition(final Collection<Integer> side)
    {
        final StringBuilder elements = new StringBuilder();
        for (int a = 1; a <= cluster.memberCount(); a++)
        {
            for (int b = 1; b <= cluster.memberCount(); b++)
            {
                if (side.contains(a) != side.contains(b))
                {
                    elements.append(elements.length() > 0 ? ", " : "").append(elements(a, b));
                }
            }
        }
        if (elements.length() > 0)
        {
            nftOrFail("add element inet " + table + " cut { " + elements + " }\n");
        }
    }

    /**
     * Restore every link.
     */
    void heal()
    {
        nftOrFail("flush set inet " + table + " cut\n");
    }

    public void close()
    {
        if (!closed)
        {
            closed = true;
            nftQuietly("delete table inet " + table + "\n");
            try
            {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private String elements(final int from, final int to)
    {
        final int send = cluster.sendPort(from, to);
        final int receive = cluster.raftPort(to);
        return send + " . " + receive + ", " + receive + " . " + send;
    }

    private void nftOrFail(final String script)
    {
        try
        {
            nft(script);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void nftQuietly(final String script)
    {
        try
        {
            nft(script);
        }
        catch (final IOException | RuntimeException ignore)
        {
            // best effort: the table may be gone already
        }
    }

    private static void removeStaleTables() throws IOException
    {
        for (final String line : nft("list tables\n").split("\n"))
        {
            final String[] words = line.trim().split(" ");
            if (words.length == 3 && words[2].startsWith(TABLE_PREFIX))
            {
                final String pid = words[2].substring(TABLE_PREFIX.length()).split("_")[0];
                if (ProcessHandle.of(Long.parseLong(pid)).isEmpty())
                {
                    nftQuietly("delete table " + words[1] + " " + words[2] + "\n");
                }
            }
        }
    }

    private static String nft(final String script) throws IOException
    {
        final Process process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        process.getOutputStream().write(script.getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            if (!process.waitFor(NFT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IOException("nft did not finish: " + script.trim());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        if (process.exitValue() != 0)
        {
            throw new IOException("nft failed (" + process.exitValue() + ") on '" + script.trim() + "': " +
                output.trim());
        }
        return output;
    }

    /**
     * nftables cannot be used here; the message says why and what would fix it.
     */
    static final class UnavailableException extends Exception
    {
        private static final long serialVersionUID = 1L;

        UnavailableException(final String reason)
        {
            super(reason);
        }
    }
}

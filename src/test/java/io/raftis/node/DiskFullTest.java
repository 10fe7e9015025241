package io.raftis.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real full disk: each member's data directory is a small tmpfs of its own (mounting one takes root: without it the
 * test is skipped, or fails under CI, as {@link Requirements} says; the simulation's full disks run anyway). The leader's is filled to the last byte while a
 * client writes: the leader refuses writes with -MISCONF and hands leadership over, every acknowledged write stays,
 * and once space is freed the old leader takes the entries it missed.
 */
class DiskFullTest
{
    private static final String TMPFS_SIZE = "48m";

    @TempDir
    Path dir;

    private TestCluster cluster;
    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        if (null != cluster)
        {
            cluster.close();
        }
        for (final Path mount : mounts)
        {
            run("umount", mount.toString());
        }
    }

    @Test
    void shouldRefuseWritesOnAFullDiskHandLeadershipOverAndLoseNothing() throws Exception
    {
        cluster = TestCluster.create(3, dir);
        for (int id = 1; id <= 3; id++)
        {
            final Path data = cluster.dataDir(id);
            Files.createDirectories(data);
            if (0 != run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", data.toString()))
            {
                throw Requirements.unmet("mounting a tmpfs needs root (or CAP_SYS_ADMIN): run the tests as root");
            }
            mounts.add(data);
        }
        cluster.restartAll();
        final int leader = cluster.awaitLeader();

        try (ClusterWriter writer = new ClusterWriter(cluster, leader))
        {
            final byte[] value = new byte[1000];
            for (int i = 0; i < 100; i++)
            {
                assertTrue(writer.set(("before:" + i).getBytes(), value(value, i)), writer::summary);
            }

            final Path filler = cluster.dataDir(leader).resolve("filler");
            fill(filler);

            // the leader's log has a megabyte or so of blocks allocated ahead of its appends: write past them
            for (int i = 0; i < 3_000; i++)
            {
                assertTrue(writer.set(("after:" + i).getBytes(), value(value, i)), writer::summary);
            }
            assertTrue(writer.refusedForDisk() > 0, "the full leader refused a write: " + writer.summary());
            final int newLeader = cluster.awaitLeader();
            assertNotEquals(leader, newLeader, "leadership moved to a member with room");
            assertTrue(cluster.isRunning(leader), "a full disk stops no member");
            assertTrue(cluster.raftField(leader, "raft_log_appends_refused") > 0);

            Files.delete(filler);
            final long last = cluster.raftField(newLeader, "raft_last_log_index");
            TestCluster.await(TestCluster.AWAIT_TIMEOUT_MS,
                () -> cluster.raftField(leader, "raft_applied_index") >= last,
                () -> "member " + leader + " does not catch up once its disk has room:\n" + cluster.diagnostics());

            for (int i = 0; i < 100; i++)
            {
                assertArrayEquals(value(value, i), writer.get(("before:" + i).getBytes()), "before:" + i);
            }
            for (int i = 0; i < 3_000; i++)
            {
                assertArrayEquals(value(value, i), writer.get(("after:" + i).getBytes()), "after:" + i);
            }
        }
    }

    private static byte[] value(final byte[] scratch, final int i)
    {
        final byte[] digits = Integer.toString(i).getBytes();
        java.util.Arrays.fill(scratch, (byte)'v');
        System.arraycopy(digits, 0, scratch, 0, digits.length);
        return scratch.clone();
    }

    /**
     * Write the file until the file system has no byte left.
     */
    private static void fill(final Path file)
    {
        final byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file))
        {
            while (true)
            {
                out.write(block);
            }
        }
        catch (final IOException full)
        {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
        }
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}

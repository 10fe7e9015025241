package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.nio.file.Path;
import java.util.Map;

import static io.raftis.node.ClusterTest.assertKeys;
import static io.raftis.node.ClusterTest.awaitCaughtUp;
import static io.raftis.node.ClusterTest.keyCount;
import static io.raftis.node.ClusterTest.writeKeys;
import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real multi-process clusters started with the settings the README describes besides the defaults:
 * {@code --read-consistency=lease} and {@code --fsync=never}.
 */
class ClusterSettingsTest
{
    private static final int LEASE_READS = 100;

    @TempDir
    Path dir;

    @Test
    void shouldServeLeaseReadsThatSeeEveryWriteOnTheLeaderAndRedirectReadsOnFollowers()
    {
        try (TestCluster cluster = TestCluster.start(3, dir, "--read-consistency=lease"))
        {
            for (int id = 1; id <= 3; id++)
            {
                assertEquals("lease", cluster.info(id).get("raft_read_consistency"), "member " + id);
            }
            cluster.onOneLeader(leader ->
            {
                final long barriersBefore = cluster.raftField(leader, "total_read_barriers");
                try (Jedis writer = cluster.client(leader); Jedis reader = cluster.client(leader))
                {
                    for (int i = 0; i < LEASE_READS; i++)
                    {
                        final String key = "lease:" + i;
                        assertEquals("OK", writer.set(key, "v" + i));
                        // a read after a write, on the same connection and on another one, sees it
                        assertEquals("v" + i, writer.get(key), "the writer's read of " + key);
                        assertEquals("v" + i, reader.get(key), "another client's read of " + key);
                    }
                }
                // while the lease holds the leader serves reads without a ReadIndex round: a member that ignored
                // the setting would have waited for one per read
                final long barriers = cluster.raftField(leader, "total_read_barriers") - barriersBefore;
                assertTrue(barriers < 2 * LEASE_READS, () -> "each of " + 2 * LEASE_READS + " reads waited for a " +
                    "read barrier (" + barriers + " barriers): none was served on the lease");

                for (int id = 1; id <= 3; id++)
                {
                    if (id != leader)
                    {
                        try (Jedis follower = cluster.client(id))
                        {
                            final JedisMovedDataException moved =
                                assertThrows(JedisMovedDataException.class, () -> follower.get("lease:0"));
                            assertEquals("MOVED 0 " + HOST + ":" + cluster.clientPort(leader), moved.getMessage());
                        }
                    }
                }
            });
        }
    }

    @Test
    void shouldAcknowledgeWritesWithoutSyncingAndKeepThemWhenEveryMemberIsKilled()
    {
        try (TestCluster cluster = TestCluster.start(3, dir, "--fsync=never"))
        {
            final int leader = cluster.awaitLeader();
            final Map<String, String> acknowledged = writeKeys(cluster, leader, "unsynced:", 300);
            for (int id = 1; id <= 3; id++)
            {
                assertEquals("never", cluster.info(id).get("raft_fsync"), "member " + id);
                assertEquals(0, cluster.raftField(id, "raft_log_syncs"), "log syncs of member " + id);
            }

            // a process crash keeps what the members wrote in the page cache: killed all at once, the members
            // can only find the writes in their own logs when they start again
            final int currentLeader = cluster.awaitLeader();
            cluster.kill(currentLeader);
            for (int id = 1; id <= 3; id++)
            {
                if (cluster.isRunning(id))
                {
                    cluster.kill(id);
                }
            }
            cluster.restartAll();
            final int newLeader = cluster.awaitLeader();
            assertKeys(cluster, newLeader, acknowledged);
            for (int id = 1; id <= 3; id++)
            {
                awaitCaughtUp(cluster, id);
                assertEquals(String.valueOf(acknowledged.size()), keyCount(cluster, id), "keys on member " + id);
            }
        }
    }
}

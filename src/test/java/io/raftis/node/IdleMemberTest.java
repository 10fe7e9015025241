package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Members that share cores sleep when they have nothing to do: with the default idle strategy a member blocks in its
 * selector until a client, a peer's datagram or its next timer wakes it, instead of polling.
 */
class IdleMemberTest
{
    private static final long IDLE_MS = 3_000;

    /**
     * An idle member wakes for its heartbeats and its peers' (ten a second each by default, and Aeron's own), each
     * wake-up a few passes. A member that polled, even parking up to 500 us between passes as the backoff strategy
     * does, would make thousands of passes a second.
     */
    private static final long MOST_PASSES_PER_SECOND = 400;

    @TempDir
    Path dir;

    @Test
    void anIdleMemberBlocksUntilAMessageATimerOrAClientWakesIt() throws InterruptedException
    {
        try (TestCluster cluster = TestCluster.start(3, dir))
        {
            cluster.awaitLeader();
            final long[] passes = new long[4];
            final long[] blocks = new long[4];
            for (int id = 1; id <= 3; id++)
            {
                assertEquals("epoll", cluster.info(id).get("idle_strategy"), "the default");
                passes[id] = cluster.raftField(id, "duty_cycle_passes");
                blocks[id] = cluster.raftField(id, "duty_cycle_idle_blocks");
            }
            Thread.sleep(IDLE_MS);
            for (int id = 1; id <= 3; id++)
            {
                final long passed = cluster.raftField(id, "duty_cycle_passes") - passes[id];
                final long blocked = cluster.raftField(id, "duty_cycle_idle_blocks") - blocks[id];
                final int member = id;
                assertTrue(passed <= MOST_PASSES_PER_SECOND * IDLE_MS / 1000, () -> "member " + member + " made " +
                    passed + " passes in " + IDLE_MS + " ms with nothing to do: it polls instead of sleeping");
                assertTrue(blocked > 0, () -> "member " + member + " never blocked");
            }
            try (Jedis client = cluster.client(cluster.awaitLeader()))
            {
                assertEquals("OK", client.set("woken", "by a client"));
                assertEquals("by a client", client.get("woken"));
            }
        }
    }
}

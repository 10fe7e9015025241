package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.MemoryLog;
import io.raftis.raft.MemoryState;
import io.raftis.raft.RaftNode;
import org.agrona.concurrent.EpochClock;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A member alone, leading, in process: the node's real dispatcher and Raft core over a log in memory, driven pass by
 * pass in the order of the node's duty cycle, so that a test sees exactly which pass does what.
 */
final class SoloLeader
{
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(150);

    final InProcessNode node;
    final RaftNode raft;
    final MemoryLog log = new MemoryLog();
    private long nowNs;

    /**
     * @param epochClock    the member's wall clock, which stamps its writes.
     * @param maxBatchBytes the longest batch of entries: a longer write goes in parts.
     */
    SoloLeader(final EpochClock epochClock, final int maxBatchBytes)
    {
        node = new InProcessNode(1, 1, Configuration.ReadConsistency.LINEARIZABLE, 1024, ex -> fail(ex), epochClock);
        raft = new RaftNode(1, new int[]{ 1 }, log, new MemoryState(), new NoPeers(), node.stateMachine(),
            new Random(1), ELECTION_TIMEOUT_NS, ELECTION_TIMEOUT_NS / 4, maxBatchBytes, 4 * maxBatchBytes, 0);
        node.bind(raft, maxBatchBytes - EntryFrame.HEADER_LENGTH - EntryFrame.ALIGNMENT);
        nowNs = 2 * ELECTION_TIMEOUT_NS;
        raft.tick(nowNs);
        assertTrue(raft.isLeader());
        passes(1);
    }

    /**
     * One pass of the duty cycle: clients, timers, replicate, flush (commit and apply), then replies.
     */
    void pass()
    {
        nowNs += 1_000;
        raft.time(nowNs);
        node.pollClients();
        raft.tick(nowNs);
        raft.replicate();
        raft.flush();
        node.afterFlush();
    }

    /**
     * A pass whose flush is late: what the clients sent is proposed, and nothing is committed or applied.
     */
    void passWithoutFlush()
    {
        nowNs += 1_000;
        raft.time(nowNs);
        node.pollClients();
        raft.tick(nowNs);
        raft.replicate();
        node.afterFlush();
    }

    void passes(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            pass();
        }
    }

    /**
     * Send one command and run passes until its client has had time to hear back.
     *
     * @return what the client received meanwhile.
     */
    String call(final InProcessNode.Link client, final String... args)
    {
        client.send(resp(args));
        final StringBuilder received = new StringBuilder();
        for (int passes = 0; passes < 20; passes++)
        {
            pass();
            received.append(client.receive());
        }
        return received.toString();
    }

    /**
     * @return the command as a client sends it, a RESP array of bulk strings, one byte a char.
     */
    static byte[] resp(final String... args)
    {
        final StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (final String arg : args)
        {
            sb.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return a bulk string reply.
     */
    static String bulk(final String value)
    {
        return "$" + value.length() + "\r\n" + value + "\r\n";
    }
}

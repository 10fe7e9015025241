package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.MemoryLog;
import io.raftis.raft.MemoryState;
import io.raftis.raft.RaftNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A pass of the duty cycle processes at most {@link CommandDispatcher#PASS_ARGUMENT_BUDGET} arguments over all
 * connections: forty clients each pipelining ten MGETs of 1,000 keys (stale reads, which wait for no barrier) are
 * served over more passes than their reads alone would take, every reply in order, so that no pass outlasts the
 * heartbeats it has to send.
 */
class PassBudgetTest
{
    private static final long T = TimeUnit.MILLISECONDS.toNanos(150);

    @Test
    void shouldServeManyClientsHugePipelinesOverMorePassesInOrder()
    {
        final InProcessNode node = new InProcessNode(1, 1, Configuration.ReadConsistency.STALE, 1024, ex -> fail(ex));
        final RaftNode raft = new RaftNode(1, new int[]{ 1 }, new MemoryLog(), new MemoryState(), new NoPeers(),
            node.stateMachine(), new Random(1), T, T / 4, 64 * 1024, 256 * 1024, 0);
        node.bind(raft, 64 * 1024 - EntryFrame.HEADER_LENGTH - EntryFrame.ALIGNMENT);
        long nowNs = 2 * T;
        raft.tick(nowNs);
        assertTrue(raft.isLeader());

        final List<InProcessNode.Link> clients = new ArrayList<>();
        for (int c = 0; c < 40; c++)
        {
            final InProcessNode.Link client = node.connect();
            final StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 10; i++)
            {
                pipeline.append("*1001\r\n$4\r\nMGET\r\n");
                for (int k = 0; k < 1_000; k++)
                {
                    final String key = "k" + k;
                    pipeline.append('$').append(key.length()).append("\r\n").append(key).append("\r\n");
                }
            }
            client.send(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
            clients.add(client);
        }

        final String oneReply = "*1000\r\n" + "$-1\r\n".repeat(1_000);
        final List<StringBuilder> replies = new ArrayList<>();
        clients.forEach(client -> replies.add(new StringBuilder()));
        int passes = 0;
        while (replies.stream().anyMatch(r -> r.length() < 10 * oneReply.length()) && passes < 10_000)
        {
            nowNs += 1_000;
            raft.time(nowNs);
            node.pollClients();
            raft.tick(nowNs);
            raft.replicate();
            raft.flush();
            node.afterFlush();
            for (int c = 0; c < clients.size(); c++)
            {
                replies.get(c).append(clients.get(c).receive());
            }
            passes++;
        }

        for (int c = 0; c < clients.size(); c++)
        {
            assertEquals(oneReply.repeat(10), replies.get(c).toString(), "every reply of client " + c + ", in order");
        }
        // each client's reads bring a MGET or two a pass; forty of them together pass the budget
        assertTrue(node.passesOverBudget() > 0, node.passesOverBudget() + " passes over the budget in " + passes);
    }
}

package io.raftis.transport;

import io.aeron.exceptions.RegistrationException;
import io.raftis.config.Context;
import io.raftis.config.TestSecrets;
import io.raftis.config.Member;
import io.raftis.raft.MemoryLog;
import io.raftis.raft.MemoryState;
import io.raftis.raft.RaftNode;
import io.raftis.raft.Role;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two members, each with its own {@link ClusterTransport} (embedded driver in INVOKER mode, UDP on 127.0.0.1), driven
 * on the test thread as RaftisNode's duty cycle drives them: they elect a leader and replicate an entry.
 */
class ClusterTransportTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path tempDir;

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Node[] nodes = new Node[2];

    @AfterEach
    void close()
    {
        for (final Node node : nodes)
        {
            if (null != node)
            {
                CloseHelper.quietCloseAll(node.transport, node.selector);
            }
        }
    }

    @Test
    void twoMembersElectOneLeaderAndReplicateAnEntryToBoth()
    {
        startTwoMembers();
        final Node leader = leader();
        final Node follower = follower();
        assertEquals(leader.raft.memberId(), leader.raft.leaderId());
        assertEquals(Role.FOLLOWER, follower.raft.role());
        assertEquals(leader.raft.term(), follower.raft.term());

        final byte[] command = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n".getBytes(StandardCharsets.US_ASCII);
        final long index = leader.raft.propose(new UnsafeBuffer(command), 0, command.length);
        assertTrue(index > 0, "the leader accepts a proposal: " + index);
        assertEquals(-1, follower.raft.propose(new UnsafeBuffer(command), 0, command.length));

        final String payload = new String(command, StandardCharsets.US_ASCII);
        runUntil(
            () -> leader.stateMachine.hasApplied(index, payload) && follower.stateMachine.hasApplied(index, payload),
            "entry " + index + " applied on both members");

        assertEquals(index, leader.log.lastIndex());
        assertEquals(index, follower.log.lastIndex());
        assertEquals(payload, follower.log.payload(index));
        assertTrue(leader.transport.counters().messagesSent > 0);
        assertTrue(follower.transport.counters().messagesReceived > 0);
        assertEquals(0, follower.transport.counters().foreignClusterMessages);
        assertEquals(0, leader.transport.counters().unknownMessages);
        assertTrue(errors.isEmpty(), errors::toString);

        final File[] aeronDirs = { new File(nodes[0].ctx.aeronDir()), new File(nodes[1].ctx.aeronDir()) };
        assertTrue(aeronDirs[0].isDirectory() && aeronDirs[1].isDirectory());
        nodes[0].transport.close();
        nodes[1].transport.close();
        assertFalse(aeronDirs[0].exists(), "aeron dir of member 1 deleted on close");
        assertFalse(aeronDirs[1].exists(), "aeron dir of member 2 deleted on close");
        assertTrue(errors.isEmpty(), errors::toString);
    }

    /**
     * What lets an idle member block in its selector: every socket the driver opens (the subscription's and each
     * publication's, where status messages come back) is registered with it, so that a datagram wakes the member.
     */
    @Test
    void aDatagramWakesTheSelectorOfAnIdleMember() throws IOException
    {
        startTwoMembers();
        final Node leader = leader();
        final Node follower = follower();
        for (final Node node : nodes)
        {
            assertEquals(2, node.selector.keys().size(), "the subscription's socket and the publication's");
            for (final SelectionKey key : node.selector.keys())
            {
                assertEquals(ClusterTransport.UDP_KEY, key.attachment());
                assertEquals(SelectionKey.OP_READ, key.interestOps());
            }
        }

        // the follower takes in all that has arrived, while the leader stays still: nothing is left to read
        while (follower.selector.selectNow(key -> {}) > 0)
        {
            follower.doWork(System.nanoTime());
        }
        final byte[] command = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        final long index = leader.raft.propose(new UnsafeBuffer(command), 0, command.length);
        leader.doWork(System.nanoTime());

        // the append wakes it; a status message from the leader's driver may come in at the same time
        final List<Object> ready = new ArrayList<>();
        assertTrue(follower.selector.select(key -> ready.add(key.attachment()), TimeUnit.SECONDS.toMillis(60)) >= 1,
            "the append woke the follower's selector");
        assertTrue(ready.stream().allMatch(ClusterTransport.UDP_KEY::equals), ready::toString);
        runUntil(() -> follower.raft.lastApplied() >= index, "entry " + index + " applied by the follower");
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void batchesLargerThanTheMtuAreReplicatedWhole()
    {
        startTwoMembers();
        final Node leader = leader();
        final Node follower = follower();

        // 100 entries of 3000 bytes: batches of up to 64 KiB, each carried in many 8 KiB fragments
        long lastIndex = 0;
        for (int i = 0; i < 100; i++)
        {
            final byte[] command = String.valueOf((char)('a' + i % 26)).repeat(3000).getBytes(StandardCharsets.US_ASCII);
            lastIndex = leader.raft.propose(new UnsafeBuffer(command), 0, command.length);
        }
        final long last = lastIndex;
        runUntil(() -> follower.raft.lastApplied() >= last && leader.raft.lastApplied() >= last,
            "entry " + last + " applied on both members");

        for (long i = last - 99; i <= last; i++)
        {
            assertEquals(leader.log.payload(i), follower.log.payload(i), "entry " + i);
        }
        assertArrayEquals(leader.log.frameBytes(1, last), follower.log.frameBytes(1, last));
        assertEquals(leader.stateMachine.applied, follower.stateMachine.applied);
        assertEquals(0, follower.transport.counters().unknownMessages);
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void transportWhoseRaftEndpointIsTakenFailsAndLeavesNoAeronDir() throws IOException
    {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1")))
        {
            final String memberList = "1=127.0.0.1:" + taken.getLocalPort() + ":" +
                RaftPublisherAdapterTest.freeUdpPort() + ",2=127.0.0.1:" + RaftPublisherAdapterTest.freeUdpPort() +
                ":" + RaftPublisherAdapterTest.freeUdpPort();
            final Context ctx = context(1, memberList).conclude();

            final RegistrationException ex =
                assertThrows(RegistrationException.class,
                    () -> new ClusterTransport(ctx, ctx.clusterSecret(), errors::add).close());

            assertTrue(ex.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), ex.getMessage());

            assertFalse(new File(ctx.aeronDir()).exists(), "aeron dir deleted after a failed start");
        }
    }

    @Test
    void membersSendFromTheConfiguredPortsSoThatEachLinkCanBeCut() throws IOException
    {
        final int sendPort1To2 = RaftPublisherAdapterTest.freeUdpPort();
        final int sendPort2To1 = RaftPublisherAdapterTest.freeUdpPort();
        startTwoMembers(sendPort1To2 - 2, sendPort2To1 - 1);

        for (final int port : new int[]{ sendPort1To2, sendPort2To1 })
        {
            try (DatagramSocket socket = new DatagramSocket(null))
            {
                assertThrows(BindException.class, () -> socket.bind(new InetSocketAddress("127.0.0.1", port)),
                    "a publication sends from port " + port);
            }
        }
        final byte[] command = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        final long index = leader().raft.propose(new UnsafeBuffer(command), 0, command.length);
        runUntil(() -> follower().raft.lastApplied() >= index, "entry " + index + " applied by the follower");
        assertTrue(errors.isEmpty(), errors::toString);
    }

    private void startTwoMembers()
    {
        startTwoMembers(0, 0);
    }

    private void startTwoMembers(final int sendPortBase1, final int sendPortBase2)
    {
        final String memberList = "1=127.0.0.1:" + RaftPublisherAdapterTest.freeUdpPort() + ":" +
            RaftPublisherAdapterTest.freeUdpPort() + ",2=127.0.0.1:" + RaftPublisherAdapterTest.freeUdpPort() + ":" +
            RaftPublisherAdapterTest.freeUdpPort();
        final long nowNs = System.nanoTime();
        nodes[0] = new Node(context(1, memberList).raftSendPortBase(sendPortBase1).conclude(), nowNs);
        nodes[1] = new Node(context(2, memberList).raftSendPortBase(sendPortBase2).conclude(), nowNs);
        assertEquals(nodes[0].ctx.clusterSecret().clusterId(), nodes[1].ctx.clusterSecret().clusterId());

        runUntil(() -> nodes[0].transport.connectedPeers() == 1 && nodes[1].transport.connectedPeers() == 1 &&
            leader() != null && follower() != null && follower().raft.leaderId() == leader().raft.memberId(),
            "one leader and one follower that knows it");
    }

    private Context context(final int memberId, final String memberList)
    {
        return new Context()
            .memberId(memberId)
            .members(memberList)
            .aeronDir(tempDir.resolve("aeron-" + memberId).toString())
            .dataDir(tempDir.resolve("data-" + memberId).toFile())
            .clusterSecretFile(TestSecrets.shared().toFile())
            // generous for a loaded machine: the test needs one leader throughout, and both members run on the test
            // thread, so a stall of that thread longer than an election timeout would depose the leader
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(1_000))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))
            .termLength(1024 * 1024)
            .maxBatchBytes(64 * 1024);
    }

    private Node leader()
    {
        for (final Node node : nodes)
        {
            if (node.raft.isLeader())
            {
                return node;
            }
        }
        return null;
    }

    private Node follower()
    {
        for (final Node node : nodes)
        {
            if (Role.FOLLOWER == node.raft.role())
            {
                return node;
            }
        }
        return null;
    }

    private void runUntil(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs > 0)
            {
                fail("timed out waiting for " + what + ": " + nodes[0] + ", " + nodes[1] + ", errors " + errors);
            }
            int work = 0;
            for (final Node node : nodes)
            {
                work += node.doWork(nowNs);
            }
            if (0 == work)
            {
                Thread.yield();
            }
        }
    }

    private final class Node
    {
        final Context ctx;
        final ClusterTransport transport;
        final MemoryLog log = new MemoryLog();
        final MemoryState state = new MemoryState();
        final RecordingStateMachine stateMachine = new RecordingStateMachine();
        final RaftNode raft;
        final Selector selector;

        Node(final Context ctx, final long nowNs)
        {
            this.ctx = ctx;
            try
            {
                selector = Selector.open();
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
            transport = new ClusterTransport(ctx, ctx.clusterSecret(), errors::add, selector);
            final Member[] memberList = ctx.memberList();
            final int[] memberIds = new int[memberList.length];
            for (int i = 0; i < memberList.length; i++)
            {
                memberIds[i] = memberList[i].id();
            }
            raft = new RaftNode(
                ctx.memberId(),
                memberIds,
                log,
                state,
                transport.publisher(),
                stateMachine,
                new Random(ctx.memberId()),
                ctx.electionTimeoutNs(),
                ctx.heartbeatIntervalNs(),
                Math.min(ctx.maxBatchBytes(), transport.publisher().maxEntriesLength()),
                ctx.maxInflightBytes(),
                nowNs);
            transport.bind(raft);
        }

        /**
         * One pass of RaftisNode's duty cycle, less the clients.
         */
        int doWork(final long nowNs)
        {
            int work = transport.doWork();
            work += raft.tick(nowNs);
            work += raft.replicate();
            work += transport.send();
            work += raft.flush();
            return work;
        }

        public String toString()
        {
            return "member " + raft.memberId() + " " + raft.role() + " term " + raft.term() + " leader " +
                raft.leaderId() + " lastIndex " + raft.lastIndex() + " commit " + raft.commitIndex() +
                " connected " + transport.connectedPeers();
        }
    }
}

package io.raftis.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.MemoryLog;
import io.raftis.raft.MemoryState;
import io.raftis.raft.RaftNode;
import io.raftis.raft.Role;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link RaftPublisher} of member 1 → a real Aeron UDP loopback path through one embedded media driver →
 * {@link FragmentAssembler} → {@link RaftAdapter} → the {@link RaftNode} of member 2 of members {1, 2, 3}, whose
 * own answers go to a {@link RecordingTransport}.
 */
class RaftPublisherAdapterTest
{
    private static final long CLUSTER_ID = 0x0123_4567_89AB_CDEFL;
    private static final long FOREIGN_CLUSTER_ID = 0x7EDC_BA98_7654_3210L;
    private static final byte[] MAC_KEY = "the key of this test's cluster!!".getBytes(StandardCharsets.US_ASCII);
    private static final int LEADER_ID = 1;
    private static final int NODE_ID = 2;
    private static final int MTU = 8 * 1024;
    private static final int TERM_LENGTH = 4 * 1024 * 1024;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Past the node's start by more than an election timeout, before its election deadline of 1.5 timeouts. */
    private static final long VOTING_TIME_NS = ELECTION_TIMEOUT_NS + ELECTION_TIMEOUT_NS / 4;

    @TempDir
    static Path tempDir;
    private static MediaDriver driver;
    private static Aeron aeron;
    private static String channel;
    private static int nextStreamId = 2001;

    private ExclusivePublication publication;
    private Subscription subscription;
    private final TransportCounters senderCounters = new TransportCounters();
    private final TransportCounters receiverCounters = new TransportCounters();
    private final List<Throwable> adapterErrors = new ArrayList<>();
    private final Int2ObjectHashMap<Publication> publicationByMember = new Int2ObjectHashMap<>();
    private RaftPublisher publisher;

    private final MemoryLog log = new MemoryLog();
    private final MemoryState state = new MemoryState();
    private final RecordingTransport nodeTransport = new RecordingTransport();
    private final RecordingStateMachine stateMachine = new RecordingStateMachine();
    private RaftNode raft;
    private FragmentAssembler assembler;

    @BeforeAll
    static void launchDriver() throws IOException
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(tempDir.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        channel = new ChannelUriStringBuilder()
            .media("udp")
            .endpoint("127.0.0.1:" + freeUdpPort())
            .termLength(TERM_LENGTH)
            .mtu(MTU)
            .build();
    }

    @AfterAll
    static void closeDriver()
    {
        final File aeronDir = new File(driver.aeronDirectoryName());
        CloseHelper.closeAll(aeron, driver);
        assertFalse(aeronDir.exists(), "aeron dir deleted on shutdown: " + aeronDir);
    }

    @BeforeEach
    void connect()
    {
        final int streamId = nextStreamId++;
        subscription = aeron.addSubscription(channel, streamId);
        publication = aeron.addExclusivePublication(channel, streamId);
        publicationByMember.put(NODE_ID, publication);
        publisher = new RaftPublisher(CLUSTER_ID, LEADER_ID, MAC_KEY, publicationByMember, senderCounters);

        raft = new RaftNode(
            NODE_ID,
            new int[]{ 1, 2, 3 },
            log,
            state,
            nodeTransport,
            stateMachine,
            new HalfwayRandom(),
            ELECTION_TIMEOUT_NS,
            HEARTBEAT_INTERVAL_NS,
            64 * 1024,
            256 * 1024,
            0);
        raft.tick(VOTING_TIME_NS);
        assertEquals(Role.FOLLOWER, raft.role());
        assembler = new FragmentAssembler(
            new RaftAdapter(CLUSTER_ID, NODE_ID, MAC_KEY, raft, adapterErrors::add, receiverCounters));

        awaitTrue(() -> publication.isConnected() && subscription.isConnected(), "publication to connect");
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(publication, subscription);
    }

    @Test
    void requestVoteIsAnsweredWithAGrantedVote()
    {
        awaitTrue(() -> publisher.sendRequestVote(NODE_ID, 1, 0, 0, false, false), "send RequestVote");

        pollUntil(() -> !nodeTransport.voteResponses.isEmpty(), "the vote response");

        assertEquals(List.of(new RecordingTransport.VoteResponse(LEADER_ID, 1, true)), nodeTransport.voteResponses);
        assertEquals(1, raft.term());
        assertEquals(LEADER_ID, raft.votedFor());
        assertEquals(1, receiverCounters.messagesReceived);
        assertEquals(1, senderCounters.messagesSent);
        assertEquals(0, receiverCounters.foreignClusterMessages);
        assertEquals(0, receiverCounters.unknownMessages);
        assertTrue(adapterErrors.isEmpty(), adapterErrors::toString);
    }

    @Test
    void requestVoteOfAStaleLogIsAnsweredWithARefusal()
    {
        log.append(2, EntryFrame.TYPE_COMMAND, new UnsafeBuffer(new byte[4]), 0, 4);
        awaitTrue(() -> publisher.sendRequestVote(NODE_ID, 3, 5, 1, false, false), "send RequestVote");

        pollUntil(() -> !nodeTransport.voteResponses.isEmpty(), "the vote response");

        assertEquals(List.of(new RecordingTransport.VoteResponse(LEADER_ID, 3, false)), nodeTransport.voteResponses);
        assertEquals(RaftNode.NO_MEMBER, raft.votedFor());
    }

    @Test
    void appendEntriesOfThreeFramesAreAppendedAndAcknowledged()
    {
        final UnsafeBuffer frames = TestFrames.commands(1, "SET a 1", "SET b 22", "SET c 333");
        // the frames sit inside a larger buffer of the leader's log, not at its start
        final int offset = 40;
        final ExpandableArrayBuffer leaderLog = new ExpandableArrayBuffer(offset + frames.capacity() + 64);
        leaderLog.setMemory(0, leaderLog.capacity(), (byte)0x77);
        leaderLog.putBytes(offset, frames, 0, frames.capacity());

        awaitTrue(
            () -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 2, 5, leaderLog, offset, frames.capacity(), 3, true),
            "send AppendEntries");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "AppendEntries");
        raft.flush();

        assertEquals(3, log.lastIndex());
        assertArrayEquals(TestFrames.bytes(frames), log.frameBytes(1, 3));
        assertEquals("SET c 333", log.payload(3));
        assertEquals(1, log.syncs());
        assertEquals(
            List.of(new RecordingTransport.AppendEntriesResponse(LEADER_ID, 1, true, 3, 0, 5)),
            nodeTransport.appendEntriesResponses);
        assertEquals(LEADER_ID, raft.leaderId());
        assertEquals(2, raft.commitIndex());
        assertEquals(
            List.of(
                new RecordingStateMachine.Applied(1, 1, EntryFrame.TYPE_COMMAND, "SET a 1"),
                new RecordingStateMachine.Applied(2, 1, EntryFrame.TYPE_COMMAND, "SET b 22")),
            stateMachine.applied);
        assertTrue(adapterErrors.isEmpty(), adapterErrors::toString);
    }

    @Test
    void heartbeatWithoutEntriesIsAcknowledgedWithTheMatchingIndex()
    {
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);

        awaitTrue(() -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 0, 9, empty, 0, 0, 0, true), "send heartbeat");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "the heartbeat");
        raft.flush();

        assertEquals(0, log.lastIndex());
        assertEquals(
            List.of(new RecordingTransport.AppendEntriesResponse(LEADER_ID, 1, true, 0, 0, 9)),
            nodeTransport.appendEntriesResponses);
        assertEquals(LEADER_ID, raft.leaderId());
    }

    @Test
    void appendEntriesResponseAndVoteResponseReachTheCoreAsSent()
    {
        // a pre-candidate, then a candidate of term 1: its peers' answers must reach it intact
        raft.tick(2 * ELECTION_TIMEOUT_NS);
        assertEquals(Role.PRE_CANDIDATE, raft.role());
        assertEquals(0, raft.term(), "a pre-vote raises no term");
        assertEquals(2, nodeTransport.requestVotes, "asked members 1 and 3 for pre-votes");

        awaitTrue(() -> publisher.sendVoteResponse(NODE_ID, 1, true, true), "send the pre-vote response");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "the pre-vote response");
        assertEquals(Role.CANDIDATE, raft.role());
        assertEquals(1, raft.term());
        assertEquals(4, nodeTransport.requestVotes, "asked members 1 and 3 for votes");

        awaitTrue(() -> publisher.sendVoteResponse(NODE_ID, 1, true, false), "send the vote response");
        pollUntil(() -> receiverCounters.messagesReceived == 2, "the vote response");

        assertEquals(Role.LEADER, raft.role(), "one granted vote of three members makes a majority");
        assertEquals(0, raft.matchIndexOf(LEADER_ID), "a new leader knows of no entry on its peers");

        raft.replicate(); // the no-op at index 1 goes to members 1 and 3 in round 1
        raft.flush(); // and is synced here
        awaitTrue(() -> publisher.sendAppendEntriesResponse(NODE_ID, 1, true, 1, 0, 1), "send the append response");
        pollUntil(() -> receiverCounters.messagesReceived == 3, "the append response");
        raft.flush();

        assertEquals(1, raft.matchIndexOf(LEADER_ID));
        assertEquals(1, raft.commitIndex(), "the no-op is on a majority: this member and member 1");
        assertEquals(0, receiverCounters.foreignClusterMessages);
    }

    @Test
    void messagesOfAnotherClusterAreIgnoredAndCounted()
    {
        final RaftPublisher foreign =
            new RaftPublisher(FOREIGN_CLUSTER_ID, LEADER_ID, MAC_KEY, publicationByMember, new TransportCounters());
        final UnsafeBuffer frames = TestFrames.commands(1, "SET x 1");

        awaitTrue(() -> foreign.sendRequestVote(NODE_ID, 1, 0, 0, false, false), "send RequestVote");
        awaitTrue(() -> foreign.sendVoteResponse(NODE_ID, 1, true, false), "send RequestVoteResponse");
        awaitTrue(
            () -> foreign.sendAppendEntries(NODE_ID, 1, 0, 0, 1, 1, frames, 0, frames.capacity(), 1, true),
            "send AppendEntries");
        awaitTrue(() -> foreign.sendAppendEntriesResponse(NODE_ID, 1, true, 1, 0, 1), "send AppendEntriesResponse");
        pollUntil(() -> receiverCounters.messagesReceived == 4, "four foreign messages");
        raft.flush();

        assertEquals(4, receiverCounters.foreignClusterMessages);
        assertEquals(0, raft.term());
        assertEquals(0, log.lastIndex());
        assertEquals(RaftNode.NO_MEMBER, raft.leaderId());
        assertTrue(nodeTransport.voteResponses.isEmpty());
        assertTrue(nodeTransport.appendEntriesResponses.isEmpty());
        assertEquals(1, adapterErrors.size(), "reported once per foreign cluster, not per message");
        final String message = adapterErrors.get(0).getMessage();
        assertTrue(message.contains(String.format("%016x", FOREIGN_CLUSTER_ID)), message);
        assertTrue(message.contains(String.format("%016x", CLUSTER_ID)), message);

        // this cluster's own messages still get through on the same stream
        awaitTrue(() -> publisher.sendRequestVote(NODE_ID, 1, 0, 0, false, false), "send RequestVote");
        pollUntil(() -> !nodeTransport.voteResponses.isEmpty(), "the vote response");
        assertEquals(List.of(new RecordingTransport.VoteResponse(LEADER_ID, 1, true)), nodeTransport.voteResponses);
        assertEquals(4, receiverCounters.foreignClusterMessages);
    }

    @ParameterizedTest(name = "byte {0} of the run flipped")
    @ValueSource(ints = { 0, 5, 9, 17, 24 + 2, 32 + 24 + 3, 2 * 32 + 8 })
    void appendEntriesWithACorruptFrameIsDroppedWhole(final int corruptByte)
    {
        // three frames of 24 + 8 = 32 bytes each; flipping a byte of length, checksum, term, type or payload
        final UnsafeBuffer frames = TestFrames.commands(1, "SET a 1", "SET b 2", "SET c 3");
        assertEquals(96, frames.capacity());
        final UnsafeBuffer corrupt = new UnsafeBuffer(TestFrames.bytes(frames));
        corrupt.putByte(corruptByte, (byte)(corrupt.getByte(corruptByte) ^ 0x10));

        awaitTrue(
            () -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 3, 1, corrupt, 0, corrupt.capacity(), 3, true),
            "send the corrupt AppendEntries");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "the corrupt AppendEntries");
        raft.flush();

        assertEquals(0, log.lastIndex(), "nothing of a corrupt run is appended");
        assertEquals(0, raft.commitIndex());
        assertTrue(stateMachine.applied.isEmpty());
        assertTrue(nodeTransport.appendEntriesResponses.isEmpty(), "dropped as if lost: no answer");

        // the same run intact is then taken whole
        awaitTrue(
            () -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 3, 2, frames, 0, frames.capacity(), 3, true),
            "send the intact AppendEntries");
        pollUntil(() -> receiverCounters.messagesReceived == 2, "the intact AppendEntries");
        raft.flush();

        assertEquals(3, log.lastIndex());
        assertArrayEquals(TestFrames.bytes(frames), log.frameBytes(1, 3));
        assertEquals(
            List.of(new RecordingTransport.AppendEntriesResponse(LEADER_ID, 1, true, 3, 0, 2)),
            nodeTransport.appendEntriesResponses);
    }

    @ParameterizedTest(name = "entryCount {0} for 3 frames")
    @ValueSource(ints = { 0, 2, 4 })
    void appendEntriesWhoseCountDisagreesWithItsFramesIsDropped(final int entryCount)
    {
        final UnsafeBuffer frames = TestFrames.commands(1, "SET a 1", "SET b 2", "SET c 3");

        awaitTrue(
            () -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 0, 1, frames, 0, frames.capacity(), entryCount, true),
            "send AppendEntries");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "AppendEntries");
        raft.flush();

        assertEquals(0, log.lastIndex());
        assertTrue(nodeTransport.appendEntriesResponses.isEmpty());
    }

    @Test
    void appendEntriesFarLargerThanTheMtuArrivesWhole()
    {
        final UnsafeBuffer frames = TestFrames.commandsOfLength(1, 100, 2048);
        final int length = frames.capacity();
        assertTrue(length > 200 * 1024, "over 200 KiB: " + length);
        assertTrue(length > 20 * MTU);
        assertTrue(publisher.maxEntriesLength() >= length, "fits in one message: " + publisher.maxEntriesLength());

        awaitTrue(
            () -> publisher.sendAppendEntries(NODE_ID, 1, 0, 0, 100, 3, frames, 0, length, 100, true),
            "send AppendEntries");
        pollUntil(() -> receiverCounters.messagesReceived == 1, "the reassembled AppendEntries");
        raft.flush();

        assertEquals(100, log.lastIndex());
        assertArrayEquals(TestFrames.bytes(frames), log.frameBytes(1, 100));
        assertEquals(
            List.of(new RecordingTransport.AppendEntriesResponse(LEADER_ID, 1, true, 100, 0, 3)),
            nodeTransport.appendEntriesResponses);
        assertEquals(100, stateMachine.applied.size());
        assertEquals("z".repeat(2048), stateMachine.applied.get(25).payload());
        assertEquals(0, receiverCounters.unknownMessages);
    }

    @Test
    void messagesSignedWithAnotherKeyAreDroppedUnreadAndCounted()
    {
        final RaftPublisher stranger = new RaftPublisher(CLUSTER_ID, LEADER_ID,
            "a key of another cluster, guessed".getBytes(StandardCharsets.US_ASCII), publicationByMember,
            new TransportCounters());
        final UnsafeBuffer frames = TestFrames.commands(1, "SET x 1");

        awaitTrue(() -> stranger.sendRequestVote(NODE_ID, 1, 0, 0, false, false), "send RequestVote");
        awaitTrue(() -> stranger.sendTimeoutNow(NODE_ID, 1), "send TimeoutNow");
        awaitTrue(
            () -> stranger.sendAppendEntries(NODE_ID, 1, 0, 0, 1, 1, frames, 0, frames.capacity(), 1, true),
            "send AppendEntries");
        pollUntil(() -> receiverCounters.unauthenticatedMessages == 3, "three unauthenticated messages");
        raft.flush();

        assertEquals(0, receiverCounters.messagesReceived);
        assertEquals(0, raft.term());
        assertEquals(0, log.lastIndex());
        assertEquals(RaftNode.NO_MEMBER, raft.leaderId());
        assertTrue(nodeTransport.voteResponses.isEmpty());
        assertTrue(nodeTransport.appendEntriesResponses.isEmpty());
    }

    @Test
    void aMessageSignedForAnotherMemberIsNotAcceptedByThisOne()
    {
        final MessageAuthenticator authenticator = new MessageAuthenticator(MAC_KEY);
        final UnsafeBuffer message = requestVote(authenticator, 3); // signed for member 3, delivered to member 2

        awaitTrue(() -> publication.offer(message) > 0, "offer the message");
        pollUntil(() -> receiverCounters.unauthenticatedMessages == 1, "the message");

        assertTrue(nodeTransport.voteResponses.isEmpty());
        final UnsafeBuffer forThisMember = requestVote(authenticator, NODE_ID);
        awaitTrue(() -> publication.offer(forThisMember) > 0, "offer the message");
        pollUntil(() -> !nodeTransport.voteResponses.isEmpty(), "the vote response");
    }

    @Test
    void fragmentsTooShortForATagOrWithoutOneAreUnauthenticated()
    {
        final UnsafeBuffer otherSchema = new UnsafeBuffer(new byte[64]);
        otherSchema.putShort(4, (short)1); // templateId 1 of schema 0
        final UnsafeBuffer tooShort = new UnsafeBuffer(new byte[5]);

        awaitTrue(() -> publication.offer(otherSchema) > 0, "offer a message of another schema");
        awaitTrue(() -> publication.offer(tooShort) > 0, "offer a message too short for a tag");
        pollUntil(() -> receiverCounters.unauthenticatedMessages == 2, "two unauthenticated messages");

        assertEquals(0, receiverCounters.messagesReceived);
        assertEquals(0, raft.term());
        assertTrue(nodeTransport.voteResponses.isEmpty());
    }

    /**
     * A RequestVote of term 1 from member 1, with its tag, as the publisher would send it to member {@code to}.
     */
    private static UnsafeBuffer requestVote(final MessageAuthenticator authenticator, final int to)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageAuthenticator.TAG_LENGTH +
            io.raftis.codecs.MessageHeaderEncoder.ENCODED_LENGTH + io.raftis.codecs.RequestVoteEncoder.BLOCK_LENGTH]);
        new io.raftis.codecs.RequestVoteEncoder()
            .wrapAndApplyHeader(buffer, MessageAuthenticator.TAG_LENGTH, new io.raftis.codecs.MessageHeaderEncoder())
            .clusterId(CLUSTER_ID)
            .term(1)
            .candidateId(LEADER_ID)
            .lastLogIndex(0)
            .lastLogTerm(0)
            .preVote(io.raftis.codecs.BooleanType.FALSE)
            .transfer(io.raftis.codecs.BooleanType.FALSE);
        authenticator.sign(to, buffer, MessageAuthenticator.TAG_LENGTH,
            buffer.capacity() - MessageAuthenticator.TAG_LENGTH, null, 0, 0);
        return buffer;
    }

    @Test
    void sendingToAMemberWithoutAPublicationFails()
    {
        assertFalse(publisher.sendRequestVote(3, 1, 0, 0, false, false));
        assertFalse(publisher.isConnected(3));
        assertTrue(publisher.isConnected(NODE_ID));
        assertEquals(0, senderCounters.messagesSent);
    }

    private void pollUntil(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            if (0 == subscription.poll(assembler, 16))
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("timed out waiting for " + what);
                }
                Thread.yield();
            }
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting to " + what);
            }
            Thread.yield();
        }
    }

    static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Puts the election deadline at 1.5 election timeouts, so that the test knows when the node votes and when it
     * would start an election.
     */
    static final class HalfwayRandom extends Random
    {
        public double nextDouble()
        {
            return 0.5;
        }
    }
}

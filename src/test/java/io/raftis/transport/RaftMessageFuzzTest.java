package io.raftis.transport;

import io.raftis.codecs.AppendEntriesEncoder;
import io.raftis.codecs.AppendEntriesResponseEncoder;
import io.raftis.codecs.BooleanType;
import io.raftis.codecs.MessageHeaderEncoder;
import io.raftis.codecs.RequestVoteEncoder;
import io.raftis.codecs.RequestVoteResponseEncoder;
import io.raftis.codecs.TimeoutNowEncoder;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.MemoryLog;
import io.raftis.raft.MemoryState;
import io.raftis.raft.RaftNode;
import io.raftis.raft.Role;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of what peers send: valid Raft messages of every kind with fields drawn from the edges of their
 * ranges, then mutated (bits flipped, cut short, lengthened, header fields changed, bytes replaced by noise), some
 * signed again as a member holding the secret would, some not. Each goes through {@link RaftAdapter} to a
 * {@link RaftNode} that is a follower or a leader with a log.
 * <p>
 * It holds that: nothing throws, except the core's fail-stop on a message contradicting a committed entry (which
 * only a member that breaks Raft could send); a message whose MAC does not verify changes nothing and gets no
 * answer; the node's own invariants hold after every message (commit within the log, log terms within the current
 * term, no term beyond {@link RaftNode#MAX_TERM}); and every kind of drop was exercised. Replay one seed with
 * {@code -Draftis.fuzz.seed=S}; run more with {@code -Draftis.fuzz.cases=N}.
 */
class RaftMessageFuzzTest
{
    private static final byte[] MAC_KEY = "the key of the fuzzed cluster!!!".getBytes(StandardCharsets.US_ASCII);
    private static final long CLUSTER_ID = 0x5EED_0000_0000_0001L;
    private static final long T = TimeUnit.MILLISECONDS.toNanos(150);
    private static final int TAG = MessageAuthenticator.TAG_LENGTH;
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final MessageAuthenticator signer = new MessageAuthenticator(MAC_KEY);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private final TransportCounters counters = new TransportCounters();
    private final List<Throwable> adapterErrors = new ArrayList<>();
    private RecordingTransport sent;
    private MemoryLog log;
    private RaftNode raft;
    private RaftAdapter adapter;
    private int target;
    private long failStops;
    private long acted;
    /** Fields of the message being encoded lie near the node's own terms and indices. */
    private boolean plausible;

    @Test
    void noMessageAPeerCanSendCrashesTheNodeOrIsActedOnUnauthenticated()
    {
        final long seed = Long.getLong("raftis.fuzz.seed", 20261130L);
        final int cases = Integer.getInteger("raftis.fuzz.cases", 20_000);
        final Random random = new Random(seed);
        long outOfRange = 0;
        long unknownSender = 0;
        for (int i = 0; i < cases; i++)
        {
            if (i % 500 == 0)
            {
                if (null != raft)
                {
                    outOfRange += raft.outOfRangeMessages();
                    unknownSender += raft.unknownSenderMessages();
                }
                newTarget(random.nextBoolean());
            }
            final String what = "seed " + seed + " case " + i;
            try
            {
                fuzzOne(random, what);
            }
            catch (final AssertionError ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                throw new AssertionError(what + ": " + ex, ex);
            }
        }
        outOfRange += raft.outOfRangeMessages();
        unknownSender += raft.unknownSenderMessages();

        final String summary = "unauthenticated " + counters.unauthenticatedMessages + ", unknown " +
            counters.unknownMessages + ", malformed " + counters.malformedMessages + ", foreign cluster " +
            counters.foreignClusterMessages + ", out of range " + outOfRange + ", unknown sender " + unknownSender +
            ", acted on " + acted + ", fail-stops " + failStops;
        System.out.println("RaftMessageFuzzTest: " + cases + " cases: " + summary);
        assertTrue(counters.unauthenticatedMessages > cases / 10, summary);
        assertTrue(counters.unknownMessages > 0, summary);
        assertTrue(counters.malformedMessages > 0, summary);
        assertTrue(counters.foreignClusterMessages > 0, summary);
        assertTrue(outOfRange > cases / 20, summary);
        assertTrue(unknownSender > 0, summary);
        assertTrue(acted > cases / 100, summary);
    }

    private void fuzzOne(final Random random, final String what)
    {
        int length = encode(random);
        final int mutation = random.nextInt(8);
        boolean signed = true;
        switch (mutation)
        {
            case 0, 1 ->
            {
                // as sent
            }
            case 2 ->
            {
                // bits flipped anywhere, tag included, and not signed again: a damaged or tampered message
                signed = flipBits(random, 0, length);
            }
            case 3 ->
            {
                // fields flipped and signed again: a member gone wrong
                flipBits(random, TAG, length);
                sign(length);
            }
            case 4 ->
            {
                // cut short or lengthened, signed again or not
                final int newLength = random.nextBoolean() ? random.nextInt(length + 1) :
                    length + 1 + random.nextInt(64);
                for (int i = length; i < newLength; i++)
                {
                    buffer.putByte(i, (byte)random.nextInt());
                }
                signed = newLength == length;
                length = newLength;
                if (random.nextBoolean() && length >= TAG)
                {
                    sign(length);
                    signed = true;
                }
            }
            case 5 ->
            {
                // a header field replaced, signed again
                if (length >= TAG + HEADER)
                {
                    final int field = TAG + 2 * random.nextInt(4);
                    buffer.putShort(field, (short)interestingShort(random), ByteOrder.LITTLE_ENDIAN);
                    sign(length);
                }
            }
            case 6 ->
            {
                // noise, signed
                length = random.nextInt(200);
                for (int i = 0; i < length; i++)
                {
                    buffer.putByte(i, (byte)random.nextInt());
                }
                if (length >= TAG)
                {
                    sign(length);
                }
                else
                {
                    signed = false;
                }
            }
            default ->
            {
                // the tag of a message addressed to another member
                if (length >= TAG)
                {
                    signer.sign(target == 1 ? 2 : 1, buffer, TAG, length - TAG, null, 0, 0);
                    signed = false;
                }
            }
        }
        deliver(length, signed, what);
    }

    private void deliver(final int length, final boolean signed, final String what)
    {
        final long term = raft.term();
        final int votedFor = raft.votedFor();
        final long lastIndex = log.lastIndex();
        final long commitIndex = raft.commitIndex();
        final Role role = raft.role();
        final int leaderId = raft.leaderId();
        final int answers = sent.voteResponses.size() + sent.appendEntriesResponses.size();
        final long unauthenticated = counters.unauthenticatedMessages;
        try
        {
            adapter.onFragment(new UnsafeBuffer(buffer.byteArray(), 0, Math.max(length, 0)), 0, length, null);
            raft.flush();
        }
        catch (final IllegalStateException ex)
        {
            if (!String.valueOf(ex.getMessage()).contains("conflicts with committed entry"))
            {
                throw ex;
            }
            failStops++; // the core stops rather than rewrite a committed entry: start a fresh node
            newTarget(1 == target);
            return;
        }

        if (!signed)
        {
            assertEquals(unauthenticated + 1, counters.unauthenticatedMessages, what + ": an unsigned message");
            assertEquals(term, raft.term(), what);
            assertEquals(votedFor, raft.votedFor(), what);
            assertEquals(lastIndex, log.lastIndex(), what);
            assertEquals(commitIndex, raft.commitIndex(), what);
            assertEquals(role, raft.role(), what);
            assertEquals(leaderId, raft.leaderId(), what);
            assertEquals(answers, sent.voteResponses.size() + sent.appendEntriesResponses.size(), what);
        }
        else if (term != raft.term() || lastIndex != log.lastIndex() || commitIndex != raft.commitIndex() ||
            votedFor != raft.votedFor() || role != raft.role() || leaderId != raft.leaderId() ||
            answers != sent.voteResponses.size() + sent.appendEntriesResponses.size())
        {
            acted++;
        }
        assertTrue(raft.term() <= RaftNode.MAX_TERM, what);
        assertTrue(raft.commitIndex() <= log.lastIndex(), what);
        for (long i = Math.max(1, log.lastIndex() - 8); i <= log.lastIndex(); i++)
        {
            assertTrue(log.termAt(i) <= raft.term() && log.termAt(i) >= 1, what + ": term of entry " + i);
        }
        for (final Throwable error : adapterErrors)
        {
            assertTrue(error.getMessage().startsWith("ignoring "), () -> what + ": " + error);
        }
        adapterErrors.clear();
    }

    /**
     * A fresh member 1 (leader of term 3) or 2 (follower of term 3, led by 1) of members 1..3, with a log of six
     * entries, the first four committed.
     */
    private void newTarget(final boolean leader)
    {
        log = new MemoryLog();
        final UnsafeBuffer payload = new UnsafeBuffer("SET k v".getBytes(StandardCharsets.US_ASCII));
        for (final long term : new long[]{ 1, 1, 2, 2, 2, 3 })
        {
            log.append(term, EntryFrame.TYPE_COMMAND, payload, 0, payload.capacity());
        }
        log.sync();
        final MemoryState state = new MemoryState();
        sent = new RecordingTransport();
        target = leader ? 1 : 2;
        state.update(leader ? 2 : 3, RaftNode.NO_MEMBER);
        raft = new RaftNode(target, new int[]{ 1, 2, 3 }, log, state, sent, new RecordingStateMachine(),
            new RaftPublisherAdapterTest.HalfwayRandom(), T, T / 4, 64 * 1024, 256 * 1024, 0);
        if (leader)
        {
            raft.tick(2 * T);
            raft.onRequestVoteResponse(2, 3, true, true);
            raft.onRequestVoteResponse(2, 3, true, false);
            assertTrue(raft.isLeader());
            raft.replicate();
            raft.flush();
            raft.onAppendEntriesResponse(2, 3, true, 4, 0, 1);
            raft.flush();
        }
        else
        {
            raft.onAppendEntries(1, 3, 6, 3, 4, 1, new UnsafeBuffer(new byte[0]), 0, 0, 0, true);
            raft.flush();
            assertEquals(4, raft.commitIndex());
        }
        adapter = new RaftAdapter(CLUSTER_ID, target, MAC_KEY, raft, adapterErrors::add, counters);
    }

    /**
     * @return the length of a signed message of a random kind with fields near the edges of their ranges.
     */
    private int encode(final Random random)
    {
        plausible = random.nextBoolean();
        final long clusterId = random.nextInt(40) == 0 ? CLUSTER_ID + 1 : CLUSTER_ID;
        final int from = random.nextInt(12) == 0 ? interestingInt(random) : 1 + random.nextInt(3);
        final int length;
        switch (random.nextInt(5))
        {
            case 0 -> length = HEADER + new RequestVoteEncoder().wrapAndApplyHeader(buffer, TAG, headerEncoder)
                .clusterId(clusterId)
                .term(interestingLong(random))
                .candidateId(from)
                .lastLogIndex(interestingLong(random))
                .lastLogTerm(interestingLong(random))
                .preVote(random.nextBoolean() ? BooleanType.TRUE : BooleanType.FALSE)
                .transfer(random.nextInt(8) == 0 ? BooleanType.TRUE : BooleanType.FALSE)
                .encodedLength();
            case 1 -> length = HEADER + new RequestVoteResponseEncoder().wrapAndApplyHeader(buffer, TAG, headerEncoder)
                .clusterId(clusterId)
                .term(interestingLong(random))
                .voterId(from)
                .granted(random.nextBoolean() ? BooleanType.TRUE : BooleanType.FALSE)
                .preVote(random.nextBoolean() ? BooleanType.TRUE : BooleanType.FALSE)
                .encodedLength();
            case 2 ->
            {
                final AppendEntriesEncoder encoder = new AppendEntriesEncoder()
                    .wrapAndApplyHeader(buffer, TAG, headerEncoder)
                    .clusterId(clusterId)
                    .term(interestingLong(random))
                    .leaderId(from)
                    .prevLogIndex(interestingLong(random))
                    .prevLogTerm(interestingLong(random))
                    .leaderCommit(interestingLong(random))
                    .sequence(interestingLong(random));
                final ExpandableArrayBuffer frames = new ExpandableArrayBuffer(256);
                final int count = random.nextInt(4);
                int framesLength = 0;
                long entryTerm = 1 + random.nextInt(4);
                for (int i = 0; i < count; i++)
                {
                    final byte[] payload = new byte[random.nextInt(20)];
                    random.nextBytes(payload);
                    entryTerm += random.nextInt(3) == 0 ? 1 : 0;
                    framesLength += EntryFrame.write(frames, framesLength, entryTerm, EntryFrame.TYPE_COMMAND,
                        new UnsafeBuffer(payload), 0, payload.length);
                }
                encoder.entryCount(random.nextInt(10) == 0 ? interestingInt(random) : count);
                encoder.putEntries(frames, 0, framesLength);
                length = HEADER + encoder.encodedLength();
            }
            case 3 -> length = HEADER + new AppendEntriesResponseEncoder()
                .wrapAndApplyHeader(buffer, TAG, headerEncoder)
                .clusterId(clusterId)
                .term(interestingLong(random))
                .followerId(from)
                .success(random.nextBoolean() ? BooleanType.TRUE : BooleanType.FALSE)
                .lastLogIndex(interestingLong(random))
                .sequence(interestingLong(random))
                .conflictTerm(interestingLong(random))
                .encodedLength();
            default -> length = HEADER + new TimeoutNowEncoder().wrapAndApplyHeader(buffer, TAG, headerEncoder)
                .clusterId(clusterId)
                .term(interestingLong(random))
                .leaderId(from)
                .encodedLength();
        }
        sign(TAG + length);
        return TAG + length;
    }

    private void sign(final int length)
    {
        signer.sign(target, buffer, TAG, length - TAG, null, 0, 0);
    }

    /**
     * @return whether the message is unchanged: flipping the same bit twice undoes it.
     */
    private boolean flipBits(final Random random, final int from, final int to)
    {
        if (to <= from)
        {
            return true;
        }
        final byte[] before = new byte[to - from];
        buffer.getBytes(from, before);
        final int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++)
        {
            final int index = from + random.nextInt(to - from);
            buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 << random.nextInt(8))));
        }
        final byte[] after = new byte[to - from];
        buffer.getBytes(from, after);
        return java.util.Arrays.equals(before, after);
    }

    /**
     * Values where range checks live: around zero, the node's own terms and indices, the largest legal values and
     * the ends of the type.
     */
    private long interestingLong(final Random random)
    {
        if (plausible)
        {
            return random.nextInt(9); // the node's terms are 1..3 and its indices 1..6
        }
        return switch (random.nextInt(12))
        {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(3);
            case 2 -> Long.MAX_VALUE - random.nextInt(3);
            case 3 -> Long.MIN_VALUE + random.nextInt(3);
            case 4 -> RaftNode.MAX_TERM + random.nextInt(3) - 1;
            case 5 -> RaftNode.MAX_INDEX + random.nextInt(3) - 1;
            case 6 -> random.nextLong();
            default -> random.nextInt(9);
        };
    }

    private static int interestingInt(final Random random)
    {
        return switch (random.nextInt(5))
        {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MAX_VALUE;
            case 3 -> Integer.MIN_VALUE;
            default -> random.nextInt(100);
        };
    }

    private static int interestingShort(final Random random)
    {
        return switch (random.nextInt(6))
        {
            case 0 -> 0;
            case 1 -> 0xFFFF;
            case 2 -> 1 + random.nextInt(6);
            case 3 -> 7001;
            case 4 -> random.nextInt(100);
            default -> random.nextInt(0x10000);
        };
    }
}

package io.raftis.transport;

import io.raftis.codecs.AppendEntriesDecoder;
import io.raftis.codecs.AppendEntriesEncoder;
import io.raftis.codecs.AppendEntriesResponseDecoder;
import io.raftis.codecs.AppendEntriesResponseEncoder;
import io.raftis.codecs.BooleanType;
import io.raftis.codecs.MessageHeaderDecoder;
import io.raftis.codecs.MessageHeaderEncoder;
import io.raftis.codecs.NodeStateDecoder;
import io.raftis.codecs.NodeStateEncoder;
import io.raftis.codecs.RequestVoteDecoder;
import io.raftis.codecs.RequestVoteEncoder;
import io.raftis.codecs.RequestVoteResponseDecoder;
import io.raftis.codecs.RequestVoteResponseEncoder;
import io.raftis.raft.EntryFrame;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message of raft-messages.xml survives an encode with the generated encoders and a decode with the generated
 * decoders, field for field, with SBE's precedence checks on (surefire's argLine sets them).
 */
class CodecRoundTripTest
{
    private static final long CLUSTER_ID = 0x1234_5678_9ABC_DEF0L;
    private static final int OFFSET = 16; // not at the start of the buffer, as in a term buffer

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @BeforeEach
    void fillBufferWithGarbage()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
    }

    @Test
    void precedenceChecksAreEnabledInTests()
    {
        assertEquals("true", System.getProperty("sbe.enable.precedence.checks"));

        final int length = encodeNodeState(7, 3, 2, "1=h:1:2");
        final NodeStateDecoder decoder = new NodeStateDecoder();
        decodeHeader(NodeStateDecoder.TEMPLATE_ID, NodeStateDecoder.BLOCK_LENGTH, length);
        decoder.wrap(buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        decoder.members();

        assertThrows(IllegalStateException.class, decoder::members, "var data read twice must be caught");
    }

    @Test
    void requestVoteRoundTripsEveryField()
    {
        final RequestVoteEncoder encoder = new RequestVoteEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .term(Long.MAX_VALUE - 1)
            .candidateId(3)
            .lastLogIndex(1L << 40)
            .lastLogTerm(41);
        encoder.checkEncodingIsComplete();
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        decodeHeader(RequestVoteDecoder.TEMPLATE_ID, RequestVoteDecoder.BLOCK_LENGTH, length);
        final RequestVoteDecoder decoder = new RequestVoteDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(CLUSTER_ID, decoder.clusterId());
        assertEquals(Long.MAX_VALUE - 1, decoder.term());
        assertEquals(3, decoder.candidateId());
        assertEquals(1L << 40, decoder.lastLogIndex());
        assertEquals(41, decoder.lastLogTerm());
        assertEquals(length - MessageHeaderDecoder.ENCODED_LENGTH, decoder.encodedLength());
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void requestVoteResponseRoundTripsEveryField(final boolean granted)
    {
        final RequestVoteResponseEncoder encoder = new RequestVoteResponseEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .term(17)
            .voterId(5)
            .granted(granted ? BooleanType.TRUE : BooleanType.FALSE);
        encoder.checkEncodingIsComplete();
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        decodeHeader(RequestVoteResponseDecoder.TEMPLATE_ID, RequestVoteResponseDecoder.BLOCK_LENGTH, length);
        final RequestVoteResponseDecoder decoder = new RequestVoteResponseDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(CLUSTER_ID, decoder.clusterId());
        assertEquals(17, decoder.term());
        assertEquals(5, decoder.voterId());
        assertEquals(granted ? BooleanType.TRUE : BooleanType.FALSE, decoder.granted());
        assertEquals(length - MessageHeaderDecoder.ENCODED_LENGTH, decoder.encodedLength());
    }

    @Test
    void appendEntriesWithNoEntriesIsAHeartbeatOfEmptyEntries()
    {
        assertAppendEntriesRoundTrips(TestFrames.commands(4), 0);
    }

    @Test
    void appendEntriesWithOneEntryCarriesItsFrameUnchanged()
    {
        assertAppendEntriesRoundTrips(TestFrames.commands(4, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), 1);
    }

    @Test
    void appendEntriesWithManyEntriesCarriesTheRunUnchanged()
    {
        final String[] payloads = new String[100];
        for (int i = 0; i < payloads.length; i++)
        {
            payloads[i] = "x".repeat(i); // every padding length, including an empty payload
        }
        assertAppendEntriesRoundTrips(TestFrames.commands(9, payloads), payloads.length);
    }

    @Test
    void appendEntriesCarriesANoopAndCommandsOfRisingTerms()
    {
        final ExpandableArrayBuffer frames = new ExpandableArrayBuffer(256);
        final UnsafeBuffer payload = new UnsafeBuffer("PING".getBytes());
        int length = EntryFrame.write(frames, 0, 2, EntryFrame.TYPE_NOOP, payload, 0, 0);
        length += EntryFrame.write(frames, length, 2, EntryFrame.TYPE_COMMAND, payload, 0, 4);
        length += EntryFrame.write(frames, length, 3, EntryFrame.TYPE_NOOP, payload, 0, 0);

        assertAppendEntriesRoundTrips(new UnsafeBuffer(frames.byteArray(), 0, length), 3);
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void appendEntriesResponseRoundTripsEveryField(final boolean success)
    {
        final AppendEntriesResponseEncoder encoder = new AppendEntriesResponseEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .term(8)
            .followerId(2)
            .success(success ? BooleanType.TRUE : BooleanType.FALSE)
            .lastLogIndex(123_456_789_012L)
            .sequence(99)
            .conflictTerm(success ? 0 : 7);
        encoder.checkEncodingIsComplete();
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        decodeHeader(AppendEntriesResponseDecoder.TEMPLATE_ID, AppendEntriesResponseDecoder.BLOCK_LENGTH, length);
        final AppendEntriesResponseDecoder decoder = new AppendEntriesResponseDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(CLUSTER_ID, decoder.clusterId());
        assertEquals(8, decoder.term());
        assertEquals(2, decoder.followerId());
        assertEquals(success ? BooleanType.TRUE : BooleanType.FALSE, decoder.success());
        assertEquals(123_456_789_012L, decoder.lastLogIndex());
        assertEquals(99, decoder.sequence());
        assertEquals(success ? 0 : 7, decoder.conflictTerm());
        assertEquals(length - MessageHeaderDecoder.ENCODED_LENGTH, decoder.encodedLength());
    }

    @Test
    void appendEntriesResponseOfVersionTwoDecodesWithoutAConflictTerm()
    {
        new AppendEntriesResponseEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .term(8)
            .followerId(2)
            .success(BooleanType.FALSE)
            .lastLogIndex(40)
            .sequence(3);
        // a version 2 sender's block ends before the conflict term
        final int versionTwoBlockLength = AppendEntriesResponseDecoder.conflictTermEncodingOffset();
        final AppendEntriesResponseDecoder decoder = new AppendEntriesResponseDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, versionTwoBlockLength, 2);

        assertEquals(40, decoder.lastLogIndex());
        assertEquals(3, decoder.sequence());
        assertEquals(AppendEntriesResponseDecoder.conflictTermNullValue(), decoder.conflictTerm());
    }

    @Test
    void nodeStateRoundTripsEveryFieldAndTheMemberList()
    {
        final String members = "1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6479,3=127.0.0.1:8903:6579";
        final int length = encodeNodeState(42, 2, 3, members);

        decodeHeader(NodeStateDecoder.TEMPLATE_ID, NodeStateDecoder.BLOCK_LENGTH, length);
        final NodeStateDecoder decoder = new NodeStateDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(CLUSTER_ID, decoder.clusterId());
        assertEquals(2, decoder.memberId());
        assertEquals(42, decoder.currentTerm());
        assertEquals(3, decoder.votedFor());
        assertEquals(members, decoder.members());
        assertEquals(length - MessageHeaderDecoder.ENCODED_LENGTH, decoder.encodedLength());
    }

    @Test
    void nodeStateRoundTripsAnEmptyMemberList()
    {
        final int length = encodeNodeState(0, 1, 0, "");

        decodeHeader(NodeStateDecoder.TEMPLATE_ID, NodeStateDecoder.BLOCK_LENGTH, length);
        final NodeStateDecoder decoder = new NodeStateDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(0, decoder.currentTerm());
        assertEquals(0, decoder.votedFor());
        assertEquals("", decoder.members());
    }

    private int encodeNodeState(final long term, final int memberId, final int votedFor, final String members)
    {
        final NodeStateEncoder encoder = new NodeStateEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .memberId(memberId)
            .currentTerm(term)
            .votedFor(votedFor)
            .members(members);
        encoder.checkEncodingIsComplete();
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private void assertAppendEntriesRoundTrips(final UnsafeBuffer frames, final int entryCount)
    {
        final byte[] sent = TestFrames.bytes(frames);
        assertEquals(entryCount, countValidFrames(frames, 0, frames.capacity()), "test frames must be valid");

        buffer.checkLimit(OFFSET + 256 + sent.length);
        final AppendEntriesEncoder encoder = new AppendEntriesEncoder()
            .wrapAndApplyHeader(buffer, OFFSET, headerEncoder)
            .clusterId(CLUSTER_ID)
            .term(4)
            .leaderId(1)
            .prevLogIndex(1000)
            .prevLogTerm(3)
            .leaderCommit(999)
            .sequence(77)
            .entryCount(entryCount)
            .putEntries(frames, 0, frames.capacity());
        encoder.checkEncodingIsComplete();
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        assertEquals(MessageHeaderEncoder.ENCODED_LENGTH + AppendEntriesEncoder.BLOCK_LENGTH +
            AppendEntriesEncoder.entriesHeaderLength() + sent.length, length);

        decodeHeader(AppendEntriesDecoder.TEMPLATE_ID, AppendEntriesDecoder.BLOCK_LENGTH, length);
        final AppendEntriesDecoder decoder = new AppendEntriesDecoder().wrap(
            buffer, OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertEquals(CLUSTER_ID, decoder.clusterId());
        assertEquals(4, decoder.term());
        assertEquals(1, decoder.leaderId());
        assertEquals(1000, decoder.prevLogIndex());
        assertEquals(3, decoder.prevLogTerm());
        assertEquals(999, decoder.leaderCommit());
        assertEquals(77, decoder.sequence());
        assertEquals(entryCount, decoder.entryCount());

        // as RaftAdapter reads them: a view over the received bytes
        final UnsafeBuffer entries = new UnsafeBuffer(0, 0);
        decoder.wrapEntries(entries);
        assertEquals(sent.length, entries.capacity());
        assertArrayEquals(sent, TestFrames.bytes(entries));
        assertEquals(entryCount, countValidFrames(entries, 0, entries.capacity()));
        assertEquals(length - MessageHeaderDecoder.ENCODED_LENGTH, decoder.encodedLength());

        // and as a copy
        final byte[] copied = new byte[sent.length];
        decoder.sbeRewind();
        assertEquals(sent.length, decoder.getEntries(copied, 0, copied.length));
        assertArrayEquals(sent, copied);
    }

    private void decodeHeader(final int templateId, final int blockLength, final int length)
    {
        assertTrue(length > MessageHeaderDecoder.ENCODED_LENGTH);
        headerDecoder.wrap(buffer, OFFSET);
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, headerDecoder.schemaId());
        assertEquals(MessageHeaderDecoder.SCHEMA_VERSION, headerDecoder.version());
        assertEquals(templateId, headerDecoder.templateId());
        assertEquals(blockLength, headerDecoder.blockLength());
    }

    private static int countValidFrames(final UnsafeBuffer frames, final int offset, final int limit)
    {
        int count = 0;
        int position = offset;
        while (position < limit)
        {
            final int aligned = EntryFrame.validate(frames, position, limit);
            assertTrue(aligned > 0, "invalid frame at " + position);
            position += aligned;
            count++;
        }
        assertEquals(limit, position);
        return count;
    }
}

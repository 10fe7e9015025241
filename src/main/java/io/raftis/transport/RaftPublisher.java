package io.raftis.transport;

import io.aeron.Publication;
import io.aeron.exceptions.AeronException;
import io.raftis.codecs.AppendEntriesEncoder;
import io.raftis.codecs.AppendEntriesResponseEncoder;
import io.raftis.codecs.BooleanType;
import io.raftis.codecs.MessageHeaderEncoder;
import io.raftis.codecs.RequestVoteEncoder;
import io.raftis.codecs.RequestVoteResponseEncoder;
import io.raftis.codecs.TimeoutNowEncoder;
import io.raftis.raft.RaftTransport;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes Raft messages with SBE and offers them to one exclusive Aeron publication per peer. Entries of an
 * AppendEntries are offered straight from the log's buffer as the second part of a gathered offer, never copied
 * into the encoder's buffer. Each message goes out behind the MAC {@link MessageAuthenticator} computes for its
 * receiver.
 */
public final class RaftPublisher implements RaftTransport
{
    private static final int SEND_ATTEMPTS = 3;
    private static final int SCRATCH_LENGTH = 256;
    private static final int MESSAGE_OFFSET = MessageAuthenticator.TAG_LENGTH;

    private final long clusterId;
    private final int memberId;
    private final Int2ObjectHashMap<Publication> publicationByMember;
    private final TransportCounters counters;
    private final MessageAuthenticator authenticator;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SCRATCH_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RequestVoteEncoder requestVoteEncoder = new RequestVoteEncoder();
    private final RequestVoteResponseEncoder requestVoteResponseEncoder = new RequestVoteResponseEncoder();
    private final AppendEntriesEncoder appendEntriesEncoder = new AppendEntriesEncoder();
    private final AppendEntriesResponseEncoder appendEntriesResponseEncoder = new AppendEntriesResponseEncoder();
    private final TimeoutNowEncoder timeoutNowEncoder = new TimeoutNowEncoder();

    public RaftPublisher(
        final long clusterId,
        final int memberId,
        final byte[] macKey,
        final Int2ObjectHashMap<Publication> publicationByMember,
        final TransportCounters counters)
    {
        this.authenticator = new MessageAuthenticator(macKey);
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.publicationByMember = publicationByMember;
        this.counters = counters;
    }

    /**
     * @return the largest run of entries one AppendEntries can carry over these publications.
     */
    public int maxEntriesLength()
    {
        int max = Integer.MAX_VALUE;
        for (final Publication publication : publicationByMember.values())
        {
            max = Math.min(max, publication.maxMessageLength());
        }
        return max - MESSAGE_OFFSET - MessageHeaderEncoder.ENCODED_LENGTH - AppendEntriesEncoder.BLOCK_LENGTH -
            AppendEntriesEncoder.entriesHeaderLength();
    }

    public boolean isConnected(final int to)
    {
        final Publication publication = publicationByMember.get(to);
        return null != publication && publication.isConnected();
    }

    public boolean sendRequestVote(
        final int to,
        final long term,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean preVote,
        final boolean transfer)
    {
        requestVoteEncoder.wrapAndApplyHeader(buffer, MESSAGE_OFFSET, headerEncoder)
            .clusterId(clusterId)
            .term(term)
            .candidateId(memberId)
            .lastLogIndex(lastLogIndex)
            .lastLogTerm(lastLogTerm)
            .preVote(preVote ? BooleanType.TRUE : BooleanType.FALSE)
            .transfer(transfer ? BooleanType.TRUE : BooleanType.FALSE);
        return offer(to, MessageHeaderEncoder.ENCODED_LENGTH + requestVoteEncoder.encodedLength(), null, 0, 0);
    }

    public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
    {
        requestVoteResponseEncoder.wrapAndApplyHeader(buffer, MESSAGE_OFFSET, headerEncoder)
            .clusterId(clusterId)
            .term(term)
            .voterId(memberId)
            .granted(granted ? BooleanType.TRUE : BooleanType.FALSE)
            .preVote(preVote ? BooleanType.TRUE : BooleanType.FALSE);
        return offer(
            to, MessageHeaderEncoder.ENCODED_LENGTH + requestVoteResponseEncoder.encodedLength(), null, 0, 0);
    }

    public boolean sendTimeoutNow(final int to, final long term)
    {
        timeoutNowEncoder.wrapAndApplyHeader(buffer, MESSAGE_OFFSET, headerEncoder)
            .clusterId(clusterId)
            .term(term)
            .leaderId(memberId);
        return offer(to, MessageHeaderEncoder.ENCODED_LENGTH + timeoutNowEncoder.encodedLength(), null, 0, 0);
    }

    public boolean sendAppendEntries(
        final int to,
        final long term,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommit,
        final long sequence,
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int entryCount,
        final boolean awaited)
    {
        appendEntriesEncoder.wrapAndApplyHeader(buffer, MESSAGE_OFFSET, headerEncoder)
            .clusterId(clusterId)
            .term(term)
            .leaderId(memberId)
            .prevLogIndex(prevLogIndex)
            .prevLogTerm(prevLogTerm)
            .leaderCommit(leaderCommit)
            .sequence(sequence)
            .entryCount(entryCount)
            .awaited(awaited ? BooleanType.TRUE : BooleanType.FALSE);
        // the var-data header only; the entries follow as the second part of the offer
        final int lengthOffset =
            MESSAGE_OFFSET + MessageHeaderEncoder.ENCODED_LENGTH + AppendEntriesEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthOffset, length, java.nio.ByteOrder.LITTLE_ENDIAN);
        final int headerLength = lengthOffset + AppendEntriesEncoder.entriesHeaderLength() - MESSAGE_OFFSET;
        return offer(to, headerLength, frames, offset, length);
    }

    public boolean sendAppendEntriesResponse(
        final int to,
        final long term,
        final boolean success,
        final long lastLogIndex,
        final long conflictTerm,
        final long sequence)
    {
        appendEntriesResponseEncoder.wrapAndApplyHeader(buffer, MESSAGE_OFFSET, headerEncoder)
            .clusterId(clusterId)
            .term(term)
            .followerId(memberId)
            .success(success ? BooleanType.TRUE : BooleanType.FALSE)
            .lastLogIndex(lastLogIndex)
            .sequence(sequence)
            .conflictTerm(conflictTerm);
        return offer(
            to, MessageHeaderEncoder.ENCODED_LENGTH + appendEntriesResponseEncoder.encodedLength(), null, 0, 0);
    }

    /**
     * @param length of the message's first part, which starts at {@link #MESSAGE_OFFSET} in the scratch buffer.
     */
    private boolean offer(
        final int to, final int length, final DirectBuffer second, final int secondOffset, final int secondLength)
    {
        final Publication publication = publicationByMember.get(to);
        if (null == publication)
        {
            return false;
        }
        authenticator.sign(to, buffer, MESSAGE_OFFSET, length, second, secondOffset, secondLength);
        for (int attempt = 0; attempt < SEND_ATTEMPTS; attempt++)
        {
            final long result = null == second || 0 == secondLength ?
                publication.offer(buffer, 0, MESSAGE_OFFSET + length) :
                publication.offer(buffer, 0, MESSAGE_OFFSET + length, second, secondOffset, secondLength);
            if (result > 0)
            {
                counters.messagesSent++;
                return true;
            }
            if (Publication.ADMIN_ACTION == result)
            {
                continue;
            }
            if (Publication.BACK_PRESSURED == result)
            {
                counters.backPressured++;
                return false;
            }
            if (Publication.NOT_CONNECTED == result)
            {
                counters.notConnected++;
                return false;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new AeronException("publication to member " + to + " unusable: " + Publication.errorString(result));
            }
        }
        return false;
    }
}

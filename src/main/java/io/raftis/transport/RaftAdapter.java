package io.raftis.transport;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.raftis.codecs.AppendEntriesDecoder;
import io.raftis.codecs.AppendEntriesResponseDecoder;
import io.raftis.codecs.BooleanType;
import io.raftis.codecs.MessageHeaderDecoder;
import io.raftis.codecs.RequestVoteDecoder;
import io.raftis.codecs.RequestVoteResponseDecoder;
import io.raftis.codecs.TimeoutNowDecoder;
import io.raftis.raft.RaftNode;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Polls the member's Aeron subscription and hands each decoded Raft message to the core as primitives. The run of
 * entries in an AppendEntries is passed as a view over the received fragment, never copied.
 * <p>
 * Every byte is hostile until proven otherwise: a fragment is first authenticated (its MAC, keyed by the cluster
 * secret and bound to this member), then its header is checked (schema, template, version, block length within the
 * fragment), then its fields (booleans that are true or false, entries within the fragment, the cluster id). Only then
 * does the core see it; the core checks the ranges of terms, indices and senders. What fails a check is dropped and
 * counted, never acted on.
 */
public final class RaftAdapter implements FragmentHandler
{
    private final long clusterId;
    private final int memberId;
    private final RaftNode raft;
    private final ErrorHandler errorHandler;
    private final TransportCounters counters;
    private final MessageAuthenticator authenticator;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RequestVoteDecoder requestVoteDecoder = new RequestVoteDecoder();
    private final RequestVoteResponseDecoder requestVoteResponseDecoder = new RequestVoteResponseDecoder();
    private final AppendEntriesDecoder appendEntriesDecoder = new AppendEntriesDecoder();
    private final AppendEntriesResponseDecoder appendEntriesResponseDecoder = new AppendEntriesResponseDecoder();
    private final TimeoutNowDecoder timeoutNowDecoder = new TimeoutNowDecoder();
    private final UnsafeBuffer entries = new UnsafeBuffer(0, 0);
    private long lastForeignClusterId;
    private long nextUnauthenticatedReport = 1;

    public RaftAdapter(
        final long clusterId,
        final int memberId,
        final byte[] macKey,
        final RaftNode raft,
        final ErrorHandler errorHandler,
        final TransportCounters counters)
    {
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.authenticator = new MessageAuthenticator(macKey);
        this.raft = raft;
        this.errorHandler = errorHandler;
        this.counters = counters;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (!authenticator.verify(memberId, buffer, offset, length))
        {
            onUnauthenticated();
            return;
        }
        final int messageOffset = offset + MessageAuthenticator.TAG_LENGTH;
        final int limit = offset + length;
        if (messageOffset + MessageHeaderDecoder.ENCODED_LENGTH > limit)
        {
            counters.malformedMessages++;
            return;
        }
        headerDecoder.wrap(buffer, messageOffset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = messageOffset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() || version < MessageHeaderDecoder.SCHEMA_VERSION)
        {
            counters.unknownMessages++;
            return;
        }
        if (bodyOffset + blockLength > limit)
        {
            counters.malformedMessages++;
            return;
        }
        counters.messagesReceived++;

        switch (templateId)
        {
            case RequestVoteDecoder.TEMPLATE_ID:
            {
                if (blockLength < RequestVoteDecoder.BLOCK_LENGTH)
                {
                    counters.malformedMessages++;
                    break;
                }
                final RequestVoteDecoder d = requestVoteDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int candidateId = d.candidateId();
                final long lastLogIndex = d.lastLogIndex();
                final long lastLogTerm = d.lastLogTerm();
                final short preVote = d.preVoteRaw();
                final short transfer = d.transferRaw();
                if (isBoolean(preVote) && isBoolean(transfer) && fromThisCluster(messageClusterId))
                {
                    raft.onRequestVote(candidateId, term, lastLogIndex, lastLogTerm, isTrue(preVote), isTrue(transfer));
                }
                break;
            }
            case RequestVoteResponseDecoder.TEMPLATE_ID:
            {
                if (blockLength < RequestVoteResponseDecoder.BLOCK_LENGTH)
                {
                    counters.malformedMessages++;
                    break;
                }
                final RequestVoteResponseDecoder d =
                    requestVoteResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int voterId = d.voterId();
                final short granted = d.grantedRaw();
                final short preVote = d.preVoteRaw();
                if (isBoolean(granted) && isBoolean(preVote) && fromThisCluster(messageClusterId))
                {
                    raft.onRequestVoteResponse(voterId, term, isTrue(granted), isTrue(preVote));
                }
                break;
            }
            case AppendEntriesDecoder.TEMPLATE_ID:
            {
                if (blockLength < AppendEntriesDecoder.BLOCK_LENGTH ||
                    bodyOffset + blockLength + AppendEntriesDecoder.entriesHeaderLength() > limit)
                {
                    counters.malformedMessages++;
                    break;
                }
                final AppendEntriesDecoder d = appendEntriesDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int leaderId = d.leaderId();
                final long prevLogIndex = d.prevLogIndex();
                final long prevLogTerm = d.prevLogTerm();
                final long leaderCommit = d.leaderCommit();
                final long sequence = d.sequence();
                final int entryCount = d.entryCount();
                final short awaited = d.awaitedRaw();
                final int entriesLength = d.entriesLength();
                // a uint32 length above 2^31 reads as negative
                final int entriesEnd = d.limit() + AppendEntriesDecoder.entriesHeaderLength() + entriesLength;
                if (entriesLength < 0 || entriesEnd != limit)
                {
                    counters.malformedMessages++; // entries past the end of the fragment, or bytes after them
                    break;
                }
                d.wrapEntries(entries);
                if (isBoolean(awaited) && fromThisCluster(messageClusterId))
                {
                    raft.onAppendEntries(
                        leaderId, term, prevLogIndex, prevLogTerm, leaderCommit, sequence,
                        entries, 0, entriesLength, entryCount, isTrue(awaited));
                }
                break;
            }
            case AppendEntriesResponseDecoder.TEMPLATE_ID:
            {
                if (blockLength < AppendEntriesResponseDecoder.BLOCK_LENGTH)
                {
                    counters.malformedMessages++;
                    break;
                }
                final AppendEntriesResponseDecoder d =
                    appendEntriesResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final short success = d.successRaw();
                if (isBoolean(success) && fromThisCluster(d.clusterId()))
                {
                    raft.onAppendEntriesResponse(
                        d.followerId(), d.term(), isTrue(success), d.lastLogIndex(), d.conflictTerm(), d.sequence());
                }
                break;
            }
            case TimeoutNowDecoder.TEMPLATE_ID:
            {
                if (blockLength < TimeoutNowDecoder.BLOCK_LENGTH)
                {
                    counters.malformedMessages++;
                    break;
                }
                final TimeoutNowDecoder d = timeoutNowDecoder.wrap(buffer, bodyOffset, blockLength, version);
                if (fromThisCluster(d.clusterId()))
                {
                    raft.onTimeoutNow(d.leaderId(), d.term());
                }
                break;
            }
            default:
                counters.unknownMessages++;
        }
    }

    /**
     * Say so in the log on the 1st, 10th, 100th... such message: enough to find a misconfigured node, too little to
     * fill a disk however many arrive.
     */
    private void onUnauthenticated()
    {
        final long count = ++counters.unauthenticatedMessages;
        if (count >= nextUnauthenticatedReport)
        {
            nextUnauthenticatedReport = count < Long.MAX_VALUE / 10 ? count * 10 : Long.MAX_VALUE;
            errorHandler.onError(new IllegalStateException("ignoring Raft messages that fail authentication (" +
                count + " so far): their sender holds another cluster secret or was started with another member " +
                "list; this member's list is the one in INFO raft"));
        }
    }

    private boolean isBoolean(final short raw)
    {
        if (BooleanType.TRUE.value() == raw || BooleanType.FALSE.value() == raw)
        {
            return true;
        }
        counters.malformedMessages++;
        return false;
    }

    private static boolean isTrue(final short raw)
    {
        return BooleanType.TRUE.value() == raw;
    }

    private boolean fromThisCluster(final long messageClusterId)
    {
        if (messageClusterId == clusterId)
        {
            return true;
        }
        counters.foreignClusterMessages++;
        if (messageClusterId != lastForeignClusterId)
        {
            lastForeignClusterId = messageClusterId;
            errorHandler.onError(new IllegalStateException(String.format(
                "ignoring messages of cluster %016x: this node is in cluster %016x", messageClusterId, clusterId)));
        }
        return false;
    }
}

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
 */
public final class RaftAdapter implements FragmentHandler
{
    private final long clusterId;
    private final RaftNode raft;
    private final ErrorHandler errorHandler;
    private final TransportCounters counters;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RequestVoteDecoder requestVoteDecoder = new RequestVoteDecoder();
    private final RequestVoteResponseDecoder requestVoteResponseDecoder = new RequestVoteResponseDecoder();
    private final AppendEntriesDecoder appendEntriesDecoder = new AppendEntriesDecoder();
    private final AppendEntriesResponseDecoder appendEntriesResponseDecoder = new AppendEntriesResponseDecoder();
    private final TimeoutNowDecoder timeoutNowDecoder = new TimeoutNowDecoder();
    private final UnsafeBuffer entries = new UnsafeBuffer(0, 0);
    private long lastForeignClusterId;

    public RaftAdapter(
        final long clusterId, final RaftNode raft, final ErrorHandler errorHandler, final TransportCounters counters)
    {
        this.clusterId = clusterId;
        this.raft = raft;
        this.errorHandler = errorHandler;
        this.counters = counters;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            counters.unknownMessages++;
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            counters.unknownMessages++;
            return;
        }
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        counters.messagesReceived++;

        switch (templateId)
        {
            case RequestVoteDecoder.TEMPLATE_ID:
            {
                final RequestVoteDecoder d = requestVoteDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int candidateId = d.candidateId();
                final long lastLogIndex = d.lastLogIndex();
                final long lastLogTerm = d.lastLogTerm();
                // absent in version 1 messages: read as NULL_VAL, which is neither TRUE nor FALSE
                final boolean preVote = BooleanType.TRUE == d.preVote();
                final boolean transfer = BooleanType.TRUE == d.transfer();
                if (fromThisCluster(messageClusterId))
                {
                    raft.onRequestVote(candidateId, term, lastLogIndex, lastLogTerm, preVote, transfer);
                }
                break;
            }
            case RequestVoteResponseDecoder.TEMPLATE_ID:
            {
                final RequestVoteResponseDecoder d =
                    requestVoteResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int voterId = d.voterId();
                final boolean granted = BooleanType.TRUE == d.granted();
                final boolean preVote = BooleanType.TRUE == d.preVote();
                if (fromThisCluster(messageClusterId))
                {
                    raft.onRequestVoteResponse(voterId, term, granted, preVote);
                }
                break;
            }
            case AppendEntriesDecoder.TEMPLATE_ID:
            {
                final AppendEntriesDecoder d = appendEntriesDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long messageClusterId = d.clusterId();
                final long term = d.term();
                final int leaderId = d.leaderId();
                final long prevLogIndex = d.prevLogIndex();
                final long prevLogTerm = d.prevLogTerm();
                final long leaderCommit = d.leaderCommit();
                final long sequence = d.sequence();
                final int entryCount = d.entryCount();
                final int entriesLength = d.entriesLength();
                if (d.limit() + AppendEntriesDecoder.entriesHeaderLength() + entriesLength > offset + length)
                {
                    counters.unknownMessages++; // an entries length past the end of the message
                    break;
                }
                d.wrapEntries(entries);
                if (fromThisCluster(messageClusterId))
                {
                    raft.onAppendEntries(
                        leaderId, term, prevLogIndex, prevLogTerm, leaderCommit, sequence,
                        entries, 0, entriesLength, entryCount);
                }
                break;
            }
            case AppendEntriesResponseDecoder.TEMPLATE_ID:
            {
                final AppendEntriesResponseDecoder d =
                    appendEntriesResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                if (fromThisCluster(d.clusterId()))
                {
                    // a version 2 sender sends no conflict term: the decoder gives the null value
                    final long conflictTerm = d.conflictTerm() == AppendEntriesResponseDecoder.conflictTermNullValue() ?
                        0 : d.conflictTerm();
                    raft.onAppendEntriesResponse(
                        d.followerId(),
                        d.term(),
                        BooleanType.TRUE == d.success(),
                        d.lastLogIndex(),
                        conflictTerm,
                        d.sequence());
                }
                break;
            }
            case TimeoutNowDecoder.TEMPLATE_ID:
            {
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
                "ignoring messages of cluster %016x: this node is in cluster %016x; " +
                "every node must be started with the same member list", messageClusterId, clusterId)));
        }
        return false;
    }
}

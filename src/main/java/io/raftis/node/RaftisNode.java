package io.raftis.node;

import io.raftis.config.ClusterSecret;
import io.raftis.config.Configuration;
import io.raftis.config.Context;
import io.raftis.config.Member;
import io.raftis.log.NodeStateFile;
import io.raftis.log.SegmentedLog;
import io.raftis.raft.RaftNode;
import io.raftis.resp.ClientConnection;
import io.raftis.resp.ClientPoller;
import io.raftis.store.CommandTable;
import io.raftis.store.Keyspace;
import io.raftis.store.StringCommands;
import io.raftis.transport.ClusterTransport;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One raftis member: the agent whose duty cycle does all of a node's work on one thread. Each pass reads the clock
 * once and sums the work of its pollers: client sockets, Aeron (driver, client conductor, subscription), Raft timers,
 * the Raft flush (one batch appended, synced, sent; commit; apply), waiting clients, and the replies.
 */
public final class RaftisNode implements Agent
{
    private final Context ctx;
    private final NanoClock clock;
    private final NodeStateFile nodeState;
    private final SegmentedLog log;
    private final ClusterTransport transport;
    private final RaftNode raft;
    private final CommandDispatcher dispatcher;
    private final ClientPoller poller;
    private final long idleTimeoutNs;
    private volatile boolean handoverRequested;
    private volatile boolean handedOver;
    private boolean handoverStarted;

    public RaftisNode(final Context ctx, final ErrorHandler errorHandler) throws IOException
    {
        this(ctx, errorHandler, SystemNanoClock.INSTANCE);
    }

    RaftisNode(final Context ctx, final ErrorHandler errorHandler, final NanoClock clock) throws IOException
    {
        this.ctx = ctx;
        this.clock = clock;
        this.idleTimeoutNs = TimeUnit.SECONDS.toNanos(ctx.timeoutSeconds());
        final File dataDir = ctx.dataDir();
        if (!dataDir.isDirectory() && !dataDir.mkdirs())
        {
            throw new IOException("cannot create the data directory " + dataDir.getAbsolutePath());
        }

        NodeStateFile state = null;
        SegmentedLog segmentedLog = null;
        ClusterTransport clusterTransport = null;
        ClientPoller clientPoller = null;
        try
        {
            final ClusterSecret secret = ctx.clusterSecret();
            state = NodeStateFile.open(dataDir, secret.clusterId(), ctx.memberId(), ctx.canonicalMembers());
            segmentedLog = new SegmentedLog(
                new File(dataDir, "raft-log"), ctx.segmentLength(), Configuration.FsyncPolicy.ALWAYS == ctx.fsync());
            if (segmentedLog.truncatedTailBytes() > 0)
            {
                System.out.println(ServerCommands.timestamp() + " member " + ctx.memberId() + " cut a torn log tail of " +
                    segmentedLog.truncatedTailBytes() + " bytes after entry " + segmentedLog.lastIndex());
            }
            clusterTransport = new ClusterTransport(ctx, secret, errorHandler);

            final Keyspace keyspace = new Keyspace();
            final CommandTable commands = new CommandTable();
            StringCommands.register(commands);
            final ServerCommands serverCommands = new ServerCommands(ctx, commands, keyspace);
            dispatcher = new CommandDispatcher(ctx, keyspace, commands, serverCommands, errorHandler);

            final Member[] members = ctx.memberList();
            final int[] memberIds = new int[members.length];
            for (int i = 0; i < members.length; i++)
            {
                memberIds[i] = members[i].id();
            }
            final int maxBatchBytes = Math.min(ctx.maxBatchBytes(), clusterTransport.publisher().maxEntriesLength());
            raft = new RaftNode(
                ctx.memberId(),
                memberIds,
                segmentedLog,
                state,
                clusterTransport.publisher(),
                dispatcher,
                new Random(System.nanoTime() ^ ((long)ctx.memberId() << 32)),
                ctx.electionTimeoutNs(),
                ctx.heartbeatIntervalNs(),
                maxBatchBytes,
                ctx.maxInflightBytes(),
                clock.nanoTime());
            clusterTransport.bind(raft);

            final Member self = ctx.self();
            clientPoller = new ClientPoller(self.host(), self.clientPort(), dispatcher,
                ClientConnection.DEFAULT_MAX_QUERY_BUFFER_LENGTH, ctx.maxClients());
            final long[] outputLimit = ctx.clientOutputBufferLimit();
            clientPoller.clientLimits(ctx.maxMemoryClients(), outputLimit[0], outputLimit[1],
                TimeUnit.SECONDS.toNanos(outputLimit[2]), clock::nanoTime);
            final int maxPayloadLength = Math.min(
                maxBatchBytes - io.raftis.raft.EntryFrame.HEADER_LENGTH - io.raftis.raft.EntryFrame.ALIGNMENT,
                segmentedLog.maxPayloadLength());
            dispatcher.bind(raft, clientPoller, maxPayloadLength);
            serverCommands.bind(
                raft, clientPoller, dispatcher, clusterTransport.counters(), segmentedLog, secret.clusterId());
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(clientPoller, clusterTransport, segmentedLog, state);
            throw ex;
        }
        nodeState = state;
        log = segmentedLog;
        transport = clusterTransport;
        poller = clientPoller;
    }

    public String roleName()
    {
        return "raftis-node-" + ctx.memberId();
    }

    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        raft.time(nowNs); // messages of this pass are stamped with this pass's time, timers run after them
        int work = poller.poll();
        work += transport.doWork();
        work += raft.tick(nowNs);
        work += raft.replicate();
        work += transport.send(); // the batch goes on the wire while this member syncs its own log
        work += raft.flush();
        work += dispatcher.afterFlush();
        work += poller.flushDirty();
        work += poller.closeIdle(nowNs, idleTimeoutNs);
        if (handoverRequested)
        {
            work += handOver();
        }
        return work;
    }

    /**
     * Ask the duty cycle to hand leadership to the most up-to-date follower before the node stops, so that a planned
     * stop costs no election timeout. Called from another thread; {@link #isHandedOver()} says when it is done.
     */
    public void requestHandover()
    {
        handoverRequested = true;
    }

    /**
     * @return true once this member is not the leader, or gave up handing over.
     */
    public boolean isHandedOver()
    {
        return handedOver;
    }

    private int handOver()
    {
        if (!handoverStarted)
        {
            handoverStarted = true;
            if (!raft.transferLeadership())
            {
                handedOver = true;
            }
            return 1;
        }
        if (!handedOver && (!raft.isLeader() || !raft.isTransferringLeadership()))
        {
            handedOver = true; // handed over, or the target did not take over within an election timeout
            return 1;
        }
        return 0;
    }

    public void onClose()
    {
        CloseHelper.quietCloseAll(poller, transport, log, nodeState);
    }

    public RaftNode raft()
    {
        return raft;
    }

    public Context context()
    {
        return ctx;
    }
}

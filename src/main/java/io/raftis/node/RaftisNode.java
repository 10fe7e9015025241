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
import io.raftis.store.DataCommands;
import io.raftis.store.Databases;
import io.raftis.store.StringCommands;
import io.raftis.transport.ClusterTransport;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.io.IOException;
import java.nio.channels.Selector;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One raftis member: the agent whose duty cycle does all of a node's work on one thread. Each pass reads the clock
 * once and sums the work of its pollers: client sockets, Aeron (driver, client conductor, subscription), Raft timers,
 * the Raft flush (one batch appended and sent, a sync started; commit; apply), waiting clients, and the replies. The
 * log syncs on a helper thread of its own, which wakes the selector when a sync ends.
 * <p>
 * The client sockets and Aeron's UDP sockets share one selector, so that with the default idle strategy
 * ({@link SelectorIdleStrategy}) a member with no work blocks there until a socket is readable or its next timer is
 * due, at most {@link #MAX_BLOCK_NS} (the media driver's own timers, such as its heartbeats and status messages,
 * run on passes).
 */
public final class RaftisNode implements Agent
{
    /**
     * The longest an idle member blocks: the media driver's timers (a publication's heartbeat every 100 ms, an idle
     * image's status message every second, loss and liveness checks) run on passes, and none is late by more.
     */
    static final long MAX_BLOCK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Context ctx;
    private final NanoClock clock;
    private final NodeStateFile nodeState;
    private final SegmentedLog log;
    private final ClusterTransport transport;
    private final RaftNode raft;
    private final CommandDispatcher dispatcher;
    private final ClientPoller poller;
    private final long idleTimeoutNs;
    private final Selector selector;
    private final IdleStrategy idleStrategy;
    private final DutyCycleStats stats;
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
        this.stats = new DutyCycleStats(ctx.heartbeatIntervalNs());
        final File dataDir = ctx.dataDir();
        if (!dataDir.isDirectory() && !dataDir.mkdirs())
        {
            throw new IOException("cannot create the data directory " + dataDir.getAbsolutePath());
        }

        NodeStateFile state = null;
        SegmentedLog segmentedLog = null;
        ClusterTransport clusterTransport = null;
        ClientPoller clientPoller = null;
        final Selector sharedSelector = Selector.open();
        try
        {
            final ClusterSecret secret = ctx.clusterSecret();
            state = NodeStateFile.open(dataDir, secret.clusterId(), ctx.memberId(), ctx.canonicalMembers());
            segmentedLog = new SegmentedLog(
                new File(dataDir, "raft-log"), ctx.segmentLength(), Configuration.FsyncPolicy.ALWAYS == ctx.fsync())
                .syncOnHelperThread("raftis-log-sync-" + ctx.memberId(), sharedSelector::wakeup);
            if (segmentedLog.truncatedTailBytes() > 0)
            {
                System.out.println(ServerCommands.timestamp() + " member " + ctx.memberId() + " cut a torn log tail of " +
                    segmentedLog.truncatedTailBytes() + " bytes after entry " + segmentedLog.lastIndex());
            }
            clusterTransport = new ClusterTransport(ctx, secret, errorHandler, sharedSelector);

            final Databases databases = new Databases();
            final CommandTable commands = new CommandTable();
            DataCommands.register(commands, StringCommands.DEFAULT_MAX_STRING_LENGTH);
            final ServerCommands serverCommands = new ServerCommands(ctx, commands, databases);
            dispatcher = new CommandDispatcher(ctx, databases, commands, serverCommands, errorHandler);

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
            clientPoller = new ClientPoller(sharedSelector, self.host(), self.clientPort(), dispatcher,
                ClientConnection.DEFAULT_MAX_QUERY_BUFFER_LENGTH, ctx.maxClients());
            final long[] outputLimit = ctx.clientOutputBufferLimit();
            clientPoller.clientLimits(ctx.maxMemoryClients(), outputLimit[0], outputLimit[1],
                TimeUnit.SECONDS.toNanos(outputLimit[2]), clock::nanoTime);
            final int maxPayloadLength = Math.min(
                maxBatchBytes - io.raftis.raft.EntryFrame.HEADER_LENGTH - io.raftis.raft.EntryFrame.ALIGNMENT,
                segmentedLog.maxPayloadLength());
            dispatcher.bind(raft, clientPoller, maxPayloadLength);
            serverCommands.bind(
                raft, clientPoller, dispatcher, clusterTransport.counters(), segmentedLog, secret.clusterId(), stats);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(clientPoller, clusterTransport, segmentedLog, state, sharedSelector);
            throw ex;
        }
        selector = sharedSelector;
        final IdleStrategy configured = ctx.idleStrategy();
        idleStrategy = null != configured ? configured :
            new SelectorIdleStrategy(selector, this::nanosToNextTimer, stats);
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
        work += transport.send(); // what the flush offered (a follower's answers) leaves in this pass too
        work += dispatcher.afterFlush();
        work += poller.flushDirty();
        work += poller.closeIdle(nowNs, idleTimeoutNs);
        if (handoverRequested)
        {
            work += handOver();
        }
        stats.passes++;
        if (work > 0)
        {
            stats.workingPass(clock.nanoTime() - nowNs);
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
        selector.wakeup();
    }

    /**
     * @return the idle strategy the node's runner should use: the configured one, or by default one that blocks in
     * the node's selector.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * How long an idle member may block: until its next Raft timer, at most {@link #MAX_BLOCK_NS}; not at all while
     * a requested handover has still to start.
     */
    long nanosToNextTimer()
    {
        if (handoverRequested && !handoverStarted)
        {
            return 0;
        }
        return Math.min(raft.nextTimerNs() - clock.nanoTime(), MAX_BLOCK_NS);
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
        CloseHelper.quietCloseAll(poller, transport, log, nodeState, selector);
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

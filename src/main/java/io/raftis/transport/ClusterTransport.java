package io.raftis.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.media.ReceiveChannelEndpoint;
import io.aeron.driver.media.SendChannelEndpoint;
import io.aeron.driver.media.UdpChannelTransport;
import io.aeron.exceptions.AeronException;
import io.raftis.config.ClusterSecret;
import io.raftis.config.Context;
import io.raftis.config.Member;
import io.raftis.raft.RaftNode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.nio.TransportPoller;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * A member's Aeron: an embedded media driver in {@link ThreadingMode#INVOKER} and a client whose conductor is
 * invoked by the caller, both run from the node's duty cycle; one UDP subscription on this member's Raft endpoint
 * and one exclusive publication to each peer's.
 * <p>
 * Given a selector, every UDP socket the driver opens is registered with it for reading too (beside the driver's own
 * poller), so that a duty cycle with no work can block in that selector until a datagram arrives: the keys carry
 * {@link #UDP_KEY} as their attachment, and reading them is left to the driver.
 */
public final class ClusterTransport implements AutoCloseable
{
    public static final int STREAM_ID = 1001;

    /**
     * The attachment of the selection keys of the driver's sockets.
     */
    public static final Object UDP_KEY = new Object()
    {
        public String toString()
        {
            return "aeron-udp";
        }
    };
    private static final int FRAGMENT_LIMIT = 64;

    static
    {
        // the driver's pollers read their sockets through their own selector rather than one recvfrom per socket:
        // one epoll_wait a pass for the four send channels, and no iterator allocated on every pass (unless the
        // JVM was started with another threshold)
        if (null == System.getProperty(TransportPoller.ITERATION_THRESHOLD_PROP_NAME))
        {
            System.setProperty(TransportPoller.ITERATION_THRESHOLD_PROP_NAME, "0");
        }
    }

    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final Subscription subscription;
    private final Int2ObjectHashMap<Publication> publicationByMember = new Int2ObjectHashMap<>();
    private final RaftPublisher publisher;
    private final TransportCounters counters = new TransportCounters();
    private final ErrorHandler errorHandler;
    private final long clusterId;
    private final byte[] macKey;
    private final int memberId;
    private FragmentAssembler assembler;
    private long sentBeforeLastInvoke;

    public ClusterTransport(final Context ctx, final ClusterSecret secret, final ErrorHandler errorHandler)
    {
        this(ctx, secret, errorHandler, null);
    }

    /**
     * @param ctx          of the member.
     * @param secret       of the cluster.
     * @param errorHandler of the driver and the client.
     * @param wakeSelector with which every UDP socket of the driver is registered for reading, or null.
     */
    public ClusterTransport(
        final Context ctx, final ClusterSecret secret, final ErrorHandler errorHandler, final Selector wakeSelector)
    {
        this.errorHandler = errorHandler;
        this.clusterId = secret.clusterId();
        this.macKey = secret.macKey(ctx.canonicalMembers());
        this.memberId = ctx.memberId();
        final long timeoutNs = TimeUnit.SECONDS.toNanos(30);
        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(ctx.aeronDir())
            .threadingMode(ThreadingMode.INVOKER)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(ctx.termLength())
            .ipcTermBufferLength(64 * 1024)
            .mtuLength(ctx.mtu())
            .clientLivenessTimeoutNs(timeoutNs)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(timeoutNs))
            .publicationUnblockTimeoutNs(timeoutNs * 2)
            .imageLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            // an idle image's status message, which keeps its publication connected (5 s): once a second, not five
            // times, as each wakes an idle member; a consuming subscriber sends them as its window moves anyway
            .statusMessageTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .warnIfDirectoryExists(false)
            .asyncExecutorEnabled(false) // members are named by address: nothing to resolve beside the duty cycle
            .errorHandler(errorHandler);
        if (null != wakeSelector)
        {
            driverCtx
                .receiveChannelEndpointSupplier((udpChannel, dispatcher, statusIndicator, context) ->
                    new ReceiveChannelEndpoint(udpChannel, dispatcher, statusIndicator, context)
                    {
                        public void openDatagramChannel(final AtomicCounter statusIndicator)
                        {
                            super.openDatagramChannel(statusIndicator);
                            registerForWake(this, wakeSelector);
                        }
                    })
                .sendChannelEndpointSupplier((udpChannel, statusIndicator, context) ->
                    new SendChannelEndpoint(udpChannel, statusIndicator, context)
                    {
                        public void openDatagramChannel(final AtomicCounter statusIndicator)
                        {
                            super.openDatagramChannel(statusIndicator);
                            registerForWake(this, wakeSelector);
                        }
                    });
        }
        MediaDriver launchedDriver = null;
        Aeron connectedAeron = null;
        try
        {
            launchedDriver = MediaDriver.launch(driverCtx);
            driverInvoker = launchedDriver.sharedAgentInvoker();
            connectedAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driverCtx.aeronDirectoryName())
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverInvoker)
                .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(timeoutNs))
                .errorHandler(errorHandler)
                .subscriberErrorHandler(errorHandler));
            clientInvoker = connectedAeron.conductorAgentInvoker();

            final Member self = ctx.self();
            subscription = connectedAeron.addSubscription(channel(self, ctx), STREAM_ID);
            for (final Member member : ctx.memberList())
            {
                if (member.id() != self.id())
                {
                    publicationByMember.put(
                        member.id(), connectedAeron.addExclusivePublication(sendChannel(self, member, ctx), STREAM_ID));
                }
            }
            publisher = new RaftPublisher(clusterId, self.id(), macKey, publicationByMember, counters);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(connectedAeron, launchedDriver);
            throw ex;
        }
        driver = launchedDriver;
        aeron = connectedAeron;
    }

    private static void registerForWake(final UdpChannelTransport transport, final Selector selector)
    {
        try
        {
            transport.receiveDatagramChannel().register(selector, SelectionKey.OP_READ, UDP_KEY);
        }
        catch (final IOException ex)
        {
            throw new AeronException("cannot register " + transport.udpChannel().originalUriString() +
                " with the duty cycle's selector", ex);
        }
    }

    /**
     * The channel to a peer: from the configured send port, when there is one, so each link is its own port pair.
     */
    private static String sendChannel(final Member self, final Member peer, final Context ctx)
    {
        final int sendPort = ctx.raftSendPort(peer.id());
        if (0 == sendPort)
        {
            return channel(peer, ctx);
        }
        return new ChannelUriStringBuilder(channel(peer, ctx)).networkInterface(self.host() + ":" + sendPort).build();
    }

    private static String channel(final Member member, final Context ctx)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(member.raftEndpoint())
            .termLength(ctx.termLength())
            .mtu(ctx.mtu())
            .build();
    }

    public RaftPublisher publisher()
    {
        return publisher;
    }

    public TransportCounters counters()
    {
        return counters;
    }

    /**
     * Deliver received messages to this core from now on.
     */
    public void bind(final RaftNode raft)
    {
        assembler = new FragmentAssembler(
            new RaftAdapter(clusterId, memberId, macKey, raft, errorHandler, counters));
    }

    /**
     * One pass of Aeron's work: the driver's and the client conductor's duty cycles, then received messages.
     */
    public int doWork()
    {
        sentBeforeLastInvoke = counters.messagesSent;
        int work = driverInvoker.invoke();
        work += clientInvoker.invoke();
        if (null != assembler)
        {
            final int fragments = subscription.poll(assembler, FRAGMENT_LIMIT);
            if (fragments > 0)
            {
                // the driver takes up the subscriber's new position (and owes status messages) now, rather than on
                // an extra pass of its own
                driverInvoker.invoke();
                work += fragments;
            }
        }
        return work;
    }

    /**
     * Run the driver once more, when messages were offered since it last ran, so that they leave now, not on the
     * next pass.
     */
    public int send()
    {
        if (counters.messagesSent == sentBeforeLastInvoke)
        {
            return 0;
        }
        sentBeforeLastInvoke = counters.messagesSent;
        return driverInvoker.invoke();
    }

    public int connectedPeers()
    {
        int connected = 0;
        for (final Publication publication : publicationByMember.values())
        {
            connected += publication.isConnected() ? 1 : 0;
        }
        return connected;
    }

    public void close()
    {
        CloseHelper.closeAll(subscription);
        CloseHelper.closeAll(publicationByMember.values());
        CloseHelper.closeAll(aeron, driver);
    }
}

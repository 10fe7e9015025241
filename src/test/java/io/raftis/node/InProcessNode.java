package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.config.Context;
import io.raftis.raft.RaftNode;
import io.raftis.raft.StateMachine;
import io.raftis.resp.ClientConnection;
import io.raftis.resp.ClientConnections;
import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import io.raftis.store.Command;
import io.raftis.store.CommandTable;
import io.raftis.store.DataCommands;
import io.raftis.store.Databases;
import io.raftis.store.Keyspace;
import io.raftis.store.StringCommands;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The client side of one raftis node in process: the node's real {@link CommandDispatcher}, keyspace and commands,
 * over {@link ClientConnection}s whose bytes travel through memory instead of sockets. A test drives it in the order
 * of {@link RaftisNode#doWork()}: {@link #pollClients()} where the node polls its sockets, the Raft core's work, then
 * {@link #afterFlush()} where the node serves waiting clients and sends replies. So a simulated cluster on a
 * simulated clock checks reply order, redirects, {@code -UNCERTAIN} and read batching as clients see them.
 */
public final class InProcessNode implements ClientConnections
{
    /** Members listen for clients on this port plus their id; a redirect names it. */
    public static final int CLIENT_PORT_BASE = 7000;

    private final Databases databases = new Databases();
    private final Keyspace keyspace = databases.get(0);
    private final CommandTable commands = new CommandTable();
    private final CommandDispatcher dispatcher;
    private final ArrayList<ClientConnection> open = new ArrayList<>();
    private final ArrayList<ClientConnection> dirty = new ArrayList<>();
    private final RespParser parser = new RespParser();
    private final RespWriter localReply = new RespWriter(256);
    private long nextId = 1;
    private long totalConnections;

    /**
     * @param memberId        this member.
     * @param memberCount     members 1..memberCount make up the cluster.
     * @param readConsistency  how reads are served.
     * @param maxPendingWrites client writes the leader may hold appended and not yet applied.
     * @param errors           receives what the node would log as an error, such as an entry it could not apply.
     */
    public InProcessNode(
        final int memberId,
        final int memberCount,
        final Configuration.ReadConsistency readConsistency,
        final int maxPendingWrites,
        final Consumer<Throwable> errors)
    {
        this(memberId, memberCount, readConsistency, maxPendingWrites, errors, SystemEpochClock.INSTANCE);
    }

    /**
     * @param epochClock the member's wall clock, which stamps its writes as leader: a simulation's, to replay exactly.
     * @see #InProcessNode(int, int, Configuration.ReadConsistency, int, Consumer)
     */
    public InProcessNode(
        final int memberId,
        final int memberCount,
        final Configuration.ReadConsistency readConsistency,
        final int maxPendingWrites,
        final Consumer<Throwable> errors,
        final EpochClock epochClock)
    {
        final StringBuilder members = new StringBuilder();
        for (int id = 1; id <= memberCount; id++)
        {
            members.append(id > 1 ? "," : "").append(id).append("=127.0.0.1:").append(8900 + id).append(':')
                .append(CLIENT_PORT_BASE + id);
        }
        final Properties p = new Properties();
        p.setProperty(Configuration.MEMBER_ID_PROP_NAME, Integer.toString(memberId));
        p.setProperty(Configuration.MEMBERS_PROP_NAME, members.toString());
        p.setProperty(Configuration.CLUSTER_SECRET_FILE_PROP_NAME, io.raftis.config.TestSecrets.shared().toString());
        p.setProperty(Configuration.READ_CONSISTENCY_PROP_NAME, readConsistency.text());
        p.setProperty(Configuration.MAX_PENDING_WRITES_PROP_NAME, Integer.toString(maxPendingWrites));
        final Context ctx = Context.fromProperties(p).conclude();
        DataCommands.register(commands, StringCommands.DEFAULT_MAX_STRING_LENGTH);
        final ServerCommands serverCommands = new ServerCommands(ctx, commands, databases, (line) -> {});
        dispatcher = new CommandDispatcher(ctx, databases, commands, serverCommands, errors::accept, epochClock);
    }

    /**
     * @return what the Raft core applies committed entries to and tells of role changes: the dispatcher.
     */
    public StateMachine stateMachine()
    {
        return dispatcher;
    }

    /**
     * @param raft             the member's Raft core.
     * @param maxPayloadLength the largest command the member proposes.
     */
    public void bind(final RaftNode raft, final int maxPayloadLength)
    {
        dispatcher.bind(raft, this, maxPayloadLength);
    }

    /**
     * Break the node's reply order, to show that a checker catches it: a read no longer waits for the writes its
     * connection sent before it, so its reply can overtake theirs.
     */
    public void letReadsOvertakePendingWrites()
    {
        dispatcher.overtakePendingWrites = true;
    }

    /**
     * Break the node's answer to a write longer than a batch: it comes when the write's first part applies, before
     * the rest of it is even in the log.
     */
    public void answerLargeWritesAtTheirFirstPart()
    {
        dispatcher.answerAtFirstPart = true;
    }

    /**
     * @return the client writes appended and not yet answered.
     */
    public int pendingWrites()
    {
        return dispatcher.pendingWrites();
    }

    /**
     * @return how many times a write waited because the leader held as many pending writes as it may.
     */
    public long passesOverBudget()
    {
        return dispatcher.passesOverBudget;
    }

    /**
     * @return writes longer than a batch this member gave up as leader, and runs of parts it dropped unfinished.
     */
    public String largeWritesGivenUp()
    {
        return dispatcher.runsAbandoned + " abandoned, " + dispatcher.partRunsDropped() + " dropped";
    }

    public long writesThatWaitedForRoom()
    {
        return dispatcher.writesWaitedForRoom;
    }

    /**
     * A client connects: the node accepts the connection at once.
     *
     * @return the client's end of the connection.
     */
    public Link connect()
    {
        final Link link = new Link();
        final ClientConnection connection = new ClientConnection(nextId++, link.serverEnd);
        connection.owner(this);
        open.add(connection);
        totalConnections++;
        dispatcher.onOpen(connection);
        return link;
    }

    /**
     * What the node's client poller does in a pass: read what each connection's client sent, hand it to the
     * dispatcher, and close connections whose client went away.
     *
     * @return the amount of work done.
     */
    public int pollClients()
    {
        int work = 0;
        for (int i = open.size() - 1; i >= 0; i--) // a connection that closes leaves the list
        {
            work += open.get(i).readAndHandle(dispatcher, this);
        }
        return work;
    }

    /**
     * The end of a pass: serve the reads and resumed connections the dispatcher was waiting on, then send replies.
     *
     * @return the amount of work done.
     */
    public int afterFlush()
    {
        int work = dispatcher.afterFlush();
        int stillPending = 0;
        for (int i = 0; i < dirty.size(); i++)
        {
            final ClientConnection connection = dirty.get(i);
            if (!connection.isClosed())
            {
                work += connection.flushOrClose();
                if (!connection.isClosed() && connection.hasPendingOutput())
                {
                    dirty.set(stillPending++, connection); // a flush sends at most 4 MB: the rest next pass
                }
            }
        }
        dirty.subList(stillPending, dirty.size()).clear();
        return work;
    }

    /**
     * Read a key from this member's own keyspace, as a stale read would: for checking that members converge.
     *
     * @return the value, or null when the key is absent.
     */
    public String localGet(final String key)
    {
        final byte[] request = ("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        parser.parse(new UnsafeBuffer(request), 0, request.length);
        final Command get = commands.lookup(parser);
        localReply.reset();
        get.execute(parser, keyspace, localReply);
        final String reply = localReply.buffer().getStringWithoutLengthAscii(0, localReply.length());
        if (reply.startsWith("$-1"))
        {
            return null;
        }
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    public void markDirty(final ClientConnection connection)
    {
        if (!connection.isClosed() && !dirty.contains(connection))
        {
            dirty.add(connection);
        }
    }

    public int connectionCount()
    {
        return open.size();
    }

    public long totalConnections()
    {
        return totalConnections;
    }

    public void forEachConnection(final Consumer<ClientConnection> consumer)
    {
        open.forEach(consumer);
    }

    public void onConnectionClosed(final ClientConnection connection)
    {
        if (open.remove(connection))
        {
            dispatcher.onClose(connection);
        }
    }

    /**
     * The client's end of a connection: bytes it sends wait until the node's next {@link #pollClients()}, replies
     * wait until the client takes them.
     */
    public static final class Link
    {
        private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        private int toServerRead;
        private boolean clientClosed;
        private boolean serverClosed;
        final ByteChannel serverEnd = new ByteChannel()
        {
            public int read(final ByteBuffer dst)
            {
                final int available = toServer.size() - toServerRead;
                if (0 == available)
                {
                    return clientClosed ? -1 : 0;
                }
                final byte[] bytes = toServer.toByteArray();
                final int length = Math.min(available, dst.remaining());
                dst.put(bytes, toServerRead, length);
                toServerRead += length;
                if (toServerRead == bytes.length)
                {
                    toServer.reset();
                    toServerRead = 0;
                }
                return length;
            }

            public int write(final ByteBuffer src)
            {
                if (clientClosed)
                {
                    return -1;
                }
                final int length = src.remaining();
                final byte[] bytes = new byte[length];
                src.get(bytes);
                toClient.write(bytes, 0, length);
                return length;
            }

            public boolean isOpen()
            {
                return !serverClosed;
            }

            public void close()
            {
                serverClosed = true;
            }
        };

        /**
         * Send bytes to the node.
         */
        public void send(final byte[] bytes)
        {
            if (!clientClosed)
            {
                toServer.write(bytes, 0, bytes.length);
            }
        }

        /**
         * @return the replies that arrived since the last call, decoded one byte a char.
         */
        public String receive()
        {
            if (0 == toClient.size())
            {
                return "";
            }
            final String replies = toClient.toString(StandardCharsets.ISO_8859_1);
            toClient.reset();
            return replies;
        }

        /**
         * @return true once the node closed the connection.
         */
        public boolean isClosedByServer()
        {
            return serverClosed;
        }

        /**
         * The client hangs up: the node sees the end of the stream on its next poll.
         */
        public void close()
        {
            clientClosed = true;
        }
    }
}

package io.raftis.resp;

import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Accepts client connections on a listening socket and moves bytes in and out of them, without blocking, from the
 * thread that calls {@link #poll()} and {@link #flushDirty()} in its duty cycle.
 * <p>
 * Replies are appended to a connection's {@link ClientConnection#out()}; a connection with replies is marked dirty
 * (automatically after {@link ConnectionHandler#onRead(ClientConnection)}, or with {@link #markDirty(ClientConnection)}
 * for replies produced later) and all dirty connections are flushed by {@link #flushDirty()}, once per duty cycle.
 * What a socket does not take at once is sent when it becomes writable again.
 * <p>
 * It keeps the count of the direct memory all connections' buffers take ({@link #clientMemory()}), updated as each
 * reads, replies and sends, and enforces Redis's limits on it ({@link #clientLimits}): a connection whose unsent
 * replies pass the hard output limit, or stay over the soft one for its seconds, is closed at once, unread; when all
 * of them together pass maxmemory-clients, the connections that take most are closed until they fit.
 * <p>
 * Not thread safe.
 */
public final class ClientPoller implements ClientConnections, AutoCloseable
{
    /**
     * Most connections accepted by one {@link #poll()}, as Redis's MAX_ACCEPTS_PER_CALL.
     */
    public static final int MAX_ACCEPTS_PER_POLL = 1000;

    /** How often {@link #closeIdle(long, long)} looks at every connection. */
    public static final long IDLE_CHECK_INTERVAL_NS = 1_000_000_000L;

    private static final ByteBuffer MAX_CLIENTS_REACHED = ByteBuffer.wrap(
        "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final ConnectionHandler handler;
    private final int maxQueryBufferLength;
    private final int maxClients;
    private final Selector selector;
    private final boolean ownsSelector;
    private final ServerSocketChannel serverChannel;
    private final SelectionKey acceptKey;
    private final int port;
    private final Long2ObjectHashMap<ClientConnection> connections = new Long2ObjectHashMap<>();
    private final ArrayList<ClientConnection> dirty = new ArrayList<>();
    private final Consumer<SelectionKey> onSelectedKey = this::onSelectedKey;
    private long nextId = 1;
    private long totalConnections;
    private long rejectedConnections;
    private boolean idleChecked;
    private long nextIdleCheckNs;
    private final ArrayList<ClientConnection> idle = new ArrayList<>();
    private int workCount;
    private boolean closed;
    private long clientMemory;
    private long maxMemoryClients;
    private long outputHardLimit;
    private long outputSoftLimit;
    private long outputSoftLimitNs;
    private long evictedClients;
    private long outputLimitDisconnections;
    private LongSupplier clock = System::nanoTime;
    private final ArrayList<ClientConnection> byMemory = new ArrayList<>();

    /**
     * Listen on host:port with the default query buffer limit.
     *
     * @param host    to bind to, e.g. "127.0.0.1" or "0.0.0.0".
     * @param port    to bind to, 0 for any free port (see {@link #port()}).
     * @param handler told about connections.
     * @throws UncheckedIOException when the socket cannot be bound.
     */
    public ClientPoller(final String host, final int port, final ConnectionHandler handler)
    {
        this(host, port, handler, ClientConnection.DEFAULT_MAX_QUERY_BUFFER_LENGTH, Integer.MAX_VALUE);
    }

    /**
     * Listen on host:port.
     *
     * @param host                 to bind to, e.g. "127.0.0.1" or "0.0.0.0".
     * @param port                 to bind to, 0 for any free port (see {@link #port()}).
     * @param handler              told about connections.
     * @param maxQueryBufferLength most unparsed bytes a client may buffer before it is closed.
     * @param maxClients           most connections open at once: one more is told
     *                             {@code -ERR max number of clients reached} and closed, as Redis does.
     * @throws UncheckedIOException when the socket cannot be bound.
     */
    public ClientPoller(
        final String host,
        final int port,
        final ConnectionHandler handler,
        final int maxQueryBufferLength,
        final int maxClients)
    {
        this(null, host, port, handler, maxQueryBufferLength, maxClients);
    }

    /**
     * Listen on host:port, registering the sockets with a selector that other channels may share: its keys whose
     * attachment is not a connection are someone else's, and {@link #poll()} leaves them alone.
     *
     * @param sharedSelector       to register with, which the caller closes; null for one of the poller's own.
     * @param host                 to bind to, e.g. "127.0.0.1" or "0.0.0.0".
     * @param port                 to bind to, 0 for any free port (see {@link #port()}).
     * @param handler              told about connections.
     * @param maxQueryBufferLength most unparsed bytes a client may buffer before it is closed.
     * @param maxClients           most connections open at once: one more is told
     *                             {@code -ERR max number of clients reached} and closed, as Redis does.
     * @throws UncheckedIOException when the socket cannot be bound.
     */
    public ClientPoller(
        final Selector sharedSelector,
        final String host,
        final int port,
        final ConnectionHandler handler,
        final int maxQueryBufferLength,
        final int maxClients)
    {
        this.handler = handler;
        this.maxQueryBufferLength = maxQueryBufferLength;
        this.maxClients = maxClients;
        this.ownsSelector = null == sharedSelector;

        Selector selector = sharedSelector;
        ServerSocketChannel serverChannel = null;
        try
        {
            if (ownsSelector)
            {
                selector = Selector.open();
            }
            serverChannel = ServerSocketChannel.open();
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(host, port), 511);
            serverChannel.configureBlocking(false);
            acceptKey = serverChannel.register(selector, SelectionKey.OP_ACCEPT);
            this.port = ((InetSocketAddress)serverChannel.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            closeQuietly(serverChannel);
            if (ownsSelector)
            {
                closeQuietly(selector);
            }
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, ex);
        }

        this.selector = selector;
        this.serverChannel = serverChannel;
    }

    /**
     * Set Redis's limits on the clients' memory.
     *
     * @param maxMemoryClients  the direct memory all connections' buffers may take together; 0 for no limit.
     * @param outputHardLimit   unsent reply bytes past which a connection is closed; 0 for no limit.
     * @param outputSoftLimit   unsent reply bytes a connection may stay over for only outputSoftLimitNs; 0 for none.
     * @param outputSoftLimitNs how long a connection may stay over the soft limit.
     * @param clock             of the soft limit.
     * @return this.
     */
    public ClientPoller clientLimits(
        final long maxMemoryClients,
        final long outputHardLimit,
        final long outputSoftLimit,
        final long outputSoftLimitNs,
        final LongSupplier clock)
    {
        this.maxMemoryClients = maxMemoryClients;
        this.outputHardLimit = outputHardLimit;
        this.outputSoftLimit = outputSoftLimit;
        this.outputSoftLimitNs = outputSoftLimitNs;
        this.clock = clock;
        return this;
    }

    /**
     * @return the direct memory the open connections' query and output buffers take.
     */
    @Override
    public long clientMemory()
    {
        return clientMemory;
    }

    /**
     * @return connections closed because the clients together passed maxmemory-clients (Redis's evicted_clients).
     */
    @Override
    public long evictedClients()
    {
        return evictedClients;
    }

    /**
     * @return connections closed for passing an output buffer limit.
     */
    @Override
    public long outputLimitDisconnections()
    {
        return outputLimitDisconnections;
    }

    /**
     * @return the port listened on.
     */
    public int port()
    {
        return port;
    }

    /**
     * Accept new connections, read from readable ones (then call {@link ConnectionHandler#onRead(ClientConnection)})
     * and flush writable ones, without blocking.
     *
     * @return the amount of work done, 0 when there was nothing to do.
     */
    public int poll()
    {
        if (closed)
        {
            return 0;
        }

        workCount = 0;
        try
        {
            selector.selectNow(onSelectedKey);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        evictWhileOverClientMemory();

        return workCount;
    }

    /**
     * Have the connection's pending output sent by the next {@link #flushDirty()}.
     *
     * @param connection with replies to send.
     */
    public void markDirty(final ClientConnection connection)
    {
        if (!connection.dirty && !connection.isClosed())
        {
            connection.dirty = true;
            dirty.add(connection);
        }
    }

    /**
     * Send the pending output of every dirty connection, closing those that asked to be closed once flushed.
     *
     * @return the number of connections that sent bytes or were closed.
     */
    public int flushDirty()
    {
        int work = 0;
        final ArrayList<ClientConnection> dirty = this.dirty;
        for (int i = 0; i < dirty.size(); i++)
        {
            final ClientConnection connection = dirty.get(i);
            connection.dirty = false;
            if (!connection.isClosed() && withinOutputLimits(connection))
            {
                work += connection.flushOrClose();
                account(connection);
            }
        }
        dirty.clear();
        evictWhileOverClientMemory();

        return work;
    }

    /**
     * @return the number of open connections.
     */
    public int connectionCount()
    {
        return connections.size();
    }

    /**
     * Close the connections that have read and written nothing for longer than the timeout, as Redis's
     * {@code timeout} does; looks at every connection once a second at most (at most {@code maxClients} of them), and
     * at none when the timeout is 0.
     *
     * @param nowNs     the time now.
     * @param timeoutNs how long a connection may stay idle; 0 for ever.
     * @return the connections closed.
     */
    public int closeIdle(final long nowNs, final long timeoutNs)
    {
        if (timeoutNs <= 0 || (idleChecked && nowNs - nextIdleCheckNs < 0))
        {
            return 0;
        }
        idleChecked = true;
        nextIdleCheckNs = nowNs + IDLE_CHECK_INTERVAL_NS;
        for (final ClientConnection connection : connections.values())
        {
            if (connection.idleLongerThan(nowNs, timeoutNs))
            {
                idle.add(connection);
            }
        }
        final int closed = idle.size();
        for (int i = 0; i < closed; i++)
        {
            idle.get(i).close();
        }
        idle.clear();
        return closed;
    }

    /**
     * @return the connections refused since the poller was created, because {@code maxClients} were open.
     */
    @Override
    public long rejectedConnections()
    {
        return rejectedConnections;
    }

    /**
     * @return the number of connections accepted since the poller was created.
     */
    public long totalConnections()
    {
        return totalConnections;
    }

    /**
     * @param id of a connection.
     * @return the open connection with that id, or null.
     */
    public ClientConnection connection(final long id)
    {
        return connections.get(id);
    }

    /**
     * Visit every open connection, e.g. for CLIENT LIST. The consumer must not close connections.
     *
     * @param consumer of each connection.
     */
    public void forEachConnection(final Consumer<ClientConnection> consumer)
    {
        connections.values().forEach(consumer);
    }

    /**
     * Close every connection (each one's {@link ConnectionHandler#onClose(ClientConnection)} is called), the
     * listening socket and the selector. Later calls do nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }

        final ClientConnection[] open = connections.values().toArray(new ClientConnection[0]);
        for (final ClientConnection connection : open)
        {
            connection.close();
        }
        dirty.clear();

        closed = true;
        closeQuietly(serverChannel);
        if (ownsSelector)
        {
            closeQuietly(selector);
        }
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    public void onConnectionClosed(final ClientConnection connection)
    {
        if (null != connections.remove(connection.id()))
        {
            clientMemory -= connection.accountedMemory;
            connection.accountedMemory = 0;
            handler.onClose(connection);
        }
    }

    /**
     * Count what the connection's buffers take now.
     */
    private void account(final ClientConnection connection)
    {
        if (!connection.isClosed())
        {
            final long usage = connection.memoryUsage();
            clientMemory += usage - connection.accountedMemory;
            connection.accountedMemory = usage;
        }
    }

    /**
     * Redis's client-output-buffer-limit for normal clients.
     *
     * @return false when the connection was closed for its unsent replies.
     */
    private boolean withinOutputLimits(final ClientConnection connection)
    {
        final int unsent = connection.out().length();
        if (outputHardLimit > 0 && unsent > outputHardLimit)
        {
            outputLimitDisconnections++;
            connection.close();
            return false;
        }
        if (outputSoftLimit > 0 && unsent > outputSoftLimit)
        {
            final long nowNs = clock.getAsLong();
            if (!connection.overSoftLimit)
            {
                connection.overSoftLimit = true;
                connection.overSoftLimitSinceNs = nowNs;
            }
            else if (nowNs - connection.overSoftLimitSinceNs > outputSoftLimitNs)
            {
                outputLimitDisconnections++;
                connection.close();
                return false;
            }
        }
        else
        {
            connection.overSoftLimit = false;
        }
        return true;
    }

    /**
     * Redis 7's maxmemory-clients: while the connections take more than allowed, close the one that takes most.
     */
    private void evictWhileOverClientMemory()
    {
        if (maxMemoryClients <= 0 || clientMemory <= maxMemoryClients)
        {
            return;
        }
        byMemory.clear();
        byMemory.addAll(connections.values());
        byMemory.sort((a, b) -> Long.compare(b.accountedMemory, a.accountedMemory));
        for (int i = 0; i < byMemory.size() && clientMemory > maxMemoryClients; i++)
        {
            evictedClients++;
            workCount++;
            byMemory.get(i).close();
        }
        byMemory.clear();
    }

    private void onSelectedKey(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }

        if (key == acceptKey)
        {
            accept();
            return;
        }

        if (!(key.attachment() instanceof ClientConnection connection))
        {
            return; // a channel of another owner on a shared selector
        }
        final int readyOps = key.readyOps();

        if (0 != (readyOps & SelectionKey.OP_WRITE))
        {
            workCount += connection.flushOrClose();
        }

        if (0 != (readyOps & SelectionKey.OP_READ) && !connection.isClosed())
        {
            workCount += connection.readAndHandle(handler, this);
        }
        account(connection);
    }

    private void accept()
    {
        for (int i = 0; i < MAX_ACCEPTS_PER_POLL; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = serverChannel.accept();
            }
            catch (final IOException ex)
            {
                return;
            }

            if (null == channel)
            {
                return;
            }
            if (connections.size() >= maxClients)
            {
                refuse(channel);
                continue;
            }

            final ClientConnection connection;
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connection = new ClientConnection(nextId++, channel, maxQueryBufferLength);
                connection.key(channel.register(selector, SelectionKey.OP_READ, connection));
            }
            catch (final IOException ex)
            {
                closeQuietly(channel);
                continue;
            }

            connection.owner(this);
            connections.put(connection.id(), connection);
            account(connection);
            totalConnections++;
            workCount++;
            handler.onOpen(connection);
        }
    }

    /**
     * Tell a connection beyond {@link #maxClients} why, with one write that does not block (a client that reads
     * nothing misses the line), and close it.
     */
    private void refuse(final SocketChannel channel)
    {
        rejectedConnections++;
        workCount++;
        try
        {
            channel.configureBlocking(false);
            channel.write(MAX_CLIENTS_REACHED.duplicate());
        }
        catch (final IOException ignore)
        {
            // closed below all the same
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (null != closeable)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
            }
        }
    }
}

package io.raftis.resp;

import java.util.function.Consumer;

/**
 * The open client connections of a node and the sending of their replies: what a node's command handling needs of its
 * connections. {@link ClientPoller} serves them over NIO sockets; a test can serve them in process.
 */
public interface ClientConnections
{
    /**
     * Have the connection's pending output sent at the end of this duty-cycle pass.
     *
     * @param connection with replies to send.
     */
    void markDirty(ClientConnection connection);

    /**
     * @return the number of open connections.
     */
    int connectionCount();

    /**
     * @return the number of connections accepted so far.
     */
    long totalConnections();

    /**
     * @return the number of connections refused so far because too many were open.
     */
    default long rejectedConnections()
    {
        return 0;
    }

    /**
     * @return the direct memory the open connections' query and output buffers take.
     */
    default long clientMemory()
    {
        return 0;
    }

    /**
     * @return connections closed because the clients together passed maxmemory-clients.
     */
    default long evictedClients()
    {
        return 0;
    }

    /**
     * @return connections closed for passing an output buffer limit.
     */
    default long outputLimitDisconnections()
    {
        return 0;
    }

    /**
     * @param consumer called with each open connection.
     */
    void forEachConnection(Consumer<ClientConnection> consumer);

    /**
     * A connection that belongs here closed: called once by {@link ClientConnection#close()}.
     *
     * @param connection that closed.
     */
    void onConnectionClosed(ClientConnection connection);
}

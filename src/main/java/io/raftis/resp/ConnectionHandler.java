package io.raftis.resp;

/**
 * What a {@link ClientPoller} tells its owner about client connections. Called on the polling thread.
 */
public interface ConnectionHandler
{
    /**
     * A client connected; the connection is registered for reading.
     *
     * @param connection the new connection.
     */
    void onOpen(ClientConnection connection);

    /**
     * New bytes arrived in the connection's input buffer. Replies appended to {@link ClientConnection#out()} are
     * sent at the end of the duty cycle by {@link ClientPoller#flushDirty()}.
     *
     * @param connection that received bytes.
     */
    void onRead(ClientConnection connection);

    /**
     * The connection was closed, by the client, an error or the server. Called once per connection.
     *
     * @param connection that was closed.
     */
    void onClose(ClientConnection connection);
}

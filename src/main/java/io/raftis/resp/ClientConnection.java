package io.raftis.resp;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One accepted client socket: its input buffer of received bytes, its pending output, and the node's state for it.
 * <p>
 * Received bytes [{@link #readPosition()}, {@link #writePosition()}) of {@link #input()} are not parsed yet. The
 * owner parses commands from there, tells the connection what it has used with {@link #consumed(int)}, appends
 * replies to {@link #out()}, and has them sent with {@link #flush()}. Offsets into {@link #input()} stay valid until
 * the next {@link #read()} or {@link #ensureCapacity(int)}, which may move the unparsed bytes.
 * <p>
 * Not thread safe: a connection belongs to the thread that polls its {@link ClientPoller}.
 */
public final class ClientConnection
{
    /**
     * Initial size of the input buffer.
     */
    public static final int INITIAL_INPUT_CAPACITY = 16 * 1024;

    /**
     * Initial size of the output buffer.
     */
    public static final int INITIAL_OUTPUT_CAPACITY = 16 * 1024;

    /**
     * Most unparsed bytes a client may have buffered, as Redis's client-query-buffer-limit default.
     */
    public static final int DEFAULT_MAX_QUERY_BUFFER_LENGTH = 1024 * 1024 * 1024;

    /**
     * Most bytes taken from the socket by one {@link #read()}, so that one busy client cannot starve the others.
     */
    public static final int MAX_READ_PER_CALL = 256 * 1024;

    /**
     * An empty input buffer larger than this is given back and replaced by one of the initial size.
     */
    static final int SHRINK_THRESHOLD = 1024 * 1024;
    /** The most a large value's body is written in one call: what the socket layer copies to a buffer of its own. */
    static final int BODY_SLICE = 256 * 1024;
    /** The most one {@link #flush()} writes: a pass sends no more than this to one client before the others. */
    static final int MAX_WRITE_PER_CALL = 4 * 1024 * 1024;

    private final long id;
    private final ByteChannel channel;
    private final int maxQueryBufferLength;
    private final UnsafeBuffer input;
    private final RespWriter out;
    private final RespParser parser = new RespParser();
    /** What the owner last counted of {@link #memoryUsage()}, and since when replies stayed over the soft limit. */
    long accountedMemory;
    long overSoftLimitSinceNs;
    boolean overSoftLimit;
    private ByteBuffer inputByteBuffer;
    private ByteBuffer outputSource;
    private ByteBuffer outputView;
    private SelectionKey key;
    private ClientConnections owner;
    private int readPosition;
    private int writePosition;
    private String name;
    private boolean closeAfterFlush;
    private boolean queryBufferLimitExceeded;
    private boolean closed;
    private boolean interacted = true; // bytes read or written since the last idle check; a new connection counts
    private long lastInteractionNs;
    private Object attachment;
    boolean dirty;

    /**
     * Create a connection with the default query buffer limit.
     *
     * @param id      unique and increasing, given by the poller.
     * @param channel the accepted socket, already non-blocking, or any non-blocking byte channel.
     */
    public ClientConnection(final long id, final ByteChannel channel)
    {
        this(id, channel, DEFAULT_MAX_QUERY_BUFFER_LENGTH);
    }

    /**
     * Create a connection.
     *
     * @param id                   unique and increasing, given by the poller.
     * @param channel              the accepted socket, already non-blocking, or any non-blocking byte channel.
     * @param maxQueryBufferLength most unparsed bytes the client may have buffered before it is closed.
     */
    public ClientConnection(final long id, final ByteChannel channel, final int maxQueryBufferLength)
    {
        if (maxQueryBufferLength < INITIAL_INPUT_CAPACITY)
        {
            throw new IllegalArgumentException("maxQueryBufferLength must be at least " + INITIAL_INPUT_CAPACITY);
        }

        this.id = id;
        this.channel = channel;
        this.maxQueryBufferLength = maxQueryBufferLength;
        inputByteBuffer = ByteBuffer.allocateDirect(INITIAL_INPUT_CAPACITY);
        input = new UnsafeBuffer(inputByteBuffer);
        out = new RespWriter(INITIAL_OUTPUT_CAPACITY);
    }

    /**
     * @return the connection's id, unique and increasing within its poller.
     */
    public long id()
    {
        return id;
    }

    /**
     * @return the socket.
     */
    public ByteChannel channel()
    {
        return channel;
    }

    /**
     * @return the address of the client's end of a socket, or null for a channel that is not a connected socket.
     * @throws IOException when the socket cannot say.
     */
    public SocketAddress remoteAddress() throws IOException
    {
        return channel instanceof SocketChannel socket ? socket.getRemoteAddress() : null;
    }

    /**
     * @return the key of the socket in its poller's selector, or null when not registered.
     */
    public SelectionKey key()
    {
        return key;
    }

    /**
     * @param key of the socket in its poller's selector.
     */
    public void key(final SelectionKey key)
    {
        this.key = key;
    }

    /**
     * @return the input buffer; bytes [{@link #readPosition()}, {@link #writePosition()}) are not parsed yet.
     */
    public UnsafeBuffer input()
    {
        return input;
    }

    /**
     * @return offset in {@link #input()} of the first unparsed byte.
     */
    public int readPosition()
    {
        return readPosition;
    }

    /**
     * @return offset in {@link #input()} one past the last received byte.
     */
    public int writePosition()
    {
        return writePosition;
    }

    /**
     * @return the number of received bytes not consumed yet.
     */
    public int unparsedLength()
    {
        return writePosition - readPosition;
    }

    /**
     * @return the replies waiting to be sent.
     */
    public RespWriter out()
    {
        return out;
    }

    /**
     * @return the name given by CLIENT SETNAME, or null.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param name given by CLIENT SETNAME, or null to clear it.
     */
    public void name(final String name)
    {
        this.name = name;
    }

    /**
     * @return true when the connection is to be closed once its pending output has been sent.
     */
    public boolean closeAfterFlush()
    {
        return closeAfterFlush;
    }

    /**
     * @param closeAfterFlush true to close the connection once its pending output has been sent (e.g. QUIT).
     */
    public void closeAfterFlush(final boolean closeAfterFlush)
    {
        this.closeAfterFlush = closeAfterFlush;
    }

    /**
     * @return the node's state for this connection, or null.
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * @param attachment the node's state for this connection.
     */
    public void attachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * @return the largest number of unparsed bytes this connection may buffer.
     */
    public int maxQueryBufferLength()
    {
        return maxQueryBufferLength;
    }

    /**
     * @return true when the client sent more than {@link #maxQueryBufferLength()} unparsed bytes; it should be
     * closed without a reply, as Redis does.
     */
    public boolean isQueryBufferLimitExceeded()
    {
        return queryBufferLimitExceeded;
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Read what the socket holds, up to {@link #MAX_READ_PER_CALL} bytes, into the input buffer. When the buffer is
     * full on entry its unparsed bytes are moved to the front, or it grows; when it fills up during the call, the
     * call returns so that the caller can parse first.
     *
     * @return bytes read (0 when there were none), or -1 on end of stream, I/O error or an exceeded query buffer
     * limit: then the caller closes the connection.
     */
    public int read()
    {
        if (closed || queryBufferLimitExceeded)
        {
            return -1;
        }

        if (readPosition == writePosition && input.capacity() > SHRINK_THRESHOLD)
        {
            readPosition = 0;
            writePosition = 0;
            replaceInput(INITIAL_INPUT_CAPACITY);
        }

        int total = 0;
        try
        {
            while (total < MAX_READ_PER_CALL)
            {
                if (writePosition == input.capacity())
                {
                    if (total > 0)
                    {
                        break;
                    }

                    if (!makeRoom(writePosition - readPosition + 1))
                    {
                        return -1;
                    }
                }

                final ByteBuffer byteBuffer = inputByteBuffer;
                final int maxBytes = Math.min(byteBuffer.capacity() - writePosition, MAX_READ_PER_CALL - total);
                byteBuffer.limit(writePosition + maxBytes).position(writePosition);
                final int bytesRead = channel.read(byteBuffer);
                if (bytesRead < 0)
                {
                    return total > 0 ? total : -1;
                }

                if (0 == bytesRead)
                {
                    break;
                }

                writePosition += bytesRead;
                total += bytesRead;
                interacted = true;
                if (bytesRead < maxBytes)
                {
                    break; // the socket had less than there was room for: it is empty, no need to ask again
                }
            }
        }
        catch (final IOException ex)
        {
            return -1;
        }

        return total;
    }

    /**
     * What a poller does when the socket is readable: read, hand what arrived to the handler, close the connection
     * at the end of the stream or past the query buffer limit, and have replies the handler wrote sent.
     *
     * @param handler     told of what arrived.
     * @param connections this connection's owner, which sends replies at the end of the pass.
     * @return the amount of work done: 1 when bytes arrived or the connection closed, else 0.
     */
    public int readAndHandle(final ConnectionHandler handler, final ClientConnections connections)
    {
        final int bytesRead = read();
        if (bytesRead < 0)
        {
            close();
            return 1;
        }
        if (0 == bytesRead)
        {
            return 0;
        }
        handler.onRead(this);
        if (queryBufferLimitExceeded)
        {
            close();
        }
        else if (!closed && (hasPendingOutput() || closeAfterFlush))
        {
            connections.markDirty(this);
        }
        return 1;
    }

    /**
     * Send pending output, and close the connection when sending failed or when it was to close once flushed.
     *
     * @return the amount of work done: 1 when bytes were sent or the connection closed, else 0.
     */
    public int flushOrClose()
    {
        final int bytesWritten = flush();
        if (bytesWritten < 0 || (closeAfterFlush && !hasPendingOutput()))
        {
            close();
            return 1;
        }
        return bytesWritten > 0 ? 1 : 0;
    }

    /**
     * The idle check, made by the poller about once a second: bytes read or written since the last check count as
     * an interaction at this check's time (Redis's timeout also has a resolution of a second).
     *
     * @param nowNs     the time of this check.
     * @param timeoutNs how long a connection may go without interaction.
     * @return true when the connection has gone without any for longer than timeoutNs.
     */
    boolean idleLongerThan(final long nowNs, final long timeoutNs)
    {
        if (interacted)
        {
            interacted = false;
            lastInteractionNs = nowNs;
            return false;
        }
        return nowNs - lastInteractionNs > timeoutNs;
    }

    /**
     * @return the direct memory this connection's query and output buffers take.
     */
    public long memoryUsage()
    {
        return (long)input.capacity() + out.capacity();
    }

    /**
     * @return the parser of this connection's requests, which keeps how far it got through a partial one.
     */
    public RespParser parser()
    {
        return parser;
    }

    /**
     * Prepare the input buffer for a command that needs this many unparsed bytes, e.g. the parser's
     * {@link RespParser#requiredLength()} for a large bulk argument: when that is more than the query buffer limit,
     * {@link #isQueryBufferLimitExceeded()} becomes true; otherwise the unparsed bytes move to the front when they
     * would not fit where they are.
     * <p>
     * A command of {@link LargeBuffers#LAZY_THRESHOLD} bytes or more gets a buffer of its declared length at once,
     * plus {@link #INITIAL_INPUT_CAPACITY} for what may follow its large argument, from {@link LargeBuffers}: its
     * memory is committed page by page as the bytes arrive, so a client that declares a 500 MB bulk and sends three
     * bytes of it holds a few pages, and the bytes that do come are copied once, not once more for each doubling.
     * Smaller commands grow the buffer as their bytes arrive, doubling each time it fills ({@link #read()}).
     *
     * @param unparsedBytes the number of bytes from {@link #readPosition()} the command needs.
     * @return false when that exceeds the query buffer limit.
     */
    public boolean ensureCapacity(final int unparsedBytes)
    {
        if (unparsedBytes > maxQueryBufferLength)
        {
            queryBufferLimitExceeded = true;
            return false;
        }
        if (unparsedBytes >= LargeBuffers.LAZY_THRESHOLD && unparsedBytes > input.capacity())
        {
            regrow((int)Math.min((long)unparsedBytes + INITIAL_INPUT_CAPACITY, maxQueryBufferLength));
        }
        else if (readPosition + unparsedBytes > input.capacity())
        {
            compact();
        }
        return true;
    }

    /**
     * Mark bytes from {@link #readPosition()} as parsed.
     *
     * @param bytes parsed.
     */
    public void consumed(final int bytes)
    {
        if (bytes < 0 || bytes > writePosition - readPosition)
        {
            throw new IllegalArgumentException(
                "bytes=" + bytes + " unparsed=" + (writePosition - readPosition));
        }

        readPosition += bytes;
        if (readPosition == writePosition)
        {
            readPosition = 0;
            writePosition = 0;
        }
    }

    /**
     * @return true when replies are waiting to be sent.
     */
    public boolean hasPendingOutput()
    {
        return out.length() > 0;
    }

    /**
     * Write pending output to the socket without blocking. What the socket does not take stays pending and the
     * key's interest in OP_WRITE is set; it is cleared once everything is sent.
     *
     * @return bytes written, or -1 on I/O error (then the caller closes the connection).
     */
    public int flush()
    {
        if (closed)
        {
            return -1;
        }

        int total = 0;
        try
        {
            while (out.length() > 0 && total < MAX_WRITE_PER_CALL)
            {
                final int bodyAt = out.bodyAt();
                final int written;
                if (0 == bodyAt)
                {
                    // a large value, sent from its own array a slice at a time, which the socket layer copies
                    final byte[] body = out.body();
                    final int sent = out.bodySent();
                    written = channel.write(ByteBuffer.wrap(body, sent, Math.min(body.length - sent, BODY_SLICE)));
                    if (written > 0)
                    {
                        out.bodyConsumed(written);
                    }
                }
                else
                {
                    // the buffer up to the next body, in as many writes as the socket takes, moved up once after
                    final ByteBuffer view = outputView();
                    view.limit(bodyAt > 0 ? bodyAt : out.bufferedLength()).position(0);
                    int bytes = 0;
                    while (view.hasRemaining() && total + bytes < MAX_WRITE_PER_CALL)
                    {
                        final int w = channel.write(view);
                        if (w <= 0)
                        {
                            break;
                        }
                        bytes += w;
                    }
                    written = bytes;
                    if (written > 0)
                    {
                        out.consumed(written);
                    }
                }
                if (written <= 0)
                {
                    break;
                }
                total += written;
            }
            interacted |= total > 0;
        }
        catch (final IOException ex)
        {
            return -1;
        }

        updateWriteInterest();

        return total;
    }

    /**
     * Close the socket and cancel its key; later calls do nothing. The poller that owns the connection is told,
     * which calls {@link ConnectionHandler#onClose(ClientConnection)} once.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }

        closed = true;
        if (null != key)
        {
            key.cancel();
        }
        if (input.capacity() > SHRINK_THRESHOLD)
        {
            // a large query buffer's memory goes now, not when the collector gets to it
            readPosition = 0;
            writePosition = 0;
            replaceInput(INITIAL_INPUT_CAPACITY);
        }

        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
        }

        final ClientConnections owner = this.owner;
        if (null != owner)
        {
            this.owner = null;
            owner.onConnectionClosed(this);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ClientConnection{id=" + id + ", name=" + name + ", closed=" + closed + '}';
    }

    /**
     * @param owner the connections this one belongs to, told once when it closes.
     */
    public void owner(final ClientConnections owner)
    {
        this.owner = owner;
    }

    private void updateWriteInterest()
    {
        final SelectionKey key = this.key;
        if (null != key && key.isValid())
        {
            final int ops = key.interestOps();
            final int newOps = out.length() > 0 ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
            if (newOps != ops)
            {
                key.interestOps(newOps);
            }
        }
    }

    private ByteBuffer outputView()
    {
        final ByteBuffer source = out.byteBuffer();
        if (source != outputSource)
        {
            outputSource = source;
            outputView = source.duplicate();
        }

        return outputView;
    }

    private boolean makeRoom(final int unparsedBytes)
    {
        if (unparsedBytes > maxQueryBufferLength)
        {
            queryBufferLimitExceeded = true;
            return false;
        }

        if (unparsedBytes <= input.capacity())
        {
            compact();
            return true;
        }

        final long doubled = 2L * input.capacity();
        regrow((int)Math.max(unparsedBytes, Math.min(doubled, maxQueryBufferLength)));

        return true;
    }

    /**
     * Move the unparsed bytes to the front of the buffer.
     */
    private void compact()
    {
        if (readPosition > 0)
        {
            final int unparsed = writePosition - readPosition;
            input.putBytes(0, input, readPosition, unparsed);
            readPosition = 0;
            writePosition = unparsed;
        }
    }

    /**
     * Move the unparsed bytes to the front of a new buffer of this capacity.
     */
    private void regrow(final int capacity)
    {
        final int unparsed = writePosition - readPosition;
        final ByteBuffer oldByteBuffer = inputByteBuffer;
        final ByteBuffer newByteBuffer = LargeBuffers.allocate(capacity);
        final UnsafeBuffer newBuffer = new UnsafeBuffer(newByteBuffer);
        newBuffer.putBytes(0, input, readPosition, unparsed);
        inputByteBuffer = newByteBuffer;
        input.wrap(newByteBuffer);
        readPosition = 0;
        writePosition = unparsed;
        LargeBuffers.free(oldByteBuffer);
    }

    private void replaceInput(final int capacity)
    {
        final ByteBuffer oldByteBuffer = inputByteBuffer;
        inputByteBuffer = ByteBuffer.allocateDirect(capacity);
        input.wrap(inputByteBuffer);
        LargeBuffers.free(oldByteBuffer);
    }
}

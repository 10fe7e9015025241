package io.raftis.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny Redis stand-in for tests: answers SET with {@code +OK} and GET with {@code $-1} (or every command with a
 * fixed error), each reply held back by a fixed delay, and stalls completely, reading and writing nothing, once for a
 * while after its first request.
 */
final class StallingServer implements AutoCloseable
{
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final long replyDelayNs;
    private final long stallAfterNs;
    private final long stallNs;
    private final byte[] errorReply;
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean running = true;
    private volatile long closeAfterRequests = Long.MAX_VALUE;
    private long stallStartNs = Long.MAX_VALUE;
    private boolean stalled;

    /**
     * @param replyDelay   how long each reply is held back.
     * @param stallAfter   time from the first request to the stall.
     * @param stall        how long the stall lasts; 0 for none.
     * @param error        error text to answer every command with, or null.
     */
    StallingServer(final long replyDelay, final long stallAfter, final long stall, final TimeUnit unit,
        final String error) throws IOException
    {
        replyDelayNs = unit.toNanos(replyDelay);
        stallAfterNs = unit.toNanos(stallAfter);
        stallNs = unit.toNanos(stall);
        errorReply = null == error ? null : ("-" + error + "\r\n").getBytes(StandardCharsets.US_ASCII);
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "stalling-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return ((InetSocketAddress)server.socket().getLocalSocketAddress()).getPort();
    }

    long requests()
    {
        return requests.get();
    }

    /**
     * Close every connection, as a crashed server would, once this many requests have arrived.
     *
     * @param requests to answer before closing.
     */
    void closeAfter(final long requests)
    {
        closeAfterRequests = requests;
    }

    public void close() throws IOException
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final SelectionKey key : selector.keys())
        {
            key.channel().close();
        }
        selector.close();
    }

    private void loop()
    {
        try
        {
            while (running)
            {
                final long now = System.nanoTime();
                if (!stalled && now - stallStartNs >= 0)
                {
                    stalled = true;
                    TimeUnit.NANOSECONDS.sleep(stallNs);
                }

                selector.select(1);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isAcceptable())
                    {
                        final SocketChannel channel = server.accept();
                        if (null != channel)
                        {
                            channel.configureBlocking(false);
                            channel.register(selector, SelectionKey.OP_READ, new Peer(channel));
                        }
                    }
                    else if (key.isReadable())
                    {
                        read(key, (Peer)key.attachment());
                    }
                }

                final long writeNs = System.nanoTime();
                for (final SelectionKey key : selector.keys())
                {
                    if (key.attachment() instanceof Peer && key.isValid())
                    {
                        write((Peer)key.attachment(), writeNs);
                    }
                }
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            if (running)
            {
                ex.printStackTrace();
            }
        }
    }

    private void read(final SelectionKey key, final Peer peer) throws IOException
    {
        final int read;
        try
        {
            read = peer.channel.read(peer.in);
        }
        catch (final IOException ex)
        {
            key.cancel();
            peer.channel.close();
            return;
        }

        if (read < 0)
        {
            key.cancel();
            peer.channel.close();
            return;
        }

        final long now = System.nanoTime();
        final int limit = peer.in.position();
        int offset = 0;
        int end;
        while ((end = ReplyScanner.scan(peer.in, offset, limit)) != ReplyScanner.INCOMPLETE)
        {
            if (0 == requests.getAndIncrement() && stallNs > 0)
            {
                stallStartNs = now + stallAfterNs;
            }

            final byte[] reply;
            if (null != errorReply)
            {
                reply = errorReply;
            }
            else
            {
                reply = 'S' == commandInitial(peer.in, offset) ? OK : NULL_BULK;
            }
            peer.replies.add(new Reply(now + replyDelayNs, reply));
            offset = end;

            if (requests.get() >= closeAfterRequests)
            {
                for (final SelectionKey other : selector.keys())
                {
                    if (other.attachment() instanceof Peer)
                    {
                        other.cancel();
                        other.channel().close();
                    }
                }
                return;
            }
        }

        peer.in.flip().position(offset);
        peer.in.compact();
    }

    private static byte commandInitial(final ByteBuffer in, final int offset)
    {
        int newlines = 0;
        int i = offset;
        while (newlines < 2)
        {
            if ('\n' == in.get(i++))
            {
                newlines++;
            }
        }

        return in.get(i);
    }

    private void write(final Peer peer, final long now) throws IOException
    {
        while (!peer.replies.isEmpty() && now - peer.replies.peek().dueNs >= 0 &&
            peer.out.remaining() >= peer.replies.peek().bytes.length)
        {
            peer.out.put(peer.replies.poll().bytes);
        }

        if (peer.out.position() > 0)
        {
            peer.out.flip();
            peer.channel.write(peer.out);
            peer.out.compact();
        }
    }

    private static final class Peer
    {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        final ArrayDeque<Reply> replies = new ArrayDeque<>();

        Peer(final SocketChannel channel)
        {
            this.channel = channel;
        }
    }

    private static final class Reply
    {
        final long dueNs;
        final byte[] bytes;

        Reply(final long dueNs, final byte[] bytes)
        {
            this.dueNs = dueNs;
            this.bytes = bytes;
        }
    }
}

package io.raftis.resp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.MappedByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ClientPollerTest
{
    /** Only there so that a test does not hang: generous for a loaded machine. */
    private static final long TIMEOUT_NS = 60_000_000_000L;

    private final OkHandler handler = new OkHandler();
    private ClientPoller poller;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException
    {
        for (final Socket socket : sockets)
        {
            socket.close();
        }

        if (null != poller)
        {
            poller.close();
        }
    }

    @Test
    void shouldReplyToPipelinedCommandsSentInTwoPieces() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        final OutputStream out = socket.getOutputStream();

        out.write(bytes("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk"));
        out.flush();
        final String first = readReplies(socket, "+OK\r\n+OK\r\n".length());
        out.write(bytes("\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n"));
        out.flush();
        final String second = readReplies(socket, "+OK\r\n+OK\r\n".length());

        assertEquals("+OK\r\n+OK\r\n", first);
        assertEquals("+OK\r\n+OK\r\n", second);
        assertEquals(List.of(List.of("GET", "k"), List.of("PING"), List.of("SET", "k", "value"), List.of("PING")),
            handler.commands);
        assertEquals(1, handler.opened.size());
        assertEquals(1, poller.connectionCount());
        assertEquals(1, poller.totalConnections());
        assertTrue(poller.port() > 0);
    }

    @Test
    void shouldCallOnCloseOnceWhenTheClientCloses() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("PING\r\n"));
        assertEquals("+OK\r\n", readReplies(socket, 5));
        final ClientConnection connection = handler.opened.get(0);
        assertSame(connection, poller.connection(connection.id()));

        socket.close();
        driveUntil(() -> !handler.closed.isEmpty());
        for (int i = 0; i < 100; i++)
        {
            poller.poll();
            poller.flushDirty();
        }

        assertEquals(List.of(connection), handler.closed);
        assertTrue(connection.isClosed());
        assertEquals(0, poller.connectionCount());
        assertEquals(1, poller.totalConnections());
        assertNull(poller.connection(connection.id()));
    }

    @Test
    void shouldGiveEachConnectionItsOwnIncreasingId() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        connect();
        connect();
        connect();

        assertEquals(3, poller.connectionCount());
        assertEquals(3, poller.totalConnections());
        assertTrue(handler.opened.get(0).id() < handler.opened.get(1).id());
        assertTrue(handler.opened.get(1).id() < handler.opened.get(2).id());
        final List<ClientConnection> visited = new ArrayList<>();
        poller.forEachConnection(visited::add);
        assertEquals(3, visited.size());
    }

    @Test
    void shouldRefuseAConnectionBeyondMaxClientsWithRedisErrorAndTakeOneAgainWhenOneCloses() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler, ClientConnection.DEFAULT_MAX_QUERY_BUFFER_LENGTH, 2);
        connect();
        final Socket second = connect();

        final Socket third = new Socket("127.0.0.1", poller.port());
        sockets.add(third);
        driveUntil(() -> poller.rejectedConnections() == 1);
        final byte[] reply = third.getInputStream().readAllBytes();
        assertEquals("-ERR max number of clients reached\r\n", new String(reply, StandardCharsets.US_ASCII));
        assertEquals(2, poller.connectionCount());
        assertEquals(2, handler.opened.size(), "the refused connection never reached the handler");

        second.close();
        driveUntil(() -> poller.connectionCount() == 1);
        connect();
        assertEquals(2, poller.connectionCount(), "room again once one closed");
        assertEquals(1, poller.rejectedConnections());
    }

    @Test
    void shouldCloseAConnectionIdleForLongerThanTheTimeoutAndKeepOneThatTalks() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final long second = ClientPoller.IDLE_CHECK_INTERVAL_NS;
        final long timeout = 3 * second;
        final Socket quiet = connect();
        final Socket talking = connect();
        assertEquals(0, poller.closeIdle(0, 0), "a timeout of 0 closes nothing");
        assertEquals(0, poller.closeIdle(0, timeout));
        assertEquals(0, poller.closeIdle(second / 2, timeout), "one look a second");
        for (long now = second; now <= 3 * second; now += second)
        {
            talking.getOutputStream().write(bytes("PING\r\n"));
            final long before = handler.commands.size();
            driveUntil(() -> handler.commands.size() > before);
            assertEquals(0, poller.closeIdle(now, timeout), "at " + now);
        }
        assertEquals(0, poller.closeIdle(4 * second - 1, timeout), "the next look is a second after the last");
        assertEquals(1, poller.closeIdle(4 * second, timeout), "silent since the first look, at 0");
        assertEquals(-1, readUntilEndOfStream(quiet));
        assertEquals(1, poller.connectionCount());
        assertEquals(1, handler.closed.size());
        assertFalse(handler.opened.get(1).isClosed(), "the talking one stays");
        assertEquals(0, poller.closeIdle(5 * second, timeout), "the other talked at the look at 3 s");
    }

    @Test
    void shouldCloseAfterFlushingTheReplyToQuit() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("QUIT\r\nPING\r\n"));

        assertEquals("+OK\r\n", readReplies(socket, 5));
        driveUntil(() -> !handler.closed.isEmpty());

        assertEquals(-1, readUntilEndOfStream(socket));
        assertEquals(1, handler.closed.size());
        assertEquals(0, poller.connectionCount());
    }

    @Test
    void shouldCallOnCloseOnceWhenTheServerClosesTheConnection() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("KILL\r\n"));

        driveUntil(() -> !handler.closed.isEmpty());
        handler.closed.get(0).close();
        for (int i = 0; i < 10; i++)
        {
            poller.poll();
        }

        assertEquals(1, handler.closed.size());
        assertEquals(-1, readUntilEndOfStream(socket));
    }

    @Test
    void shouldReplyToCommandsSentBeforeTheClientHalfCloses() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("PING\r\nPING\r\n"));
        socket.shutdownOutput();

        assertEquals("+OK\r\n+OK\r\n", readReplies(socket, 10));
        driveUntil(() -> !handler.closed.isEmpty());
        assertEquals(1, handler.closed.size());
    }

    /**
     * Six such connections once made a member reserve 3 GB of direct memory and die of it; later the buffer grew only
     * as bytes arrived, doubling, which copied a 500 MB value several times over, the last copies in one pass each.
     * Now the declared length is mapped at once, outside direct memory, and committed only as bytes arrive.
     */
    @Test
    void shouldMapADeclaredHugeBulkOutsideDirectMemoryAndFillItInPlace() throws Exception
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        final ClientConnection connection = handler.opened.get(0);
        final long directBefore = bufferPool("direct").getMemoryUsed();
        socket.getOutputStream().write(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\nabc"));
        driveUntil(() -> handler.maxRequired > 500_000_000);
        for (int i = 0; i < 10; i++)
        {
            poller.poll();
        }
        final int capacity = connection.input().capacity();
        assertTrue(capacity >= 500_000_000, "holds the declared command: " + capacity);
        assertTrue(connection.input().byteBuffer() instanceof MappedByteBuffer, "mapped, committed as written");
        assertTrue(bufferPool("direct").getMemoryUsed() - directBefore < 1024 * 1024,
            "direct memory used: " + (bufferPool("direct").getMemoryUsed() - directBefore));
        assertFalse(connection.isClosed(), "a bulk within proto-max-bulk-len may still arrive");

        final byte[] more = new byte[3 * 1024 * 1024];
        Arrays.fill(more, (byte)'v');
        socket.getOutputStream().write(more);
        driveUntil(() -> connection.writePosition() - connection.readPosition() >= 3 * 1024 * 1024);
        assertEquals(capacity, connection.input().capacity(), "filled in place, not grown and copied");
        assertEquals('a', (char)connection.input().getByte(connection.readPosition() + 32));
        assertEquals('v', (char)connection.input().getByte(connection.writePosition() - 1));

        connection.close();
        assertTrue(connection.input().capacity() <= 64 * 1024, "a closed connection lets its large buffer go");
    }

    private static BufferPoolMXBean bufferPool(final String name)
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if (name.equals(pool.getName()))
            {
                return pool;
            }
        }
        throw new IllegalStateException("no buffer pool " + name);
    }

    @Test
    void shouldSendLargeReplyAcrossManyWrites() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        final int size = 16 * 1024 * 1024;
        socket.getOutputStream().write(bytes("BIG " + size + "\r\nPING\r\n"));

        final String header = "$" + size + "\r\n";
        final String replies = readReplies(socket, header.length() + size + 2 + 5);

        assertEquals(header, replies.substring(0, header.length()));
        for (int i = 0; i < size; i++)
        {
            if (replies.charAt(header.length() + i) != (char)('a' + (i % 26)))
            {
                fail("wrong byte at " + i);
            }
        }
        assertEquals("\r\n+OK\r\n", replies.substring(header.length() + size));
        final ClientConnection connection = handler.opened.get(0);
        assertEquals(0, connection.key().interestOps() & SelectionKey.OP_WRITE);
    }

    @Test
    void shouldReceiveLargeArgumentAcrossManyReads() throws Exception
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        final int size = 5 * 1024 * 1024;
        final byte[] value = new byte[size];
        for (int i = 0; i < size; i++)
        {
            value[i] = (byte)('0' + (i % 10));
        }

        final ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + size + "\r\n"));
        request.write(value);
        request.write(bytes("\r\nPING\r\n"));
        final Thread sender = sendInBackground(socket, request.toByteArray());

        assertEquals("+OK\r\n+OK\r\n", readReplies(socket, 10));
        sender.join();

        assertEquals(2, handler.commands.size());
        assertEquals(new String(value, StandardCharsets.US_ASCII), handler.commands.get(0).get(2));
        assertTrue(handler.maxRequired >= size);
    }

    @Test
    void shouldCloseSilentlyWhenTheQueryBufferLimitIsExceededByARequiredLength() throws Exception
    {
        poller = new ClientPoller("127.0.0.1", 0, handler, 64 * 1024, Integer.MAX_VALUE);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("*2\r\n$3\r\nSET\r\n$100000\r\nabc"));

        driveUntil(() -> !handler.closed.isEmpty());

        assertEquals(-1, readUntilEndOfStream(socket));
        assertEquals(1, handler.closed.size());
        assertTrue(handler.closed.get(0).isQueryBufferLimitExceeded());
        assertTrue(handler.commands.isEmpty());
    }

    @Test
    void shouldCloseSilentlyWhenTheQueryBufferLimitIsExceededByUnparsedBytes() throws Exception
    {
        handler.consume = false;
        poller = new ClientPoller("127.0.0.1", 0, handler, 64 * 1024, Integer.MAX_VALUE);
        final Socket socket = connect();
        final Thread sender = sendInBackground(socket, new byte[200 * 1024]);

        driveUntil(() -> !handler.closed.isEmpty());
        sender.join();

        assertEquals(-1, readUntilEndOfStream(socket));
        assertEquals(1, handler.closed.size());
        assertTrue(handler.closed.get(0).isQueryBufferLimitExceeded());
    }

    @Test
    void shouldReplyWithProtocolErrorAndClose() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        socket.getOutputStream().write(bytes("*1\r\n$x\r\n"));

        final String expected = "-ERR Protocol error: invalid bulk length\r\n";
        assertEquals(expected, readReplies(socket, expected.length()));
        driveUntil(() -> !handler.closed.isEmpty());
        assertEquals(-1, readUntilEndOfStream(socket));
    }

    @Test
    void shouldFlushRepliesProducedOutsideOnRead() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket socket = connect();
        final ClientConnection connection = handler.opened.get(0);

        connection.out().integer(42);
        poller.markDirty(connection);
        poller.markDirty(connection);

        assertEquals(":42\r\n", readReplies(socket, 5));
    }

    @Test
    void shouldCloseEveryConnectionWhenClosed() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);
        final Socket first = connect();
        final Socket second = connect();

        poller.close();
        poller.close();

        assertEquals(2, handler.closed.size());
        assertEquals(0, poller.connectionCount());
        assertTrue(poller.isClosed());
        assertEquals(0, poller.poll());
        assertEquals(-1, readUntilEndOfStream(first));
        assertEquals(-1, readUntilEndOfStream(second));
    }

    @Test
    void shouldReportNoWorkWhenIdle()
    {
        poller = new ClientPoller("127.0.0.1", 0, handler);

        assertEquals(0, poller.poll());
        assertEquals(0, poller.flushDirty());
    }

    /**
     * A client that asks for 100 KB replies and reads none: once the socket's buffers are full its unsent replies
     * pass the hard limit of 1 MB and it is closed, unread; a client that reads is not.
     */
    @Test
    void shouldCloseAClientWhoseUnsentRepliesPassTheHardLimit() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler).clientLimits(0, 1024 * 1024, 0, 0, System::nanoTime);
        final Socket reader = connect();
        final Socket stalled = connect();
        final ClientConnection stalledConnection = handler.opened.get(1);
        final OutputStream out = stalled.getOutputStream();
        for (int i = 0; i < 400 && !stalledConnection.isClosed(); i++)
        {
            out.write(bytes("BIG 102400\r\n"));
            out.flush();
            for (int j = 0; j < 10; j++)
            {
                poller.poll();
                poller.flushDirty();
            }
        }
        driveUntil(stalledConnection::isClosed);

        assertEquals(1, poller.outputLimitDisconnections());
        assertEquals(List.of(stalledConnection), handler.closed);
        reader.getOutputStream().write(bytes("BIG 900000\r\n"));
        assertEquals(900_011, readReplies(reader, 900_011).length(), "a client that reads is served");
        assertEquals(1, poller.outputLimitDisconnections());
    }

    @Test
    void shouldCloseAClientWhoseUnsentRepliesStayOverTheSoftLimitLongerThanItsSeconds() throws IOException
    {
        final long[] nowNs = {0};
        poller = new ClientPoller("127.0.0.1", 0, handler)
            .clientLimits(0, 0, 256 * 1024, 1_000_000_000L, () -> nowNs[0]);
        final Socket stalled = connect();
        final ClientConnection connection = handler.opened.get(0);
        final OutputStream out = stalled.getOutputStream();
        while (connection.out().length() <= 256 * 1024)
        {
            out.write(bytes("BIG 102400\r\n"));
            out.flush();
            for (int j = 0; j < 10; j++)
            {
                poller.poll();
                poller.flushDirty();
            }
        }
        nowNs[0] = 1_000_000_000L; // exactly the soft seconds: not longer
        out.write(bytes("PING\r\n"));
        driveUntil(() -> handler.commands.size() > 1 &&
            "PING".equals(handler.commands.get(handler.commands.size() - 1).get(0)));
        assertFalse(connection.isClosed());

        nowNs[0] = 1_000_000_001L;
        out.write(bytes("PING\r\n"));
        driveUntil(connection::isClosed);
        assertEquals(1, poller.outputLimitDisconnections());
    }

    /**
     * Clients that together hold more than maxmemory-clients: the one holding most (a large bulk half sent) is
     * closed, the others stay.
     */
    @Test
    void shouldCloseTheClientHoldingMostWhenTheClientsPassMaxmemoryClients() throws IOException
    {
        poller = new ClientPoller("127.0.0.1", 0, handler).clientLimits(2 * 1024 * 1024, 0, 0, 0, System::nanoTime);
        final Socket small = connect();
        final Socket large = connect();
        final ClientConnection smallConnection = handler.opened.get(0);
        final ClientConnection largeConnection = handler.opened.get(1);
        assertTrue(poller.clientMemory() > 0);
        final long twoClients = poller.clientMemory();

        final OutputStream out = large.getOutputStream();
        out.write(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10000000\r\n"));
        final byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 64 && !largeConnection.isClosed(); i++)
        {
            try
            {
                out.write(chunk);
                out.flush();
            }
            catch (final IOException closedByServer)
            {
                break;
            }
            for (int j = 0; j < 10; j++)
            {
                poller.poll();
                poller.flushDirty();
            }
        }
        driveUntil(largeConnection::isClosed);

        assertEquals(1, poller.evictedClients());
        assertFalse(smallConnection.isClosed());
        assertTrue(poller.clientMemory() < twoClients, poller.clientMemory() + " bytes for one client");
        small.getOutputStream().write(bytes("PING\r\n"));
        assertEquals("+OK\r\n", readReplies(small, 5));
    }

    private Socket connect() throws IOException
    {
        final int before = handler.opened.size();
        final Socket socket = new Socket("127.0.0.1", poller.port());
        socket.setTcpNoDelay(true);
        sockets.add(socket);
        driveUntil(() -> handler.opened.size() > before);

        return socket;
    }

    private void driveUntil(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            poller.poll();
            poller.flushDirty();
            if (System.nanoTime() > deadline)
            {
                fail("timed out");
            }
        }
    }

    private String readReplies(final Socket socket, final int length) throws IOException
    {
        socket.setSoTimeout(1);
        final InputStream in = socket.getInputStream();
        final byte[] chunk = new byte[64 * 1024];
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (received.size() < length)
        {
            poller.poll();
            poller.flushDirty();
            try
            {
                final int bytesRead = in.read(chunk, 0, Math.min(chunk.length, length - received.size()));
                if (bytesRead < 0)
                {
                    fail("end of stream after " + received.size() + " bytes");
                }
                received.write(chunk, 0, bytesRead);
            }
            catch (final SocketTimeoutException ignore)
            {
            }

            if (System.nanoTime() > deadline)
            {
                fail("received " + received.size() + " of " + length + " bytes");
            }
        }

        return received.toString(StandardCharsets.ISO_8859_1);
    }

    private int readUntilEndOfStream(final Socket socket) throws IOException
    {
        socket.setSoTimeout(1);
        final InputStream in = socket.getInputStream();
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (System.nanoTime() < deadline)
        {
            poller.poll();
            poller.flushDirty();
            try
            {
                final int b = in.read();
                if (b >= 0)
                {
                    fail("unexpected byte " + b);
                }
                return b;
            }
            catch (final SocketTimeoutException ignore)
            {
            }
            catch (final IOException ex)
            {
                return -1;
            }
        }

        return 0;
    }

    private static Thread sendInBackground(final Socket socket, final byte[] bytes)
    {
        final Thread sender = new Thread(() ->
        {
            try
            {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            }
            catch (final IOException ignore)
            {
            }
        });
        sender.setDaemon(true);
        sender.start();

        return sender;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Parses each command and replies +OK, with a few test commands: QUIT closes after the reply, KILL closes at
     * once, BIG n replies with an n byte bulk string.
     */
    static final class OkHandler implements ConnectionHandler
    {
        final List<List<String>> commands = new ArrayList<>();
        final List<ClientConnection> opened = new ArrayList<>();
        final List<ClientConnection> closed = new ArrayList<>();
        boolean consume = true;
        int maxRequired;

        public void onOpen(final ClientConnection connection)
        {
            opened.add(connection);
        }

        public void onRead(final ClientConnection connection)
        {
            final RespParser parser = connection.parser(); // each connection's own, holding its partial command
            while (consume && !connection.isClosed() && !connection.closeAfterFlush())
            {
                final int result = parser.parse(connection.input(), connection.readPosition(),
                    connection.writePosition());
                if (RespParser.INCOMPLETE == result)
                {
                    maxRequired = Math.max(maxRequired, parser.requiredLength());
                    connection.ensureCapacity(parser.requiredLength());
                    return;
                }

                if (RespParser.PROTOCOL_ERROR == result)
                {
                    connection.out().error("ERR " + parser.errorMessage());
                    connection.closeAfterFlush(true);
                    return;
                }

                final List<String> command = new ArrayList<>();
                for (int i = 0; i < parser.argCount(); i++)
                {
                    command.add(parser.argString(i));
                }
                connection.consumed(result);

                if (command.isEmpty())
                {
                    continue;
                }

                if (parser.argEqualsIgnoreCase(0, "QUIT".getBytes(StandardCharsets.US_ASCII)))
                {
                    connection.out().ok();
                    connection.closeAfterFlush(true);
                }
                else if (parser.argEqualsIgnoreCase(0, "KILL".getBytes(StandardCharsets.US_ASCII)))
                {
                    connection.close();
                }
                else if (parser.argEqualsIgnoreCase(0, "BIG".getBytes(StandardCharsets.US_ASCII)))
                {
                    final int size = (int)parser.argAsLong(1);
                    final byte[] value = new byte[size];
                    for (int i = 0; i < size; i++)
                    {
                        value[i] = (byte)('a' + (i % 26));
                    }
                    connection.out().bulk(value);
                    commands.add(command);
                }
                else
                {
                    connection.out().ok();
                    commands.add(command);
                }
            }
        }

        public void onClose(final ClientConnection connection)
        {
            assertTrue(connection.isClosed());
            closed.add(connection);
        }
    }
}

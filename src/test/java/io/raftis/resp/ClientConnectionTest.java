package io.raftis.resp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ClientConnectionTest
{
    private static final int MAX_QUERY_BUFFER = 4 * 1024 * 1024;
    /** Only there so that a test does not hang: generous for a loaded machine. */
    private static final long TIMEOUT_NS = 60_000_000_000L;

    private ServerSocketChannel server;
    private SocketChannel client;
    private ClientConnection connection;
    private final Random random = new Random(3);

    @BeforeEach
    void setUp() throws IOException
    {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        client = SocketChannel.open(server.getLocalAddress());
        final SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        connection = new ClientConnection(7, accepted, MAX_QUERY_BUFFER);
    }

    @AfterEach
    void tearDown() throws IOException
    {
        connection.close();
        client.close();
        server.close();
    }

    @Test
    void shouldReadNothingWhenTheClientSentNothing()
    {
        assertEquals(0, connection.read());
        assertEquals(0, connection.readPosition());
        assertEquals(0, connection.writePosition());
        assertEquals(7, connection.id());
    }

    @Test
    void shouldReadWhatTheClientSent() throws IOException
    {
        final byte[] sent = send(100);

        readUntil(100);

        assertEquals(0, connection.readPosition());
        assertArrayEquals(sent, unparsed());
    }

    @Test
    void shouldResetPositionsWhenEverythingIsConsumed() throws IOException
    {
        send(10);
        readUntil(10);

        connection.consumed(4);
        assertEquals(4, connection.readPosition());
        assertEquals(10, connection.writePosition());
        assertEquals(6, connection.unparsedLength());

        connection.consumed(6);
        assertEquals(0, connection.readPosition());
        assertEquals(0, connection.writePosition());
    }

    @Test
    void shouldRejectConsumingMoreThanWasReceived() throws IOException
    {
        send(10);
        readUntil(10);

        assertThrows(IllegalArgumentException.class, () -> connection.consumed(11));
        assertThrows(IllegalArgumentException.class, () -> connection.consumed(-1));
    }

    @Test
    void shouldMoveUnparsedBytesToTheFrontWhenTheBufferIsFull() throws IOException
    {
        final int capacity = connection.input().capacity();
        final byte[] first = send(capacity);
        readUntil(capacity);
        connection.consumed(10_000);

        final byte[] second = send(5_000);
        readUntil(capacity - 10_000 + 5_000);

        assertEquals(capacity, connection.input().capacity());
        assertEquals(0, connection.readPosition());
        final byte[] expected = new byte[capacity - 10_000 + 5_000];
        System.arraycopy(first, 10_000, expected, 0, capacity - 10_000);
        System.arraycopy(second, 0, expected, capacity - 10_000, 5_000);
        assertArrayEquals(expected, unparsed());
    }

    @Test
    void shouldGrowTheBufferForUnparsedBytes() throws IOException
    {
        final byte[] sent = send(100_000);

        readUntil(100_000);

        assertTrue(connection.input().capacity() >= 100_000);
        assertArrayEquals(sent, unparsed());
    }

    @Test
    void shouldMoveUnparsedBytesToTheFrontButNotGrowForADeclaredLength() throws IOException
    {
        final byte[] sent = send(50);
        readUntil(50);
        connection.consumed(20);
        final int capacity = connection.input().capacity();

        assertTrue(connection.ensureCapacity(2_000_000));

        assertEquals(capacity, connection.input().capacity(), "it grows as the bytes arrive, not before");
        assertEquals(0, connection.readPosition());
        final byte[] expected = new byte[30];
        System.arraycopy(sent, 20, expected, 0, 30);
        assertArrayEquals(expected, unparsed());
        assertFalse(connection.isQueryBufferLimitExceeded());
    }

    @Test
    void shouldExceedTheQueryBufferLimitWhenMoreIsRequired()
    {
        assertTrue(connection.ensureCapacity(MAX_QUERY_BUFFER));
        assertFalse(connection.ensureCapacity(MAX_QUERY_BUFFER + 1));
        assertTrue(connection.isQueryBufferLimitExceeded());
        assertEquals(-1, connection.read());
    }

    @Test
    void shouldExceedTheQueryBufferLimitWhenTheClientSendsTooMuch() throws IOException
    {
        final Thread sender = new Thread(() ->
        {
            try
            {
                final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                for (int sent = 0; sent <= MAX_QUERY_BUFFER; sent += chunk.capacity())
                {
                    chunk.clear();
                    client.write(chunk);
                }
            }
            catch (final IOException ignore)
            {
            }
        });
        sender.setDaemon(true);
        sender.start();

        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (connection.read() >= 0)
        {
            if (System.nanoTime() > deadline)
            {
                fail("query buffer limit not reached");
            }
        }

        assertTrue(connection.isQueryBufferLimitExceeded());
        assertEquals(MAX_QUERY_BUFFER, connection.input().capacity());
    }

    @Test
    void shouldGiveBackLargeEmptyBufferBeforeReading() throws Exception
    {
        final int large = ClientConnection.SHRINK_THRESHOLD + 1;
        final Thread sender = new Thread(() ->
        {
            try
            {
                final ByteBuffer bytes = ByteBuffer.allocate(large);
                while (bytes.hasRemaining())
                {
                    client.write(bytes);
                }
            }
            catch (final IOException ignore)
            {
            }
        });
        sender.start();
        readUntil(large);
        sender.join();
        assertTrue(connection.input().capacity() > ClientConnection.SHRINK_THRESHOLD);
        connection.consumed(large);

        final byte[] sent = send(10);
        readUntil(10);

        assertEquals(ClientConnection.INITIAL_INPUT_CAPACITY, connection.input().capacity());
        assertArrayEquals(sent, unparsed());
    }

    @Test
    void shouldReturnMinusOneAtEndOfStream() throws IOException
    {
        client.close();

        final long deadline = System.nanoTime() + TIMEOUT_NS;
        int result;
        while ((result = connection.read()) == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }

        assertEquals(-1, result);
    }

    @Test
    void shouldFlushPendingOutputToTheSocket() throws IOException
    {
        connection.out().ok().integer(5);
        assertTrue(connection.hasPendingOutput());

        assertEquals(9, connection.flush());

        assertFalse(connection.hasPendingOutput());
        final ByteBuffer received = ByteBuffer.allocate(9);
        while (received.hasRemaining())
        {
            client.read(received);
        }
        assertEquals("+OK\r\n:5\r\n", new String(received.array(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void shouldKeepWhatTheSocketDoesNotTake() throws IOException
    {
        final byte[] value = new byte[32 * 1024 * 1024];
        random.nextBytes(value);
        connection.out().bulk(value);
        final int total = connection.out().length();

        final int written = connection.flush();

        assertTrue(written > 0 && written < total, "written " + written);
        assertEquals(total - written, connection.out().length());

        final ByteBuffer received = ByteBuffer.allocate(total);
        while (received.hasRemaining())
        {
            client.read(received);
            connection.flush();
        }
        assertFalse(connection.hasPendingOutput());
        final byte[] payload = new byte[value.length];
        received.position(("$" + value.length + "\r\n").length());
        received.get(payload);
        assertArrayEquals(value, payload);
    }

    @Test
    void shouldSendLargeValuesFromTheirOwnArraysInTheirPlaceAmongTheReplies() throws IOException
    {
        final byte[] first = new byte[RespWriter.STREAM_THRESHOLD];
        final byte[] second = new byte[3 * RespWriter.STREAM_THRESHOLD + 7];
        random.nextBytes(first);
        random.nextBytes(second);
        final byte[] sentFirst = first.clone();
        connection.out().ok().bulk(first).integer(1).bulk(second, 0, second.length).bulk(new byte[]{'x'});
        assertTrue(connection.out().bufferedLength() < 100, "the values are not copied into the buffer");
        first[0]++; // the stored value changes before the reply is out: the reply is what it was
        final java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes(bytes("+OK\r\n$" + first.length + "\r\n"));
        expected.writeBytes(sentFirst);
        expected.writeBytes(bytes("\r\n:1\r\n$" + second.length + "\r\n"));
        expected.writeBytes(second);
        expected.writeBytes(bytes("\r\n$1\r\nx\r\n"));
        assertEquals(expected.size(), connection.out().length());

        final ByteBuffer received = ByteBuffer.allocate(expected.size());
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (received.hasRemaining())
        {
            connection.flush();
            client.read(received);
            if (System.nanoTime() > deadline)
            {
                fail("received " + received.position() + " of " + expected.size());
            }
        }
        assertFalse(connection.hasPendingOutput());
        assertArrayEquals(expected.toByteArray(), received.array());
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void shouldCloseOnceAndThenRefuseToReadOrFlush()
    {
        connection.close();
        connection.close();

        assertTrue(connection.isClosed());
        assertFalse(connection.channel().isOpen());
        assertEquals(-1, connection.read());
        assertEquals(-1, connection.flush());
    }

    @Test
    void shouldKeepNameFlagsAndAttachment()
    {
        connection.name("worker");
        connection.closeAfterFlush(true);
        final Object state = new Object();
        connection.attachment(state);

        assertEquals("worker", connection.name());
        assertTrue(connection.closeAfterFlush());
        assertEquals(state, connection.attachment());
    }

    private byte[] send(final int length) throws IOException
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining())
        {
            client.write(buffer);
        }

        return bytes;
    }

    private void readUntil(final int unparsed)
    {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (connection.unparsedLength() < unparsed)
        {
            assertTrue(connection.read() >= 0);
            if (System.nanoTime() > deadline)
            {
                fail("received " + connection.unparsedLength() + " of " + unparsed);
            }
        }
        assertEquals(unparsed, connection.unparsedLength());
    }

    private byte[] unparsed()
    {
        final byte[] bytes = new byte[connection.unparsedLength()];
        connection.input().getBytes(connection.readPosition(), bytes);
        return bytes;
    }
}

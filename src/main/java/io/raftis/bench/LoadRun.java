package io.raftis.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop run: a single thread drives every connection through one {@link Selector}. Requests go out at the
 * times of a constant-rate {@link Schedule} whether or not earlier replies came back, so a connection pipelines when
 * the server falls behind. Each connection keeps a FIFO of the intended send times of its requests in flight;
 * replies come back in order, so the head of the FIFO is the request a reply answers, and its latency is the reply
 * time minus the intended send time. Starting the clock at the schedule rather than at the actual send is the
 * coordinated-omission correction: a stall of the server, or of this generator, shows up in the latency of every
 * request that should have been sent during it.
 * <p>
 * Requests whose intended time falls in the warm-up are sent but not recorded. Error replies are counted per
 * command, not recorded in the histograms.
 */
public final class LoadRun implements AutoCloseable
{
    /**
     * Index of SET in the per-command arrays.
     */
    public static final int SET = 0;

    /**
     * Index of GET in the per-command arrays.
     */
    public static final int GET = 1;

    /**
     * Number of command types.
     */
    public static final int TYPES = 2;

    /**
     * Highest latency the histograms hold, in microseconds: 60 s; higher values are recorded as this.
     */
    public static final long HIGHEST_TRACKABLE_US = TimeUnit.SECONDS.toMicros(60);

    private static final String[] TYPE_NAMES = { "SET", "GET" };
    private static final int TYPE_BITS = 2;
    private static final long TYPE_MASK = (1 << TYPE_BITS) - 1;
    private static final int MAX_ERROR_TEXT = 200;
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SLEEP_THRESHOLD_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int CONNECT_TIMEOUT_MS = 5000;
    private static final int BUFFER_SIZE = 64 * 1024;

    private final LoadOptions options;
    private final Histogram[] histograms = new Histogram[TYPES];
    private final Histogram allHistogram = newHistogram();
    private final long[] sent = new long[TYPES];
    private final long[] completed = new long[TYPES];
    private final long[] errors = new long[TYPES];
    private final String[] firstErrors = new String[TYPES];
    private final RequestEncoder encoder;
    private final SplittableRandom random;
    private final int totalWeight;
    private final Connection[] connections;
    private Selector selector;
    private Schedule schedule;
    private long measureFromNs;
    private long scheduledMeasured;
    private long warmupErrors;
    private long clamped;
    private long maxSendLagNs;
    private int maxInFlight;
    private int connectionsCapped;
    private int connectionsClosed;
    private String closeReason;
    private long elapsedNs;
    private long lastMeasuredReplyNs;

    /**
     * @param options of the run.
     */
    public LoadRun(final LoadOptions options)
    {
        this.options = options;
        for (int i = 0; i < TYPES; i++)
        {
            histograms[i] = newHistogram();
        }

        encoder = new RequestEncoder(options.valueSize());
        random = new SplittableRandom(options.seed());
        totalWeight = options.setWeight() + options.getWeight();
        connections = new Connection[options.connections()];
    }

    /**
     * @return a histogram of the range and precision the run records with.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_US, 3);
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return the command's name.
     */
    public static String typeName(final int type)
    {
        return TYPE_NAMES[type];
    }

    /**
     * Connect every connection, run the schedule, wait for the outstanding replies and close the connections.
     *
     * @throws IOException if a connection cannot be made.
     */
    public void run() throws IOException
    {
        selector = Selector.open();
        final InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = new Connection(i, connect(address));
        }

        final long startNs = System.nanoTime() + START_DELAY_NS;
        schedule = new Schedule(startNs, options.rate(), options.warmupNs() + options.durationNs(), connections.length);
        measureFromNs = startNs + options.warmupNs();
        scheduledMeasured = schedule.totalRequests() - schedule.dueCount(measureFromNs - 1);
        final long total = schedule.totalRequests();
        final long drainDeadlineNs = startNs + options.warmupNs() + options.durationNs() + options.drainNs();

        while (true)
        {
            final long nowNs = System.nanoTime();
            final long due = schedule.dueCount(nowNs);
            boolean done = true;
            int open = 0;
            for (final Connection connection : connections)
            {
                if (connection.open)
                {
                    open++;
                    send(connection, due, nowNs);
                    if (connection.sequence < schedule.dueCountFor(connection.index, total) ||
                        !connection.inFlight.isEmpty())
                    {
                        done = false;
                    }
                }
            }

            if (done && due >= total || 0 == open || nowNs - drainDeadlineNs >= 0)
            {
                break;
            }

            final long nextDueNs = due < total ? schedule.intendedTimeNs(due) : drainDeadlineNs;
            await(nextDueNs);
            final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext())
            {
                final SelectionKey key = keys.next();
                keys.remove();
                final Connection connection = (Connection)key.attachment();
                if (key.isValid() && key.isReadable())
                {
                    read(connection);
                }
                if (key.isValid() && key.isWritable())
                {
                    flush(connection);
                }
            }
        }

        elapsedNs = System.nanoTime() - startNs;
        close();
    }

    /**
     * Close every connection and the selector.
     */
    public void close()
    {
        for (final Connection connection : connections)
        {
            if (null != connection && connection.open)
            {
                connection.close();
            }
        }

        if (null != selector)
        {
            try
            {
                selector.close();
            }
            catch (final IOException ignore)
            {
            }
        }
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return latencies in microseconds of the command's successful replies in the measured time.
     */
    public Histogram histogram(final int type)
    {
        return histograms[type];
    }

    /**
     * @return latencies in microseconds of every successful reply in the measured time.
     */
    public Histogram allHistogram()
    {
        return allHistogram;
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return requests of the command sent whose intended time is in the measured time.
     */
    public long sent(final int type)
    {
        return sent[type];
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return replies, errors included, to requests of the command whose intended time is in the measured time.
     */
    public long completed(final int type)
    {
        return completed[type];
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return error replies to requests of the command whose intended time is in the measured time.
     */
    public long errors(final int type)
    {
        return errors[type];
    }

    /**
     * @param type {@link #SET} or {@link #GET}.
     * @return the text of the command's first error reply, warm-up included, or null.
     */
    public String firstError(final int type)
    {
        return firstErrors[type];
    }

    /**
     * @return error replies to requests sent in the warm-up.
     */
    public long warmupErrors()
    {
        return warmupErrors;
    }

    /**
     * @return requests the schedule had in the measured time.
     */
    public long scheduledMeasured()
    {
        return scheduledMeasured;
    }

    /**
     * @return latencies above {@link #HIGHEST_TRACKABLE_US}, recorded as that.
     */
    public long clamped()
    {
        return clamped;
    }

    /**
     * @return most a measured request was sent after its intended time, in nanoseconds.
     */
    public long maxSendLagNs()
    {
        return maxSendLagNs;
    }

    /**
     * @return most requests in flight on one connection at once.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * @return connections on which the in-flight cap held back sends at least once.
     */
    public int connectionsCapped()
    {
        return connectionsCapped;
    }

    /**
     * @return connections closed by the server or by an error before the end.
     */
    public int connectionsClosed()
    {
        return connectionsClosed;
    }

    /**
     * @return why the first connection closed early, or null.
     */
    public String closeReason()
    {
        return closeReason;
    }

    /**
     * @return nanoseconds from the start of the measured time to the last reply to a request due in it, at least
     * the measured time: the span over which the measured requests were served.
     */
    public long measuredSpanNs()
    {
        return Math.max(options.durationNs(), lastMeasuredReplyNs - measureFromNs);
    }

    /**
     * @return nanoseconds from the start of the schedule to the end of the run.
     */
    public long elapsedNs()
    {
        return elapsedNs;
    }

    private SocketChannel connect(final InetSocketAddress address) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        try
        {
            channel.socket().connect(address, CONNECT_TIMEOUT_MS);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return channel;
        }
        catch (final IOException ex)
        {
            channel.close();
            throw new IOException("cannot connect to " + address.getHostString() + ":" + address.getPort() + ": " +
                ex.getMessage(), ex);
        }
    }

    private void await(final long nextDueNs) throws IOException
    {
        final long waitNs = nextDueNs - System.nanoTime();
        if (options.busySpin() || waitNs <= 0)
        {
            selector.selectNow();
        }
        else if (waitNs >= SLEEP_THRESHOLD_NS)
        {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNs) - 1));
        }
        else if (0 == selector.selectNow())
        {
            LockSupport.parkNanos(Math.min(waitNs, PARK_NS));
        }
    }

    private void send(final Connection connection, final long due, final long nowNs)
    {
        final long connectionDue = schedule.dueCountFor(connection.index, due);
        final ByteBuffer out = connection.writeBuffer;
        final LongRing inFlight = connection.inFlight;
        final int maxRequestLength = encoder.maxRequestLength();

        while (connection.sequence < connectionDue)
        {
            if (inFlight.isFull())
            {
                if (!connection.capped)
                {
                    connection.capped = true;
                    connectionsCapped++;
                }
                break;
            }

            if (out.remaining() < maxRequestLength)
            {
                break;
            }

            final long intendedNs = schedule.intendedTimeNs(schedule.indexOf(connection.index, connection.sequence));
            final int type = random.nextInt(totalWeight) < options.setWeight() ? SET : GET;
            final long key = random.nextInt(options.keys());
            if (SET == type)
            {
                encoder.set(out, key);
            }
            else
            {
                encoder.get(out, key);
            }

            inFlight.offer(((intendedNs - schedule.startNs()) << TYPE_BITS) | type);
            connection.sequence++;

            if (intendedNs - measureFromNs >= 0)
            {
                sent[type]++;
                maxSendLagNs = Math.max(maxSendLagNs, nowNs - intendedNs);
            }
        }

        maxInFlight = Math.max(maxInFlight, inFlight.size());
        flush(connection);
    }

    private void flush(final Connection connection)
    {
        if (!connection.open)
        {
            return;
        }

        final ByteBuffer out = connection.writeBuffer;
        if (out.position() > 0)
        {
            out.flip();
            try
            {
                connection.channel.write(out);
            }
            catch (final IOException ex)
            {
                out.compact();
                closeEarly(connection, "write failed: " + ex.getMessage());
                return;
            }
            out.compact();
        }

        final int interest = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (connection.key.interestOps() != interest)
        {
            connection.key.interestOps(interest);
        }
    }

    private void read(final Connection connection)
    {
        ByteBuffer in = connection.readBuffer;
        final int bytesRead;
        try
        {
            bytesRead = connection.channel.read(in);
        }
        catch (final IOException ex)
        {
            closeEarly(connection, "read failed: " + ex.getMessage());
            return;
        }

        if (bytesRead < 0)
        {
            closeEarly(connection, "connection closed by the server");
            return;
        }

        final long nowNs = System.nanoTime();
        final int limit = in.position();
        int offset = 0;
        while (offset < limit)
        {
            final int end;
            try
            {
                end = ReplyScanner.scan(in, offset, limit);
            }
            catch (final IllegalStateException ex)
            {
                closeEarly(connection, "bad reply: " + ex.getMessage());
                return;
            }

            if (ReplyScanner.INCOMPLETE == end)
            {
                break;
            }

            if (connection.inFlight.isEmpty())
            {
                closeEarly(connection, "reply with no request outstanding");
                return;
            }

            onReply(connection, in, offset, end, nowNs);
            offset = end;
        }

        in.flip().position(offset);
        in.compact();
        if (!in.hasRemaining())
        {
            final ByteBuffer bigger = ByteBuffer.allocateDirect(in.capacity() * 2);
            in.flip();
            bigger.put(in);
            in = bigger;
            connection.readBuffer = bigger;
        }
    }

    private void onReply(
        final Connection connection, final ByteBuffer in, final int offset, final int end, final long nowNs)
    {
        final long entry = connection.inFlight.poll();
        final int type = (int)(entry & TYPE_MASK);
        final long intendedNs = schedule.startNs() + (entry >>> TYPE_BITS);
        final boolean measured = intendedNs - measureFromNs >= 0;
        final byte first = in.get(offset);
        if ('-' == first || '!' == first)
        {
            if (null == firstErrors[type])
            {
                firstErrors[type] = errorText(in, offset, end);
            }

            if (measured)
            {
                errors[type]++;
                completed[type]++;
                lastMeasuredReplyNs = nowNs;
            }
            else
            {
                warmupErrors++;
            }
            return;
        }

        if (measured)
        {
            completed[type]++;
            lastMeasuredReplyNs = nowNs;
            long latencyUs = Math.max(0, TimeUnit.NANOSECONDS.toMicros(nowNs - intendedNs));
            if (latencyUs > HIGHEST_TRACKABLE_US)
            {
                latencyUs = HIGHEST_TRACKABLE_US;
                clamped++;
            }
            histograms[type].recordValue(latencyUs);
            allHistogram.recordValue(latencyUs);
        }
    }

    private static String errorText(final ByteBuffer in, final int offset, final int end)
    {
        int from = offset + 1;
        if ('!' == in.get(offset))
        {
            while (from < end && '\n' != in.get(from))
            {
                from++;
            }
            from++;
        }

        final int length = Math.max(0, Math.min(end - 2 - from, MAX_ERROR_TEXT));
        final byte[] text = new byte[length];
        for (int i = 0; i < length; i++)
        {
            text[i] = in.get(from + i);
        }

        return new String(text, StandardCharsets.UTF_8);
    }

    private void closeEarly(final Connection connection, final String reason)
    {
        if (null == closeReason)
        {
            closeReason = reason;
        }
        connectionsClosed++;
        connection.close();
    }

    private final class Connection
    {
        final int index;
        final SocketChannel channel;
        final SelectionKey key;
        final LongRing inFlight = new LongRing(1024, options.maxInFlight());
        final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(Math.max(BUFFER_SIZE, 4 * encoder.maxRequestLength()));
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        long sequence;
        boolean open = true;
        boolean capped;

        Connection(final int index, final SocketChannel channel) throws IOException
        {
            this.index = index;
            this.channel = channel;
            key = channel.register(selector, SelectionKey.OP_READ, this);
        }

        void close()
        {
            open = false;
            key.cancel();
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
            }
        }
    }
}

package io.raftis.node;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.raftis.node.TestCluster.AWAIT_TIMEOUT_MS;
import static io.raftis.node.TestCluster.HOST;

/**
 * A client of a {@link TestCluster} that writes and reads through whichever member leads and answers every reply as
 * the README tells a client to:
 * <ul>
 *     <li>{@code OK} acknowledges the write;</li>
 *     <li>{@code -MOVED} names the leader, and {@code -CLUSTERDOWN}, {@code -TRYAGAIN} and {@code -MISCONF} (the
 *     leader's log could not take it) say that the command was certainly not applied: it is sent again, to the
 *     leader named;</li>
 *     <li>{@code -UNCERTAIN}, or a connection lost before the reply, leaves the outcome open: the key is read first
 *     (a linearizable read on the leader) and the write is sent again only if its value is not there.</li>
 * </ul>
 * Any other reply fails the test at once: it is an answer raftis does not promise. Values must differ from write to
 * write, so that reading the key tells whether this write was applied.
 * <p>
 * Each operation keeps at it until it is settled, through leader changes, kills and restarts, or until
 * {@link TestCluster#AWAIT_TIMEOUT_MS}, a deadline that is only there so that a test does not hang: past it the test
 * fails with the last answers and what every member is doing. One writer per thread.
 */
final class ClusterWriter implements AutoCloseable
{
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    private static final int LAST_ANSWERS = 10;
    private static final Object STOPPED = new Object();

    private final TestCluster cluster;
    private final BooleanSupplier keepGoing;
    private final ArrayDeque<String> lastAnswers = new ArrayDeque<>();
    private Jedis jedis;
    private int port;
    private long acknowledged;
    private long settledByReading;
    private long redirects;
    private long retries;
    private long refusedForDisk;
    private long openOutcomes;

    /**
     * A writer that starts with member id and never gives up before its deadline.
     */
    ClusterWriter(final TestCluster cluster, final int id)
    {
        this(cluster, id, () -> true);
    }

    /**
     * A writer that starts with member id and gives up an operation, without failing, once keepGoing says so: a
     * write given up that way may or may not have been applied.
     */
    ClusterWriter(final TestCluster cluster, final int id, final BooleanSupplier keepGoing)
    {
        this.cluster = cluster;
        this.keepGoing = keepGoing;
        this.port = cluster.clientPort(id);
    }

    /**
     * SET key to value, as text.
     *
     * @return true once the write is known to be applied; false only when told to stop before that was known.
     */
    boolean set(final String key, final String value)
    {
        return set(bytes(key), bytes(value));
    }

    /**
     * SET key to value.
     *
     * @return true once the write is known to be applied; false only when told to stop before that was known.
     */
    boolean set(final byte[] key, final byte[] value)
    {
        return settle(key, value, false, deadlineNs());
    }

    /**
     * SET every key to its value in one pipeline, then settle each write that was not acknowledged as
     * {@link #set(byte[], byte[])} does. The keys must be distinct.
     *
     * @return true once every write is known to be applied; false only when told to stop before that was known.
     */
    boolean setAll(final List<byte[]> keys, final List<byte[]> values)
    {
        final long deadlineNs = deadlineNs();
        final boolean[] open = new boolean[keys.size()];
        final boolean[] done = new boolean[keys.size()];
        final JedisDataException[] errors = new JedisDataException[keys.size()];
        try (Pipeline pipeline = jedis().pipelined())
        {
            final List<Response<String>> replies = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++)
            {
                replies.add(pipeline.set(keys.get(i), values.get(i)));
            }
            pipeline.sync();
            for (int i = 0; i < keys.size(); i++)
            {
                try
                {
                    final String reply = replies.get(i).get();
                    answered(reply);
                    if (!"OK".equals(reply))
                    {
                        throw dishonest("SET " + text(keys.get(i)), reply);
                    }
                    acknowledged++;
                    done[i] = true;
                }
                catch (final JedisDataException ex)
                {
                    errors[i] = ex;
                }
            }
        }
        catch (final JedisConnectionException ex)
        {
            // the replies not read yet are lost with the connection: any of those writes may have been applied
            lostConnection(ex);
            Arrays.fill(open, true);
        }
        for (int i = 0; i < keys.size(); i++)
        {
            if (null != errors[i])
            {
                open[i] = onWriteError(errors[i], "SET " + text(keys.get(i)));
            }
        }
        for (int i = 0; i < keys.size(); i++)
        {
            if (!done[i] && !settle(keys.get(i), values.get(i), open[i], deadlineNs))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * GET key from the leader, following redirects.
     *
     * @return its value, or null when it has none.
     */
    byte[] get(final byte[] key)
    {
        final Object value = read(key, deadlineNs(), () -> true);
        return (byte[])value;
    }

    String get(final String key)
    {
        final byte[] value = get(bytes(key));
        return null == value ? null : text(value);
    }

    /**
     * The client port this writer talks to now.
     */
    int port()
    {
        return port;
    }

    /**
     * What happened so far, for a failure message.
     */
    /**
     * @return writes a leader refused with -MISCONF (its log could not take them) and this writer retried.
     */
    long refusedForDisk()
    {
        return refusedForDisk;
    }

    String summary()
    {
        return acknowledged + " writes acknowledged, " + settledByReading + " settled by reading the key after " +
            openOutcomes + " open outcomes (-UNCERTAIN or a lost connection), " + redirects + " redirects, " +
            retries + " retries after -CLUSTERDOWN, -TRYAGAIN or a refused connection; the last answers (newest " +
            "last): " + lastAnswers;
    }

    public void close()
    {
        closeConnection();
    }

    // ---------------------------------------------------------------------------------------------------------

    private boolean settle(final byte[] key, final byte[] value, final boolean outcomeOpen, final long deadlineNs)
    {
        final String what = "SET " + text(key);
        boolean open = outcomeOpen;
        while (true)
        {
            if (open)
            {
                final Object current = read(key, deadlineNs, keepGoing);
                if (STOPPED == current)
                {
                    return false;
                }
                if (Arrays.equals(value, (byte[])current))
                {
                    settledByReading++;
                    return true;
                }
                open = false; // not applied, and it never will be now that a leader has answered the read
            }
            if (!keepGoing.getAsBoolean())
            {
                return false;
            }
            checkDeadline(deadlineNs, what);
            try
            {
                final String reply = jedis().set(key, value);
                answered(reply);
                if (!"OK".equals(reply))
                {
                    throw dishonest(what, reply);
                }
                acknowledged++;
                return true;
            }
            catch (final JedisDataException ex)
            {
                open = onWriteError(ex, what);
            }
            catch (final JedisConnectionException ex)
            {
                lostConnection(ex);
                open = true;
            }
        }
    }

    /**
     * @return true when the outcome of the write is open (-UNCERTAIN), false when it certainly was not applied.
     */
    private boolean onWriteError(final JedisDataException ex, final String what)
    {
        final String message = String.valueOf(ex.getMessage());
        answered("-" + message);
        if (message.startsWith("UNCERTAIN"))
        {
            openOutcomes++;
            return true;
        }
        if (!redirected(ex, what))
        {
            throw dishonest(what, "-" + message);
        }
        return false;
    }

    /**
     * Follow -MOVED, or wait a little after -CLUSTERDOWN and -TRYAGAIN.
     *
     * @return false when the error is none of those.
     */
    private boolean redirected(final JedisDataException ex, final String what)
    {
        final String message = String.valueOf(ex.getMessage());
        if (ex instanceof JedisMovedDataException)
        {
            final int target = ((JedisMovedDataException)ex).getTargetNode().getPort();
            if (0 == memberOf(target))
            {
                throw new AssertionError(what + " was redirected to port " + target + ", which is no member's " +
                    "client port: " + message + "\n" + summary() + "\n" + cluster.diagnostics());
            }
            redirects++;
            switchTo(target);
            return true;
        }
        if (message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN"))
        {
            retries++;
            TestCluster.idle();
            return true;
        }
        if (message.startsWith("MISCONF"))
        {
            // the leader's log could not take the write (a full disk): it did not happen; leadership moves on
            refusedForDisk++;
            TestCluster.idle();
            return true;
        }
        return false;
    }

    /**
     * @return the value (a byte[] or null), or {@link #STOPPED}.
     */
    private Object read(final byte[] key, final long deadlineNs, final BooleanSupplier keepGoing)
    {
        final String what = "GET " + text(key);
        while (true)
        {
            if (!keepGoing.getAsBoolean())
            {
                return STOPPED;
            }
            checkDeadline(deadlineNs, what);
            try
            {
                final byte[] value = jedis().get(key);
                answered(null == value ? "(nil)" : "a value of " + value.length + " bytes");
                return value;
            }
            catch (final JedisDataException ex)
            {
                final String message = String.valueOf(ex.getMessage());
                answered("-" + message);
                if (!redirected(ex, what))
                {
                    throw dishonest(what, "-" + message);
                }
            }
            catch (final JedisConnectionException ex)
            {
                lostConnection(ex);
            }
        }
    }

    private void lostConnection(final JedisConnectionException ex)
    {
        answered(ex.toString());
        closeConnection();
        // the member may be gone: ask the next running one, which redirects to the leader once there is one
        final int from = memberOf(port);
        for (int i = 1; i <= cluster.memberCount(); i++)
        {
            final int id = 1 + (from - 1 + i) % cluster.memberCount();
            if (cluster.isRunning(id) || i == cluster.memberCount())
            {
                port = cluster.clientPort(id);
                break;
            }
        }
        retries++;
        TestCluster.idle();
    }

    private void switchTo(final int target)
    {
        if (target != port)
        {
            closeConnection();
            port = target;
        }
    }

    private Jedis jedis()
    {
        if (null == jedis)
        {
            jedis = new Jedis(HOST, port, CONNECT_TIMEOUT_MS, SOCKET_TIMEOUT_MS);
        }
        return jedis;
    }

    private void closeConnection()
    {
        if (null != jedis)
        {
            try
            {
                jedis.close();
            }
            catch (final RuntimeException ignore)
            {
                // a connection that broke cannot be closed cleanly: it is dropped either way
            }
            jedis = null;
        }
    }

    private int memberOf(final int clientPort)
    {
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            if (cluster.clientPort(id) == clientPort)
            {
                return id;
            }
        }
        return 0;
    }

    private void answered(final String answer)
    {
        if (lastAnswers.size() == LAST_ANSWERS)
        {
            lastAnswers.removeFirst();
        }
        lastAnswers.addLast("port " + port + ": " + answer);
    }

    private void checkDeadline(final long deadlineNs, final String what)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new AssertionError(what + " was not settled within " + AWAIT_TIMEOUT_MS + "ms: " + summary() +
                "\n" + cluster.diagnostics());
        }
    }

    private AssertionError dishonest(final String what, final String reply)
    {
        return new AssertionError(what + " was answered " + reply.replace("\r\n", "\\r\\n") + ", which is neither " +
            "an acknowledgement nor an error the README promises (MOVED, CLUSTERDOWN, TRYAGAIN, UNCERTAIN); " +
            summary() + "\n" + cluster.diagnostics());
    }

    private static long deadlineNs()
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_TIMEOUT_MS);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
    }
}

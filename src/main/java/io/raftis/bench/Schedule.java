package io.raftis.bench;

/**
 * The constant-rate schedule of an open-loop load: request {@code i} (from 0) is due at
 * {@code startNs + i * 1e9 / rate} whatever happened to the requests before it. Requests are dealt to connections
 * round robin, request {@code i} to connection {@code i % connections}, so every connection also runs at a constant
 * rate.
 */
public final class Schedule
{
    /**
     * Highest rate accepted.
     */
    public static final long MAX_RATE = 100_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long startNs;
    private final long rate;
    private final long totalRequests;
    private final int connections;

    /**
     * @param startNs       time, on the {@link System#nanoTime()} clock, request 0 is due.
     * @param rate          requests per second across all connections.
     * @param durationNs    length of the schedule: requests due at or after {@code startNs + durationNs} are not
     *                      part of it.
     * @param connections   number of connections the requests are dealt to.
     */
    public Schedule(final long startNs, final long rate, final long durationNs, final int connections)
    {
        if (rate <= 0 || rate > MAX_RATE)
        {
            throw new IllegalArgumentException("rate must be 1.." + MAX_RATE + ": " + rate);
        }
        if (durationNs < 0 || durationNs > 24L * 3600 * NANOS_PER_SECOND)
        {
            throw new IllegalArgumentException("duration must be 0..24h: " + durationNs + "ns");
        }
        if (connections <= 0)
        {
            throw new IllegalArgumentException("connections must be positive: " + connections);
        }

        this.startNs = startNs;
        this.rate = rate;
        this.connections = connections;
        this.totalRequests = countBefore(durationNs);
    }

    /**
     * @return time request 0 is due.
     */
    public long startNs()
    {
        return startNs;
    }

    /**
     * @return requests per second.
     */
    public long rate()
    {
        return rate;
    }

    /**
     * @return number of requests in the schedule.
     */
    public long totalRequests()
    {
        return totalRequests;
    }

    /**
     * @param index of a request, from 0.
     * @return time the request is due to be sent.
     */
    public long intendedTimeNs(final long index)
    {
        return startNs + offsetNs(index);
    }

    /**
     * @param nowNs current time.
     * @return number of requests of the schedule due at or before {@code nowNs}, at most {@link #totalRequests()}.
     */
    public long dueCount(final long nowNs)
    {
        if (nowNs < startNs)
        {
            return 0;
        }

        return Math.min(totalRequests, requestsWithin(nowNs - startNs) + 1);
    }

    /**
     * @param connection index, 0 to connections - 1.
     * @param dueCount   of the whole schedule, from {@link #dueCount(long)}.
     * @return how many of those requests belong to {@code connection}.
     */
    public long dueCountFor(final int connection, final long dueCount)
    {
        return dueCount > connection ? (dueCount - 1 - connection) / connections + 1 : 0;
    }

    /**
     * @param connection index, 0 to connections - 1.
     * @param sequence   the connection's own request number, from 0.
     * @return index of the request in the whole schedule.
     */
    public long indexOf(final int connection, final long sequence)
    {
        return sequence * connections + connection;
    }

    private long offsetNs(final long index)
    {
        // ceil(index * 1e9 / rate), so that dueCount(intendedTimeNs(i)) == i + 1, without overflowing a long.
        return (index / rate) * NANOS_PER_SECOND + ((index % rate) * NANOS_PER_SECOND + rate - 1) / rate;
    }

    private long requestsWithin(final long elapsedNs)
    {
        // floor(elapsedNs * rate / 1e9) without overflowing a long.
        return (elapsedNs / NANOS_PER_SECOND) * rate + ((elapsedNs % NANOS_PER_SECOND) * rate) / NANOS_PER_SECOND;
    }

    private long countBefore(final long offsetNs)
    {
        // number of i >= 0 with offsetNs(i) < offsetNs
        return offsetNs <= 0 ? 0 : requestsWithin(offsetNs - 1) + 1;
    }
}

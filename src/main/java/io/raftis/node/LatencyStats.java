package io.raftis.node;

import io.raftis.store.Command;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each command's latency inside the member, for INFO latencystats in Redis 7's shape
 * ({@code latency_percentiles_usec_get:p50=…,p99=…,p99.9=…}): from the time the member took the command up (or, for
 * one that had to wait, first tried to) to the time its reply was written: for a write that includes its
 * replication and commit, for a linearizable read its read barrier. An HdrHistogram per command, made on its first
 * call; recording allocates nothing. Used on the duty cycle's thread only.
 */
final class LatencyStats
{
    /** Longest latency recorded as itself; longer ones count as this. */
    static final long MAX_NS = 60_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 2;

    private final Map<Command, Histogram> byCommand = new IdentityHashMap<>();

    void record(final Command command, final long latencyNs)
    {
        Histogram histogram = byCommand.get(command);
        if (null == histogram)
        {
            histogram = new Histogram(1, MAX_NS, SIGNIFICANT_DIGITS);
            byCommand.put(command, histogram);
        }
        histogram.recordValue(Math.max(1, Math.min(latencyNs, MAX_NS)));
    }

    /**
     * @return the calls recorded for the command.
     */
    long count(final Command command)
    {
        final Histogram histogram = byCommand.get(command);
        return null == histogram ? 0 : histogram.getTotalCount();
    }

    /**
     * The INFO latencystats lines, one per command called, by name.
     */
    List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        for (final Map.Entry<Command, Histogram> entry : byCommand.entrySet())
        {
            final Histogram histogram = entry.getValue();
            lines.add("latency_percentiles_usec_" + entry.getKey().name() + ":p50=" + usec(histogram, 50) +
                ",p99=" + usec(histogram, 99) + ",p99.9=" + usec(histogram, 99.9));
        }
        lines.sort(null);
        return lines;
    }

    private static String usec(final Histogram histogram, final double percentile)
    {
        return String.format(Locale.ROOT, "%.3f", histogram.getValueAtPercentile(percentile) / 1000.0);
    }
}

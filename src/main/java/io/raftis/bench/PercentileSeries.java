package io.raftis.bench;

/**
 * One line of a percentile plot: latencies in milliseconds at increasing percentiles (fractions below 1), as read
 * from an .hgrm file.
 */
public final class PercentileSeries
{
    private final String label;
    private final double[] percentiles;
    private final double[] valuesMs;
    private final double maxMs;
    private final long totalCount;

    /**
     * @param label       shown in the legend.
     * @param percentiles fractions in [0, 1), increasing.
     * @param valuesMs    latency at each percentile, in milliseconds.
     * @param maxMs       highest latency, in milliseconds.
     * @param totalCount  number of values in the histogram.
     */
    public PercentileSeries(
        final String label,
        final double[] percentiles,
        final double[] valuesMs,
        final double maxMs,
        final long totalCount)
    {
        if (percentiles.length != valuesMs.length)
        {
            throw new IllegalArgumentException("percentiles and values differ in length");
        }

        this.label = label;
        this.percentiles = percentiles.clone();
        this.valuesMs = valuesMs.clone();
        this.maxMs = maxMs;
        this.totalCount = totalCount;
    }

    /**
     * @return shown in the legend.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return number of points.
     */
    public int size()
    {
        return percentiles.length;
    }

    /**
     * @param i point index.
     * @return the point's percentile as a fraction in [0, 1).
     */
    public double percentile(final int i)
    {
        return percentiles[i];
    }

    /**
     * @param i point index.
     * @return the point's latency in milliseconds.
     */
    public double valueMs(final int i)
    {
        return valuesMs[i];
    }

    /**
     * @return highest latency, in milliseconds.
     */
    public double maxMs()
    {
        return maxMs;
    }

    /**
     * @return number of values in the histogram.
     */
    public long totalCount()
    {
        return totalCount;
    }
}

package io.raftis.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a histogram of microseconds as a standard HdrHistogram percentile distribution ({@code .hgrm}) in
 * milliseconds, and reads such a file back as a {@link PercentileSeries} for plotting.
 * <p>
 * The format is that of {@link Histogram#outputPercentileDistribution(PrintStream, Double)}: a header line
 * {@code Value Percentile TotalCount 1/(1-Percentile)}, one line per percentile step with those four columns (the
 * last, at 100%, without the fourth), and {@code #[Mean = ...]}, {@code #[Max = ...]}, {@code #[Buckets = ...]}
 * footer lines.
 */
public final class HgrmFile
{
    /**
     * Divides microsecond values to write milliseconds.
     */
    public static final double MICROS_PER_MILLI = 1000.0;

    private HgrmFile()
    {
    }

    /**
     * Write a histogram of microsecond values as an .hgrm file in milliseconds.
     *
     * @param histogram of microseconds.
     * @param file      to write, replaced if it exists.
     * @throws IOException if the file cannot be written.
     */
    public static void write(final Histogram histogram, final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (null != parent)
        {
            Files.createDirectories(parent);
        }

        try (OutputStream out = Files.newOutputStream(file);
            PrintStream print = new PrintStream(out, false, StandardCharsets.US_ASCII))
        {
            histogram.outputPercentileDistribution(print, MICROS_PER_MILLI);
        }
    }

    /**
     * Read an .hgrm file.
     *
     * @param file  to read.
     * @param label of the series.
     * @return its percentile lines; the 100% line is not included, its value is the series' max.
     * @throws IOException              if the file cannot be read.
     * @throws IllegalArgumentException if the file is not in .hgrm format.
     */
    public static PercentileSeries read(final Path file, final String label) throws IOException
    {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        double[] percentiles = new double[64];
        double[] values = new double[64];
        int count = 0;
        double max = 0;
        long totalCount = 0;
        boolean header = false;

        for (final String line : lines)
        {
            final String trimmed = line.trim();
            if (trimmed.isEmpty())
            {
                continue;
            }

            if (trimmed.startsWith("Value") && trimmed.contains("Percentile"))
            {
                header = true;
                continue;
            }

            if (trimmed.startsWith("#"))
            {
                if (trimmed.startsWith("#[Max"))
                {
                    final String[] fields = trimmed.substring(2, trimmed.length() - 1).split(",");
                    max = Math.max(max, parseField(fields[0], file));
                    if (fields.length > 1)
                    {
                        totalCount = (long)parseField(fields[1], file);
                    }
                }
                continue;
            }

            if (!header)
            {
                throw new IllegalArgumentException(file + " is not an .hgrm file: no 'Value Percentile' header");
            }

            final String[] columns = trimmed.split("\\s+");
            if (columns.length < 3 || columns.length > 4)
            {
                throw new IllegalArgumentException(file + " is not an .hgrm file: bad line '" + trimmed + "'");
            }

            final double value = parseNumber(columns[0], file);
            final double percentile = parseNumber(columns[1], file);
            max = Math.max(max, value);
            totalCount = Math.max(totalCount, (long)parseNumber(columns[2], file));
            if (percentile >= 1.0 || columns.length == 3)
            {
                continue;
            }

            if (count == values.length)
            {
                values = Arrays.copyOf(values, count * 2);
                percentiles = Arrays.copyOf(percentiles, count * 2);
            }
            values[count] = value;
            percentiles[count] = percentile;
            count++;
        }

        if (!header)
        {
            throw new IllegalArgumentException(file + " is not an .hgrm file: no 'Value Percentile' header");
        }

        return new PercentileSeries(
            label, Arrays.copyOf(percentiles, count), Arrays.copyOf(values, count), max, totalCount);
    }

    /**
     * @param file such as {@code dir/raftis-set.hgrm}.
     * @return the file name without the {@code .hgrm} extension, e.g. {@code raftis-set}.
     */
    public static String labelOf(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.endsWith(".hgrm") ? name.substring(0, name.length() - ".hgrm".length()) : name;
    }

    private static double parseField(final String field, final Path file)
    {
        final int equals = field.indexOf('=');
        return parseNumber(field.substring(equals + 1).trim(), file);
    }

    private static double parseNumber(final String text, final Path file)
    {
        try
        {
            return Double.parseDouble(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(file + " is not an .hgrm file: bad number '" + text + "'");
        }
    }
}

package io.raftis.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HgrmFileTest
{
    private static final Pattern PERCENTILE_LINE =
        Pattern.compile("^\\s+\\d+\\.\\d{3} \\d\\.\\d{12}\\s+\\d+(\\s+(\\d+\\.\\d{2}|Infinity))?$");

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheStandardPercentileDistributionInMilliseconds() throws IOException
    {
        final Histogram histogram = LoadRun.newHistogram();
        for (long us = 1; us <= 10_000; us++)
        {
            histogram.recordValue(us);
        }
        histogram.recordValue(250_000);

        final Path file = dir.resolve("x-all.hgrm");
        HgrmFile.write(histogram, file);
        final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);

        assertEquals("       Value     Percentile TotalCount 1/(1-Percentile)", lines.get(0));
        assertEquals("", lines.get(1));
        int percentileLines = 0;
        String last = null;
        for (final String line : lines.subList(2, lines.size()))
        {
            if (line.startsWith("#"))
            {
                continue;
            }
            assertTrue(PERCENTILE_LINE.matcher(line).matches(), "line '" + line + "'");
            percentileLines++;
            last = line;
        }
        assertTrue(percentileLines > 20, percentileLines + " percentile lines");
        // values are reported as the highest equivalent value of their bucket: 250 ms at 3 digits is 250.111
        assertTrue(last.trim().matches("250\\.\\d{3} 1\\.000000000000 +10001"), last);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("#[Mean    =")));
        assertTrue(lines.stream().anyMatch(l -> l.matches("#\\[Max +=  +250\\.\\d{3}, Total count += +10001]")));
        assertTrue(lines.get(lines.size() - 1).startsWith("#[Buckets ="));

        final PercentileSeries series = HgrmFile.read(file, "x");
        assertEquals("x", series.label());
        assertEquals(10001, series.totalCount());
        assertEquals(250.0, series.maxMs(), 0.2);
        assertEquals(0.001, series.valueMs(0), 0.0005);
        assertEquals(0.0, series.percentile(0));
        assertEquals(percentileLines - 1, series.size());
        for (int i = 1; i < series.size(); i++)
        {
            assertTrue(series.percentile(i) > series.percentile(i - 1));
            assertTrue(series.valueMs(i) >= series.valueMs(i - 1));
        }
        final int median = indexOf(series, 0.5);
        assertEquals(5.0, series.valueMs(median), 0.01);
    }

    @Test
    void shouldReadAnEmptyHistogram() throws IOException
    {
        final Path file = dir.resolve("empty.hgrm");
        HgrmFile.write(LoadRun.newHistogram(), file);

        final PercentileSeries series = HgrmFile.read(file, "empty");
        assertEquals(0, series.size());
        assertEquals(0, series.totalCount());
    }

    @Test
    void shouldRejectOtherFiles() throws IOException
    {
        final Path file = dir.resolve("not.hgrm");
        Files.writeString(file, "hello world\n");

        assertThrows(IllegalArgumentException.class, () -> HgrmFile.read(file, "not"));
        assertEquals("raftis-set", HgrmFile.labelOf(dir.resolve("raftis-set.hgrm")));
    }

    private static int indexOf(final PercentileSeries series, final double percentile)
    {
        for (int i = 0; i < series.size(); i++)
        {
            if (Math.abs(series.percentile(i) - percentile) < 1e-9)
            {
                return i;
            }
        }
        throw new AssertionError("no " + percentile + " line");
    }
}

package io.raftis.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * raftis's load generator: open-loop, constant-rate SET/GET load on a Redis-protocol server, with latency measured
 * from each request's intended send time (corrected for coordinated omission) into HdrHistograms.
 * <pre>
 * java -cp target/raftis.jar io.raftis.bench.LoadGenerator --port 6379 --rate 5000 --duration 30s
 * java -cp target/raftis.jar io.raftis.bench.LoadGenerator --plot a-all.hgrm b-all.hgrm --output ab.png
 * </pre>
 * A run prints a summary and writes {@code DIR/LABEL-set.hgrm}, {@code -get.hgrm}, {@code -all.hgrm} (percentile
 * distributions in milliseconds) and {@code DIR/LABEL.png} (their percentile plot). {@code --help} lists the flags.
 */
public final class LoadGenerator
{
    private static final String[] FILE_SUFFIXES = { "set", "get" };

    private LoadGenerator()
    {
    }

    /**
     * Run a load or, with {@code --plot}, only plot .hgrm files.
     *
     * @param args the command line; {@code --help} describes it.
     */
    public static void main(final String[] args)
    {
        System.setProperty("java.awt.headless", "true");

        final LoadOptions options;
        try
        {
            options = LoadOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("LoadGenerator: " + ex.getMessage() + " (--help for usage)");
            System.exit(2);
            return;
        }

        if (options.help())
        {
            System.out.print(LoadOptions.USAGE);
            return;
        }

        try
        {
            if (options.plot())
            {
                final Path png = plot(options);
                System.out.println("plot: " + png);
            }
            else
            {
                run(options, System.out);
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            System.err.println("LoadGenerator: " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * Run a load, print its summary and write its .hgrm files and plot.
     *
     * @param options of the run.
     * @param out     where the summary goes.
     * @return the finished run.
     * @throws IOException if the server cannot be reached or a file cannot be written.
     */
    public static LoadRun run(final LoadOptions options, final PrintStream out) throws IOException
    {
        out.printf(Locale.ROOT, "%s: %d requests/s on %d connections to %s:%d for %s after %s warm-up%n",
            options.label(), options.rate(), options.connections(), options.host(), options.port(),
            formatDuration(options.durationNs()), formatDuration(options.warmupNs()));
        out.flush();

        final LoadRun run = new LoadRun(options);
        try
        {
            run.run();
        }
        finally
        {
            run.close();
        }

        printSummary(run, options, out);
        final List<Path> files = writeFiles(run, options);
        out.println();
        for (final Path file : files)
        {
            out.println("wrote " + file);
        }
        out.flush();
        return run;
    }

    /**
     * Plot .hgrm files together.
     *
     * @param options with the files and where the PNG goes.
     * @return the PNG written.
     * @throws IOException if a file cannot be read or written.
     */
    public static Path plot(final LoadOptions options) throws IOException
    {
        final List<PercentileSeries> series = new ArrayList<>();
        for (final String name : options.plotFiles())
        {
            final Path file = Paths.get(name);
            series.add(HgrmFile.read(file, HgrmFile.labelOf(file)));
        }

        Path png = Paths.get(null == options.output() ? "bench-results" : options.output());
        if (!png.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
        {
            png = png.resolve("plot.png");
        }

        PercentilePlot.write(series, options.title(), png);
        return png;
    }

    /**
     * Print a run's summary.
     *
     * @param run     finished.
     * @param options it ran with.
     * @param out     where the summary goes.
     */
    public static void printSummary(final LoadRun run, final LoadOptions options, final PrintStream out)
    {
        long sent = 0;
        long completed = 0;
        long errors = 0;
        for (int type = 0; type < LoadRun.TYPES; type++)
        {
            sent += run.sent(type);
            completed += run.completed(type);
            errors += run.errors(type);
        }

        out.printf(Locale.ROOT, "  mix %s over %d keys, %d-byte values%n",
            options.mix(), options.keys(), options.valueSize());
        final long overrunNs = run.measuredSpanNs() - options.durationNs();
        out.printf(Locale.ROOT, "requests in the measured %s: scheduled %d, sent %d, completed %d; " +
            "achieved %.1f/s of %d/s%s%n",
            formatDuration(options.durationNs()), run.scheduledMeasured(), sent, completed,
            completed / (run.measuredSpanNs() / 1e9), options.rate(),
            overrunNs > options.durationNs() / 100 ?
            String.format(Locale.ROOT, " (replies ran %.3f s past the measured time)", overrunNs / 1e9) : "");

        if (sent < run.scheduledMeasured())
        {
            out.printf(Locale.ROOT, "  not sent: %d (held back by the in-flight cap, or the run ended early)%n",
                run.scheduledMeasured() - sent);
        }
        if (completed < sent)
        {
            out.printf(Locale.ROOT, "  no reply: %d within the %s drain time (not in the histograms)%n",
                sent - completed, formatDuration(options.drainNs()));
        }

        if (0 == errors)
        {
            out.println("errors: none");
        }
        else
        {
            out.printf(Locale.ROOT, "errors: %d (not in the histograms)%n", errors);
        }
        for (int type = 0; type < LoadRun.TYPES; type++)
        {
            if (null != run.firstError(type))
            {
                out.printf(Locale.ROOT, "  %s: %d, first: -%s%s%n", LoadRun.typeName(type), run.errors(type),
                    run.firstError(type), explain(run.firstError(type)));
            }
        }
        if (run.warmupErrors() > 0)
        {
            out.printf(Locale.ROOT, "  and %d error(s) in the warm-up%n", run.warmupErrors());
        }

        out.printf(Locale.ROOT, "in flight: at most %d on one connection (cap %d%s); " +
            "sends at most %.3f ms behind schedule%n",
            run.maxInFlight(), options.maxInFlight(),
            run.connectionsCapped() > 0 ? ", REACHED on " + run.connectionsCapped() + " connection(s)" : "",
            run.maxSendLagNs() / 1e6);
        if (run.connectionsCapped() > 0)
        {
            out.println("  the server could not keep up: held-back requests were sent late and their latency still" +
                " counts from their intended time");
        }
        else if (run.maxSendLagNs() > TimeUnit.MILLISECONDS.toNanos(5))
        {
            out.println("  sends fell behind schedule: the generator may be short of CPU (the lag is included in" +
                " the latencies)");
        }
        if (run.connectionsClosed() > 0)
        {
            out.printf(Locale.ROOT, "  %d connection(s) closed early: %s%n",
                run.connectionsClosed(), run.closeReason());
        }
        if (run.clamped() > 0)
        {
            out.printf(Locale.ROOT, "  %d latencies above 60 s were recorded as 60 s%n", run.clamped());
        }

        out.println();
        out.println("latency in ms from each request's intended send time (corrected for coordinated omission):");
        out.printf(Locale.ROOT, "%-5s %10s %9s %9s %9s %9s %9s %9s%n",
            "", "count", "p50", "p90", "p99", "p99.9", "p99.99", "max");
        for (int type = 0; type < LoadRun.TYPES; type++)
        {
            printRow(out, LoadRun.typeName(type), run.histogram(type));
        }
        printRow(out, "ALL", run.allHistogram());
    }

    /**
     * Write a run's .hgrm files and plot.
     *
     * @param run     finished.
     * @param options it ran with.
     * @return the files written.
     * @throws IOException if a file cannot be written.
     */
    public static List<Path> writeFiles(final LoadRun run, final LoadOptions options) throws IOException
    {
        final Path dir = Paths.get(null == options.output() ? "bench-results" : options.output());
        Files.createDirectories(dir);

        final List<Path> files = new ArrayList<>();
        final List<PercentileSeries> series = new ArrayList<>();
        for (int type = 0; type <= LoadRun.TYPES; type++)
        {
            final String suffix = type < LoadRun.TYPES ? FILE_SUFFIXES[type] : "all";
            final Histogram histogram = type < LoadRun.TYPES ? run.histogram(type) : run.allHistogram();
            final Path file = dir.resolve(options.label() + "-" + suffix + ".hgrm");
            HgrmFile.write(histogram, file);
            files.add(file);
            series.add(HgrmFile.read(file, options.label() + " " + suffix.toUpperCase(Locale.ROOT)));
        }

        final Path png = dir.resolve(options.label() + ".png");
        PercentilePlot.write(series, PercentilePlot.DEFAULT_TITLE + ": " + options.label() + ", " +
            options.rate() + " requests/s", png);
        files.add(png);
        return files;
    }

    private static void printRow(final PrintStream out, final String name, final Histogram histogram)
    {
        if (0 == histogram.getTotalCount())
        {
            out.printf(Locale.ROOT, "%-5s %10d%n", name, 0);
            return;
        }

        out.printf(Locale.ROOT, "%-5s %10d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n",
            name,
            histogram.getTotalCount(),
            ms(histogram.getValueAtPercentile(50.0)),
            ms(histogram.getValueAtPercentile(90.0)),
            ms(histogram.getValueAtPercentile(99.0)),
            ms(histogram.getValueAtPercentile(99.9)),
            ms(histogram.getValueAtPercentile(99.99)),
            ms(histogram.getMaxValue()));
    }

    private static double ms(final long micros)
    {
        return micros / HgrmFile.MICROS_PER_MILLI;
    }

    private static String explain(final String error)
    {
        if (null == error)
        {
            return "";
        }
        if (error.startsWith("MOVED"))
        {
            final String[] parts = error.split(" ");
            return " (this member is a Raft follower: point --port at the leader" +
                (parts.length >= 3 ? ", " + parts[2] : "") + ")";
        }
        if (error.startsWith("CLUSTERDOWN"))
        {
            return " (the cluster has no leader)";
        }

        return "";
    }

    private static String formatDuration(final long ns)
    {
        if (ns % 1_000_000_000L == 0)
        {
            return (ns / 1_000_000_000L) + " s";
        }
        if (ns % 1_000_000L == 0)
        {
            return (ns / 1_000_000L) + " ms";
        }

        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }
}

package io.raftis.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadRunTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The drain ends once every reply is in: a generous bound only keeps a broken run from hanging the test. */
    private static final long DRAIN_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long LONG_SCHEDULE_NS = TimeUnit.MINUTES.toNanos(10);

    @Test
    void shouldMeasureAServerStallFromTheIntendedSendTimes() throws IOException
    {
        try (StallingServer server = new StallingServer(0, 700, 200, TimeUnit.MILLISECONDS, null))
        {
            final LoadRun run = run(options(server).rate(2000).connections(4));

            final Histogram all = run.allHistogram();
            assertEquals(3000, run.scheduledMeasured());
            assertEquals(3000, run.sent(LoadRun.SET) + run.sent(LoadRun.GET));
            assertEquals(3000, run.completed(LoadRun.SET) + run.completed(LoadRun.GET));
            assertEquals(3000, all.getTotalCount());
            assertEquals(run.histogram(LoadRun.SET).getTotalCount(), run.completed(LoadRun.SET));
            assertEquals(0, run.errors(LoadRun.SET) + run.errors(LoadRun.GET));
            assertTrue(run.completed(LoadRun.SET) > 1200 && run.completed(LoadRun.GET) > 1200, "50:50 mix");

            // Lower bounds only: the stall guarantees them however slow the machine is, while a loaded machine can
            // make any latency longer. Requests due in the first 100 ms of the 200 ms stall each wait more than
            // 100 ms from their intended send times: about 200 of them at 2000 requests per second.
            final double maxMs = all.getMaxValue() / 1000.0;
            assertTrue(maxMs >= 180, "max " + maxMs + " ms");
            final long over100ms = all.getTotalCount() - all.getCountBetweenValues(0, 100_000);
            assertTrue(over100ms >= 150, over100ms + " latencies over 100 ms");
            assertTrue(run.maxInFlight() >= 50, "requests pipelined during the stall: " + run.maxInFlight());
            assertEquals(0, run.connectionsCapped());
        }
    }

    @Test
    void shouldChargeRequestsHeldBackByTheInFlightCapFromTheirIntendedTimes() throws IOException
    {
        try (StallingServer server = new StallingServer(0, 700, 200, TimeUnit.MILLISECONDS, null))
        {
            final LoadRun run = run(options(server).rate(1000).connections(1).maxInFlight(1));

            final Histogram all = run.allHistogram();
            assertEquals(1, run.connectionsCapped());
            assertEquals(1, run.maxInFlight());
            assertEquals(1500, all.getTotalCount());

            // Only one request is on the wire during the stall; the ~200 due behind it are sent after it, and an
            // uncorrected (closed-loop) measurement would show one slow request. Measured from the intended times,
            // about 100 of them waited more than 100 ms.
            final double maxMs = all.getMaxValue() / 1000.0;
            assertTrue(maxMs >= 180, "max " + maxMs + " ms");
            final long over100ms = all.getTotalCount() - all.getCountBetweenValues(0, 100_000);
            assertTrue(over100ms >= 70, over100ms + " latencies over 100 ms");
            assertTrue(run.maxSendLagNs() >= 150 * MS, "sends held back: " + run.maxSendLagNs() / MS + " ms");
        }
    }

    @Test
    void shouldMeasureAFixedReplyDelay() throws IOException
    {
        try (StallingServer server = new StallingServer(5, 0, 0, TimeUnit.MILLISECONDS, null))
        {
            final LoadRun run = run(options(server).rate(1000).connections(2).durationNs(1000 * MS));

            final Histogram all = run.allHistogram();
            assertEquals(1000, all.getTotalCount());
            // every reply is held back 5 ms: no request can be measured faster, however fast the machine
            assertTrue(all.getMinValue() >= 5000, "min " + all.getMinValue() + " us");
        }
    }

    @Test
    void shouldCountErrorRepliesAndSayWhenTheServerIsAFollower() throws IOException
    {
        try (StallingServer server = new StallingServer(0, 0, 0, TimeUnit.MILLISECONDS, "MOVED 0 127.0.0.1:6379"))
        {
            final LoadOptions options = options(server).rate(500).connections(2).durationNs(400 * MS);
            final LoadRun run = run(options);

            assertEquals(200, run.errors(LoadRun.SET) + run.errors(LoadRun.GET));
            assertEquals(200, run.completed(LoadRun.SET) + run.completed(LoadRun.GET));
            assertEquals(0, run.allHistogram().getTotalCount());
            assertTrue(run.warmupErrors() > 0);
            assertNotNull(run.firstError(LoadRun.SET));
            assertEquals("MOVED 0 127.0.0.1:6379", run.firstError(LoadRun.GET));

            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            LoadGenerator.printSummary(run, options, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            final String summary = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(summary.contains("errors: 200"), summary);
            assertTrue(summary.contains("Raft follower: point --port at the leader, 127.0.0.1:6379"), summary);
        }
    }

    @Test
    void shouldEndAndReportWhenTheServerClosesEveryConnection() throws IOException
    {
        try (StallingServer server = new StallingServer(0, 0, 0, TimeUnit.MILLISECONDS, null))
        {
            server.closeAfter(600);
            final LoadOptions options = options(server).rate(1000).connections(3).durationNs(LONG_SCHEDULE_NS);
            final LoadRun run = run(options);

            // the server closes after 0.6 s of a 10-minute schedule: the run ends then, not with the schedule
            assertTrue(run.elapsedNs() < options.warmupNs() + LONG_SCHEDULE_NS,
                "ran for " + run.elapsedNs() / MS + " ms of a schedule of " + LONG_SCHEDULE_NS / MS + " ms");
            assertEquals(3, run.connectionsClosed());
            assertEquals("connection closed by the server", run.closeReason());
            // 200 of the 600 requests the server answers at most are due in the warm-up
            final long completed = run.completed(LoadRun.SET) + run.completed(LoadRun.GET);
            assertTrue(completed > 0 && completed <= 400, completed + " completed");
            assertEquals(600 * 1000, run.scheduledMeasured());
        }
    }

    @Test
    void shouldSayWhenItCannotConnect() throws IOException
    {
        final int port;
        try (StallingServer server = new StallingServer(0, 0, 0, TimeUnit.MILLISECONDS, null))
        {
            port = server.port();
        }

        final LoadRun run = new LoadRun(new LoadOptions().port(port).connections(1));
        final IOException ex = assertThrows(IOException.class, run::run);
        assertTrue(ex.getMessage().contains("cannot connect to 127.0.0.1:" + port), ex.getMessage());
    }

    static LoadOptions options(final StallingServer server)
    {
        return new LoadOptions()
            .port(server.port())
            .warmupNs(200 * MS)
            .durationNs(1500 * MS)
            .drainNs(DRAIN_NS);
    }

    static LoadRun run(final LoadOptions options) throws IOException
    {
        final LoadRun run = new LoadRun(options);
        run.run();
        return run;
    }
}

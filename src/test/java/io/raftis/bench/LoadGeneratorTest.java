package io.raftis.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadGeneratorTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintASummaryAndWriteHgrmFilesAndAPlot() throws IOException
    {
        try (StallingServer server = new StallingServer(0, 500, 100, TimeUnit.MILLISECONDS, null))
        {
            final LoadOptions options = LoadOptions.parse(
                "--port", Integer.toString(server.port()), "--rate", "1000", "--connections", "3",
                "--duration", "1s", "--warmup", "200ms", "--label", "test", "--output", dir.toString());
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            LoadGenerator.run(options, new PrintStream(bytes, true, StandardCharsets.UTF_8));

            final String summary = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(summary.contains("scheduled 1000, sent 1000, completed 1000"), summary);
            assertTrue(summary.contains("errors: none"), summary);
            assertTrue(summary.matches("(?s).*\nSET +\\d+ +[0-9.]+ .*"), summary);
            assertTrue(summary.matches("(?s).*\nGET +\\d+ +[0-9.]+ .*"), summary);
            assertTrue(summary.matches("(?s).*\nALL +1000 +[0-9.]+ .*"), summary);
            for (final String name : new String[]{ "test-set.hgrm", "test-get.hgrm", "test-all.hgrm", "test.png" })
            {
                assertTrue(Files.size(dir.resolve(name)) > 0, name);
                assertTrue(summary.contains("wrote " + dir.resolve(name)), summary);
            }
            assertEquals(1000, HgrmFile.read(dir.resolve("test-all.hgrm"), "all").totalCount());
            assertTrue(HgrmFile.read(dir.resolve("test-all.hgrm"), "all").maxMs() >= 90);
        }
    }

    @Test
    void shouldPlotExistingFilesTogether() throws IOException
    {
        final Path a = dir.resolve("a-all.hgrm");
        final Path b = dir.resolve("b-all.hgrm");
        final org.HdrHistogram.Histogram histogram = LoadRun.newHistogram();
        histogram.recordValue(1000);
        histogram.recordValue(2000);
        HgrmFile.write(histogram, a);
        HgrmFile.write(histogram, b);

        final Path png = LoadGenerator.plot(LoadOptions.parse(
            "--plot", a.toString(), b.toString(), "--output", dir.resolve("ab.png").toString()));
        assertEquals(dir.resolve("ab.png"), png);
        assertNotNull(ImageIO.read(png.toFile()));

        final Path inDir = LoadGenerator.plot(LoadOptions.parse("--plot", a.toString(), "--output", dir.toString()));
        assertEquals(dir.resolve("plot.png"), inDir);
        assertTrue(Files.size(inDir) > 0);
    }
}

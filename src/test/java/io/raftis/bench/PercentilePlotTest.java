package io.raftis.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilePlotTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteAPngWithOneColouredLinePerSeries() throws IOException
    {
        final Path fast = dir.resolve("fast.hgrm");
        final Path slow = dir.resolve("slow.hgrm");
        HgrmFile.write(histogram(200, 3_000), fast);
        HgrmFile.write(histogram(1_000, 40_000), slow);

        final Path png = dir.resolve("plots/both.png");
        PercentilePlot.write(
            List.of(HgrmFile.read(fast, "fast"), HgrmFile.read(slow, "slow")), null, png);

        assertTrue(Files.size(png) > 10_000, Files.size(png) + " bytes");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(PercentilePlot.WIDTH, image.getWidth());
        assertEquals(PercentilePlot.HEIGHT, image.getHeight());
        assertTrue(countColour(image, 0x1F77B4) > 500, "first series drawn in blue");
        assertTrue(countColour(image, 0xFF7F0E) > 500, "second series drawn in orange");
    }

    @Test
    void shouldPlotEmptySeries() throws IOException
    {
        final Path empty = dir.resolve("empty.hgrm");
        HgrmFile.write(LoadRun.newHistogram(), empty);
        final Path png = dir.resolve("empty.png");

        PercentilePlot.write(List.of(HgrmFile.read(empty, "empty")), "nothing", png);

        assertTrue(Files.size(png) > 0);
    }

    private static Histogram histogram(final long typicalUs, final long tailUs)
    {
        final Histogram histogram = LoadRun.newHistogram();
        for (int i = 0; i < 100_000; i++)
        {
            histogram.recordValue(typicalUs + (i % 100) * typicalUs / 100);
        }
        for (int i = 0; i < 100; i++)
        {
            histogram.recordValue(tailUs * (i + 1) / 100);
        }
        return histogram;
    }

    private static int countColour(final BufferedImage image, final int rgb)
    {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb)
                {
                    count++;
                }
            }
        }
        return count;
    }
}

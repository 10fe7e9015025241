package io.raftis.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws latency by percentile distributions as a PNG in the style of HdrHistogram's plotter: the x axis is the
 * percentile on the log scale of {@code 1/(1-p)}, so 0%, 90%, 99%, 99.9%, ... are evenly spaced, and the y axis is
 * latency in milliseconds; one line per series, with a legend. Uses java.awt in headless mode.
 */
public final class PercentilePlot
{
    /**
     * Image width in pixels.
     */
    public static final int WIDTH = 1280;

    /**
     * Image height in pixels.
     */
    public static final int HEIGHT = 720;

    /**
     * Title used when none is given.
     */
    public static final String DEFAULT_TITLE = "Latency by Percentile Distribution";

    private static final int MIN_DECADES = 5;
    private static final int MAX_DECADES = 7;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final String[] X_LABELS =
        { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%", "99.99999%" };
    private static final Color[] COLORS =
        {
            new Color(31, 119, 180),
            new Color(255, 127, 14),
            new Color(44, 160, 44),
            new Color(214, 39, 40),
            new Color(148, 103, 189),
            new Color(140, 86, 75),
            new Color(227, 119, 194),
            new Color(127, 127, 127),
        };

    private PercentilePlot()
    {
    }

    /**
     * Plot series into a PNG file.
     *
     * @param series to plot, one line each; empty series are listed in the legend only.
     * @param title  of the chart, or null for {@link #DEFAULT_TITLE}.
     * @param file   PNG to write, replaced if it exists.
     * @throws IOException if the file cannot be written.
     */
    public static void write(final List<PercentileSeries> series, final String title, final Path file)
        throws IOException
    {
        final BufferedImage image = render(series, title);
        final Path parent = file.toAbsolutePath().getParent();
        if (null != parent)
        {
            Files.createDirectories(parent);
        }

        if (!ImageIO.write(image, "png", file.toFile()))
        {
            throw new IOException("no PNG writer available");
        }
    }

    /**
     * Plot series into an image.
     *
     * @param series to plot, one line each.
     * @param title  of the chart, or null for {@link #DEFAULT_TITLE}.
     * @return the image.
     */
    public static BufferedImage render(final List<PercentileSeries> series, final String title)
    {
        System.setProperty("java.awt.headless", "true");

        double maxInverse = 1;
        double maxValue = 0;
        for (final PercentileSeries s : series)
        {
            for (int i = 0; i < s.size(); i++)
            {
                maxInverse = Math.max(maxInverse, inverse(s.percentile(i)));
            }
            maxValue = Math.max(maxValue, s.maxMs());
        }

        final int decades = Math.max(MIN_DECADES, Math.min(MAX_DECADES, (int)Math.ceil(Math.log10(maxInverse) - 1e-9)));
        final double yStep = niceStep(maxValue);
        final double yMax = maxValue > 0 ? Math.ceil(maxValue / yStep - 1e-9) * yStep : yStep * 5;

        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            final Plot plot = new Plot(decades, yMax);
            drawGrid(g, plot, yStep);
            drawTitles(g, null == title ? DEFAULT_TITLE : title);

            final Stroke line = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
            for (int i = 0; i < series.size(); i++)
            {
                drawSeries(g, plot, series.get(i), COLORS[i % COLORS.length], line);
            }

            drawLegend(g, series);
        }
        finally
        {
            g.dispose();
        }

        return image;
    }

    private static void drawGrid(final Graphics2D g, final Plot plot, final double yStep)
    {
        final Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(tickFont);
        final FontMetrics metrics = g.getFontMetrics();
        final Color grid = new Color(225, 225, 225);

        for (int d = 0; d <= plot.decades; d++)
        {
            final int x = plot.x(Math.pow(10, d));
            g.setColor(grid);
            g.drawLine(x, TOP, x, plot.bottom());
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, plot.bottom(), x, plot.bottom() + 5);
            final String label = X_LABELS[d];
            g.drawString(label, x - metrics.stringWidth(label) / 2, plot.bottom() + 8 + metrics.getAscent());
        }

        final int decimals = decimals(yStep);
        final int steps = (int)Math.round(plot.yMax / yStep);
        for (int i = 0; i <= steps; i++)
        {
            final double value = i * yStep;
            final int y = plot.y(value);
            g.setColor(grid);
            g.drawLine(LEFT, y, plot.right(), y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT - 5, y, LEFT, y);
            final String label = String.format(Locale.ROOT, "%." + decimals + "f", value);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), y + metrics.getAscent() / 2 - 1);
        }

        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plot.right() - LEFT, plot.bottom() - TOP);
    }

    private static void drawTitles(final Graphics2D g, final String title)
    {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(title, (WIDTH - metrics.stringWidth(title)) / 2, TOP / 2 + metrics.getAscent() / 2);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        metrics = g.getFontMetrics();
        final String xTitle = "Percentile";
        g.drawString(xTitle, LEFT + (WIDTH - LEFT - RIGHT - metrics.stringWidth(xTitle)) / 2, HEIGHT - 18);

        final String yTitle = "Latency (milliseconds)";
        final AffineTransform saved = g.getTransform();
        g.translate(24, TOP + (HEIGHT - TOP - BOTTOM + metrics.stringWidth(yTitle)) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, 0, 0);
        g.setTransform(saved);
    }

    private static void drawSeries(
        final Graphics2D g, final Plot plot, final PercentileSeries series, final Color color, final Stroke stroke)
    {
        if (0 == series.size())
        {
            return;
        }

        final Path2D.Double path = new Path2D.Double();
        double lastX = 0;
        for (int i = 0; i < series.size(); i++)
        {
            final double x = plot.xExact(inverse(series.percentile(i)));
            final double y = plot.yExact(series.valueMs(i));
            if (0 == i)
            {
                path.moveTo(x, y);
            }
            else
            {
                path.lineTo(x, y);
            }
            lastX = x;
        }

        if (series.maxMs() > series.valueMs(series.size() - 1))
        {
            path.lineTo(lastX, plot.yExact(series.maxMs()));
        }

        final Shape clip = g.getClip();
        g.clipRect(LEFT, TOP - 2, plot.right() - LEFT + 1, plot.bottom() - TOP + 4);
        g.setColor(color);
        g.setStroke(stroke);
        g.draw(path);
        g.setStroke(new BasicStroke(1.0f));
        g.setClip(clip);
    }

    private static void drawLegend(final Graphics2D g, final List<PercentileSeries> series)
    {
        if (series.isEmpty())
        {
            return;
        }

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        final FontMetrics metrics = g.getFontMetrics();
        final String[] texts = new String[series.size()];
        int width = 0;
        for (int i = 0; i < texts.length; i++)
        {
            final PercentileSeries s = series.get(i);
            texts[i] = 0 == s.totalCount() ?
                s.label() + "  (no values)" :
                String.format(Locale.ROOT, "%s  (n=%d, max %s ms)", s.label(), s.totalCount(), format(s.maxMs()));
            width = Math.max(width, metrics.stringWidth(texts[i]));
        }

        final int lineHeight = metrics.getHeight() + 4;
        final int x = LEFT + 14;
        final int y = TOP + 14;
        final int boxWidth = width + 56;
        final int boxHeight = lineHeight * texts.length + 12;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x, y, boxWidth, boxHeight);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, boxWidth, boxHeight);

        for (int i = 0; i < texts.length; i++)
        {
            final int baseline = y + 6 + lineHeight * i + metrics.getAscent() + 2;
            final int middle = baseline - metrics.getAscent() / 2 + 1;
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(3.0f));
            g.drawLine(x + 10, middle, x + 38, middle);
            g.setStroke(new BasicStroke(1.0f));
            g.setColor(Color.BLACK);
            g.drawString(texts[i], x + 46, baseline);
        }
    }

    private static double inverse(final double percentile)
    {
        return 1.0 / (1.0 - Math.min(percentile, 1.0 - 1e-12));
    }

    private static double niceStep(final double maxValue)
    {
        if (maxValue <= 0 || Double.isNaN(maxValue))
        {
            return 0.2;
        }

        final double raw = maxValue / 8;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (final double multiple : new double[]{ 1, 2, 2.5, 5, 10 })
        {
            if (multiple * magnitude >= raw)
            {
                return multiple * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static int decimals(final double step)
    {
        int decimals = 0;
        double scaled = step;
        while (decimals < 6 && Math.abs(scaled - Math.rint(scaled)) > 1e-9 * Math.max(1, scaled))
        {
            scaled *= 10;
            decimals++;
        }

        return decimals;
    }

    private static String format(final double ms)
    {
        if (ms >= 100)
        {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", ms);
        }

        return String.format(Locale.ROOT, "%.3f", ms);
    }

    private static final class Plot
    {
        final int decades;
        final double yMax;

        Plot(final int decades, final double yMax)
        {
            this.decades = decades;
            this.yMax = yMax;
        }

        int right()
        {
            return WIDTH - RIGHT;
        }

        int bottom()
        {
            return HEIGHT - BOTTOM;
        }

        double xExact(final double inverse)
        {
            return LEFT + (right() - LEFT) * Math.log10(inverse) / decades;
        }

        int x(final double inverse)
        {
            return (int)Math.round(xExact(inverse));
        }

        double yExact(final double value)
        {
            return bottom() - (bottom() - TOP) * value / yMax;
        }

        int y(final double value)
        {
            return (int)Math.round(yExact(value));
        }
    }
}

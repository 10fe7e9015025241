package io.raftis.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadOptionsTest
{
    @Test
    void shouldHaveTheDocumentedDefaults()
    {
        final LoadOptions options = LoadOptions.parse();

        assertEquals("127.0.0.1", options.host());
        assertEquals(6379, options.port());
        assertEquals(5000, options.rate());
        assertEquals(20, options.connections());
        assertEquals(30_000_000_000L, options.durationNs());
        assertEquals(5_000_000_000L, options.warmupNs());
        assertEquals(50, options.setWeight());
        assertEquals(50, options.getWeight());
        assertEquals(100_000, options.keys());
        assertEquals(3, options.valueSize());
        assertEquals(100_000, options.maxInFlight());
        assertEquals("raftis", options.label());
        assertNull(options.output());
        assertFalse(options.plot());
        assertFalse(options.help());
    }

    @Test
    void shouldParseFlagsInBothForms()
    {
        final LoadOptions options = LoadOptions.parse(
            "--port", "7000", "--rate=2000", "--connections", "4", "--duration", "10s", "--warmup=500ms",
            "--mix", "set:80,get:20", "--keys", "10", "--value-size", "100", "--label", "redis",
            "--output", "/tmp/x", "--max-in-flight", "7", "--drain", "1m", "--busy-spin", "--rate", "3000");

        assertEquals(7000, options.port());
        assertEquals(3000, options.rate());
        assertEquals(4, options.connections());
        assertEquals(10_000_000_000L, options.durationNs());
        assertEquals(500_000_000L, options.warmupNs());
        assertEquals(80, options.setWeight());
        assertEquals(20, options.getWeight());
        assertEquals(10, options.keys());
        assertEquals(100, options.valueSize());
        assertEquals("redis", options.label());
        assertEquals("/tmp/x", options.output());
        assertEquals(7, options.maxInFlight());
        assertEquals(60_000_000_000L, options.drainNs());
        assertTrue(options.busySpin());
    }

    @Test
    void shouldParseDurations()
    {
        assertEquals(30_000_000_000L, LoadOptions.parseDuration("30s"));
        assertEquals(30_000_000_000L, LoadOptions.parseDuration("30"));
        assertEquals(1_500_000_000L, LoadOptions.parseDuration("1.5s"));
        assertEquals(250_000_000L, LoadOptions.parseDuration("250ms"));
        assertEquals(90_000_000_000L, LoadOptions.parseDuration("1.5m"));
        assertEquals(3_600_000_000_000L, LoadOptions.parseDuration("1h"));
        assertEquals(7_000L, LoadOptions.parseDuration("7us"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseDuration("10 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseDuration("s"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseDuration("-1s"));
    }

    @Test
    void shouldTakeEveryFileAfterPlot()
    {
        final LoadOptions options = LoadOptions.parse("--plot", "a.hgrm", "b.hgrm", "--output", "x.png");

        assertTrue(options.plot());
        assertEquals(List.of("a.hgrm", "b.hgrm"), options.plotFiles());
        assertEquals("x.png", options.output());
    }

    @Test
    void shouldRejectBadFlags()
    {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--nope", "1"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rate"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rate", "0"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rate", "fast"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--mix", "del:10"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--mix", "set:0,get:0"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--plot"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("stray"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--label", "a/b"));
    }
}

package io.raftis.node;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever escapes a duty-cycle pass ends the member: logged, then halted with exit code 1.
 */
class FailStopTest
{
    @Test
    void shouldLogTheErrorAndHaltWithExitCodeOneForAnythingThatEscapesAPass()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<Integer> halts = new ArrayList<>();
        final FailStop failStop = new FailStop(new NodeErrorHandler(out), out, halts::add);

        failStop.onError(new UncheckedIOException("cannot sync log segment", new IOException("Input/output error")));
        failStop.onError(new OutOfMemoryError("Cannot reserve 500000000 bytes of direct buffer memory"));

        assertEquals(List.of(1, 1), halts);
        final String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("error: java.io.UncheckedIOException: cannot sync log segment"), log);
        assertTrue(log.contains("raftis: stopping with exit code 1: the duty cycle failed"), log);
        assertTrue(log.contains("OutOfMemoryError: Cannot reserve"), log);
    }

    @Test
    void shouldHaltEvenWhenLoggingFails()
    {
        final List<Integer> halts = new ArrayList<>();
        final FailStop failStop = new FailStop(
            throwable ->
            {
                throw new IllegalStateException("the log is gone too");
            },
            new PrintStream(new ByteArrayOutputStream()), halts::add);
        try
        {
            failStop.onError(new StackOverflowError());
        }
        catch (final IllegalStateException expected)
        {
            // the halt came first in a member; here it only records
        }
        assertEquals(List.of(1), halts);
    }
}

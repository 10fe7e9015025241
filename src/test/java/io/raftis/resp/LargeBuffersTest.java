package io.raftis.resp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large buffers and arrays: their memory is paid for where it costs the duty cycle nothing.
 */
class LargeBuffersTest
{
    @Test
    void shouldMakeASmallArrayAtOnceAndALargeOneInTheBackground()
    {
        final LargeBuffers.PendingArray small = LargeBuffers.allocateArray(LargeBuffers.BACKGROUND_ARRAY_THRESHOLD - 1);
        assertNotNull(small.array(), "made by the caller");
        assertEquals(LargeBuffers.BACKGROUND_ARRAY_THRESHOLD - 1, small.array().length);

        final long before = LargeBuffers.backgroundTasksDone();
        final LargeBuffers.PendingArray large = LargeBuffers.allocateArray(LargeBuffers.BACKGROUND_ARRAY_THRESHOLD);
        awaitTrue(() -> null != large.array());
        assertEquals(LargeBuffers.BACKGROUND_ARRAY_THRESHOLD, large.array().length);
        assertFalse(large.failed());
        assertTrue(LargeBuffers.backgroundTasksDone() > before, "made by the background thread");
    }

    @Test
    void shouldSayAnArrayThereWasNoMemoryForFailed()
    {
        final LargeBuffers.PendingArray impossible = new LargeBuffers.PendingArray(Integer.MAX_VALUE);
        impossible.make(); // beyond what a Java array may hold: OutOfMemoryError, whatever the heap
        assertTrue(impossible.failed());
        assertEquals(null, impossible.array());
    }

    @Test
    void shouldUnmapALargeBufferInTheBackground()
    {
        final long before = LargeBuffers.backgroundTasksDone();
        final ByteBuffer large = LargeBuffers.allocate(LargeBuffers.LAZY_THRESHOLD);
        large.put(0, (byte)1);
        LargeBuffers.free(large);
        awaitTrue(() -> LargeBuffers.backgroundTasksDone() > before);
    }

    private static void awaitTrue(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a loaded machine may be slow
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "the background thread did not get to it in 60 s");
            Thread.yield();
        }
    }
}

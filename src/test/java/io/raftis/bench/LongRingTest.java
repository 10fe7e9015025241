package io.raftis.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongRingTest
{
    @Test
    void shouldKeepOrderAcrossWrapAndGrowth()
    {
        final LongRing ring = new LongRing(2, 1000);
        long nextIn = 0;
        long nextOut = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < round * 3 % 17 + 1; i++)
            {
                assertTrue(ring.offer(nextIn++));
            }
            for (int i = 0; i < round % 5 && !ring.isEmpty(); i++)
            {
                assertEquals(nextOut, ring.peek());
                assertEquals(nextOut++, ring.poll());
            }
            assertEquals(nextIn - nextOut, ring.size());
        }

        while (!ring.isEmpty())
        {
            assertEquals(nextOut++, ring.poll());
        }
        assertEquals(nextIn, nextOut);
    }

    @Test
    void shouldRefuseBeyondCapacity()
    {
        final LongRing ring = new LongRing(1, 5);
        for (int i = 0; i < 5; i++)
        {
            assertTrue(ring.offer(i));
        }

        assertTrue(ring.isFull());
        assertFalse(ring.offer(5));
        assertEquals(0, ring.poll());
        assertTrue(ring.offer(5));
        assertEquals(5, ring.size());
        ring.clear();
        assertTrue(ring.isEmpty());
        assertThrows(IllegalStateException.class, ring::poll);
    }
}

package io.raftis.store;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the current thread allocates, to check that hot paths allocate nothing.
 */
final class Allocations
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private Allocations()
    {
    }

    static long allocatedBytes(final Runnable work)
    {
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}

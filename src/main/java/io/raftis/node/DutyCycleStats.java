package io.raftis.node;

/**
 * What a member's duty cycle has done, for INFO stats: its passes, those that found work, the times an idle member
 * blocked in its selector (each ended in a wake-up), and how long its working passes took: the longest, and how many
 * took longer than a slow pass may (the heartbeat interval, past which a leader's followers hear from it late). A
 * pass that runs long holds up everything else the member does, its heartbeats and its votes included, so these are
 * the figures that tell whether some piece of work is too big for one pass. Written and read on the duty cycle's
 * thread only.
 */
public final class DutyCycleStats
{
    private final long slowPassNs;
    long passes;
    long workingPasses;
    long idleBlocks;
    private long maxPassNs;
    private long slowPasses;

    /**
     * @param slowPassNs a pass longer than this is counted as slow.
     */
    public DutyCycleStats(final long slowPassNs)
    {
        this.slowPassNs = slowPassNs;
    }

    /**
     * Count a pass that did work.
     *
     * @param durationNs how long it took.
     */
    void workingPass(final long durationNs)
    {
        workingPasses++;
        if (durationNs > maxPassNs)
        {
            maxPassNs = durationNs;
        }
        if (durationNs > slowPassNs)
        {
            slowPasses++;
        }
    }

    /**
     * Forget the longest pass and the slow passes, as CONFIG RESETSTAT does.
     */
    void resetPassTimes()
    {
        maxPassNs = 0;
        slowPasses = 0;
    }

    /**
     * @return passes of the duty cycle.
     */
    public long passes()
    {
        return passes;
    }

    /**
     * @return passes that did some work.
     */
    public long workingPasses()
    {
        return workingPasses;
    }

    /**
     * @return times the member blocked for want of work.
     */
    public long idleBlocks()
    {
        return idleBlocks;
    }

    /**
     * @return the longest working pass since start or the last reset, in nanoseconds.
     */
    public long maxPassNs()
    {
        return maxPassNs;
    }

    /**
     * @return working passes that took longer than the slow-pass threshold since start or the last reset.
     */
    public long slowPasses()
    {
        return slowPasses;
    }
}

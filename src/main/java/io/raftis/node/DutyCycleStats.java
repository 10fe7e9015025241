package io.raftis.node;

/**
 * What a member's duty cycle has done, for INFO stats: its passes, those that found work, and the times an idle
 * member blocked in its selector (each ended in a wake-up). Written and read on the duty cycle's thread only.
 */
public final class DutyCycleStats
{
    long passes;
    long workingPasses;
    long idleBlocks;

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
}

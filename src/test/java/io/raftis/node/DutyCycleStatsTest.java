package io.raftis.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DutyCycleStatsTest
{
    @Test
    void shouldKeepTheLongestWorkingPassAndCountThoseOverTheThresholdUntilReset()
    {
        final DutyCycleStats stats = new DutyCycleStats(100);
        stats.workingPass(40);
        stats.workingPass(100);
        stats.workingPass(250);
        stats.workingPass(101);
        stats.workingPass(90);

        assertEquals(5, stats.workingPasses());
        assertEquals(250, stats.maxPassNs());
        assertEquals(2, stats.slowPasses(), "longer than the threshold, not as long");

        stats.resetPassTimes();
        assertEquals(0, stats.maxPassNs());
        assertEquals(0, stats.slowPasses());
        assertEquals(5, stats.workingPasses(), "a reset keeps the count of passes");
        stats.workingPass(30);
        assertEquals(30, stats.maxPassNs());
    }
}

package io.raftis.jepsen;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultScheduleTest
{
    private static final long DURATION_MS = 60_000;
    private static final int MEMBERS = 5;

    @Test
    void shouldDrawTheSameScheduleFromTheSameSeed()
    {
        final FaultSchedule schedule = FaultSchedule.draw(42, DURATION_MS, MEMBERS, true);

        assertEquals(schedule.faults(), FaultSchedule.draw(42, DURATION_MS, MEMBERS, true).faults());
        assertEquals(schedule.describe(""), FaultSchedule.draw(42, DURATION_MS, MEMBERS, true).describe(""));
        assertNotEquals(schedule.faults(), FaultSchedule.draw(43, DURATION_MS, MEMBERS, true).faults());
    }

    @Test
    void shouldUndoEachFaultBeforeTheNextAndTheLastBeforeTheEnd()
    {
        for (long seed = 0; seed < 200; seed++)
        {
            long previousEndMs = 0;
            final List<FaultSchedule.Fault> faults = FaultSchedule.draw(seed, DURATION_MS, MEMBERS, true).faults();
            assertFalse(faults.isEmpty());
            for (final FaultSchedule.Fault fault : faults)
            {
                assertTrue(fault.atMs() >= previousEndMs + 1_000, fault::describe);
                assertTrue(fault.holdMs() > 0, fault::describe);
                previousEndMs = fault.atMs() + fault.holdMs();
            }
            assertTrue(previousEndMs <= DURATION_MS, "seed " + seed);
        }
    }

    @Test
    void shouldOnlyKillAndPauseWithoutTheNetwork()
    {
        for (long seed = 0; seed < 200; seed++)
        {
            for (final FaultSchedule.Fault fault : FaultSchedule.draw(seed, DURATION_MS, MEMBERS, false).faults())
            {
                assertTrue(fault.kind() == FaultSchedule.Kind.KILL || fault.kind() == FaultSchedule.Kind.PAUSE,
                    fault::describe);
            }
        }
    }

    @Test
    void shouldCutOffAMinorityThatHoldsTheVictim()
    {
        for (long seed = 0; seed < 200; seed++)
        {
            for (final FaultSchedule.Fault fault : FaultSchedule.draw(seed, DURATION_MS, MEMBERS, true).faults())
            {
                for (int victim = 1; victim <= MEMBERS && fault.kind() == FaultSchedule.Kind.PARTITION; victim++)
                {
                    final List<Integer> side = fault.side(victim);
                    assertEquals(victim, side.get(0), fault::describe);
                    assertEquals(fault.sideSize(), side.size(), fault::describe);
                    assertTrue(side.size() <= (MEMBERS - 1) / 2, fault::describe);
                    assertEquals(side.size(), new HashSet<>(side).size(), fault::describe);
                }
            }
        }
    }

    @Test
    void shouldCutAtLeastOneLinkAndNoneFromTheVictimToItself()
    {
        for (long seed = 0; seed < 200; seed++)
        {
            for (final FaultSchedule.Fault fault : FaultSchedule.draw(seed, DURATION_MS, MEMBERS, true).faults())
            {
                final boolean cut = fault.kind() == FaultSchedule.Kind.CUT_IN ||
                    fault.kind() == FaultSchedule.Kind.CUT_OUT;
                for (int victim = 1; victim <= MEMBERS && cut; victim++)
                {
                    final List<Integer> peers = fault.peers(victim, MEMBERS);
                    assertFalse(peers.isEmpty(), fault::describe);
                    assertFalse(peers.contains(victim), fault::describe);
                }
            }
        }
    }

    @Test
    void shouldAimAtTheLeaderWhenOneLeadsAndAtTheFallbackWhenNoneDoes()
    {
        final FaultSchedule.Fault fault =
            new FaultSchedule.Fault(1_000, 500, FaultSchedule.Kind.KILL, FaultSchedule.LEADER, 4, List.of(), 0);

        assertEquals(2, fault.victim(2));
        assertEquals(4, fault.victim(0));
        assertEquals("+1.000s kill the leader (else 4) for 500ms", fault.describe());
    }
}

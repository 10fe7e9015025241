package io.raftis.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of seeded whole-cluster runs under faults (see {@link Simulation}); {@code -Draftis.sim.seeds=N} and
 * {@code -Draftis.sim.firstSeed=S} choose the range, {@code scripts/simulate.sh} runs millions.
 */
class SimulationTest
{
    private static final int SEEDS = Integer.getInteger("raftis.sim.seeds", 5000);
    private static final long FIRST_SEED = Long.getLong("raftis.sim.firstSeed", 1);

    @Test
    void shouldFindNothingInThousandsOfSeeds() throws Exception
    {
        final Simulation.Seeds seeds =
            Simulation.runSeeds(FIRST_SEED, SEEDS, SimulatedCluster.Bug.NONE, 5, (line) -> {});
        if (!seeds.failures().isEmpty())
        {
            fail(seeds.failures().size() + " seeds failed:\n" + String.join("\n\n", seeds.failures()));
        }
        System.out.printf("simulation: seeds %d..%d, %,d client operations linearizable%n",
            FIRST_SEED, FIRST_SEED + SEEDS - 1, seeds.operations());
        assertTrue(seeds.operations() > SEEDS * 100L, "the clients did work: " + seeds.operations());
    }

    @Test
    void shouldReplayASeedExactly()
    {
        final Simulation.Result first = Simulation.run(4242);
        final Simulation.Result second = Simulation.run(4242);
        assertEquals(first, second);
        assertTrue(first.operations() > 0);
    }

    /**
     * Each checker must be able to fail: with a bug injected, some seed is caught by the checker for that property.
     */
    @ParameterizedTest
    @EnumSource(value = SimulatedCluster.Bug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void shouldCatchAnInjectedBug(final SimulatedCluster.Bug bug)
    {
        final Set<String> expected = switch (bug)
        {
            case STALE_READ, EARLY_ACK -> Set.of("linearizability");
            case FORGET_VOTE -> Set.of("election safety");
            case LYING_FSYNC -> Set.of(
                "leader completeness", "state machine safety", "linearizability", "convergence", "log matching");
            case CORRUPT_ENTRY -> Set.of("log matching");
            default -> throw new IllegalArgumentException(bug.name());
        };
        SimulatedCluster.SimulationFailure caught = null;
        for (long seed = 1; seed <= 500 && null == caught; seed++)
        {
            try
            {
                Simulation.run(seed, bug, false);
            }
            catch (final SimulatedCluster.SimulationFailure failure)
            {
                caught = failure;
            }
        }
        assertNotNull(caught, bug + " went unnoticed in 500 seeds");
        assertTrue(expected.contains(caught.property),
            bug + " was caught by " + caught.property + ", expected one of " + expected + ": " + caught.getMessage());
        assertTrue(caught.getMessage().contains("(seed " + caught.seed + ")"), "the failure names its seed");
    }
}

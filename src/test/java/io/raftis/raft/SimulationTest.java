package io.raftis.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

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
        final int threads = Runtime.getRuntime().availableProcessors();
        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        final AtomicLong next = new AtomicLong(FIRST_SEED);
        final AtomicLong operations = new AtomicLong();
        final long end = FIRST_SEED + SEEDS;
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try
        {
            final List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                workers.add(executor.submit(() ->
                {
                    long seed;
                    while ((seed = next.getAndIncrement()) < end && failures.size() < 5)
                    {
                        try
                        {
                            operations.addAndGet(Simulation.run(seed).operations());
                        }
                        catch (final Throwable ex)
                        {
                            failures.add("seed " + seed + " (replay: scripts/simulate.sh --replay " + seed + "): " +
                                ex);
                        }
                    }
                }));
            }
            for (final Future<?> worker : workers)
            {
                worker.get();
            }
        }
        finally
        {
            executor.shutdownNow();
        }
        if (!failures.isEmpty())
        {
            fail(failures.size() + " seeds failed:\n" + String.join("\n\n", failures));
        }
        System.out.printf("simulation: seeds %d..%d, %,d client operations linearizable%n",
            FIRST_SEED, end - 1, operations.get());
        assertTrue(operations.get() > SEEDS * 100L, "the clients did work: " + operations.get());
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

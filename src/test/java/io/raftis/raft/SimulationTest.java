package io.raftis.raft;

import org.junit.jupiter.api.Tag;
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
    private static final int MAX_SEEDS_TO_CATCH = 2000;
    /**
     * Tests that show a checker catches an injected bug: they test the checkers, not the core, so mutation testing of
     * the core leaves them out (scripts/mutation.sh).
     */
    static final String CHECKER_PROOF = "checker-proof";

    @Test
    void shouldFindNothingInThousandsOfSeeds() throws Exception
    {
        final Simulation.Seeds seeds =
            Simulation.runSeeds(FIRST_SEED, SEEDS, SimulatedCluster.Bug.NONE, 5, (line) -> {});
        if (!seeds.failures().isEmpty())
        {
            fail(seeds.failures().size() + " seeds failed:\n" + String.join("\n\n", seeds.failures()));
        }
        final Simulation.Replies replies = seeds.replies();
        System.out.printf("simulation: seeds %d..%d, %,d client operations linearizable; %s%n",
            FIRST_SEED, FIRST_SEED + SEEDS - 1, seeds.operations(), replies);
        assertTrue(seeds.operations() > SEEDS * 100L, "the clients did work: " + seeds.operations());
        // the runs went through the dispatcher's every answer to a client, not only the happy path
        assertTrue(replies.moved() > 0 && replies.clusterDown() > 0 && replies.uncertain() > 0 &&
            replies.pipelined() > 0 && replies.largeWrites() > 0 && replies.timedOut() > 0 &&
            replies.waitedForRoom() > 0 && replies.diskFull() > 0,
            "the clients met redirects, elections, uncertain writes, pipelines, writes in parts, timeouts, writes " +
            "waiting for room and writes refused for a full disk: " + replies);
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
     * Each checker must be able to fail: with one rule of the real core broken (or a disk that breaks its promise),
     * some seed is caught, and by the checker for that property.
     */
    @Tag(CHECKER_PROOF)
    @ParameterizedTest
    @EnumSource(value = SimulatedCluster.Bug.class, mode = EnumSource.Mode.EXCLUDE,
        names = {"NONE", "COUNT_STALE_VOTES", "COMMIT_PREVIOUS_TERM", "LEASE_WITHOUT_DRIFT_MARGIN"})
    void shouldCatchAnInjectedBug(final SimulatedCluster.Bug bug)
    {
        final String expected = switch (bug)
        {
            case DOUBLE_VOTE -> "election safety";
            case SKIP_LOG_CONSISTENCY_CHECK, CORRUPT_ENTRY -> "log matching";
            case VOTE_WITHOUT_LOG_CHECK -> "leader completeness";
            case COMMIT_BEYOND_MATCH -> "state machine safety";
            case COMMIT_ONLY_WITH_ENTRIES -> "convergence";
            case READ_WITHOUT_QUORUM, READ_BEFORE_NOOP_COMMITS, LEASE_WITHOUT_EXPIRY -> "linearizability";
            case READS_OVERTAKE_WRITES, ANSWER_AT_FIRST_PART -> "reply order";
            default -> throw new IllegalArgumentException(bug.name());
        };
        SimulatedCluster.SimulationFailure caught = null;
        for (long seed = 1; seed <= MAX_SEEDS_TO_CATCH && null == caught; seed++)
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
        assertNotNull(caught, bug + " went unnoticed in " + MAX_SEEDS_TO_CATCH + " seeds");
        assertEquals(expected, caught.property, bug + " was caught by the wrong checker: " + caught.getMessage());
        assertTrue(caught.getMessage().contains("(seed " + caught.seed + ")"), "the failure names its seed");
    }

    /**
     * The rules whose breach needs a rare turn of events are shown in scripted runs that steer the cluster there:
     * with the real core each scripted run passes, with the rule broken some seed is caught, by the checker for it.
     */
    @ParameterizedTest
    @EnumSource(value = SimulatedCluster.Bug.class, names = {
        "COUNT_STALE_VOTES", "COMMIT_PREVIOUS_TERM", "LEASE_WITHOUT_DRIFT_MARGIN", "LEASE_WITHOUT_EXPIRY"})
    void shouldCatchABrokenRuleInTheScriptedRunThatNeedsIt(final SimulatedCluster.Bug bug)
    {
        final String expected = switch (bug)
        {
            case COUNT_STALE_VOTES -> "election safety";
            case COMMIT_PREVIOUS_TERM -> "leader completeness";
            default -> "linearizability";
        };
        final int seeds = 30;
        final int controls = 10;
        int reached = 0;
        for (long seed = 1; seed <= controls; seed++)
        {
            reached += scripted(bug, seed, SimulatedCluster.Bug.NONE) ? 1 : 0;
        }
        assertTrue(reached > 0, "the scripted run for " + bug + " never reached its situation in " + controls +
            " seeds");

        SimulatedCluster.SimulationFailure caught = null;
        for (long seed = 1; seed <= seeds && null == caught; seed++)
        {
            try
            {
                scripted(bug, seed, bug);
            }
            catch (final SimulatedCluster.SimulationFailure failure)
            {
                caught = failure;
            }
        }
        assertNotNull(caught, bug + " went unnoticed in " + seeds + " scripted runs");
        assertEquals(expected, caught.property, bug + " was caught by the wrong checker: " + caught.getMessage());
    }

    private static boolean scripted(
        final SimulatedCluster.Bug scenario, final long seed, final SimulatedCluster.Bug bug)
    {
        return switch (scenario)
        {
            case COUNT_STALE_VOTES -> Scenarios.votesOfAnEarlierTerm(seed, bug);
            case COMMIT_PREVIOUS_TERM -> Scenarios.commitOfAnEarlierTerm(seed, bug);
            default -> Scenarios.leaseAcrossClocksAtTheBound(seed, bug, 20);
        };
    }
}

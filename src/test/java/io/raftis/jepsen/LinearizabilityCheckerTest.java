package io.raftis.jepsen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.raftis.jepsen.Operation.read;
import static io.raftis.jepsen.Operation.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearizabilityCheckerTest
{
    private static final String K = "k";
    /** A time budget no test reaches, so that only the budget of states decides. */
    private static final long NO_TIME_LIMIT_NS = TimeUnit.HOURS.toNanos(1);
    /**
     * A checker that gives up, answering UNKNOWN, after 20,000 states per key and never for lack of time: about ten
     * times what the histories checked with it need, so that a search that lost its pruning fails the test.
     */
    private static final LinearizabilityChecker QUICK = new LinearizabilityChecker(20_000, NO_TIME_LIMIT_NS);

    private static History history(final Operation... ops)
    {
        return new History(List.of(ops));
    }

    private static Operation info(final Operation op)
    {
        return op.withOutcome(Operation.Outcome.INFO);
    }

    private static Operation failed(final Operation op)
    {
        return op.withOutcome(Operation.Outcome.FAILED);
    }

    private static void assertLinearizable(final History history)
    {
        final LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        assertTrue(result.linearizable(), () -> "expected linearizable but: " + result);
    }

    private static LinearizabilityChecker.Result assertNotLinearizable(final History history)
    {
        final LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
        assertNotNull(result.explanation());
        return result;
    }

    @Test
    void shouldAcceptAnEmptyHistory()
    {
        assertLinearizable(history());
    }

    @Test
    void shouldAcceptASequentialHistory()
    {
        assertLinearizable(history(
            read(1, K, null, 0, 5),
            write(1, K, "a", 10, 20),
            read(2, K, "a", 30, 40),
            write(2, K, "b", 50, 60),
            read(1, K, "b", 70, 80),
            write(1, K, null, 90, 95),
            read(3, K, null, 100, 110)));
    }

    @Test
    void shouldAcceptOverlappingWritesObservedInEitherOrder()
    {
        final Operation writeA = write(1, K, "a", 0, 100);
        final Operation writeB = write(2, K, "b", 10, 90);

        assertLinearizable(history(writeA, writeB, read(3, K, null, 5, 15), read(3, K, "a", 120, 130)));
        assertLinearizable(history(writeA, writeB, read(3, K, null, 5, 15), read(3, K, "b", 120, 130)));
        assertLinearizable(history(writeA, writeB, read(3, K, "b", 20, 30), read(4, K, "a", 25, 130)));
        assertLinearizable(history(writeA, writeB, read(3, K, "a", 20, 30), read(4, K, "b", 40, 50)));
    }

    @Test
    void shouldRejectAReadThatFlipsBackAfterOverlappingWritesSettled()
    {
        assertNotLinearizable(history(
            write(1, K, "a", 0, 100),
            write(2, K, "b", 10, 90),
            read(3, K, "a", 120, 130),
            read(3, K, "b", 140, 150)));
    }

    @Test
    void shouldRejectAStaleReadAndNameTheRead()
    {
        final Operation staleRead = read(3, K, "a", 40, 50);
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(
            write(1, K, "a", 0, 10),
            write(2, K, "b", 20, 30),
            staleRead));

        assertEquals(K, result.key());
        assertTrue(result.explanation().contains("stale read"), result.explanation());
        assertTrue(result.explanation().contains(staleRead.describe()), result.explanation());
        assertTrue(result.explanation().contains("client 2 WRITE k := \"b\" [20, 30] OK"), result.explanation());
    }

    @Test
    void shouldRejectAReadOfAValueNeverWritten()
    {
        final Operation phantom = read(2, K, "zzz", 20, 30);
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(write(1, K, "a", 0, 10), phantom));

        assertTrue(result.explanation().contains("no write of that value was ever invoked"), result.explanation());
        assertTrue(result.explanation().contains(phantom.describe()), result.explanation());
    }

    @Test
    void shouldRejectAReadOfAValueWrittenOnlyAfterTheReadCompleted()
    {
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(
            read(2, K, "a", 0, 10),
            write(1, K, "a", 20, 30)));

        assertTrue(result.explanation().contains("invoked after the read completed"), result.explanation());
    }

    @Test
    void shouldRejectALostAcknowledgedWrite()
    {
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(
            write(1, K, "a", 0, 10),
            write(1, K, "b", 20, 30),
            read(2, K, "a", 40, 50),
            read(3, K, "a", 60, 70),
            read(2, K, "a", 80, 90)));

        assertTrue(result.explanation().contains("client 1 WRITE k := \"b\" [20, 30] OK"), result.explanation());
    }

    @Test
    void shouldRejectAReadOfAbsentAfterAWriteCompleted()
    {
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(
            write(1, K, "a", 0, 10),
            read(2, K, null, 20, 30)));

        assertTrue(result.explanation().contains("initial absent state"), result.explanation());
    }

    @Test
    void shouldAcceptAnIndeterminateWriteThatIsObservedLongAfterItTimedOut()
    {
        assertLinearizable(history(
            write(1, K, "a", 0, 10),
            info(write(1, K, "b", 20, 30)),
            read(2, K, "a", 40, 50),
            read(2, K, "b", 1_000, 1_010),
            read(3, K, "b", 2_000, 2_010)));
    }

    @Test
    void shouldAcceptAnIndeterminateWriteThatIsNeverObserved()
    {
        assertLinearizable(history(
            write(1, K, "a", 0, 10),
            info(write(1, K, "b", 20, 30)),
            read(2, K, "a", 40, 50),
            read(2, K, "a", 1_000, 1_010)));
    }

    @Test
    void shouldRejectAnIndeterminateWriteThatIsObservedThenUndone()
    {
        assertNotLinearizable(history(
            write(1, K, "a", 0, 10),
            info(write(1, K, "b", 20, 30)),
            read(2, K, "b", 40, 50),
            read(2, K, "a", 60, 70)));
    }

    @Test
    void shouldRejectAnIndeterminateWriteObservedBeforeItWasInvoked()
    {
        assertNotLinearizable(history(
            read(2, K, "b", 0, 10),
            info(write(1, K, "b", 20, 30))));
    }

    @Test
    void shouldIgnoreFailedOperationsAndIndeterminateReads()
    {
        assertLinearizable(history(
            write(1, K, "a", 0, 10),
            failed(write(1, K, "b", 20, 30)),
            failed(read(3, K, "nonsense", 25, 35)),
            info(read(3, K, "nonsense", 40, 45)),
            read(2, K, "a", 50, 60)));
    }

    @Test
    void shouldCheckKeysIndependentlyAndReportTheFailingKey()
    {
        final LinearizabilityChecker.Result result = assertNotLinearizable(history(
            write(1, "x", "a", 0, 10),
            read(2, "x", "a", 20, 30),
            read(2, "y", "a", 40, 50)));

        assertEquals("y", result.key());
    }

    @Test
    void shouldReportUnknownWhenTheStateBudgetIsExhausted()
    {
        final History history = new RegisterHistoryGenerator(7, 8, 50, K).generate();
        final LinearizabilityChecker.Result result = new LinearizabilityChecker(10, 1_000_000_000L)
            .checkHistory(history);

        assertEquals(LinearizabilityChecker.Verdict.UNKNOWN, result.verdict(), result::toString);
        assertTrue(result.unknown());
        assertFalse(result.linearizable());
        assertEquals(K, result.key());
        assertTrue(LinearizabilityChecker.check(history).linearizable());
    }

    @Test
    void shouldCheckTenClientsOnFiveKeysQuicklyAndCatchOneCorruptedRead()
    {
        final History history = new RegisterHistoryGenerator(42, 10, 200, "k0", "k1", "k2", "k3", "k4")
            .infoProbability(0.02)
            .failedProbability(0.02)
            .generate();
        assertEquals(2_000, history.size());

        // quickly: the work is counted in states explored, which a slow machine does not change (2,346 here)
        final LinearizabilityChecker.Result result = QUICK.checkHistory(history);
        assertTrue(result.linearizable(), result::toString);

        final List<Operation> ops = new ArrayList<>(history.operations());
        final int victim = indexOfOkRead(ops, ops.size() / 2);
        final Operation corrupted = ops.get(victim).withValue("corrupted");
        ops.set(victim, corrupted);

        final LinearizabilityChecker.Result bad = QUICK.checkHistory(new History(ops)); // 1,893 states here
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, bad.verdict(), bad::toString);
        assertEquals(corrupted.key(), bad.key());
        assertTrue(bad.explanation().contains(corrupted.describe()), bad.explanation());
    }

    @Test
    void shouldRejectALongSingleKeyHistoryEndingInAFlipBackWithinBudget()
    {
        final History generated = new RegisterHistoryGenerator(3, 10, 160, K).infoProbability(0.05).generate();
        final List<Operation> ops = new ArrayList<>(generated.operations());
        final long t = ops.stream().mapToLong(Operation::completeNs).max().orElseThrow() + 10;
        final Operation flipBack = read(102, K, "y", t + 140, t + 150);
        ops.add(write(100, K, "x", t, t + 100));
        ops.add(write(101, K, "y", t + 10, t + 90));
        ops.add(read(102, K, "x", t + 120, t + 130));
        ops.add(flipBack);

        // within a budget of states, not of time (252,337 states here)
        final LinearizabilityChecker.Result result =
            new LinearizabilityChecker(1_000_000, NO_TIME_LIMIT_NS).checkHistory(new History(ops));
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
        assertTrue(result.explanation().contains("cannot linearize " + flipBack.describe()), result.explanation());
    }

    @Test
    void shouldAcceptRandomLinearizableHistories()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            final Random random = new Random(seed);
            final int clients = 4 + random.nextInt(5);
            final History history = new RegisterHistoryGenerator(seed, clients, 30, "a", "b")
                .infoProbability(0.05)
                .failedProbability(0.05)
                .generate();

            final LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
            final int s = seed;
            assertTrue(result.linearizable(), () -> "seed " + s + ": " + result);
        }
    }

    @Test
    void shouldCatchAReadFlippedToAProvablyStaleValue()
    {
        int flipped = 0;
        int provablyStale = 0;
        int caught = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            final Random random = new Random(seed);
            final int clients = 4 + random.nextInt(5);
            final List<Operation> ops = new ArrayList<>(
                new RegisterHistoryGenerator(seed, clients, 30, K).generate().operations());

            final int victim = indexOfOkRead(ops, random.nextInt(ops.size()));
            final Operation read = ops.get(victim);
            final List<Operation> olderWrites = new ArrayList<>();
            for (final Operation op : ops)
            {
                if (op.kind() == Operation.Kind.WRITE && op.completeNs() < read.invokeNs() &&
                    op.outcome() == Operation.Outcome.OK && !op.value().equals(read.value()))
                {
                    olderWrites.add(op);
                }
            }
            if (olderWrites.isEmpty())
            {
                continue;
            }

            final Operation source = olderWrites.get(random.nextInt(olderWrites.size()));
            final Operation flippedRead = read.withValue(source.value());
            ops.set(victim, flippedRead);
            flipped++;

            final LinearizabilityChecker.Result result = LinearizabilityChecker.check(new History(ops));
            final boolean stale = isOverwrittenBeforeReadBegan(ops, source, flippedRead);
            if (stale)
            {
                provablyStale++;
                final int s = seed;
                assertFalse(result.linearizable(), () -> "seed " + s + ": missed stale " + flippedRead.describe());
                assertTrue(result.explanation().contains(flippedRead.describe()), result.explanation());
            }
            if (result.verdict() == LinearizabilityChecker.Verdict.NOT_LINEARIZABLE)
            {
                caught++;
            }
            assertFalse(result.unknown());
        }

        assertTrue(flipped > 150, "flipped " + flipped);
        assertTrue(provablyStale > flipped / 2, "provably stale " + provablyStale + " of " + flipped);
        assertTrue(caught > flipped / 2, "caught " + caught + " of " + flipped);
    }

    /**
     * The write of the source value completed before another write that completed before the read began, and the
     * source value is written nowhere else (values are unique).
     */
    private static boolean isOverwrittenBeforeReadBegan(
        final List<Operation> ops, final Operation source, final Operation read)
    {
        for (final Operation op : ops)
        {
            if (op.kind() == Operation.Kind.WRITE && op.outcome() == Operation.Outcome.OK &&
                op != source && source.completeNs() < op.invokeNs() && op.completeNs() < read.invokeNs())
            {
                return true;
            }
        }
        return false;
    }

    private static int indexOfOkRead(final List<Operation> ops, final int from)
    {
        for (int i = 0; i < ops.size(); i++)
        {
            final int index = (from + i) % ops.size();
            final Operation op = ops.get(index);
            if (op.kind() == Operation.Kind.READ && op.outcome() == Operation.Outcome.OK)
            {
                return index;
            }
        }
        throw new IllegalStateException("no OK read");
    }
}

package io.raftis.jepsen;

import java.util.HashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Checks that a {@link History} of reads and writes on independent registers (one per key) is linearizable.
 * <p>
 * Keys are checked independently (P-compositionality). For each key the search is Wing &amp; Gong's algorithm with
 * Lowe's memoization, as in Porcupine: call and return events are sorted by time into a doubly linked list; the
 * search repeatedly tries to linearize a pending call, lifting it and its return out of the list, and backtracks
 * (with an explicit stack) whenever it reaches the return of an operation that has not been linearized. The cache
 * of (set of linearized operations, register value) pairs prunes configurations already explored.
 * <p>
 * {@link Operation.Outcome#FAILED} operations are dropped. {@link Operation.Outcome#INFO} writes complete at
 * +infinity and need not be linearized at all (those whose value no read returned are dropped, as they can never
 * matter); {@link Operation.Outcome#INFO} reads carry no information and are dropped. Before searching, each key is
 * scanned for a read with a small self-contained proof of failure (a value never written, written only after the
 * read, or provably overwritten before the read began), which settles the key without a search. Each key is
 * searched within a budget of states, time and cache memory; if it is exhausted the verdict is
 * {@link Verdict#UNKNOWN} rather than a hang.
 */
public final class LinearizabilityChecker
{
    /**
     * Default bound on states explored per key.
     */
    public static final long DEFAULT_MAX_STATES_PER_KEY = 10_000_000L;

    /**
     * Default bound on search time per key.
     */
    public static final long DEFAULT_MAX_NANOS_PER_KEY = TimeUnit.SECONDS.toNanos(60);

    /**
     * Default bound on the estimated memory of the per-key cache of explored states (the test JVM has -Xmx1g).
     */
    public static final long DEFAULT_MAX_CACHE_BYTES_PER_KEY = 256L * 1024 * 1024;

    private static final int NIL = -1;
    private static final int HEAD = 0;
    private static final int MAX_LISTED = 12;

    /**
     * The verdict of a check.
     */
    public enum Verdict
    {
        /**
         * Every key has a linearization.
         */
        LINEARIZABLE,

        /**
         * At least one key has no linearization.
         */
        NOT_LINEARIZABLE,

        /**
         * No key failed, but the search budget was exhausted on at least one key.
         */
        UNKNOWN
    }

    /**
     * The result of a check.
     *
     * @param verdict        the verdict.
     * @param key            the first failing key (or the first key whose budget was exhausted), else {@code null}.
     * @param explanation    a readable account of why, or {@code null} when linearizable.
     * @param statesExplored states explored over all keys checked.
     */
    public record Result(Verdict verdict, String key, String explanation, long statesExplored)
    {
        /**
         * Was a linearization found for every key?
         *
         * @return true if the verdict is {@link Verdict#LINEARIZABLE}.
         */
        public boolean linearizable()
        {
            return verdict == Verdict.LINEARIZABLE;
        }

        /**
         * Was the budget exhausted before a verdict was reached?
         *
         * @return true if the verdict is {@link Verdict#UNKNOWN}.
         */
        public boolean unknown()
        {
            return verdict == Verdict.UNKNOWN;
        }
    }

    private final long maxStatesPerKey;
    private final long maxNanosPerKey;
    private final long maxCacheBytesPerKey;

    /**
     * A checker with the default budgets.
     */
    public LinearizabilityChecker()
    {
        this(DEFAULT_MAX_STATES_PER_KEY, DEFAULT_MAX_NANOS_PER_KEY, DEFAULT_MAX_CACHE_BYTES_PER_KEY);
    }

    /**
     * A checker with the given budgets.
     *
     * @param maxStatesPerKey bound on states explored per key.
     * @param maxNanosPerKey  bound on search time per key.
     */
    public LinearizabilityChecker(final long maxStatesPerKey, final long maxNanosPerKey)
    {
        this(maxStatesPerKey, maxNanosPerKey, DEFAULT_MAX_CACHE_BYTES_PER_KEY);
    }

    /**
     * A checker with the given budgets.
     *
     * @param maxStatesPerKey     bound on states explored per key.
     * @param maxNanosPerKey      bound on search time per key.
     * @param maxCacheBytesPerKey bound on the estimated memory of the cache of explored states per key; it lowers
     *                            the state bound for long histories, whose cache entries are larger.
     */
    public LinearizabilityChecker(final long maxStatesPerKey, final long maxNanosPerKey, final long maxCacheBytesPerKey)
    {
        this.maxStatesPerKey = maxStatesPerKey;
        this.maxNanosPerKey = maxNanosPerKey;
        this.maxCacheBytesPerKey = maxCacheBytesPerKey;
    }

    /**
     * Checks a history with the default budgets.
     *
     * @param history the history.
     * @return the result.
     */
    public static Result check(final History history)
    {
        return new LinearizabilityChecker().checkHistory(history);
    }

    /**
     * Checks a history: keys are checked in sorted order; a failing key ends the check.
     *
     * @param history the history.
     * @return the result.
     */
    public Result checkHistory(final History history)
    {
        long states = 0;
        Result firstUnknown = null;
        for (final Map.Entry<String, List<Operation>> entry : history.byKey().entrySet())
        {
            final Result result = checkKey(entry.getKey(), entry.getValue());
            states += result.statesExplored();
            if (result.verdict() == Verdict.NOT_LINEARIZABLE)
            {
                return new Result(Verdict.NOT_LINEARIZABLE, result.key(), result.explanation(), states);
            }
            if (result.verdict() == Verdict.UNKNOWN && null == firstUnknown)
            {
                firstUnknown = result;
            }
        }

        if (null != firstUnknown)
        {
            return new Result(Verdict.UNKNOWN, firstUnknown.key(), firstUnknown.explanation(), states);
        }

        return new Result(Verdict.LINEARIZABLE, null, null, states);
    }

    private Result checkKey(final String key, final List<Operation> recorded)
    {
        final HashSet<String> valuesRead = new HashSet<>();
        for (final Operation op : recorded)
        {
            if (op.outcome() == Operation.Outcome.OK && op.kind() == Operation.Kind.READ)
            {
                valuesRead.add(op.value());
            }
        }

        // INFO reads carry no information. An INFO write whose value no read returned never needs linearizing (no
        // read can sit between it and the next write), and each one left in would double the search space.
        final List<Operation> opList = new ArrayList<>();
        for (final Operation op : recorded)
        {
            final boolean informative = op.outcome() == Operation.Outcome.OK ||
                (op.outcome() == Operation.Outcome.INFO && op.kind() == Operation.Kind.WRITE &&
                valuesRead.contains(op.value()));
            if (informative)
            {
                opList.add(op);
            }
        }
        opList.sort(Comparator.comparingLong(Operation::invokeNs));

        final Operation[] ops = opList.toArray(new Operation[0]);
        final int n = ops.length;
        int okCount = 0;
        for (final Operation op : ops)
        {
            okCount += op.outcome() == Operation.Outcome.OK ? 1 : 0;
        }
        if (0 == okCount)
        {
            return new Result(Verdict.LINEARIZABLE, key, null, 0);
        }

        // A small self-contained proof settles the key without a search, which can be exponential when it fails.
        final String witness = staleOrPhantomRead(key, ops);
        if (null != witness)
        {
            return new Result(Verdict.NOT_LINEARIZABLE, key, witness, 0);
        }

        // Events: 2 * op for the call, 2 * op + 1 for the return; sorted by time, calls first on ties.
        final Integer[] events = new Integer[2 * n];
        for (int i = 0; i < 2 * n; i++)
        {
            events[i] = i;
        }
        Arrays.sort(events, Comparator
            .comparingLong((final Integer e) -> eventTime(ops, e))
            .thenComparingInt((final Integer e) -> e & 1)
            .thenComparingInt((final Integer e) -> e >> 1));

        // Doubly linked list of entries; entry 0 is the head sentinel, entry i + 1 is events[i].
        final int entries = 2 * n + 1;
        final int[] next = new int[entries];
        final int[] prev = new int[entries];
        final int[] opOf = new int[entries];
        final boolean[] isCall = new boolean[entries];
        final int[] returnEntryOf = new int[n];
        for (int i = 0; i < entries; i++)
        {
            next[i] = i + 1 < entries ? i + 1 : NIL;
            prev[i] = i - 1;
        }
        for (int i = 0; i < 2 * n; i++)
        {
            final int entry = i + 1;
            opOf[entry] = events[i] >> 1;
            isCall[entry] = (events[i] & 1) == 0;
            if (!isCall[entry])
            {
                returnEntryOf[opOf[entry]] = entry;
            }
        }

        final long[] linearized = new long[(n + 63) >>> 6];
        final long estimatedBytesPerState = 96 + 8L * linearized.length;
        final long maxStates = Math.min(maxStatesPerKey, maxCacheBytesPerKey / estimatedBytesPerState);
        final HashSet<CacheKey> cache = new HashSet<>();
        final int[] stackEntry = new int[n];
        final String[] stackState = new String[n];
        int depth = 0;
        int linearizedOk = 0;
        String state = null;
        long states = 0;
        final long deadline = System.nanoTime() + maxNanosPerKey;

        int bestDepth = -1;
        int blockingOp = NIL;
        String bestState = null;
        int[] bestPath = new int[0];

        int entry = next[HEAD];
        while (linearizedOk < okCount)
        {
            if (NIL == entry)
            {
                throw new IllegalStateException("ran off the end of the entry list for key " + key);
            }

            if (isCall[entry])
            {
                final int opIndex = opOf[entry];
                final Operation op = ops[opIndex];
                final boolean legal = op.kind() == Operation.Kind.WRITE || Objects.equals(state, op.value());
                if (legal)
                {
                    final String newState = op.kind() == Operation.Kind.WRITE ? op.value() : state;
                    setBit(linearized, opIndex);
                    if (cache.add(new CacheKey(linearized.clone(), newState)))
                    {
                        if (++states > maxStates || ((states & 0xFFF) == 0 && System.nanoTime() > deadline))
                        {
                            return new Result(Verdict.UNKNOWN, key, "gave up on key " + key + " after exploring " +
                                states + " states of " + n + " operations (budget " + maxStates + " states, " +
                                TimeUnit.NANOSECONDS.toMillis(maxNanosPerKey) + " ms)", states);
                        }
                        stackEntry[depth] = entry;
                        stackState[depth] = state;
                        depth++;
                        state = newState;
                        linearizedOk += op.outcome() == Operation.Outcome.OK ? 1 : 0;
                        lift(next, prev, entry, returnEntryOf[opIndex]);
                        entry = next[HEAD];
                        continue;
                    }
                    clearBit(linearized, opIndex);
                }
                entry = next[entry];
            }
            else
            {
                // The return of an operation not yet linearized: this configuration is a dead end.
                if (depth > bestDepth)
                {
                    bestDepth = depth;
                    blockingOp = opOf[entry];
                    bestState = state;
                    bestPath = new int[depth];
                    for (int i = 0; i < depth; i++)
                    {
                        bestPath[i] = opOf[stackEntry[i]];
                    }
                }
                if (0 == depth)
                {
                    final String explanation = explain(key, ops, bestPath, blockingOp, bestState);
                    return new Result(Verdict.NOT_LINEARIZABLE, key, explanation, states);
                }
                depth--;
                final int callEntry = stackEntry[depth];
                final int opIndex = opOf[callEntry];
                state = stackState[depth];
                stackState[depth] = null;
                clearBit(linearized, opIndex);
                linearizedOk -= ops[opIndex].outcome() == Operation.Outcome.OK ? 1 : 0;
                unlift(next, prev, callEntry, returnEntryOf[opIndex]);
                entry = next[callEntry];
            }
        }

        return new Result(Verdict.LINEARIZABLE, key, null, states);
    }

    private static long eventTime(final Operation[] ops, final int event)
    {
        final Operation op = ops[event >> 1];
        return (event & 1) == 0 ? op.invokeNs() : op.effectiveCompleteNs();
    }

    private static void lift(final int[] next, final int[] prev, final int call, final int ret)
    {
        unlink(next, prev, call);
        unlink(next, prev, ret);
    }

    private static void unlift(final int[] next, final int[] prev, final int call, final int ret)
    {
        relink(next, prev, ret);
        relink(next, prev, call);
    }

    private static void unlink(final int[] next, final int[] prev, final int entry)
    {
        next[prev[entry]] = next[entry];
        if (NIL != next[entry])
        {
            prev[next[entry]] = prev[entry];
        }
    }

    private static void relink(final int[] next, final int[] prev, final int entry)
    {
        next[prev[entry]] = entry;
        if (NIL != next[entry])
        {
            prev[next[entry]] = entry;
        }
    }

    private static void setBit(final long[] bits, final int index)
    {
        bits[index >>> 6] |= 1L << index;
    }

    private static void clearBit(final long[] bits, final int index)
    {
        bits[index >>> 6] &= ~(1L << index);
    }

    private static String explain(
        final String key, final Operation[] ops, final int[] bestPath, final int blockingOp, final String bestState)
    {
        final StringBuilder sb = new StringBuilder();
        final Operation blocked = ops[blockingOp];
        sb.append("no linearization of key ").append(key).append(" exists: the longest consistent order linearizes ")
            .append(bestPath.length).append(" of ").append(ops.length).append(" operations, leaving the register ")
            .append(Operation.show(bestState)).append(", and then cannot linearize ").append(blocked.describe())
            .append(" before it returns");
        if (blocked.kind() == Operation.Kind.READ)
        {
            sb.append(" (it read ").append(Operation.show(blocked.value()))
                .append(" and no pending write can produce that value in time)");
        }
        sb.append('\n');

        final int from = Math.max(0, bestPath.length - 3);
        if (bestPath.length > 0)
        {
            sb.append("  last linearized:\n");
            for (int i = from; i < bestPath.length; i++)
            {
                sb.append("    ").append(ops[bestPath[i]].describe()).append('\n');
            }
        }

        final boolean[] inPath = new boolean[ops.length];
        for (final int op : bestPath)
        {
            inPath[op] = true;
        }
        final List<Operation> concurrent = new ArrayList<>();
        for (int i = 0; i < ops.length; i++)
        {
            final Operation op = ops[i];
            if (!inPath[i] && i != blockingOp && op.invokeNs() <= blocked.completeNs() &&
                op.effectiveCompleteNs() >= blocked.invokeNs())
            {
                concurrent.add(op);
            }
        }
        if (!concurrent.isEmpty())
        {
            sb.append("  pending operations concurrent with it:\n");
            for (int i = 0; i < Math.min(MAX_LISTED, concurrent.size()); i++)
            {
                sb.append("    ").append(concurrent.get(i).describe()).append('\n');
            }
            if (concurrent.size() > MAX_LISTED)
            {
                sb.append("    ... and ").append(concurrent.size() - MAX_LISTED).append(" more\n");
            }
        }

        return sb.toString();
    }

    /**
     * Looks for the earliest OK read with a small, self-contained proof of non-linearizability: a value never
     * written, a value only written after the read completed, or a value provably overwritten before the read began.
     */
    private static String staleOrPhantomRead(final String key, final Operation[] ops)
    {
        // indexes so that each read costs a lookup and a binary search, not a scan of the history
        final Map<String, List<Operation>> writesByValue = new HashMap<>();
        final List<Operation> okWrites = new ArrayList<>();
        for (final Operation op : ops)
        {
            if (op.kind() == Operation.Kind.WRITE)
            {
                writesByValue.computeIfAbsent(op.value(), v -> new ArrayList<>()).add(op);
                if (op.outcome() == Operation.Outcome.OK)
                {
                    okWrites.add(op);
                }
            }
        }
        okWrites.sort(Comparator.comparingLong(Operation::invokeNs));
        final int writeCount = okWrites.size();
        final long[] invokes = new long[writeCount];
        // suffixEarliest[i]: of the OK writes invoked at or after invokes[i], the one that completed first
        final int[] suffixEarliest = new int[writeCount + 1];
        suffixEarliest[writeCount] = -1;
        for (int i = writeCount - 1; i >= 0; i--)
        {
            invokes[i] = okWrites.get(i).invokeNs();
            final int next = suffixEarliest[i + 1];
            suffixEarliest[i] = -1 == next || okWrites.get(i).completeNs() < okWrites.get(next).completeNs() ? i : next;
        }

        for (final Operation read : ops)
        {
            if (read.kind() != Operation.Kind.READ || read.outcome() != Operation.Outcome.OK)
            {
                continue;
            }

            final List<Operation> writesOfValue = writesByValue.getOrDefault(read.value(), List.of());
            long latestWriterCompletion = Long.MIN_VALUE;
            boolean anyWriterInvokedInTime = null == read.value();
            for (final Operation op : writesOfValue)
            {
                latestWriterCompletion = Math.max(latestWriterCompletion, op.effectiveCompleteNs());
                anyWriterInvokedInTime |= op.invokeNs() <= read.completeNs();
            }

            if (writesOfValue.isEmpty() && null != read.value())
            {
                return "read of " + key + " returned " + Operation.show(read.value()) + " at [" + read.invokeNs() +
                    ", " + read.completeNs() + "] but no write of that value was ever invoked: " + read.describe();
            }

            if (!anyWriterInvokedInTime)
            {
                return "read of " + key + " returned " + Operation.show(read.value()) + " at [" + read.invokeNs() +
                    ", " + read.completeNs() + "] but every write of that value was invoked after the read completed" +
                    ": " + read.describe() + describeAll("; writes: ", writesOfValue);
            }

            // an OK write invoked after every write of the value completed, and completed before the read began,
            // overwrote it for good (writes of the value itself all complete by latestWriterCompletion)
            if (Long.MAX_VALUE == latestWriterCompletion)
            {
                continue;
            }
            int first = Arrays.binarySearch(invokes, latestWriterCompletion + 1);
            first = first < 0 ? -first - 1 : first;
            while (first > 0 && invokes[first - 1] > latestWriterCompletion)
            {
                first--;
            }
            final int candidate = first < writeCount ? suffixEarliest[first] : -1;
            final Operation overwrite = -1 == candidate ? null : okWrites.get(candidate);
            if (null != overwrite && overwrite.completeNs() < read.invokeNs() &&
                !Objects.equals(overwrite.value(), read.value()))
            {
                final String writers = writesOfValue.isEmpty() ?
                    "the initial absent state" : describeAll("the only writes of that value (", writesOfValue) + ")";
                return "stale read: read of " + key + " returned " + Operation.show(read.value()) + " at [" +
                    read.invokeNs() + ", " + read.completeNs() + "] (" + read.describe() + ") but " + writers +
                    " precede " + overwrite.describe() + ", which completed before the read began";
            }
        }

        return null;
    }

    private static String describeAll(final String prefix, final List<Operation> ops)
    {
        final StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < Math.min(MAX_LISTED, ops.size()); i++)
        {
            sb.append(i > 0 ? ", " : "").append(ops.get(i).describe());
        }
        if (ops.size() > MAX_LISTED)
        {
            sb.append(", ... and ").append(ops.size() - MAX_LISTED).append(" more");
        }
        return sb.toString();
    }

    private static final class CacheKey
    {
        private final long[] bits;
        private final String state;
        private final int hash;

        CacheKey(final long[] bits, final String state)
        {
            this.bits = bits;
            this.state = state;
            this.hash = 31 * Arrays.hashCode(bits) + Objects.hashCode(state);
        }

        public int hashCode()
        {
            return hash;
        }

        public boolean equals(final Object obj)
        {
            if (!(obj instanceof CacheKey))
            {
                return false;
            }
            final CacheKey that = (CacheKey)obj;
            return hash == that.hash && Arrays.equals(bits, that.bits) && Objects.equals(state, that.state);
        }
    }
}

package io.raftis.raft;

import io.raftis.config.Configuration;
import io.raftis.jepsen.LinearizabilityChecker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One seeded run of a whole cluster under faults: the seed chooses the cluster size (3 or 5), the network's drop,
 * duplicate, delay and late-delivery rates, the batch size, the members' clock rates (none, random within the bound,
 * or every clock at the bound fast or slow), the clients and keys, and a nemesis schedule of crashes, restarts, pauses
 * longer than an election timeout, symmetric and one-way partitions, leadership transfers and clocks that change
 * rate. After the chaos the network heals and every member resumes or restarts; the run then checks that the members
 * converge on one log and that the clients' history is linearizable.
 * <p>
 * {@code main} runs a range of seeds on every core, for long searches: see {@code scripts/simulate.sh}.
 */
final class Simulation
{
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long CHAOS_NS = 3_000 * MS;
    static final long CALM_NS = 1_500 * MS;
    /**
     * How long the members may still take, once the clients are done, to converge. A member that restarted far behind,
     * over a link whose window holds one small batch, to a disk whose syncs take up to 5 ms, catches up one message
     * per round trip, which may take seconds; one that stops catching up still fails.
     */
    static final long CATCH_UP_NS = 10_000 * MS;
    /** Batch limits a seed may choose: the default, and small ones that split a catch-up into many messages. */
    static final int[] BATCH_BYTES = {4096, 4096, 512, 256};

    /**
     * What one run checked.
     */
    record Result(long seed, int size, int operations, long messages, long terms, Replies replies)
    {
    }

    /**
     * How often the clients met each answer that is not a plain result: what the run exercised of the dispatcher.
     */
    record Replies(
        long moved,
        long clusterDown,
        long tryAgain,
        long uncertain,
        long pipelined,
        long largeWrites,
        long timedOut,
        long waitedForRoom,
        long diskFull)
    {
        Replies plus(final Replies o)
        {
            return new Replies(moved + o.moved, clusterDown + o.clusterDown, tryAgain + o.tryAgain,
                uncertain + o.uncertain, pipelined + o.pipelined, largeWrites + o.largeWrites, timedOut + o.timedOut,
                waitedForRoom + o.waitedForRoom, diskFull + o.diskFull);
        }
    }

    private Simulation()
    {
    }

    static Result run(final long seed)
    {
        return run(seed, SimulatedCluster.Bug.NONE, false);
    }

    /**
     * @throws SimulatedCluster.SimulationFailure on any safety violation or a history that is not linearizable.
     */
    static Result run(final long seed, final SimulatedCluster.Bug bug, final boolean printTrace)
    {
        final Random scenario = new Random(seed ^ 0x5DEECE66DL);
        final int size = scenario.nextBoolean() ? 3 : 5;
        final SimulatedCluster cluster = new SimulatedCluster(size, seed);
        cluster.printTrace = printTrace;
        cluster.leaseReads = scenario.nextInt(3) == 0; // taken up by the members' start in batchLimits
        // a third of the seeds let a leader hold only two pending writes, so that writes wait for room (drawn from the
        // seed, not the scenario's stream, which stays as it was)
        cluster.maxPendingWrites = 0 == seed % 3 ? 2 : Configuration.MAX_PENDING_WRITES_DEFAULT;
        final int batchBytes = BATCH_BYTES[scenario.nextInt(BATCH_BYTES.length)];
        cluster.batchLimits(batchBytes, batchBytes * (1 + scenario.nextInt(4)));
        cluster.inject(bug);
        cluster.dropRate = scenario.nextDouble() * 0.1;
        cluster.duplicateRate = scenario.nextDouble() * 0.05;
        cluster.maxDelayNs = (1 + scenario.nextInt(15)) * MS;
        cluster.lateRate = scenario.nextBoolean() ? scenario.nextDouble() * 0.02 : 0;
        final int clocks = scenario.nextInt(3);
        final long maxRatePpm = RaftNode.MAX_CLOCK_RATE_ERROR_PPM;
        if (clocks > 0)
        {
            cluster.clockRates(maxRatePpm, 2 == clocks);
        }
        final String[] keys = {"x", "y", "z"};
        final String[] used = new String[1 + scenario.nextInt(keys.length)];
        System.arraycopy(keys, 0, used, 0, used.length);
        cluster.addClients(2 + scenario.nextInt(4), used);
        cluster.trace("seed " + seed + ": " + size + " members, drop " + percent(cluster.dropRate) + ", duplicate " +
            percent(cluster.duplicateRate) + ", delay up to " + cluster.maxDelayNs / MS + "ms, late " +
            percent(cluster.lateRate) + ", batches of " + batchBytes + " bytes, clocks " +
            (0 == clocks ? "true" : 1 == clocks ? "drifting" : "at the drift bound") + ", " +
            cluster.clients.size() + " clients on " + used.length + " keys" +
            (cluster.leaseReads ? ", lease reads" : "") +
            (cluster.maxPendingWrites < Configuration.MAX_PENDING_WRITES_DEFAULT ?
            ", at most " + cluster.maxPendingWrites + " pending writes" : "") +
            (SimulatedCluster.Bug.NONE != bug ? ", injected bug " + bug : ""));

        final long meanFaultGapNs = (50 + scenario.nextInt(250)) * MS;
        long nextFaultNs = cluster.nowNs + meanFaultGapNs;
        final long chaosEnd = cluster.nowNs + CHAOS_NS;
        final long[] resumeAtNs = new long[size + 1];
        final long[] roomAtNs = new long[size + 1];
        while (cluster.nowNs < chaosEnd)
        {
            if (cluster.nowNs >= nextFaultNs)
            {
                nemesis(cluster, scenario, resumeAtNs, roomAtNs, maxRatePpm * (clocks > 0 ? 1 : 0));
                nextFaultNs = cluster.nowNs + 1 + (long)(scenario.nextDouble() * 2 * meanFaultGapNs);
            }
            for (int id = 1; id <= size; id++)
            {
                if (cluster.members[id].paused && cluster.nowNs >= resumeAtNs[id])
                {
                    cluster.resume(id);
                }
                if (cluster.diskIsFull(id) && cluster.nowNs >= roomAtNs[id])
                {
                    cluster.diskFull(id, false);
                }
            }
            cluster.step();
        }

        cluster.heal();
        for (int id = 1; id <= size; id++)
        {
            if (cluster.diskIsFull(id))
            {
                cluster.diskFull(id, false);
            }
        }
        cluster.dropRate = 0;
        cluster.duplicateRate = 0;
        cluster.lateRate = 0;
        for (int id = 1; id <= size; id++)
        {
            if (cluster.members[id].crashed)
            {
                cluster.restart(id);
            }
            else if (cluster.members[id].paused)
            {
                cluster.resume(id);
            }
        }
        cluster.awaitLeader(10_000 * MS);
        cluster.run(CALM_NS);
        // let the clients finish what is in flight, then every member must hold one log
        cluster.clientsStopped = true;
        cluster.run(SimulatedCluster.CLIENT_TIMEOUT_NS + 500 * MS);
        final long catchUpEnd = cluster.nowNs + CATCH_UP_NS;
        while (!converged(cluster) && cluster.nowNs < catchUpEnd)
        {
            cluster.run(10 * MS);
        }
        checkConverged(cluster);

        final LinearizabilityChecker.Result verdict = new LinearizabilityChecker(2_000_000, 30 * 1_000 * MS)
            .checkHistory(cluster.history());
        if (!verdict.linearizable())
        {
            cluster.fail("linearizability: " + verdict.verdict() + " on key " + verdict.key() + ": " +
                verdict.explanation());
        }
        long terms = 0;
        for (int id = 1; id <= size; id++)
        {
            terms = Math.max(terms, cluster.members[id].raft.term());
        }
        return new Result(seed, size, cluster.history().size(), cluster.messagesDelivered, terms, new Replies(
            cluster.moved, cluster.clusterDown, cluster.tryAgain, cluster.uncertain, cluster.pipelined,
            cluster.largeWrites, cluster.timedOut, cluster.writesThatWaitedForRoom(), cluster.diskFull));
    }

    private static void nemesis(
        final SimulatedCluster cluster,
        final Random scenario,
        final long[] resumeAtNs,
        final long[] roomAtNs,
        final long maxRatePpm)
    {
        final int size = cluster.size;
        final int leader = cluster.leader();
        final int choice = scenario.nextInt(125);
        if (choice >= 115)
        {
            // a full disk, on the leader more often than not, for up to a few election timeouts: its log refuses
            // appends, and then takes them again
            final int id = leader != 0 && scenario.nextInt(3) > 0 ? leader : 1 + scenario.nextInt(size);
            if (!cluster.diskIsFull(id))
            {
                cluster.diskFull(id, true);
                roomAtNs[id] = cluster.nowNs + (long)((0.2 + scenario.nextDouble() * 4) *
                    SimulatedCluster.ELECTION_TIMEOUT_NS);
            }
        }
        else if (choice >= 100)
        {
            // a pause (SIGSTOP, a long GC) of the leader more often than not, mostly longer than an election timeout:
            // the others move on, and it resumes with its stale view
            final int id = leader != 0 && scenario.nextInt(3) > 0 ? leader : 1 + scenario.nextInt(size);
            final SimulatedCluster.Member member = cluster.members[id];
            if (!member.crashed && !member.paused)
            {
                cluster.pause(id);
                resumeAtNs[id] = cluster.nowNs + (long)((0.5 + scenario.nextDouble() * 3) *
                    SimulatedCluster.ELECTION_TIMEOUT_NS);
            }
        }
        else if (choice >= 95 && choice < 100 && maxRatePpm > 0 && scenario.nextBoolean())
        {
            cluster.clockRates(maxRatePpm, scenario.nextBoolean()); // clocks drift: their rates change
        }
        else if (choice < 25)
        {
            // the leader more often than not
            final int id = leader != 0 && scenario.nextInt(3) > 0 ? leader : 1 + scenario.nextInt(size);
            if (!cluster.members[id].crashed)
            {
                cluster.crash(id);
            }
        }
        else if (choice < 45)
        {
            for (int id = 1; id <= size; id++)
            {
                if (cluster.members[id].crashed && scenario.nextBoolean())
                {
                    cluster.restart(id);
                }
            }
        }
        else if (choice < 60)
        {
            // a symmetric partition: a minority, often holding the leader, from the rest
            final List<Integer> side = new ArrayList<>();
            if (leader != 0 && scenario.nextBoolean())
            {
                side.add(leader);
            }
            final int sideSize = 1 + scenario.nextInt(size / 2);
            while (side.size() < sideSize)
            {
                final int id = 1 + scenario.nextInt(size);
                if (!side.contains(id))
                {
                    side.add(id);
                }
            }
            cluster.partition(side);
        }
        else if (choice < 75)
        {
            // one-way cuts: a leader that can send but not hear, or hear but not send, or a random link
            final int from = leader != 0 && scenario.nextBoolean() ? leader : 1 + scenario.nextInt(size);
            final boolean outbound = scenario.nextBoolean();
            for (int other = 1; other <= size; other++)
            {
                if (other != from && scenario.nextInt(3) > 0)
                {
                    if (outbound)
                    {
                        cluster.block(from, other);
                    }
                    else
                    {
                        cluster.block(other, from);
                    }
                }
            }
        }
        else if (choice < 90)
        {
            cluster.heal();
        }
        else if (choice < 95)
        {
            if (leader != 0 && cluster.members[leader].raft.transferLeadership())
            {
                cluster.trace("member " + leader + " hands leadership over");
            }
        }
        else
        {
            final double rate = scenario.nextDouble() * 0.3;
            cluster.dropRate = rate;
            cluster.trace("drop rate " + percent(rate));
        }
    }

    private static boolean converged(final SimulatedCluster cluster)
    {
        final int leader = cluster.leader();
        if (0 == leader)
        {
            return false;
        }
        final long last = cluster.members[leader].raft.lastIndex();
        for (int id = 1; id <= cluster.size; id++)
        {
            if (cluster.members[id].raft.lastApplied() != last)
            {
                return false;
            }
        }
        return true;
    }

    private static void checkConverged(final SimulatedCluster cluster)
    {
        final int leader = cluster.leader();
        if (0 == leader)
        {
            cluster.fail("no leader after the network healed");
        }
        final SimulatedCluster.Member reference = cluster.members[leader];
        final long last = reference.raft.lastIndex();
        if (reference.raft.commitIndex() != last)
        {
            cluster.fail("leader " + leader + " committed " + reference.raft.commitIndex() + " of " + last);
        }
        for (int id = 1; id <= cluster.size; id++)
        {
            final SimulatedCluster.Member member = cluster.members[id];
            if (member.raft.lastApplied() != last)
            {
                cluster.fail("convergence: member " + id + " applied " + member.raft.lastApplied() + " of " + last +
                    " (it holds " + member.raft.lastIndex() + ", " + member.log.durableIndex() + " durable" +
                    (member.log.syncInFlight() ? ", a sync in flight" : "") + ", commit " +
                    member.raft.commitIndex() + ", " + member.raft.role() + "; the leader has matched " +
                    reference.raft.matchIndexOf(id) + ")");
            }
            for (long i = 1; i <= last; i++)
            {
                if (!member.applied.get(i).equals(reference.applied.get(i)))
                {
                    cluster.fail("log matching: member " + id + " differs from the leader at " + i);
                }
            }
            if (!member.registers.equals(reference.registers))
            {
                cluster.fail("state machine safety: member " + id + " holds " + member.registers + ", leader " +
                    reference.registers);
            }
            for (final String key : reference.registers.keySet())
            {
                final String value = member.node.localGet(key);
                if (!reference.registers.get(key).equals(value))
                {
                    cluster.fail("state machine safety: member " + id + "'s keyspace holds " + key + "=" + value +
                        ", the log says " + reference.registers.get(key));
                }
            }
        }
    }

    private static String percent(final double rate)
    {
        return Math.round(rate * 1000) / 10.0 + "%";
    }

    /**
     * What a range of seeds found: each failure names its seed and how to replay it.
     */
    record Seeds(long runs, long operations, Replies replies, List<String> failures, double seconds)
    {
    }

    /**
     * Run seeds [first, first + count) on every core, stopping early once maxFailures seeds failed.
     *
     * @param report receives each failure as it happens and progress every 10,000 seeds.
     */
    static Seeds runSeeds(
        final long first,
        final long count,
        final SimulatedCluster.Bug bug,
        final long maxFailures,
        final Consumer<String> report) throws Exception
    {
        final int threads = Runtime.getRuntime().availableProcessors();
        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        final AtomicLong next = new AtomicLong(first);
        final AtomicLong operations = new AtomicLong();
        final AtomicReference<Replies> replies = new AtomicReference<>(new Replies(0, 0, 0, 0, 0, 0, 0, 0, 0));
        final AtomicLong done = new AtomicLong();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final long end = first + count;
        final long startNs = System.nanoTime();
        final List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            workers.add(executor.submit(() ->
            {
                long seed;
                while ((seed = next.getAndIncrement()) < end && failures.size() < maxFailures)
                {
                    try
                    {
                        final Result result = run(seed, bug, false);
                        operations.addAndGet(result.operations());
                        replies.accumulateAndGet(result.replies(), Replies::plus);
                    }
                    catch (final Throwable failure)
                    {
                        // a safety violation, or anything else the seed provoked, such as an exception in the core
                        final String line = "FAILED seed " + seed + " (replay: scripts/simulate.sh --replay " + seed +
                            (SimulatedCluster.Bug.NONE != bug ? " " + bug : "") + "): " + failure;
                        failures.add(line);
                        report.accept(line);
                    }
                    final long n = done.incrementAndGet();
                    if (n % 10_000 == 0)
                    {
                        report.accept(String.format("%,d seeds, %,d operations, %d failed, %.0f s",
                            n, operations.get(), failures.size(), (System.nanoTime() - startNs) / 1e9));
                    }
                }
            }));
        }
        try
        {
            for (final Future<?> worker : workers)
            {
                worker.get();
            }
        }
        finally
        {
            executor.shutdownNow();
        }
        return new Seeds(done.get(), operations.get(), replies.get(), List.copyOf(failures),
            (System.nanoTime() - startNs) / 1e9);
    }

    /**
     * Run seeds [first, first + count) on every core. Arguments: count [first] [bug]; -Dtrace=true prints every
     * step's trace of a single seed.
     */
    public static void main(final String[] args) throws Exception
    {
        final long count = args.length > 0 ? Long.parseLong(args[0]) : 10_000;
        final long first = args.length > 1 ? Long.parseLong(args[1]) : 1;
        final SimulatedCluster.Bug bug = args.length > 2 ? SimulatedCluster.Bug.valueOf(args[2]) :
            SimulatedCluster.Bug.NONE;
        final boolean printTrace = Boolean.getBoolean("trace");
        if (printTrace && count == 1)
        {
            System.out.println(run(first, bug, true));
            return;
        }
        final Seeds seeds = runSeeds(first, count, bug, Long.MAX_VALUE, System.out::println);
        System.out.printf("seeds %d..%d: %,d runs, %,d client operations checked, %d failed, %.0f s; %s%n",
            first, first + count - 1, seeds.runs(), seeds.operations(), seeds.failures().size(), seeds.seconds(),
            seeds.replies());
        System.exit(seeds.failures().isEmpty() ? 0 : 1);
    }
}

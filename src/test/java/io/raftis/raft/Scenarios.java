package io.raftis.raft;

import io.raftis.jepsen.LinearizabilityChecker;
import io.raftis.jepsen.Operation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * Scripted runs of the simulated cluster that steer it into the rare situations where a rule of the protocol is all
 * that stands between the cluster and a violation: the elections, crashes and late messages are scripted, the timing
 * within them comes from the seed. Each returns whether the seed reached its situation, and throws
 * {@link SimulatedCluster.SimulationFailure} when a checker fires. {@code -Dtrace=true} prints every step's trace.
 */
final class Scenarios
{
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private Scenarios()
    {
    }

    /**
     * The "Figure 8" situation of §5.4.2 on five members: entries of an old term sit on two members, a member with an
     * entry of a later term at the same place crashes, one of the two is elected again and starts catching the others
     * up in small batches. If it committed the old entries by counting the replicas of the first batch and crashed,
     * the member holding the later term could be elected and overwrite them: leader completeness fires.
     */
    static boolean commitOfAnEarlierTerm(final long seed, final SimulatedCluster.Bug bug)
    {
        final SimulatedCluster cluster = quietCluster(5, seed, bug);
        cluster.batchLimits(256, 256);
        final int a = cluster.awaitLeader(5_000 * MS);
        cluster.run(100 * MS);
        final int b = a % 5 + 1;
        final List<Integer> ab = List.of(a, b);
        cluster.partition(ab);
        for (int i = 0; i < 40; i++)
        {
            cluster.propose(a, "x=old" + i); // replicated to b only: never committed in a's term
        }
        cluster.run(20 * MS);
        final long committedBefore = cluster.members[a].raft.commitIndex();
        cluster.crash(a);

        // the other three elect one of them, which appends its no-op where a's entries are and is cut off at once
        final int e = stepUntilLeader(cluster, (id) -> !ab.contains(id), 3_000 * MS);
        if (0 == e)
        {
            return false;
        }
        cluster.isolated[e] = true;
        cluster.crash(e);
        cluster.run(10 * MS); // what it sent is lost on the cut link
        cluster.heal();
        cluster.restart(a);

        // a or b leads again, with the old entries, and catches the two others up a batch at a time
        final int leader = stepUntilLeader(cluster, ab::contains, 3_000 * MS);
        if (0 == leader)
        {
            return false;
        }
        final RaftNode raft = cluster.members[leader].raft;
        final long noop = raft.lastIndex();
        final List<Integer> behind = new ArrayList<>();
        for (int id = 1; id <= 5; id++)
        {
            if (!ab.contains(id) && id != e)
            {
                behind.add(id);
            }
        }
        final boolean partial = stepUntil(cluster, () ->
        {
            final long first = raft.matchIndexOf(behind.get(0));
            final long second = raft.matchIndexOf(behind.get(1));
            return Math.max(first, second) > committedBefore && Math.max(first, second) < noop;
        }, 2_000 * MS);
        if (!partial || !raft.isLeader())
        {
            return false;
        }
        cluster.trace("member " + leader + " commit index " + raft.commitIndex() + ", its no-op at " + noop);
        cluster.crash(a);
        cluster.crash(b);
        cluster.restart(e); // its entry's term is later than theirs: the two caught-up members vote for it
        cluster.run(3_000 * MS);
        return true;
    }

    /**
     * Votes granted in one term and delivered late, while their candidate campaigns in the next: counted, they make it
     * leader of a term that another member leads with the same voters' fresh votes, and election safety fires.
     */
    static boolean votesOfAnEarlierTerm(final long seed, final SimulatedCluster.Bug bug)
    {
        final SimulatedCluster cluster = quietCluster(5, seed, bug);
        final int leader = cluster.awaitLeader(5_000 * MS);
        cluster.run(100 * MS);
        if (!cluster.members[leader].raft.transferLeadership())
        {
            return false;
        }
        final int c = stepUntil(cluster, () -> 0 != candidate(cluster), 1_000 * MS) ? candidate(cluster) : 0;
        if (0 == c)
        {
            return false;
        }
        final long term = cluster.members[c].raft.term();
        final int[] voters = new int[2];
        int n = 0;
        for (int id = 1; id <= 5 && n < 2; id++)
        {
            if (id != c && id != leader)
            {
                voters[n++] = id;
            }
        }
        // two grants of this term reach the candidate late; the other two members' answers never reach it
        cluster.holdBack = (m) -> 'v' == m.kind && m.to == c && m.flag && 0 == m.commit && m.term == term &&
            (m.from == voters[0] || m.from == voters[1]);
        for (int id = 1; id <= 5; id++)
        {
            if (id != c && id != voters[0] && id != voters[1])
            {
                cluster.block(id, c);
            }
        }
        final RaftNode candidate = cluster.members[c].raft;
        if (!stepUntil(cluster, () -> Role.CANDIDATE == candidate.role() && candidate.term() == term + 1,
            1_000 * MS))
        {
            return false;
        }
        // its requests of the next term are lost, so another member can win that term
        for (int id = 1; id <= 5; id++)
        {
            if (id != c)
            {
                cluster.block(c, id);
            }
        }
        final int other = stepUntilLeader(cluster, (id) -> id != c, 1_000 * MS);
        if (0 == other || cluster.members[other].raft.term() != term + 1 || Role.CANDIDATE != candidate.role() ||
            candidate.term() != term + 1)
        {
            return false;
        }
        cluster.releaseHeld();
        cluster.run(50 * MS);
        cluster.heal();
        cluster.run(1_000 * MS);
        return true;
    }

    /**
     * Leases with clocks at the drift bound: the leader's clock runs slow and the followers' fast. Again and again
     * the leader is cut off while a client keeps reading from it and others write through the followers; a lease
     * that outlives the followers' loyalty serves a read older than a write the new leader completed, and the
     * history is not linearizable.
     */
    static boolean leaseAcrossClocksAtTheBound(final long seed, final SimulatedCluster.Bug bug, final int rounds)
    {
        final SimulatedCluster cluster = quietCluster(3, seed, bug);
        cluster.leaseReads(true);
        cluster.addClients(3, "x");
        final SimulatedCluster.Client reader = cluster.clients.get(0);
        reader.only = Operation.Kind.READ;
        for (int i = 1; i < 3; i++)
        {
            cluster.clients.get(i).only = Operation.Kind.WRITE;
        }
        int leader = cluster.awaitLeader(5_000 * MS);
        for (int round = 0; round < rounds; round++)
        {
            // the leader's clock slow, the followers' fast, each by the most the lease allows for
            int writer = 1;
            for (int id = 1; id <= 3; id++)
            {
                cluster.members[id].ratePpm = id == leader ? -RaftNode.MAX_CLOCK_RATE_ERROR_PPM :
                    RaftNode.MAX_CLOCK_RATE_ERROR_PPM;
                if (id != leader)
                {
                    final SimulatedCluster.Client client = cluster.clients.get(writer++);
                    client.home = id;
                    client.target = id;
                    client.followRedirects = false;
                }
            }
            reader.home = leader;
            reader.target = leader;
            cluster.run(200 * MS);
            cluster.partition(List.of(leader));
            cluster.run(600 * MS);
            cluster.heal();
            leader = cluster.awaitLeader(5_000 * MS);
            cluster.run(100 * MS);
        }
        cluster.clientsStopped = true;
        cluster.run(SimulatedCluster.CLIENT_TIMEOUT_NS + 100 * MS);
        final LinearizabilityChecker.Result verdict =
            new LinearizabilityChecker(2_000_000, 30_000 * MS).checkHistory(cluster.history());
        if (!verdict.linearizable())
        {
            cluster.fail("linearizability: " + verdict.verdict() + " on key " + verdict.key() + ": " +
                verdict.explanation());
        }
        return true;
    }

    private static SimulatedCluster quietCluster(final int size, final long seed, final SimulatedCluster.Bug bug)
    {
        final SimulatedCluster cluster = new SimulatedCluster(size, seed);
        cluster.printTrace = Boolean.getBoolean("trace");
        cluster.inject(bug);
        cluster.maxDelayNs = MS;
        return cluster;
    }

    private static int candidate(final SimulatedCluster cluster)
    {
        for (int id = 1; id <= cluster.size; id++)
        {
            if (!cluster.members[id].crashed && Role.CANDIDATE == cluster.members[id].raft.role())
            {
                return id;
            }
        }
        return 0;
    }

    private static boolean stepUntil(final SimulatedCluster cluster, final BooleanSupplier done, final long timeoutNs)
    {
        final long end = cluster.nowNs + timeoutNs;
        while (cluster.nowNs < end)
        {
            cluster.step();
            if (done.getAsBoolean())
            {
                return true;
            }
        }
        return false;
    }

    private static int stepUntilLeader(
        final SimulatedCluster cluster, final IntPredicate among, final long timeoutNs)
    {
        final int[] found = new int[1];
        stepUntil(cluster, () ->
        {
            for (int id = 1; id <= cluster.size; id++)
            {
                final SimulatedCluster.Member member = cluster.members[id];
                if (among.test(id) && !member.crashed && member.raft.isLeader())
                {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        }, timeoutNs);
        return found[0];
    }
}

package io.raftis.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaftNodeTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5})
    void shouldElectOneLeaderThatCommitsItsNoop(final int size)
    {
        final SimulatedCluster cluster = new SimulatedCluster(size, 42);
        final int leader = cluster.awaitLeader(5 * SECOND);
        cluster.run(SECOND);
        assertEquals(leader, cluster.leader());
        for (int id = 1; id <= size; id++)
        {
            assertEquals(leader, cluster.members[id].raft.leaderId(), "member " + id);
            assertEquals(1, cluster.members[id].raft.lastApplied(), "member " + id + " applied the no-op");
        }
    }

    @Test
    void shouldReplicateCommandsInOneBatchAndApplyThemEverywhere()
    {
        final SimulatedCluster cluster = new SimulatedCluster(5, 7);
        final int leader = cluster.awaitLeader(5 * SECOND);
        final int syncsBefore = cluster.members[leader].log.syncs();
        for (int i = 0; i < 100; i++)
        {
            cluster.propose(leader, "SET k" + i);
        }
        cluster.step();
        assertEquals(syncsBefore + 1, cluster.members[leader].log.syncs(), "one sync for the whole batch");
        cluster.run(SECOND);
        for (int id = 1; id <= 5; id++)
        {
            final SimulatedCluster.Member member = cluster.members[id];
            assertEquals(101, member.raft.lastApplied(), "member " + id);
            assertEquals(member.log.termAt(101) + ":SET k99", member.applied.get(101L));
        }
    }

    @Test
    void shouldNotCommitWithoutAMajority()
    {
        final SimulatedCluster cluster = new SimulatedCluster(5, 11);
        final int leader = cluster.awaitLeader(5 * SECOND);
        final long commit = cluster.members[leader].raft.commitIndex();
        int cut = 0;
        for (int id = 1; id <= 5 && cut < 3; id++)
        {
            if (id != leader)
            {
                cluster.crash(id);
                cut++;
            }
        }
        final long index = cluster.propose(leader, "SET lost");
        cluster.run(SECOND / 10);
        assertTrue(index > commit);
        assertEquals(commit, cluster.members[leader].raft.commitIndex());
    }

    @Test
    void shouldElectNewLeaderWithEveryCommittedEntryWhenLeaderCrashes()
    {
        final SimulatedCluster cluster = new SimulatedCluster(5, 3);
        final int first = cluster.awaitLeader(5 * SECOND);
        for (int i = 0; i < 50; i++)
        {
            cluster.propose(first, "SET a" + i);
        }
        cluster.run(SECOND / 2);
        final long committed = cluster.members[first].raft.commitIndex();
        assertEquals(51, committed);
        cluster.crash(first);
        final int second = cluster.awaitLeader(5 * SECOND);
        assertNotEquals(first, second);
        assertTrue(cluster.members[second].raft.term() > cluster.members[first].raft.term());
        cluster.propose(second, "SET after");
        cluster.run(SECOND / 2);
        cluster.restart(first);
        cluster.run(2 * SECOND);
        final SimulatedCluster.Member restarted = cluster.members[first];
        assertEquals(cluster.members[second].raft.lastApplied(), restarted.raft.lastApplied());
        assertTrue(restarted.applied.get(restarted.raft.lastApplied()).endsWith("SET after"));
    }

    @Test
    void shouldConfirmReadsOnlyAfterAMajorityAnswersALaterRound()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 5);
        final int leader = cluster.awaitLeader(5 * SECOND);
        final RaftNode raft = cluster.members[leader].raft;
        final long barrier = raft.requestReadBarrier();
        assertFalse(raft.isReadConfirmed(barrier));
        cluster.run(SECOND / 20);
        assertTrue(raft.isReadConfirmed(barrier));

        for (int id = 1; id <= 3; id++)
        {
            cluster.isolated[id] = id == leader;
        }
        final long isolatedBarrier = raft.requestReadBarrier();
        cluster.run(SECOND / 20);
        assertFalse(raft.isReadConfirmed(isolatedBarrier), "an isolated leader cannot confirm a read");
        cluster.run(SECOND);
        assertFalse(raft.isLeader(), "check-quorum: an isolated leader steps down");
    }

    @Test
    void shouldHoldALeaseOnlyWhileAMajorityAnswers()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 9);
        final int leader = cluster.awaitLeader(5 * SECOND);
        cluster.run(SECOND / 10);
        final RaftNode raft = cluster.members[leader].raft;
        assertTrue(raft.hasLease());
        for (int id = 1; id <= 3; id++)
        {
            cluster.isolated[id] = id == leader;
        }
        cluster.run(SimulatedCluster.ELECTION_TIMEOUT_NS);
        assertFalse(raft.hasLease());
    }

    @Test
    void shouldNotDisturbTheClusterWhenAnIsolatedMemberRejoins()
    {
        final SimulatedCluster cluster = new SimulatedCluster(5, 13);
        final int leader = cluster.awaitLeader(5 * SECOND);
        final long term = cluster.members[leader].raft.term();
        final int isolated = leader % 5 + 1;
        cluster.isolated[isolated] = true;
        cluster.run(3 * SECOND);
        assertEquals(term, cluster.members[isolated].raft.term(), "pre-vote: an isolated member raises no term");
        cluster.isolated[isolated] = false;
        cluster.run(SECOND);
        assertEquals(leader, cluster.leader());
        assertEquals(term, cluster.members[leader].raft.term(), "the leader kept its term");
        assertEquals(leader, cluster.members[isolated].raft.leaderId());
    }

    @Test
    void shouldHandLeadershipToAnUpToDateFollowerWithoutWaitingForATimeout()
    {
        final SimulatedCluster cluster = new SimulatedCluster(5, 17);
        final int leader = cluster.awaitLeader(5 * SECOND);
        for (int i = 0; i < 20; i++)
        {
            cluster.propose(leader, "SET t" + i);
        }
        final RaftNode raft = cluster.members[leader].raft;
        assertTrue(raft.transferLeadership());
        assertTrue(raft.isTransferringLeadership());
        assertEquals(-1, cluster.propose(leader, "SET refused"), "no proposals while leadership moves");

        final long started = cluster.nowNs;
        int next = 0;
        while (next == 0 || next == leader)
        {
            cluster.step();
            next = cluster.leader();
            assertTrue(cluster.nowNs - started < SimulatedCluster.ELECTION_TIMEOUT_NS,
                "the transfer took longer than an election timeout");
        }
        assertFalse(raft.isLeader());
        cluster.run(SECOND / 2);
        assertEquals(next, cluster.members[leader].raft.leaderId());
        assertEquals(22, cluster.members[next].raft.commitIndex(), "every entry of the old leader committed");
    }

    @Test
    void shouldFindMajorityValue()
    {
        assertEquals(5, RaftNode.quorumValue(new long[]{1, 5, 9}, 3, 2));
        assertEquals(3, RaftNode.quorumValue(new long[]{3, 1, 4, 1, 5}, 5, 3));
        assertEquals(7, RaftNode.quorumValue(new long[]{7}, 1, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void shouldStaySafeUnderDropsDuplicatesCrashesAndIsolation(final int size)
    {
        for (long seed = 1; seed <= 60; seed++)
        {
            runChaos(size, seed);
        }
    }

    private static void runChaos(final int size, final long seed)
    {
        final SimulatedCluster cluster = new SimulatedCluster(size, seed);
        cluster.dropRate = 0.05;
        cluster.duplicateRate = 0.05;
        final List<String> proposals = new ArrayList<>();
        for (int step = 0; step < 6000; step++)
        {
            final double r = cluster.random.nextDouble();
            if (r < 0.05)
            {
                final int leader = cluster.leader();
                if (leader != 0)
                {
                    final String command = "SET s" + step;
                    if (cluster.propose(leader, command) > 0)
                    {
                        proposals.add(command);
                    }
                }
            }
            else if (r < 0.0015 + 0.05)
            {
                final int id = 1 + cluster.random.nextInt(size);
                if (!cluster.members[id].crashed)
                {
                    cluster.crash(id);
                }
            }
            else if (r < 0.004 + 0.05)
            {
                final int id = 1 + cluster.random.nextInt(size);
                if (cluster.members[id].crashed)
                {
                    cluster.restart(id);
                }
            }
            else if (r < 0.005 + 0.05)
            {
                final int id = 1 + cluster.random.nextInt(size);
                cluster.isolated[id] = !cluster.isolated[id];
                cluster.trace((cluster.isolated[id] ? "isolate " : "reconnect ") + id);
            }
            cluster.step();
        }
        // heal everything: the cluster must converge on one log
        for (int id = 1; id <= size; id++)
        {
            cluster.isolated[id] = false;
            if (cluster.members[id].crashed)
            {
                cluster.restart(id);
            }
        }
        cluster.dropRate = 0;
        cluster.duplicateRate = 0;
        final int leader = cluster.awaitLeader(10 * SECOND);
        cluster.propose(leader, "SET final");
        cluster.run(3 * SECOND);
        final long last = cluster.members[leader].raft.lastIndex();
        for (int id = 1; id <= size; id++)
        {
            final SimulatedCluster.Member member = cluster.members[id];
            if (member.raft.lastApplied() != last)
            {
                cluster.fail("member " + id + " applied " + member.raft.lastApplied() + " of " + last);
            }
            for (long i = 1; i <= last; i++)
            {
                if (!member.applied.get(i).equals(cluster.members[leader].applied.get(i)))
                {
                    cluster.fail("log matching: member " + id + " differs at " + i);
                }
            }
        }
    }
}

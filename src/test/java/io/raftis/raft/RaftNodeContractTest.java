package io.raftis.raft;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the core promises its caller, the node's duty cycle: the settings it refuses, the answers of its queries on a
 * follower and a leader, and the work counts that tell the idle strategy whether a pass did anything.
 */
class RaftNodeContractTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long ELECTION_NS = 150 * MS;
    private static final long HEARTBEAT_NS = 25 * MS;

    private final List<String> sent = new ArrayList<>();
    private final List<Long> applied = new ArrayList<>();

    @Test
    void shouldRefuseSettingsThatCannotWork()
    {
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{1, 2, 3}, ELECTION_NS, ELECTION_NS, 4096,
            4096), "an election timeout no longer than the heartbeat");
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{1, 2, 3}, ELECTION_NS, 0, 4096, 4096),
            "no heartbeat");
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{1, 2, 3}, ELECTION_NS, HEARTBEAT_NS, 4096,
            4095), "in-flight bytes below one batch");
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{0, 1, 2}, ELECTION_NS, HEARTBEAT_NS, 4096,
            4096), "a member id of 0");
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{1, 2, 2}, ELECTION_NS, HEARTBEAT_NS, 4096,
            4096), "a member listed twice");
        assertThrows(IllegalArgumentException.class, () -> node(1, new int[]{1, 1, 2}, ELECTION_NS, HEARTBEAT_NS, 4096,
            4096), "this member listed twice");
        assertThrows(IllegalArgumentException.class, () -> node(4, new int[]{1, 2, 3}, ELECTION_NS, HEARTBEAT_NS, 4096,
            4096), "this member not listed");
        final RaftNode single = node(1, new int[]{1}, ELECTION_NS, ELECTION_NS - 1, 4096, 4096);
        assertEquals(1, single.memberIds().length, "a heartbeat just below the election timeout is allowed");
    }

    @Test
    void shouldListItsMembersSortedInACopy()
    {
        final RaftNode raft = node(2, new int[]{3, 1, 2}, ELECTION_NS, HEARTBEAT_NS, 4096, 4096);
        assertArrayEquals(new int[]{1, 2, 3}, raft.memberIds());
        raft.memberIds()[0] = 9;
        assertArrayEquals(new int[]{1, 2, 3}, raft.memberIds());
        assertEquals(2, raft.memberId());
        assertEquals(Role.FOLLOWER, raft.role());
        assertEquals(RaftNode.NO_MEMBER, raft.leaderId());
    }

    @Test
    void shouldLeadAloneAndCommitEachEntryOnItsOwnSync()
    {
        final RaftNode raft = node(1, new int[]{1}, ELECTION_NS, HEARTBEAT_NS, 4096, 4096);
        raft.tick(2 * ELECTION_NS);
        assertTrue(raft.isLeader(), "one member is its own majority");
        assertEquals(1, raft.term());
        assertEquals(1, raft.votedFor());
        assertTrue(sent.isEmpty(), "no one to ask: " + sent);
        raft.flush();
        assertEquals(1, raft.commitIndex(), "the no-op commits once synced");
        final long index = raft.propose(bytes("SET k v"), 0, 7);
        assertEquals(2, index);
        assertEquals(1, raft.commitIndex(), "not committed before its sync");
        assertTrue(raft.flush() > 0);
        assertEquals(2, raft.commitIndex());
        assertEquals(List.of(1L, 2L), applied);
        assertTrue(raft.hasLease(), "alone, it always has a majority's answer");
        final long barrier = raft.requestReadBarrier();
        assertTrue(raft.isReadConfirmed(barrier));
        assertFalse(raft.transferLeadership(), "no one to hand leadership to");
    }

    @Test
    void shouldAnswerLeaderQueriesWithRefusalsOnAFollower()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 3);
        final int leader = cluster.awaitLeader(5_000 * MS);
        final int follower = leader % 3 + 1;
        final RaftNode raft = cluster.members[follower].raft;
        assertFalse(raft.isLeader());
        assertEquals(leader, raft.leaderId());
        assertEquals(-1, raft.matchIndexOf(leader), "a follower tracks no one's match index");
        assertEquals(-1, raft.inflightBytesOf(leader));
        assertEquals(-1, raft.propose(bytes("SET k v"), 0, 7), "a follower proposes nothing");
        assertEquals(-1, raft.requestReadBarrier());
        assertFalse(raft.isReadConfirmed(1));
        assertFalse(raft.hasLease());
        assertFalse(raft.transferLeadership());
        assertFalse(raft.isTransferringLeadership());

        final RaftNode leading = cluster.members[leader].raft;
        assertEquals(-1, leading.matchIndexOf(leader), "the leader is not its own peer");
        assertEquals(-1, leading.matchIndexOf(7), "nor is a stranger");
        assertEquals(-1, leading.inflightBytesOf(7));
        assertEquals(leading.lastIndex(), leading.matchIndexOf(follower));
        assertEquals(0, leading.inflightBytesOf(follower), "all acknowledged");
    }

    @Test
    void shouldIgnoreMessagesFromStrangers()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 5);
        final int leader = cluster.awaitLeader(5_000 * MS);
        final RaftNode raft = cluster.members[leader].raft;
        final long term = raft.term();
        raft.onRequestVote(9, term + 5, 100, term + 5, false, true);
        raft.onRequestVoteResponse(9, term + 5, true, false);
        raft.onAppendEntries(9, term + 5, 0, 0, 0, 1, new UnsafeBuffer(new byte[0]), 0, 0, 0, true);
        raft.onAppendEntriesResponse(9, term + 5, true, 100, 0, 1);
        raft.onTimeoutNow(9, term);
        assertTrue(raft.isLeader());
        assertEquals(term, raft.term(), "a stranger's term is not taken up");
    }

    @Test
    void shouldCountWorkOnlyWhenAPassDidSome()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 7);
        final int leader = cluster.awaitLeader(5_000 * MS);
        cluster.run(100 * MS);
        final SimulatedCluster.Member member = cluster.members[leader];
        final RaftNode raft = member.raft;
        cluster.step(); // the round of this step's heartbeat is answered
        cluster.step();
        final long now = member.clockNs;
        assertEquals(0, raft.flush(), "nothing appended, committed or applied");
        assertEquals(0, raft.replicate(), "no heartbeat due and nothing to send");

        cluster.propose(leader, "SET k v");
        assertTrue(raft.replicate() > 0, "the new entry goes out");
        assertTrue(raft.flush() > 0, "and is synced");
        assertEquals(0, raft.tick(now), "no timer due");
        assertTrue(raft.tick(now + HEARTBEAT_NS) > 0, "the heartbeat timer is due");

        final RaftNode follower = cluster.members[leader % 3 + 1].raft;
        assertEquals(0, follower.tick(cluster.members[leader % 3 + 1].clockNs), "a follower with a leader waits");
    }

    @Test
    void shouldStepDownOnAnswersOfALaterTerm()
    {
        final SimulatedCluster cluster = new SimulatedCluster(3, 9);
        final int leader = cluster.awaitLeader(5_000 * MS);
        final int follower = leader % 3 + 1;
        final RaftNode raft = cluster.members[leader].raft;
        final long term = raft.term();
        raft.onAppendEntriesResponse(follower, term + 1, false, 0, 0, 0);
        assertFalse(raft.isLeader());
        assertEquals(term + 1, raft.term());
        assertEquals(RaftNode.NO_MEMBER, raft.leaderId(), "the later term's leader is not known yet");
    }

    /**
     * A follower that rejects an append names the term of its conflicting entry and the index just before that term
     * starts in its log, so the leader can skip the whole term (§5.3's optimization).
     */
    @Test
    void shouldNameTheConflictingTermAndWhereItStarts()
    {
        final MemoryLog log = log(1, 1, 2, 2, 2, 3, 3);
        final MemoryState state = new MemoryState();
        state.update(3, RaftNode.NO_MEMBER);
        final RaftNode follower = new RaftNode(2, new int[]{1, 2, 3}, log, state, new Recorder(), new Recorder(),
            new Random(2), ELECTION_NS, HEARTBEAT_NS, 4096, 4096, 0);

        assertEquals("append response to 1 rejected, hint 5 conflict term 3", rejectionOf(follower, 6, 4));
        assertEquals("append response to 1 rejected, hint 2 conflict term 2", rejectionOf(follower, 5, 1));
        assertEquals("append response to 1 rejected, hint 2 conflict term 2", rejectionOf(follower, 3, 1));
        assertEquals("append response to 1 rejected, hint 0 conflict term 1", rejectionOf(follower, 2, 4));
        assertEquals("append response to 1 rejected, hint 7 conflict term 0", rejectionOf(follower, 10, 4),
            "a log that ends before the leader's previous entry names its last index");
        assertEquals(7, log.lastIndex(), "a rejected append changes nothing");
    }

    /**
     * A leader that hears a follower's conflicting term skips to its own last entry of that term when it has one, and
     * past the follower's hint when it has none.
     */
    @Test
    void shouldBackOffToItsLastEntryOfTheFollowersConflictingTerm()
    {
        final RaftNode leader = electedLeader(log(1, 1, 2, 2, 4, 4, 5), 5);
        final long term = leader.term();
        leader.replicate();
        sent.clear();

        leader.onAppendEntriesResponse(2, term, false, 2, 2, 1);
        leader.replicate();
        assertEquals(List.of("append to 2 after 4/2 with 4"), sentTo(2), "its entries of term 2 end at 4");

        leader.onAppendEntriesResponse(3, term, false, 4, 3, 1);
        leader.replicate();
        assertEquals(List.of("append to 3 after 4/2 with 4"), sentTo(3), "it has no term 3: past the hint");

        sent.clear();
        leader.onAppendEntriesResponse(2, term, false, 0, 1, 2);
        leader.replicate();
        assertEquals(List.of("append to 2 after 2/1 with 6"), sentTo(2), "its entries of term 1 end at 2");
    }

    private List<String> sentTo(final int id)
    {
        return appendsTo(sent, id);
    }

    /**
     * @return the AppendEntries among the messages recorded that went to this member.
     */
    static List<String> appendsTo(final List<String> sent, final int id)
    {
        final List<String> to = new ArrayList<>();
        for (final String message : sent)
        {
            if (message.startsWith("append to " + id + " "))
            {
                to.add(message);
            }
        }
        return to;
    }

    private String rejectionOf(final RaftNode follower, final long prevLogIndex, final long prevLogTerm)
    {
        sent.clear();
        follower.onAppendEntries(1, 5, prevLogIndex, prevLogTerm, 0, 1, new UnsafeBuffer(new byte[0]), 0, 0, 0, true);
        assertEquals(1, sent.size(), "one answer: " + sent);
        return sent.get(0);
    }

    private RaftNode electedLeader(final MemoryLog log, final long term)
    {
        final MemoryState state = new MemoryState();
        state.update(term, RaftNode.NO_MEMBER);
        final RaftNode raft = new RaftNode(1, new int[]{1, 2, 3}, log, state, new Recorder(), new Recorder(),
            new Random(1), ELECTION_NS, HEARTBEAT_NS, 4096, 4096, 0);
        raft.tick(2 * ELECTION_NS);
        raft.onRequestVoteResponse(2, term + 1, true, true);
        raft.onRequestVoteResponse(2, term + 1, true, false);
        assertTrue(raft.isLeader(), "elected by member 2's pre-vote and vote");
        return raft;
    }

    private static MemoryLog log(final long... terms)
    {
        final MemoryLog log = new MemoryLog();
        for (final long term : terms)
        {
            log.append(term, EntryFrame.TYPE_COMMAND, bytes("x"), 0, 1);
        }
        log.sync();
        return log;
    }

    private RaftNode node(
        final int id,
        final int[] members,
        final long electionNs,
        final long heartbeatNs,
        final int maxBatchBytes,
        final int maxInflightBytes)
    {
        return new RaftNode(id, members, new MemoryLog(), new MemoryState(), new Recorder(), new Recorder(),
            new Random(id), electionNs, heartbeatNs, maxBatchBytes, maxInflightBytes, 0);
    }

    private static DirectBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private final class Recorder implements RaftTransport, StateMachine
    {
        public boolean sendRequestVote(
            final int to, final long term, final long lastLogIndex, final long lastLogTerm, final boolean preVote,
            final boolean transfer)
        {
            return sent.add("vote request to " + to);
        }

        public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
        {
            return sent.add("vote to " + to);
        }

        public boolean sendTimeoutNow(final int to, final long term)
        {
            return sent.add("timeout now to " + to);
        }

        public boolean sendAppendEntries(
            final int to, final long term, final long prevLogIndex, final long prevLogTerm, final long leaderCommit,
            final long sequence, final DirectBuffer frames, final int offset, final int length, final int entryCount,
            final boolean awaited)
        {
            return sent.add("append to " + to + " after " + prevLogIndex + "/" + prevLogTerm + " with " + entryCount);
        }

        public boolean sendAppendEntriesResponse(
            final int to, final long term, final boolean success, final long lastLogIndex, final long conflictTerm,
            final long sequence)
        {
            return sent.add("append response to " + to + (success ? " matched " : " rejected, hint ") + lastLogIndex +
                " conflict term " + conflictTerm);
        }

        public void apply(
            final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
            final int length)
        {
            applied.add(index);
        }
    }
}

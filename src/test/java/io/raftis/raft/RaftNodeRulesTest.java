package io.raftis.raft;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of the core one message at a time, at their exact boundaries: when a timer fires, which vote is granted,
 * what a follower keeps, answers and commits, how a leader moves its next index, counts its in-flight batches, and
 * when a read or a lease is confirmed. The simulation shows that the rules hold together under faults; these tests pin
 * each rule where a change of one comparison or one sum would go unseen by a thousand random runs (mutation testing,
 * scripts/mutation.sh, found them).
 * <p>
 * The election timer is not randomized here: a member's election deadline is exactly one election timeout after it
 * last reset it.
 */
class RaftNodeRulesTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long T = 150 * MS;
    private static final long H = 40 * MS;
    private static final long LEASE = T * 950_000 / 1_050_000;
    private static final int[] THREE = {1, 2, 3};

    private final List<String> sent = new ArrayList<>();
    /** The peers the last AppendEntries to each said were awaited. */
    private final SortedSet<Integer> awaitedPeers = new TreeSet<>();
    private final List<String> applied = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    // -------------------------------------------------------------------------------------------------------------
    // Timers
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldWaitAWholeElectionTimeoutBeforeItsFirstPreVoteAndAnotherBeforeItsNext()
    {
        final RaftNode raft = node(1, THREE, new MemoryLog(), new MemoryState());
        assertEquals(T, raft.nextTimerNs(), "an idle member may sleep until its election deadline");
        assertEquals(0, raft.tick(T - 1), "a member that just started waits");
        assertTrue(sent.isEmpty(), sent::toString);
        assertTrue(raft.tick(T) > 0, "the deadline is due at exactly one election timeout");
        assertEquals(2 * T, raft.nextTimerNs(), "the pre-candidate's own timeout");
        assertEquals(List.of("pre-vote request to 2 term 1 last 0/0", "pre-vote request to 3 term 1 last 0/0"), sent);
        assertEquals(Role.PRE_CANDIDATE, raft.role());
        assertEquals(0, raft.term(), "a pre-vote changes no term");

        sent.clear();
        assertEquals(0, raft.tick(2 * T - 1), "a pre-vote that gets no answer waits its own timeout");
        assertTrue(sent.isEmpty(), sent::toString);
        assertTrue(raft.tick(2 * T) > 0);
        assertEquals(2, sent.size(), sent::toString);
    }

    @Test
    void shouldGiveTheCandidateAFreshElectionTimeoutWhenItsPreVoteWins()
    {
        final RaftNode raft = node(1, THREE, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.time(T + 10 * MS);
        sent.clear();
        raft.onRequestVoteResponse(2, 1, true, true);
        assertEquals(Role.CANDIDATE, raft.role());
        assertEquals(1, raft.term());
        assertEquals(1, raft.votedFor(), "its own vote, durable before it asks");
        assertEquals(List.of("vote request to 2 term 1 last 0/0", "vote request to 3 term 1 last 0/0"), sent);
        assertEquals(0, raft.tick(2 * T + 10 * MS - 1), "its timer restarted when it became candidate");
        assertTrue(raft.tick(2 * T + 10 * MS) > 0);
    }

    @Test
    void shouldHeartbeatWhenDueAndCheckItsQuorumEveryElectionTimeout()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long elected = T;
        raft.replicate();
        raft.flush();
        assertEquals(elected + H, raft.nextTimerNs(), "a leader sleeps until its next heartbeat");
        assertEquals(0, raft.tick(elected + 1), "no timer is due just after the election");
        assertEquals(0, raft.tick(elected + H - 1));
        assertTrue(raft.tick(elected + H) > 0, "the heartbeat is due at exactly one interval");
        raft.replicate();
        assertTrue(raft.tick(elected + 2 * H) > 0);
        raft.replicate();
        assertTrue(raft.tick(elected + 3 * H) > 0);
        raft.replicate();
        assertEquals(elected + T, raft.nextTimerNs(), "the quorum check comes before the fourth heartbeat");
        // 3H < T < 4H: at T only the quorum check is due; the followers' silence since the election is exactly T
        assertTrue(raft.tick(elected + T) > 0, "the quorum check is due at exactly one election timeout");
        assertTrue(raft.isLeader(), "followers last heard exactly an election timeout ago still count as live");
        assertEquals(0, raft.tick(elected + T + 1), "the next check is an election timeout later");
        raft.onAppendEntriesResponse(2, raft.term(), true, 1, 0, 1);
        raft.tick(elected + 2 * T);
        assertTrue(raft.isLeader(), "member 2 answered within the last election timeout: a majority with the leader");
        raft.tick(elected + 3 * T + 1);
        assertFalse(raft.isLeader(), "no answer for more than an election timeout: it steps down");
        assertEquals(elected + 4 * T + 1, raft.nextTimerNs(), "a follower's election deadline again");
        assertEquals(0, raft.tick(elected + 3 * T + 2), "and waits a whole election timeout as a follower");
        assertTrue(raft.tick(elected + 4 * T + 1) > 0);
    }

    @Test
    void shouldAbandonATransferAfterExactlyAnElectionTimeout()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        raft.time(T + 10 * MS);
        assertFalse(raft.isTransferringLeadership(), "a leader that is not handing over");
        assertTrue(raft.transferLeadership());
        assertTrue(raft.isTransferringLeadership());
        raft.replicate();
        raft.onAppendEntriesResponse(3, raft.term(), true, 0, 0, 1); // keeps it in office past its quorum check
        raft.tick(2 * T + 10 * MS - 1);
        assertTrue(raft.isTransferringLeadership(), "still handing over just before its deadline");
        raft.replicate();
        assertEquals(2 * T + 10 * MS, raft.nextTimerNs(), "the transfer's deadline is the next timer");
        assertTrue(raft.tick(2 * T + 10 * MS) > 0, "abandoning the transfer is work");
        assertFalse(raft.isTransferringLeadership(), "the target did not take over in time: lead on");
        assertTrue(raft.propose(bytes("SET k v"), 0, 7) > 0);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Votes
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldGrantAPreVoteOnlyForALaterTermAnUpToDateLogAndNoLiveLeader()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode voter = node(2, THREE, log(1, 1, 3), state);
        voter.time(T - 1);
        assertEquals("pre-vote to 1 term 5 refused", preVote(voter, 6, 3, 3), "it heard a leader (or started) lately");
        voter.time(T);
        assertEquals("pre-vote to 1 term 6 granted", preVote(voter, 6, 3, 3), "exactly an election timeout later");
        assertEquals("pre-vote to 1 term 5 refused", preVote(voter, 5, 3, 3), "not a later term");
        assertEquals("pre-vote to 1 term 5 refused", preVote(voter, 4, 3, 3));
        assertEquals("pre-vote to 1 term 5 refused", preVote(voter, 6, 2, 3), "a shorter log of the same last term");
        assertEquals("pre-vote to 1 term 5 refused", preVote(voter, 6, 9, 2), "a longer log of an earlier last term");
        assertEquals("pre-vote to 1 term 6 granted", preVote(voter, 6, 4, 3), "a longer log of the same last term");
        assertEquals("pre-vote to 1 term 6 granted", preVote(voter, 6, 1, 4), "a later last term");
        assertEquals(5, voter.term(), "a pre-vote changes neither term nor vote");
        assertEquals(RaftNode.NO_MEMBER, voter.votedFor());
    }

    @Test
    void shouldVoteOncePerTermForAnUpToDateCandidate()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode voter = node(2, THREE, log(1, 1, 3), state);
        voter.time(T);
        assertEquals("vote to 1 term 6 refused", vote(voter, 1, 6, 2, 3), "a shorter log of the same last term");
        assertEquals(6, voter.term(), "the later term is taken up even when the vote is refused");
        voter.time(T + 10 * MS);
        assertEquals("vote to 1 term 6 granted", vote(voter, 1, 6, 3, 3));
        assertEquals(1, voter.votedFor());
        assertEquals(0, voter.tick(2 * T + 10 * MS - 1), "a vote granted restarts the election timer");
        assertEquals("vote to 3 term 6 refused", vote(voter, 3, 6, 9, 6), "one vote per term");
        assertEquals("vote to 1 term 6 granted", vote(voter, 1, 6, 3, 3), "the same candidate asking again");

        voter.onAppendEntries(1, 6, 3, 3, 0, 1, empty(), 0, 0, 0, true);
        assertEquals(1, voter.leaderId());
        assertEquals(1, voter.votedFor(), "hearing the leader of the term it voted in keeps its vote");
    }

    @Test
    void shouldRefuseACandidateOfALaterTermWhileItHearsALeaderButNotOneOfItsOwnTerm()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode voter = node(2, THREE, log(1, 1, 3), state);
        voter.time(T);
        voter.onAppendEntries(1, 5, 3, 3, 0, 1, empty(), 0, 0, 0, true);
        assertEquals(1, voter.leaderId(), "a follower that never voted in term 5 learns its leader");
        assertEquals("vote to 3 term 5 refused", vote(voter, 3, 6, 3, 3), "the leader's stickiness guards a new term");
        assertEquals(5, voter.term());
        assertEquals("vote to 3 term 5 granted", vote(voter, 3, 5, 3, 3),
            "stickiness guards terms, not votes: a member that has not voted in its term may still grant it");
        assertEquals("vote to 3 term 6 granted", voteForTransfer(voter, 3, 6, 3, 3), "a transfer the leader asked for");
    }

    @Test
    void shouldCountVotesOfItsOwnElectionAndForgetPreVotesOfAnEarlierRound()
    {
        final int[] five = {1, 2, 3, 4, 5};
        final RaftNode raft = node(1, five, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.onRequestVoteResponse(2, 1, true, true);
        raft.onRequestVoteResponse(3, 2, true, true);
        assertEquals(Role.PRE_CANDIDATE, raft.role(), "a pre-vote granted for another term does not count");
        raft.tick(2 * T);
        raft.onRequestVoteResponse(3, 1, true, true);
        assertEquals(Role.PRE_CANDIDATE, raft.role(), "member 2's grant belonged to the last round");
        raft.onRequestVoteResponse(4, 1, true, true);
        assertEquals(Role.CANDIDATE, raft.role(), "three of five, counting its own");

        raft.onRequestVoteResponse(2, 1, true, false);
        raft.onRequestVoteResponse(2, 1, true, false);
        assertEquals(Role.CANDIDATE, raft.role(), "one member's vote counts once");
        raft.onRequestVoteResponse(3, 1, false, false);
        assertEquals(Role.CANDIDATE, raft.role(), "a refusal is no vote");
        raft.onRequestVoteResponse(4, 1, true, false);
        assertTrue(raft.isLeader());
    }

    @Test
    void shouldStepDownWhenAVoterAnswersWithALaterTerm()
    {
        final RaftNode candidate = node(1, THREE, new MemoryLog(), new MemoryState());
        candidate.tick(T);
        candidate.onRequestVoteResponse(2, 1, true, true);
        assertEquals(Role.CANDIDATE, candidate.role());
        candidate.onRequestVoteResponse(3, 4, false, false);
        assertEquals(Role.FOLLOWER, candidate.role());
        assertEquals(4, candidate.term());
        candidate.onRequestVoteResponse(2, 4, true, false);
        assertEquals(Role.FOLLOWER, candidate.role(), "a follower counts no votes");

        final RaftNode preCandidate = node(1, THREE, new MemoryLog(), new MemoryState());
        preCandidate.tick(T);
        preCandidate.onRequestVoteResponse(3, 7, false, true);
        assertEquals(Role.FOLLOWER, preCandidate.role(), "a refused pre-vote from a later term");
        assertEquals(7, preCandidate.term());
        assertEquals(0, preCandidate.tick(T + 1), "and it waits a new election timeout");
    }

    // -------------------------------------------------------------------------------------------------------------
    // A follower's side of AppendEntries
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldFollowTheLeaderOfALaterTermEvenWhenItIsTheSameMember()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode follower = node(2, THREE, log(1, 1, 3), state);
        follower.onAppendEntries(1, 5, 3, 3, 0, 1, empty(), 0, 0, 0, true);
        assertEquals(1, follower.leaderId());
        follower.onAppendEntries(1, 6, 3, 3, 0, 1, empty(), 0, 0, 0, true);
        assertEquals(6, follower.term(), "member 1 leads again, in term 6");
        assertEquals(1, follower.leaderId());
    }

    @Test
    void shouldNotStartAnElectionWhileHeartbeatsArrive()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode follower = node(2, THREE, log(1), state);
        for (long now = H; now <= 4 * T; now += H)
        {
            follower.time(now);
            follower.onAppendEntries(1, 5, 1, 1, 0, now, empty(), 0, 0, 0, true);
            follower.flush();
            assertEquals(0, follower.tick(now + H - 1), "at " + now);
        }
        assertFalse(sent.stream().anyMatch(m -> m.contains("vote")), sent::toString);
    }

    @Test
    void shouldDropARunOfFramesThatFailsValidation()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1);
        final RaftNode follower = node(2, THREE, log, state);

        final ExpandableArrayBuffer good = frames(5, 5);
        follower.onAppendEntries(1, 5, 1, 1, 0, 1, good, 0, length(good, 2), 3, true);
        assertEquals(1, log.lastIndex(), "two frames, three declared");

        final ExpandableArrayBuffer descending = frames(5, 4);
        follower.onAppendEntries(1, 5, 1, 1, 0, 2, descending, 0, length(descending, 2), 2, true);
        assertEquals(1, log.lastIndex(), "terms that go down along the run");

        final ExpandableArrayBuffer corrupt = frames(5, 5);
        corrupt.putByte(length(corrupt, 1) + EntryFrame.HEADER_LENGTH, (byte)'?');
        follower.onAppendEntries(1, 5, 1, 1, 0, 3, corrupt, 0, length(corrupt, 2), 2, true);
        assertEquals(1, log.lastIndex(), "a checksum that does not match");

        follower.onAppendEntries(1, 5, 1, 1, 0, 4, good, 0, length(good, 2) - 8, 2, true);
        assertEquals(1, log.lastIndex(), "a frame cut short");
        assertEquals(0, follower.flush(), "nothing appended, nothing to answer");
        assertTrue(sent.isEmpty(), sent::toString);

        follower.onAppendEntries(1, 5, 1, 1, 0, 5, good, 0, length(good, 2), 2, true);
        assertEquals(3, log.lastIndex(), "the same run, whole");
    }

    @Test
    void shouldRejectEntriesWhoseFirstDoesNotFollowAMatchingEntry()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 1, 2);
        final RaftNode follower = node(2, THREE, log, state);
        final ExpandableArrayBuffer run = frames(5);
        follower.onAppendEntries(1, 5, 3, 3, 0, 1, run, 0, length(run, 1), 1, true);
        assertEquals(3, log.lastIndex(), "entry 3 has term 2, not 3");
        assertEquals(List.of("append response to 1 term 5 rejected, hint 2 conflict term 2 seq 1"), sent);
        assertEquals(2, log.termAt(3));
    }

    @Test
    void shouldKeepWhatMatchesAndReplaceOnlyAConflictingSuffix()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 1, 1, 1);
        final RaftNode follower = node(2, THREE, log, state);

        final ExpandableArrayBuffer again = frames(1, 1);
        follower.onAppendEntries(1, 5, 1, 1, 0, 1, again, 0, length(again, 2), 2, true);
        assertEquals(4, log.lastIndex(), "entries 2 and 3 it holds already: the suffix after them stays");
        assertEquals(Long.MAX_VALUE, log.takeChangedFrom(), "nothing written");
        follower.flush();
        assertEquals(List.of("append response to 1 term 5 matched 3 seq 1"), sent, "only what the message proves");

        final ExpandableArrayBuffer longer = frames(1, 1);
        follower.onAppendEntries(1, 5, 3, 1, 0, 2, longer, 0, length(longer, 2), 2, true);
        assertEquals(5, log.lastIndex(), "entry 4 is held, entry 5 is new");
        assertEquals(5, log.takeChangedFrom(), "only entry 5 written");

        final ExpandableArrayBuffer conflict = frames(2, 2);
        follower.onAppendEntries(1, 5, 2, 1, 0, 3, conflict, 0, length(conflict, 2), 2, true);
        assertEquals(4, log.lastIndex(), "entries 3 to 5 replaced by the leader's 3 and 4");
        assertEquals(3, log.takeChangedFrom());
        assertEquals(List.of(1L, 1L, 2L, 2L), terms(log));
        sent.clear();
        follower.flush();
        assertEquals(List.of("append response to 1 term 5 matched 4 seq 3"), sent);
    }

    @Test
    void shouldNeverReplaceACommittedEntry()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 1, 1);
        final RaftNode follower = node(2, THREE, log, state);
        follower.onAppendEntries(1, 5, 3, 1, 3, 1, empty(), 0, 0, 0, true);
        assertEquals(3, follower.commitIndex());
        final ExpandableArrayBuffer conflict = frames(5);
        assertThrows(IllegalStateException.class,
            () -> follower.onAppendEntries(1, 5, 2, 1, 3, 2, conflict, 0, length(conflict, 1), 1, true));
        assertEquals(List.of(1L, 1L, 1L), terms(log));
    }

    @Test
    void shouldCommitWhatTheLeaderCommittedAsFarAsTheMessageProvesAMatch()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 1, 1, 1, 1);
        final RaftNode follower = node(2, THREE, log, state);
        follower.onAppendEntries(1, 5, 2, 1, 4, 1, empty(), 0, 0, 0, true);
        assertEquals(2, follower.commitIndex(), "a heartbeat proves entries 1 and 2 only");
        follower.flush();
        assertEquals(List.of("1:1:1", "2:1:1"), applied, "only committed entries are applied");
        follower.onAppendEntries(1, 5, 3, 1, 3, 2, empty(), 0, 0, 0, true);
        assertEquals(3, follower.commitIndex(), "a heartbeat alone moves the commit index");
        final ExpandableArrayBuffer run = frames(5);
        follower.onAppendEntries(1, 5, 5, 1, 6, 3, run, 0, length(run, 1), 1, true);
        assertEquals(6, follower.commitIndex(), "so does a message with entries, at once");
        follower.onAppendEntries(1, 5, 2, 1, 1, 4, empty(), 0, 0, 0, true);
        assertEquals(6, follower.commitIndex(), "a late message never moves it back");
        follower.flush();
        assertEquals(List.of("1:1:1", "2:1:1", "3:1:1", "4:1:1", "5:1:1", "6:5:1"), applied);
    }

    @Test
    void shouldAnswerAllMessagesOfAPassOnceWithTheBestMatchAndSequence()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 1, 1, 1, 1);
        final RaftNode follower = node(2, THREE, log, state);
        follower.onAppendEntries(1, 5, 5, 1, 0, 7, empty(), 0, 0, 0, true);
        follower.onAppendEntries(1, 5, 3, 1, 0, 6, empty(), 0, 0, 0, true);
        assertTrue(follower.flush() > 0, "the answer is work");
        assertEquals(List.of("append response to 1 term 5 matched 5 seq 7"), sent, "a late message lowers nothing");
        assertEquals(0, follower.flush(), "answered once");
        assertEquals(1, sent.size());

        sent.clear();
        final ExpandableArrayBuffer run = frames(5);
        follower.onAppendEntries(1, 5, 5, 1, 0, 8, run, 0, length(run, 1), 1, true);
        assertTrue(follower.flush() > 0, "a sync and an answer, nothing to apply");
        assertEquals(List.of("append response to 1 term 5 matched 6 seq 8"), sent);
    }

    // -------------------------------------------------------------------------------------------------------------
    // A leader's side of AppendEntries
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldStartEachFollowerRightAfterItsOwnLastEntry()
    {
        final RaftNode raft = leader(log(1, 1, 1), 1);
        assertTrue(raft.replicate() > 0);
        assertEquals(List.of("append to 2 after 3/1 with 1 commit 0 seq 1", "append to 3 after 3/1 with 1 commit 0 seq 1"),
            sent, "the new leader's no-op");
        assertEquals(0, raft.matchIndexOf(2));
        assertEquals(0, raft.matchIndexOf(3));
        assertEquals(-1, raft.matchIndexOf(4), "4 is no member");
        raft.onAppendEntriesResponse(4, raft.term(), true, 4, 0, 1);
        raft.onAppendEntriesResponse(2, raft.term(), true, 4, 0, 1);
        assertEquals(4, raft.matchIndexOf(2), "the first peer");
        raft.onAppendEntriesResponse(3, raft.term(), true, 3, 0, 1);
        assertEquals(3, raft.matchIndexOf(3), "the last peer");
    }

    @Test
    void shouldMoveNextIndexPastWhatAFollowerIsKnownToHold()
    {
        final RaftNode raft = leader(log(1, 1, 1, 1, 1), 1);
        final long term = raft.term();
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, false, 2, 0, 1);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 2/1 with 4 commit 0 seq 2"), sentTo(2), "back to the hint");

        raft.onAppendEntriesResponse(2, term, true, 3, 0, 1);
        raft.onAppendEntriesResponse(2, term, false, 0, 0, 2);
        sent.clear();
        raft.tick(T + H);
        raft.replicate();
        assertEquals(List.of("append to 2 after 3/1 with 3 commit 0 seq 3"), sentTo(2),
            "a late rejection never backs off below what the follower is known to hold");

        raft.onAppendEntriesResponse(2, term, false, 9, 0, 3);
        sent.clear();
        raft.tick(T + 2 * H);
        raft.replicate();
        assertEquals(List.of("append to 2 after 5/1 with 1 commit 0 seq 4"), sentTo(2),
            "a hint beyond what was sent backs off by one entry, never forward");
    }

    @Test
    void shouldResumeAfterAFollowersMatchWhenTheMatchReachesItsNextIndex()
    {
        final RaftNode raft = leader(log(1, 1, 1, 1, 1), 1);
        final long term = raft.term();
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, false, 2, 0, 1);
        raft.onAppendEntriesResponse(2, term, true, 3, 0, 1);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 3/1 with 3 commit 0 seq 2"), sentTo(2));
    }

    @Test
    void shouldProbeASilentFollowerAgainFromItsMatchAfterAnElectionTimeout()
    {
        final RaftNode raft = leader(log(1, 1, 1), 1);
        final long term = raft.term();
        final long elected = T;
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, true, 2, 0, 1);
        raft.onAppendEntriesResponse(3, term, true, 4, 0, 1);
        raft.propose(bytes("SET k v"), 0, 7);
        raft.time(elected + RaftNode.LAZY_SEND_NS); // member 2, not awaited, gathers entries for this long
        raft.replicate(); // entries 3 to 5 to member 2, 5 to member 3
        assertEquals(2, raft.matchIndexOf(2));
        sent.clear();
        raft.tick(elected + T);
        raft.replicate();
        assertEquals(List.of("append to 2 after 5/2 with 0 commit 0 seq 3"), sentTo(2),
            "silent for exactly an election timeout: a heartbeat, no probe yet");
        sent.clear();
        raft.tick(elected + T + 1);
        raft.time(elected + T + H);
        raft.tick(elected + T + H);
        raft.replicate();
        assertEquals(List.of("append to 2 after 2/1 with 3 commit 0 seq 4"), sentTo(2),
            "silent for longer: what was in flight may be lost, send again from its match");
    }

    @Test
    void shouldSendAtMostFourBatchesAPassAndKeepAtMostSixtyFourInFlight()
    {
        final RaftNode raft = leader(new MemoryLog(), 0, EntryFrame.alignedLength(1), 1 << 20);
        final long term = raft.term();
        for (int i = 0; i < 300; i++)
        {
            raft.propose(bytes("x"), 0, 1);
        }
        int passes = 0;
        int batches;
        do
        {
            sent.clear();
            raft.replicate();
            batches = sentTo(2).size();
            assertTrue(batches <= 4, "pass " + passes + ": " + sent);
            passes++;
        }
        while (batches == 4);
        assertEquals(17, passes, "16 passes of 4 batches fill the 64 slots in flight; the 17th sends nothing");
        assertEquals(EntryFrame.alignedLength(0) + 63L * EntryFrame.alignedLength(1), raft.inflightBytesOf(2),
            "the no-op and 63 commands");
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 1);
        assertEquals(63L * EntryFrame.alignedLength(1), raft.inflightBytesOf(2), "the no-op acknowledged");
        sent.clear();
        raft.replicate();
        assertEquals(1, sentTo(2).size(), "one slot free, one batch");
    }

    @Test
    void shouldSendNoMoreThanTheInFlightBoundToASlowFollower()
    {
        final int frame = EntryFrame.alignedLength(1);
        final RaftNode raft = leader(new MemoryLog(), 0, 2 * frame, 5 * frame);
        final long term = raft.term();
        for (int i = 0; i < 20; i++)
        {
            raft.propose(bytes("x"), 0, 1);
        }
        raft.replicate();
        assertEquals(List.of("append to 2 after 0/0 with 2 commit 0 seq 1", "append to 2 after 2/1 with 2 commit 0 seq 1",
            "append to 2 after 4/1 with 1 commit 0 seq 1"), sentTo(2), "two batches of two and one of one: the bound");
        assertEquals(EntryFrame.alignedLength(0) + 4L * frame, raft.inflightBytesOf(2), "the no-op is shorter");
        raft.onAppendEntriesResponse(2, term, true, 2, 0, 1);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 5/1 with 2 commit 0 seq 2"), sentTo(2), "room for exactly two");
        assertEquals(5L * frame, raft.inflightBytesOf(2));
    }

    /**
     * A follower that the in-flight bound holds back is awaited on the message that fills its window, so that it
     * syncs and answers at once and the leader can send it more; otherwise a follower not awaited would take a
     * window every LAZY_SYNC_NS and fall ever further behind.
     */
    @Test
    void shouldAwaitAFollowerWhoseWindowTheMessageFills()
    {
        final int frame = EntryFrame.alignedLength(1);
        final RaftNode raft = leader(new MemoryLog(), 0, 2 * frame, 5 * frame);
        raft.replicate();
        raft.onAppendEntriesResponse(2, raft.term(), true, 1, 0, 1);
        raft.onAppendEntriesResponse(3, raft.term(), true, 1, 0, 1);
        raft.replicate();
        assertEquals(Set.of(2), awaitedPeers, "one follower awaited: with the leader a quorum of three");

        for (int i = 0; i < 20; i++)
        {
            raft.propose(bytes("x"), 0, 1);
        }
        raft.time(T + RaftNode.LAZY_SEND_NS); // what member 3, not awaited, gathered goes now
        raft.replicate();
        assertEquals(Set.of(2, 3), awaitedPeers, "member 3's window is full: its answer is awaited too");
    }

    @Test
    void shouldProbeALaggingFollowerOneMessageAtATime()
    {
        final int frame = EntryFrame.alignedLength(1);
        final RaftNode raft = leader(log(1, 1, 1, 1, 1, 1), 1, 2 * frame, 64 * frame);
        final long term = raft.term();
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, false, 2, 0, 1);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 2/1 with 2 commit 0 seq 2"), sentTo(2), "one probe");
        assertEquals(2L * frame, raft.inflightBytesOf(2));
        sent.clear();
        raft.replicate();
        assertTrue(sentTo(2).isEmpty(), "the probe is still outstanding: " + sent);
        raft.onAppendEntriesResponse(2, term, true, 4, 0, 2);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 4/1 with 2 commit 0 seq 3", "append to 2 after 6/1 with 1 commit 0 seq 3"),
            sentTo(2), "matched: no longer probing, as many batches as fit");
    }

    @Test
    void shouldConfirmAReadOnceAMajorityAnsweredItsRound()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long term = raft.term();
        raft.replicate();
        raft.flush();
        final long read = raft.requestReadBarrier();
        assertEquals(2, read, "after the election's round 1");
        assertFalse(raft.isReadConfirmed(read));
        sent.clear();
        raft.replicate();
        assertEquals(List.of(), sent, "round 1 is unanswered: the read's round waits, for reads to share it");
        raft.onAppendEntriesResponse(3, term, true, 1, 0, read - 1);
        assertFalse(raft.isReadConfirmed(read), "an answer to an earlier round");
        raft.replicate();
        assertEquals(List.of("append to 2 after 1/1 with 0 commit 0 seq 2", "append to 3 after 1/1 with 0 commit 0 seq 2"),
            sent, "round 1 answered by a majority: round 2 goes, to the follower awaited and to member 2, which has " +
            "not acknowledged the leader's log");
        raft.onAppendEntriesResponse(3, term, true, 1, 0, read);
        assertTrue(raft.isReadConfirmed(read), "member 3 and the leader");

        final long next = raft.requestReadBarrier();
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, true, 1, 0, next);
        assertTrue(raft.isReadConfirmed(next), "member 2 and the leader");
        assertFalse(raft.isReadConfirmed(next + 1));
        raft.onAppendEntriesResponse(3, term, true, 1, 0, next - 1);
        assertTrue(raft.isReadConfirmed(next), "a late answer takes nothing back");
    }

    @Test
    void shouldHoldALeaseForTheCutElectionTimeoutFromTheSendTimeOfTheAnsweredRound()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long term = raft.term();
        final long sentAt = T + 10 * MS;
        raft.time(sentAt);
        raft.replicate();
        raft.flush();
        assertFalse(raft.hasLease(), "no answer yet");
        raft.time(sentAt + 5 * MS);
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 1);
        assertFalse(raft.hasLease(), "not before its no-op commits");
        assertTrue(raft.flush() > 0, "the no-op commits and is applied, with nothing to sync");
        assertTrue(raft.hasLease(), "member 2 answered round 1, sent at " + sentAt);
        raft.time(sentAt + LEASE - 1);
        assertTrue(raft.hasLease());
        raft.time(sentAt + LEASE);
        assertFalse(raft.hasLease(), "the lease runs from the send time, not the answer's arrival");

        raft.time(sentAt + LEASE + MS);
        raft.tick(sentAt + LEASE + MS);
        raft.replicate();
        raft.onAppendEntriesResponse(3, term, true, 1, 0, 2);
        assertTrue(raft.hasLease(), "member 3, the last peer, answered round 2");
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 1);
        assertTrue(raft.hasLease(), "a duplicate of an older answer takes nothing back");
    }

    @Test
    void shouldNotExtendALeaseWithAnAnswerOlderThanTheSendTimesItRemembers()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long term = raft.term();
        long now = T;
        raft.replicate();
        raft.flush();
        for (int round = 2; round <= 1025; round++)
        {
            now += H;
            raft.tick(now);
            raft.replicate();
            raft.onAppendEntriesResponse(3, term, true, 1, 0, round); // member 3 keeps the leader in office
            raft.flush();
        }
        now += T - 5 * MS; // longer than a lease, short of the quorum check's limit
        raft.time(now);
        raft.tick(now);
        raft.replicate(); // round 1026, sent now; member 3 does not answer it
        raft.time(now + 1);
        assertFalse(raft.hasLease(), "member 3 answered round 1025, longer than a lease ago");
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 2);
        assertFalse(raft.hasLease(), "round 2's send time is no longer remembered; its slot holds round 1026's");
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 1026);
        assertTrue(raft.hasLease(), "an answer to round 1026 itself");
    }

    @Test
    void shouldHandLeadershipToTheMostUpToDateFollowerOnceItIsCaughtUp()
    {
        final RaftNode raft = leader(log(1, 1, 1), 1);
        final long term = raft.term();
        raft.replicate();
        raft.flush();
        raft.onAppendEntriesResponse(2, term, true, 3, 0, 1);
        raft.onAppendEntriesResponse(3, term, true, 4, 0, 1);
        raft.flush();
        assertEquals(4, raft.commitIndex());
        raft.propose(bytes("SET k v"), 0, 7);
        assertTrue(raft.transferLeadership());
        assertEquals(-1, raft.propose(bytes("SET k w"), 0, 7), "no proposals while handing over");
        sent.clear();
        raft.replicate();
        raft.flush();
        assertFalse(sent.stream().anyMatch(m -> m.startsWith("timeout now")), "member 3 lacks entry 5: " + sent);
        raft.onAppendEntriesResponse(3, term, true, 5, 0, 2);
        sent.clear();
        raft.replicate();
        assertFalse(sent.stream().anyMatch(m -> m.startsWith("timeout now")), "entry 5 is not committed yet: " + sent);
        raft.flush();
        assertEquals(5, raft.commitIndex());
        sent.clear();
        raft.replicate();
        assertTrue(sent.contains("timeout now to 3 term " + term), "member 3 held the most: " + sent);
        sent.clear();
        raft.tick(T + H);
        raft.replicate();
        assertFalse(sent.stream().anyMatch(m -> m.startsWith("timeout now")), "sent once: " + sent);
    }

    @Test
    void shouldHandLeadershipToTheLowestIdAmongEquallyUpToDateFollowers()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long term = raft.term();
        raft.replicate();
        raft.onAppendEntriesResponse(2, term, true, 1, 0, 1);
        raft.onAppendEntriesResponse(3, term, true, 1, 0, 1);
        raft.flush();
        assertTrue(raft.transferLeadership());
        sent.clear();
        raft.replicate();
        assertTrue(sent.contains("timeout now to 2 term " + term), "a choice that a replay makes again: " + sent);
    }

    @Test
    void shouldStartAFreshViewOfItsFollowersInEachTermItLeads()
    {
        final MemoryLog log = new MemoryLog();
        final RaftNode raft = leader(log, 0);
        final long term = raft.term();
        raft.replicate();
        assertTrue(raft.inflightBytesOf(2) > 0, "the no-op in flight");
        raft.onAppendEntriesResponse(2, term + 1, false, 0, 0, 1);
        assertFalse(raft.isLeader());
        assertEquals(0, raft.tick(T + 1), "a deposed leader waits a whole election timeout");
        raft.tick(2 * T);
        raft.onRequestVoteResponse(3, term + 2, true, true);
        raft.onRequestVoteResponse(3, term + 2, true, false);
        assertTrue(raft.isLeader());
        assertEquals(0, raft.inflightBytesOf(2), "nothing in flight from the last term");
        assertEquals(0, raft.matchIndexOf(2));
    }

    // -------------------------------------------------------------------------------------------------------------
    // Commit and apply
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldApplyAtMostAThousandAndTwentyFourEntriesAPass()
    {
        // batches large enough that the bound on bytes does not come first
        final RaftNode raft = new RaftNode(1, new int[]{1}, new MemoryLog(), new MemoryState(), new Recorder(),
            new Recorder(), new FixedRandom(), T, H, 64 * 1024, 256 * 1024, 0);
        raft.tick(T);
        raft.flush();
        for (int i = 0; i < 1100; i++)
        {
            raft.propose(bytes("x"), 0, 1);
        }
        assertTrue(raft.flush() > 0);
        assertEquals(1101, raft.commitIndex());
        assertEquals(1025, raft.lastApplied(), "a long catch-up does not take the whole pass");
        assertTrue(raft.flush() > 0, "applying the rest is work");
        assertEquals(1101, raft.lastApplied());
        assertEquals(0, raft.flush());
    }

    @Test
    void shouldApplyAtMostFourBatchesOfBytesAPass()
    {
        // batches of 4096 bytes: entries of 1000 bytes come four to a run, and 16 of them make four batches
        final RaftNode raft = node(1, new int[]{1}, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.flush();
        final byte[] large = new byte[1000];
        for (int i = 0; i < 40; i++)
        {
            raft.propose(new UnsafeBuffer(large), 0, large.length);
        }
        assertTrue(raft.flush() > 0);
        assertEquals(41, raft.commitIndex());
        // frames of 24 + 1000 bytes, four to a 4096-byte run: four runs are exactly the bound, and then it stops
        assertEquals(1 + 16, raft.lastApplied(), "four batches of a backlog of large entries go in one pass");
        while (raft.lastApplied() < 41)
        {
            assertTrue(raft.flush() > 0);
        }
    }

    @Test
    void shouldApplyOnlyTheFramesOfEachRunItReads()
    {
        final MemoryLog log = new MemoryLog();
        final RaftNode raft = node(1, new int[]{1}, new RunPerEntryLog(log), new MemoryState());
        raft.tick(T);
        raft.flush();
        raft.propose(bytes("a"), 0, 1);
        raft.propose(bytes("b"), 0, 1);
        raft.flush();
        assertEquals(List.of("1:1:0", "2:1:1", "3:1:1"), applied);
    }

    @Test
    void shouldFailWhenACommittedEntryIsMissing()
    {
        final MemoryLog log = new MemoryLog();
        final RunPerEntryLog lossy = new RunPerEntryLog(log);
        final RaftNode raft = node(1, new int[]{1}, lossy, new MemoryState());
        raft.tick(T);
        raft.flush();
        raft.propose(bytes("a"), 0, 1);
        lossy.missing = 2;
        final IllegalStateException e = assertThrows(IllegalStateException.class, raft::flush);
        assertTrue(e.getMessage().contains("committed entry 2 "), e.getMessage());
    }

    @Test
    void shouldTakeTheValueThatAQuorumReaches()
    {
        assertEquals(5, RaftNode.quorumValue(new long[]{5, 7, 3}, 3, 2));
        assertEquals(5, RaftNode.quorumValue(new long[]{3, 5, 7}, 3, 2));
        assertEquals(5, RaftNode.quorumValue(new long[]{7, 3, 5}, 3, 2));
        assertEquals(4, RaftNode.quorumValue(new long[]{1, 9, 4, 4, 2}, 5, 3));
        assertEquals(1, RaftNode.quorumValue(new long[]{1, 9, 4, 4, 2}, 5, 5));
        assertEquals(9, RaftNode.quorumValue(new long[]{1, 9, 4, 4, 2}, 5, 1));
        assertEquals(3, RaftNode.quorumValue(new long[]{2, 3, 8, 0}, 3, 2), "only the first count values");
    }

    @Test
    void shouldIgnoreAMemberIdJustPastTheLargest()
    {
        final RaftNode raft = leader(new MemoryLog(), 0);
        final long term = raft.term();
        raft.onAppendEntriesResponse(4, term, true, 1, 0, 1);
        raft.onRequestVoteResponse(4, term, true, false);
        raft.onRequestVote(4, term + 1, 9, term, false, true);
        raft.onAppendEntries(4, term + 1, 0, 0, 0, 1, empty(), 0, 0, 0, true);
        assertTrue(raft.isLeader());
        assertEquals(term, raft.term());
    }

    @Test
    void shouldRandomizeTheElectionDeadlineWithinASecondElectionTimeout()
    {
        final RaftNode raft = new RaftNode(1, THREE, new MemoryLog(), new MemoryState(), new Recorder(), new Recorder(),
            new Random()
            {
                public double nextDouble()
                {
                    return 0.5;
                }
            }, T, H, 4096, 4096, 0);
        assertEquals(0, raft.tick(T + T / 2 - 1));
        assertTrue(raft.tick(T + T / 2) > 0, "half of the random range past one election timeout");
    }

    @Test
    void shouldTellTheStateMachineOfEachChangeOfRole()
    {
        final RaftNode raft = node(1, THREE, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.onRequestVoteResponse(2, 1, true, true);
        raft.onRequestVoteResponse(2, 1, true, false);
        raft.onAppendEntriesResponse(3, 2, false, 0, 0, 1);
        raft.onAppendEntries(3, 2, 0, 0, 0, 1, empty(), 0, 0, 0, true);
        assertEquals(List.of("PRE_CANDIDATE in 0 led by 0", "CANDIDATE in 1 led by 0", "LEADER in 1 led by 1",
            "FOLLOWER in 2 led by 0", "FOLLOWER in 2 led by 3"), roles);
    }

    @Test
    void shouldStayCandidateAndRefuseAnotherCandidateOfItsOwnTerm()
    {
        final RaftNode raft = node(1, THREE, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.onRequestVoteResponse(2, 1, true, true);
        assertEquals(Role.CANDIDATE, raft.role());
        sent.clear();
        raft.onRequestVote(3, 1, 0, 0, false, false);
        assertEquals(List.of("vote to 3 term 1 refused"), sent, "it voted for itself");
        assertEquals(Role.CANDIDATE, raft.role());
        raft.onRequestVoteResponse(2, 1, true, false);
        assertTrue(raft.isLeader());
    }

    @Test
    void shouldKeepAskingAfterAPreVoteRefusedInItsOwnTerm()
    {
        final RaftNode raft = node(1, THREE, new MemoryLog(), new MemoryState());
        raft.tick(T);
        raft.onRequestVoteResponse(3, 0, false, true);
        assertEquals(Role.PRE_CANDIDATE, raft.role(), "member 3 is in term 0 too, and heard a leader lately");
        raft.onRequestVoteResponse(2, 1, true, true);
        assertEquals(Role.CANDIDATE, raft.role());
    }

    @Test
    void shouldSendAnEntryLargerThanTheInFlightBoundAlone()
    {
        final int frame = EntryFrame.alignedLength(1);
        final RaftNode raft = leader(new MemoryLog(), 0, 2 * frame, 2 * frame);
        raft.replicate();
        raft.onAppendEntriesResponse(2, raft.term(), true, 1, 0, 1);
        raft.propose(new UnsafeBuffer(new byte[3 * frame]), 0, 3 * frame);
        sent.clear();
        raft.replicate();
        assertEquals(List.of("append to 2 after 1/1 with 1 commit 0 seq 2"), sentTo(2),
            "nothing else in flight: the log never wedges on one large entry");
    }

    @Test
    void shouldSearchItsOwnEntriesOfTheConflictingTermOnlyUpToWhatItSent()
    {
        final RaftNode leader = leader(log(1, 1, 2, 2), 2);
        final long term = leader.term();
        leader.replicate();
        leader.onAppendEntriesResponse(2, term, false, 2, 2, 1);
        sent.clear();
        leader.replicate();
        assertEquals(List.of("append to 2 after 4/2 with 1 commit 0 seq 2"), sentTo(2), "its entries of term 2 end at 4");
    }

    @Test
    void shouldSkipOverTheFollowersConflictingTermWhenTheKnownMatchIsOfThatTerm()
    {
        final RaftNode leader = leader(log(1, 2, 2, 2, 3), 3);
        final long term = leader.term();
        leader.replicate();
        leader.onAppendEntriesResponse(2, term, true, 2, 0, 1);
        leader.onAppendEntriesResponse(2, term, false, 1, 2, 1);
        sent.clear();
        leader.replicate();
        assertEquals(List.of("append to 2 after 4/2 with 2 commit 0 seq 2"), sentTo(2),
            "its entries of term 2 run from the known match to 4");
    }

    @Test
    void shouldBackOffFurtherWhileProbing()
    {
        final RaftNode leader = leader(log(1, 1, 1, 1, 1, 1), 1);
        final long term = leader.term();
        leader.replicate();
        leader.onAppendEntriesResponse(2, term, false, 4, 0, 1);
        sent.clear();
        leader.replicate();
        assertEquals(List.of("append to 2 after 4/1 with 3 commit 0 seq 2"), sentTo(2));
        leader.onAppendEntriesResponse(2, term, false, 1, 0, 2);
        sent.clear();
        leader.replicate();
        assertEquals(List.of("append to 2 after 1/1 with 6 commit 0 seq 3"), sentTo(2), "the probe was rejected too");
    }

    /**
     * The answer to an older term's AppendEntries goes to its sender, which may lead the current term by now, with
     * its round numbers started afresh: echoing the old round would confirm one of its new rounds that this member
     * never saw (a read served on a leadership a majority has left). The simulation found this once a leader dropped
     * answers to rounds it had not sent.
     */
    @Test
    void shouldAnswerAnOlderTermsAppendEntriesAcknowledgingNoRound()
    {
        final MemoryState state = new MemoryState();
        state.update(5, RaftNode.NO_MEMBER);
        final RaftNode follower = node(2, THREE, log(1, 1, 3), state);
        follower.onAppendEntries(1, 4, 3, 3, 0, 118, empty(), 0, 0, 0, true);
        assertEquals(List.of("append response to 1 term 5 rejected, hint 3 conflict term 0 seq 0"), sent);
    }

    @Test
    void shouldNotCarryAnAnswerOwedToAnOlderTermIntoTheNextOne()
    {
        final MemoryState state = new MemoryState();
        state.update(4, RaftNode.NO_MEMBER);
        final RaftNode follower = node(2, THREE, log(1, 1, 3), state);
        follower.onAppendEntries(1, 4, 3, 3, 0, 118, empty(), 0, 0, 0, true); // owed an answer: round 118 of term 4
        follower.onAppendEntries(1, 5, 2, 1, 0, 1, empty(), 0, 0, 0, true); // member 1 leads term 5, its round 1
        follower.flush();
        assertEquals(List.of("append response to 1 term 5 matched 2 seq 1"), sent);
    }

    // -------------------------------------------------------------------------------------------------------------
    // A full disk
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseAWriteItsLogCannotTakeAndHandLeadershipOver()
    {
        final MemoryLog log = new MemoryLog();
        final RaftNode leader = leader(log, 0);
        leader.replicate();
        leader.flush();
        leader.onAppendEntriesResponse(3, leader.term(), true, 1, 0, 1);
        leader.flush();
        log.refuseAppends = true;

        assertEquals(RaftNode.APPEND_REFUSED, leader.propose(bytes("SET k v"), 0, 7));

        assertEquals(1, log.lastIndex(), "nothing appended");
        assertEquals(1, leader.appendsRefused());
        assertEquals("No space left on device", leader.lastAppendRefusal());
        assertTrue(leader.isTransferringLeadership(), "to a member whose disk may have room");
        sent.clear();
        leader.replicate();
        assertTrue(sent.contains("timeout now to 3 term 1"), "member 3 holds all of the log: " + sent);
        assertEquals(-1, leader.propose(bytes("SET k v"), 0, 7), "no write while it hands over");

        // member 3 does not take over: after an election timeout the leader leads on, and writes once it can
        log.refuseAppends = false;
        leader.time(2 * T);
        leader.onAppendEntriesResponse(2, leader.term(), true, 1, 0, 1); // keeps it in office past its quorum check
        leader.tick(2 * T);
        assertFalse(leader.isTransferringLeadership());
        assertEquals(2, leader.propose(bytes("SET k v"), 0, 7));
    }

    /**
     * With a log that syncs beside the duty cycle, a follower acknowledges only what is durable: the first word to a
     * leader at once, then once per sync that moves its durable index, covering every message that sync took in, and
     * never the same index twice.
     */
    @Test
    void shouldAnswerAppendsAsSyncsMakeThemDurableOnceForAllTheMessagesASyncCovers()
    {
        final MemoryState state = new MemoryState();
        state.update(1, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1).asyncSync(true);
        final RaftNode follower = node(2, THREE, log, state);
        final ExpandableArrayBuffer two = frames(1, 1);

        follower.onAppendEntries(1, 1, 1, 1, 1, 1, two, 0, length(two, 2), 2, true);
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 1 seq 1"), sent, "at once, with what is durable");
        assertTrue(log.syncInFlight());
        sent.clear();
        follower.onAppendEntries(1, 1, 3, 1, 1, 2, two, 0, length(two, 2), 2, true);
        follower.flush();
        follower.flush();
        assertEquals(List.of(), sent, "nothing more is durable while the sync is in flight: nothing to say");

        assertTrue(log.completeSync());
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 3 seq 2"), sent, "what the sync made durable");
        assertTrue(log.syncInFlight(), "the next sync covers what came while the last one ran");
        sent.clear();
        follower.flush();
        assertEquals(List.of(), sent, "the same durable index is not acknowledged twice");
        assertTrue(log.completeSync());
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 5 seq 2"), sent, "the rest, once durable");
        sent.clear();
        follower.flush();
        assertEquals(List.of(), sent);
    }

    /**
     * A leader of five counts on two followers to commit, with itself a quorum: the two that answer and have matched
     * the most. Those keep the mark on a tie; one that falls silent for a heartbeat interval loses it.
     */
    @Test
    void shouldAwaitAQuorumOfTheFollowersThatAnswerAndMatchTheMost()
    {
        final RaftNode leader = leaderOfFive();
        leader.replicate();
        assertEquals(Set.of(2, 3), awaitedPeers, "on a tie, the first two");

        // each step comes a LAZY_SEND_NS after the last, so that every follower gets its message and its mark
        long now = T + RaftNode.LAZY_SEND_NS;
        leader.time(now);
        leader.onAppendEntriesResponse(2, 2, true, 2, 0, 1);
        leader.onAppendEntriesResponse(5, 2, true, 2, 0, 1);
        leader.propose(bytes("SET k v"), 0, 7);
        leader.replicate();
        assertEquals(Set.of(2, 5), awaitedPeers, "the two that matched the most");

        now += RaftNode.LAZY_SEND_NS;
        leader.time(now);
        leader.onAppendEntriesResponse(2, 2, true, 3, 0, 2);
        leader.onAppendEntriesResponse(4, 2, true, 3, 0, 2);
        leader.onAppendEntriesResponse(5, 2, true, 3, 0, 2);
        leader.propose(bytes("SET k v"), 0, 7);
        leader.replicate();
        assertEquals(Set.of(2, 5), awaitedPeers, "those awaited keep the mark on a tie");

        now += H + MS;
        leader.time(now);
        leader.onAppendEntriesResponse(4, 2, true, 3, 0, 3);
        leader.onAppendEntriesResponse(5, 2, true, 3, 0, 3);
        leader.propose(bytes("SET k v"), 0, 7);
        leader.replicate();
        assertEquals(Set.of(4, 5), awaitedPeers, "member 2 matched as much but said nothing for a heartbeat interval");
        leader.onAppendEntriesResponse(4, 2, true, 5, 0, 4);
        leader.onAppendEntriesResponse(5, 2, true, 5, 0, 4);
        leader.flush();
        assertEquals(5, leader.commitIndex(), "the leader and the two it awaits commit");
    }

    /**
     * The marks stay on the followers awaited while they keep up, whichever answer comes first: moving them on every
     * answer had every follower sync and be sent every batch in turn. One whose last acknowledged message is more
     * than LAZY_SYNC_NS older than another's, one that holds all that is committed, gives that one its mark, well
     * before a heartbeat interval of silence.
     */
    @Test
    void shouldKeepTheMarksUntilAnAwaitedFollowerFallsASyncIntervalBehind()
    {
        final RaftNode leader = leaderOfFive();
        leader.replicate();
        answer(leader, T + MS, 2, 1, 2, 3, 4, 5);

        proposeAndReplicate(leader, T + 6 * MS, "SET a 1");
        assertEquals(Set.of(2, 3), awaitedPeers);
        answer(leader, T + 7 * MS, 3, 2, 2, 4, 5);
        proposeAndReplicate(leader, T + 12 * MS, "SET b 2");
        assertEquals(Set.of(2, 3), awaitedPeers, "member 3 is behind by less than a sync interval: it keeps its mark");

        answer(leader, T + 13 * MS, 4, 3, 2, 4, 5);
        proposeAndReplicate(leader, T + 18 * MS, "SET c 3");
        assertEquals(Set.of(2, 4), awaitedPeers, "member 3 fell more than a sync interval behind, though not silent " +
            "for a heartbeat interval");

        leader.time(T + 14 * MS + H);
        leader.onAppendEntriesResponse(2, 2, true, 5, 0, 4);
        leader.onAppendEntriesResponse(4, 2, true, 5, 0, 4);
        proposeAndReplicate(leader, T + 14 * MS + H, "SET d 4");
        assertEquals(Set.of(2, 4), awaitedPeers, "members 3 and 5, silent for a heartbeat interval, come after any " +
            "that answered within it");
    }

    /**
     * At nowNs, the followers acknowledge a round of term 2 up to match; then the leader flushes.
     */
    private static void answer(
        final RaftNode leader, final long nowNs, final long match, final long sequence, final int... followers)
    {
        leader.time(nowNs);
        for (final int follower : followers)
        {
            leader.onAppendEntriesResponse(follower, 2, true, match, 0, sequence);
        }
        leader.flush();
    }

    private static void proposeAndReplicate(final RaftNode leader, final long nowNs, final String command)
    {
        leader.time(nowNs);
        leader.propose(bytes(command), 0, command.length());
        leader.replicate();
    }

    /**
     * A caught-up follower the leader does not await gets the batches appended since its last message together, once
     * per LAZY_SEND_NS, in one message: it syncs them within LAZY_SYNC_NS anyway, and a message per batch woke it for
     * each. The leader's next timer is when they are due, so an idle leader still sends them in time.
     */
    @Test
    void shouldGatherBatchesForAFollowerNotAwaitedIntoOneMessagePerInterval()
    {
        final RaftNode leader = leaderOfFive();
        leader.replicate();
        long now = T + MS;
        leader.time(now);
        for (final int follower : new int[]{2, 3, 4, 5})
        {
            leader.onAppendEntriesResponse(follower, 2, true, 2, 0, 1);
        }
        sent.clear();
        leader.propose(bytes("SET a 1"), 0, 7);
        leader.replicate();
        now += MS;
        leader.time(now);
        leader.propose(bytes("SET b 2"), 0, 7);
        leader.replicate();
        assertEquals(List.of("append to 2 after 2/2 with 1 commit 0 seq 2", "append to 2 after 3/2 with 1 commit 0 seq 3"),
            sentTo(2), "an awaited follower gets each batch at once");
        assertEquals(List.of(), sentTo(4), "member 4, not awaited, gathers them");
        assertEquals(List.of(), sentTo(5));
        assertEquals(T + RaftNode.LAZY_SEND_NS, leader.nextTimerNs(), "when the gathered batches are due");

        leader.time(T + RaftNode.LAZY_SEND_NS);
        leader.replicate();
        assertEquals(List.of("append to 4 after 2/2 with 2 commit 0 seq 4"), sentTo(4), "both batches in one message");
        assertEquals(List.of("append to 5 after 2/2 with 2 commit 0 seq 4"), sentTo(5));
        assertEquals(List.of("append to 2 after 2/2 with 1 commit 0 seq 2", "append to 2 after 3/2 with 1 commit 0 seq 3"),
            sentTo(2), "nothing more for an awaited follower");
        assertEquals(T + H, leader.nextTimerNs(), "nothing left to send: the next heartbeat is the next timer");
    }

    /**
     * A round for reads goes to the followers the leader awaits, a quorum with it, and leaves the heartbeat timer
     * alone; the heartbeat still goes to every follower.
     */
    @Test
    void shouldSendARoundForReadsToTheAwaitedFollowersOnly()
    {
        final RaftNode leader = leaderOfFive();
        leader.replicate();
        final long now = T + MS;
        leader.time(now);
        for (final int follower : new int[]{2, 3, 4, 5})
        {
            leader.onAppendEntriesResponse(follower, 2, true, 2, 0, 1);
        }
        leader.flush();
        final long heartbeatAt = leader.nextTimerNs();
        sent.clear();

        final long read = leader.requestReadBarrier();
        leader.replicate();
        assertEquals(List.of("append to 2 after 2/2 with 0 commit 2 seq 2", "append to 3 after 2/2 with 0 commit 2 seq 2"),
            sent, "to the two awaited");
        assertEquals(heartbeatAt, leader.nextTimerNs(), "the heartbeat is not put off");
        assertFalse(leader.isReadConfirmed(read));
        leader.onAppendEntriesResponse(2, 2, true, 2, 0, 2);
        leader.onAppendEntriesResponse(3, 2, true, 2, 0, 2);
        assertTrue(leader.isReadConfirmed(read), "the leader and the two awaited are a quorum");

        sent.clear();
        leader.tick(heartbeatAt);
        leader.replicate();
        assertEquals(4, sent.size(), "the heartbeat goes to all: " + sent);
    }

    /**
     * A follower its leader does not await gathers its appends into one sync up to LAZY_SYNC_NS after the first, and
     * sleeps until then; awaited, or holding nothing beyond the commit index (catching up), it syncs at once.
     */
    @Test
    void shouldSyncLaterWhenNotAwaitedAndAtOnceWhenAwaitedOrCatchingUp()
    {
        final MemoryState state = new MemoryState();
        state.update(1, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1).asyncSync(true);
        final RaftNode follower = node(2, THREE, log, state);
        final ExpandableArrayBuffer two = frames(1, 1);
        final long start = 10 * MS;

        follower.time(start);
        follower.onAppendEntries(1, 1, 1, 1, 1, 1, two, 0, length(two, 2), 2, false);
        follower.flush();
        assertFalse(log.syncInFlight(), "not awaited: no sync yet");
        assertEquals(start + RaftNode.LAZY_SYNC_NS, follower.nextTimerNs(), "it wakes to sync in time");
        follower.time(start + MS);
        follower.onAppendEntries(1, 1, 3, 1, 1, 2, two, 0, length(two, 2), 2, false);
        follower.flush();
        assertFalse(log.syncInFlight());
        assertEquals(start + RaftNode.LAZY_SYNC_NS, follower.nextTimerNs(), "from the first unsynced append");
        sent.clear();

        follower.time(start + RaftNode.LAZY_SYNC_NS);
        follower.flush();
        assertTrue(log.syncInFlight(), "one sync for both messages");
        assertEquals(start + MS + T, follower.nextTimerNs(),
            "a sync in flight wakes the member as it ends: the election deadline is next");
        assertTrue(log.completeSync());
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 5 seq 2"), sent);

        sent.clear();
        follower.onAppendEntries(1, 1, 5, 1, 1, 3, two, 0, length(two, 2), 2, true);
        follower.flush();
        assertTrue(log.syncInFlight(), "awaited: at once");
        assertTrue(log.completeSync());
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 7 seq 3"), sent);

        sent.clear();
        follower.onAppendEntries(1, 1, 7, 1, 9, 4, two, 0, length(two, 2), 2, false);
        follower.flush();
        assertTrue(log.syncInFlight(), "all it holds is committed: it is catching up and syncs at once");
        assertTrue(log.completeSync());
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 9 seq 4"), sent);
    }

    @Test
    void shouldLeaveEntriesItCannotStoreUnacknowledgedAndTakeThemWhenResent()
    {
        final MemoryState state = new MemoryState();
        state.update(1, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1);
        final RaftNode follower = node(2, THREE, log, state);
        final ExpandableArrayBuffer two = frames(1, 1);
        log.refuseAppends = true;

        follower.onAppendEntries(1, 1, 1, 1, 3, 1, two, 0, length(two, 2), 2, true);
        follower.flush();

        assertEquals(1, log.lastIndex());
        assertEquals(1, follower.appendsRefused());
        assertEquals(List.of("append response to 1 term 1 matched 1 seq 1"), sent, "only what it holds");
        assertEquals(1, follower.commitIndex());

        log.refuseAppends = false;
        sent.clear();
        follower.onAppendEntries(1, 1, 1, 1, 3, 2, two, 0, length(two, 2), 2, true);
        follower.flush();
        assertEquals(3, log.lastIndex());
        assertEquals(List.of("append response to 1 term 1 matched 3 seq 2"), sent);
        assertEquals(3, follower.commitIndex());
    }

    @Test
    void shouldServeNoReadAsALeaderWhoseFirstEntryOfTheTermWasRefusedUntilOneIsAppended()
    {
        final MemoryLog log = log(1, 1);
        log.refuseAppends = true;
        final MemoryState state = new MemoryState();
        state.update(1, RaftNode.NO_MEMBER);
        final RaftNode raft = new RaftNode(1, THREE, log, state, new Recorder(), new Recorder(), new FixedRandom(),
            T, H, 4096, 4096, 0);
        raft.tick(T);
        raft.onRequestVoteResponse(2, 2, true, true);
        raft.onRequestVoteResponse(2, 2, true, false);

        assertTrue(raft.isLeader());
        assertEquals(2, log.lastIndex(), "its no-op was refused");
        assertTrue(raft.isTransferringLeadership());
        assertEquals(Long.MAX_VALUE, raft.readIndex(), "no read before an entry of its term commits");

        // the hand-over fails; the disk has room again: the no-op goes in, and reads wait for it to commit
        log.refuseAppends = false;
        raft.time(2 * T);
        raft.onAppendEntriesResponse(2, 2, true, 2, 0, 0); // keeps it in office past its quorum check
        raft.tick(2 * T);
        assertFalse(raft.isTransferringLeadership());
        raft.replicate();
        assertEquals(3, log.lastIndex());
        assertEquals(3, raft.readIndex());
    }

    // -------------------------------------------------------------------------------------------------------------
    // Messages no member could send: dropped before anything in them is used, and counted
    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldDropMessagesFromMembersItDoesNotKnowAndCountThem()
    {
        final RaftNode follower = node(2, THREE, log(1), new MemoryState());
        follower.time(T);
        follower.onRequestVote(4, 1, 1, 1, false, false);
        follower.onRequestVote(2, 1, 1, 1, false, false); // itself
        follower.onAppendEntries(0, 1, 0, 0, 0, 1, empty(), 0, 0, 0, true);
        follower.onTimeoutNow(-1, 1);
        follower.onRequestVoteResponse(9, 1, true, false);
        follower.onAppendEntriesResponse(Integer.MAX_VALUE, 1, true, 1, 0, 1);

        assertEquals(6, follower.unknownSenderMessages());
        assertEquals(0, follower.outOfRangeMessages());
        assertTrue(sent.isEmpty(), sent::toString);
        assertEquals(0, follower.term());
        assertEquals(RaftNode.NO_MEMBER, follower.votedFor());
    }

    @Test
    void shouldDropAVoteRequestOfAnImpossibleTermOrLog()
    {
        final RaftNode voter = node(2, THREE, log(1), new MemoryState());
        voter.time(T);
        final long[][] requests = {
            // term, last index, last term
            {RaftNode.MAX_TERM + 1, 1, 1},
            {Long.MAX_VALUE, 1, 1},
            {0, 0, 0},
            {-1, 1, 1},
            {3, -1, 0},
            {3, RaftNode.MAX_INDEX + 1, 2},
            {3, 5, 4},  // a last log term above the candidate's term
            {3, 5, -1},
            {3, 5, 0},  // an entry of term 0
            {3, 0, 2},  // a term for an empty log
        };
        for (final long[] r : requests)
        {
            voter.onRequestVote(1, r[0], r[1], r[2], false, false);
            voter.onRequestVote(1, r[0], r[1], r[2], true, false);
        }

        assertEquals(2L * requests.length, voter.outOfRangeMessages());
        assertTrue(sent.isEmpty(), sent::toString);
        assertEquals(0, voter.term(), "no forged term is adopted");
        assertEquals(RaftNode.NO_MEMBER, voter.votedFor());
        assertEquals("vote to 1 term 3 granted", vote(voter, 1, 3, 1, 1), "a request in range is answered");
    }

    @Test
    void shouldDropAnAppendEntriesOfAnImpossibleTermOrIndex()
    {
        final MemoryState state = new MemoryState();
        state.update(2, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 2);
        final RaftNode follower = node(2, THREE, log, state);
        final ExpandableArrayBuffer one = frames(2);
        final int oneLength = length(one, 1);
        final long[][] messages = {
            // term, prev index, prev term, commit, sequence, count
            {RaftNode.MAX_TERM + 1, 2, 2, 2, 1, 0},
            {Long.MAX_VALUE, 2, 2, 2, 1, 0},
            {0, 0, 0, 0, 1, 0},
            {-5, 2, 2, 2, 1, 0},
            {2, -1, 0, 3, 1, 1},  // a negative previous index would skip the consistency check
            {2, Long.MIN_VALUE, 2, 3, 1, 1},
            {2, RaftNode.MAX_INDEX + 1, 2, 0, 1, 0},
            {2, 2, 3, 2, 1, 0},  // a previous entry of a term above the leader's
            {2, 2, -2, 2, 1, 0},
            {2, 2, 0, 2, 1, 0},  // an entry of term 0
            {2, 0, 1, 0, 1, 0},  // a term before the first entry
            {2, 2, 2, -1, 1, 0},
            {2, 2, 2, RaftNode.MAX_INDEX + 1, 1, 0},
            {2, 2, 2, 2, -1, 0},
            {2, 2, 2, 2, 1, -1},
            {2, RaftNode.MAX_INDEX, 2, 2, 1, 1}, // a count that would pass the largest index
        };
        for (final long[] m : messages)
        {
            follower.onAppendEntries(1, m[0], m[1], m[2], m[3], m[4], one, 0, m[5] > 0 ? oneLength : 0, (int)m[5], true);
        }
        follower.onAppendEntries(1, 2, 2, 2, 2, 1, one, 0, -1, 1, true);
        follower.flush();

        assertEquals(messages.length + 1, follower.outOfRangeMessages());
        assertTrue(sent.isEmpty(), sent::toString);
        assertEquals(2, follower.term());
        assertEquals(RaftNode.NO_MEMBER, follower.leaderId(), "no forged leader is followed");
        assertEquals(2, log.lastIndex());
        assertEquals(0, follower.commitIndex());
    }

    @Test
    void shouldDropARunWhoseEntriesHaveATermAboveTheLeadersOrBelowThePreviousEntry()
    {
        final MemoryState state = new MemoryState();
        state.update(2, RaftNode.NO_MEMBER);
        final MemoryLog log = log(1, 2);
        final RaftNode follower = node(2, THREE, log, state);

        final ExpandableArrayBuffer above = frames(2, 3);
        follower.onAppendEntries(1, 2, 2, 2, 0, 1, above, 0, length(above, 2), 2, true);
        final ExpandableArrayBuffer below = frames(1);
        follower.onAppendEntries(1, 2, 2, 2, 0, 2, below, 0, length(below, 1), 1, true);
        follower.flush();
        assertEquals(2, log.lastIndex(), "neither run is appended");
        assertTrue(sent.isEmpty(), "dropped as if lost: " + sent);

        final ExpandableArrayBuffer valid = frames(2, 2);
        follower.onAppendEntries(1, 2, 2, 2, 0, 3, valid, 0, length(valid, 2), 2, true);
        follower.flush();
        assertEquals(4, log.lastIndex());
    }

    /**
     * The other side of each range: the largest term and index, and zero where zero is legal, are taken.
     */
    @Test
    void shouldTakeMessagesAtTheEdgesOfEachRange()
    {
        final RaftNode first = node(2, THREE, new MemoryLog(), new MemoryState());
        first.time(T);
        assertEquals("vote to 1 term 1 granted", vote(first, 1, 1, 0, 0), "term 1, an empty log");
        first.onRequestVoteResponse(3, 0, false, false); // term 0 is an answer a member in term 0 gives
        first.onTimeoutNow(3, 1); // not its leader: ignored, but in range

        final RaftNode last = node(2, THREE, new MemoryLog(), new MemoryState());
        last.time(T);
        assertEquals("vote to 1 term " + RaftNode.MAX_TERM + " granted",
            vote(last, 1, RaftNode.MAX_TERM, RaftNode.MAX_INDEX, RaftNode.MAX_TERM));
        last.onRequestVoteResponse(3, RaftNode.MAX_TERM, false, false);
        last.onTimeoutNow(3, RaftNode.MAX_TERM);
        sent.clear();
        last.onAppendEntries(1, RaftNode.MAX_TERM, RaftNode.MAX_INDEX, RaftNode.MAX_TERM, RaftNode.MAX_INDEX, 0,
            empty(), 0, 0, 0, true);
        assertEquals(List.of("append response to 1 term " + RaftNode.MAX_TERM + " rejected, hint 0 conflict term 0 " +
            "seq 0"), sent, "the largest index and term: answered (it has no such entry)");

        final RaftNode follower = node(2, THREE, new MemoryLog(), new MemoryState());
        sent.clear();
        follower.onAppendEntries(1, 1, 0, 0, RaftNode.MAX_INDEX, 0, empty(), 0, 0, 0, true);
        follower.flush();
        assertEquals(List.of("append response to 1 term 1 matched 0 seq 0"), sent);

        final RaftNode leader = leader(new MemoryLog(), 0);
        final long term = leader.term();
        leader.replicate();
        leader.flush();
        leader.onAppendEntriesResponse(2, term, false, RaftNode.MAX_INDEX, term, 0); // a failure may hint anything
        leader.onAppendEntriesResponse(3, term, false, 0, 0, 1);
        assertTrue(leader.isLeader());
        leader.onAppendEntriesResponse(3, RaftNode.MAX_TERM, false, 0, 0, 0);
        assertEquals(RaftNode.MAX_TERM, leader.term(), "a later term, however large, is followed");

        for (final RaftNode raft : List.of(first, last, follower, leader))
        {
            assertEquals(0, raft.outOfRangeMessages());
        }
        assertEquals(1, first.term());
        assertEquals(RaftNode.MAX_TERM, last.term());
        assertEquals(1, follower.leaderId());
    }

    /**
     * A member alone has nobody to hand over to: it tries its no-op again every heartbeat interval, exactly.
     */
    @Test
    void shouldRetryTheNoOpItsLogRefusedEveryHeartbeatIntervalWhenAlone()
    {
        final MemoryLog log = new MemoryLog();
        log.refuseAppends = true;
        final RaftNode raft = node(1, new int[]{1}, log, new MemoryState());
        raft.tick(T);
        assertTrue(raft.isLeader());
        assertEquals(0, log.lastIndex());
        assertFalse(raft.isTransferringLeadership());

        raft.time(T + H - 1);
        raft.replicate();
        assertEquals(1, raft.appendsRefused(), "not tried again before a heartbeat interval");
        raft.time(T + H);
        raft.replicate();
        assertEquals(2, raft.appendsRefused(), "tried again after exactly one, and refused again");
        log.refuseAppends = false;
        raft.time(T + 2 * H - 1);
        raft.replicate();
        assertEquals(0, log.lastIndex(), "not before another interval");
        raft.time(T + 2 * H);
        raft.replicate();
        assertEquals(1, log.lastIndex(), "at exactly another");
        raft.flush();
        assertEquals(1, raft.readIndex());
        assertEquals(2, raft.propose(bytes("SET k v"), 0, 7));
        assertEquals(1, raft.readIndex(), "reads start at the term's first entry, not its latest");
    }

    @Test
    void shouldDropResponsesNoFollowerCouldSend()
    {
        final MemoryLog log = new MemoryLog();
        final RaftNode leader = leader(log, 0);
        final long term = leader.term();
        leader.replicate(); // round 1 carries the no-op at index 1
        leader.flush();

        leader.onAppendEntriesResponse(2, term, true, 2, 0, 1); // success past the leader's last entry
        leader.onAppendEntriesResponse(2, term, true, 1, 0, 2); // an answer to a round not sent yet
        leader.onAppendEntriesResponse(2, term, false, -1, 0, 1);
        leader.onAppendEntriesResponse(2, term, false, 0, term + 1, 1); // a conflicting term above its own
        leader.onAppendEntriesResponse(2, term, false, 0, -1, 1);
        leader.onAppendEntriesResponse(2, RaftNode.MAX_TERM + 1, false, 0, 0, 1);
        leader.onAppendEntriesResponse(2, -1, false, 0, 0, 1);
        leader.onAppendEntriesResponse(2, term, true, 1, 0, -1);
        leader.onRequestVoteResponse(2, Long.MAX_VALUE, false, false);
        leader.onRequestVoteResponse(2, -3, true, false);
        leader.onTimeoutNow(2, Long.MAX_VALUE);
        leader.onTimeoutNow(2, 0);
        leader.flush();

        assertEquals(12, leader.outOfRangeMessages());
        assertTrue(leader.isLeader());
        assertEquals(term, leader.term());
        assertEquals(0, leader.matchIndexOf(2));
        assertEquals(0, leader.commitIndex(), "no forged success commits the no-op");

        leader.onAppendEntriesResponse(2, term, true, 1, 0, 1);
        leader.flush();
        assertEquals(1, leader.commitIndex(), "the true answer does");
    }

    // -------------------------------------------------------------------------------------------------------------
    // Harness
    // -------------------------------------------------------------------------------------------------------------

    private RaftNode leader(final MemoryLog log, final long lastTerm)
    {
        return leader(log, lastTerm, 4096, 4096);
    }

    /**
     * Member 1 of three, elected at time T in the term after lastTerm with member 2's pre-vote and vote.
     */
    private RaftNode leader(final MemoryLog log, final long lastTerm, final int maxBatchBytes, final int maxInflight)
    {
        final MemoryState state = new MemoryState();
        state.update(lastTerm, RaftNode.NO_MEMBER);
        final RaftNode raft = new RaftNode(1, THREE, log, state, new Recorder(), new Recorder(), new FixedRandom(),
            T, H, maxBatchBytes, maxInflight, 0);
        raft.tick(T);
        raft.onRequestVoteResponse(2, lastTerm + 1, true, true);
        raft.onRequestVoteResponse(2, lastTerm + 1, true, false);
        assertTrue(raft.isLeader());
        sent.clear();
        return raft;
    }

    /**
     * Member 1 of five, elected at time T in term 2 with the pre-votes and votes of members 2 and 3; its log holds
     * one entry of term 1 and its no-op.
     */
    private RaftNode leaderOfFive()
    {
        final MemoryState state = new MemoryState();
        state.update(1, RaftNode.NO_MEMBER);
        final RaftNode leader = new RaftNode(1, new int[]{1, 2, 3, 4, 5}, log(1), state, new Recorder(), new Recorder(),
            new FixedRandom(), T, H, 4096, 4 * 4096, 0);
        leader.tick(T);
        for (final boolean preVote : new boolean[]{true, false})
        {
            leader.onRequestVoteResponse(2, 2, true, preVote);
            leader.onRequestVoteResponse(3, 2, true, preVote);
        }
        assertTrue(leader.isLeader());
        return leader;
    }

    private RaftNode node(final int id, final int[] members, final RaftLog log, final MemoryState state)
    {
        return new RaftNode(id, members, log, state, new Recorder(), new Recorder(), new FixedRandom(), T, H, 4096,
            4096, 0);
    }

    private String preVote(final RaftNode voter, final long term, final long lastIndex, final long lastTerm)
    {
        return request(voter, 1, term, lastIndex, lastTerm, true, false);
    }

    private String vote(
        final RaftNode voter, final int candidate, final long term, final long lastIndex, final long lastTerm)
    {
        return request(voter, candidate, term, lastIndex, lastTerm, false, false);
    }

    private String voteForTransfer(
        final RaftNode voter, final int candidate, final long term, final long lastIndex, final long lastTerm)
    {
        return request(voter, candidate, term, lastIndex, lastTerm, false, true);
    }

    /**
     * @return the one answer the voter sends to this request.
     */
    private String request(
        final RaftNode voter,
        final int candidate,
        final long term,
        final long lastIndex,
        final long lastTerm,
        final boolean preVote,
        final boolean transfer)
    {
        sent.clear();
        voter.onRequestVote(candidate, term, lastIndex, lastTerm, preVote, transfer);
        assertEquals(1, sent.size(), sent::toString);
        return sent.get(0);
    }

    private List<String> sentTo(final int id)
    {
        return RaftNodeContractTest.appendsTo(sent, id);
    }

    private static List<Long> terms(final MemoryLog log)
    {
        final List<Long> terms = new ArrayList<>();
        for (long i = 1; i <= log.lastIndex(); i++)
        {
            terms.add(log.termAt(i));
        }
        return terms;
    }

    private static MemoryLog log(final long... terms)
    {
        final MemoryLog log = new MemoryLog();
        for (final long term : terms)
        {
            log.append(term, EntryFrame.TYPE_COMMAND, bytes("x"), 0, 1);
        }
        log.sync();
        log.takeChangedFrom();
        return log;
    }

    /**
     * A run of command frames with one-byte payloads, of these terms.
     */
    private static ExpandableArrayBuffer frames(final long... terms)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        int offset = 0;
        for (final long term : terms)
        {
            offset += EntryFrame.write(buffer, offset, term, EntryFrame.TYPE_COMMAND, bytes("y"), 0, 1);
        }
        return buffer;
    }

    private static int length(final DirectBuffer frames, final int count)
    {
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            offset += EntryFrame.alignedLength(EntryFrame.frameLength(frames, offset) - EntryFrame.HEADER_LENGTH);
        }
        return offset;
    }

    private static DirectBuffer empty()
    {
        return new UnsafeBuffer(new byte[0]);
    }

    private static DirectBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * No randomness: an election deadline is exactly one election timeout away.
     */
    private static final class FixedRandom extends Random
    {
        public double nextDouble()
        {
            return 0;
        }
    }

    /**
     * A log that reads one entry per run, copied into a buffer of its own that continues with junk, as a run that ends
     * at the end of a log segment would; it can lose an entry to show what a missing one does.
     */
    private static final class RunPerEntryLog implements RaftLog
    {
        private final MemoryLog log;
        private long missing = -1;

        RunPerEntryLog(final MemoryLog log)
        {
            this.log = log;
        }

        public long lastIndex()
        {
            return log.lastIndex();
        }

        public long lastTerm()
        {
            return log.lastTerm();
        }

        public long termAt(final long index)
        {
            return log.termAt(index);
        }

        public long append(final long term, final int type, final DirectBuffer payload, final int offset,
            final int length)
        {
            return log.append(term, type, payload, offset, length);
        }

        public void appendFrames(final DirectBuffer frames, final int offset, final int length, final int count)
        {
            log.appendFrames(frames, offset, length, count);
        }

        public void truncateAfter(final long index)
        {
            log.truncateAfter(index);
        }

        public void sync()
        {
            log.sync();
        }

        public boolean requestSync()
        {
            return log.requestSync();
        }

        public long durableIndex()
        {
            return log.durableIndex();
        }

        public boolean read(final long fromIndex, final int maxBytes, final FrameRun run)
        {
            if (fromIndex == missing || !log.read(fromIndex, maxBytes, run))
            {
                return false;
            }
            final int length = EntryFrame.alignedLength(EntryFrame.frameLength(run.buffer, run.offset) -
                EntryFrame.HEADER_LENGTH);
            final byte[] copy = new byte[length + 64];
            Arrays.fill(copy, (byte)0x7f);
            run.buffer.getBytes(run.offset, copy, 0, length);
            run.set(new UnsafeBuffer(copy), 0, length, 1);
            return true;
        }
    }

    private final class Recorder implements RaftTransport, StateMachine
    {
        public boolean sendRequestVote(
            final int to, final long term, final long lastLogIndex, final long lastLogTerm, final boolean preVote,
            final boolean transfer)
        {
            return sent.add((preVote ? "pre-vote" : "vote") + " request to " + to + " term " + term + " last " +
                lastLogIndex + "/" + lastLogTerm + (transfer ? " transfer" : ""));
        }

        public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
        {
            return sent.add((preVote ? "pre-vote" : "vote") + " to " + to + " term " + term +
                (granted ? " granted" : " refused"));
        }

        public boolean sendTimeoutNow(final int to, final long term)
        {
            return sent.add("timeout now to " + to + " term " + term);
        }

        public boolean sendAppendEntries(
            final int to, final long term, final long prevLogIndex, final long prevLogTerm, final long leaderCommit,
            final long sequence, final DirectBuffer frames, final int offset, final int length, final int entryCount,
            final boolean awaited)
        {
            if (awaited)
            {
                awaitedPeers.add(to);
            }
            else
            {
                awaitedPeers.remove(to);
            }
            return sent.add("append to " + to + " after " + prevLogIndex + "/" + prevLogTerm + " with " + entryCount +
                " commit " + leaderCommit + " seq " + sequence);
        }

        public boolean sendAppendEntriesResponse(
            final int to, final long term, final boolean success, final long lastLogIndex, final long conflictTerm,
            final long sequence)
        {
            return sent.add("append response to " + to + " term " + term +
                (success ? " matched " + lastLogIndex : " rejected, hint " + lastLogIndex + " conflict term " +
                conflictTerm) + " seq " + sequence);
        }

        public void apply(
            final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
            final int length)
        {
            applied.add(index + ":" + term + ":" + type);
        }

        public void onRoleChange(final Role role, final long term, final int leaderId)
        {
            roles.add(role + " in " + term + " led by " + leaderId);
        }
    }
}

package io.raftis.raft;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The Raft consensus core for one member: pure logic, single-threaded, no I/O, no clock reads.
 * <p>
 * Events come in as method calls — {@link #tick(long)} with the time, the four message handlers, {@link #propose}
 * — and the core acts only through {@link RaftLog}, {@link PersistentState}, {@link RaftTransport} and
 * {@link StateMachine}. At the end of each duty-cycle pass {@link #replicate()} sends what the pass appended as one
 * batch, then {@link #flush()} syncs the log once, answers the leader once, advances the commit index and applies.
 * <p>
 * Section numbers refer to the Raft paper (Ongaro and Ousterhout, 2014) and the thesis (Ongaro, 2014).
 */
public final class RaftNode
{
    public static final int NO_MEMBER = 0;
    /**
     * No term a real cluster reaches (an election every millisecond for 8,000 years): a message naming a larger one
     * is forged or corrupt, and acting on it could leave no term to move to.
     */
    public static final long MAX_TERM = 1L << 48;
    /** No index a real log reaches: a message naming a larger one is forged or corrupt. */
    public static final long MAX_INDEX = 1L << 56;
    /** {@link #propose} could not append: the log refused the write (see {@link #lastAppendRefusal()}). */
    public static final long APPEND_REFUSED = -2;

    private static final DirectBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private static final int MAX_MESSAGES_PER_FLUSH = 4;
    private static final int SEND_TIME_RING = 1024;
    private static final int INFLIGHT_RING = 64;

    /**
     * How far, in parts per million, any member's clock may run fast or slow against true time. A leader's lease is
     * cut to what a slow leader clock and a fast follower clock still agree on (thesis §6.4.1).
     */
    static final long MAX_CLOCK_RATE_ERROR_PPM = 50_000;

    /**
     * How long a follower the leader does not await may hold appends before it syncs them: its syncs gather several
     * batches, and the members that commit the leader's batches share the disk with fewer syncs.
     */
    public static final long LAZY_SYNC_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How long a leader may gather entries for a caught-up follower it does not await before it sends them: that
     * follower syncs them within {@link #LAZY_SYNC_NS} anyway, so one message per interval carries them, instead of
     * a message, and a wake-up, per batch.
     */
    public static final long LAZY_SEND_NS = LAZY_SYNC_NS / 2;

    private final int memberId;
    private final int[] memberIds;
    private final int[] peerIds;
    private final int[] slotById;
    private final int quorum;
    private final RaftLog log;
    private final PersistentState state;
    private final RaftTransport transport;
    private final StateMachine stateMachine;
    private final Random random;
    private final long electionTimeoutNs;
    private final long heartbeatIntervalNs;
    private final long leaseNs;
    private final int maxBatchBytes;
    private final int maxInflightBytes;
    private final int maxApplyPerFlush;
    /** Bytes of entries applied a pass at most, give or take one run: four batches. */
    private final long maxApplyBytesPerFlush;

    private final long[] nextIndex;
    private final long[] matchIndex;
    private final long[] ackedSequence;
    private final long[] lastResponseNs;
    private final long[] entriesSentNs;
    /** Whether the last pass that could send to a follower sent it all there was: it is not catching up. */
    private final boolean[] sentAll;
    private final boolean[] probing;
    private final boolean[] probeOutstanding;
    /** Per follower, whether this leader counts on it to commit: it is told to sync and answer at once. */
    private final boolean[] awaited;
    private final boolean[] awaitedScratch;
    private final boolean[] voteGranted;
    private final long[] ackedSendNs;
    // per follower, the batches sent and not yet acknowledged: end index and the running byte total at their end
    private final long[] inflightEndIndex;
    private final long[] inflightEndBytes;
    private final long[] sentBytes;
    private final long[] ackedBytes;
    private final int[] inflightHead;
    private final int[] inflightTail;
    private final long[] sendNsBySequence = new long[SEND_TIME_RING];
    private final long[] scratch;
    private final RaftLog.FrameRun run = new RaftLog.FrameRun();

    private Role role = Role.FOLLOWER;
    private long nowNs;
    private int leaderId = NO_MEMBER;
    private long lastLeaderContactNs = Long.MIN_VALUE / 2;
    private long electionDeadlineNs;
    private long heartbeatDeadlineNs;
    private long checkQuorumDeadlineNs;
    private long commitIndex;
    private long lastApplied;
    private long syncedIndex;
    private boolean logDirty;
    /** When the log was first appended to since the last sync started. */
    private long dirtySinceNs;
    /** Whether this follower's leader awaits it: sync at once; otherwise within {@link #LAZY_SYNC_NS}. */
    private boolean leaderAwaits = true;
    private long leaderStartIndex;
    private long sequence;
    private long unknownSenderMessages;
    private long appendsRefused;
    private String lastAppendRefusal;
    /** This leader's log refused its first entry of the term: the next append that succeeds takes its place. */
    private boolean startEntryMissing;
    private long nextStartEntryAttemptNs;
    private long outOfRangeMessages;
    private boolean roundRequested;
    private boolean readRoundWanted;
    /** The round requested is for reads only: it goes to the followers this leader awaits, a quorum with it. */
    private boolean readOnlyRound;
    private long lastRoundSequence;
    private int transferTarget = NO_MEMBER;
    private long transferDeadlineNs;
    private boolean timeoutNowSent;
    private boolean leaseRevoked;
    private Fault fault = Fault.NONE;

    private boolean responsePending;
    private boolean responseSent;
    /** What this follower last acknowledged to its leader of this term, -1 when nothing yet. */
    private long responseSentMatch = -1;
    private int responseTo;
    private long responseMatchIndex;
    private long responseSequence;

    public RaftNode(
        final int memberId,
        final int[] memberIds,
        final RaftLog log,
        final PersistentState state,
        final RaftTransport transport,
        final StateMachine stateMachine,
        final Random random,
        final long electionTimeoutNs,
        final long heartbeatIntervalNs,
        final int maxBatchBytes,
        final int maxInflightBytes,
        final long nowNs)
    {
        if (electionTimeoutNs <= heartbeatIntervalNs || heartbeatIntervalNs <= 0)
        {
            throw new IllegalArgumentException("election timeout must exceed the heartbeat interval: electionTimeoutNs=" +
                electionTimeoutNs + " heartbeatIntervalNs=" + heartbeatIntervalNs);
        }
        if (maxInflightBytes < maxBatchBytes)
        {
            throw new IllegalArgumentException("in-flight bytes must hold at least one batch: maxInflightBytes=" +
                maxInflightBytes + " maxBatchBytes=" + maxBatchBytes);
        }
        this.memberId = memberId;
        this.memberIds = memberIds.clone();
        Arrays.sort(this.memberIds);
        int maxId = 0;
        for (final int id : this.memberIds)
        {
            if (id <= NO_MEMBER)
            {
                throw new IllegalArgumentException("member ids must be positive: " + id);
            }
            maxId = Math.max(maxId, id);
        }
        this.slotById = new int[maxId + 1];
        Arrays.fill(slotById, -1);
        this.peerIds = new int[this.memberIds.length - 1];
        int slot = 0;
        for (final int id : this.memberIds)
        {
            if (id == memberId)
            {
                continue;
            }
            if (slot == peerIds.length || slotById[id] != -1)
            {
                throw new IllegalArgumentException(
                    "member list must hold " + memberId + " once and no duplicates: " + Arrays.toString(memberIds));
            }
            peerIds[slot] = id;
            slotById[id] = slot++;
        }
        if (slot != peerIds.length)
        {
            throw new IllegalArgumentException("member " + memberId + " is not in " + Arrays.toString(memberIds));
        }
        this.quorum = this.memberIds.length / 2 + 1;
        this.log = log;
        this.state = state;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.random = random;
        this.electionTimeoutNs = electionTimeoutNs;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        // a follower's clock that runs fast by the bound ends its stickiness after T / (1 + e) of true time; a leader's
        // clock that runs slow by the bound must end the lease by then: T (1 - e) / (1 + e) on its own clock
        this.leaseNs =
            electionTimeoutNs * (1_000_000 - MAX_CLOCK_RATE_ERROR_PPM) / (1_000_000 + MAX_CLOCK_RATE_ERROR_PPM);
        this.maxBatchBytes = maxBatchBytes;
        this.maxInflightBytes = maxInflightBytes;
        this.maxApplyPerFlush = 1024;
        this.maxApplyBytesPerFlush = 4L * maxBatchBytes;

        final int peers = peerIds.length;
        nextIndex = new long[peers];
        matchIndex = new long[peers];
        ackedSequence = new long[peers];
        lastResponseNs = new long[peers];
        entriesSentNs = new long[peers];
        sentAll = new boolean[peers];
        probing = new boolean[peers];
        probeOutstanding = new boolean[peers];
        awaited = new boolean[peers];
        awaitedScratch = new boolean[peers];
        voteGranted = new boolean[peers];
        ackedSendNs = new long[peers];
        inflightEndIndex = new long[peers * INFLIGHT_RING];
        inflightEndBytes = new long[peers * INFLIGHT_RING];
        sentBytes = new long[peers];
        ackedBytes = new long[peers];
        inflightHead = new int[peers];
        inflightTail = new int[peers];
        scratch = new long[peers + 1];

        this.nowNs = nowNs;
        this.syncedIndex = log.lastIndex();
        // a member that just restarted may have answered a leader whose lease still runs: it grants no vote for an
        // election timeout, as if it had just heard from that leader
        this.lastLeaderContactNs = nowNs;
        resetElectionDeadline();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------------------

    public int memberId()
    {
        return memberId;
    }

    public Role role()
    {
        return role;
    }

    public boolean isLeader()
    {
        return Role.LEADER == role;
    }

    public long term()
    {
        return state.currentTerm();
    }

    /**
     * @return appends the log refused (a full disk): proposals answered {@link #APPEND_REFUSED}, and runs a follower
     * could not store.
     */
    public long appendsRefused()
    {
        return appendsRefused;
    }

    /**
     * @return why the log last refused an append, or null.
     */
    public String lastAppendRefusal()
    {
        return lastAppendRefusal;
    }

    /**
     * @return messages dropped because their sender is not a peer of this member.
     */
    public long unknownSenderMessages()
    {
        return unknownSenderMessages;
    }

    /**
     * @return messages dropped unread because a field is out of the range any member could send: a negative or
     * absurd term or index, a log term above the sender's term, a success claiming entries this leader never had.
     */
    public long outOfRangeMessages()
    {
        return outOfRangeMessages;
    }

    public int votedFor()
    {
        return state.votedFor();
    }

    public int leaderId()
    {
        return leaderId;
    }

    public long commitIndex()
    {
        return commitIndex;
    }

    public long lastApplied()
    {
        return lastApplied;
    }

    public long lastIndex()
    {
        return log.lastIndex();
    }

    public int[] memberIds()
    {
        return memberIds.clone();
    }

    /**
     * @return the index the follower with this id is known to hold, or -1 when it is not a peer or not leader.
     */
    public long matchIndexOf(final int peerId)
    {
        final int slot = slotOf(peerId);
        return isLeader() && slot >= 0 ? matchIndex[slot] : -1;
    }

    /**
     * @return the bytes of entries sent to the follower with this id and not yet acknowledged, or -1 when it is not a
     * peer or this member is not leader.
     */
    public long inflightBytesOf(final int peerId)
    {
        final int slot = slotOf(peerId);
        return isLeader() && slot >= 0 ? sentBytes[slot] - ackedBytes[slot] : -1;
    }

    /**
     * Break one rule of the protocol, to show that a checker catches it: for tests only.
     */
    void inject(final Fault fault)
    {
        this.fault = fault;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Client operations
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Append a client command to the log; it is sent and synced by the next {@link #flush()}.
     *
     * @return the index of the entry, -1 when this member is not the leader, or {@link #APPEND_REFUSED} when its
     * log could not take the entry (nothing was appended; leadership goes to a member that may have room).
     */
    public long propose(final DirectBuffer command, final int offset, final int length)
    {
        if (Role.LEADER != role || NO_MEMBER != transferTarget)
        {
            return -1;
        }
        final long index;
        try
        {
            index = log.append(term(), EntryFrame.TYPE_COMMAND, command, offset, length);
        }
        catch (final AppendRefusedException ex)
        {
            onAppendRefused(ex);
            return APPEND_REFUSED;
        }
        markLogDirty();
        if (startEntryMissing)
        {
            startEntryMissing = false;
            leaderStartIndex = index; // the first entry of the term: reads may start once it commits
        }
        return index;
    }

    /**
     * The log refused an append. A leader hands leadership to its most up-to-date follower, whose disk may have
     * room; it keeps refusing writes meanwhile, and takes them again if the hand-over fails and its log has room.
     */
    private void onAppendRefused(final AppendRefusedException ex)
    {
        appendsRefused++;
        lastAppendRefusal = String.valueOf(ex.getMessage());
        if (Role.LEADER == role && NO_MEMBER == transferTarget && peerIds.length > 0)
        {
            transferLeadership();
        }
    }

    /**
     * Start a read barrier (ReadIndex, thesis §6.4): a read registered now may be served once
     * {@link #isReadConfirmed(long)} holds for the returned sequence and the state machine has applied
     * {@link #readIndex()} as it was when the read was registered.
     *
     * @return the sequence to wait for, or -1 when this member is not the leader.
     */
    public long requestReadBarrier()
    {
        if (Role.LEADER != role)
        {
            return -1;
        }
        // the next round confirms it: sent at once when no round is in flight, else as soon as the one in flight is
        // confirmed, so that reads arriving meanwhile share one round instead of sending one each (§6.4: any round
        // sent after the read arrived will do)
        readRoundWanted = true;
        return sequence + 1;
    }

    /**
     * @return the index a linearizable read must see applied: the commit index, but never before this leader's own
     * first entry commits (thesis §6.4).
     */
    public long readIndex()
    {
        if (Fault.READ_BEFORE_NOOP_COMMITS == fault)
        {
            return commitIndex;
        }
        return Math.max(commitIndex, leaderStartIndex);
    }

    /**
     * @return true when a majority, counting this leader, answered a round of AppendEntries of this sequence or
     * later in the current term, so this member was still leader after the read arrived.
     */
    public boolean isReadConfirmed(final long readSequence)
    {
        if (Role.LEADER != role)
        {
            return false;
        }
        if (Fault.READ_WITHOUT_QUORUM == fault)
        {
            return true;
        }
        return quorumAckedSequence() >= readSequence;
    }

    /**
     * @return the latest sequence a majority, counting this leader, has answered.
     */
    private long quorumAckedSequence()
    {
        final int peers = peerIds.length;
        for (int i = 0; i < peers; i++)
        {
            scratch[i] = ackedSequence[i];
        }
        scratch[peers] = Long.MAX_VALUE;
        return quorumValue(scratch, peers + 1, quorum);
    }

    /**
     * A leader lease (thesis §6.4.1): followers that answered a message sent at time t will not vote for another
     * candidate before t plus the election timeout (leader stickiness), so until then no other leader can exist.
     * The lease is cut to allow for clocks that run at different rates, within {@link #MAX_CLOCK_RATE_ERROR_PPM}.
     *
     * @return true when this leader holds a lease at the current time.
     */
    public boolean hasLease()
    {
        if (Role.LEADER != role)
        {
            return false;
        }
        final int peers = peerIds.length;
        for (int i = 0; i < peers; i++)
        {
            scratch[i] = ackedSendNs[i];
        }
        scratch[peers] = nowNs;
        final long leaseFromNs = quorumValue(scratch, peers + 1, quorum);
        final long leaseNs = switch (fault)
        {
            case LEASE_WITHOUT_EXPIRY -> Long.MAX_VALUE;
            case LEASE_WITHOUT_DRIFT_MARGIN -> electionTimeoutNs;
            default -> this.leaseNs;
        };
        return !leaseRevoked && nowNs - leaseFromNs < leaseNs && commitIndex >= leaderStartIndex;
    }

    /**
     * Hand leadership to the most up-to-date follower (thesis §3.10): stop taking proposals, bring it up to date,
     * then send it TimeoutNow so it starts an election at once. Abandoned after an election timeout.
     *
     * @return false when this member is not the leader or has no peer.
     */
    public boolean transferLeadership()
    {
        if (Role.LEADER != role || 0 == peerIds.length)
        {
            return false;
        }
        int best = 0;
        for (int slot = 1; slot < peerIds.length; slot++)
        {
            if (matchIndex[slot] > matchIndex[best])
            {
                best = slot;
            }
        }
        transferTarget = peerIds[best];
        transferDeadlineNs = nowNs + electionTimeoutNs;
        timeoutNowSent = false;
        roundRequested = true;
        return true;
    }

    /**
     * @return true while this leader hands leadership over and refuses proposals.
     */
    public boolean isTransferringLeadership()
    {
        return Role.LEADER == role && NO_MEMBER != transferTarget;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Time
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Advance the time without running the timers: messages handled next are stamped with it.
     */
    public void time(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    /**
     * When the next timer is due, so that a node with nothing to do can sleep until then: the election timeout of a
     * follower or candidate; a leader's next heartbeat round, check-quorum, the end of a transfer, or the retry of a
     * refused no-op. Once the time passes it, {@link #tick(long)} or {@link #replicate()} does work and moves it on.
     *
     * @return the time of the next timer, on the clock of {@link #tick(long)}.
     */
    public long nextTimerNs()
    {
        if (Role.LEADER != role)
        {
            // a follower not awaited syncs what it holds in time; a sync in flight wakes the member as it ends
            return logDirty && !syncsAtOnce() && !log.syncInFlight() ?
                Math.min(electionDeadlineNs, dirtySinceNs + LAZY_SYNC_NS) : electionDeadlineNs;
        }
        long deadlineNs = Math.min(heartbeatDeadlineNs, checkQuorumDeadlineNs);
        if (NO_MEMBER != transferTarget)
        {
            deadlineNs = Math.min(deadlineNs, transferDeadlineNs);
        }
        else if (startEntryMissing)
        {
            deadlineNs = Math.min(deadlineNs, nextStartEntryAttemptNs);
        }
        final long lastIndex = log.lastIndex();
        for (int slot = 0; slot < peerIds.length; slot++)
        {
            final long sendNs = entriesSentNs[slot] + LAZY_SEND_NS;
            if (mayGather(slot) && nextIndex[slot] <= lastIndex && sendNs - nowNs > 0)
            {
                deadlineNs = Math.min(deadlineNs, sendNs); // what it gathers goes then (once due, acks drive it)
            }
        }
        return deadlineNs;
    }

    /**
     * Advance the time and run the timers: election timeout, heartbeats, check-quorum.
     *
     * @return the amount of work done.
     */
    public int tick(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        if (Role.LEADER == role)
        {
            if (nowNs >= heartbeatDeadlineNs)
            {
                roundRequested = true;
                work++;
            }
            if (nowNs >= checkQuorumDeadlineNs)
            {
                work++;
                checkQuorum();
            }
            if (NO_MEMBER != transferTarget && nowNs >= transferDeadlineNs)
            {
                transferTarget = NO_MEMBER; // the target did not take over in time: lead on
                work++;
            }
        }
        else if (nowNs >= electionDeadlineNs)
        {
            work++;
            startPreVote();
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages
    // ---------------------------------------------------------------------------------------------------------

    public void onRequestVote(
        final int candidateId,
        final long term,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean preVote,
        final boolean transfer)
    {
        if (!fromPeer(candidateId) || !inRange(term >= 1 && term <= MAX_TERM && lastLogIndex >= 0 &&
            lastLogIndex <= MAX_INDEX && lastLogTerm >= 0 && lastLogTerm <= term &&
            (0 == lastLogIndex) == (0 == lastLogTerm)))
        {
            return;
        }
        final long currentTerm = term();
        final long myLastTerm = log.lastTerm();
        final boolean upToDate = Fault.VOTE_WITHOUT_LOG_CHECK == fault || lastLogTerm > myLastTerm ||
            (lastLogTerm == myLastTerm && lastLogIndex >= log.lastIndex()); // §5.4.1
        // leader stickiness: a member that heard from a live leader within the election timeout ignores a
        // candidate, so a partitioned member cannot depose a working leader (thesis §4.2.3); a transfer the
        // leader asked for is the exception
        final boolean sticky = !transfer &&
            (Role.LEADER == role || nowNs - lastLeaderContactNs < electionTimeoutNs);

        if (preVote)
        {
            // a pre-vote changes neither term nor vote (thesis §9.6)
            final boolean granted = term > currentTerm && upToDate && !sticky;
            transport.sendVoteResponse(candidateId, granted ? term : currentTerm, granted, true);
            return;
        }
        if (term > currentTerm && sticky)
        {
            transport.sendVoteResponse(candidateId, currentTerm, false, false);
            return;
        }
        if (term > currentTerm)
        {
            becomeFollower(term, NO_MEMBER);
        }

        boolean granted = false;
        if (term == term() && Role.FOLLOWER == role)
        {
            final int votedFor = state.votedFor();
            if ((NO_MEMBER == votedFor || candidateId == votedFor || Fault.DOUBLE_VOTE == fault) && upToDate)
            {
                if (NO_MEMBER == votedFor)
                {
                    state.update(term, candidateId); // persisted before the vote is sent
                }
                granted = true;
                resetElectionDeadline();
            }
        }
        transport.sendVoteResponse(candidateId, term(), granted, false);
    }

    public void onRequestVoteResponse(final int voterId, final long term, final boolean granted, final boolean preVote)
    {
        if (!fromPeer(voterId) || !inRange(term >= 0 && term <= MAX_TERM))
        {
            return;
        }
        final int slot = slotOf(voterId);
        if (preVote)
        {
            if (Role.PRE_CANDIDATE == role && granted && term == term() + 1)
            {
                voteGranted[slot] = true;
                if (votes() >= quorum)
                {
                    startElection(false);
                }
            }
            else if (!granted && term > term())
            {
                becomeFollower(term, NO_MEMBER);
            }
            return;
        }
        if (term > term())
        {
            becomeFollower(term, NO_MEMBER);
            return;
        }
        if (Role.CANDIDATE != role || (term != term() && Fault.COUNT_STALE_VOTES != fault) || !granted)
        {
            return;
        }
        voteGranted[slot] = true;
        if (votes() >= quorum)
        {
            becomeLeader();
        }
    }

    /**
     * The leader hands leadership over to this member: start an election now, without pre-vote (thesis §3.10).
     */
    public void onTimeoutNow(final int leaderId, final long term)
    {
        if (!fromPeer(leaderId) || !inRange(term >= 1 && term <= MAX_TERM))
        {
            return;
        }
        if (term == term() && leaderId == this.leaderId && Role.FOLLOWER == role)
        {
            startElection(true);
        }
    }

    private int votes()
    {
        int votes = 1;
        for (final boolean vote : voteGranted)
        {
            votes += vote ? 1 : 0;
        }
        return votes;
    }

    /**
     * A leader's AppendEntries. The run of frames has not been validated yet; a run that fails validation is
     * dropped as if the message had been lost.
     */
    public void onAppendEntries(
        final int leaderId,
        final long term,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommit,
        final long sequence,
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int entryCount,
        final boolean awaited)
    {
        if (!fromPeer(leaderId) || !inRange(term >= 1 && term <= MAX_TERM && prevLogIndex >= 0 &&
            prevLogIndex <= MAX_INDEX && prevLogTerm >= 0 && prevLogTerm <= term &&
            (0 == prevLogIndex) == (0 == prevLogTerm) && leaderCommit >= 0 && leaderCommit <= MAX_INDEX &&
            sequence >= 0 && entryCount >= 0 && length >= 0 && entryCount <= MAX_INDEX - prevLogIndex))
        {
            return;
        }
        if (term < term())
        {
            // no round of the current term is acknowledged (sequence 0): if the sender leads the current term
            // too, a sequence of its old term must not confirm its reads or extend its lease
            transport.sendAppendEntriesResponse(leaderId, term(), false, log.lastIndex(), 0, 0);
            return;
        }
        if (term > term() || Role.FOLLOWER != role || this.leaderId != leaderId)
        {
            becomeFollower(term, leaderId);
        }
        lastLeaderContactNs = nowNs;
        resetElectionDeadline();
        leaderAwaits = awaited;

        if (!framesValid(frames, offset, length, entryCount, prevLogTerm, term))
        {
            return;
        }

        final long lastIndex = log.lastIndex();
        if (prevLogIndex > lastIndex)
        {
            transport.sendAppendEntriesResponse(leaderId, term, false, lastIndex, 0, sequence);
            return;
        }
        final long conflictTerm = log.termAt(prevLogIndex);
        if (conflictTerm != prevLogTerm && (Fault.SKIP_LOG_CONSISTENCY_CHECK != fault || 0 == entryCount))
        {
            // the entry at prevLogIndex conflicts: name its term and where that term starts here, so the leader can
            // skip the whole term in one round trip instead of probing one entry at a time (§5.3)
            final long first = firstIndexOfTerm(conflictTerm, prevLogIndex);
            transport.sendAppendEntriesResponse(leaderId, term, false, first - 1, conflictTerm, sequence);
            return;
        }

        long index = prevLogIndex;
        int position = offset;
        final int limit = offset + length;
        while (position < limit)
        {
            final long entryIndex = index + 1;
            final long entryTerm = EntryFrame.term(frames, position);
            final long existingTerm = entryIndex <= log.lastIndex() ? log.termAt(entryIndex) : -1;
            if (existingTerm == entryTerm)
            {
                index = entryIndex;
                position += EntryFrame.alignedLength(EntryFrame.frameLength(frames, position) -
                    EntryFrame.HEADER_LENGTH);
                continue;
            }
            if (existingTerm != -1)
            {
                if (entryIndex <= commitIndex)
                {
                    throw new IllegalStateException("leader " + leaderId + " in term " + term +
                        " conflicts with committed entry " + entryIndex + " (commit index " + commitIndex + ")");
                }
                log.truncateAfter(entryIndex - 1); // a conflicting suffix is replaced by the leader's (§5.3)
            }
            int count = 0;
            for (int p = position; p < limit; count++)
            {
                p += EntryFrame.alignedLength(EntryFrame.frameLength(frames, p) - EntryFrame.HEADER_LENGTH);
            }
            markLogDirty();
            try
            {
                log.appendFrames(frames, position, limit - position, count);
                index += count;
            }
            catch (final AppendRefusedException ex)
            {
                // the entries before the refused one are in: acknowledge those, and the leader resends the rest
                onAppendRefused(ex);
                index = log.lastIndex();
            }
            break;
        }

        // only what this message proves to match the leader counts, not an older suffix beyond it
        final long matched = index;
        final long newCommit = Math.min(leaderCommit, Fault.COMMIT_BEYOND_MATCH == fault ? log.lastIndex() : matched);
        if (newCommit > commitIndex && (0 != entryCount || Fault.COMMIT_ONLY_WITH_ENTRIES != fault))
        {
            commitIndex = newCommit;
        }

        if (responsePending && responseTo == leaderId)
        {
            responseMatchIndex = Math.max(responseMatchIndex, matched);
            responseSequence = Math.max(responseSequence, sequence);
        }
        else
        {
            responsePending = true;
            responseTo = leaderId;
            responseMatchIndex = matched;
            responseSequence = sequence;
        }
        responseSent = false; // every message is answered
    }

    public void onAppendEntriesResponse(
        final int followerId,
        final long term,
        final boolean success,
        final long lastLogIndex,
        final long conflictTerm,
        final long sequence)
    {
        if (!fromPeer(followerId) || !inRange(term >= 0 && term <= MAX_TERM && lastLogIndex >= 0 &&
            lastLogIndex <= MAX_INDEX && conflictTerm >= 0 && conflictTerm <= term && sequence >= 0))
        {
            return;
        }
        final int slot = slotOf(followerId);
        if (term > term())
        {
            becomeFollower(term, NO_MEMBER);
            return;
        }
        if (Role.LEADER != role || term != term())
        {
            return;
        }
        if ((success && lastLogIndex > log.lastIndex()) || sequence > this.sequence)
        {
            // a follower cannot hold entries this leader never had, nor answer a round it has not sent
            outOfRangeMessages++;
            return;
        }
        lastResponseNs[slot] = nowNs;
        probeOutstanding[slot] = false;
        if (sequence > ackedSequence[slot])
        {
            ackedSequence[slot] = sequence;
            if (sequence > this.sequence - SEND_TIME_RING)
            {
                final long sentNs = sendNsBySequence[(int)(sequence & (SEND_TIME_RING - 1))];
                ackedSendNs[slot] = Math.max(ackedSendNs[slot], sentNs);
            }
        }
        if (success)
        {
            if (lastLogIndex > matchIndex[slot])
            {
                matchIndex[slot] = lastLogIndex;
            }
            if (nextIndex[slot] <= matchIndex[slot])
            {
                nextIndex[slot] = matchIndex[slot] + 1;
            }
            releaseInflight(slot, matchIndex[slot]);
            probing[slot] = false;
        }
        else
        {
            // back off to the follower's hint, never below what it is known to hold: when this leader has entries
            // of the follower's conflicting term, the last of them may match; otherwise skip that term entirely
            long candidate = lastLogIndex + 1;
            if (conflictTerm > 0)
            {
                final long last = lastIndexOfTerm(conflictTerm, matchIndex[slot], nextIndex[slot] - 1);
                if (last > 0)
                {
                    candidate = last + 1;
                }
            }
            final long next = Math.max(matchIndex[slot] + 1, Math.min(candidate, nextIndex[slot] - 1));
            // next equals nextIndex only when the follower holds all that was sent, and then nothing is in flight
            if (next < nextIndex[slot])
            {
                nextIndex[slot] = next;
                clearInflight(slot);
            }
            probing[slot] = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // End of a duty-cycle pass
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Send what this pass appended, as one batch per follower, and heartbeats when due. Runs before
     * {@link #flush()} so that the transport can put the batch on the wire while this member syncs its own log.
     *
     * @return the amount of work done.
     */
    public int replicate()
    {
        if (Role.LEADER != role)
        {
            return 0;
        }
        if (startEntryMissing && NO_MEMBER == transferTarget && nowNs - nextStartEntryAttemptNs >= 0)
        {
            final AppendRefusedException refused = appendStartEntry();
            if (null != refused)
            {
                onAppendRefused(refused);
            }
        }
        if (readRoundWanted && !roundRequested && quorumAckedSequence() >= lastRoundSequence)
        {
            // the last round is confirmed: the reads that came since get theirs, from the followers awaited, which
            // with this leader make a quorum; the others still hear every heartbeat
            roundRequested = true;
            readOnlyRound = true;
        }
        return sendAppendEntries();
    }

    /**
     * Sync the log once for everything this pass appended, answer the leader, advance the commit index and apply.
     *
     * @return the amount of work done.
     */
    public int flush()
    {
        int work = 0;
        if (logDirty && (syncsAtOnce() || nowNs - dirtySinceNs >= LAZY_SYNC_NS) && log.requestSync())
        {
            // one sync covers all that was appended since the last one started; with a helper thread it runs beside
            // the duty cycle, which carries on and takes up its end through durableIndex (thesis §10.2.1)
            logDirty = false;
            work++;
        }
        final long durable = log.durableIndex();
        if (durable != syncedIndex)
        {
            syncedIndex = durable;
            work++;
        }
        if (Role.LEADER == role)
        {
            work += advanceCommitIndex(); // the leader counts itself for what it has synced
        }
        else if (responsePending)
        {
            // an entry counts as appended only once it is synced: a message is answered once all it matched is
            // durable (at once for a heartbeat), or sooner with what is, whenever a sync moves that on; a sync that
            // covers several messages answers them all at once
            final long match = Math.min(responseMatchIndex, syncedIndex);
            if ((!responseSent && match == responseMatchIndex) || match > responseSentMatch)
            {
                if (transport.sendAppendEntriesResponse(responseTo, term(), true, match, 0, responseSequence))
                {
                    responseSent = true;
                    responseSentMatch = match;
                    responsePending = match < responseMatchIndex;
                }
                work++;
            }
        }
        work += apply();
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------

    private int sendAppendEntries()
    {
        final boolean round = roundRequested;
        final boolean readOnly = readOnlyRound;
        // every message of this pass carries one sequence, later than any read registered before it
        final long seq = sequence + 1;
        if (round)
        {
            roundRequested = false;
            readOnlyRound = false;
            readRoundWanted = false;
            lastRoundSequence = seq;
            if (!readOnly)
            {
                heartbeatDeadlineNs = nowNs + heartbeatIntervalNs;
            }
        }
        int work = 0;
        final long lastIndex = log.lastIndex();
        chooseAwaited();
        for (int slot = 0; slot < peerIds.length; slot++)
        {
            // a follower silent for an election timeout may have lost what was in flight: probe from its match
            if (nowNs - lastResponseNs[slot] > electionTimeoutNs && nextIndex[slot] > matchIndex[slot] + 1)
            {
                nextIndex[slot] = matchIndex[slot] + 1;
                clearInflight(slot);
                probing[slot] = true;
                probeOutstanding[slot] = false;
                lastResponseNs[slot] = nowNs;
            }
            // a round for reads skips only the caught-up followers not awaited: one that lags or is probed gets
            // every round, which is what finds a lost message and moves its probe on
            final boolean roundToSlot = round && (!readOnly || awaited[slot] || probing[slot] ||
                matchIndex[slot] < lastIndex);
            // a caught-up follower not awaited gets what was appended since its last message once per LAZY_SEND_NS,
            // or with a round; one catching up or probed gets it as fast as its window allows
            final boolean gathers = mayGather(slot) && !roundToSlot && nowNs - entriesSentNs[slot] < LAZY_SEND_NS;
            boolean sent = false;
            int messages = 0;
            while (!gathers && nextIndex[slot] <= lastIndex && messages < MAX_MESSAGES_PER_FLUSH &&
                inflightTail[slot] - inflightHead[slot] < INFLIGHT_RING &&
                (!probing[slot] || (messages == 0 && (roundToSlot || !probeOutstanding[slot]))))
            {
                final long next = nextIndex[slot];
                final long inflight = sentBytes[slot] - ackedBytes[slot];
                // a slow follower gets no more than the in-flight bound, so it cannot fill the publication that
                // heartbeats and other members' batches share, nor take the whole pass
                if (!log.read(next, (int)Math.min(maxBatchBytes, maxInflightBytes - inflight), run) ||
                    (inflight > 0 && inflight + run.length > maxInflightBytes))
                {
                    break;
                }
                // a follower this message holds back (its window full) is awaited too: its answer lets more go
                final boolean holdsBack = inflight + run.length > maxInflightBytes - maxBatchBytes ||
                    inflightTail[slot] - inflightHead[slot] >= INFLIGHT_RING - 1;
                if (!transport.sendAppendEntries(
                    peerIds[slot], term(), next - 1, log.termAt(next - 1), commitIndex, seq,
                    run.buffer, run.offset, run.length, run.count, awaited[slot] || holdsBack))
                {
                    break;
                }
                sent = true;
                messages++;
                entriesSentNs[slot] = nowNs;
                nextIndex[slot] = next + run.count;
                trackInflight(slot, nextIndex[slot] - 1, run.length);
                probeOutstanding[slot] = probing[slot];
            }
            if (!gathers)
            {
                sentAll[slot] = nextIndex[slot] > lastIndex;
            }
            if (!sent && roundToSlot)
            {
                final long prev = nextIndex[slot] - 1;
                sent = transport.sendAppendEntries(
                    peerIds[slot], term(), prev, log.termAt(prev), commitIndex, seq, EMPTY, 0, 0, 0, awaited[slot]);
            }
            if (peerIds[slot] == transferTarget && !timeoutNowSent && matchIndex[slot] == lastIndex &&
                commitIndex == lastIndex)
            {
                // the target's election ignores leader stickiness, which the lease relies on: no lease for the rest
                // of this term, even should the transfer be abandoned (a late TimeoutNow still starts an election)
                leaseRevoked = true;
                timeoutNowSent = transport.sendTimeoutNow(transferTarget, term());
            }
            if (sent)
            {
                sequence = seq;
                sendNsBySequence[(int)(seq & (SEND_TIME_RING - 1))] = nowNs;
                work++;
            }
        }
        return work;
    }

    /**
     * Pick the followers this leader counts on to commit, a quorum with itself, and the target of a transfer. First
     * those that answered within a heartbeat interval; then those that answered in this term; then those already
     * awaited, unless another that holds all that is committed acknowledged a message sent more than
     * {@link #LAZY_SYNC_NS} later than the last one they did; then those that acknowledged the latest message, and
     * matched the most. The others sync within {@link #LAZY_SYNC_NS} and get their entries once per
     * {@link #LAZY_SEND_NS}, so a batch costs a quorum of syncs and messages, not one per member, and the marks stay
     * put while those awaited keep up.
     */
    private void chooseAwaited()
    {
        final boolean[] chosen = awaitedScratch;
        final int peers = peerIds.length;
        for (int slot = 0; slot < peers; slot++)
        {
            chosen[slot] = peerIds[slot] == transferTarget;
        }
        for (int pick = 1; pick < quorum; pick++)
        {
            int best = -1;
            for (int slot = 0; slot < peers; slot++)
            {
                if (!chosen[slot] && (best < 0 || awaitsBefore(slot, best)))
                {
                    best = slot;
                }
            }
            if (best >= 0)
            {
                chosen[best] = true;
            }
        }
        System.arraycopy(chosen, 0, awaited, 0, peers);
    }

    /**
     * @return whether the leader may hold what it appends for this follower for up to {@link #LAZY_SEND_NS}: one it
     * does not await, and that is neither catching up nor probed.
     */
    private boolean mayGather(final int slot)
    {
        return sentAll[slot] && !awaited[slot] && !probing[slot];
    }

    private boolean awaitsBefore(final int slot, final int other)
    {
        final boolean live = nowNs - lastResponseNs[slot] <= heartbeatIntervalNs;
        if (live != nowNs - lastResponseNs[other] <= heartbeatIntervalNs)
        {
            return live;
        }
        final boolean answered = ackedSequence[slot] > 0;
        if (answered != ackedSequence[other] > 0)
        {
            return answered;
        }
        if (awaited[slot] != awaited[other])
        {
            // the marks stay put unless the one awaited lags: moving them to whichever answer came first would have
            // every follower sync and be sent every batch in turn
            final int challenger = awaited[slot] ? other : slot;
            final int holder = awaited[slot] ? slot : other;
            final boolean passes = matchIndex[challenger] >= commitIndex &&
                ackedSendNs[challenger] - ackedSendNs[holder] > LAZY_SYNC_NS;
            return passes == (challenger == slot);
        }
        if (ackedSendNs[slot] != ackedSendNs[other])
        {
            return ackedSendNs[slot] > ackedSendNs[other]; // the one that acknowledged a later message
        }
        return matchIndex[slot] > matchIndex[other];
    }

    /**
     * A follower syncs at once when its leader awaits it, or when it holds nothing beyond the commit index: it is
     * catching up, and each sync it delays would hold back the next batch the leader has for it.
     */
    private boolean syncsAtOnce()
    {
        return Role.FOLLOWER != role || leaderAwaits || commitIndex >= log.lastIndex();
    }

    private void markLogDirty()
    {
        if (!logDirty)
        {
            logDirty = true;
            dirtySinceNs = nowNs;
        }
    }

    private int advanceCommitIndex()
    {
        final int peers = peerIds.length;
        for (int i = 0; i < peers; i++)
        {
            scratch[i] = matchIndex[i];
        }
        scratch[peers] = syncedIndex;
        final long quorumIndex = quorumValue(scratch, peers + 1, quorum);
        // only entries of the current term commit by counting replicas (§5.4.2)
        if (quorumIndex > commitIndex && (log.termAt(quorumIndex) == term() || Fault.COMMIT_PREVIOUS_TERM == fault))
        {
            commitIndex = quorumIndex;
            return 1;
        }
        return 0;
    }

    private int apply()
    {
        int applied = 0;
        long appliedBytes = 0;
        // at most 1,024 entries, and about four batches of bytes: a backlog of large commands (MSETs of thousands of
        // keys) is applied over several passes, not in one that outlasts an election timeout
        while (lastApplied < commitIndex && applied < maxApplyPerFlush && appliedBytes < maxApplyBytesPerFlush)
        {
            if (!log.read(lastApplied + 1, maxBatchBytes, run))
            {
                throw new IllegalStateException("committed entry " + (lastApplied + 1) + " is not in the log");
            }
            final DirectBuffer buffer = run.buffer;
            int position = run.offset;
            for (int i = 0; i < run.count && lastApplied < commitIndex && applied < maxApplyPerFlush; i++)
            {
                final int frameLength = EntryFrame.frameLength(buffer, position);
                final long index = lastApplied + 1;
                stateMachine.apply(
                    index,
                    EntryFrame.term(buffer, position),
                    EntryFrame.type(buffer, position),
                    buffer,
                    position + EntryFrame.HEADER_LENGTH,
                    frameLength - EntryFrame.HEADER_LENGTH);
                lastApplied = index;
                applied++;
                appliedBytes += frameLength;
                position += EntryFrame.alignedLength(frameLength - EntryFrame.HEADER_LENGTH);
            }
        }
        return applied;
    }

    private void trackInflight(final int slot, final long endIndex, final int length)
    {
        sentBytes[slot] += length;
        final int at = slot * INFLIGHT_RING + (inflightTail[slot] & (INFLIGHT_RING - 1));
        inflightEndIndex[at] = endIndex;
        inflightEndBytes[at] = sentBytes[slot];
        inflightTail[slot]++;
    }

    private void releaseInflight(final int slot, final long matched)
    {
        while (inflightHead[slot] != inflightTail[slot])
        {
            final int at = slot * INFLIGHT_RING + (inflightHead[slot] & (INFLIGHT_RING - 1));
            if (inflightEndIndex[at] > matched)
            {
                break;
            }
            ackedBytes[slot] = inflightEndBytes[at];
            inflightHead[slot]++;
        }
    }

    private void clearInflight(final int slot)
    {
        inflightHead[slot] = inflightTail[slot];
        ackedBytes[slot] = sentBytes[slot];
    }

    /**
     * @return the first index at or before last whose entry has this term; terms never decrease along a log.
     */
    private long firstIndexOfTerm(final long term, final long last)
    {
        long low = 1;
        long high = last;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            if (log.termAt(mid) < term)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return high;
    }

    /**
     * @return the last index in [from, to] whose entry has this term, or -1 when none has.
     */
    private long lastIndexOfTerm(final long term, final long from, final long to)
    {
        long low = from;
        long high = to;
        if (low > high || log.termAt(low) > term)
        {
            return -1;
        }
        while (low < high)
        {
            final long mid = (low + high + 1) >>> 1;
            if (log.termAt(mid) <= term)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return log.termAt(low) == term ? low : -1;
    }

    private void checkQuorum()
    {
        // a leader that has not heard from a majority for an election timeout steps down (thesis §6.2)
        int live = 1;
        for (int slot = 0; slot < peerIds.length; slot++)
        {
            if (nowNs - lastResponseNs[slot] <= electionTimeoutNs)
            {
                live++;
            }
        }
        if (live < quorum)
        {
            becomeFollower(term(), NO_MEMBER);
        }
        else
        {
            checkQuorumDeadlineNs = nowNs + electionTimeoutNs;
        }
    }

    private void startPreVote()
    {
        if (quorum == 1)
        {
            startElection(false);
            return;
        }
        leaderId = NO_MEMBER;
        Arrays.fill(voteGranted, false);
        role(Role.PRE_CANDIDATE);
        resetElectionDeadline();
        final long proposedTerm = term() + 1;
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.lastTerm();
        for (final int peerId : peerIds)
        {
            transport.sendRequestVote(peerId, proposedTerm, lastIndex, lastTerm, true, false);
        }
    }

    private void startElection(final boolean transfer)
    {
        final long newTerm = term() + 1;
        state.update(newTerm, memberId); // term and own vote are durable before any RequestVote leaves (§5.2)
        leaderId = NO_MEMBER;
        Arrays.fill(voteGranted, false);
        role(Role.CANDIDATE);
        resetElectionDeadline();
        if (quorum == 1)
        {
            becomeLeader();
            return;
        }
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.lastTerm();
        for (final int peerId : peerIds)
        {
            transport.sendRequestVote(peerId, newTerm, lastIndex, lastTerm, false, transfer);
        }
    }

    private void becomeLeader()
    {
        leaderId = memberId;
        final long lastIndex = log.lastIndex();
        for (int slot = 0; slot < peerIds.length; slot++)
        {
            nextIndex[slot] = lastIndex + 1;
            matchIndex[slot] = 0;
            ackedSequence[slot] = 0;
            ackedSendNs[slot] = 0;
            lastResponseNs[slot] = nowNs;
            entriesSentNs[slot] = nowNs - LAZY_SEND_NS;
            sentAll[slot] = false;
            probing[slot] = false;
            probeOutstanding[slot] = false;
            clearInflight(slot);
        }
        responsePending = false;
        responseSentMatch = -1;
        sequence = 0;
        lastRoundSequence = 0;
        readRoundWanted = false;
        readOnlyRound = false;
        transferTarget = NO_MEMBER;
        leaseRevoked = false;
        // no read may be served before an entry of this term commits: none can until one is appended
        leaderStartIndex = Long.MAX_VALUE;
        startEntryMissing = true;
        final AppendRefusedException refused = appendStartEntry();
        roundRequested = true;
        checkQuorumDeadlineNs = nowNs + electionTimeoutNs;
        role(Role.LEADER);
        if (null != refused)
        {
            onAppendRefused(refused);
        }
    }

    /**
     * Append this term's no-op, which lets earlier entries commit and marks where reads may start (§8); when the log
     * refuses it, try again no sooner than a heartbeat interval from now.
     *
     * @return null, or why the log refused it.
     */
    private AppendRefusedException appendStartEntry()
    {
        nextStartEntryAttemptNs = nowNs + heartbeatIntervalNs;
        try
        {
            leaderStartIndex = log.append(term(), EntryFrame.TYPE_NOOP, EMPTY, 0, 0);
            startEntryMissing = false;
            markLogDirty();
            return null;
        }
        catch (final AppendRefusedException ex)
        {
            return ex;
        }
    }

    private void becomeFollower(final long term, final int leaderId)
    {
        if (term > term())
        {
            state.update(term, NO_MEMBER);
            responsePending = false; // an answer owed to an older term's leader acknowledges nothing of this one's
            responseSentMatch = -1;
        }
        if (this.leaderId != leaderId || Role.FOLLOWER != role)
        {
            this.leaderId = leaderId;
            responsePending = false;
            responseSentMatch = -1;
            leaderAwaits = true; // until the new leader says otherwise
            role(Role.FOLLOWER);
        }
        resetElectionDeadline();
    }

    private void role(final Role newRole)
    {
        role = newRole;
        stateMachine.onRoleChange(newRole, term(), leaderId);
    }

    private void resetElectionDeadline()
    {
        // randomized in [T, 2T) so that split votes are rare (§5.2)
        electionDeadlineNs = nowNs + electionTimeoutNs + (long)(random.nextDouble() * electionTimeoutNs);
    }

    private boolean fromPeer(final int id)
    {
        if (slotOf(id) >= 0)
        {
            return true;
        }
        unknownSenderMessages++;
        return false;
    }

    private boolean inRange(final boolean inRange)
    {
        if (!inRange)
        {
            outOfRangeMessages++;
        }
        return inRange;
    }

    private int slotOf(final int id)
    {
        return id > 0 && id < slotById.length ? slotById[id] : -1;
    }

    /**
     * A run is valid when each frame is whole with its checksum, and their terms do not descend, from no lower than
     * the entry before the run to no higher than the leader's term.
     */
    private static boolean framesValid(
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int entryCount,
        final long prevLogTerm,
        final long leaderTerm)
    {
        int position = offset;
        final int limit = offset + length;
        int count = 0;
        long previousTerm = Math.max(1, prevLogTerm);
        while (position < limit)
        {
            final int aligned = EntryFrame.validate(frames, position, limit);
            if (aligned < 0)
            {
                return false;
            }
            final long term = EntryFrame.term(frames, position);
            if (term < previousTerm || term > leaderTerm)
            {
                return false;
            }
            previousTerm = term;
            position += aligned;
            count++;
        }
        return count == entryCount;
    }

    /**
     * The value that at least quorum of the first count values reach: the quorum-th largest.
     * Sorts the scratch values in place (a handful of members: insertion sort, no allocation).
     */
    static long quorumValue(final long[] values, final int count, final int quorum)
    {
        for (int i = 1; i < count; i++)
        {
            final long v = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] < v)
            {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = v;
        }
        return values[quorum - 1];
    }
}

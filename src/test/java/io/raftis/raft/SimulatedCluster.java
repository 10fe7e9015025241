package io.raftis.raft;

import io.raftis.config.Configuration;
import io.raftis.jepsen.History;
import io.raftis.jepsen.Operation;
import io.raftis.node.EntryHeader;
import io.raftis.node.EntryParts;
import io.raftis.node.InProcessNode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Whole clusters of Raft cores in one thread over a simulated network and simulated clocks, driven by one seed.
 * <p>
 * True time advances one step at a time; each member reads its own clock, which starts at its own offset and runs
 * fast or slow within {@link RaftNode#MAX_CLOCK_RATE_ERROR_PPM}. The network delays, drops, duplicates, reorders and
 * now and then holds a message back for several election timeouts, and cuts links one way or both; members crash
 * (keeping what they synced, and possibly some of what they had not), restart, and pause: a paused member does
 * nothing while its clock and the others move on, and resumes with its stale view, serving its clients before it
 * reads what the network holds for it, as a real node's duty cycle does.
 * <p>
 * Each step runs every live member's pass in the order of raftis's duty cycle: client requests that arrived, Raft
 * messages that arrived, timers, replicate, flush (sync, commit, apply), then the replies. Each member's client side
 * is the node's real dispatcher and keyspace ({@link InProcessNode}); simulated Redis clients send it SET and GET in
 * RESP, through the member they believe leads, following -MOVED; their requests wait in the member's socket while it
 * is paused. After each member's messages the log matching property is checked, at each election election safety
 * and leader completeness, at each apply state-machine safety, at each reply its order; {@link #history()} is the
 * clients' history for a linearizability check. A violation throws with the seed and the last lines of a readable trace; the
 * seed replays the run exactly.
 */
final class SimulatedCluster
{
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(150);
    static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(25);
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The longest a sync on a helper thread takes: as long as the longest network delay. */
    static final long MAX_SYNC_NS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long CLIENT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    static final int TRACE_LINES = 400;
    private static final String SET_PREFIX = "*3\r\n$3\r\nSET\r\n$";

    /**
     * Bugs to inject, to show that the checkers catch them: a rule broken in the real core through its test-only
     * {@link Fault} hook, or a disk that breaks its promise.
     */
    enum Bug
    {
        NONE(Fault.NONE),
        DOUBLE_VOTE(Fault.DOUBLE_VOTE),
        COUNT_STALE_VOTES(Fault.COUNT_STALE_VOTES),
        SKIP_LOG_CONSISTENCY_CHECK(Fault.SKIP_LOG_CONSISTENCY_CHECK),
        VOTE_WITHOUT_LOG_CHECK(Fault.VOTE_WITHOUT_LOG_CHECK),
        COMMIT_PREVIOUS_TERM(Fault.COMMIT_PREVIOUS_TERM),
        COMMIT_BEYOND_MATCH(Fault.COMMIT_BEYOND_MATCH),
        COMMIT_ONLY_WITH_ENTRIES(Fault.COMMIT_ONLY_WITH_ENTRIES),
        READ_WITHOUT_QUORUM(Fault.READ_WITHOUT_QUORUM),
        READ_BEFORE_NOOP_COMMITS(Fault.READ_BEFORE_NOOP_COMMITS),
        LEASE_WITHOUT_EXPIRY(Fault.LEASE_WITHOUT_EXPIRY),
        LEASE_WITHOUT_DRIFT_MARGIN(Fault.LEASE_WITHOUT_DRIFT_MARGIN),
        /**
         * The node's dispatcher lets a read run ahead of the writes its connection sent before it.
         */
        READS_OVERTAKE_WRITES(Fault.NONE),
        /**
         * The node's dispatcher answers a write longer than a batch when its first part applies, not its last.
         */
        ANSWER_AT_FIRST_PART(Fault.NONE),
        /**
         * A crash silently rewrites the payload of the last entry it keeps, leaving its term and checksum valid.
         */
        CORRUPT_ENTRY(Fault.NONE);

        final Fault fault;

        Bug(final Fault fault)
        {
            this.fault = fault;
        }
    }

    final long seed;
    final Random random;
    final int size;
    final Member[] members;
    final PriorityQueue<Message> network = new PriorityQueue<>();
    final Map<Long, Integer> leaderByTerm = new HashMap<>();
    final Map<Long, String> committed = new HashMap<>();
    /** Per committed index, a term in which it was known committed: no earlier than the term that committed it. */
    final Map<Long, Long> committedInTerm = new HashMap<>();
    final Map<EntryId, Long> chainByEntry = new HashMap<>();
    final ArrayDeque<String> trace = new ArrayDeque<>();
    final boolean[] isolated;
    final boolean[][] blocked;
    final List<Client> clients = new ArrayList<>();
    final History history = new History();
    Bug bug = Bug.NONE;
    boolean printTrace;
    boolean clientsStopped;
    boolean leaseReads;
    /** Where the members' wall clocks start: the time their writes are stamped with counts from here. */
    static final long SIMULATED_EPOCH_MS = 1_800_000_000_000L;
    /** True time: the history's clock. Members read their own clocks. */
    long nowNs;
    long messageSequence;
    double dropRate;
    double duplicateRate;
    long maxDelayNs = TimeUnit.MILLISECONDS.toNanos(5);
    /** Messages this matches are held back until {@link #releaseHeld()}, as a congested link would. */
    Predicate<Message> holdBack;
    final List<Message> held = new ArrayList<>();
    /** The share of messages held back for up to {@link #lateDelayNs}, as a retransmission or a full buffer would. */
    double lateRate;
    long lateDelayNs = 3 * ELECTION_TIMEOUT_NS;
    int maxBatchBytes = 4096;
    int maxInflightBytes = 16384;
    /** Client writes a leader may hold appended and not yet applied; taken up when the members (re)start. */
    int maxPendingWrites = Configuration.MAX_PENDING_WRITES_DEFAULT;
    private long writesThatWaitedForRoomBeforeRestarts;
    /** Appends each member rejected naming a conflicting term: each a step back over a diverged log. */
    int[] conflictRejections;
    long messagesDelivered;
    long moved;
    long clusterDown;
    long tryAgain;
    long uncertain;
    long pipelined;
    long largeWrites;
    long timedOut;
    long diskFull;

    record EntryId(long index, long term)
    {
    }

    SimulatedCluster(final int size, final long seed)
    {
        this.seed = seed;
        this.random = new Random(seed);
        this.size = size;
        this.members = new Member[size + 1];
        this.isolated = new boolean[size + 1];
        this.blocked = new boolean[size + 1][size + 1];
        this.conflictRejections = new int[size + 1];
        for (int id = 1; id <= size; id++)
        {
            members[id] = new Member(id, new MemoryLog(), new MemoryState());
        }
    }

    /**
     * Set the bug to inject; call before the first step.
     */
    void inject(final Bug bug)
    {
        this.bug = bug;
        for (int id = 1; id <= size; id++)
        {
            members[id].raft.inject(bug.fault);
            members[id].injectNodeBug(bug);
        }
    }

    /**
     * Serve reads with leases (--read-consistency=lease) rather than ReadIndex; call before the first step.
     */
    void leaseReads(final boolean leaseReads)
    {
        this.leaseReads = leaseReads;
        for (int id = 1; id <= size; id++)
        {
            members[id].start();
        }
    }

    /**
     * Bound the bytes of one AppendEntries and of those in flight to one follower; call before the first step.
     */
    /**
     * @return how many times a leader's write waited for room among its pending writes, over every member's life.
     */
    long writesThatWaitedForRoom()
    {
        long total = writesThatWaitedForRoomBeforeRestarts;
        for (int id = 1; id <= size; id++)
        {
            total += members[id].node.writesThatWaitedForRoom();
        }
        return total;
    }

    void batchLimits(final int maxBatchBytes, final int maxInflightBytes)
    {
        this.maxBatchBytes = maxBatchBytes;
        this.maxInflightBytes = maxInflightBytes;
        for (int id = 1; id <= size; id++)
        {
            members[id].start();
        }
    }

    /**
     * Let every member's clock run at a rate drawn within maxPpm of true time; at the bound, each runs either as fast
     * or as slow as allowed, the pairs that make leases hardest to keep.
     */
    void clockRates(final long maxPpm, final boolean extremes)
    {
        for (int id = 1; id <= size; id++)
        {
            final long ppm = extremes ? (random.nextBoolean() ? maxPpm : -maxPpm) :
                (long)((random.nextDouble() * 2 - 1) * maxPpm);
            members[id].ratePpm = ppm;
        }
        final StringBuilder rates = new StringBuilder("clock rates");
        for (int id = 1; id <= size; id++)
        {
            rates.append(' ').append(id).append(':').append(members[id].ratePpm).append("ppm");
        }
        trace(rates.toString());
    }

    final class Member implements StateMachine, RaftTransport
    {
        final int id;
        MemoryLog log;
        PersistentState state;
        RaftNode raft;
        boolean crashed;
        boolean diskFull;
        boolean paused;
        /** This member's clock: its own offset, advanced each step by the step scaled by its rate error. */
        long clockNs;
        long ratePpm;
        final Map<Long, String> applied = new HashMap<>();
        final Map<String, String> registers = new HashMap<>();
        /** The write in parts being put back together from the log, as the log says it; null when none. */
        StringBuilder partRun;
        long partRunTerm;
        /** The node's client side: its real dispatcher, keyspace and connections. */
        InProcessNode node;
        /** Raft messages that arrived and wait for this member's next pass. */
        final ArrayDeque<Message> arrived = new ArrayDeque<>();
        long checkedIndex;
        /** Whether this member syncs on a helper thread, whose syncs end up to {@link #MAX_SYNC_NS} later. */
        final boolean asyncSync;
        long syncEndsAtNs = -1;

        Member(final int id, final MemoryLog log, final PersistentState state)
        {
            this.id = id;
            this.log = log;
            this.state = state;
            this.clockNs = TimeUnit.SECONDS.toNanos(1 + random.nextInt(1_000_000));
            this.asyncSync = random.nextBoolean();
            start();
        }

        void start()
        {
            final int[] ids = new int[size];
            for (int i = 0; i < size; i++)
            {
                ids[i] = i + 1;
            }
            applied.clear();
            registers.clear();
            partRun = null;
            arrived.clear();
            checkedIndex = 0;
            if (null != node)
            {
                writesThatWaitedForRoomBeforeRestarts += node.writesThatWaitedForRoom();
            }
            node = new InProcessNode(id, size, leaseReads ? Configuration.ReadConsistency.LEASE :
                Configuration.ReadConsistency.LINEARIZABLE, maxPendingWrites, this::onNodeError,
                () -> SIMULATED_EPOCH_MS + clockNs / 1_000_000); // its own clock, so a seed replays exactly
            raft = new RaftNode(
                id, ids, log, state, this, this, new Random(random.nextLong()),
                ELECTION_TIMEOUT_NS, HEARTBEAT_NS, maxBatchBytes, maxInflightBytes, clockNs);
            raft.inject(bug.fault);
            node.bind(raft, maxBatchBytes - EntryFrame.HEADER_LENGTH - EntryFrame.ALIGNMENT);
            injectNodeBug(bug);
            crashed = false;
            paused = false;
        }

        void injectNodeBug(final Bug bug)
        {
            if (Bug.READS_OVERTAKE_WRITES == bug)
            {
                node.letReadsOvertakePendingWrites();
            }
            if (Bug.ANSWER_AT_FIRST_PART == bug)
            {
                node.answerLargeWritesAtTheirFirstPart();
            }
        }

        /**
         * One duty-cycle pass, in the order of raftis's node: clients, messages, timers, replicate, flush, replies.
         */
        void pass()
        {
            log.refuseAppends = diskFull;
            log.asyncSync(asyncSync);
            if (!log.syncInFlight())
            {
                syncEndsAtNs = -1;
            }
            else if (syncEndsAtNs < 0)
            {
                // a sync on the helper thread takes from nothing to several network delays: commits and crashes
                // happen while one is in flight
                syncEndsAtNs = clockNs + (long)(random.nextDouble() * MAX_SYNC_NS);
            }
            else if (clockNs - syncEndsAtNs >= 0)
            {
                log.completeSync();
                syncEndsAtNs = -1;
            }
            raft.time(clockNs);
            node.pollClients();
            while (!arrived.isEmpty())
            {
                deliver(arrived.poll());
            }
            checkLogMatching(this);
            raft.tick(clockNs);
            raft.replicate();
            raft.flush();
            node.afterFlush();
            if (raft.nextTimerNs() - clockNs <= 0)
            {
                // an idle member sleeps until its next timer: one that stays due after a pass would never sleep
                fail("timers: member " + id + " (" + raft.role() + ") has a timer due at " + raft.nextTimerNs() +
                    " after a pass at " + clockNs);
            }
            if (node.pendingWrites() > maxPendingWrites)
            {
                fail("pending writes bound: member " + id + " holds " + node.pendingWrites() + " pending writes, " +
                    "more than " + maxPendingWrites);
            }
            if (raft.outOfRangeMessages() != 0 || raft.unknownSenderMessages() != 0)
            {
                // members send only what Raft allows: a range check that drops one of their messages is too tight
                fail("message ranges: member " + id + " dropped " + raft.outOfRangeMessages() + " messages out of " +
                    "range and " + raft.unknownSenderMessages() + " from unknown senders sent by its peers");
            }
        }

        private void onNodeError(final Throwable error)
        {
            // entries proposed straight to the core by a test are not Redis commands: the node skips them
            if (!String.valueOf(error.getMessage()).contains("is not a command this node can apply"))
            {
                fail("node error: member " + id + ": " + error);
            }
        }

        public void apply(
            final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
            final int length)
        {
            // a client's write is the member's header, then its RESP array; a long one comes in parts
            final int header = EntryHeader.hasHeader(buffer, offset, length) ? EntryHeader.LENGTH : 0;
            final String payload = EntryFrame.TYPE_COMMAND == type ?
                wholeWrite(term, buffer, offset, length, header) : "";
            final String value = term + ":" + buffer.getStringWithoutLengthAscii(offset, length); // as the log holds it
            final String previous = committed.putIfAbsent(index, value);
            if (null != previous && !previous.equals(value))
            {
                fail("state machine safety: member " + id + " applied " + value + " at " + index + " but " +
                    previous + " was applied there before");
            }
            // the member applying it is in the term that committed it or a later one
            committedInTerm.merge(index, raft.term(), Math::min);
            if (index != applied.size() + 1)
            {
                fail("member " + id + " applied " + index + " out of order");
            }
            applied.put(index, value);
            if (EntryFrame.TYPE_COMMAND == type && null != payload)
            {
                final int equals = payload.indexOf('=');
                if (payload.startsWith(SET_PREFIX))
                {
                    // *3 $3 SET $n key $m value, each line ended by CRLF
                    final int keyLineEnd = payload.indexOf('\r', SET_PREFIX.length());
                    final int keyStart = keyLineEnd + 2;
                    final int keyEnd = keyStart + Integer.parseInt(payload.substring(SET_PREFIX.length(), keyLineEnd));
                    final int valueStart = payload.indexOf('\n', keyEnd + 2) + 1;
                    registers.put(
                        payload.substring(keyStart, keyEnd), payload.substring(valueStart, payload.length() - 2));
                }
                else if (equals > 0)
                {
                    registers.put(payload.substring(0, equals), payload.substring(equals + 1));
                }
            }
            node.stateMachine().apply(index, term, type, buffer, offset, length);
        }

        /**
         * @return the command an entry completes, as the log says it: its own, or a run of parts' when it is the
         * last of them; null for a part that completes nothing.
         */
        private String wholeWrite(
            final long term, final DirectBuffer buffer, final int offset, final int length, final int header)
        {
            if (null != partRun && term != partRunTerm)
            {
                partRun = null; // its leader is gone: no later part finishes it
            }
            if (length < EntryParts.HEADER_LENGTH || EntryHeader.PART != buffer.getByte(offset))
            {
                return buffer.getStringWithoutLengthAscii(offset + header, length - header);
            }
            final byte flags = buffer.getByte(offset + EntryParts.FLAGS_OFFSET);
            if (0 != (flags & EntryParts.FIRST))
            {
                partRun = new StringBuilder();
                partRunTerm = term;
            }
            if (0 != (flags & EntryParts.ABORT) || null == partRun)
            {
                partRun = null;
                return null;
            }
            partRun.append(buffer.getStringWithoutLengthAscii(
                offset + EntryParts.HEADER_LENGTH, length - EntryParts.HEADER_LENGTH));
            if (0 == (flags & EntryParts.LAST))
            {
                return null;
            }
            final String whole = partRun.toString();
            partRun = null;
            return whole.substring(EntryHeader.LENGTH); // a client's write: its header, then its RESP array
        }

        public void onRoleChange(final Role role, final long term, final int leaderId)
        {
            trace("member " + id + " -> " + role + " term " + term + (leaderId != 0 ? " leader " + leaderId : ""));
            node.stateMachine().onRoleChange(role, term, leaderId);
            if (Role.LEADER == role)
            {
                final Integer other = leaderByTerm.putIfAbsent(term, id);
                if (null != other && other != id)
                {
                    fail("election safety: members " + other + " and " + id + " both lead term " + term);
                }
                // leader completeness: an entry committed in a term is in the logs of the leaders of every later
                // term (§5.4); a leader of an earlier term, elected late by votes that were delayed, may lack it
                for (final Map.Entry<Long, String> e : committed.entrySet())
                {
                    final long index = e.getKey();
                    if (committedInTerm.get(index) < term && (index > log.lastIndex() ||
                        !(log.termAt(index) + ":" + log.payload(index)).equals(e.getValue())))
                    {
                        fail("leader completeness: leader " + id + " of term " + term + " lacks committed entry " +
                            index + " " + e.getValue());
                    }
                }
            }
        }

        public boolean sendRequestVote(
            final int to,
            final long term,
            final long lastLogIndex,
            final long lastLogTerm,
            final boolean preVote,
            final boolean transfer)
        {
            // commit carries the flags: bit 0 pre-vote, bit 1 transfer
            return send(new Message(id, to, 'V', term, lastLogIndex, lastLogTerm,
                (preVote ? 1 : 0) | (transfer ? 2 : 0), 0, false, null, 0));
        }

        public boolean sendVoteResponse(final int to, final long term, final boolean granted, final boolean preVote)
        {
            return send(new Message(id, to, 'v', term, 0, 0, preVote ? 1 : 0, 0, granted, null, 0));
        }

        public boolean sendTimeoutNow(final int to, final long term)
        {
            return send(new Message(id, to, 'T', term, 0, 0, 0, 0, false, null, 0));
        }

        public boolean sendAppendEntries(
            final int to, final long term, final long prevLogIndex, final long prevLogTerm, final long leaderCommit,
            final long sequence, final DirectBuffer frames, final int offset, final int length, final int entryCount,
            final boolean awaited)
        {
            final byte[] copy = new byte[length];
            frames.getBytes(offset, copy);
            return send(new Message(
                id, to, 'A', term, prevLogIndex, prevLogTerm, leaderCommit, sequence, awaited, copy, entryCount));
        }

        public boolean sendAppendEntriesResponse(
            final int to,
            final long term,
            final boolean success,
            final long lastLogIndex,
            final long conflictTerm,
            final long sequence)
        {
            if (!success && conflictTerm > 0)
            {
                conflictRejections[id]++;
            }
            return send(new Message(id, to, 'a', term, lastLogIndex, conflictTerm, 0, sequence, success, null, 0));
        }

        void deliver(final Message m)
        {
            messagesDelivered++;
            switch (m.kind)
            {
                case 'V' -> raft.onRequestVote(
                    m.from, m.term, m.index, m.logTerm, (m.commit & 1) != 0, (m.commit & 2) != 0);
                case 'v' -> raft.onRequestVoteResponse(m.from, m.term, m.flag, m.commit != 0);
                case 'T' -> raft.onTimeoutNow(m.from, m.term);
                case 'A' -> raft.onAppendEntries(
                    m.from, m.term, m.index, m.logTerm, m.commit, m.sequence,
                    new UnsafeBuffer(m.frames), 0, m.frames.length, m.count, m.flag);
                case 'a' -> raft.onAppendEntriesResponse(m.from, m.term, m.flag, m.index, m.logTerm, m.sequence);
                default -> throw new IllegalStateException("unknown message " + m.kind);
            }
        }
    }

    static final class Message implements Comparable<Message>
    {
        final int from;
        final int to;
        final char kind;
        final long term;
        final long index;
        final long logTerm;
        final long commit;
        final long sequence;
        final boolean flag;
        final byte[] frames;
        final int count;
        long deliverAtNs;
        long order;

        Message(
            final int from, final int to, final char kind, final long term, final long index, final long logTerm,
            final long commit, final long sequence, final boolean flag, final byte[] frames, final int count)
        {
            this.from = from;
            this.to = to;
            this.kind = kind;
            this.term = term;
            this.index = index;
            this.logTerm = logTerm;
            this.commit = commit;
            this.sequence = sequence;
            this.flag = flag;
            this.frames = frames;
            this.count = count;
        }

        public int compareTo(final Message o)
        {
            final int c = Long.compare(deliverAtNs, o.deliverAtNs);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /**
     * One request a client sent and has not had the reply to.
     */
    record Request(Operation.Kind kind, String key, String value, long invokeNs)
    {
    }

    /**
     * A Redis client of the register store: it speaks RESP (SET and GET) over a connection to one member's real
     * dispatcher, sometimes pipelining a few requests, and follows -MOVED as a cluster-aware client does. A client
     * with a home member starts each round there, as a client of one node does; the others stay with whichever
     * member answered last. Replies must come in the order of the requests: a reply of the wrong kind fails the run.
     */
    final class Client
    {
        final int id;
        final String[] keys;
        int home;
        int target;
        /** When set, the only kind of request this client sends. */
        Operation.Kind only;
        /** A client that does not follow redirects keeps asking its home member. */
        boolean followRedirects = true;
        long nextOpNs;
        int written;
        InProcessNode.Link link;
        int linkMember;
        final ArrayDeque<Request> pending = new ArrayDeque<>();
        final StringBuilder replies = new StringBuilder();
        /** Where the last refusal of this round sent the client: -1 none, 0 anywhere, else a member. */
        int redirect = -1;

        Client(final int id, final String[] keys)
        {
            this.id = id;
            this.keys = keys;
            this.target = 1 + random.nextInt(size);
            this.home = random.nextBoolean() ? target : 0;
        }

        boolean busy()
        {
            return !pending.isEmpty();
        }

        void invoke()
        {
            final Member m = members[target];
            if (m.crashed)
            {
                // connection refused: nothing was sent
                target = 0 != home && !followRedirects ? home : 1 + random.nextInt(size);
                nextOpNs = nowNs + STEP_NS * (1 + random.nextInt(10));
                return;
            }
            if (null == link || linkMember != target || link.isClosedByServer())
            {
                if (null != link)
                {
                    link.close();
                }
                link = m.node.connect();
                linkMember = target;
                replies.setLength(0);
            }
            redirect = -1;
            final int count = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
            pipelined += count > 1 ? 1 : 0;
            for (int i = 0; i < count; i++)
            {
                final String key = keys[random.nextInt(keys.length)];
                final Operation.Kind kind = null != only ? only :
                    random.nextBoolean() ? Operation.Kind.READ : Operation.Kind.WRITE;
                final String value = Operation.Kind.WRITE == kind ? value() : null;
                pending.add(new Request(kind, key, value, nowNs));
                final String command = Operation.Kind.WRITE == kind ?
                    "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value +
                    "\r\n" :
                    "*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n";
                link.send(command.getBytes(StandardCharsets.US_ASCII));
                trace("client " + id + (Operation.Kind.WRITE == kind ? " SET " + key + " " + shown(value) :
                    " GET " + key) + " to member " + target);
            }
        }

        /**
         * Take the replies that arrived and settle the requests they answer, in order.
         */
        void receive()
        {
            if (null == link)
            {
                return;
            }
            replies.append(link.receive());
            int end;
            while (!pending.isEmpty() && (end = replyEnd(replies)) > 0)
            {
                final String reply = replies.substring(0, end - 2);
                replies.delete(0, end);
                settle(pending.poll(), reply);
            }
            if (!pending.isEmpty() && link.isClosedByServer())
            {
                abandon("connection closed by member " + linkMember);
            }
            if (pending.isEmpty() && nextOpNs <= nowNs)
            {
                roundDone();
            }
        }

        /**
         * @return a value no write wrote before; one in sixteen longer than a batch, so that it goes in parts.
         */
        private String value()
        {
            final String value = "c" + id + "." + (++written);
            if (random.nextInt(16) != 0)
            {
                return value;
            }
            largeWrites++;
            final StringBuilder large = new StringBuilder(value).append('~');
            final int length = maxBatchBytes + random.nextInt(2 * maxBatchBytes);
            while (large.length() < length)
            {
                large.append((char)('a' + large.length() % 26));
            }
            return large.toString();
        }

        private void settle(final Request request, final String reply)
        {
            final boolean write = Operation.Kind.WRITE == request.kind();
            trace("client " + id + (write ? " SET " + request.key() + " " + shown(request.value()) :
                " GET " + request.key()) + " <- " + shown(reply.replace("\r\n", " ")));
            if (reply.startsWith("-MOVED 0 127.0.0.1:"))
            {
                moved++;
                redirect = Integer.parseInt(reply.substring(reply.lastIndexOf(':') + 1)) -
                    InProcessNode.CLIENT_PORT_BASE;
            }
            else if (write && reply.startsWith("-MISCONF"))
            {
                diskFull++; // the leader's log refused the write: it did not happen
                redirect = Math.max(redirect, 0);
            }
            else if (reply.startsWith("-CLUSTERDOWN") || reply.startsWith("-TRYAGAIN"))
            {
                clusterDown += reply.startsWith("-CLUSTERDOWN") ? 1 : 0;
                tryAgain += reply.startsWith("-TRYAGAIN") ? 1 : 0;
                redirect = Math.max(redirect, 0);
            }
            else if (write && reply.startsWith("-UNCERTAIN"))
            {
                uncertain++;
                history.add(new Operation(id, request.key(), request.kind(), request.value(), request.invokeNs(), nowNs,
                    Operation.Outcome.INFO));
            }
            else if (write && reply.equals("+OK"))
            {
                history.add(new Operation(id, request.key(), request.kind(), request.value(), request.invokeNs(), nowNs,
                    Operation.Outcome.OK));
            }
            else if (!write && reply.startsWith("$"))
            {
                final String value = reply.equals("$-1") ? null : reply.substring(reply.indexOf("\r\n") + 2);
                history.add(new Operation(id, request.key(), request.kind(), value, request.invokeNs(), nowNs,
                    Operation.Outcome.OK));
            }
            else
            {
                fail("reply order: client " + id + " got " + reply.replace("\r\n", " ") + " for its " +
                    (write ? "SET " + request.key() + " " + request.value() : "GET " + request.key()));
            }
        }

        private void roundDone()
        {
            if (redirect > 0 && followRedirects)
            {
                target = redirect;
            }
            else if (redirect >= 0)
            {
                target = 0 != home && !followRedirects ? home : 1 + random.nextInt(size);
            }
            else if (0 != home)
            {
                target = home;
            }
            nextOpNs = nowNs + STEP_NS * (redirect >= 0 ? 1 + random.nextInt(10) : random.nextInt(5));
        }

        /**
         * The client gives up on what it sent: a timeout, or its connection reset. Writes may yet take effect.
         */
        void abandon(final String why)
        {
            trace("client " + id + " gives up on " + pending.size() + " requests: " + why);
            for (final Request request : pending)
            {
                if (Operation.Kind.WRITE == request.kind())
                {
                    history.add(new Operation(id, request.key(), request.kind(), request.value(), request.invokeNs(),
                        nowNs, Operation.Outcome.INFO));
                }
            }
            pending.clear();
            if (null != link)
            {
                link.close();
                link = null;
            }
            redirect = 0;
            roundDone();
        }

        void checkTimeout()
        {
            if (!pending.isEmpty() && nowNs - pending.peek().invokeNs() > CLIENT_TIMEOUT_NS)
            {
                timedOut++;
                abandon("timed out");
            }
        }
    }

    /**
     * @return a value or reply as the trace shows it: a long one cut short, with its length.
     */
    static String shown(final String value)
    {
        return null == value || value.length() <= 64 ? value :
            value.substring(0, 48) + "...(" + value.length() + " chars)";
    }

    /**
     * @return the offset just past the first whole reply, or -1 when it has not all arrived.
     */
    static int replyEnd(final CharSequence replies)
    {
        int crlf = -1;
        for (int i = 0; i + 1 < replies.length(); i++)
        {
            if (replies.charAt(i) == '\r' && replies.charAt(i + 1) == '\n')
            {
                crlf = i;
                break;
            }
        }
        if (crlf < 0)
        {
            return -1;
        }
        if (replies.charAt(0) == '$' && replies.charAt(1) != '-')
        {
            final int length = Integer.parseInt(replies.subSequence(1, crlf).toString());
            final int end = crlf + 2 + length + 2;
            return replies.length() >= end ? end : -1;
        }
        return crlf + 2;
    }

    void addClients(final int count, final String... keys)
    {
        for (int i = 0; i < count; i++)
        {
            clients.add(new Client(clients.size() + 1, keys));
        }
    }

    History history()
    {
        return history;
    }

    boolean send(final Message m)
    {
        if (cut(m.from, m.to) || random.nextDouble() < dropRate)
        {
            return true;
        }
        if (null != holdBack && holdBack.test(m))
        {
            held.add(m);
            trace("hold back " + m.kind + " " + m.from + " -> " + m.to + " term " + m.term);
            return true;
        }
        enqueue(m);
        if (random.nextDouble() < duplicateRate)
        {
            enqueue(m);
        }
        return true;
    }

    private boolean cut(final int from, final int to)
    {
        return isolated[from] || isolated[to] || blocked[from][to];
    }

    private void enqueue(final Message m)
    {
        final Message copy = new Message(
            m.from, m.to, m.kind, m.term, m.index, m.logTerm, m.commit, m.sequence, m.flag, m.frames, m.count);
        final long delayNs = lateRate > 0 && random.nextDouble() < lateRate ? lateDelayNs : maxDelayNs;
        copy.deliverAtNs = nowNs + 1 + (long)(random.nextDouble() * delayNs);
        copy.order = messageSequence++;
        network.add(copy);
    }

    /**
     * Deliver every held-back message in the next step and hold back no more.
     */
    void releaseHeld()
    {
        holdBack = null;
        for (final Message m : held)
        {
            final Message copy = new Message(
                m.from, m.to, m.kind, m.term, m.index, m.logTerm, m.commit, m.sequence, m.flag, m.frames, m.count);
            copy.deliverAtNs = nowNs + 1;
            copy.order = messageSequence++;
            network.add(copy);
        }
        trace("release " + held.size() + " held-back messages");
        held.clear();
    }

    /**
     * Cut the link from one member to another, one way.
     */
    void block(final int from, final int to)
    {
        blocked[from][to] = true;
        trace("cut " + from + " -> " + to);
    }

    /**
     * Cut the network into two sides: no message crosses either way.
     */
    void partition(final List<Integer> side)
    {
        for (int a = 1; a <= size; a++)
        {
            for (int b = 1; b <= size; b++)
            {
                blocked[a][b] = side.contains(a) != side.contains(b);
            }
        }
        trace("partition " + side + " from the rest");
    }

    /**
     * A member's disk fills up (its log refuses every append) or has room again.
     */
    void diskFull(final int id, final boolean full)
    {
        members[id].diskFull = full;
        trace((full ? "fill the disk of " : "free the disk of ") + id);
    }

    boolean diskIsFull(final int id)
    {
        return members[id].diskFull;
    }

    void heal()
    {
        for (int a = 1; a <= size; a++)
        {
            isolated[a] = false;
            for (int b = 1; b <= size; b++)
            {
                blocked[a][b] = false;
            }
        }
        trace("heal the network");
    }

    /**
     * Advance true time by one step: every clock moves on, what the network and the clients sent is due arrives,
     * and every live member that is not paused runs one pass.
     */
    void step()
    {
        nowNs += STEP_NS;
        for (int id = 1; id <= size; id++)
        {
            final Member member = members[id];
            member.clockNs += STEP_NS + STEP_NS / 1_000_000 * member.ratePpm;
        }
        while (!network.isEmpty() && network.peek().deliverAtNs <= nowNs)
        {
            final Message m = network.poll();
            final Member member = members[m.to];
            // a link cut while the message was on its way loses it too; a paused member finds it on resuming
            if (!member.crashed && !cut(m.from, m.to))
            {
                member.arrived.add(m);
            }
        }
        for (final Client client : clients)
        {
            client.checkTimeout();
            if (!client.busy() && nowNs >= client.nextOpNs && !clientsStopped)
            {
                client.invoke();
            }
        }
        for (int id = 1; id <= size; id++)
        {
            final Member member = members[id];
            if (!member.crashed && !member.paused)
            {
                member.pass();
            }
        }
        for (final Client client : clients)
        {
            client.receive();
        }
    }

    /**
     * Log matching (§5.3): two logs holding an entry of the same index and term hold the same entries up to it. Each
     * entry's chain hash covers its term, its payload and every entry before it; the first member to hold an (index,
     * term) fixes the hash every other member's entry there must have.
     */
    private void checkLogMatching(final Member member)
    {
        final MemoryLog log = member.log;
        final long from = Math.min(member.checkedIndex, log.takeChangedFrom() - 1);
        final long last = log.lastIndex();
        for (long index = from + 1; index <= last; index++)
        {
            final EntryId entry = new EntryId(index, log.termAt(index));
            final long chain = log.chainHash(index);
            final Long expected = chainByEntry.putIfAbsent(entry, chain);
            if (null != expected && expected != chain)
            {
                fail("log matching: member " + member.id + " holds entry " + index + " of term " + entry.term() +
                    " (" + log.payload(index) + ") but another log's entry " + index + " of that term follows " +
                    "different entries");
            }
        }
        member.checkedIndex = last;
        if (member.raft.commitIndex() > last)
        {
            fail("member " + member.id + " commit index " + member.raft.commitIndex() + " beyond its log " + last);
        }
    }

    void run(final long durationNs)
    {
        final long end = nowNs + durationNs;
        while (nowNs < end)
        {
            step();
        }
    }

    int leader()
    {
        int leader = 0;
        long term = -1;
        for (int id = 1; id <= size; id++)
        {
            final Member member = members[id];
            if (!member.crashed && !member.paused && member.raft.isLeader() && member.raft.term() > term &&
                !isolated[id])
            {
                leader = id;
                term = member.raft.term();
            }
        }
        return leader;
    }

    int awaitLeader(final long timeoutNs)
    {
        final long end = nowNs + timeoutNs;
        while (nowNs < end)
        {
            step();
            final int leader = leader();
            if (leader != 0 && members[leader].raft.commitIndex() >= members[leader].raft.readIndex())
            {
                return leader;
            }
        }
        return fail("no leader within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + "ms");
    }

    long propose(final int id, final String command)
    {
        final byte[] bytes = command.getBytes(StandardCharsets.US_ASCII);
        final long index = members[id].raft.propose(new UnsafeBuffer(bytes), 0, bytes.length);
        if (index > 0)
        {
            trace("member " + id + " proposed " + command + " at " + index);
        }
        return index;
    }

    void crash(final int id)
    {
        final Member member = members[id];
        member.crashed = true;
        member.paused = false;
        final MemoryLog log = member.log;
        // a process crash keeps what reached the page cache, a power cut only what was synced: keep a random part
        // of the unsynced suffix
        final long keep = log.syncedIndex() + (long)(random.nextDouble() * (log.lastIndex() - log.syncedIndex() + 1));
        member.log = log.crashCopy(keep);
        if (Bug.CORRUPT_ENTRY == bug && member.log.lastIndex() > 0)
        {
            member.log.corruptLastPayload();
        }
        member.arrived.clear();
        // the clients' connections to it are reset: their requests' outcome is unknown
        for (final Client client : clients)
        {
            if (null != client.link && client.linkMember == id)
            {
                if (client.busy())
                {
                    client.abandon("connection reset by member " + id);
                }
                client.link = null;
            }
        }
        trace("crash " + id + " keeping " + member.log.lastIndex() + " of " + log.lastIndex() + " entries (" +
            log.syncedIndex() + " synced)");
    }

    void restart(final int id)
    {
        trace("restart " + id);
        members[id].start();
    }

    /**
     * Stop a member's process (SIGSTOP): its clock runs on, messages and requests queue up for it.
     */
    void pause(final int id)
    {
        members[id].paused = true;
        trace("pause " + id);
    }

    void resume(final int id)
    {
        members[id].paused = false;
        trace("resume " + id + " (" + members[id].arrived.size() + " messages waiting)");
    }

    void trace(final String line)
    {
        final String stamped = TimeUnit.NANOSECONDS.toMillis(nowNs) + "ms " + line;
        if (printTrace)
        {
            System.out.println(stamped);
        }
        trace.addLast(stamped);
        if (trace.size() > TRACE_LINES)
        {
            trace.removeFirst();
        }
    }

    <T> T fail(final String message)
    {
        // a replay has printed the trace already
        throw new SimulationFailure(message, seed, printTrace ? "" : String.join("\n", trace));
    }

    /**
     * A safety violation found by the simulation, with the seed that replays it and the trace that led to it.
     */
    static final class SimulationFailure extends AssertionError
    {
        final long seed;
        final String property;

        SimulationFailure(final String message, final long seed, final String trace)
        {
            super(message + " (seed " + seed + ")\n" + trace);
            this.seed = seed;
            final int colon = message.indexOf(':');
            this.property = colon > 0 ? message.substring(0, colon) : message;
        }
    }
}

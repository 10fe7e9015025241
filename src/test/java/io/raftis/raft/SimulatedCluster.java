package io.raftis.raft;

import io.raftis.jepsen.History;
import io.raftis.jepsen.Operation;
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

/**
 * Whole clusters of Raft cores in one thread over a simulated network and clock, driven by one seed.
 * <p>
 * The network delays, drops, duplicates and reorders messages and cuts links one way or both; members crash
 * (keeping what they synced, and possibly some of what they had not) and restart. Simulated clients read and write
 * registers through the leader as raftis's dispatcher does: writes are acknowledged once applied, reads wait for a
 * ReadIndex barrier. After every step the Raft safety properties are checked (election safety, log matching, leader
 * completeness, state-machine safety); {@link #history()} is the clients' history for a linearizability check.
 * A violation throws with the seed and the last lines of a readable trace; the seed replays the run exactly.
 */
final class SimulatedCluster
{
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(150);
    static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(25);
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long CLIENT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    static final int TRACE_LINES = 400;

    /**
     * Bugs the harness can inject, to show that the checkers catch them.
     */
    enum Bug
    {
        NONE,
        /**
         * Every member answers reads from its own state machine at once, as if it were the leader.
         */
        STALE_READ,
        /**
         * A write is acknowledged as soon as the leader appended it, before a majority holds it.
         */
        EARLY_ACK,
        /**
         * The state store keeps the term but loses the vote: a member can vote twice in one term.
         */
        FORGET_VOTE,
        /**
         * The disk acknowledges syncs it never made: a crash keeps only a random prefix of the log.
         */
        LYING_FSYNC,
        /**
         * A crash silently rewrites the payload of the last entry it keeps, leaving its term and checksum valid.
         */
        CORRUPT_ENTRY
    }

    final long seed;
    final Random random;
    final int size;
    final Member[] members;
    final PriorityQueue<Message> network = new PriorityQueue<>();
    final Map<Long, Integer> leaderByTerm = new HashMap<>();
    final Map<Long, String> committed = new HashMap<>();
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
    long nowNs;
    long messageSequence;
    double dropRate;
    double duplicateRate;
    long maxDelayNs = TimeUnit.MILLISECONDS.toNanos(5);
    int[] rejectedAppends;
    long messagesDelivered;

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
        this.rejectedAppends = new int[size + 1];
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
        if (Bug.FORGET_VOTE == bug)
        {
            for (int id = 1; id <= size; id++)
            {
                final Member member = members[id];
                member.state = new PersistentState()
                {
                    private long term;

                    public long currentTerm()
                    {
                        return term;
                    }

                    public int votedFor()
                    {
                        return RaftNode.NO_MEMBER;
                    }

                    public void update(final long term, final int votedFor)
                    {
                        this.term = term;
                    }
                };
                member.start();
            }
        }
    }

    final class Member implements StateMachine, RaftTransport
    {
        final int id;
        MemoryLog log;
        PersistentState state;
        RaftNode raft;
        boolean crashed;
        final Map<Long, String> applied = new HashMap<>();
        final Map<String, String> registers = new HashMap<>();
        long checkedIndex;

        Member(final int id, final MemoryLog log, final PersistentState state)
        {
            this.id = id;
            this.log = log;
            this.state = state;
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
            checkedIndex = 0;
            raft = new RaftNode(
                id, ids, log, state, this, this, new Random(random.nextLong()),
                ELECTION_TIMEOUT_NS, HEARTBEAT_NS, 4096, 16384, nowNs);
            crashed = false;
        }

        public void apply(
            final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final String payload = buffer.getStringWithoutLengthAscii(offset, length);
            final String value = term + ":" + payload;
            final String previous = committed.putIfAbsent(index, value);
            if (null != previous && !previous.equals(value))
            {
                fail("state machine safety: member " + id + " applied " + value + " at " + index + " but " +
                    previous + " was applied there before");
            }
            if (index != applied.size() + 1)
            {
                fail("member " + id + " applied " + index + " out of order");
            }
            applied.put(index, value);
            if (EntryFrame.TYPE_COMMAND == type)
            {
                final int equals = payload.indexOf('=');
                if (equals > 0)
                {
                    registers.put(payload.substring(0, equals), payload.substring(equals + 1));
                }
            }
        }

        public void onRoleChange(final Role role, final long term, final int leaderId)
        {
            trace("member " + id + " -> " + role + " term " + term + (leaderId != 0 ? " leader " + leaderId : ""));
            if (Role.LEADER == role)
            {
                final Integer other = leaderByTerm.putIfAbsent(term, id);
                if (null != other && other != id)
                {
                    fail("election safety: members " + other + " and " + id + " both lead term " + term);
                }
                // leader completeness: every committed entry is in the new leader's log (§5.4)
                for (final Map.Entry<Long, String> e : committed.entrySet())
                {
                    final long index = e.getKey();
                    if (index > log.lastIndex() || !(log.termAt(index) + ":" + log.payload(index)).equals(e.getValue()))
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
            final long sequence, final DirectBuffer frames, final int offset, final int length, final int entryCount)
        {
            final byte[] copy = new byte[length];
            frames.getBytes(offset, copy);
            return send(new Message(
                id, to, 'A', term, prevLogIndex, prevLogTerm, leaderCommit, sequence, false, copy, entryCount));
        }

        public boolean sendAppendEntriesResponse(
            final int to,
            final long term,
            final boolean success,
            final long lastLogIndex,
            final long conflictTerm,
            final long sequence)
        {
            if (!success)
            {
                rejectedAppends[id]++;
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
                    new UnsafeBuffer(m.frames), 0, m.frames.length, m.count);
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
     * A client of the register store: one operation at a time, to the member it believes leads, following the
     * leader hint of a refusal as a Redis client follows -MOVED.
     */
    final class Client
    {
        final int id;
        final String[] keys;
        int target;
        long nextOpNs;
        int written;
        // the operation in flight
        Operation.Kind kind;
        String key;
        String value;
        long invokeNs;
        int member;
        long memberTerm;
        long index;
        long readSequence;
        long readIndex;

        Client(final int id, final String[] keys)
        {
            this.id = id;
            this.keys = keys;
            this.target = 1 + random.nextInt(size);
        }

        boolean busy()
        {
            return null != kind;
        }

        void invoke()
        {
            key = keys[random.nextInt(keys.length)];
            kind = random.nextBoolean() ? Operation.Kind.READ : Operation.Kind.WRITE;
            value = Operation.Kind.WRITE == kind ? "c" + id + "." + (++written) : null;
            invokeNs = nowNs;
            member = target;
            final Member m = members[member];
            if (m.crashed || isolated[member])
            {
                refused("member " + member + " is down");
                return;
            }
            final RaftNode raft = m.raft;
            if (Bug.STALE_READ == bug && Operation.Kind.READ == kind)
            {
                complete(m.registers.get(key), true);
                return;
            }
            if (!raft.isLeader())
            {
                final int hint = raft.leaderId();
                refused("MOVED to " + hint);
                return;
            }
            memberTerm = raft.term();
            if (Operation.Kind.WRITE == kind)
            {
                final byte[] bytes = (key + "=" + value).getBytes(StandardCharsets.US_ASCII);
                index = raft.propose(new UnsafeBuffer(bytes), 0, bytes.length);
                if (index < 0)
                {
                    refused("TRYAGAIN");
                    return;
                }
                trace("client " + id + " write " + key + "=" + value + " at member " + member + " index " + index);
                if (Bug.EARLY_ACK == bug)
                {
                    complete(null, true);
                }
            }
            else if (leaseReads && raft.hasLease() && raft.lastApplied() >= raft.readIndex())
            {
                // --read-consistency=lease: a leader within its lease answers at once
                complete(m.registers.get(key), true);
            }
            else
            {
                readSequence = raft.requestReadBarrier();
                readIndex = raft.readIndex();
                trace("client " + id + " read " + key + " at member " + member + " index " + readIndex);
            }
        }

        /**
         * Settle the operation in flight as raftis's dispatcher would, after the members' flush.
         */
        void poll()
        {
            final Member m = members[member];
            final boolean sameTerm = !m.crashed && m.raft.isLeader() && m.raft.term() == memberTerm;
            if (Operation.Kind.WRITE == kind)
            {
                final String entry = m.crashed ? null : m.applied.get(index);
                if (null != entry)
                {
                    if (entry.equals(memberTerm + ":" + key + "=" + value))
                    {
                        complete(null, true);
                    }
                    else
                    {
                        uncertain("index " + index + " holds " + entry);
                    }
                }
                else if (!sameTerm)
                {
                    uncertain("leader lost");
                }
                else if (nowNs - invokeNs > CLIENT_TIMEOUT_NS)
                {
                    uncertain("timed out");
                }
            }
            else
            {
                if (!sameTerm || nowNs - invokeNs > CLIENT_TIMEOUT_NS)
                {
                    refused("read abandoned"); // a read changes nothing: dropped from the history
                }
                else if (m.raft.isReadConfirmed(readSequence) && m.raft.lastApplied() >= readIndex)
                {
                    complete(m.registers.get(key), true);
                }
            }
        }

        private void complete(final String result, final boolean ok)
        {
            if (Operation.Kind.WRITE == kind)
            {
                history.add(ok ?
                    new Operation(id, key, kind, value, invokeNs, nowNs, Operation.Outcome.OK) :
                    new Operation(id, key, kind, value, invokeNs, nowNs, Operation.Outcome.INFO));
                trace("client " + id + " write " + key + "=" + value + (ok ? " ok" : " uncertain"));
            }
            else
            {
                history.add(new Operation(id, key, kind, result, invokeNs, nowNs, Operation.Outcome.OK));
                trace("client " + id + " read " + key + " = " + result + " from member " + member);
            }
            done();
        }

        private void uncertain(final String why)
        {
            trace("client " + id + " write " + key + "=" + value + " uncertain: " + why);
            history.add(new Operation(id, key, kind, value, invokeNs, nowNs, Operation.Outcome.INFO));
            done();
        }

        private void refused(final String why)
        {
            if (why.startsWith("MOVED to ") && !why.endsWith(" 0"))
            {
                target = Integer.parseInt(why.substring("MOVED to ".length()));
            }
            else
            {
                target = 1 + random.nextInt(size);
            }
            kind = null;
            nextOpNs = nowNs + STEP_NS * (1 + random.nextInt(10));
        }

        private void done()
        {
            kind = null;
            nextOpNs = nowNs + STEP_NS * random.nextInt(5);
        }
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
        copy.deliverAtNs = nowNs + 1 + (long)(random.nextDouble() * maxDelayNs);
        copy.order = messageSequence++;
        network.add(copy);
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
     * Advance the clock by one step: deliver what is due, run every live member's timers, replicate and flush, let
     * the clients act, then check the safety properties.
     */
    void step()
    {
        nowNs += STEP_NS;
        for (int id = 1; id <= size; id++)
        {
            if (!members[id].crashed)
            {
                members[id].raft.time(nowNs);
            }
        }
        while (!network.isEmpty() && network.peek().deliverAtNs <= nowNs)
        {
            final Message m = network.poll();
            final Member member = members[m.to];
            // a link cut while the message was on its way loses it too
            if (!member.crashed && !cut(m.from, m.to))
            {
                member.deliver(m);
            }
        }
        for (final Client client : clients)
        {
            if (!client.busy() && nowNs >= client.nextOpNs && !clientsStopped)
            {
                client.invoke();
            }
        }
        for (int id = 1; id <= size; id++)
        {
            final Member member = members[id];
            if (!member.crashed)
            {
                member.raft.tick(nowNs);
                member.raft.replicate();
                member.raft.flush();
            }
        }
        for (final Client client : clients)
        {
            if (client.busy())
            {
                client.poll();
            }
        }
        checkLogMatching();
    }

    /**
     * Log matching (§5.3): two logs holding an entry of the same index and term hold the same entries up to it. Each
     * entry's chain hash covers its term, its payload and every entry before it; the first member to hold an (index,
     * term) fixes the hash every other member's entry there must have.
     */
    private void checkLogMatching()
    {
        for (int id = 1; id <= size; id++)
        {
            final Member member = members[id];
            if (member.crashed)
            {
                continue;
            }
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
                    fail("log matching: member " + id + " holds entry " + index + " of term " + entry.term() +
                        " (" + log.payload(index) + ") but another log's entry " + index + " of that term follows " +
                        "different entries");
                }
            }
            member.checkedIndex = last;
            if (member.raft.commitIndex() > last)
            {
                fail("member " + id + " commit index " + member.raft.commitIndex() + " beyond its log " + last);
            }
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
            if (!member.crashed && member.raft.isLeader() && member.raft.term() > term && !isolated[id])
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
        final MemoryLog log = member.log;
        // a process crash keeps what reached the page cache, a power cut only what was synced: keep a random part
        // of the unsynced suffix
        long keep = log.syncedIndex() + (long)(random.nextDouble() * (log.lastIndex() - log.syncedIndex() + 1));
        if (Bug.LYING_FSYNC == bug)
        {
            keep = (long)(random.nextDouble() * (log.lastIndex() + 1));
        }
        member.log = log.crashCopy(keep);
        if (Bug.CORRUPT_ENTRY == bug && member.log.lastIndex() > 0)
        {
            member.log.corruptLastPayload();
        }
        trace("crash " + id + " keeping " + member.log.lastIndex() + " of " + log.lastIndex() + " entries (" +
            log.syncedIndex() + " synced)");
    }

    void restart(final int id)
    {
        trace("restart " + id);
        members[id].start();
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

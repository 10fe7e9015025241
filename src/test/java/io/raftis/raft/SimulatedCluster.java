package io.raftis.raft;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Whole clusters of Raft cores in one thread over a simulated network and clock, driven by one seed. The network
 * delays, drops, duplicates and reorders messages and can isolate members; members crash (keeping only what they
 * synced) and restart. After every step the Raft safety properties are checked; a violation throws with the seed.
 */
final class SimulatedCluster
{
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(150);
    static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(25);
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    final long seed;
    final Random random;
    final int size;
    final Member[] members;
    final PriorityQueue<Message> network = new PriorityQueue<>();
    final Map<Long, Integer> leaderByTerm = new HashMap<>();
    final Map<Long, String> committed = new HashMap<>();
    final List<String> trace = new ArrayList<>();
    final boolean[] isolated;
    long nowNs;
    long messageSequence;
    double dropRate;
    double duplicateRate;
    long maxDelayNs = TimeUnit.MILLISECONDS.toNanos(5);

    SimulatedCluster(final int size, final long seed)
    {
        this.seed = seed;
        this.random = new Random(seed);
        this.size = size;
        this.members = new Member[size + 1];
        this.isolated = new boolean[size + 1];
        for (int id = 1; id <= size; id++)
        {
            members[id] = new Member(id, new MemoryLog(), new MemoryState());
        }
    }

    final class Member implements StateMachine, RaftTransport
    {
        final int id;
        MemoryLog log;
        final MemoryState state;
        RaftNode raft;
        boolean crashed;
        final Map<Long, String> applied = new HashMap<>();

        Member(final int id, final MemoryLog log, final MemoryState state)
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
            raft = new RaftNode(
                id, ids, log, state, this, this, new Random(random.nextLong()),
                ELECTION_TIMEOUT_NS, HEARTBEAT_NS, 4096, 1024, nowNs);
            crashed = false;
        }

        public void apply(
            final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final String value = term + ":" + buffer.getStringWithoutLengthAscii(offset, length);
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
        }

        public void onRoleChange(final Role role, final long term, final int leaderId)
        {
            trace("member " + id + " -> " + role + " term " + term + " leader " + leaderId);
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
            final int to, final long term, final boolean success, final long lastLogIndex, final long sequence)
        {
            return send(new Message(id, to, 'a', term, lastLogIndex, 0, 0, sequence, success, null, 0));
        }

        void deliver(final Message m)
        {
            switch (m.kind)
            {
                case 'V' -> raft.onRequestVote(
                    m.from, m.term, m.index, m.logTerm, (m.commit & 1) != 0, (m.commit & 2) != 0);
                case 'v' -> raft.onRequestVoteResponse(m.from, m.term, m.flag, m.commit != 0);
                case 'T' -> raft.onTimeoutNow(m.from, m.term);
                case 'A' -> raft.onAppendEntries(
                    m.from, m.term, m.index, m.logTerm, m.commit, m.sequence,
                    new UnsafeBuffer(m.frames), 0, m.frames.length, m.count);
                case 'a' -> raft.onAppendEntriesResponse(m.from, m.term, m.flag, m.index, m.sequence);
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

    boolean send(final Message m)
    {
        if (isolated[m.from] || isolated[m.to] || random.nextDouble() < dropRate)
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

    private void enqueue(final Message m)
    {
        final Message copy = new Message(
            m.from, m.to, m.kind, m.term, m.index, m.logTerm, m.commit, m.sequence, m.flag, m.frames, m.count);
        copy.deliverAtNs = nowNs + 1 + (long)(random.nextDouble() * maxDelayNs);
        copy.order = messageSequence++;
        network.add(copy);
    }

    /**
     * Advance the clock by one step: deliver what is due, run every live member's timers and flush.
     */
    void step()
    {
        nowNs += STEP_NS;
        while (!network.isEmpty() && network.peek().deliverAtNs <= nowNs)
        {
            final Message m = network.poll();
            final Member member = members[m.to];
            if (!member.crashed)
            {
                member.deliver(m);
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
        trace("crash " + id);
        member.crashed = true;
        member.log = member.log.crashCopy();
    }

    void restart(final int id)
    {
        trace("restart " + id);
        members[id].start();
    }

    void trace(final String line)
    {
        trace.add(TimeUnit.NANOSECONDS.toMillis(nowNs) + "ms " + line);
        if (trace.size() > 400)
        {
            trace.remove(0);
        }
    }

    <T> T fail(final String message)
    {
        throw new AssertionError(message + " (seed " + seed + ")\n" + String.join("\n", trace));
    }
}

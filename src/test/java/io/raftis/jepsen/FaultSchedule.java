package io.raftis.jepsen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A nemesis's whole plan for a run, drawn from a seed before the run starts: which fault, aimed at whom, when (an
 * offset from the start of the run) and for how long. The same seed, duration, member count and choice of network
 * faults give the same schedule, so a failing run can be replayed fault for fault; only what the schedule leaves to
 * the moment, which member leads when a fault aims at the leader, depends on the run.
 * <p>
 * Faults do not overlap: each is undone (the member restarted or resumed, the network healed) before the next begins,
 * and the last is undone by the end of the run.
 */
public final class FaultSchedule
{
    /**
     * The target of a fault aimed at whichever member leads when the fault begins.
     */
    public static final int LEADER = 0;

    private static final int MIN_GAP_MS = 1_000;
    private static final int MAX_EXTRA_GAP_MS = 1_500;
    /** Out of ten faults, how many aim at the leader. */
    private static final int LEADER_IN_TEN = 6;

    private final long seed;
    private final long durationMs;
    private final int members;
    private final boolean network;
    private final List<Fault> faults;

    private FaultSchedule(
        final long seed, final long durationMs, final int members, final boolean network, final List<Fault> faults)
    {
        this.seed = seed;
        this.durationMs = durationMs;
        this.members = members;
        this.network = network;
        this.faults = faults;
    }

    /**
     * What a fault does to its victim.
     */
    public enum Kind
    {
        /**
         * SIGKILL the victim, start it again after the hold.
         */
        KILL,

        /**
         * SIGSTOP the victim, SIGCONT after the hold.
         */
        PAUSE,

        /**
         * Cut the victim and a few others (a minority) from the rest, both ways.
         */
        PARTITION,

        /**
         * Cut the links from the victim to some members: they no longer hear it, it still hears them.
         */
        CUT_OUT,

        /**
         * Cut the links from some members to the victim: it no longer hears them, they still hear it.
         */
        CUT_IN
    }

    /**
     * One fault of the schedule.
     *
     * @param atMs     when it begins, in ms from the start of the run.
     * @param holdMs   how long it lasts before it is undone.
     * @param kind     what it does.
     * @param target   the victim's member id, or {@link #LEADER}.
     * @param fallback the victim when the target is the leader and no member leads.
     * @param others   for {@link Kind#PARTITION}, the members that may join the victim's side, in the order they
     *                 join; for the cuts, the members whose links with the victim are cut.
     * @param sideSize for {@link Kind#PARTITION}, how many members are cut off, the victim included.
     */
    public record Fault(
        long atMs, long holdMs, Kind kind, int target, int fallback, List<Integer> others, int sideSize)
    {
        /**
         * The member the fault hits.
         *
         * @param leader the member that leads when the fault begins, or 0 when none does.
         * @return the victim's member id.
         */
        public int victim(final int leader)
        {
            return LEADER != target ? target : 0 != leader ? leader : fallback;
        }

        /**
         * The members cut off by a {@link Kind#PARTITION}: the victim first, then the first of {@link #others()}
         * that are not the victim, {@link #sideSize()} in all.
         *
         * @param victim the victim.
         * @return the minority side.
         */
        public List<Integer> side(final int victim)
        {
            final List<Integer> side = new ArrayList<>(List.of(victim));
            for (int i = 0; i < others.size() && side.size() < sideSize; i++)
            {
                if (others.get(i) != victim)
                {
                    side.add(others.get(i));
                }
            }
            return side;
        }

        /**
         * The members whose links with the victim a cut cuts: {@link #others()} but the victim, and never none.
         *
         * @param victim  the victim.
         * @param members the member count.
         * @return the members at the other end of the cut links.
         */
        public List<Integer> peers(final int victim, final int members)
        {
            final List<Integer> peers = new ArrayList<>(others);
            peers.remove(Integer.valueOf(victim));
            if (peers.isEmpty())
            {
                peers.add(victim % members + 1);
            }
            return peers;
        }

        /**
         * The fault as planned, e.g. {@code +12.345s kill the leader (else 3) for 800ms}.
         *
         * @return the description.
         */
        public String describe()
        {
            final String who = LEADER == target ? "the leader (else " + fallback + ")" : "member " + target;
            final String what = switch (kind)
            {
                case KILL -> "kill " + who;
                case PAUSE -> "pause " + who;
                case PARTITION -> "partition " + who +
                    (1 == sideSize ? " alone" : " and the first " + (sideSize - 1) + " other of " + others);
                case CUT_OUT -> "cut links from " + who + " to " + others;
                case CUT_IN -> "cut links from " + others + " to " + who;
            };
            return String.format("+%d.%03ds %s for %dms", atMs / 1000, atMs % 1000, what, holdMs);
        }
    }

    /**
     * Draw a schedule: a fault every one to two and a half seconds after the previous one was undone, six in ten aimed
     * at the leader; kills last half a second to one and a half, pauses half a second to two and a half, network
     * faults one to twelve seconds (from shorter than Aeron's connection timeouts, so that only delays, to longer,
     * so that messages are lost).
     *
     * @param seed       the seed.
     * @param durationMs the length of the run.
     * @param members    the member count.
     * @param network    whether to cut the network as well as kill and pause members.
     * @return the schedule.
     */
    public static FaultSchedule draw(final long seed, final long durationMs, final int members, final boolean network)
    {
        final Random random = new Random(seed);
        final List<Fault> faults = new ArrayList<>();
        long atMs = 0;
        while (true)
        {
            atMs += MIN_GAP_MS + random.nextInt(MAX_EXTRA_GAP_MS);
            if (atMs >= durationMs)
            {
                break;
            }
            final int target = random.nextInt(10) < LEADER_IN_TEN ? LEADER : 1 + random.nextInt(members);
            final int fallback = 1 + random.nextInt(members);
            final Kind kind = network ?
                Kind.values()[random.nextInt(Kind.values().length)] : Kind.values()[random.nextInt(2)];
            final long holdMs;
            final List<Integer> others = new ArrayList<>();
            int sideSize = 0;
            switch (kind)
            {
                case KILL -> holdMs = 500 + random.nextInt(1_000);
                case PAUSE -> holdMs = 500 + random.nextInt(2_000);
                case PARTITION ->
                {
                    holdMs = 1_000 + random.nextInt(11_000);
                    sideSize = 1 + random.nextInt(Math.max(1, (members - 1) / 2));
                    for (int id = 1; id <= members; id++)
                    {
                        others.add(id);
                    }
                    Collections.shuffle(others, random);
                }
                default ->
                {
                    holdMs = 1_000 + random.nextInt(11_000);
                    for (int id = 1; id <= members; id++)
                    {
                        if (random.nextInt(3) > 0)
                        {
                            others.add(id);
                        }
                    }
                }
            }
            final long heldMs = Math.min(holdMs, durationMs - atMs);
            faults.add(new Fault(atMs, heldMs, kind, target, fallback, List.copyOf(others), sideSize));
            atMs += heldMs;
        }
        return new FaultSchedule(seed, durationMs, members, network, List.copyOf(faults));
    }

    /**
     * The faults in the order they begin.
     *
     * @return an immutable list.
     */
    public List<Fault> faults()
    {
        return faults;
    }

    /**
     * The schedule, one fault a line, each line starting with the prefix.
     *
     * @param prefix what each line starts with.
     * @return the description.
     */
    public String describe(final String prefix)
    {
        final StringBuilder sb = new StringBuilder()
            .append(prefix).append("schedule of seed ").append(seed).append(" for ").append(durationMs)
            .append("ms and ").append(members).append(" members, ").append(network ? "with" : "without")
            .append(" network faults: ").append(faults.size()).append(" faults");
        for (final Fault fault : faults)
        {
            sb.append('\n').append(prefix).append("  ").append(fault.describe());
        }
        return sb.toString();
    }
}

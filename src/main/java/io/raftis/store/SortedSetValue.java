package io.raftis.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A Redis sorted set: distinct binary-safe members, each with a score, ordered by score and then by member (as
 * unsigned bytes, a prefix first); scores compare as doubles, so -0 and 0 tie.
 * <p>
 * As Redis keeps a small sorted set in a listpack, a small one here is two arrays, members and scores, sorted by
 * (score, member) and searched linearly for a member. Adding a member past {@link #MAX_COMPACT_ENTRIES}, or one longer
 * than {@link #MAX_COMPACT_MEMBER} bytes, moves it to a {@link SortedSetSkipList} for good (Redis's
 * zset-max-listpack-entries 128 and zset-max-listpack-value 64). As in a listpack, where a score that is an integer
 * is kept as one, a small set keeps -0 as 0; the large form keeps it.
 * <p>
 * The ranges follow Redis's per form: over the small form, its linear searches from either end; over the large form,
 * searches that assume the order (a lexicographical range over members of different scores is unspecified in
 * Redis, whose answer for a large set then depends on its skip list's random heights).
 */
public final class SortedSetValue
{
    /** The most members a compact sorted set holds. */
    public static final int MAX_COMPACT_ENTRIES = 128;
    /** The longest member a compact sorted set holds. */
    public static final int MAX_COMPACT_MEMBER = 64;
    private static final int INITIAL_CAPACITY = 4;
    /** The sorted set object itself: header, fields, the probe buffer. */
    private static final int OBJECT_BYTES = 80;

    /**
     * Receives members and their scores in turn.
     */
    @FunctionalInterface
    public interface EntryVisitor
    {
        /**
         * @param member owned by the sorted set: must not be modified.
         * @param score  the member's score.
         * @return false to stop, where the caller stops on request.
         */
        boolean visit(byte[] member, double score);
    }

    /**
     * A member and its score, taken out of a sorted set or to be put in one.
     */
    public static final class Entry
    {
        /** The member. */
        public final byte[] member;
        /** Its score. */
        public final double score;

        /**
         * @param member the member, owned by the entry.
         * @param score  its score.
         */
        public Entry(final byte[] member, final double score)
        {
            this.member = member;
            this.score = score;
        }
    }

    private byte[][] members = new byte[INITIAL_CAPACITY][];
    private double[] scores = new double[INITIAL_CAPACITY];
    private int size;
    /** The arrays of a compact set's members, on the heap. */
    private long compactBytes;
    private SortedSetSkipList list;
    private final UnsafeBuffer probe = new UnsafeBuffer(new byte[0]);

    /**
     * @return a new sorted set of these entries, given in order without repeated members: compact if they fit, as
     * Redis converts the result of ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE.
     */
    public static SortedSetValue ofSorted(final List<Entry> sorted)
    {
        final SortedSetValue value = new SortedSetValue();
        boolean fits = sorted.size() <= MAX_COMPACT_ENTRIES;
        for (int i = 0; fits && i < sorted.size(); i++)
        {
            fits = sorted.get(i).member.length <= MAX_COMPACT_MEMBER;
        }
        if (!fits)
        {
            value.list = new SortedSetSkipList(sorted.size());
            value.members = null;
            value.scores = null;
        }
        for (final Entry entry : sorted)
        {
            value.put(entry.member, entry.score);
        }
        return value;
    }

    /**
     * @return the number of members.
     */
    public int size()
    {
        return null != list ? list.size() : size;
    }

    /**
     * @return whether the set is in its compact form, as OBJECT ENCODING's "listpack" says.
     */
    public boolean isCompact()
    {
        return null == list;
    }

    /**
     * @return the member's score, or NaN when it is not a member (no score is NaN).
     */
    public double score(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != list)
        {
            final SortedSetSkipList.Node node = list.find(buffer, offset, length);
            return null == node ? Double.NaN : node.score;
        }
        final int at = indexOf(buffer, offset, length);
        return at < 0 ? Double.NaN : scores[at];
    }

    /**
     * @see #score(DirectBuffer, int, int)
     */
    public double score(final byte[] member)
    {
        probe.wrap(member);
        return score(probe, 0, member.length);
    }

    /**
     * Add a member or change its score.
     *
     * @return true if the member is new.
     */
    public boolean put(final DirectBuffer buffer, final int offset, final int length, final double score)
    {
        if (null == list)
        {
            final int at = indexOf(buffer, offset, length);
            if (at >= 0)
            {
                final byte[] member = members[at];
                removeCompact(at);
                insertCompact(member, score);
                return false;
            }
            if (size + 1 <= MAX_COMPACT_ENTRIES && length <= MAX_COMPACT_MEMBER)
            {
                final byte[] member = new byte[length];
                buffer.getBytes(offset, member);
                insertCompact(member, score);
                return true;
            }
            convert();
        }
        final SortedSetSkipList.Node node = list.find(buffer, offset, length);
        if (null != node)
        {
            list.delete(node);
            list.insert(node.member, score);
            return false;
        }
        final byte[] member = new byte[length];
        buffer.getBytes(offset, member);
        list.insert(member, score);
        return true;
    }

    /**
     * Add a member or change its score.
     *
     * @param member kept by the set if new, not to be modified afterwards.
     * @return true if the member is new.
     */
    public boolean put(final byte[] member, final double score)
    {
        if (null == list)
        {
            probe.wrap(member);
            final int at = indexOf(probe, 0, member.length);
            if (at >= 0)
            {
                final byte[] existing = members[at];
                removeCompact(at);
                insertCompact(existing, score);
                return false;
            }
            if (size + 1 <= MAX_COMPACT_ENTRIES && member.length <= MAX_COMPACT_MEMBER)
            {
                insertCompact(member, score);
                return true;
            }
            convert();
        }
        final SortedSetSkipList.Node node = list.find(member);
        if (null != node)
        {
            list.delete(node);
            list.insert(node.member, score);
            return false;
        }
        list.insert(member, score);
        return true;
    }

    /**
     * @return true if the member was there.
     */
    public boolean remove(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != list)
        {
            final SortedSetSkipList.Node node = list.find(buffer, offset, length);
            if (null == node)
            {
                return false;
            }
            list.delete(node);
            return true;
        }
        final int at = indexOf(buffer, offset, length);
        if (at < 0)
        {
            return false;
        }
        removeCompact(at);
        return true;
    }

    /**
     * @return the member's rank, 0 for the lowest, or -1 when it is not a member.
     */
    public int rank(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != list)
        {
            final SortedSetSkipList.Node node = list.find(buffer, offset, length);
            return null == node ? -1 : list.rank(node) - 1;
        }
        return indexOf(buffer, offset, length);
    }

    /**
     * @param rank 0 to size - 1.
     * @return the member of that rank, owned by the set.
     */
    public byte[] memberAt(final int rank)
    {
        return null != list ? list.byRank(rank + 1).member : members[rank];
    }

    /**
     * @param rank 0 to size - 1.
     * @return the score of the member of that rank.
     */
    public double scoreAt(final int rank)
    {
        return null != list ? list.byRank(rank + 1).score : scores[rank];
    }

    /**
     * Visit the members in order from a rank, towards the highest or the lowest, until the visitor says stop or the
     * set ends.
     *
     * @param from    0 to size - 1.
     * @param reverse whether to go towards the lowest.
     */
    public void visit(final int from, final boolean reverse, final EntryVisitor visitor)
    {
        if (null == list)
        {
            for (int i = from; i >= 0 && i < size; i += reverse ? -1 : 1)
            {
                if (!visitor.visit(members[i], scores[i]))
                {
                    return;
                }
            }
            return;
        }
        for (SortedSetSkipList.Node node = list.byRank(from + 1); null != node;
            node = reverse ? node.backward : node.forward[0])
        {
            if (!visitor.visit(node.member, node.score))
            {
                return;
            }
        }
    }

    /**
     * Visit every member in order, lowest first, until the visitor says stop.
     */
    public void forEach(final EntryVisitor visitor)
    {
        if (size() > 0)
        {
            visit(0, false, visitor);
        }
    }

    /**
     * @return the rank of the first member within the range, or -1, as Redis's zzlFirstInRange and zslFirstInRange.
     */
    int firstInRange(final ScoreRange range)
    {
        final int size = size();
        if (range.isEmpty() || 0 == size || !range.gteMin(scoreAt(size - 1)) || !range.lteMax(scoreAt(0)))
        {
            return -1;
        }
        if (null != list)
        {
            final int first = list.countBelow(range);
            return range.lteMax(list.byRank(first + 1).score) ? first : -1;
        }
        for (int i = 0; i < size; i++)
        {
            if (range.gteMin(scores[i]))
            {
                return range.lteMax(scores[i]) ? i : -1;
            }
        }
        return -1;
    }

    /**
     * @return the rank of the last member within the range, or -1, as Redis's zzlLastInRange and zslLastInRange.
     */
    int lastInRange(final ScoreRange range)
    {
        final int size = size();
        if (range.isEmpty() || 0 == size || !range.gteMin(scoreAt(size - 1)) || !range.lteMax(scoreAt(0)))
        {
            return -1;
        }
        if (null != list)
        {
            final int last = list.countUpTo(range) - 1;
            return range.gteMin(list.byRank(last + 1).score) ? last : -1;
        }
        for (int i = size - 1; i >= 0; i--)
        {
            if (range.lteMax(scores[i]))
            {
                return range.gteMin(scores[i]) ? i : -1;
            }
        }
        return -1;
    }

    /**
     * @return the rank of the first member within the range, or -1, as Redis's zzlFirstInLexRange (linear) and
     * zslFirstInLexRange (a search that assumes the members in order).
     */
    int firstInLexRange(final LexRange range)
    {
        final int size = size();
        if (range.isEmpty() || 0 == size || !range.gteMin(memberAt(size - 1)) || !range.lteMax(memberAt(0)))
        {
            return -1;
        }
        int first = 0;
        if (null != list)
        {
            int high = size;
            while (first < high)
            {
                final int middle = (first + high) >>> 1;
                if (range.gteMin(list.byRank(middle + 1).member))
                {
                    high = middle;
                }
                else
                {
                    first = middle + 1;
                }
            }
        }
        else
        {
            while (first < size && !range.gteMin(members[first]))
            {
                first++;
            }
        }
        return first < size && range.lteMax(memberAt(first)) ? first : -1;
    }

    /**
     * @return the rank of the last member within the range, or -1, as Redis's zzlLastInLexRange and
     * zslLastInLexRange.
     */
    int lastInLexRange(final LexRange range)
    {
        final int size = size();
        if (range.isEmpty() || 0 == size || !range.gteMin(memberAt(size - 1)) || !range.lteMax(memberAt(0)))
        {
            return -1;
        }
        int last = size - 1;
        if (null != list)
        {
            int low = -1;
            while (low < last)
            {
                final int middle = (low + last + 1) >>> 1;
                if (range.lteMax(list.byRank(middle + 1).member))
                {
                    low = middle;
                }
                else
                {
                    last = middle - 1;
                }
            }
        }
        else
        {
            while (last >= 0 && !range.lteMax(members[last]))
            {
                last--;
            }
        }
        return last >= 0 && range.gteMin(memberAt(last)) ? last : -1;
    }

    /**
     * @return how many members ZCOUNT finds in the range: from the first within it, those that follow within it;
     * over the large form, as Redis counts there, the ranks of the first and the last apart.
     */
    int countInRange(final ScoreRange range)
    {
        final int first = firstInRange(range);
        if (first < 0)
        {
            return 0;
        }
        if (null != list)
        {
            final int last = lastInRange(range);
            return (last < 0 ? size() - 1 : last) - first + 1;
        }
        int count = 0;
        while (first + count < size && range.lteMax(scores[first + count]))
        {
            count++;
        }
        return count;
    }

    /**
     * @return how many members ZLEXCOUNT finds in the range, as {@link #countInRange(ScoreRange)} counts scores.
     */
    int countInLexRange(final LexRange range)
    {
        final int first = firstInLexRange(range);
        if (first < 0)
        {
            return 0;
        }
        if (null != list)
        {
            final int last = lastInLexRange(range);
            return (last < 0 ? size() - 1 : last) - first + 1;
        }
        int count = 0;
        while (first + count < size && range.lteMax(members[first + count]))
        {
            count++;
        }
        return count;
    }

    /**
     * Remove the members of ranks from to to, inclusive.
     *
     * @return how many were removed.
     */
    public int removeRange(final int from, final int to)
    {
        if (null != list)
        {
            return list.deleteRange(from + 1, to + 1);
        }
        final int removed = to - from + 1;
        for (int i = from; i <= to; i++)
        {
            compactBytes -= Keyspace.arrayBytes(members[i].length);
        }
        System.arraycopy(members, to + 1, members, from, size - to - 1);
        System.arraycopy(scores, to + 1, scores, from, size - to - 1);
        Arrays.fill(members, size - removed, size, null);
        size -= removed;
        return removed;
    }

    /**
     * Remove up to count members of the lowest scores.
     *
     * @return what was removed, lowest first.
     */
    public List<Entry> popMin(final long count)
    {
        return pop(count, false);
    }

    /**
     * Remove up to count members of the highest scores.
     *
     * @return what was removed, highest first.
     */
    public List<Entry> popMax(final long count)
    {
        return pop(count, true);
    }

    private List<Entry> pop(final long count, final boolean highest)
    {
        final int taken = (int)Math.min(count, size());
        final List<Entry> popped = new ArrayList<>(taken);
        if (0 == taken)
        {
            return popped;
        }
        visit(highest ? size() - 1 : 0, highest, (member, score) ->
        {
            popped.add(new Entry(member, score));
            return popped.size() < taken;
        });
        if (highest)
        {
            removeRange(size() - taken, size() - 1);
        }
        else
        {
            removeRange(0, taken - 1);
        }
        return popped;
    }

    /**
     * @return a member and its score picked at random.
     */
    public Entry random(final Random random)
    {
        if (null != list)
        {
            final byte[] member = list.randomMember(random);
            return new Entry(member, list.find(member).score);
        }
        final int at = random.nextInt(size);
        return new Entry(members[at], scores[at]);
    }

    /**
     * One step of ZSCAN: a compact set is visited whole (cursor 0 comes back), a large one as
     * {@link Keyspace#scan(long, int, Keyspace.KeyConsumer)} visits its keys.
     *
     * @return the next cursor, 0 at the end.
     */
    public long scan(final long cursor, final int count, final EntryVisitor visitor)
    {
        if (null == list)
        {
            for (int i = 0; i < size; i++)
            {
                visitor.visit(members[i], scores[i]);
            }
            return 0;
        }
        return list.scan(cursor, count, visitor);
    }

    /**
     * @return the bytes the sorted set holds on the heap, near enough for maxmemory; kept as it changes.
     */
    public long heapBytes()
    {
        if (null != list)
        {
            return OBJECT_BYTES + list.heapBytes();
        }
        return OBJECT_BYTES + Keyspace.arrayBytes(4 * members.length) + Keyspace.arrayBytes(8 * scores.length) +
            compactBytes;
    }

    /**
     * @return a copy in the same form, sharing nothing with this sorted set.
     */
    public SortedSetValue copy()
    {
        final SortedSetValue copy = new SortedSetValue();
        if (null != list)
        {
            copy.list = new SortedSetSkipList(list.size());
            copy.members = null;
            copy.scores = null;
        }
        forEach((member, score) ->
        {
            copy.put(member.clone(), score);
            return true;
        });
        return copy;
    }

    /**
     * Check the structure of the large form, as {@link SortedSetSkipList#verify()}; the compact form's order.
     *
     * @throws IllegalStateException naming the first thing found wrong.
     */
    void verify()
    {
        if (null != list)
        {
            list.verify();
            return;
        }
        for (int i = 1; i < size; i++)
        {
            if (compare(scores[i - 1], members[i - 1], scores[i], members[i]) >= 0)
            {
                throw new IllegalStateException("order at rank " + i);
            }
        }
    }

    /**
     * @return the order of (scoreA, memberA) against (scoreB, memberB): by score, then by member.
     */
    static int compare(final double scoreA, final byte[] memberA, final double scoreB, final byte[] memberB)
    {
        if (scoreA < scoreB)
        {
            return -1;
        }
        if (scoreA > scoreB)
        {
            return 1;
        }
        return Arrays.compareUnsigned(memberA, memberB);
    }

    private int indexOf(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < size; i++)
        {
            if (HashValue.sameBytes(members[i], buffer, offset, length))
            {
                return i;
            }
        }
        return -1;
    }

    private void insertCompact(final byte[] member, final double score)
    {
        final double kept = 0 == score ? 0.0 : score; // a listpack keeps -0 as the integer 0
        int low = 0;
        int high = size;
        while (low < high)
        {
            final int middle = (low + high) >>> 1;
            if (compare(scores[middle], members[middle], kept, member) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        if (size == members.length)
        {
            members = Arrays.copyOf(members, 2 * size);
            scores = Arrays.copyOf(scores, 2 * size);
        }
        System.arraycopy(members, low, members, low + 1, size - low);
        System.arraycopy(scores, low, scores, low + 1, size - low);
        members[low] = member;
        scores[low] = kept;
        size++;
        compactBytes += Keyspace.arrayBytes(member.length);
    }

    private void removeCompact(final int at)
    {
        compactBytes -= Keyspace.arrayBytes(members[at].length);
        System.arraycopy(members, at + 1, members, at, size - at - 1);
        System.arraycopy(scores, at + 1, scores, at, size - at - 1);
        members[--size] = null;
    }

    private void convert()
    {
        final SortedSetSkipList converted = new SortedSetSkipList(size + 1);
        for (int i = 0; i < size; i++)
        {
            converted.insert(members[i], scores[i]);
        }
        list = converted;
        members = null;
        scores = null;
        size = 0;
        compactBytes = 0;
    }
}

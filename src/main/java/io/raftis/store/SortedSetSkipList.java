package io.raftis.store;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * The form of a large sorted set, as Redis's: a skip list ordered by (score, member) whose links carry spans, so
 * inserting, removing, finding a member's rank and reaching a rank cost O(log n), beside a {@link Keyspace} table
 * from each member to its node, so a member's score costs O(1).
 * <p>
 * Scores compare as doubles do ({@code -0.0 == 0.0}, then the members decide), members as unsigned bytes. A node's
 * height is drawn from a generator seeded the same in every list, so the same operations build the same list on
 * every member; no answer depends on the heights anyway, only on the order.
 */
final class SortedSetSkipList
{
    /** The most levels a node has, as Redis's ZSKIPLIST_MAXLEVEL. */
    static final int MAX_LEVEL = 32;
    /** A node's fields beyond the header the table counts for it: member, score, backward, forward and span. */
    private static final int NODE_EXTRA_BYTES = 24;
    /** The list object, its header node and its arrays. */
    private static final int LIST_BYTES = 48 + 2 * (16 + 4 * MAX_LEVEL);
    private static final long SEED = 0x9E3779B97F4A7C15L;

    /**
     * A member and its score, with its links.
     */
    static final class Node
    {
        final byte[] member;
        final double score;
        Node backward;
        final Node[] forward;
        final int[] span;

        Node(final byte[] member, final double score, final int level)
        {
            this.member = member;
            this.score = score;
            this.forward = new Node[level];
            this.span = new int[level];
        }
    }

    private final Node head = new Node(null, 0, MAX_LEVEL);
    private final Keyspace table;
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rankAt = new int[MAX_LEVEL];
    private Node tail;
    private int level = 1;
    private int length;
    private long nodeBytes;
    private long random = SEED;

    /**
     * @param expected how many members it is about to take, to size its table.
     */
    SortedSetSkipList(final int expected)
    {
        table = new Keyspace((int)Math.min(2L * Math.max(expected, 4), 1 << 20));
    }

    int size()
    {
        return length;
    }

    /**
     * @return the member's node, or null.
     */
    Node find(final DirectBuffer buffer, final int offset, final int length)
    {
        return (Node)table.get(buffer, offset, length);
    }

    /**
     * @return the member's node, or null.
     */
    Node find(final byte[] member)
    {
        return (Node)table.get(member);
    }

    /**
     * Add a member that is not in the list.
     *
     * @param member kept by the list, not to be modified afterwards.
     */
    void insert(final byte[] member, final double score)
    {
        Node x = head;
        for (int i = level - 1; i >= 0; i--)
        {
            rankAt[i] = i == level - 1 ? 0 : rankAt[i + 1];
            while (null != x.forward[i] && precedes(x.forward[i], score, member))
            {
                rankAt[i] += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        final int height = randomLevel();
        if (height > level)
        {
            for (int i = level; i < height; i++)
            {
                rankAt[i] = 0;
                update[i] = head;
                update[i].span[i] = length;
            }
            level = height;
        }
        final Node node = new Node(member, score, height);
        for (int i = 0; i < height; i++)
        {
            node.forward[i] = update[i].forward[i];
            update[i].forward[i] = node;
            node.span[i] = update[i].span[i] - (rankAt[0] - rankAt[i]);
            update[i].span[i] = rankAt[0] - rankAt[i] + 1;
        }
        for (int i = height; i < level; i++)
        {
            update[i].span[i]++;
        }
        node.backward = update[0] == head ? null : update[0];
        if (null != node.forward[0])
        {
            node.forward[0].backward = node;
        }
        else
        {
            tail = node;
        }
        length++;
        nodeBytes += nodeBytes(height);
        table.put(member, node);
        Arrays.fill(update, null);
    }

    /**
     * Remove a node of the list.
     */
    void delete(final Node node)
    {
        Node x = head;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && precedes(x.forward[i], node.score, node.member))
            {
                x = x.forward[i];
            }
            update[i] = x;
        }
        unlink(node);
        table.remove(node.member);
        Arrays.fill(update, null);
    }

    /**
     * Remove the nodes of ranks from to to, 1-based and inclusive, as Redis's zslDeleteRangeByRank.
     *
     * @return how many were removed.
     */
    int deleteRange(final int from, final int to)
    {
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && traversed + x.span[i] < from)
            {
                traversed += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        traversed++;
        x = x.forward[0];
        int removed = 0;
        while (null != x && traversed <= to)
        {
            final Node next = x.forward[0];
            unlink(x);
            table.remove(x.member);
            removed++;
            traversed++;
            x = next;
        }
        Arrays.fill(update, null);
        return removed;
    }

    /**
     * Take the node out of the links; update holds, at each level, the last node before it.
     */
    private void unlink(final Node node)
    {
        for (int i = 0; i < level; i++)
        {
            if (update[i].forward[i] == node)
            {
                update[i].span[i] += node.span[i] - 1;
                update[i].forward[i] = node.forward[i];
            }
            else
            {
                update[i].span[i]--;
            }
        }
        if (null != node.forward[0])
        {
            node.forward[0].backward = node.backward;
        }
        else
        {
            tail = node.backward;
        }
        while (level > 1 && null == head.forward[level - 1])
        {
            level--;
        }
        length--;
        nodeBytes -= nodeBytes(node.forward.length);
    }

    /**
     * @return the 1-based rank of a node of the list.
     */
    int rank(final Node node)
    {
        Node x = head;
        int rank = 0;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && !follows(x.forward[i], node.score, node.member))
            {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x == node)
            {
                return rank;
            }
        }
        return rank;
    }

    /**
     * @param rank 1-based, 1 to {@link #size()}.
     * @return the node of that rank.
     */
    Node byRank(final int rank)
    {
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && traversed + x.span[i] <= rank)
            {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == rank)
            {
                return x;
            }
        }
        throw new IndexOutOfBoundsException("rank " + rank + " of " + length);
    }

    /**
     * @return the first node, or null.
     */
    Node first()
    {
        return head.forward[0];
    }

    /**
     * @return the last node, or null.
     */
    Node last()
    {
        return tail;
    }

    /**
     * @return how many nodes come before the first whose score is at or past the range's lower end (the upper end
     * aside): all of them when there is none.
     */
    int countBelow(final ScoreRange range)
    {
        Node x = head;
        int rank = 0;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && !range.gteMin(x.forward[i].score))
            {
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }

    /**
     * @return how many nodes have a score at or before the range's upper end.
     */
    int countUpTo(final ScoreRange range)
    {
        Node x = head;
        int rank = 0;
        for (int i = level - 1; i >= 0; i--)
        {
            while (null != x.forward[i] && range.lteMax(x.forward[i].score))
            {
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }

    /**
     * One step of ZSCAN, as {@link Keyspace#scan(long, int, Keyspace.KeyConsumer)} over the members.
     */
    long scan(final long cursor, final int count, final SortedSetValue.EntryVisitor visitor)
    {
        return table.scan(cursor, count, (member, node) -> visitor.visit(member, ((Node)node).score));
    }

    /**
     * @return a member picked at random, owned by the list.
     */
    byte[] randomMember(final java.util.Random random)
    {
        return table.randomKey(random);
    }

    /**
     * @return the bytes the list holds: its table (members and slots), its nodes and their links.
     */
    long heapBytes()
    {
        return LIST_BYTES + table.usedMemory() + nodeBytes;
    }

    /**
     * Check the list's structure: the order, every span against the ranks it skips, the backward links, the tail,
     * the length, the table and the bytes counted for the nodes.
     *
     * @throws IllegalStateException naming the first thing found wrong.
     */
    void verify()
    {
        final java.util.IdentityHashMap<Node, Integer> ranks = new java.util.IdentityHashMap<>();
        ranks.put(head, 0);
        int rank = 0;
        long bytes = 0;
        Node previous = null;
        for (Node x = head.forward[0]; null != x; x = x.forward[0])
        {
            ranks.put(x, ++rank);
            bytes += nodeBytes(x.forward.length);
            if (x.backward != previous)
            {
                throw new IllegalStateException("backward link of rank " + rank);
            }
            if (null != previous && !precedes(previous, x.score, x.member))
            {
                throw new IllegalStateException("order at rank " + rank);
            }
            if (table.get(x.member) != x)
            {
                throw new IllegalStateException("table entry of rank " + rank);
            }
            previous = x;
        }
        if (rank != length || table.size() != length || tail != previous || bytes != nodeBytes)
        {
            throw new IllegalStateException("length " + length + ", nodes " + rank + ", table " + table.size() +
                ", tail or bytes counted");
        }
        for (final java.util.Map.Entry<Node, Integer> entry : ranks.entrySet())
        {
            final Node x = entry.getKey();
            final int height = x == head ? level : x.forward.length;
            for (int i = 0; i < height; i++)
            {
                final int next = null == x.forward[i] ? length : ranks.get(x.forward[i]);
                final int expected = next - entry.getValue(); // a link to the end spans the nodes after it
                if (x.span[i] != expected || (null != x.forward[i] && x.forward[i].forward.length <= i))
                {
                    throw new IllegalStateException("span at level " + i + " of rank " + entry.getValue());
                }
            }
        }
    }

    private static long nodeBytes(final int height)
    {
        return NODE_EXTRA_BYTES + 2 * Keyspace.arrayBytes(4 * height);
    }

    /**
     * @return whether the node sorts before (score, member).
     */
    private static boolean precedes(final Node node, final double score, final byte[] member)
    {
        return node.score < score || (node.score == score && Arrays.compareUnsigned(node.member, member) < 0);
    }

    /**
     * @return whether the node sorts after (score, member).
     */
    private static boolean follows(final Node node, final double score, final byte[] member)
    {
        return node.score > score || (node.score == score && Arrays.compareUnsigned(node.member, member) > 0);
    }

    /**
     * @return a height from 1 to {@link #MAX_LEVEL}, each level a quarter as likely as the one below (xorshift64*).
     */
    private int randomLevel()
    {
        int height = 1;
        while (height < MAX_LEVEL)
        {
            random ^= random >>> 12;
            random ^= random << 25;
            random ^= random >>> 27;
            if (((random * 0x2545F4914F6CDD1DL) >>> 62) != 0)
            {
                break;
            }
            height++;
        }
        return height;
    }
}

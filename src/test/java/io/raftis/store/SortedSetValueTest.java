package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sorted set's two forms against a simple model (a list kept sorted by score, then member, and a map from member
 * to score) over thousands of random operations, the skip list's structure checked as it goes.
 */
class SortedSetValueTest
{
    private static final double[] SCORES =
    {
        -5, -1, 0, -0.0, 1, 1.5, 2, 3, 7, 100, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -0.25
    };
    private static final String LONG_MEMBER = "long-" + "l".repeat(70);

    private final CommandDriver driver = new CommandDriver();
    private final List<String> model = new ArrayList<>();
    private final Map<String, Double> scores = new HashMap<>();

    @Test
    void shouldAgreeWithTheModelInTheLargeForm()
    {
        final SortedSetValue zset = new SortedSetValue();
        put(zset, LONG_MEMBER, 0);
        assertFalse(zset.isCompact());
        run(zset, new Random(7), 20_000, 400);
    }

    @Test
    void shouldAgreeWithTheModelThroughTheCompactFormAndItsConversion()
    {
        final SortedSetValue zset = new SortedSetValue();
        final Random random = new Random(11);
        run(zset, random, 3_000, 128);
        assertTrue(zset.isCompact(), "never more than 128 members of up to 64 bytes");
        for (int i = 0; model.size() <= 128; i++)
        {
            assertTrue(zset.isCompact(), "not yet past 128 members");
            put(zset, "more" + i, SCORES[random.nextInt(SCORES.length)]);
        }
        assertFalse(zset.isCompact(), "past 128 members");
        run(zset, random, 10_000, 300);
    }

    @Test
    void shouldFindLexicographicalRangesOverMembersOfOneScoreInBothForms()
    {
        final Random random = new Random(3);
        for (final boolean large : new boolean[]{ false, true })
        {
            final SortedSetValue zset = new SortedSetValue();
            model.clear();
            scores.clear();
            if (large)
            {
                put(zset, LONG_MEMBER, 0);
            }
            for (int i = 0; i < 120; i++)
            {
                put(zset, member(random, 200), 0);
            }
            final String[] bounds = { "-", "+", "[m1", "(m1", "[m5", "(m55", "[n", "[", "(", "[m199", "(m0" };
            for (final String min : bounds)
            {
                for (final String max : bounds)
                {
                    final LexRange range = LexRange.parse(driver.parse("Z", "k", min, max), 2, 3);
                    int first = -1;
                    int last = -1;
                    for (int i = 0; i < model.size(); i++)
                    {
                        final byte[] member = bytes(model.get(i));
                        if (range.gteMin(member) && range.lteMax(member))
                        {
                            first = -1 == first ? i : first;
                            last = i;
                        }
                    }
                    final String what = (large ? "large " : "compact ") + min + " " + max;
                    assertEquals(first, zset.firstInLexRange(range), what);
                    assertEquals(last, zset.lastInLexRange(range), what);
                    assertEquals(first < 0 ? 0 : last - first + 1, zset.countInLexRange(range), what);
                }
            }
        }
    }

    @Test
    void shouldReportABrokenSpanWhenVerified()
    {
        final SortedSetSkipList list = new SortedSetSkipList(4);
        for (int i = 0; i < 50; i++)
        {
            list.insert(bytes("m" + i), i);
        }
        list.verify();
        list.byRank(10).span[0]++;
        assertThrows(IllegalStateException.class, list::verify);
    }

    private void run(final SortedSetValue zset, final Random random, final int operations, final int members)
    {
        for (int op = 0; op < operations; op++)
        {
            final String member = member(random, members);
            switch (random.nextInt(12))
            {
                case 0, 1, 2, 3 -> put(zset, member, SCORES[random.nextInt(SCORES.length)]);
                case 4 ->
                {
                    final boolean present = scores.containsKey(member);
                    assertEquals(present, zset.remove(buffer(member), 0, member.length()), member);
                    if (present)
                    {
                        model.remove(member);
                        scores.remove(member);
                    }
                }
                case 5 -> checkRanges(zset, random);
                case 6 -> removeRange(zset, random);
                case 7 -> pop(zset, random);
                case 8 -> visit(zset, random);
                default ->
                {
                    final Double expected = scores.get(member);
                    final double actual = zset.score(bytes(member));
                    assertEquals(null == expected, Double.isNaN(actual), member);
                    if (null != expected)
                    {
                        assertEquals(expected + 0.0, actual + 0.0, member);
                    }
                    assertEquals(model.indexOf(member), zset.rank(buffer(member), 0, member.length()), member);
                }
            }
            assertEquals(model.size(), zset.size());
            if (op % 97 == 0)
            {
                zset.verify();
                checkAll(zset);
            }
        }
        zset.verify();
        checkAll(zset);
    }

    private void put(final SortedSetValue zset, final String member, final double score)
    {
        final boolean isNew = !scores.containsKey(member);
        assertEquals(isNew, zset.put(buffer(member), 0, member.length(), score), member);
        if (!isNew)
        {
            model.remove(member);
        }
        scores.put(member, score);
        int at = 0;
        while (at < model.size() && compare(model.get(at), member) < 0)
        {
            at++;
        }
        model.add(at, member);
    }

    private void checkAll(final SortedSetValue zset)
    {
        for (int i = 0; i < model.size(); i++)
        {
            assertEquals(model.get(i), string(zset.memberAt(i)), "rank " + i);
            assertEquals(scores.get(model.get(i)) + 0.0, zset.scoreAt(i) + 0.0, "rank " + i);
        }
        final List<String> visited = new ArrayList<>();
        zset.forEach((member, score) -> visited.add(string(member)));
        assertEquals(model, visited);
    }

    private void checkRanges(final SortedSetValue zset, final Random random)
    {
        final String min = (random.nextBoolean() ? "(" : "") + pickBound(random);
        final String max = (random.nextBoolean() ? "(" : "") + pickBound(random);
        final ScoreRange range = ScoreRange.parse(driver.parse("Z", "k", min, max), 2, 3);
        int first = -1;
        int last = -1;
        for (int i = 0; i < model.size(); i++)
        {
            final double score = scores.get(model.get(i));
            if (range.gteMin(score) && range.lteMax(score))
            {
                first = -1 == first ? i : first;
                last = i;
            }
        }
        final String what = min + " " + max;
        assertEquals(first, zset.firstInRange(range), what);
        assertEquals(last, zset.lastInRange(range), what);
        assertEquals(first < 0 ? 0 : last - first + 1, zset.countInRange(range), what);
    }

    private void removeRange(final SortedSetValue zset, final Random random)
    {
        if (model.isEmpty())
        {
            return;
        }
        final int from = random.nextInt(model.size());
        final int to = Math.min(model.size() - 1, from + random.nextInt(4));
        assertEquals(to - from + 1, zset.removeRange(from, to));
        for (int i = to; i >= from; i--)
        {
            scores.remove(model.remove(i));
        }
    }

    private void pop(final SortedSetValue zset, final Random random)
    {
        final int count = random.nextInt(4);
        final boolean max = random.nextBoolean();
        final List<SortedSetValue.Entry> popped = max ? zset.popMax(count) : zset.popMin(count);
        assertEquals(Math.min(count, model.size()), popped.size());
        for (final SortedSetValue.Entry entry : popped)
        {
            final String expected = max ? model.remove(model.size() - 1) : model.remove(0);
            assertEquals(expected, string(entry.member));
            assertEquals(scores.remove(expected) + 0.0, entry.score + 0.0);
        }
    }

    private void visit(final SortedSetValue zset, final Random random)
    {
        if (model.isEmpty())
        {
            return;
        }
        final int from = random.nextInt(model.size());
        final boolean reverse = random.nextBoolean();
        final int steps = 1 + random.nextInt(10);
        final List<String> visited = new ArrayList<>();
        zset.visit(from, reverse, (member, score) ->
        {
            visited.add(string(member));
            return visited.size() < steps;
        });
        final List<String> expected = new ArrayList<>();
        for (int i = from; i >= 0 && i < model.size() && expected.size() < steps; i += reverse ? -1 : 1)
        {
            expected.add(model.get(i));
        }
        assertEquals(expected, visited);
    }

    private int compare(final String a, final String b)
    {
        return SortedSetValue.compare(scores.get(a), bytes(a), scores.get(b), bytes(b));
    }

    private static String pickBound(final Random random)
    {
        final String[] bounds = { "-inf", "+inf", "0", "1", "1.5", "2", "-1", "3", "100", "7", "-5", "1e308" };
        return bounds[random.nextInt(bounds.length)];
    }

    /**
     * @return one of exactly members distinct members, some with bytes that sort differently signed and unsigned.
     */
    private static String member(final Random random, final int members)
    {
        final int index = random.nextInt(members);
        return switch (index % 20)
        {
            case 0 -> "\u00ff" + index;
            case 1 -> "a\u0000" + index;
            default -> "m" + index;
        };
    }

    private static org.agrona.concurrent.UnsafeBuffer buffer(final String member)
    {
        return new org.agrona.concurrent.UnsafeBuffer(bytes(member));
    }

    private static byte[] bytes(final String member)
    {
        return member.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String string(final byte[] member)
    {
        return new String(member, StandardCharsets.ISO_8859_1);
    }
}

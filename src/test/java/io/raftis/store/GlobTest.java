package io.raftis.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Glob patterns as redis-server 7 matches them, in a bounded number of steps.
 */
class GlobTest
{
    private static final String[] KEYS = {"a", "]", "b", "\\", "^", "-"};

    /**
     * Each pattern with the keys of {@link #KEYS} that {@code KEYS pattern} listed on redis-server 7.0.15.
     */
    @Test
    void shouldListWhatRedisListsForItsOddPatterns()
    {
        assertListed("**", "a", "]", "b", "\\", "^", "-");
        assertListed("*?", "a", "]", "b", "\\", "^", "-");
        assertListed("?*", "a", "]", "b", "\\", "^", "-");
        assertListed("[a-]", "a", "]", "^"); // a range from 'a' down to ']', read in order
        assertListed("[^", "a", "]", "b", "\\", "^", "-"); // an open, empty, negated set
        assertListed("[");
        assertListed("[]");
        assertListed("[]]"); // an empty set, then a ']': two bytes
        assertListed("\\", "\\");
        assertListed("[\\]", "]");
        assertListed("[b-a]", "a", "b");
        assertListed("[^a", "]", "b", "\\", "^", "-");
        assertListed("[a", "a");
        assertListed("a**", "a");
        assertListed("[-]", "-");
        assertListed("[a-b", "a", "b");
        assertListed("A");
        assertListed("[A-B]");
    }

    @Test
    void shouldMatchAnEmptyTextWithAnEmptyPatternOnly()
    {
        assertTrue(Glob.matches("", "", false));
        assertFalse(Glob.matches("*", "", false), "KEYS and SCAN treat a lone * before they match");
        assertFalse(Glob.matches("**", "", false));
        assertFalse(Glob.matches("", "a", false));
    }

    @Test
    void shouldIgnoreCaseWhenAsked()
    {
        assertTrue(Glob.matches("MAX*", "maxmemory", true));
        assertTrue(Glob.matches("[L-N]axmemory", "maxmemory", true));
        assertTrue(Glob.matches("[^a-l]axmemory", "Maxmemory", true));
        assertFalse(Glob.matches("MAX*", "maxmemory", false));
        assertTrue(Glob.matches("maxmemory-polic?", "MAXMEMORY-POLICY", true));
    }

    @Test
    void shouldMatchBytesOfABufferAgainstBinaryText()
    {
        final byte[] pattern = {'x', '[', (byte)0x80, '-', (byte)0xff, ']', '\\', '*'};
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[pattern.length + 4]);
        buffer.putBytes(2, pattern);
        assertTrue(Glob.matches(buffer, 2, pattern.length, new byte[]{'x', (byte)0xc3, '*'}, false));
        assertFalse(Glob.matches(buffer, 2, pattern.length, new byte[]{'x', 0x7f, '*'}, false),
            "bytes compare unsigned");
        assertFalse(Glob.matches(buffer, 2, pattern.length, new byte[]{'x', (byte)0xc3, 'y'}, false));
    }

    /**
     * The old matcher tried every split for every star: fourteen stars and an x against a long text never ended.
     */
    @Test
    void shouldTakeStepsBoundedByPatternTimesTextLength()
    {
        final String text = "a".repeat(10_000);
        final String[] patterns = {"**************x", "*a*a*a*a*a*a*a*a*a*a*a*a*x", "a*".repeat(40) + "[^a]", "*?*?*?*b"};
        for (final String pattern : patterns)
        {
            assertFalse(Glob.matches(pattern, text, false), pattern);
            final long steps = Glob.steps(pattern, text);
            assertTrue(steps <= (long)(pattern.length() + 1) * (text.length() + 1), pattern + ": " + steps);
        }
        assertTrue(Glob.steps("*x", text + "x") <= 2L * (text.length() + 2));
    }

    /**
     * Thousands of random patterns and texts over an alphabet of the special bytes, against a plain recursive model
     * of Redis 7's matcher (exponential, so the inputs stay short).
     */
    @Test
    void shouldAgreeWithAModelOfRedisOnRandomPatterns()
    {
        final Random random = new Random(20261130);
        final String alphabet = "ab*?[]^-\\";
        for (int i = 0; i < 50_000; i++)
        {
            final String pattern = randomString(random, alphabet, 8);
            final String text = randomString(random, random.nextBoolean() ? "ab" : alphabet, 6);
            final boolean ignoreCase = random.nextInt(8) == 0;
            final String upperText = ignoreCase ? text.toUpperCase() : text;
            assertEquals(model(pattern, 0, upperText, 0, ignoreCase), Glob.matches(pattern, upperText, ignoreCase),
                "pattern '" + pattern + "' text '" + upperText + "' ignoring case " + ignoreCase);
        }
    }

    private static String randomString(final Random random, final String alphabet, final int maxLength)
    {
        final int length = random.nextInt(maxLength + 1);
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * Redis 7's rules written as plainly as they read: each token in turn, a star tried at every split that leaves
     * at least one byte for the rest.
     */
    private static boolean model(final String pattern, final int p, final String text, final int t,
        final boolean ignoreCase)
    {
        if (t == text.length())
        {
            if (0 == t)
            {
                return pattern.isEmpty();
            }
            int q = p;
            while (q < pattern.length() && pattern.charAt(q) == '*')
            {
                q++;
            }
            return q == pattern.length();
        }
        if (p == pattern.length())
        {
            return false;
        }
        final char c = pattern.charAt(p);
        if (c == '*')
        {
            int q = p;
            while (q + 1 < pattern.length() && pattern.charAt(q + 1) == '*')
            {
                q++;
            }
            if (q + 1 == pattern.length())
            {
                return true;
            }
            for (int split = t; split < text.length(); split++)
            {
                if (model(pattern, q + 1, text, split, ignoreCase))
                {
                    return true;
                }
            }
            return false;
        }
        final char x = ignoreCase ? Character.toLowerCase(text.charAt(t)) : text.charAt(t);
        if (c == '?')
        {
            return model(pattern, p + 1, text, t + 1, ignoreCase);
        }
        if (c == '[')
        {
            int i = p + 1;
            final boolean not = i < pattern.length() && pattern.charAt(i) == '^';
            if (not)
            {
                i++;
            }
            boolean match = false;
            while (true)
            {
                if (i + 1 < pattern.length() && pattern.charAt(i) == '\\')
                {
                    match |= lower(pattern.charAt(i + 1), ignoreCase) == x;
                    i += 2;
                    continue;
                }
                if (i == pattern.length())
                {
                    i--; // an open set: the pattern ends with it
                    break;
                }
                if (pattern.charAt(i) == ']')
                {
                    break;
                }
                if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '-')
                {
                    char start = pattern.charAt(i);
                    char end = pattern.charAt(i + 2);
                    if (start > end)
                    {
                        final char swap = start;
                        start = end;
                        end = swap;
                    }
                    match |= x >= lower(start, ignoreCase) && x <= lower(end, ignoreCase);
                    i += 3;
                    continue;
                }
                match |= lower(pattern.charAt(i), ignoreCase) == x;
                i++;
            }
            return match != not && model(pattern, i + 1, text, t + 1, ignoreCase);
        }
        if (c == '\\' && p + 1 < pattern.length())
        {
            return lower(pattern.charAt(p + 1), ignoreCase) == x && model(pattern, p + 2, text, t + 1, ignoreCase);
        }
        return lower(c, ignoreCase) == x && model(pattern, p + 1, text, t + 1, ignoreCase);
    }

    private static char lower(final char c, final boolean ignoreCase)
    {
        return ignoreCase ? Character.toLowerCase(c) : c;
    }

    private static void assertListed(final String pattern, final String... expected)
    {
        final List<String> listed = new ArrayList<>();
        for (final String key : KEYS)
        {
            final byte[] bytes = pattern.getBytes(StandardCharsets.US_ASCII);
            if (Glob.matches(new UnsafeBuffer(bytes), 0, bytes.length, key.getBytes(StandardCharsets.US_ASCII), false))
            {
                listed.add(key);
            }
        }
        final List<String> want = new ArrayList<>(List.of(expected));
        want.sort(null);
        listed.sort(null);
        assertEquals(want, listed, "KEYS " + pattern);
    }
}

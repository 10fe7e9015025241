package io.raftis.store;

import org.agrona.DirectBuffer;

/**
 * Redis's glob patterns (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE), matched in time linear in pattern length times
 * subject length, however many stars the pattern holds: a client's pattern must never hold the node's only thread.
 * <ul>
 *     <li>{@code *} matches any run of bytes, {@code ?} any one byte;</li>
 *     <li>{@code [abc]}, {@code [a-z]} (a reversed range is read in order) and {@code [^...]} match one byte of, or
 *     not of, the set; inside the brackets {@code \} takes the next byte as it is; a set left open runs to the end
 *     of the pattern, and {@code -} as the second-last byte before the end makes a range up to the last;</li>
 *     <li>{@code \x} matches {@code x}; a {@code \} at the very end matches itself;</li>
 *     <li>any other byte matches itself, or either case of an ASCII letter when matching ignores case.</li>
 * </ul>
 * Every token but {@code *} matches exactly one byte, so the matcher needs to remember only the last star it passed:
 * on a mismatch it lets that star take one more byte and starts again after it. Each restart moves the star's end by
 * one byte of the subject, and each attempt reads the pattern at most once.
 * <p>
 * Bytes compare as unsigned values, so a range of bytes above 127 is the range a reader expects (Redis compares C
 * chars, signed on x86).
 */
public final class Glob
{
    private Glob()
    {
    }

    /**
     * @return true when the pattern (bytes of a Java string below 256, as CONFIG names are) matches the text.
     */
    public static boolean matches(final String pattern, final String text, final boolean ignoreCase)
    {
        return matches(new StringBytes(pattern), new StringBytes(text), ignoreCase);
    }

    /**
     * @return true when the pattern matches the text; both are bytes.
     */
    public static boolean matches(
        final DirectBuffer pattern,
        final int patternOffset,
        final int patternLength,
        final byte[] text,
        final boolean ignoreCase)
    {
        return matches(new BufferBytes(pattern, patternOffset, patternLength), new ArrayBytes(text), ignoreCase);
    }

    /**
     * @return how many steps the matcher takes, for the test of its bound.
     */
    static long steps(final String pattern, final String text)
    {
        final long[] steps = new long[1];
        matches(new StringBytes(pattern), new StringBytes(text), false, steps);
        return steps[0];
    }

    private static boolean matches(final Bytes pattern, final Bytes text, final boolean ignoreCase)
    {
        return matches(pattern, text, ignoreCase, null);
    }

    private static boolean matches(final Bytes pattern, final Bytes text, final boolean ignoreCase, final long[] steps)
    {
        final int patternLength = pattern.length();
        final int textLength = text.length();
        if (0 == textLength)
        {
            // as Redis 7 matches: nothing but an empty pattern matches an empty text (KEYS and SCAN take a lone "*"
            // to mean every key before they match, so they list an empty key for it)
            return 0 == patternLength;
        }
        int p = 0;
        int t = 0;
        int afterStar = -1; // the pattern position after the last star passed, or -1 before any
        int starEnd = 0; // the text position where that star's run ends now
        while (t < textLength)
        {
            if (null != steps)
            {
                steps[0]++;
            }
            if (p < patternLength && '*' == pattern.at(p))
            {
                while (p < patternLength && '*' == pattern.at(p))
                {
                    p++;
                }
                if (p == patternLength)
                {
                    return true;
                }
                afterStar = p;
                starEnd = t;
                continue;
            }
            if (p < patternLength)
            {
                final int next = matchOne(pattern, p, text.at(t), ignoreCase);
                if (next > 0)
                {
                    p = next;
                    t++;
                    continue;
                }
            }
            if (afterStar < 0)
            {
                return false;
            }
            p = afterStar;
            t = ++starEnd;
        }
        while (p < patternLength && '*' == pattern.at(p))
        {
            p++;
        }
        return p == patternLength;
    }

    /**
     * @return the position after the token at p when it matches the byte c, or -p - 1 when it does not. The token is
     * not a star.
     */
    private static int matchOne(final Bytes pattern, final int p, final int c, final boolean ignoreCase)
    {
        final int length = pattern.length();
        final int token = pattern.at(p);
        if ('?' == token)
        {
            return p + 1;
        }
        if ('[' == token)
        {
            int i = p + 1;
            final boolean negate = i < length && '^' == pattern.at(i);
            if (negate)
            {
                i++;
            }
            boolean found = false;
            while (i < length)
            {
                final int b = pattern.at(i);
                if ('\\' == b && i + 1 < length)
                {
                    found |= same(pattern.at(i + 1), c, ignoreCase);
                    i += 2;
                }
                else if (']' == b)
                {
                    break;
                }
                else if (i + 2 < length && '-' == pattern.at(i + 1))
                {
                    found |= inRange(b, pattern.at(i + 2), c, ignoreCase);
                    i += 3;
                }
                else
                {
                    found |= same(b, c, ignoreCase);
                    i++;
                }
            }
            final int end = Math.min(i + 1, length); // past the ']', or the end of an open set
            return found != negate ? end : -p - 1;
        }
        if ('\\' == token && p + 1 < length)
        {
            return same(pattern.at(p + 1), c, ignoreCase) ? p + 2 : -p - 1;
        }
        return same(token, c, ignoreCase) ? p + 1 : -p - 1;
    }

    private static boolean same(final int a, final int b, final boolean ignoreCase)
    {
        return a == b || (ignoreCase && lower(a) == lower(b));
    }

    private static boolean inRange(final int from, final int to, final int c, final boolean ignoreCase)
    {
        int low = Math.min(from, to);
        int high = Math.max(from, to);
        int b = c;
        if (ignoreCase)
        {
            low = lower(low);
            high = lower(high);
            b = lower(b);
        }
        return b >= low && b <= high;
    }

    private static int lower(final int b)
    {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private interface Bytes
    {
        int length();

        /** @return the byte at i, unsigned. */
        int at(int i);
    }

    private record StringBytes(String s) implements Bytes
    {
        public int length()
        {
            return s.length();
        }

        public int at(final int i)
        {
            return s.charAt(i) & 0xFF;
        }
    }

    private record ArrayBytes(byte[] bytes) implements Bytes
    {
        public int length()
        {
            return bytes.length;
        }

        public int at(final int i)
        {
            return bytes[i] & 0xFF;
        }
    }

    private record BufferBytes(DirectBuffer buffer, int offset, int length) implements Bytes
    {
        public int at(final int i)
        {
            return buffer.getByte(offset + i) & 0xFF;
        }
    }
}

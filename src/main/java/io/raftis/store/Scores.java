package io.raftis.store;

import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Sorted set scores as Redis reads and writes them.
 * <p>
 * Reading follows C's strtod in the C locale, as glibc implements it: leading white space, a sign, then a decimal
 * number with an optional exponent, a hexadecimal one ("0x1.8p3"), "inf", "infinity" or "nan", letters in any case;
 * what follows the longest such prefix is left unread. Redis reads a score two ways: strictly, as its string2d does
 * (ZADD, ZINCRBY, WEIGHTS: the whole argument, no leading space, no overflow to infinity or underflow to zero, not
 * NaN), and as a range bound, as its zslParseRange does (the argument as a C string, so up to its first NUL byte;
 * leading space, overflow and even the empty string, which is 0, are accepted; NaN is not).
 * <p>
 * Writing follows printf's "%.17g", as Redis replies a double: 17 significant digits of the exact binary value
 * rounded half to even, trailing zeros dropped, the exponent form below 1e-4 and from 1e17, "inf" and "-inf".
 */
public final class Scores
{
    private static final MathContext SEVENTEEN_DIGITS = new MathContext(17, RoundingMode.HALF_EVEN);
    private static final byte[] INF = "inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINUS_INF = "-inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFINITY = "INFINITY".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAN = "NAN".getBytes(StandardCharsets.US_ASCII);
    /** Redis's LLONG_MAX / 2 as a double, 2^62: integers within it are written as integers in a listpack. */
    private static final double LONG_SAFE = (double)(Long.MAX_VALUE / 2);

    private Scores()
    {
    }

    /**
     * Read a score strictly, as Redis's string2d: the whole range must be one number, without leading white space,
     * neither overflowing to infinity nor underflowing to zero ("inf" itself is fine), and not NaN.
     *
     * @return the score, or NaN when the bytes are not one (Redis's "value is not a valid float").
     */
    public static double parse(final DirectBuffer buffer, final int offset, final int length)
    {
        if (0 == length || isSpace(buffer.getByte(offset)))
        {
            return Double.NaN;
        }
        final Strtod parsed = new Strtod(buffer, offset, offset + length);
        if (parsed.end != offset + length || parsed.outOfRange)
        {
            return Double.NaN;
        }
        return parsed.value;
    }

    /**
     * @see #parse(DirectBuffer, int, int)
     */
    public static double parse(final byte[] text)
    {
        return parse(new UnsafeBuffer(text), 0, text.length);
    }

    /**
     * Read a range bound's number, as Redis's zslParseRange calls strtod: the bytes up to the first NUL must be one
     * number, possibly after white space, or nothing at all (which reads as 0); infinity from overflow is kept.
     *
     * @return the number, or NaN when it is not one (Redis's "min or max is not a float").
     */
    public static double parseBound(final DirectBuffer buffer, final int offset, final int length)
    {
        int end = offset;
        while (end < offset + length && 0 != buffer.getByte(end))
        {
            end++;
        }
        final Strtod parsed = new Strtod(buffer, offset, end);
        return parsed.end == end ? parsed.value : Double.NaN;
    }

    /**
     * Read a weight as Redis's SORT calls strtod: the bytes up to the first NUL must be one number, possibly after
     * white space, or nothing at all (which reads as 0); strtod's ERANGE is refused, for an overflow to infinity as
     * for a result below the smallest normal double that strtod could not hold exactly, and so is NaN.
     *
     * @return the weight, or NaN when it is not one (Redis's "One or more scores can't be converted into double").
     */
    public static double parseWeight(final byte[] text)
    {
        int end = 0;
        while (end < text.length && 0 != text[end])
        {
            end++;
        }
        final Strtod parsed = new Strtod(new UnsafeBuffer(text), 0, end);
        return parsed.end != end || parsed.outOfRange || parsed.inexactSubnormal ? Double.NaN : parsed.value;
    }

    /**
     * @return the score as Redis replies it: printf's "%.17g", with "inf" and "-inf".
     */
    public static byte[] format(final double score)
    {
        if (Double.isInfinite(score))
        {
            return score > 0 ? INF.clone() : MINUS_INF.clone();
        }
        return formatG17(score).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @return the score as a listpack holds its text, which ZSCAN of a small sorted set shows: an integer of
     * magnitude up to 2^62 (-0 too, as 0) in plain digits, anything else as {@link #format(double)}.
     */
    public static byte[] formatCompact(final double score)
    {
        if (score >= -LONG_SAFE && score <= LONG_SAFE && score == (long)score)
        {
            return Long.toString((long)score).getBytes(StandardCharsets.US_ASCII);
        }
        return format(score);
    }

    /**
     * Write the score as a bulk string, as Redis's addReplyDouble does for RESP2.
     */
    public static void reply(final RespWriter out, final double score)
    {
        out.bulk(format(score));
    }

    private static String formatG17(final double value)
    {
        if (Double.isNaN(value))
        {
            return "nan";
        }
        if (0 == value)
        {
            return 1 / value < 0 ? "-0" : "0";
        }
        final BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN_DIGITS);
        final int exponent = rounded.precision() - rounded.scale() - 1;
        final BigDecimal stripped = rounded.stripTrailingZeros();
        if (exponent < -4 || exponent >= 17)
        {
            final String digits = stripped.unscaledValue().abs().toString();
            final StringBuilder sb = new StringBuilder(24);
            if (value < 0)
            {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1)
            {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            final int magnitude = Math.abs(exponent);
            if (magnitude < 10)
            {
                sb.append('0');
            }
            return sb.append(magnitude).toString();
        }
        return stripped.toPlainString();
    }

    private static boolean isSpace(final byte b)
    {
        return ' ' == b || (b >= '\t' && b <= '\r');
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    private static boolean isNanChar(final byte b)
    {
        return isDigit(b) || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || '_' == b;
    }

    private static boolean isHexDigit(final byte b)
    {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /**
     * One strtod over [start, limit): the value, where reading stopped (start itself when nothing was read), and
     * whether a finite number overflowed to infinity or a non-zero one underflowed to zero (strtod's ERANGE that
     * string2d refuses).
     */
    private static final class Strtod
    {
        private final DirectBuffer buffer;
        private final int limit;
        double value;
        int end;
        boolean outOfRange;
        boolean inexactSubnormal;

        Strtod(final DirectBuffer buffer, final int start, final int limit)
        {
            this.buffer = buffer;
            this.limit = limit;
            end = start;
            int i = start;
            while (i < limit && isSpace(buffer.getByte(i)))
            {
                i++;
            }
            boolean negative = false;
            if (i < limit && ('+' == buffer.getByte(i) || '-' == buffer.getByte(i)))
            {
                negative = '-' == buffer.getByte(i);
                i++;
            }
            if (matches(i, INFINITY, 3))
            {
                value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                end = matches(i, INFINITY, INFINITY.length) ? i + INFINITY.length : i + 3;
            }
            else if (matches(i, NAN, NAN.length))
            {
                value = Double.NaN;
                end = i + NAN.length;
                int j = end;
                if (j < limit && '(' == buffer.getByte(j))
                {
                    j++;
                    while (j < limit && isNanChar(buffer.getByte(j)))
                    {
                        j++;
                    }
                    if (j < limit && ')' == buffer.getByte(j))
                    {
                        end = j + 1;
                    }
                }
            }
            else if (i + 1 < limit && '0' == buffer.getByte(i) && 'x' == (buffer.getByte(i + 1) | 0x20))
            {
                if (!hex(i + 2, negative))
                {
                    value = negative ? -0.0 : 0.0; // "0x" without digits: the "0" alone
                    end = i + 1;
                }
            }
            else
            {
                decimal(i, negative);
            }
        }

        private boolean matches(final int at, final byte[] upperCase, final int length)
        {
            if (at + length > limit)
            {
                return false;
            }
            for (int k = 0; k < length; k++)
            {
                if ((buffer.getByte(at + k) & ~0x20) != upperCase[k])
                {
                    return false;
                }
            }
            return true;
        }

        private void decimal(final int from, final boolean negative)
        {
            int i = from;
            int digits = 0;
            boolean nonZero = false;
            while (i < limit && isDigit(buffer.getByte(i)))
            {
                nonZero |= '0' != buffer.getByte(i);
                digits++;
                i++;
            }
            if (i < limit && '.' == buffer.getByte(i))
            {
                i++;
                while (i < limit && isDigit(buffer.getByte(i)))
                {
                    nonZero |= '0' != buffer.getByte(i);
                    digits++;
                    i++;
                }
            }
            if (0 == digits)
            {
                return; // no number: nothing read
            }
            i = exponent(i, 'e');
            final StringBuilder text = new StringBuilder(i - from + 1);
            text.append(negative ? '-' : '+');
            for (int k = from; k < i; k++)
            {
                text.append((char)buffer.getByte(k));
            }
            finish(Double.parseDouble(text.toString()), nonZero, i);
            if (isSubnormal(value))
            {
                inexactSubnormal = 0 != new BigDecimal(text.toString()).compareTo(new BigDecimal(value));
            }
        }

        private boolean hex(final int from, final boolean negative)
        {
            int i = from;
            int digits = 0;
            boolean nonZero = false;
            final StringBuilder text = new StringBuilder();
            text.append(negative ? "-0x" : "0x");
            while (i < limit && isHexDigit(buffer.getByte(i)))
            {
                nonZero |= '0' != buffer.getByte(i);
                text.append((char)buffer.getByte(i));
                digits++;
                i++;
            }
            if (i < limit && '.' == buffer.getByte(i))
            {
                text.append('.');
                i++;
                while (i < limit && isHexDigit(buffer.getByte(i)))
                {
                    nonZero |= '0' != buffer.getByte(i);
                    text.append((char)buffer.getByte(i));
                    digits++;
                    i++;
                }
            }
            if (0 == digits)
            {
                return false;
            }
            final int exponentStart = i;
            i = exponent(i, 'p');
            text.append('p');
            if (i == exponentStart)
            {
                text.append('0');
            }
            else
            {
                for (int k = exponentStart + 1; k < i; k++)
                {
                    text.append((char)buffer.getByte(k));
                }
            }
            finish(Double.parseDouble(text.toString()), nonZero, i);
            if (isSubnormal(value))
            {
                inexactSubnormal = 0 != exactHex(text.toString()).compareTo(new BigDecimal(value));
            }
            return true;
        }

        private static boolean isSubnormal(final double value)
        {
            return 0 != value && Math.abs(value) < Double.MIN_NORMAL;
        }

        /**
         * @param text "0x" or "-0x", hexadecimal digits with at most one point, "p" and a decimal exponent.
         * @return its exact value.
         */
        private static BigDecimal exactHex(final String text)
        {
            final int p = text.indexOf('p');
            final int point = text.indexOf('.');
            final int digitsFrom = text.indexOf('x') + 1;
            final String digits = -1 == point ? text.substring(digitsFrom, p) :
                text.substring(digitsFrom, point) + text.substring(point + 1, p);
            final int fractionDigits = -1 == point ? 0 : p - point - 1;
            final long exponent = Long.parseLong(text.substring(p + 1)) - 4L * fractionDigits;
            BigInteger mantissa = new BigInteger(digits, 16);
            if (text.startsWith("-"))
            {
                mantissa = mantissa.negate();
            }
            if (exponent >= 0)
            {
                return new BigDecimal(mantissa.shiftLeft((int)exponent));
            }
            return new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow((int)-exponent)),
                (int)-exponent);
        }

        /**
         * @return past the exponent at i (marker, optional sign, at least one digit), or i when there is none.
         */
        private int exponent(final int i, final char marker)
        {
            if (i >= limit || marker != (buffer.getByte(i) | 0x20))
            {
                return i;
            }
            int j = i + 1;
            if (j < limit && ('+' == buffer.getByte(j) || '-' == buffer.getByte(j)))
            {
                j++;
            }
            if (j >= limit || !isDigit(buffer.getByte(j)))
            {
                return i;
            }
            while (j < limit && isDigit(buffer.getByte(j)))
            {
                j++;
            }
            return j;
        }

        private void finish(final double parsed, final boolean nonZero, final int stop)
        {
            value = parsed;
            end = stop;
            outOfRange = Double.isInfinite(parsed) || (0 == parsed && nonZero);
        }
    }
}

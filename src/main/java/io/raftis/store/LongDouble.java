package io.raftis.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The C {@code long double} of the x86-64 builds Redis's INCRBYFLOAT and HINCRBYFLOAT are compared against: the x87
 * 80-bit extended format, a 64-bit significand with an explicit leading bit and a 15-bit exponent, emulated exactly
 * and deterministically, so that every member computes the same bits whatever its hardware.
 * <p>
 * A finite value is {@code significand * 2^exponent}, with the significand below 2^64 and the exponent at least
 * {@link #MIN_EXPONENT} (the weight of the last bit of the smallest subnormal, 2^-16445); the largest finite value is
 * just under 2^16384. Every result is rounded as the hardware rounds by default: to nearest, ties to even, subnormals
 * gradually.
 * <ul>
 * <li>{@link #parse(byte[])} reads text as Redis's string2ld does with glibc's strtold: decimal or hexadecimal
 * ({@code 0x1.8p3}) with an optional sign and exponent, or "inf"/"infinity" in any case; no space before or after,
 * fewer than 5120 characters, and neither NaN nor a value that overflows or underflows to zero.</li>
 * <li>{@link #add(LongDouble)} adds as the x87 unit does: the exact sum, rounded once.</li>
 * <li>{@link #toHumanString()} formats as Redis's ld2string in its human mode: printf's {@code %.17Lf} (the exact
 * value rounded half to even at 17 decimals), trailing zeros and a trailing point removed, "-0" written "0".</li>
 * </ul>
 */
final class LongDouble
{
    /** Zero: what a missing key or field counts as. */
    static final LongDouble ZERO = new LongDouble(false, BigInteger.ZERO, 0, false);

    /** Bits of the significand, the leading one included. */
    static final int SIGNIFICAND_BITS = 64;
    /** Weight of the last significand bit of the smallest subnormal: 2^-16445. */
    static final int MIN_EXPONENT = -16445;
    /** Finite values are below 2^16384. */
    static final int MAX_BINARY_EXPONENT = 16384;

    /** Redis's MAX_LONG_DOUBLE_CHARS: text this long or longer is not a float. */
    private static final int MAX_TEXT_LENGTH = 5 * 1024;
    /** Decimals printed by %.17Lf. */
    private static final int DECIMALS = 17;
    /** Beyond this, decimal and binary exponents only say "overflow" or "underflow": keeps arithmetic in ints. */
    private static final int EXPONENT_CAP = 1_000_000;
    /** Decimal digits of the largest finite value (about 1.19e4932) are at most 4933. */
    private static final int MAX_DECIMAL_DIGITS = 4933;
    /** A value below 10^-4952 is below half the smallest subnormal (about 1.82e-4951): it rounds to zero. */
    private static final int MIN_DECIMAL_EXPONENT = -4952;
    /** Bits a quotient keeps beyond the significand, so that the rounding bit and a sticky bit lie inside it. */
    private static final int QUOTIENT_BITS = SIGNIFICAND_BITS + 2;
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    private final boolean negative;
    private final BigInteger significand;
    private final int exponent;
    private final boolean infinite;

    private LongDouble(final boolean negative, final BigInteger significand, final int exponent, final boolean infinite)
    {
        this.negative = negative;
        this.significand = significand;
        this.exponent = exponent;
        this.infinite = infinite;
    }

    /**
     * Read text as Redis's string2ld reads a float.
     *
     * @param text the bytes of the text.
     * @return the value, or null if it is not a float Redis accepts (then "value is not a valid float").
     */
    static LongDouble parse(final byte[] text)
    {
        final int length = text.length;
        if (0 == length || length >= MAX_TEXT_LENGTH || isSpace(text[0]))
        {
            return null;
        }
        int i = 0;
        boolean negative = false;
        if ('+' == text[0] || '-' == text[0])
        {
            negative = '-' == text[0];
            i++;
        }
        if (i == length)
        {
            return null;
        }
        if (matchesIgnoreCase(text, i, "infinity") || matchesIgnoreCase(text, i, "inf"))
        {
            return new LongDouble(negative, BigInteger.ZERO, 0, true);
        }
        if ('0' == text[i] && i + 1 < length && 'x' == (text[i + 1] | 0x20))
        {
            return parseHexadecimal(text, i + 2, negative);
        }
        return parseDecimal(text, i, negative);
    }

    /**
     * @return whether the value is an infinity: adding to it gives NaN or an infinity.
     */
    boolean isInfinite()
    {
        return infinite;
    }

    /**
     * Add as the x87 unit adds two extended values: exactly, then rounded to nearest, ties to even.
     *
     * @param other the other value.
     * @return the sum, infinite when it overflows; null when it is NaN (infinities of opposite signs).
     */
    LongDouble add(final LongDouble other)
    {
        if (infinite || other.infinite)
        {
            if (infinite && other.infinite && negative != other.negative)
            {
                return null;
            }
            return infinite ? this : other;
        }
        if (0 == other.significand.signum())
        {
            // x + 0 is x, and -0 + -0 is -0, while -0 + +0 is +0
            return 0 == significand.signum() && negative != other.negative ? ZERO : this;
        }
        if (0 == significand.signum())
        {
            return other;
        }
        final int base = Math.min(exponent, other.exponent);
        final BigInteger a = signed(significand.shiftLeft(exponent - base), negative);
        final BigInteger b = signed(other.significand.shiftLeft(other.exponent - base), other.negative);
        final BigInteger sum = a.add(b);
        if (0 == sum.signum())
        {
            return ZERO; // an exact zero sum is +0 when rounding to nearest
        }
        return round(sum.signum() < 0, sum.abs(), base, false);
    }

    /**
     * Format as Redis's ld2string in its human-friendly mode: fixed point with 17 decimals, then the trailing zeros
     * and a trailing point removed; "-0" becomes "0".
     *
     * @return the text, ASCII.
     */
    byte[] toHumanString()
    {
        if (infinite)
        {
            return ascii(negative ? "-inf" : "inf");
        }
        // below 2^-58 a value rounds to zero at 17 decimals: no need to expand 16,000 binary places
        if (0 == significand.signum() || significand.bitLength() + exponent <= -58)
        {
            return ascii("0");
        }
        final BigDecimal exact = exponent >= 0 ?
            new BigDecimal(significand.shiftLeft(exponent)) :
            new BigDecimal(significand.multiply(FIVE.pow(-exponent)), -exponent);
        String text = exact.setScale(DECIMALS, RoundingMode.HALF_EVEN).toPlainString();
        int end = text.length();
        while ('0' == text.charAt(end - 1))
        {
            end--;
        }
        if ('.' == text.charAt(end - 1))
        {
            end--;
        }
        text = text.substring(0, end);
        return ascii(negative && !"0".equals(text) ? "-" + text : text);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return infinite ? (negative ? "-inf" : "inf") : (negative ? "-" : "") + significand + "*2^" + exponent;
    }

    private static LongDouble parseDecimal(final byte[] text, final int from, final boolean negative)
    {
        final int length = text.length;
        final StringBuilder digits = new StringBuilder();
        int i = from;
        int fractionDigits = 0;
        int digitCount = 0;
        boolean point = false;
        for (; i < length; i++)
        {
            final byte b = text[i];
            if (b >= '0' && b <= '9')
            {
                digitCount++;
                if (digits.length() > 0 || '0' != b)
                {
                    digits.append((char)b);
                }
                if (point)
                {
                    fractionDigits++;
                }
            }
            else if ('.' == b && !point)
            {
                point = true;
            }
            else
            {
                break;
            }
        }
        if (0 == digitCount)
        {
            return null;
        }
        final int[] exponent = new int[1];
        if (!parseExponent(text, i, exponent))
        {
            return null;
        }
        if (0 == digits.length())
        {
            return new LongDouble(negative, BigInteger.ZERO, 0, false);
        }
        int trailingZeros = 0;
        while ('0' == digits.charAt(digits.length() - 1 - trailingZeros))
        {
            trailingZeros++;
        }
        digits.setLength(digits.length() - trailingZeros);
        final int decimalExponent = exponent[0] - fractionDigits + trailingZeros;
        final int significantDigits = digits.length();
        if (significantDigits - 1 + decimalExponent > MAX_DECIMAL_DIGITS)
        {
            return null; // overflows
        }
        if (significantDigits + decimalExponent <= MIN_DECIMAL_EXPONENT)
        {
            return null; // underflows to zero
        }
        final BigInteger mantissa = new BigInteger(digits.toString());
        final LongDouble value;
        if (decimalExponent >= 0)
        {
            value = round(negative, mantissa.multiply(BigInteger.TEN.pow(decimalExponent)), 0, false);
        }
        else
        {
            final BigInteger divisor = BigInteger.TEN.pow(-decimalExponent);
            final int shift = Math.max(0, QUOTIENT_BITS + divisor.bitLength() - mantissa.bitLength());
            final BigInteger[] quotient = mantissa.shiftLeft(shift).divideAndRemainder(divisor);
            value = round(negative, quotient[0], -shift, 0 != quotient[1].signum());
        }
        return accepted(value);
    }

    private static LongDouble parseHexadecimal(final byte[] text, final int from, final boolean negative)
    {
        final int length = text.length;
        final StringBuilder digits = new StringBuilder();
        int i = from;
        int fractionDigits = 0;
        int digitCount = 0;
        boolean point = false;
        for (; i < length; i++)
        {
            final byte b = text[i];
            if (Character.digit(b, 16) >= 0)
            {
                digitCount++;
                if (digits.length() > 0 || '0' != b)
                {
                    digits.append((char)b);
                }
                if (point)
                {
                    fractionDigits++;
                }
            }
            else if ('.' == b && !point)
            {
                point = true;
            }
            else
            {
                break;
            }
        }
        if (0 == digitCount)
        {
            return null; // strtold reads "0" and stops at the 'x'
        }
        final int[] exponent = new int[1];
        if (i < length && 'p' == (text[i] | 0x20))
        {
            if (!parseExponentDigits(text, i + 1, exponent))
            {
                return null;
            }
        }
        else if (i != length)
        {
            return null;
        }
        if (0 == digits.length())
        {
            return new LongDouble(negative, BigInteger.ZERO, 0, false);
        }
        final BigInteger mantissa = new BigInteger(digits.toString(), 16);
        final long binaryExponent = (long)exponent[0] - 4L * fractionDigits;
        final long top = mantissa.bitLength() + binaryExponent;
        if (top > MAX_BINARY_EXPONENT + 1)
        {
            return null; // overflows
        }
        if (top < MIN_EXPONENT - 1)
        {
            return null; // underflows to zero
        }
        return accepted(round(negative, mantissa, (int)binaryExponent, false));
    }

    /**
     * @return the value if strtold would not have reported it out of range: neither overflowed nor rounded to zero.
     */
    private static LongDouble accepted(final LongDouble value)
    {
        return value.infinite || 0 == value.significand.signum() ? null : value;
    }

    /**
     * A decimal exponent, if any: 'e' or 'E', an optional sign and at least one digit, ending the text.
     *
     * @return false if the text does not end there.
     */
    private static boolean parseExponent(final byte[] text, final int from, final int[] exponent)
    {
        if (from == text.length)
        {
            exponent[0] = 0;
            return true;
        }
        return 'e' == (text[from] | 0x20) && parseExponentDigits(text, from + 1, exponent);
    }

    private static boolean parseExponentDigits(final byte[] text, final int from, final int[] exponent)
    {
        int i = from;
        boolean negative = false;
        if (i < text.length && ('+' == text[i] || '-' == text[i]))
        {
            negative = '-' == text[i];
            i++;
        }
        if (i == text.length)
        {
            return false;
        }
        int value = 0;
        for (; i < text.length; i++)
        {
            final byte b = text[i];
            if (b < '0' || b > '9')
            {
                return false;
            }
            value = Math.min(EXPONENT_CAP, value * 10 + (b - '0'));
        }
        exponent[0] = negative ? -value : value;
        return true;
    }

    /**
     * Round (magnitude + sticky) * 2^exponent to the extended format, where sticky stands for nonzero bits below the
     * magnitude's last: keep 64 significant bits (fewer for a subnormal), to nearest, ties to even.
     */
    private static LongDouble round(
        final boolean negative, final BigInteger magnitude, final int exponent, final boolean sticky)
    {
        final int top = magnitude.bitLength() - 1 + exponent;
        final int last = Math.max(top - (SIGNIFICAND_BITS - 1), MIN_EXPONENT);
        final int shift = last - exponent;
        if (shift <= 0)
        {
            if (sticky)
            {
                throw new IllegalArgumentException("a sticky bit needs bits below the last kept one");
            }
            return finite(negative, magnitude.shiftLeft(-shift), last);
        }
        BigInteger kept = magnitude.shiftRight(shift);
        final boolean half = magnitude.testBit(shift - 1);
        final boolean below = sticky || magnitude.getLowestSetBit() < shift - 1;
        if (half && (below || kept.testBit(0)))
        {
            kept = kept.add(BigInteger.ONE);
        }
        if (kept.bitLength() > SIGNIFICAND_BITS)
        {
            return finite(negative, kept.shiftRight(1), last + 1);
        }
        return finite(negative, kept, last);
    }

    private static LongDouble finite(final boolean negative, final BigInteger significand, final int exponent)
    {
        if (significand.bitLength() + exponent > MAX_BINARY_EXPONENT)
        {
            return new LongDouble(negative, BigInteger.ZERO, 0, true);
        }
        return new LongDouble(negative, significand, exponent, false);
    }

    private static BigInteger signed(final BigInteger magnitude, final boolean negative)
    {
        return negative ? magnitude.negate() : magnitude;
    }

    private static boolean matchesIgnoreCase(final byte[] text, final int from, final String word)
    {
        if (text.length - from != word.length())
        {
            return false;
        }
        for (int i = 0; i < word.length(); i++)
        {
            if ((text[from + i] | 0x20) != word.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(final byte b)
    {
        return ' ' == b || (b >= '\t' && b <= '\r');
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

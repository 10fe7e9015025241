package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.raftis.store.Command.CATEGORY_BITMAP;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's bit commands on strings, with Redis 7's replies and errors: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO.
 * <p>
 * Bits are numbered from the most significant bit of the first byte, as Redis numbers them. A bit offset is refused
 * unless its byte is within the maximum string length (Redis's proto-max-bulk-len); SETBIT and BITFIELD grow a
 * string with zeros up to the byte they write, and change it in place once it is long enough, the keyspace counting
 * the growth in its used memory. A number is read as its decimal text, which is what raftis stores and what Redis
 * reads of an integer-encoded string.
 */
public final class BitCommands
{
    private static final String BIT_OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
    private static final String BIT_VALUE_ERROR = "ERR bit is not an integer or out of range";
    private static final String BIT_ARGUMENT_ERROR = "ERR The bit argument must be 1 or 0.";
    private static final String BITOP_NOT_ERROR = "ERR BITOP NOT must be called with a single source key.";
    private static final String BITFIELD_TYPE_ERROR =
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    private static final String OVERFLOW_TYPE_ERROR = "ERR Invalid OVERFLOW type specified";
    private static final String BITFIELD_RO_ERROR = "ERR BITFIELD_RO only supports the GET subcommand";

    private static final byte[] BIT = ascii("BIT");
    private static final byte[] BYTE = ascii("BYTE");
    private static final byte[] AND = ascii("AND");
    private static final byte[] OR = ascii("OR");
    private static final byte[] XOR = ascii("XOR");
    private static final byte[] NOT = ascii("NOT");
    private static final byte[] GET = ascii("GET");
    private static final byte[] SET = ascii("SET");
    private static final byte[] INCRBY = ascii("INCRBY");
    private static final byte[] OVERFLOW = ascii("OVERFLOW");
    private static final byte[] WRAP = ascii("WRAP");
    private static final byte[] SAT = ascii("SAT");
    private static final byte[] FAIL = ascii("FAIL");
    private static final byte[] EMPTY = new byte[0];

    private static final int OP_AND = 0;
    private static final int OP_OR = 1;
    private static final int OP_XOR = 2;
    private static final int OP_NOT = 3;

    private static final int FIELD_GET = 0;
    private static final int FIELD_SET = 1;
    private static final int FIELD_INCRBY = 2;
    private static final int OVERFLOW_WRAP = 0;
    private static final int OVERFLOW_SAT = 1;
    private static final int OVERFLOW_FAIL = 2;

    private final long maxStringLength;

    /**
     * One GET, SET or INCRBY of a BITFIELD, with the OVERFLOW in force where it stands.
     */
    private static final class Field
    {
        final int operation;
        final boolean signed;
        final int bits;
        final long offset;
        final long value;
        final int overflow;

        Field(
            final int operation,
            final boolean signed,
            final int bits,
            final long offset,
            final long value,
            final int overflow)
        {
            this.operation = operation;
            this.signed = signed;
            this.bits = bits;
            this.offset = offset;
            this.value = value;
            this.overflow = overflow;
        }
    }

    private BitCommands(final long maxStringLength)
    {
        this.maxStringLength = maxStringLength;
    }

    /**
     * Register the commands.
     *
     * @param table           to register with.
     * @param maxStringLength Redis's proto-max-bulk-len: a bit offset must fall in a byte below it. The same on
     *                        every node, as {@link StringCommands#register(CommandTable, long)} requires.
     */
    public static void register(final CommandTable table, final long maxStringLength)
    {
        final BitCommands commands = new BitCommands(maxStringLength);
        table.register(new Command("setbit", 4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_BITMAP,
            commands::setbit, commands::validateSetbit,
            (args, keyspace) -> (commands.bitOffset(args, 2, 0) >>> 3) + 1));
        table.register(new Command("getbit", 3, FLAG_READONLY | FLAG_FAST, 1, 1, 1, CATEGORY_BITMAP,
            commands::getbit, commands::validateGetbit));
        table.register(new Command("bitcount", -2, FLAG_READONLY, 1, 1, 1, CATEGORY_BITMAP, BitCommands::bitcount));
        table.register(new Command("bitpos", -3, FLAG_READONLY, 1, 1, 1, CATEGORY_BITMAP, BitCommands::bitpos));
        table.register(new Command("bitop", -4, FLAG_WRITE | FLAG_DENYOOM, 2, -1, 1, CATEGORY_BITMAP,
            BitCommands::bitop, BitCommands::validateBitop, BitCommands::bitopGrowth));
        table.register(new Command("bitfield", -2, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1, CATEGORY_BITMAP,
            (args, keyspace, out) -> commands.bitfield(args, keyspace, out, false), commands::validateBitfield,
            commands::bitfieldGrowth));
        table.register(new Command("bitfield_ro", -2, FLAG_READONLY | FLAG_FAST, 1, 1, 1, CATEGORY_BITMAP,
            (args, keyspace, out) -> commands.bitfield(args, keyspace, out, true)));
    }

    /**
     * A bit offset as Redis reads it: an integer, or with bits above 0 also '#' and an integer counting fields of
     * that many bits (the product wraps as Redis's does); refused when negative or when its byte is not below the
     * maximum string length.
     *
     * @return the offset, or -1 when it is refused.
     */
    private long bitOffset(final RespParser args, final int index, final int bits)
    {
        final long offset;
        if (bits > 0 && args.argLength(index) > 0 && '#' == args.argBuffer().getByte(args.argOffset(index)))
        {
            final byte[] text = args.argBytes(index);
            final long[] count = new long[1];
            if (!StringCommands.parseLong(Arrays.copyOfRange(text, 1, text.length), count))
            {
                return -1;
            }
            offset = count[0] * bits;
        }
        else
        {
            offset = args.argAsLong(index);
            if (!args.lastArgWasNumber())
            {
                return -1;
            }
        }
        return offset < 0 || (offset >> 3) >= maxStringLength ? -1 : offset;
    }

    private String validateSetbit(final RespParser args)
    {
        if (bitOffset(args, 2, 0) < 0)
        {
            return BIT_OFFSET_ERROR;
        }
        final long bit = args.argAsLong(3);
        return args.lastArgWasNumber() && 0 == (bit & ~1L) ? null : BIT_VALUE_ERROR;
    }

    /**
     * SETBIT: set or clear one bit, growing the string to reach it; the bit's old value is the reply.
     */
    private void setbit(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final long offset = bitOffset(args, 2, 0);
        final int bit = (int)args.argAsLong(3);

        final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
        final int index = (int)(offset >>> 3);
        final int shift = 7 - (int)(offset & 7);
        if (null != current && index < current.length && ((current[index] >> shift) & 1) == bit)
        {
            out.integer(bit); // as Redis 7.0: a bit left as it was is no change, which a WATCH would see
            return;
        }
        final byte[] value = StringCommands.stringToChange(keyspace, buffer, keyOffset, keyLength, current, index + 1);
        final int previous = (value[index] >> shift) & 1;
        value[index] = (byte)((value[index] & ~(1 << shift)) | (bit << shift));
        out.integer(previous);
    }

    private String validateGetbit(final RespParser args)
    {
        return bitOffset(args, 2, 0) < 0 ? BIT_OFFSET_ERROR : null;
    }

    private void getbit(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long offset = bitOffset(args, 2, 0);
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        out.integer(null == value ? 0 : bit(value, offset));
    }

    /**
     * BITCOUNT key [start end [BYTE|BIT]]: as in Redis, a missing key answers 0 and the type is checked before the
     * range is read.
     */
    private static void bitcount(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value)
        {
            out.integer(0);
            return;
        }
        final int count = args.argCount();
        final long length = value.length;
        long start = 0;
        long end = length - 1;
        boolean bits = false;
        if (4 == count || 5 == count)
        {
            start = args.argAsLong(2);
            if (!args.lastArgWasNumber())
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            end = args.argAsLong(3);
            if (!args.lastArgWasNumber())
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            if (start < 0 && end < 0 && start > end)
            {
                out.integer(0);
                return;
            }
            if (5 == count)
            {
                final int unit = unit(args, 4);
                if (unit < 0)
                {
                    out.error(ErrorReplies.SYNTAX_ERROR);
                    return;
                }
                bits = 1 == unit;
            }
            final long total = bits ? length << 3 : length;
            start = clampIndex(start, total);
            end = Math.min(clampIndex(end, total), total - 1);
        }
        else if (2 != count)
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }

        if (start > end)
        {
            out.integer(0);
        }
        else
        {
            out.integer(bits ? countBits(value, start, end) : countBits(value, start << 3, (end << 3) + 7));
        }
    }

    /**
     * BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set or clear in the range; when none is clear and no
     * end was given, the first bit past the string, which counts as padded with zeros.
     */
    private static void bitpos(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final long bit = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            out.error(ErrorReplies.NOT_AN_INTEGER);
            return;
        }
        if (0 != bit && 1 != bit)
        {
            out.error(BIT_ARGUMENT_ERROR);
            return;
        }
        final byte[] value = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value)
        {
            out.integer(0 == bit ? 0 : -1);
            return;
        }
        final int count = args.argCount();
        final long length = value.length;
        long start = 0;
        long end = length - 1;
        boolean bits = false;
        boolean endGiven = false;
        if (count >= 4 && count <= 6)
        {
            start = args.argAsLong(3);
            if (!args.lastArgWasNumber())
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            if (6 == count)
            {
                final int unit = unit(args, 5);
                if (unit < 0)
                {
                    out.error(ErrorReplies.SYNTAX_ERROR);
                    return;
                }
                bits = 1 == unit;
            }
            final long total = bits ? length << 3 : length;
            end = total - 1;
            if (count >= 5)
            {
                end = args.argAsLong(4);
                if (!args.lastArgWasNumber())
                {
                    out.error(ErrorReplies.NOT_AN_INTEGER);
                    return;
                }
                endGiven = true;
            }
            start = clampIndex(start, total);
            end = Math.min(clampIndex(end, total), total - 1);
        }
        else if (3 != count)
        {
            out.error(ErrorReplies.SYNTAX_ERROR);
            return;
        }

        if (start > end)
        {
            out.integer(-1);
            return;
        }
        final long from = bits ? start : start << 3;
        final long to = bits ? end : (end << 3) + 7;
        final long found = firstBit(value, from, to, (int)bit);
        if (found >= 0)
        {
            out.integer(found);
        }
        else
        {
            out.integer(1 == bit || endGiven ? -1 : to + 1);
        }
    }

    private static String validateBitop(final RespParser args)
    {
        final int operation = operation(args);
        if (operation < 0)
        {
            return ErrorReplies.SYNTAX_ERROR;
        }
        return OP_NOT == operation && 4 != args.argCount() ? BITOP_NOT_ERROR : null;
    }

    /**
     * BITOP AND|OR|XOR|NOT destkey key [key ...]: the result is as long as the longest source, missing keys and the
     * shorter sources counting as zeros; an empty result removes the destination. The reply is its length.
     */
    private static void bitop(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int operation = operation(args);
        final int count = args.argCount();
        final byte[][] sources = new byte[count - 3][];
        int maxLength = 0;
        for (int i = 3; i < count; i++)
        {
            final byte[] source = keyspace.getString(buffer, args.argOffset(i), args.argLength(i));
            sources[i - 3] = null == source ? EMPTY : source;
            maxLength = Math.max(maxLength, sources[i - 3].length);
        }
        if (0 == maxLength)
        {
            keyspace.remove(buffer, args.argOffset(2), args.argLength(2));
            out.integer(0);
            return;
        }

        final byte[] result = Arrays.copyOf(sources[0], maxLength);
        if (OP_NOT == operation)
        {
            for (int j = 0; j < maxLength; j++)
            {
                result[j] = (byte)~result[j];
            }
        }
        for (int i = 1; i < sources.length; i++)
        {
            final byte[] source = sources[i];
            for (int j = 0; j < source.length; j++)
            {
                switch (operation)
                {
                    case OP_AND -> result[j] &= source[j];
                    case OP_OR -> result[j] |= source[j];
                    default -> result[j] ^= source[j];
                }
            }
            if (OP_AND == operation)
            {
                Arrays.fill(result, source.length, maxLength, (byte)0);
            }
        }
        keyspace.put(buffer, args.argOffset(2), args.argLength(2), result);
        out.integer(maxLength);
    }

    /**
     * @return the longest source string: what the destination will hold.
     */
    private static long bitopGrowth(final RespParser args, final Keyspace keyspace)
    {
        long longest = 0;
        for (int i = 3, count = args.argCount(); i < count; i++)
        {
            final Object source = keyspace.get(args.argBuffer(), args.argOffset(i), args.argLength(i));
            if (source instanceof byte[])
            {
                longest = Math.max(longest, ((byte[])source).length);
            }
        }
        return longest;
    }

    /**
     * @return the bytes up to the farthest field written, 0 for GETs alone.
     */
    private long bitfieldGrowth(final RespParser args, final Keyspace keyspace)
    {
        final List<Field> fields = new ArrayList<>();
        long length = 0;
        if (null == parseFields(args, fields))
        {
            for (final Field field : fields)
            {
                if (FIELD_GET != field.operation)
                {
                    length = Math.max(length, ((field.offset + field.bits - 1) >>> 3) + 1);
                }
            }
        }
        return length;
    }

    private String validateBitfield(final RespParser args)
    {
        return parseFields(args, new ArrayList<>());
    }

    /**
     * BITFIELD and BITFIELD_RO. Every subcommand is read before anything is done, as in Redis, so that a malformed
     * one refuses the whole command. With GETs alone the key is only read; otherwise the string grows to hold the
     * farthest field written, even when every write fails for OVERFLOW FAIL.
     */
    private void bitfield(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean readOnlyCommand)
    {
        final List<Field> fields = new ArrayList<>();
        final String error = parseFields(args, fields);
        if (null != error)
        {
            out.error(error);
            return;
        }
        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        long highestWritten = -1;
        for (final Field field : fields)
        {
            if (FIELD_GET != field.operation)
            {
                highestWritten = Math.max(highestWritten, field.offset + field.bits - 1);
            }
        }

        byte[] value = null;
        if (highestWritten < 0)
        {
            value = keyspace.getString(buffer, keyOffset, keyLength);
        }
        else if (readOnlyCommand)
        {
            out.error(BITFIELD_RO_ERROR);
            return;
        }
        else
        {
            final byte[] current = keyspace.getString(buffer, keyOffset, keyLength);
            final long length = (highestWritten >>> 3) + 1;
            if (length > StringCommands.MAX_ARRAY_LENGTH)
            {
                out.error(ErrorReplies.STRING_TOO_LONG); // only with a maximum string length within 8 bytes of it
                return;
            }
            value = StringCommands.stringToChange(keyspace, buffer, keyOffset, keyLength, current, (int)length);
        }

        out.arrayHeader(fields.size());
        final long[] limit = new long[1];
        for (final Field field : fields)
        {
            final long old = field.signed ?
                signedField(value, field.offset, field.bits) : unsignedField(value, field.offset, field.bits);
            if (FIELD_GET == field.operation)
            {
                out.integer(old);
                continue;
            }
            final long wanted = FIELD_INCRBY == field.operation ? old + field.value : field.value;
            final long increment = FIELD_INCRBY == field.operation ? field.value : 0;
            final long base = FIELD_INCRBY == field.operation ? old : field.value;
            final int overflow = field.signed ?
                signedOverflow(base, increment, field.bits, field.overflow, limit) :
                unsignedOverflow(base, increment, field.bits, field.overflow, limit);
            if (0 != overflow && OVERFLOW_FAIL == field.overflow)
            {
                out.nullBulk();
                continue;
            }
            final long stored = 0 != overflow ? limit[0] : wanted;
            out.integer(FIELD_INCRBY == field.operation ? stored : old);
            setField(value, field.offset, field.bits, stored);
        }
    }

    /**
     * Read BITFIELD's subcommands as Redis does, stopping at the first error.
     *
     * @return null with the fields added, or the error.
     */
    private String parseFields(final RespParser args, final List<Field> into)
    {
        int overflow = OVERFLOW_WRAP;
        for (int i = 2, count = args.argCount(); i < count; i++)
        {
            final int remaining = count - i - 1;
            final int operation;
            if (args.argEqualsIgnoreCase(i, GET) && remaining >= 2)
            {
                operation = FIELD_GET;
            }
            else if (args.argEqualsIgnoreCase(i, SET) && remaining >= 3)
            {
                operation = FIELD_SET;
            }
            else if (args.argEqualsIgnoreCase(i, INCRBY) && remaining >= 3)
            {
                operation = FIELD_INCRBY;
            }
            else if (args.argEqualsIgnoreCase(i, OVERFLOW) && remaining >= 1)
            {
                i++;
                if (args.argEqualsIgnoreCase(i, WRAP))
                {
                    overflow = OVERFLOW_WRAP;
                }
                else if (args.argEqualsIgnoreCase(i, SAT))
                {
                    overflow = OVERFLOW_SAT;
                }
                else if (args.argEqualsIgnoreCase(i, FAIL))
                {
                    overflow = OVERFLOW_FAIL;
                }
                else
                {
                    return OVERFLOW_TYPE_ERROR;
                }
                continue;
            }
            else
            {
                return ErrorReplies.SYNTAX_ERROR;
            }

            final int type = fieldType(args.argBytes(i + 1));
            if (type < 0)
            {
                return BITFIELD_TYPE_ERROR;
            }
            final boolean signed = type > Byte.MAX_VALUE;
            final int bits = type & Byte.MAX_VALUE;
            final long offset = bitOffset(args, i + 2, bits);
            if (offset < 0)
            {
                return BIT_OFFSET_ERROR;
            }
            long value = 0;
            if (FIELD_GET != operation)
            {
                value = args.argAsLong(i + 3);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
            }
            into.add(new Field(operation, signed, bits, offset, value, overflow));
            i += FIELD_GET == operation ? 2 : 3;
        }
        return null;
    }

    /**
     * A field's type as Redis reads it: 'i' and 1 to 64 bits, or 'u' and 1 to 63, the number read up to a NUL byte
     * as C reads it.
     *
     * @return the bits, plus 128 when signed; -1 when it is not a type.
     */
    private static int fieldType(final byte[] text)
    {
        if (0 == text.length || ('i' != text[0] && 'u' != text[0]))
        {
            return -1;
        }
        int end = 1;
        while (end < text.length && 0 != text[end])
        {
            end++;
        }
        final long[] bits = new long[1];
        if (!StringCommands.parseLong(Arrays.copyOfRange(text, 1, end), bits) || bits[0] < 1)
        {
            return -1;
        }
        final boolean signed = 'i' == text[0];
        if (bits[0] > (signed ? 64 : 63))
        {
            return -1;
        }
        return (int)bits[0] | (signed ? 128 : 0);
    }

    /**
     * Whether an unsigned field of these bits overflows when value (read as unsigned) is incremented, as Redis's
     * checkUnsignedBitfieldOverflow decides it, with the value to store instead for WRAP and SAT.
     *
     * @return 1 above the range, -1 below it, 0 within it.
     */
    private static int unsignedOverflow(
        final long value, final long increment, final int bits, final int overflow, final long[] limit)
    {
        final long max = (1L << bits) - 1;
        final long maxIncrement = max - value;
        final long minIncrement = -value;
        final int direction;
        if (Long.compareUnsigned(value, max) > 0 || (increment > 0 && increment > maxIncrement))
        {
            direction = 1;
        }
        else if (increment < 0 && increment < minIncrement)
        {
            direction = -1;
        }
        else
        {
            return 0;
        }
        if (OVERFLOW_WRAP == overflow)
        {
            limit[0] = (value + increment) & max;
        }
        else if (OVERFLOW_SAT == overflow)
        {
            limit[0] = direction > 0 ? max : 0;
        }
        return direction;
    }

    /**
     * Whether a signed field of these bits overflows when value is incremented, as Redis's
     * checkSignedBitfieldOverflow decides it (its differences wrap as they do in C), with the value to store instead
     * for WRAP and SAT.
     *
     * @return 1 above the range, -1 below it, 0 within it.
     */
    private static int signedOverflow(
        final long value, final long increment, final int bits, final int overflow, final long[] limit)
    {
        final long max = 64 == bits ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        final long min = -max - 1;
        final long maxIncrement = max - value;
        final long minIncrement = min - value;
        final int direction;
        if (value > max || (64 != bits && increment > maxIncrement) ||
            (value >= 0 && increment > 0 && increment > maxIncrement))
        {
            direction = 1;
        }
        else if (value < min || (64 != bits && increment < minIncrement) ||
            (value < 0 && increment < 0 && increment < minIncrement))
        {
            direction = -1;
        }
        else
        {
            return 0;
        }
        if (OVERFLOW_WRAP == overflow)
        {
            long wrapped = value + increment;
            if (bits < 64)
            {
                final long mask = -1L << bits;
                wrapped = 0 != (wrapped & (1L << (bits - 1))) ? wrapped | mask : wrapped & ~mask;
            }
            limit[0] = wrapped;
        }
        else if (OVERFLOW_SAT == overflow)
        {
            limit[0] = direction > 0 ? max : min;
        }
        return direction;
    }

    private static long unsignedField(final byte[] value, final long offset, final int bits)
    {
        long field = 0;
        for (int j = 0; j < bits; j++)
        {
            field = (field << 1) | bit(value, offset + j);
        }
        return field;
    }

    private static long signedField(final byte[] value, final long offset, final int bits)
    {
        final long field = unsignedField(value, offset, bits);
        return bits < 64 && 0 != (field & (1L << (bits - 1))) ? field | (-1L << bits) : field;
    }

    private static void setField(final byte[] value, final long offset, final int bits, final long field)
    {
        for (int j = 0; j < bits; j++)
        {
            final long at = offset + j;
            final int index = (int)(at >>> 3);
            final int shift = 7 - (int)(at & 7);
            final int bit = (int)((field >>> (bits - 1 - j)) & 1);
            value[index] = (byte)((value[index] & ~(1 << shift)) | (bit << shift));
        }
    }

    /**
     * @return the bit at the offset, 0 past the end of the string (or with no string).
     */
    private static int bit(final byte[] value, final long offset)
    {
        final long index = offset >>> 3;
        if (null == value || index >= value.length)
        {
            return 0;
        }
        return (value[(int)index] >> (7 - (int)(offset & 7))) & 1;
    }

    /**
     * @return the bits set from bit from to bit to, both included.
     */
    private static long countBits(final byte[] value, final long from, final long to)
    {
        final int first = (int)(from >>> 3);
        final int last = (int)(to >>> 3);
        if (first == last)
        {
            return Integer.bitCount(value[first] & 0xFF & (0xFF >>> (from & 7)) & (0xFF << (7 - (to & 7))));
        }
        long count = Integer.bitCount(value[first] & 0xFF & (0xFF >>> (from & 7)));
        count += Integer.bitCount(value[last] & 0xFF & (0xFF << (7 - (to & 7))));
        for (int i = first + 1; i < last; i++)
        {
            count += Integer.bitCount(value[i] & 0xFF);
        }
        return count;
    }

    /**
     * @return the first bit equal to target from bit from to bit to, both included, or -1 if there is none.
     */
    private static long firstBit(final byte[] value, final long from, final long to, final int target)
    {
        final int skip = 0 == target ? 0xFF : 0;
        for (long at = from; at <= to; )
        {
            final int index = (int)(at >>> 3);
            if (0 == (at & 7) && at + 7 <= to && skip == (value[index] & 0xFF))
            {
                at += 8; // a whole byte without the bit looked for
                continue;
            }
            if (((value[index] >> (7 - (int)(at & 7))) & 1) == target)
            {
                return at;
            }
            at++;
        }
        return -1;
    }

    /**
     * A negative index counts from the end of a string of total bytes or bits; what is still negative counts as 0.
     */
    private static long clampIndex(final long index, final long total)
    {
        return Math.max(0, index < 0 ? total + index : index);
    }

    /**
     * @return 1 for BIT, 0 for BYTE, -1 for anything else.
     */
    private static int unit(final RespParser args, final int index)
    {
        if (args.argEqualsIgnoreCase(index, BIT))
        {
            return 1;
        }
        return args.argEqualsIgnoreCase(index, BYTE) ? 0 : -1;
    }

    private static int operation(final RespParser args)
    {
        if (args.argEqualsIgnoreCase(1, AND))
        {
            return OP_AND;
        }
        if (args.argEqualsIgnoreCase(1, OR))
        {
            return OP_OR;
        }
        if (args.argEqualsIgnoreCase(1, XOR))
        {
            return OP_XOR;
        }
        return args.argEqualsIgnoreCase(1, NOT) ? OP_NOT : -1;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.raftis.resp;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

/**
 * Incremental parser of Redis client requests, following Redis's own rules (networking.c
 * processMultibulkBuffer and processInlineBuffer, sds.c sdssplitargs, util.c string2ll).
 * <p>
 * {@link #parse(DirectBuffer, int, int)} parses at most one command from the bytes it is given. When the command is
 * not complete it returns {@link #INCOMPLETE} and remembers how far it got, as Redis keeps a client's multibulk
 * state: the next call, made once more bytes have arrived, must present the same command from its start (which may
 * have moved in the buffer) and continues where the last one stopped, so a command that arrives a byte at a time
 * costs time linear in its length, never quadratic. Bulk payloads are stepped over by their declared length. The
 * arguments of the last parsed command are recorded as (offset, length) pairs in {@link #argBuffer()} and stay valid
 * until the bytes they point at are changed or the next call to parse. {@link #reset()} forgets a partial command.
 * <p>
 * One parser per connection, since it holds the state of that connection's partial command; not thread safe.
 */
public final class RespParser
{
    /**
     * Largest bulk argument accepted, as Redis's proto-max-bulk-len default.
     */
    public static final int MAX_BULK_LENGTH = 512 * 1024 * 1024;

    /**
     * Largest number of arguments a multibulk request may declare.
     */
    public static final int MAX_MULTIBULK_LENGTH = 1024 * 1024;

    /**
     * Longest inline request (and longest unterminated header line) accepted, as Redis's PROTO_INLINE_MAX_SIZE.
     */
    public static final int MAX_INLINE_LENGTH = 64 * 1024;

    /**
     * Result of {@link #parse(DirectBuffer, int, int)} when more bytes are needed.
     */
    public static final int INCOMPLETE = 0;

    /**
     * Result of {@link #parse(DirectBuffer, int, int)} when the input is not valid; see {@link #errorMessage()}.
     */
    public static final int PROTOCOL_ERROR = -1;

    static final String INVALID_MULTIBULK_LENGTH = "Protocol error: invalid multibulk length";
    static final String INVALID_BULK_LENGTH = "Protocol error: invalid bulk length";
    static final String TOO_BIG_INLINE_REQUEST = "Protocol error: too big inline request";
    static final String TOO_BIG_MBULK_COUNT_STRING = "Protocol error: too big mbulk count string";
    static final String TOO_BIG_BULK_COUNT_STRING = "Protocol error: too big bulk count string";
    static final String UNBALANCED_QUOTES = "Protocol error: unbalanced quotes in request";

    private static final int INITIAL_ARG_CAPACITY = 16;
    private static final int LONG_STR_SIZE = 21;

    private final ExpandableArrayBuffer inlineArgs = new ExpandableArrayBuffer(256);
    private int[] argOffsets = new int[INITIAL_ARG_CAPACITY];
    private int[] argLengths = new int[INITIAL_ARG_CAPACITY];
    /** Arguments recorded so far, of a command complete or in progress; offsets relative to {@link #argBase}. */
    private int argCount;
    private int argBase;
    /** A command is partly parsed: the fields below say how far, relative to its start. */
    private boolean inProgress;
    /** The argument count a multibulk declared, or -1 while its header line is incomplete. */
    private long declaredArgs;
    /** Where the next element of a multibulk in progress starts. */
    private int resumeAt;
    /** Where the search for the end of the current line continues: bytes before it hold no terminator. */
    private int scanFrom;
    private int inlineArgsLength;
    private int requiredLength;
    private boolean inline;
    private boolean numberValid;
    private boolean lastArgWasNumber;
    private DirectBuffer argBuffer = inlineArgs;
    private String errorMessage;
    private long bytesScanned;
    private ArgumentArrays lender;

    /**
     * Arrays that hold a buffer's bytes at known places: see {@link #lend(ArgumentArrays)}.
     */
    public interface ArgumentArrays
    {
        /**
         * @param offset of an argument in the buffer.
         * @param length of the argument.
         * @return an array holding exactly those bytes, given up for good to the caller; or null.
         */
        byte[] take(int offset, int length);
    }

    /**
     * Create a parser with room for a few arguments; the room grows when a command has more.
     */
    public RespParser()
    {
    }

    /**
     * Parse one command from buffer[offset, limit).
     *
     * @param buffer holding the received bytes.
     * @param offset of the first unparsed byte.
     * @param limit  one past the last received byte.
     * @return bytes consumed (&gt; 0) when a whole command was parsed, {@link #INCOMPLETE} when more bytes are needed,
     * or {@link #PROTOCOL_ERROR} on bad input (see {@link #errorMessage()}). A blank inline line and a multibulk
     * count of zero or less are consumed with {@link #argCount()} == 0.
     */
    public int parse(final DirectBuffer buffer, final int offset, final int limit)
    {
        requiredLength = 0;
        errorMessage = null;

        if (offset >= limit)
        {
            if (!inProgress)
            {
                argCount = 0;
                inline = false;
            }
            return INCOMPLETE;
        }

        if (!inProgress)
        {
            lender = null; // lent for the command before
            argCount = 0;
            inProgress = true;
            inline = '*' != buffer.getByte(offset);
            declaredArgs = -1;
            resumeAt = 0;
            scanFrom = inline ? 0 : 1;
        }

        final int result;
        if (inline)
        {
            argBuffer = inlineArgs;
            argBase = 0;
            result = parseInline(buffer, offset, limit);
        }
        else
        {
            argBuffer = buffer;
            argBase = offset;
            result = parseMultibulk(buffer, offset, limit);
        }
        if (INCOMPLETE != result)
        {
            inProgress = false;
        }
        return result;
    }

    /**
     * Let {@link #argBytes(int)} hand out arrays that already hold arguments of the parsed command, instead of
     * copying them: a large value put together part by part is then stored without one more copy of it all at once.
     * Until {@link #reset()} or the next command.
     *
     * @param arrays holding some arguments' bytes, by where they are in {@link #argBuffer()}.
     */
    public void lend(final ArgumentArrays arrays)
    {
        lender = arrays;
    }

    /**
     * Forget a partly parsed command: the next call to parse starts a new one.
     */
    public void reset()
    {
        lender = null;
        inProgress = false;
        argCount = 0;
        requiredLength = 0;
        errorMessage = null;
    }

    /**
     * @return bytes this parser has examined looking for the end of a line, over its life: linear in the bytes it was
     * given, however they were split across reads.
     */
    public long bytesScanned()
    {
        return bytesScanned;
    }

    /**
     * @return true when the last call to parse returned {@link #INCOMPLETE} and the parser holds how far it got.
     */
    public boolean isInProgress()
    {
        return inProgress;
    }

    /**
     * @return the message of the last {@link #PROTOCOL_ERROR}, without a leading "ERR ", or null.
     */
    public String errorMessage()
    {
        return errorMessage;
    }

    /**
     * @return after {@link #INCOMPLETE}: the total number of bytes from the offset known to be needed to complete
     * the command (at least what was there), or 0 when not known.
     */
    public int requiredLength()
    {
        return requiredLength;
    }

    /**
     * @return true when the last command parsed (or being parsed) is in the inline format.
     */
    public boolean isInline()
    {
        return inline;
    }

    /**
     * @return the number of arguments, command name included, of the last parsed command.
     */
    public int argCount()
    {
        return inProgress ? 0 : argCount;
    }

    /**
     * @return where the arguments of the last parsed command live: the input buffer for multibulk requests, an
     * internal scratch buffer for inline ones.
     */
    public DirectBuffer argBuffer()
    {
        return argBuffer;
    }

    /**
     * @param index of the argument, 0 being the command name.
     * @return offset of the argument in {@link #argBuffer()}.
     */
    public int argOffset(final int index)
    {
        checkIndex(index);
        return argBase + argOffsets[index];
    }

    /**
     * @param index of the argument, 0 being the command name.
     * @return length in bytes of the argument.
     */
    public int argLength(final int index)
    {
        checkIndex(index);
        return argLengths[index];
    }

    /**
     * Compare an argument with an upper case ASCII word, ignoring the case of the argument's ASCII letters.
     *
     * @param index          of the argument.
     * @param upperCaseAscii the word, in upper case.
     * @return true when they are equal.
     */
    public boolean argEqualsIgnoreCase(final int index, final byte[] upperCaseAscii)
    {
        checkIndex(index);
        final int length = argLengths[index];
        if (length != upperCaseAscii.length)
        {
            return false;
        }

        final DirectBuffer buffer = argBuffer;
        final int offset = argBase + argOffsets[index];
        for (int i = 0; i < length; i++)
        {
            byte b = buffer.getByte(offset + i);
            if (b >= 'a' && b <= 'z')
            {
                b -= 32;
            }

            if (b != upperCaseAscii[i])
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Read an argument as a 64-bit integer with Redis's string2ll rules: an optional '-', no '+', no leading zeros
     * (except "0" itself), no spaces, at most 20 characters, within the range of a long.
     *
     * @param index of the argument.
     * @return the value, or 0 when the argument is not a valid integer (then {@link #lastArgWasNumber()} is false).
     */
    public long argAsLong(final int index)
    {
        checkIndex(index);
        final long value = string2ll(argBuffer, argBase + argOffsets[index], argLengths[index]);
        lastArgWasNumber = numberValid;
        return value;
    }

    /**
     * @return false when the argument of the last {@link #argAsLong(int)} was not a valid 64-bit integer.
     */
    public boolean lastArgWasNumber()
    {
        return lastArgWasNumber;
    }

    /**
     * @param index of the argument.
     * @return a copy of the argument's bytes, or the array {@link #lend lent} for them, which is the caller's to keep.
     */
    public byte[] argBytes(final int index)
    {
        checkIndex(index);
        if (null != lender && !inline)
        {
            final byte[] lent = lender.take(argBase + argOffsets[index], argLengths[index]);
            if (null != lent)
            {
                return lent;
            }
        }
        final byte[] bytes = new byte[argLengths[index]];
        argBuffer.getBytes(argBase + argOffsets[index], bytes);
        return bytes;
    }

    /**
     * @param index of the argument.
     * @return the argument decoded as UTF-8.
     */
    public String argString(final int index)
    {
        checkIndex(index);
        return argBuffer.getStringWithoutLengthUtf8(argBase + argOffsets[index], argLengths[index]);
    }

    private int parseMultibulk(final DirectBuffer buffer, final int offset, final int limit)
    {
        if (declaredArgs < 0)
        {
            final int countEnd = indexOf(buffer, offset + scanFrom, limit, (byte)'\r');
            if (countEnd < 0)
            {
                scanFrom = limit - offset;
                return limit - offset > MAX_INLINE_LENGTH ? error(TOO_BIG_MBULK_COUNT_STRING) : INCOMPLETE;
            }

            if (countEnd + 1 >= limit)
            {
                scanFrom = countEnd - offset;
                return INCOMPLETE;
            }

            final long count = string2ll(buffer, offset + 1, countEnd - offset - 1);
            if (!numberValid || count > MAX_MULTIBULK_LENGTH || '\n' != buffer.getByte(countEnd + 1))
            {
                return error(INVALID_MULTIBULK_LENGTH);
            }

            resumeAt = countEnd + 2 - offset;
            if (count <= 0)
            {
                return resumeAt;
            }
            declaredArgs = count;
            scanFrom = resumeAt;
        }

        while (argCount < declaredArgs)
        {
            final int position = offset + resumeAt;
            final int lengthEnd = indexOf(buffer, offset + scanFrom, limit, (byte)'\r');
            if (lengthEnd < 0)
            {
                scanFrom = limit - offset;
                return limit - position > MAX_INLINE_LENGTH ? error(TOO_BIG_BULK_COUNT_STRING) : INCOMPLETE;
            }

            if (lengthEnd + 1 >= limit)
            {
                scanFrom = lengthEnd - offset;
                return INCOMPLETE;
            }

            final byte type = buffer.getByte(position);
            if ('$' != type)
            {
                return error("Protocol error: expected '$', got '" + (char)(type & 0xFF) + "'");
            }

            final long length = string2ll(buffer, position + 1, lengthEnd - position - 1);
            if (!numberValid || length < 0 || length > MAX_BULK_LENGTH || '\n' != buffer.getByte(lengthEnd + 1))
            {
                return error(INVALID_BULK_LENGTH);
            }

            final int payload = lengthEnd + 2;
            final long end = payload + length;
            if (end + 2 > limit)
            {
                scanFrom = lengthEnd - offset; // the header is found again at once; the payload is not scanned
                requiredLength = (int)Math.min(Integer.MAX_VALUE, end + 2 - offset);
                return INCOMPLETE;
            }

            final int payloadEnd = (int)end;
            if ('\r' != buffer.getByte(payloadEnd) || '\n' != buffer.getByte(payloadEnd + 1))
            {
                return error(INVALID_BULK_LENGTH);
            }

            addArg(payload - offset, (int)length);
            resumeAt = payloadEnd + 2 - offset;
            scanFrom = resumeAt;
        }

        return resumeAt;
    }

    private int parseInline(final DirectBuffer buffer, final int offset, final int limit)
    {
        final int newline = indexOf(buffer, offset + scanFrom, limit, (byte)'\n');
        if (newline < 0)
        {
            scanFrom = limit - offset;
            return limit - offset > MAX_INLINE_LENGTH ? error(TOO_BIG_INLINE_REQUEST) : INCOMPLETE;
        }

        int end = newline;
        if (end > offset && '\r' == buffer.getByte(end - 1))
        {
            end--;
        }

        if (!splitArgs(buffer, offset, end))
        {
            return error(UNBALANCED_QUOTES);
        }

        return newline + 1 - offset;
    }

    /**
     * Redis's sdssplitargs over buffer[offset, end), a NUL byte ending the line as it does for a C string.
     */
    private boolean splitArgs(final DirectBuffer buffer, final int offset, final int end)
    {
        inlineArgsLength = 0;
        int p = offset;
        while (true)
        {
            while (isSpace(byteAt(buffer, p, end)))
            {
                p++;
            }

            if (0 == byteAt(buffer, p, end))
            {
                return true;
            }

            boolean inDoubleQuotes = false;
            boolean inSingleQuotes = false;
            boolean done = false;
            final int argStart = inlineArgsLength;

            while (!done)
            {
                final byte c = byteAt(buffer, p, end);
                if (inDoubleQuotes)
                {
                    final byte next = byteAt(buffer, p + 1, end);
                    if ('\\' == c && 'x' == next &&
                        isHexDigit(byteAt(buffer, p + 2, end)) && isHexDigit(byteAt(buffer, p + 3, end)))
                    {
                        appendInline((byte)(hexValue(byteAt(buffer, p + 2, end)) * 16 +
                            hexValue(byteAt(buffer, p + 3, end))));
                        p += 3;
                    }
                    else if ('\\' == c && 0 != next)
                    {
                        p++;
                        switch (next)
                        {
                            case 'n':
                                appendInline((byte)'\n');
                                break;
                            case 'r':
                                appendInline((byte)'\r');
                                break;
                            case 't':
                                appendInline((byte)'\t');
                                break;
                            case 'b':
                                appendInline((byte)'\b');
                                break;
                            case 'a':
                                appendInline((byte)7);
                                break;
                            default:
                                appendInline(next);
                                break;
                        }
                    }
                    else if ('"' == c)
                    {
                        if (0 != next && !isSpace(next))
                        {
                            return false;
                        }
                        done = true;
                    }
                    else if (0 == c)
                    {
                        return false;
                    }
                    else
                    {
                        appendInline(c);
                    }
                }
                else if (inSingleQuotes)
                {
                    final byte next = byteAt(buffer, p + 1, end);
                    if ('\\' == c && '\'' == next)
                    {
                        p++;
                        appendInline((byte)'\'');
                    }
                    else if ('\'' == c)
                    {
                        if (0 != next && !isSpace(next))
                        {
                            return false;
                        }
                        done = true;
                    }
                    else if (0 == c)
                    {
                        return false;
                    }
                    else
                    {
                        appendInline(c);
                    }
                }
                else
                {
                    switch (c)
                    {
                        case ' ':
                        case '\n':
                        case '\r':
                        case '\t':
                        case 0:
                            done = true;
                            break;
                        case '"':
                            inDoubleQuotes = true;
                            break;
                        case '\'':
                            inSingleQuotes = true;
                            break;
                        default:
                            appendInline(c);
                            break;
                    }
                }

                if (0 != byteAt(buffer, p, end))
                {
                    p++;
                }
            }

            addArg(argStart, inlineArgsLength - argStart);
        }
    }

    private void appendInline(final byte b)
    {
        inlineArgs.putByte(inlineArgsLength++, b);
    }

    private void addArg(final int offset, final int length)
    {
        final int index = argCount;
        if (index == argOffsets.length)
        {
            final int newCapacity = index * 2;
            argOffsets = Arrays.copyOf(argOffsets, newCapacity);
            argLengths = Arrays.copyOf(argLengths, newCapacity);
        }

        argOffsets[index] = offset;
        argLengths[index] = length;
        argCount = index + 1;
    }

    private int error(final String message)
    {
        inProgress = false;
        argCount = 0;
        requiredLength = 0;
        errorMessage = message;
        return PROTOCOL_ERROR;
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= argCount())
        {
            throw new IndexOutOfBoundsException("index=" + index + " argCount=" + argCount);
        }
    }

    private long string2ll(final DirectBuffer buffer, final int offset, final int length)
    {
        numberValid = false;
        if (0 == length || length >= LONG_STR_SIZE)
        {
            return 0;
        }

        final int end = offset + length;
        int i = offset;
        byte b = buffer.getByte(i);
        if (1 == length && '0' == b)
        {
            numberValid = true;
            return 0;
        }

        boolean negative = false;
        if ('-' == b)
        {
            negative = true;
            if (++i == end)
            {
                return 0;
            }
            b = buffer.getByte(i);
        }

        if (b < '1' || b > '9')
        {
            return 0;
        }

        long accumulator = -(b - '0');
        for (i++; i < end; i++)
        {
            b = buffer.getByte(i);
            if (b < '0' || b > '9')
            {
                return 0;
            }

            if (accumulator < Long.MIN_VALUE / 10)
            {
                return 0;
            }
            accumulator *= 10;

            final int digit = b - '0';
            if (accumulator < Long.MIN_VALUE + digit)
            {
                return 0;
            }
            accumulator -= digit;
        }

        if (negative)
        {
            numberValid = true;
            return accumulator;
        }

        if (Long.MIN_VALUE == accumulator)
        {
            return 0;
        }

        numberValid = true;
        return -accumulator;
    }

    private int indexOf(final DirectBuffer buffer, final int from, final int limit, final byte value)
    {
        for (int i = from; i < limit; i++)
        {
            if (value == buffer.getByte(i))
            {
                bytesScanned += i + 1 - from;
                return i;
            }
        }

        bytesScanned += Math.max(0, limit - from);
        return -1;
    }

    private static byte byteAt(final DirectBuffer buffer, final int index, final int end)
    {
        return index < end ? buffer.getByte(index) : 0;
    }

    private static boolean isSpace(final byte b)
    {
        return ' ' == b || ('\t' <= b && b <= '\r');
    }

    private static boolean isHexDigit(final byte b)
    {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static int hexValue(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }

        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }

        return b - 'A' + 10;
    }
}

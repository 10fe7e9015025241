package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The options SCAN and HSCAN share, as Redis reads them (MATCH pattern, COUNT n, and for SCAN TYPE name), what they
 * let through, and the reply both give: the next cursor, then what was found.
 */
final class ScanArguments
{
    private static final byte[] MATCH = "MATCH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE = "TYPE".getBytes(StandardCharsets.US_ASCII);
    private static final int DEFAULT_COUNT = 10;
    private static final byte[] ZERO = "0".getBytes(StandardCharsets.US_ASCII);

    private final RespParser args;
    private final int patternOffset;
    private final int patternLength;
    private final boolean matchAll;
    /** How many to visit, within what a scan step takes. */
    final int count;
    /** The type TYPE asks for, or null. */
    final String type;

    /**
     * Read options already checked by {@link #error(RespParser, int, boolean)}.
     *
     * @param args the command.
     * @param from the index of the first option.
     */
    ScanArguments(final RespParser args, final int from)
    {
        this.args = args;
        long count = DEFAULT_COUNT;
        int matchArg = 0;
        String type = null;
        for (int i = from; i < args.argCount(); i += 2)
        {
            if (args.argEqualsIgnoreCase(i, COUNT))
            {
                count = args.argAsLong(i + 1);
            }
            else if (args.argEqualsIgnoreCase(i, MATCH))
            {
                matchArg = i + 1;
            }
            else
            {
                type = args.argString(i + 1);
            }
        }
        this.count = (int)Math.min(count, Integer.MAX_VALUE / 10);
        this.type = type;
        patternOffset = 0 == matchArg ? 0 : args.argOffset(matchArg);
        patternLength = 0 == matchArg ? 0 : args.argLength(matchArg);
        matchAll = 0 == matchArg || (1 == patternLength && '*' == args.argBuffer().getByte(patternOffset));
    }

    /**
     * @param from         the index of the first option.
     * @param typeAllowed  whether TYPE is an option (SCAN's, not HSCAN's).
     * @return Redis's error for the options, or null.
     */
    static String error(final RespParser args, final int from, final boolean typeAllowed)
    {
        for (int i = from, count = args.argCount(); i < count; i += 2)
        {
            final boolean hasValue = i + 1 < count;
            if (hasValue && args.argEqualsIgnoreCase(i, COUNT))
            {
                final long value = args.argAsLong(i + 1);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
                if (value < 1)
                {
                    return ErrorReplies.SYNTAX_ERROR;
                }
            }
            else if (!hasValue ||
                !(args.argEqualsIgnoreCase(i, MATCH) || (typeAllowed && args.argEqualsIgnoreCase(i, TYPE))))
            {
                return ErrorReplies.SYNTAX_ERROR;
            }
        }
        return null;
    }

    /**
     * HSCAN's and SSCAN's check before the command runs: the cursor, the argument after the key.
     */
    static String validateCollectionCursor(final RespParser args)
    {
        return null == KeyCommands.parseCursor(args.argString(2)) ? "ERR invalid cursor" : null;
    }

    /**
     * HSCAN's and SSCAN's start, in Redis's order: a missing collection answers the empty scan before the options
     * are read; then bad options answer their error.
     *
     * @param exists whether the key holds the collection.
     * @return the options, or null when the reply is already written.
     */
    static ScanArguments ofCollection(final RespParser args, final boolean exists, final RespWriter out)
    {
        if (!exists)
        {
            out.arrayHeader(2).bulk(ZERO).arrayHeader(0);
            return null;
        }
        final String error = error(args, 3, false);
        if (null != error)
        {
            out.error(error);
            return null;
        }
        return new ScanArguments(args, 3);
    }

    /**
     * @return the cursor the scan starts from, the argument after the key of HSCAN and SSCAN.
     */
    static long collectionCursor(final RespParser args)
    {
        return KeyCommands.parseCursor(args.argString(2));
    }

    /**
     * @return whether MATCH lets this key or field through.
     */
    boolean matches(final byte[] name)
    {
        final DirectBuffer buffer = args.argBuffer();
        return matchAll || Glob.matches(buffer, patternOffset, patternLength, name, false);
    }

    /**
     * Write the reply: the next cursor as a bulk string, then the array of what was found.
     */
    static void reply(final RespWriter out, final long next, final List<byte[]> found)
    {
        out.arrayHeader(2);
        out.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
        out.arrayHeader(found.size());
        for (final byte[] element : found)
        {
            out.bulk(element);
        }
    }
}

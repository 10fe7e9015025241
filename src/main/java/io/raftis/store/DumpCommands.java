package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;

import static io.raftis.store.Command.CATEGORY_DANGEROUS;
import static io.raftis.store.Command.CATEGORY_KEYSPACE;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * DUMP and RESTORE, in Redis 7.0's serialization format, so a value moves between raftis and Redis either way: DUMP
 * writes a payload with {@link RdbEncoder}, which redis-server 7.0 restores; RESTORE reads with {@link RdbDecoder}
 * every encoding Redis 7.0's DUMP writes, and those of older versions it still reads.
 * <p>
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] checks its arguments in
 * Redis's order, with Redis's errors: the options, then whether the key exists (without REPLACE), then the time to
 * live, then the payload's version and CRC, then the value itself. A ttl counts from the time of the log entry,
 * unless ABSTTL; a time already passed creates nothing (and REPLACE still removes the old value), as Redis does.
 * IDLETIME and FREQ are checked as Redis checks them, then ignored: raftis keeps neither access times nor frequencies.
 * <p>
 * RESTORE is a write, applied on every member from the log: the payload is read, and refused whole if anything in
 * it is wrong, the same way on every member, before the keyspace changes.
 */
public final class DumpCommands
{
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDLETIME = "IDLETIME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FREQ = "FREQ".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FREQ = 255;
    private static final int OPTION_REPLACE = 1;
    private static final int OPTION_ABSTTL = 1 << 1;

    /** A key RESTORE would create exists, and REPLACE was not given. */
    static final String BUSY_KEY = "BUSYKEY Target key name already exists.";
    /** The payload's footer is not Redis 7.0's RDB version or its CRC does not match. */
    static final String BAD_FOOTER = "ERR DUMP payload version or checksum are wrong";
    /** The payload's value is not a valid encoding. */
    static final String BAD_DATA = "ERR Bad data format";
    /** A value whose payload would not fit in a Java array: more than 2 GB, which Redis would send. */
    static final String PAYLOAD_TOO_LONG = "ERR the value is too large to DUMP: its payload would exceed 2 GB";
    static final String INVALID_TTL = "ERR Invalid TTL value, must be >= 0";
    static final String INVALID_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
    static final String INVALID_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";

    private DumpCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        table.register(new Command("dump", 2, FLAG_READONLY, 1, 1, 1, CATEGORY_KEYSPACE, DumpCommands::dump));
        table.register(new Command("restore", -4, FLAG_WRITE | FLAG_DENYOOM, 1, 1, 1,
            CATEGORY_KEYSPACE | CATEGORY_DANGEROUS, DumpCommands::restore, DumpCommands::validateRestore,
            DumpCommands::restoreGrowth));
    }

    private static void dump(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == value)
        {
            out.nullBulk();
            return;
        }
        final byte[] payload;
        try
        {
            payload = RdbEncoder.encode(value);
        }
        catch (final RdbEncoder.PayloadTooLongException ex)
        {
            out.error(PAYLOAD_TOO_LONG);
            return;
        }
        out.bulk(payload);
    }

    /**
     * The errors RESTORE gives whatever the keyspace holds: its options, and with REPLACE (when no key can be busy)
     * its time to live and its payload's footer.
     */
    private static String validateRestore(final RespParser args)
    {
        final String optionsError = optionsError(args);
        if (null != optionsError)
        {
            return optionsError;
        }
        if (0 != (readOptions(args) & OPTION_REPLACE))
        {
            final String ttlError = ttlError(args);
            if (null != ttlError)
            {
                return ttlError;
            }
            if (!RdbDecoder.verifyFooter(args.argBytes(3)))
            {
                return BAD_FOOTER;
            }
        }
        return null;
    }

    /**
     * @return what the restored value will hold on the heap, which a payload does not bound by its length (an LZF
     * string may be 88 times as long, a small integer of two bytes in a listpack takes an array of its own), found by
     * reading the payload; 0 for a payload that will be refused.
     */
    private static long restoreGrowth(final RespParser args, final Keyspace keyspace)
    {
        final byte[] payload = args.argBytes(3);
        if (!RdbDecoder.verifyFooter(payload))
        {
            return 0;
        }
        try
        {
            return Keyspace.sizeOf(RdbDecoder.decode(payload));
        }
        catch (final RdbDecoder.BadPayloadException | RuntimeException ex)
        {
            return 0;
        }
    }

    private static void restore(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int options = readOptions(args);
        final boolean replace = 0 != (options & OPTION_REPLACE);
        if (!replace && null != keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1)))
        {
            out.error(BUSY_KEY);
            return;
        }
        final String ttlError = ttlError(args);
        if (null != ttlError)
        {
            out.error(ttlError);
            return;
        }
        final long ttl = args.argAsLong(2);
        final byte[] payload = args.argBytes(3);
        if (!RdbDecoder.verifyFooter(payload))
        {
            out.error(BAD_FOOTER);
            return;
        }
        final Object value;
        try
        {
            value = RdbDecoder.decode(payload);
        }
        catch (final RdbDecoder.BadPayloadException | RuntimeException ex)
        {
            // the decoder checks every length before it uses it; should a check be missing all the same, what the
            // payload caused is still refused, alike on every member, not thrown out of the log's apply
            out.error(BAD_DATA);
            return;
        }
        if (replace)
        {
            keyspace.remove(args.argBuffer(), args.argOffset(1), args.argLength(1));
        }
        // as Redis adds a relative time to its clock, a sum past the largest time wraps round to a time passed
        final long expireAtMs = 0 == ttl || 0 != (options & OPTION_ABSTTL) ? ttl : ttl + keyspace.nowMs();
        if (0 != ttl && expireAtMs <= keyspace.nowMs())
        {
            out.ok();
            return;
        }
        keyspace.put(args.argBuffer(), args.argOffset(1), args.argLength(1), value, 0 == ttl ? 0 : expireAtMs);
        out.ok();
    }

    private static String ttlError(final RespParser args)
    {
        final long ttl = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        return ttl < 0 ? INVALID_TTL : null;
    }

    /**
     * @return the {@code OPTION_*} bits of options {@link #optionsError(RespParser)} has accepted.
     */
    private static int readOptions(final RespParser args)
    {
        int options = 0;
        for (int i = 4; i < args.argCount(); i++)
        {
            if (args.argEqualsIgnoreCase(i, REPLACE))
            {
                options |= OPTION_REPLACE;
            }
            else if (args.argEqualsIgnoreCase(i, ABSTTL))
            {
                options |= OPTION_ABSTTL;
            }
            else
            {
                i++; // IDLETIME or FREQ, which optionsError has accepted, and its value
            }
        }
        return options;
    }

    /**
     * @return the error Redis gives for the options, the first it meets reading them in order, or null if they are
     * valid. IDLETIME and FREQ exclude each other: the second is a syntax error, as it is in Redis.
     */
    private static String optionsError(final RespParser args)
    {
        boolean idletime = false;
        boolean freq = false;
        for (int i = 4; i < args.argCount(); i++)
        {
            final boolean hasValue = i + 1 < args.argCount();
            if (args.argEqualsIgnoreCase(i, REPLACE) || args.argEqualsIgnoreCase(i, ABSTTL))
            {
                continue;
            }
            if (args.argEqualsIgnoreCase(i, IDLETIME) && hasValue && !freq)
            {
                final long seconds = args.argAsLong(++i);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
                if (seconds < 0)
                {
                    return INVALID_IDLETIME;
                }
                idletime = true;
            }
            else if (args.argEqualsIgnoreCase(i, FREQ) && hasValue && !idletime)
            {
                final long frequency = args.argAsLong(++i);
                if (!args.lastArgWasNumber())
                {
                    return ErrorReplies.NOT_AN_INTEGER;
                }
                if (frequency < 0 || frequency > MAX_FREQ)
                {
                    return INVALID_FREQ;
                }
                freq = true;
            }
            else
            {
                return ErrorReplies.SYNTAX_ERROR;
            }
        }
        return null;
    }
}

package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.raftis.store.Command.CATEGORY_KEYSPACE;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_READONLY;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's commands on a key's time to live and type, with Redis 7's replies and errors: EXPIRE, PEXPIRE, EXPIREAT
 * and PEXPIREAT (with NX, XX, GT and LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST and TYPE.
 * <p>
 * Times count from the keyspace's clock: applying an entry, the time the leader wrote into it, so every member gives a
 * key the same expiry time; serving a read, the serving member's time. A time that has already passed removes the
 * key, as Redis does.
 */
public final class KeyCommands
{
    private static final byte[] NX = "NX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XX = "XX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GT = "GT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LT = "LT".getBytes(StandardCharsets.US_ASCII);

    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 1 << 1;
    private static final int EXPIRE_GT = 1 << 2;
    private static final int EXPIRE_LT = 1 << 3;

    private static final byte[] EXPIRE = "EXPIRE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIREAT = "EXPIREAT".getBytes(StandardCharsets.US_ASCII);

    private KeyCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final int fastWrite = FLAG_WRITE | FLAG_FAST;
        final int fastRead = FLAG_READONLY | FLAG_FAST;
        table.register(new Command("expire", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, true, true), KeyCommands::validateExpire));
        table.register(new Command("pexpire", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, false, true), KeyCommands::validateExpire));
        table.register(new Command("expireat", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, true, false), KeyCommands::validateExpire));
        table.register(new Command("pexpireat", -3, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> expire(args, keyspace, out, false, false), KeyCommands::validateExpire));
        table.register(new Command("ttl", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, false, false)));
        table.register(new Command("pttl", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, true, false)));
        table.register(new Command("expiretime", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, false, true)));
        table.register(new Command("pexpiretime", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE,
            (args, keyspace, out) -> ttl(args, keyspace, out, true, true)));
        table.register(new Command("persist", 2, fastWrite, 1, 1, 1, CATEGORY_KEYSPACE, KeyCommands::persist));
        table.register(new Command("type", 2, fastRead, 1, 1, 1, CATEGORY_KEYSPACE, KeyCommands::type));
    }

    /**
     * @return the name TYPE gives a value of this class.
     */
    static String typeName(final Object value)
    {
        if (null == value)
        {
            return "none";
        }
        if (value instanceof byte[])
        {
            return "string";
        }
        throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
    }

    /**
     * @return the {@code EXPIRE_*} bits, or -1 when an option is unknown (args' third argument on, as Redis reads
     * them).
     */
    private static int parseExpireOptions(final RespParser args)
    {
        int flags = 0;
        for (int i = 3; i < args.argCount(); i++)
        {
            if (args.argEqualsIgnoreCase(i, NX))
            {
                flags |= EXPIRE_NX;
            }
            else if (args.argEqualsIgnoreCase(i, XX))
            {
                flags |= EXPIRE_XX;
            }
            else if (args.argEqualsIgnoreCase(i, GT))
            {
                flags |= EXPIRE_GT;
            }
            else if (args.argEqualsIgnoreCase(i, LT))
            {
                flags |= EXPIRE_LT;
            }
            else
            {
                return -i - 1;
            }
        }
        return flags;
    }

    /**
     * What Redis checks before it knows the time or the key: the options, that the time is an integer, and that
     * seconds convert to milliseconds.
     */
    private static String validateExpire(final RespParser args)
    {
        final int flags = parseExpireOptions(args);
        if (flags < 0)
        {
            return "ERR Unsupported option " + args.argString(-flags - 1);
        }
        if (0 != (flags & EXPIRE_NX) && 0 != (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)))
        {
            return "ERR NX and XX, GT or LT options at the same time are not compatible";
        }
        if (0 != (flags & EXPIRE_GT) && 0 != (flags & EXPIRE_LT))
        {
            return "ERR GT and LT options at the same time are not compatible";
        }
        final long when = args.argAsLong(2);
        if (!args.lastArgWasNumber())
        {
            return ErrorReplies.NOT_AN_INTEGER;
        }
        final boolean seconds = args.argEqualsIgnoreCase(0, EXPIRE) || args.argEqualsIgnoreCase(0, EXPIREAT);
        if (seconds && (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000))
        {
            return ErrorReplies.invalidExpireTime(args.argString(0).toLowerCase(java.util.Locale.ROOT));
        }
        return null;
    }

    private static void expire(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean seconds,
        final boolean relative)
    {
        final String name = seconds ? (relative ? "expire" : "expireat") : (relative ? "pexpire" : "pexpireat");
        final String invalid = validateExpire(args);
        if (null != invalid)
        {
            out.error(invalid); // checked before it was proposed: only a log written by something else gets here
            return;
        }
        final int flags = parseExpireOptions(args);
        long when = args.argAsLong(2);
        if (seconds)
        {
            when *= 1000;
        }
        final long base = relative ? keyspace.nowMs() : 0;
        if (when > Long.MAX_VALUE - base)
        {
            out.error(ErrorReplies.invalidExpireTime(name));
            return;
        }
        when += base;

        final DirectBuffer buffer = args.argBuffer();
        final int keyOffset = args.argOffset(1);
        final int keyLength = args.argLength(1);
        final long current = keyspace.expireAt(buffer, keyOffset, keyLength);
        if (-2 == current)
        {
            out.integer(0);
            return;
        }
        if ((0 != (flags & EXPIRE_NX) && -1 != current) ||
            (0 != (flags & EXPIRE_XX) && -1 == current) ||
            (0 != (flags & EXPIRE_GT) && (-1 == current || when <= current)) ||
            (0 != (flags & EXPIRE_LT) && -1 != current && when >= current))
        {
            out.integer(0);
            return;
        }
        keyspace.expire(buffer, keyOffset, keyLength, when);
        out.integer(1);
    }

    private static void ttl(
        final RespParser args, final Keyspace keyspace, final RespWriter out, final boolean millis,
        final boolean absolute)
    {
        final long expireAt = keyspace.expireAt(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (expireAt < 0)
        {
            out.integer(expireAt);
            return;
        }
        final long ttl = Math.max(0, absolute ? expireAt : expireAt - keyspace.nowMs());
        out.integer(millis ? ttl : (ttl + 500) / 1000);
    }

    private static void persist(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.integer(keyspace.persist(args.argBuffer(), args.argOffset(1), args.argLength(1)) ? 1 : 0);
    }

    private static void type(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.simpleString(typeName(keyspace.get(args.argBuffer(), args.argOffset(1), args.argLength(1))));
    }
}

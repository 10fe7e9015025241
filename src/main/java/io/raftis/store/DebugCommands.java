package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static io.raftis.store.Command.CATEGORY_ADMIN;
import static io.raftis.store.Command.CATEGORY_DANGEROUS;
import static io.raftis.store.Command.FLAG_ADMIN;
import static io.raftis.store.Command.FLAG_LOADING;
import static io.raftis.store.Command.FLAG_NOSCRIPT;
import static io.raftis.store.Command.FLAG_STALE;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE, computed as Redis 7 computes them, so a member's digest can be compared with
 * another member's and with a redis-server's that holds the same data: per key, SHA-1 mixes of the key, the type and
 * the value, and a mark if it has a time to live; the keys' digests XORed together (so their order does not matter),
 * each database's number mixed in first. A key expired but not removed yet counts, as in Redis.
 */
public final class DebugCommands
{
    private static final byte[] DIGEST = "DIGEST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGEST_VALUE = "DIGEST-VALUE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
    /** Redis's OBJ_STRING. */
    private static final int TYPE_STRING = 0;
    /** Redis's OBJ_LIST. */
    private static final int TYPE_LIST = 1;
    /** Redis's OBJ_SET. */
    private static final int TYPE_SET = 2;
    /** Redis's OBJ_ZSET. */
    private static final int TYPE_ZSET = 3;
    /** Redis's OBJ_HASH. */
    private static final int TYPE_HASH = 4;
    private static final int DIGEST_LENGTH = 20;

    private DebugCommands()
    {
    }

    /**
     * Register DEBUG.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        table.register(new Command("debug", -2, FLAG_ADMIN | FLAG_NOSCRIPT | FLAG_LOADING | FLAG_STALE, 0, 0, 0,
            CATEGORY_ADMIN | CATEGORY_DANGEROUS, DebugCommands::debug));
    }

    private static void debug(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argEqualsIgnoreCase(1, DIGEST) && 2 == args.argCount())
        {
            out.simpleString(hex(digest(keyspace)));
        }
        else if (args.argEqualsIgnoreCase(1, DIGEST_VALUE))
        {
            out.arrayHeader(args.argCount() - 2);
            for (int i = 2; i < args.argCount(); i++)
            {
                final byte[] digest = new byte[DIGEST_LENGTH];
                final Object value = keyspace.get(args.argBuffer(), args.argOffset(i), args.argLength(i));
                if (null != value)
                {
                    mixValue(digest, value);
                }
                out.simpleString(hex(digest));
            }
        }
        else
        {
            out.error("ERR unknown subcommand '" + args.argString(1) + "'. Try DEBUG HELP.");
        }
    }

    /**
     * @return the digest of every database beside this one (or of this one alone, when it stands alone).
     */
    static byte[] digest(final Keyspace keyspace)
    {
        final byte[] result = new byte[DIGEST_LENGTH];
        final Databases databases = keyspace.databases();
        final int count = null == databases ? 1 : Databases.COUNT;
        for (int id = 0; id < count; id++)
        {
            final Keyspace db = null == databases ? keyspace : databases.get(id);
            if (0 == db.size())
            {
                continue;
            }
            mix(result, int32(id));
            final byte[] keyDigest = new byte[DIGEST_LENGTH];
            db.forEachStored((key, value, expireAtMs) ->
            {
                java.util.Arrays.fill(keyDigest, (byte)0);
                mix(keyDigest, key);
                mixValue(keyDigest, value);
                if (expireAtMs >= 0)
                {
                    xor(keyDigest, EXPIRE_MARK);
                }
                xor(result, keyDigest);
            });
        }
        return result;
    }

    private static void mixValue(final byte[] digest, final Object value)
    {
        if (value instanceof byte[])
        {
            mix(digest, int32(TYPE_STRING));
            mix(digest, (byte[])value);
        }
        else if (value instanceof ListValue)
        {
            mix(digest, int32(TYPE_LIST));
            final ListValue list = (ListValue)value;
            for (int i = 0; i < list.size(); i++)
            {
                mix(digest, list.get(i));
            }
        }
        else if (value instanceof SetValue)
        {
            mix(digest, int32(TYPE_SET));
            ((SetValue)value).forEach(member -> xor(digest, member));
        }
        else if (value instanceof SortedSetValue)
        {
            // each member mixed with its score as "%.17g" prints it, the pairs XORed together
            mix(digest, int32(TYPE_ZSET));
            final byte[] element = new byte[DIGEST_LENGTH];
            ((SortedSetValue)value).forEach((member, score) ->
            {
                java.util.Arrays.fill(element, (byte)0);
                mix(element, member);
                mix(element, Scores.format(score));
                xor(digest, element);
                return true;
            });
        }
        else if (value instanceof HashValue)
        {
            mix(digest, int32(TYPE_HASH));
            final byte[] element = new byte[DIGEST_LENGTH];
            ((HashValue)value).forEach((field, fieldValue) ->
            {
                java.util.Arrays.fill(element, (byte)0);
                mix(element, field);
                mix(element, fieldValue);
                xor(digest, element);
            });
        }
        else
        {
            throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
        }
    }

    /**
     * Redis's xorDigest: SHA-1 of the data, XORed into the digest.
     */
    private static void xor(final byte[] digest, final byte[] data)
    {
        final byte[] hash = sha1().digest(data);
        for (int i = 0; i < DIGEST_LENGTH; i++)
        {
            digest[i] ^= hash[i];
        }
    }

    /**
     * Redis's mixDigest: XOR the data's SHA-1 in, then replace the digest with its own SHA-1, so order matters.
     */
    private static void mix(final byte[] digest, final byte[] data)
    {
        xor(digest, data);
        System.arraycopy(sha1().digest(digest), 0, digest, 0, DIGEST_LENGTH);
    }

    private static byte[] int32(final int value)
    {
        return new byte[]{ (byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8), (byte)value };
    }

    private static MessageDigest sha1()
    {
        try
        {
            return MessageDigest.getInstance("SHA-1");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("the JVM has no SHA-1", ex);
        }
    }

    private static String hex(final byte[] digest)
    {
        final StringBuilder sb = new StringBuilder(2 * digest.length);
        for (final byte b : digest)
        {
            sb.append(Character.forDigit((b >>> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}

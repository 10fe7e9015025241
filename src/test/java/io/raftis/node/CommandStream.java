package io.raftis.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded random stream of commands from Redis's families, for {@link DifferentialTest}: valid and invalid forms
 * alike (wrong arity, bad numbers, unknown options), on a handful of keys shared by every family, so that commands
 * meet keys of every type.
 * <p>
 * Expiry is generated so that two servers that run the same stream a few milliseconds apart must agree: relative
 * times are long (minutes at least) and absolute ones are well in the past or the future; GT and LT go only with the
 * absolute forms, since two relative expiries given the same time differ by the milliseconds between the servers.
 * <p>
 * Scores are ones both servers must read and print alike: integers, decimals, the infinities, 1e308, hexadecimal,
 * -0, and what is no score ("abc", "nan", "1e400", " 1").
 */
final class CommandStream
{
    /** The families, by name, each a generator of one command. */
    static final List<String> FAMILIES =
        List.of("strings", "keys", "hashes", "lists", "sets", "zsets", "bits", "hll", "geo", "dump", "sort",
            "transactions");

    private static final String[] KEYS = { "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };
    private static final String[] VALUES =
    {
        "0", "1", "-1", "7", "42", "-100", "10", "hello", "", "a b", "1.5", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "007", " 1", "\u0000\u00ff\r\n", "x".repeat(100)
    };

    /** Payloads redis-server 7.0.15 restores: what its DUMP wrote, and older encodings. */
    private static final String[] RECORDED_PAYLOADS = recordedPayloads();
    /** Payloads redis-server 7.0.15 refuses, as raftis does: footers wrong, values it checks by default. */
    private static final String[] REFUSED_PAYLOADS = refusedPayloads();

    private final Random random;
    private final long nowSeconds;
    private boolean inTransaction;
    private final boolean randomWrites;

    /**
     * A stream whose replies two servers must give alike: no write with a random effect.
     */
    CommandStream(final long seed, final long nowMs)
    {
        this(seed, nowMs, false);
    }

    /**
     * @param randomWrites whether to send writes whose effect is random (SPOP of fewer members than the set holds),
     *                     for a test that compares members of one cluster, not servers.
     */
    CommandStream(final long seed, final long nowMs, final boolean randomWrites)
    {
        this.randomWrites = randomWrites;
        this.random = new Random(seed);
        this.nowSeconds = nowMs / 1000;
    }

    /**
     * @param family one of {@link #FAMILIES}, or null for any.
     * @return the next command of the family.
     */
    List<String> next(final String family)
    {
        // between MULTI and EXEC only commands whose replies compare exactly inside EXEC's array
        final String chosen = inTransaction ? "transactions" :
            null == family ? FAMILIES.get(random.nextInt(FAMILIES.size())) : family;
        return switch (chosen)
        {
            case "transactions" -> transactions();
            case "strings" -> strings();
            case "keys" -> keys();
            case "hashes" -> hashes();
            case "lists" -> lists();
            case "sets" -> sets();
            case "zsets" -> zsets();
            case "bits" -> bits();
            case "hll" -> hyperLogLogs();
            case "geo" -> geo();
            case "dump" -> dumps();
            case "sort" -> sorts();
            default -> throw new IllegalArgumentException("no family " + chosen);
        };
    }

    private List<String> strings()
    {
        final String key = key();
        return switch (random.nextInt(34))
        {
            case 26 -> cmd(pick("GETRANGE", "SUBSTR"), key, range(), range());
            case 27 -> cmd("SETRANGE", key, pick("0", "1", "5", "20", "-1", "x", "536870912", "9223372036854775807"),
                value());
            case 28 -> cmd("MSETNX", key, value(), key(), value());
            case 29 -> cmd("INCRBYFLOAT", key, floatIncrement());
            case 30 -> cmd(pick("INCRBYFLOAT", "SET"), key, randomFloat());
            case 31 -> lcs(key);
            case 32 -> cmd(pick("GETRANGE", "SETRANGE", "INCRBYFLOAT", "LCS", "MSETNX"), key); // wrong arity
            case 33 -> cmd("MSETNX", key, value(), key()); // wrong arity
            case 24 -> cmd("PTTL", key); // what each write did to the key's time to live
            case 25 -> cmd("EXPIRETIME", key);
            case 0, 1 -> cmd("GET", key);
            case 2, 3 -> set(key);
            case 4 -> cmd("SETNX", key, value());
            case 5 -> cmd("GETSET", key, value());
            case 6 -> cmd("MGET", key, key(), key());
            case 7 -> cmd("MSET", key, value(), key(), value());
            case 8 -> cmd("INCR", key);
            case 9 -> cmd("DECR", key);
            case 10 -> cmd("INCRBY", key, pick("1", "-5", "100", "x", "9223372036854775807", "1.0"));
            case 11 -> cmd("DECRBY", key, pick("1", "-5", "100", "x", "-9223372036854775808"));
            case 12 -> cmd("APPEND", key, value());
            case 13 -> cmd("STRLEN", key);
            case 14 -> cmd("SETEX", key, seconds(), value());
            case 15 -> cmd("PSETEX", key, millis(), value());
            case 16 -> getex(key);
            case 17 -> cmd("GETDEL", key);
            case 18 -> cmd("DEL", key, key());
            case 19 -> cmd("EXISTS", key, key, key());
            case 20 -> cmd("SET", key); // wrong arity
            case 21 -> cmd("GET", key, key()); // wrong arity
            case 22 -> cmd("MSET", key, value(), key()); // wrong arity
            default -> cmd("SET", key, value(), pick("NX", "XX", "GET", "KEEPTTL", "PERSIST", "EX", "nx", "Get"),
                pick("NX", "XX", "GET", "EX", "PX", "1"));
        };
    }

    private List<String> set(final String key)
    {
        final List<String> args = cmd("SET", key, value());
        final int options = random.nextInt(4);
        for (int i = 0; i < options; i++)
        {
            switch (random.nextInt(9))
            {
                case 0 -> args.add(pick("NX", "nx"));
                case 1 -> args.add(pick("XX", "xX"));
                case 2 -> args.add(pick("GET", "get"));
                case 3 -> args.add("KEEPTTL");
                case 4 -> Collections.addAll(args, pick("EX", "ex"), seconds());
                case 5 -> Collections.addAll(args, "PX", millis());
                case 6 -> Collections.addAll(args, "EXAT", absoluteSeconds());
                case 7 -> Collections.addAll(args, "PXAT", absoluteMillis());
                default -> args.add(pick("EX", "BOGUS"));
            }
        }
        return args;
    }

    private List<String> getex(final String key)
    {
        return switch (random.nextInt(7))
        {
            case 0 -> cmd("GETEX", key);
            case 1 -> cmd("GETEX", key, "EX", seconds());
            case 2 -> cmd("GETEX", key, "PX", millis());
            case 3 -> cmd("GETEX", key, "EXAT", absoluteSeconds());
            case 4 -> cmd("GETEX", key, "PXAT", absoluteMillis());
            case 5 -> cmd("GETEX", key, "PERSIST");
            default -> cmd("GETEX", key, pick("NX", "KEEPTTL", "PERSIST"), pick("EX", "1"));
        };
    }

    private List<String> keys()
    {
        final String key = key();
        return switch (random.nextInt(36))
        {
            case 32 -> cmd("SELECT", pick("0", "0", "1", "2", "16", "-1", "x"));
            case 33 -> cmd("MOVE", key, pick("0", "1", "2", "16", "x"));
            case 34 -> cmd("SWAPDB", pick("0", "1", "2", "16", "x"), pick("0", "1", "2", "-1", "y"));
            case 35 -> cmd("COPY", key, key(), "DB", pick("0", "1", "2", "16"));
            case 20 -> cmd("KEYS", pick("*", "k*", "k[0-3]", "?1", "*[^5]", "nomatch*", "k\\1"));
            case 21 -> scan();
            case 22 -> cmd("RANDOMKEY");
            case 23 -> cmd(pick("RENAME", "RENAMENX"), key, pick(key(), key(), key));
            case 24 -> copy(key);
            case 25 -> cmd("UNLINK", key, key());
            case 26 -> cmd("TOUCH", key, key, key());
            case 27 -> cmd("EXISTS", key, key());
            case 28 -> cmd("RENAME", key); // wrong arity
            case 29 -> cmd("SCAN", pick("x", "-1", "+3", "", "-", "18446744073709551616", "18446744073709551615", " 0",
                "0 ", "1.5"));
            case 30 -> cmd("SCAN", "0", pick("COUNT", "MATCH", "TYPE", "BOGUS"), pick("0", "x", "-3"));
            case 31 -> cmd("COPY", key, key(), pick("DB", "REPLACE", "BAD"), pick("0", "x", "REPLACE"));
            case 0, 1 -> cmd("SET", key, value());
            case 16 -> cmd("SET", key, value(), pick("KEEPTTL", "XX", "GET"));
            case 17 -> cmd(pick("INCR", "DECR"), key);
            case 18 -> cmd(pick("APPEND", "GETSET"), key, value());
            case 19 -> random.nextBoolean() ? cmd("GETEX", key, "EXAT", absoluteSeconds()) :
                cmd("GETEX", key, pick("PERSIST", "PX"), millis());
            case 2 -> expireOptions(cmd(pick("EXPIRE", "expire"), key, seconds()), false);
            case 3 -> expireOptions(cmd("PEXPIRE", key, millis()), false);
            case 4 -> expireOptions(cmd("EXPIREAT", key, absoluteSeconds()), true);
            case 5 -> expireOptions(cmd("PEXPIREAT", key, absoluteMillis()), true);
            case 6 -> cmd("TTL", key);
            case 7 -> cmd("PTTL", key);
            case 8 -> cmd("EXPIRETIME", key);
            case 9 -> cmd("PEXPIRETIME", key);
            case 10 -> cmd("PERSIST", key);
            case 11 -> cmd("TYPE", key);
            case 12 -> cmd("EXPIRE", key); // wrong arity
            case 13 -> cmd("TTL", key, key()); // wrong arity
            case 14 -> cmd("SET", key, value(), "EX", seconds());
            default -> cmd("DEL", key);
        };
    }

    /**
     * @return whether the stream has sent MULTI and not yet EXEC or DISCARD: a command sent now is queued.
     */
    boolean inTransaction()
    {
        return inTransaction;
    }

    /**
     * MULTI, EXEC, DISCARD, WATCH and UNWATCH, with the commands queued between them, and writes that change watched
     * keys (or do not, as an SADD of a member already there) between WATCH and EXEC.
     */
    private List<String> transactions()
    {
        final String key = key();
        if (!inTransaction)
        {
            return switch (random.nextInt(12))
            {
                case 0, 1, 2, 3 ->
                {
                    inTransaction = true;
                    yield cmd("MULTI");
                }
                case 4, 5 -> random.nextBoolean() ? cmd("WATCH", key) : cmd("WATCH", key, key(), key());
                case 6 -> cmd("UNWATCH");
                case 7 -> cmd(pick("EXEC", "DISCARD"));
                case 8 -> cmd("WATCH"); // wrong arity
                default -> queueable(key);
            };
        }
        return switch (random.nextInt(24))
        {
            case 0, 1, 2, 3 ->
            {
                inTransaction = false;
                yield cmd("EXEC");
            }
            case 4 ->
            {
                inTransaction = false;
                yield cmd("DISCARD");
            }
            case 5 -> cmd("SELECT", pick("0", "1", "0", "99", "x"));
            case 6 -> cmd(pick("MULTI", "WATCH"), key); // WATCH inside MULTI, MULTI with an argument
            case 7 -> cmd("MULTI"); // nested
            case 8 -> random.nextInt(4) == 0 ? cmd("NOSUCHCOMMAND", key) : cmd("GET"); // refused: EXEC aborts
            case 9 -> cmd("UNWATCH");
            default -> queueable(key);
        };
    }

    /**
     * @return a command whose reply two servers must give alike, to queue or to change a watched key.
     */
    private List<String> queueable(final String key)
    {
        if (randomWrites && random.nextInt(3) == 0)
        {
            // sets with members to pop, and pops that the members of one cluster must decide alike
            return random.nextBoolean() ? cmd("SADD", key, member(), member(), member()) :
                cmd("SPOP", key, pick("1", "2"));
        }
        return switch (random.nextInt(23))
        {
            case 22 -> cmd("SPOP", key, randomWrites ? pick("1", "2") : "0"); // inside EXEC: decided as it applies
            case 0, 1 -> cmd("SET", key, value());
            case 2 -> cmd("GET", key);
            case 3 -> cmd("INCR", key);
            case 4 -> cmd("APPEND", key, value());
            case 5 -> cmd("DEL", key);
            case 6 -> cmd("EXISTS", key, key());
            case 7 -> cmd("MSET", key, value(), key(), value());
            case 8 -> cmd("SETNX", key, value());
            case 9 -> cmd("LPUSH", key, element());
            case 10 -> cmd("RPOP", key);
            case 11 -> cmd("LRANGE", key, "0", "-1");
            case 12 -> cmd("HSET", key, field(), value());
            case 13 -> cmd("HDEL", key, field());
            case 14 -> cmd("HGET", key, field());
            case 15 -> cmd("SADD", key, member());
            case 16 -> cmd("SREM", key, member());
            case 17 -> cmd("SCARD", key);
            case 18 -> cmd("TYPE", key);
            case 19 -> cmd("LREM", key, "0", element());
            case 20 -> cmd("PERSIST", key);
            default -> cmd("INCRBY", key, pick("1", "x"));
        };
    }

    private List<String> hashes()
    {
        final String key = key();
        return switch (random.nextInt(26))
        {
            case 24, 25 -> cmd("HINCRBYFLOAT", key, field(), floatIncrement());
            case 0, 1, 2 -> cmd("HSET", key, field(), value(), field(), value());
            case 3 -> cmd("HMSET", key, field(), value());
            case 4 -> cmd("HSETNX", key, field(), value());
            case 5, 6 -> cmd("HGET", key, field());
            case 7 -> cmd("HMGET", key, field(), field(), field());
            case 8 -> cmd("HINCRBY", key, field(), pick("1", "-3", "100", "x", "9223372036854775807", "1.5"));
            case 9 -> cmd("HDEL", key, field(), field());
            case 10 -> cmd("HLEN", key);
            case 11 -> cmd("HSTRLEN", key, field());
            case 12 -> cmd("HEXISTS", key, field());
            case 13 -> cmd(pick("HKEYS", "HVALS", "HGETALL"), key);
            case 14 -> random.nextBoolean() ? cmd("HRANDFIELD", key) :
                cmd("HRANDFIELD", key, pick("0", "1", "3", "-4", "100", "x"), pick("WITHVALUES", "withvalues", "NO"));
            case 15 -> random.nextBoolean() ? cmd("HSCAN", key, "0") :
                cmd("HSCAN", key, "0", pick("MATCH", "COUNT", "BAD"), pick("f*", "2", "0", "x"));
            case 16 -> cmd("HSET", key, field(), value(), field()); // wrong arity
            case 17 -> cmd("HGET", key); // wrong arity
            case 18 -> cmd(pick("GET", "APPEND", "TYPE", "INCR"), key); // other types' commands on a hash
            case 19 -> cmd("SET", key, value());
            case 20 -> cmd("DEL", key);
            case 21 -> manyFields(key); // past 128 fields: the table form
            case 22 -> cmd("HSET", key, "long-field-" + "f".repeat(60), value()); // past 64 bytes: the table form
            default -> cmd("HSCAN", key, pick("x", "-1", "1.5")); // invalid cursors
        };
    }

    private List<String> lists()
    {
        final String key = key();
        return switch (random.nextInt(28))
        {
            case 26 -> blocking(key);
            case 27 -> cmd(pick("BLPOP", "BRPOP"), key, pick("-1", "x", "0x", "1e400", " 1")); // bad timeouts
            case 0, 1, 2 -> cmd(pick("LPUSH", "RPUSH"), key, element(), element());
            case 3 -> cmd(pick("LPUSHX", "RPUSHX"), key, element());
            case 4 -> cmd(pick("LPOP", "RPOP"), key);
            case 5 -> cmd(pick("LPOP", "RPOP"), key, pick("0", "1", "2", "10", "-1", "x"));
            case 6 -> cmd("LLEN", key);
            case 7 -> cmd("LINDEX", key, index());
            case 8 -> cmd("LSET", key, index(), element());
            case 9, 10 -> cmd("LRANGE", key, index(), index());
            case 11 -> cmd("LTRIM", key, index(), index());
            case 12 -> cmd("LINSERT", key, pick("BEFORE", "AFTER", "after", "MIDDLE"), element(), element());
            case 13 -> cmd("LREM", key, pick("0", "1", "-1", "2", "-2", "x"), element());
            case 14 -> lpos(key);
            case 15 -> cmd("LMOVE", key, key(), pick("LEFT", "RIGHT", "left", "UP"), pick("LEFT", "RIGHT"));
            case 16 -> cmd("RPOPLPUSH", key, pick(key(), key));
            case 17 -> lmpop();
            case 18 -> cmd("LPOP", key, "1", "2"); // wrong arity
            case 19 -> cmd("LPUSH", key); // wrong arity
            case 20 -> cmd(pick("GET", "HGET", "TYPE", "APPEND"), key, "x"); // other types' commands on a list
            case 21 -> cmd("SET", key, value());
            case 22 -> cmd("HSET", key, field(), value());
            case 23 -> cmd("DEL", key);
            case 24 -> cmd("LRANGE", key, "0", "-1");
            default -> cmd("LRANGE", key, pick("x", "0"), pick("-1", "1.5"));
        };
    }

    /**
     * The blocking list commands with a short timeout: served at once, or nil after it, on both servers alike.
     */
    private List<String> blocking(final String key)
    {
        final String timeout = pick("0.01", "0.02", "1e-2");
        return switch (random.nextInt(5))
        {
            case 0 -> cmd("BLPOP", key, key(), timeout);
            case 1 -> cmd("BRPOP", key, timeout);
            case 2 -> cmd("BLMOVE", key, key(), pick("LEFT", "RIGHT", "UP"), pick("LEFT", "RIGHT"), timeout);
            case 3 -> cmd("BRPOPLPUSH", key, key(), timeout);
            default -> cmd("BLMPOP", timeout, pick("1", "2", "0"), key, key(), pick("LEFT", "RIGHT"),
                pick("COUNT", "BAD"), pick("2", "0"));
        };
    }

    private List<String> sets()
    {
        final String key = key();
        return switch (random.nextInt(24))
        {
            case 0, 1, 2 -> cmd("SADD", key, member(), member(), member());
            case 22 -> randomWrites ? cmd("SPOP", key, pick("1", "2", "5")) :
                cmd("SPOP", key, pick("1000", "0", "-1", "x", "1.5")); // all of it: the same members either way
            case 23 -> randomWrites ? cmd("SPOP", key) : cmd("SPOP", key, "1", pick("2", "COUNT"));
            case 3 -> cmd("SREM", key, member(), member());
            case 4 -> cmd("SMOVE", key, pick(key(), key), member());
            case 5 -> cmd("SISMEMBER", key, member());
            case 6 -> cmd("SMISMEMBER", key, member(), member());
            case 7 -> cmd("SCARD", key);
            case 8 -> cmd("SMEMBERS", key);
            case 9 -> cmd(pick("SINTER", "SUNION", "SDIFF"), key, key(), key());
            case 10 -> cmd(pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), key, key(), key());
            case 11 -> cmd("SINTERCARD", pick("1", "2", "3", "0", "x"), key, key(), pick("LIMIT", "BAD", key()),
                pick("0", "1", "-1", "x"));
            case 12 -> random.nextBoolean() ? cmd("SRANDMEMBER", key) :
                cmd("SRANDMEMBER", key, pick("0", "1", "3", "-4", "100", "x"));
            case 13 -> random.nextBoolean() ? cmd("SSCAN", key, "0") :
                cmd("SSCAN", key, "0", pick("MATCH", "COUNT", "BAD"), pick("m*", "2", "0", "x"));
            case 14 -> cmd("SADD", key); // wrong arity
            case 15 -> cmd(pick("GET", "HGET", "LPUSH", "TYPE"), key, "x"); // other types' commands on a set
            case 16 -> cmd("SET", key, value());
            case 17 -> cmd("DEL", key);
            case 18 -> manyMembers(key);
            case 19 -> cmd("SADD", key, "long-member-" + "m".repeat(60));
            case 20 -> cmd("SRANDMEMBER", key, "1", "2"); // syntax error
            default -> cmd("SINTERCARD", "5", key, key());
        };
    }

    private List<String> zsets()
    {
        final String key = key();
        return switch (random.nextInt(48))
        {
            case 46 -> random.nextBoolean() ? cmd(pick("BZPOPMIN", "BZPOPMAX"), key, key(), pick("0.01", "-1", "x")) :
                cmd("BZMPOP", pick("0.01", "0.02"), pick("2", "1", "0"), key, key(), pick("MIN", "MAX", "BAD"),
                pick("COUNT", "LIMIT"), pick("2", "0"));
            case 47 -> cmd("COMMAND", "GETKEYS", pick("BZMPOP", "ZUNIONSTORE", "ZMPOP", "ZINTERCARD"),
                pick("1", "2"), key, key(), key(), pick("MIN", "MAX"));
            case 0, 1, 2, 3 -> cmd("ZADD", key, score(), zmember(), score(), zmember(), score(), zmember());
            case 4, 5 -> zadd(key);
            case 6 -> cmd("ZINCRBY", key, pick("1", "-1", "2.5", "inf", "-inf", "1e308", "abc", "nan", "0x10"),
                zmember());
            case 7 -> cmd("ZREM", key, zmember(), zmember());
            case 8 -> cmd("ZCARD", key);
            case 9 -> cmd("ZSCORE", key, zmember());
            case 10 -> cmd("ZMSCORE", key, zmember(), zmember(), zmember());
            case 11 -> cmd(pick("ZRANK", "ZREVRANK"), key, zmember());
            case 12 -> cmd("ZCOUNT", key, bound(), bound());
            case 13 -> cmd("ZLEXCOUNT", key, lexBound(), lexBound());
            case 14, 15, 16 -> zrange(cmd("ZRANGE", key));
            case 17 -> zrange(cmd("ZRANGESTORE", key(), key));
            case 18 -> random.nextBoolean() ? cmd("ZREVRANGE", key, index(), index()) :
                cmd("ZREVRANGE", key, rank(), rank(), pick("WITHSCORES", "withscores", "LIMIT", "BYSCORE"));
            case 19, 20 -> limit(withScores(cmd(pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), key, bound(), bound())));
            case 21 -> limit(cmd(pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), key, lexBound(), lexBound()));
            case 22 -> cmd("ZREMRANGEBYRANK", key, rank(), rank());
            case 23 -> cmd("ZREMRANGEBYSCORE", key, bound(), bound());
            case 24 -> cmd("ZREMRANGEBYLEX", key, lexBound(), lexBound());
            case 25, 26 -> algebra(pick("ZUNION", "ZINTER", "ZDIFF"), null);
            case 27 -> algebra(pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), key);
            case 28 -> zintercard();
            case 29 -> random.nextBoolean() ? cmd(pick("ZPOPMIN", "ZPOPMAX"), key) :
                cmd(pick("ZPOPMIN", "ZPOPMAX"), key, pick("0", "1", "2", "10", "-1", "x"));
            case 30 -> zmpop();
            case 31 -> zrandmember(key);
            case 32 -> random.nextBoolean() ? cmd("ZSCAN", key, "0") :
                cmd("ZSCAN", key, pick("0", "0", "x", "-1"), pick("MATCH", "COUNT", "BAD"), pick("m*", "2", "0", "x"));
            case 33 -> cmd(pick("ZADD", "ZRANGE", "ZSCORE", "ZPOPMIN", "ZINCRBY", "ZRANGESTORE"), key); // wrong arity
            case 34 -> cmd(pick("GET", "HGET", "LPUSH", "SADD", "TYPE", "SMEMBERS"), key, "x"); // other types' commands
            case 35 -> cmd(pick("SET", "SADD"), key, zmember());
            case 36 -> cmd("DEL", key);
            case 37 -> manyScored(key); // past 128 members: the skip list
            case 38 -> cmd("ZADD", key, score(), "long-member-" + "z".repeat(60)); // past 64 bytes: the skip list
            case 39 -> cmd("ZRANGE", key, "0", "-1", "WITHSCORES");
            case 40 -> cmd(pick("COPY", "RENAME", "RENAMENX"), key, key());
            case 41 -> cmd("SCAN", "0", "TYPE", pick("zset", "ZSET", "set"));
            case 42 -> cmd("SADD", key, zmember(), zmember()); // sets as inputs of the set algebra
            case 43 -> cmd("ZADD", key, "0", zmember(), "0", zmember(), "0", zmember()); // for lexicographical ranges
            case 44 -> cmd("ZRANGEBYLEX", key, "-", "+");
            default -> cmd("ZADD", key, pick("NX", "GT", "XX"), score(), zmember(), score(), zmember());
        };
    }

    private List<String> zadd(final String key)
    {
        final List<String> args = cmd("ZADD", key);
        final int options = random.nextInt(4);
        for (int i = 0; i < options; i++)
        {
            args.add(pick("NX", "XX", "GT", "LT", "CH", "INCR", "nx", "ch", "incr", "gt"));
        }
        final int pairs = random.nextInt(5) == 0 ? 2 : 1;
        for (int i = 0; i < pairs; i++)
        {
            Collections.addAll(args, score(), zmember());
        }
        if (random.nextInt(10) == 0)
        {
            args.add(score()); // an odd number: syntax error
        }
        return args;
    }

    private List<String> zrange(final List<String> args)
    {
        final int kind = random.nextInt(3);
        if (0 == kind)
        {
            Collections.addAll(args, rank(), rank());
        }
        else if (1 == kind)
        {
            Collections.addAll(args, bound(), bound(), "BYSCORE");
        }
        else
        {
            Collections.addAll(args, lexBound(), lexBound(), "BYLEX");
        }
        final int options = random.nextInt(4);
        for (int i = 0; i < options; i++)
        {
            switch (random.nextInt(6))
            {
                case 0 -> args.add(pick("REV", "rev"));
                case 1 -> args.add(pick("WITHSCORES", "withscores"));
                case 2 -> Collections.addAll(args, "LIMIT", pick("0", "1", "2", "-1", "5", "x"),
                    pick("1", "2", "-1", "0", "10", "y"));
                case 3 -> args.add(pick("BYSCORE", "BYLEX"));
                case 4 -> args.add("LIMIT");
                default -> args.add(pick("BAD", "REV"));
            }
        }
        return args;
    }

    private List<String> withScores(final List<String> args)
    {
        if (random.nextBoolean())
        {
            args.add(pick("WITHSCORES", "withscores"));
        }
        return args;
    }

    private List<String> limit(final List<String> args)
    {
        if (random.nextInt(3) == 0)
        {
            Collections.addAll(args, pick("LIMIT", "limit", "BAD"), pick("0", "1", "2", "-1", "x"),
                pick("1", "2", "-1", "0", "5"));
        }
        return args;
    }

    private List<String> algebra(final String name, final String destination)
    {
        final List<String> args = null == destination ? cmd(name) : cmd(name, destination);
        final int keys = 1 + random.nextInt(3);
        args.add(random.nextInt(15) == 0 ? pick("0", "x", "-1", "5") : Integer.toString(keys));
        for (int i = 0; i < keys; i++)
        {
            args.add(key());
        }
        final int options = random.nextInt(3);
        for (int i = 0; i < options; i++)
        {
            switch (random.nextInt(5))
            {
                case 0 ->
                {
                    args.add(pick("WEIGHTS", "weights"));
                    final int weights = random.nextInt(8) == 0 ? keys + 1 : keys;
                    for (int w = 0; w < weights; w++)
                    {
                        args.add(pick("1", "2", "-1", "0", "0.5", "inf", "-inf", "x", "nan"));
                    }
                }
                case 1 -> Collections.addAll(args, "AGGREGATE", pick("SUM", "MIN", "MAX", "max", "AVG"));
                case 2 -> args.add(pick("WITHSCORES", "withscores"));
                case 3 -> args.add("AGGREGATE");
                default -> args.add(pick("BAD", "LIMIT"));
            }
        }
        return args;
    }

    private List<String> zintercard()
    {
        final List<String> args = cmd("ZINTERCARD", pick("1", "2", "3", "0", "x"), key(), key());
        if (random.nextBoolean())
        {
            Collections.addAll(args, pick("LIMIT", "BAD", "limit"), pick("0", "1", "2", "-1", "x"));
        }
        return args;
    }

    private List<String> zmpop()
    {
        final List<String> args = cmd("ZMPOP", pick("1", "2", "0", "x", "5"));
        Collections.addAll(args, key(), key(), pick("MIN", "MAX", "max", "MIDDLE"));
        if (random.nextBoolean())
        {
            Collections.addAll(args, pick("COUNT", "BAD"), pick("1", "3", "0", "-1", "x"));
        }
        return args;
    }

    private List<String> zrandmember(final String key)
    {
        return switch (random.nextInt(4))
        {
            case 0 -> cmd("ZRANDMEMBER", key);
            case 1 -> cmd("ZRANDMEMBER", key, pick("0", "1", "3", "-4", "100", "x", "-9223372036854775808"));
            case 2 -> cmd("ZRANDMEMBER", key, pick("1", "3", "-4", "100", "9223372036854775807"),
                pick("WITHSCORES", "withscores", "NO"));
            default -> cmd("ZRANDMEMBER", key, "1", "WITHSCORES", "x");
        };
    }

    private List<String> manyScored(final String key)
    {
        final List<String> args = cmd("ZADD", key);
        final boolean sameScore = random.nextBoolean();
        for (int i = 0; i < 130; i++)
        {
            Collections.addAll(args, sameScore ? "0" : Integer.toString(i % 17 - 8), pick("m", "n") + i);
        }
        return args;
    }

    /**
     * @return a score: integers, decimals, the infinities, the largest magnitudes, and what is not one.
     */
    private String score()
    {
        return pick("0", "1", "-1", "2", "3", "1.5", "-0.25", "0.1", "inf", "-inf", "+inf", "1e308", "-1e308",
            "1e3", "0x10", "-0", "abc", "nan", "", " 1", "1e400", "123456789012345678");
    }

    private String rank()
    {
        return random.nextInt(10) == 0 ? pick("x", "1.5", "") : index();
    }

    private String bound()
    {
        return pick("-inf", "+inf", "0", "(0", "1", "(1", "1.5", "(2", "3", "(inf", "inf", "-1", "(-inf", "abc", "",
            "(", "1e400", "nan", " 1", "(1e3", "0x2");
    }

    private String lexBound()
    {
        return pick("-", "+", "[a", "(a", "[c", "(m0", "[m1", "[", "(", "a", "+x", "-", "+", "[", "[b", "(n1",
            "[\u00ff", "(a\u0000");
    }

    private String zmember()
    {
        return pick("a", "b", "c", "d", "m0", "m1", "1", "2", "", "m7", "n3", "\u00ffz", "a\u0000");
    }

    /**
     * DUMP of the shared keys, whatever they hold, and RESTORE of payloads redis-server 7.0.15 wrote or restores (every
     * encoding, old ones too), of payloads both refuse (footer wrong, types and values Redis checks even without
     * sanitize-dump-payload), with times to live, REPLACE, ABSTTL, IDLETIME and FREQ valid and not; values of every
     * type and size to dump, made on the same keys.
     */
    private List<String> dumps()
    {
        final String key = key();
        return switch (random.nextInt(24))
        {
            case 0, 1, 2, 3, 4 -> cmd("DUMP", key);
            case 5, 6, 7 -> restoreOptions(cmd("RESTORE", key, pick("0", "0", "0", "300000", "3600000"),
                pick(RECORDED_PAYLOADS)));
            case 8 -> restoreOptions(cmd("RESTORE", key, pick("0", "300000"), pick(REFUSED_PAYLOADS)));
            case 9 -> cmd("RESTORE", key, pick("-5", "x", "1.5", "9223372036854775807", "100000000"),
                pick(RECORDED_PAYLOADS), pick("REPLACE", "replace", "ABSTTL"));
            case 10 -> cmd("RESTORE", key, absoluteMillis(), pick(RECORDED_PAYLOADS), "ABSTTL",
                pick("REPLACE", "IDLETIME", "FREQ"), pick("5", "-1", "REPLACE"));
            case 11 -> cmd("RESTORE", key, "0", pick(RECORDED_PAYLOADS), pick("IDLETIME", "FREQ", "REPLACE"),
                pick("0", "255", "256", "-1", "x", "1000000"), pick("FREQ", "IDLETIME", "REPLACE", "BOGUS"), "1");
            case 12 -> switch (random.nextInt(3)) // wrong arity
            {
                case 0 -> cmd("DUMP");
                case 1 -> cmd("DUMP", key, key());
                default -> cmd("RESTORE", key, "0");
            };
            case 13 -> cmd("PTTL", key);
            case 14 -> cmd("TYPE", key);
            case 15 -> cmd("SET", key, pick(value(), "a".repeat(300), "abc".repeat(100)));
            case 16 -> numbered(cmd("RPUSH", key), pick("", "item-", "x".repeat(90)), random.nextInt(2_000));
            case 17 -> numbered(cmd("SADD", key), pick("", "", "m"), random.nextInt(700));
            case 18 -> numbered(cmd("ZADD", key), "score", random.nextInt(200));
            case 19 -> numbered(cmd("HSET", key), "field", random.nextInt(200));
            case 20 -> cmd("SADD", key, value(), value());
            case 21 -> cmd("HSET", key, value(), value());
            case 22 -> cmd("ZADD", key, pick("1", "-0", "inf", "2.5"), value());
            default -> cmd("DEL", key);
        };
    }

    private List<String> restoreOptions(final List<String> args)
    {
        final int options = random.nextInt(3);
        for (int i = 0; i < options; i++)
        {
            switch (random.nextInt(5))
            {
                case 0, 1 -> args.add(pick("REPLACE", "replace"));
                case 2 -> args.add("ABSTTL");
                case 3 -> Collections.addAll(args, "IDLETIME", pick("0", "100", "-1"));
                default -> Collections.addAll(args, "FREQ", pick("0", "255", "256"));
            }
        }
        return args;
    }

    /**
     * @return the command with count elements: members, fields and values, or scores and members, as it names.
     */
    private List<String> numbered(final List<String> args, final String prefix, final int count)
    {
        for (int i = 0; i < Math.max(1, count); i++)
        {
            switch (args.get(0))
            {
                case "ZADD" -> Collections.addAll(args, Integer.toString(i % 37), "member-" + i);
                case "HSET" -> Collections.addAll(args, "field-" + i, 0 == i % 50 ? "v".repeat(70) : "v" + i);
                default -> args.add(prefix + i);
            }
        }
        return args;
    }

    private List<String> geo()
    {
        final String key = key();
        return switch (random.nextInt(30))
        {
            case 0, 1, 2, 3 -> geoadd(key);
            case 4 -> cmd("GEOPOS", key, zmember(), zmember(), zmember());
            case 5 -> cmd("GEOHASH", key, zmember(), zmember());
            case 6, 7 -> random.nextInt(4) == 0 ? cmd("GEODIST", key, zmember(), zmember()) :
                cmd("GEODIST", key, zmember(), zmember(), unit());
            case 8 -> cmd("GEODIST", key, zmember(), zmember(), unit(), pick("x", "km"));
            case 9, 10 -> searchOptions(cmd(pick("GEORADIUS", "GEORADIUS_RO", "georadius"), key, longitude(),
                latitude(), radius(), unit()), true);
            case 11, 12 -> searchOptions(cmd(pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"), key, zmember(),
                radius(), unit()), true);
            case 13, 14, 15, 16 -> geosearch(cmd(pick("GEOSEARCH", "geosearch"), key));
            case 17, 18 -> geosearch(cmd("GEOSEARCHSTORE", key(), key));
            case 19 -> cmd("ZRANGE", key, "0", "-1", "WITHSCORES");
            case 20 -> cmd("ZADD", key, score(), zmember());
            case 21 -> cmd(pick("GEOADD", "GEOPOS", "GEODIST", "GEORADIUS", "GEOSEARCH", "GEOSEARCHSTORE",
                "GEORADIUSBYMEMBER", "GEOHASH"), key); // wrong arity
            case 22 -> cmd(pick("SET", "SADD", "LPUSH"), key, zmember()); // other types
            case 23 -> cmd("DEL", key);
            case 24 -> cmd("COMMAND", "GETKEYS", pick("GEORADIUS", "GEORADIUSBYMEMBER"), key, "15", "37", "10", "km",
                pick("STORE", "STOREDIST", "ASC"), key(), pick("STOREDIST", "STORE", "COUNT"), key());
            case 25 -> cmd("GEOSEARCH", key, "FROMLONLAT", longitude(), latitude(), "BYRADIUS", radius(), unit(),
                pick("ASC", "DESC"), "WITHDIST", "WITHCOORD", "WITHHASH");
            case 26 -> cmd("GEOADD", key, "0", "0", zmember(), "180", "85.05112878", zmember(), "-180",
                "-85.05112878", zmember()); // the corners
            case 27 -> cmd("ZSCORE", key, zmember());
            default -> manyPlaces(key); // past 128 members: the skip list
        };
    }

    private List<String> geoadd(final String key)
    {
        final List<String> args = cmd("GEOADD", key);
        final int options = random.nextInt(3);
        for (int i = 0; i < options; i++)
        {
            args.add(pick("NX", "XX", "CH", "ch", "nx", "GT"));
        }
        final int places = 1 + random.nextInt(3);
        for (int i = 0; i < places; i++)
        {
            Collections.addAll(args, longitude(), latitude(), zmember());
        }
        if (random.nextInt(10) == 0)
        {
            args.add(longitude()); // not a whole triple: syntax error
        }
        return args;
    }

    private List<String> manyPlaces(final String key)
    {
        final List<String> args = cmd("GEOADD", key);
        for (int i = 0; i < 140; i++)
        {
            Collections.addAll(args, place(13, 4), place(36, 3), "p" + random.nextInt(200));
        }
        return args;
    }

    private List<String> geosearch(final List<String> args)
    {
        final int parts = random.nextInt(12);
        if (parts > 0)
        {
            if (random.nextBoolean())
            {
                Collections.addAll(args, pick("FROMMEMBER", "frommember"), zmember());
            }
            else
            {
                Collections.addAll(args, "FROMLONLAT", longitude(), latitude());
            }
        }
        if (parts > 1)
        {
            if (random.nextBoolean())
            {
                Collections.addAll(args, pick("BYRADIUS", "byradius"), radius(), unit());
            }
            else
            {
                Collections.addAll(args, "BYBOX", radius(), radius(), unit());
            }
        }
        if (parts == 11)
        {
            Collections.shuffle(args.subList("GEOSEARCHSTORE".equalsIgnoreCase(args.get(0)) ? 3 : 2, args.size()),
                random);
        }
        return searchOptions(args, false);
    }

    private List<String> searchOptions(final List<String> args, final boolean radiusForm)
    {
        final int options = random.nextInt(4);
        for (int i = 0; i < options; i++)
        {
            switch (random.nextInt(12))
            {
                case 0 -> args.add(pick("WITHDIST", "withdist"));
                case 1 -> args.add("WITHHASH");
                case 2 -> args.add("WITHCOORD");
                case 3, 4 -> args.add(pick("ASC", "DESC", "asc"));
                case 5, 6 -> Collections.addAll(args, "COUNT", pick("1", "2", "3", "10", "0", "-1", "x"));
                case 7 -> args.add("ANY");
                case 8 -> Collections.addAll(args, radiusForm ? pick("STORE", "STOREDIST") : "STOREDIST", key());
                case 9 -> args.add(radiusForm ? pick("STORE", "BOGUS") : "STOREDIST");
                case 10 -> Collections.addAll(args, pick("FROMLONLAT", "BYRADIUS"), longitude(), latitude());
                default -> args.add(pick("BOGUS", "COUNT"));
            }
        }
        return args;
    }

    private String longitude()
    {
        return random.nextInt(15) == 0 ? pick("180", "-180", "180.1", "-200", "abc", "inf", "", "0") : place(13, 4);
    }

    private String latitude()
    {
        return random.nextInt(15) == 0 ? pick("85.05112878", "-85.05112878", "85.06", "-90", "x", "1e400", "0") :
            place(36, 3);
    }

    /**
     * @return a coordinate from base to base + span with six decimals: places rarely coincide.
     */
    private String place(final int base, final int span)
    {
        return String.format(Locale.ROOT, "%.6f", base + random.nextDouble() * span);
    }

    private String radius()
    {
        return pick("1", "10", "50", "100", "200", "300", "500", "5000", "0", "-1", "x", "1.5", "1e5");
    }

    private String unit()
    {
        return pick("km", "KM", "m", "mi", "ft", "yd");
    }

    private List<String> bits()
    {
        final String key = key();
        return switch (random.nextInt(24))
        {
            case 0, 1, 2 -> cmd("SETBIT", key, bitOffset(), pick("0", "1", "1", "2", "-1", "x"));
            case 3, 4 -> cmd("GETBIT", key, bitOffset());
            case 5, 6 -> bitRange(cmd("BITCOUNT", key), 3);
            case 7, 8 -> bitRange(cmd("BITPOS", key, pick("0", "1", "1", "0", "2", "x")), 4);
            case 9 -> cmd("BITOP", pick("AND", "OR", "XOR", "or", "NAND"), key, key(), key());
            case 10 -> random.nextBoolean() ? cmd("BITOP", pick("NOT", "not"), key, key()) :
                cmd("BITOP", "NOT", key, key(), key());
            case 11, 12, 13 -> bitfield(cmd("BITFIELD", key));
            case 14 -> bitfield(cmd("BITFIELD_RO", key));
            case 15 -> cmd("SET", key, value());
            case 16 -> cmd("GET", key);
            case 17 -> cmd("SETRANGE", key, pick("0", "3", "10"), pick("", "ab", "\u00ff\u0000"));
            case 18 -> cmd(pick("SETBIT", "GETBIT", "BITOP", "BITPOS"), key); // wrong arity
            case 19 -> cmd(pick("LPUSH", "SADD"), key, "x"); // other types for the bit commands to meet
            case 20 -> cmd("HSET", key, "f", "v");
            case 21 -> cmd("DEL", key);
            case 22 -> cmd("STRLEN", key);
            default -> cmd("BITFIELD", key, "OVERFLOW", pick("WRAP", "SAT", "FAIL"), pick("INCRBY", "SET"),
                pick("i8", "u8", "i64", "u63", "i3", "u2"), pick("0", "4", "#1", "#2"), bitfieldValue());
        };
    }

    /**
     * Offsets within a few bytes, and those Redis refuses: negative, not a number, past 512 MB.
     */
    private String bitOffset()
    {
        return pick("0", "1", "7", "8", "15", "33", "100", "1000", "7999", "-1", "x", "#1", "4294967296");
    }

    private List<String> bitRange(final List<String> args, final int mostArguments)
    {
        final int count = random.nextInt(mostArguments + 1);
        for (int i = 0; i < count; i++)
        {
            args.add(i < 2 ? range() : pick("BIT", "BYTE", "bit", "byte", "BOGUS"));
        }
        return args;
    }

    private List<String> bitfield(final List<String> args)
    {
        final int count = random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            switch (random.nextInt(7))
            {
                case 0, 1 -> Collections.addAll(args, "GET", bitfieldType(), bitfieldOffset());
                case 2 -> Collections.addAll(args, pick("SET", "set"), bitfieldType(), bitfieldOffset(),
                    bitfieldValue());
                case 3, 4 -> Collections.addAll(args, pick("INCRBY", "incrby"), bitfieldType(), bitfieldOffset(),
                    bitfieldValue());
                case 5 -> Collections.addAll(args, "OVERFLOW", pick("WRAP", "SAT", "FAIL", "fail", "BAD"));
                default -> args.add(pick("GET", "SET", "BOGUS", "OVERFLOW")); // too few arguments, or unknown
            }
        }
        return args;
    }

    private String bitfieldType()
    {
        return pick("i1", "u1", "i8", "u8", "i5", "u7", "i16", "u16", "i63", "u63", "i64", "u64", "i0", "I8", "i65");
    }

    private String bitfieldOffset()
    {
        return pick("0", "1", "3", "7", "8", "13", "100", "#0", "#1", "#3", "-1", "x", "#-1", "#9223372036854775807");
    }

    private String bitfieldValue()
    {
        return pick("0", "1", "-1", "5", "100", "127", "128", "-129", "255", "256", "9223372036854775807",
            "-9223372036854775808", "x", "4611686018427387904");
    }

    private String range()
    {
        return pick("0", "1", "2", "-1", "-2", "3", "-5", "100", "-100", "x");
    }

    /**
     * Floats where double and long double part, at the edges of the long double's range, and text that is no float.
     */
    private String floatIncrement()
    {
        if (random.nextBoolean())
        {
            return randomFloat();
        }
        return pick("0.1", "-1.5", "1e3", "3.0e3", "5.0e+3", "10.5", "-0", "0x1p-3", "1e-20", "1e4000", "inf", "nan",
            "x", " 1", "", "1.7976931348623157e308");
    }

    /**
     * A float's text of random digits: decimal with up to 20 digits either side of the point, 17 significant digits
     * (more than a double holds), exponents up to the long double's overflow and subnormals, hexadecimal.
     */
    private String randomFloat()
    {
        final String sign = random.nextBoolean() ? "-" : "";
        return switch (random.nextInt(6))
        {
            case 0 -> sign + digits(1 + random.nextInt(20), 10) + "." + digits(random.nextInt(20), 10);
            case 1 -> sign + digits(1 + random.nextInt(3), 10) + "e" + (random.nextInt(4) == 0 ?
                random.nextInt(9_900) - 4_950 : random.nextInt(60) - 30);
            case 2 -> sign + "0." + digits(random.nextInt(25), 10);
            case 3 -> sign + "0x" + digits(1 + random.nextInt(17), 16) + "p" + (random.nextInt(4) == 0 ?
                random.nextInt(32_900) - 16_450 : random.nextInt(200) - 100);
            case 4 -> Long.toString(random.nextLong());
            default -> sign + digits(17, 10) + "." + digits(3, 10);
        };
    }

    private String digits(final int count, final int radix)
    {
        final StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            digits.append(Character.forDigit(random.nextInt(radix), radix));
        }
        return digits.toString();
    }

    private List<String> lcs(final String key)
    {
        final List<String> args = cmd("LCS", key, key());
        final int options = random.nextInt(4);
        for (int i = 0; i < options; i++)
        {
            args.add(pick("LEN", "IDX", "idx", "WITHMATCHLEN", "MINMATCHLEN", "2", "0", "x", "BAD"));
        }
        return args;
    }

    /**
     * HyperLogLogs: additions that keep one sparse and some that turn it dense, counts of one key (which cache the
     * count in the string) and of several, merges, GET to compare the bytes, and strings set from outside, valid or
     * hostile: cut, short of the registers or past them, of an unknown encoding, dense of the wrong length.
     */
    private List<String> hyperLogLogs()
    {
        final String key = key();
        return switch (random.nextInt(24))
        {
            case 0, 1, 2, 3 -> pfadd(key, 1 + random.nextInt(4));
            case 4 -> pfadd(key, random.nextInt(4) == 0 ? 1_800 : 150); // past 3000 bytes the string turns dense
            case 5 -> cmd("PFADD", key);
            case 6, 7 -> cmd("PFCOUNT", key);
            case 8 -> cmd("PFCOUNT", key, key(), key());
            case 9 -> cmd("PFMERGE", key, key(), key());
            case 10 -> cmd("PFMERGE", key);
            case 11, 12 -> cmd("GET", key);
            case 13, 14 -> cmd("SET", key, hyperLogLogString());
            case 15 -> cmd(pick("PFADD", "PFCOUNT", "PFMERGE")); // wrong arity
            case 16 -> cmd(pick("SADD", "LPUSH", "HSET"), key, "x", "1"); // other types
            case 17 -> cmd("APPEND", key, pick("x", "\u0000"));
            case 18 -> cmd("DEL", key);
            case 19 -> cmd("EXPIRE", key, pick("3600", "100000"));
            case 20 -> cmd("PTTL", key); // PFADD and PFMERGE keep it
            case 21 -> cmd(pick("RENAME", "COPY"), key, key());
            case 22 -> cmd("STRLEN", key);
            default -> cmd("PFCOUNT", key, key());
        };
    }

    private List<String> pfadd(final String key, final int elements)
    {
        final List<String> args = cmd("PFADD", key);
        final int range = random.nextBoolean() ? 50 : 1_000_000;
        for (int i = 0; i < elements; i++)
        {
            args.add("e" + random.nextInt(range));
        }
        return args;
    }

    /**
     * @return a string set from outside, one byte per char: a HyperLogLog or something that starts as one.
     */
    private String hyperLogLogString()
    {
        final String sparse = "HYLL\u0001\u0000\u0000\u0000" + "\u0000".repeat(7) + "\u0080";
        final String dense = "HYLL" + "\u0000".repeat(11) + "\u0080";
        return switch (random.nextInt(14))
        {
            case 0 -> "HYLL"; // shorter than the header
            case 1 -> "HYLL\u0002" + "\u0000".repeat(11) + "\u007f\u00ff"; // an unknown encoding
            case 2 -> dense + "\u0000".repeat(12_287); // dense, a byte short
            case 3 -> sparse + "\u007f\u00ff"; // empty
            // an XZERO cut after its first byte: Redis reads the byte past the end, 0 until a split leaves one there;
            // after an XZERO of 255 registers, the cut one covers the other 16129
            case 4, 5 -> sparse + pick("\u007f", "\u0040\u00fe\u007f", "\u0040\u00fe\u007f");
            case 6 -> sparse + "\u007f\u00fe"; // short of the last register
            case 7 -> sparse + "\u007f\u00ff\u0080"; // a VAL past the last register
            case 8 -> sparse + randomBytes(1 + random.nextInt(30)); // random opcodes
            case 9 -> dense + randomBytes(12_288); // random registers, up to 63
            case 10 -> dense + "\u00ff".repeat(12_288); // every register 63: a count out of range
            // 123456789 cached
            case 11 -> "HYLL\u0001\u0000\u0000\u0000\u0015\u00cd\u005b\u0007" + "\u0000".repeat(4) + "\u007f\u00ff";
            default ->
            {
                // runs of VAL 32: a sparse string with registers that a higher one turns dense
                final int runs = 1 + random.nextInt(8);
                final int zeros = 16_384 - 4 * runs;
                yield sparse + "\u00ff".repeat(runs) + (char)(0x40 | ((zeros - 1) >> 8)) + (char)((zeros - 1) & 0xFF);
            }
        };
    }

    private String randomBytes(final int length)
    {
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)random.nextInt(256);
        }
        return new String(chars);
    }

    private List<String> manyMembers(final String key)
    {
        final List<String> args = cmd("SADD", key);
        for (int i = 0; i < 130; i++)
        {
            args.add(pick("m", "n") + i);
        }
        return args;
    }

    private String member()
    {
        return pick("m0", "m1", "m2", "m3", "1", "2", "", "m7");
    }

    private List<String> lpos(final String key)
    {
        final List<String> args = cmd("LPOS", key, element());
        final int options = random.nextInt(3);
        for (int i = 0; i < options; i++)
        {
            Collections.addAll(args, pick("RANK", "COUNT", "MAXLEN", "BAD"), pick("1", "2", "-1", "0", "-2", "x"));
        }
        return args;
    }

    private List<String> lmpop()
    {
        final List<String> args = cmd("LMPOP", pick("1", "2", "0", "x", "5"));
        Collections.addAll(args, key(), key(), pick("LEFT", "RIGHT", "MIDDLE"));
        if (random.nextBoolean())
        {
            Collections.addAll(args, pick("COUNT", "BAD"), pick("1", "3", "0", "-1"));
        }
        return args;
    }

    private String element()
    {
        return pick("a", "b", "c", "a", "", "1", "x".repeat(70));
    }

    private String index()
    {
        return pick("0", "1", "2", "-1", "-2", "5", "-10", "100");
    }

    private List<String> manyFields(final String key)
    {
        final List<String> args = cmd("HSET", key);
        for (int i = 0; i < 130; i++)
        {
            Collections.addAll(args, "m" + i, Integer.toString(i));
        }
        return args;
    }

    private String field()
    {
        return pick("f0", "f1", "f2", "f3", "f4", "f5", "", "m7");
    }

    private List<String> scan()
    {
        final List<String> args = cmd("SCAN", "0");
        if (random.nextBoolean())
        {
            Collections.addAll(args, "MATCH", pick("*", "k[2-6]", "*3", "zz*"));
        }
        if (random.nextBoolean())
        {
            Collections.addAll(args, "COUNT", pick("1", "2", "5", "100"));
        }
        if (random.nextInt(4) == 0)
        {
            Collections.addAll(args, "TYPE", pick("string", "STRING", "hash", "none"));
        }
        return args;
    }

    private List<String> copy(final String key)
    {
        final List<String> args = cmd("COPY", key, pick(key(), key(), key));
        if (random.nextBoolean())
        {
            args.add("REPLACE");
        }
        if (random.nextInt(4) == 0)
        {
            Collections.addAll(args, "DB", "0");
        }
        return args;
    }

    /**
     * How two servers' replies to a command are compared.
     */
    enum Comparison
    {
        /** Byte for byte. */
        EXACT,
        /** An array whose order the server chooses: sorted first. */
        UNORDERED,
        /** An array of pairs (field, value) whose order the server chooses: the pairs sorted first. */
        UNORDERED_PAIRS,
        /** An array chosen at random: its length. */
        SIZE,
        /** A SCAN from cursor 0, run to its end on each server: the sets of keys returned. */
        FULL_SCAN,
        /** A reply chosen at random: both nil, or both not. */
        PRESENCE,
        /** A SCAN from a cursor other than 0, which names other buckets on each: both errors alike, or both pages. */
        PAGE,
        /**
         * A DUMP, whose payload each server encodes its own way: both nil or errors alike, or both payloads, each
         * restored into the other server to the value DEBUG DIGEST-VALUE gives the key.
         */
        DUMP
    }

    /**
     * @return whether the command is SORT or SORT_RO.
     */
    static boolean isSort(final List<String> command)
    {
        return "sort".equalsIgnoreCase(command.get(0)) || "sort_ro".equalsIgnoreCase(command.get(0));
    }

    static Comparison comparison(final List<String> command)
    {
        final String name = command.get(0).toLowerCase(Locale.ROOT);
        return switch (name)
        {
            case "keys", "hkeys", "hvals" -> Comparison.UNORDERED;
            case "hgetall" -> Comparison.UNORDERED_PAIRS;
            case "scan" -> "0".equals(command.get(1)) ? Comparison.FULL_SCAN : Comparison.PAGE;
            case "hscan", "sscan", "zscan" -> command.size() > 2 && "0".equals(command.get(2)) ?
                Comparison.FULL_SCAN : Comparison.PAGE;
            case "hrandfield", "srandmember", "zrandmember" -> command.size() > 2 ? Comparison.SIZE :
                Comparison.PRESENCE;
            case "smembers", "sinter", "sunion", "sdiff", "spop" -> Comparison.UNORDERED;
            case "randomkey" -> Comparison.PRESENCE;
            case "dump" -> Comparison.DUMP;
            case "georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch" ->
                sorted(command) ? Comparison.EXACT : Comparison.UNORDERED;
            case "sort", "sort_ro" -> sortUnordered(command) ? Comparison.UNORDERED : Comparison.EXACT;
            default -> Comparison.EXACT;
        };
    }

    /**
     * @return whether a geo search sorts its results by distance: ASC or DESC, or COUNT without ANY; Redis leaves the
     * order of the others to its search.
     */
    private static boolean sorted(final List<String> command)
    {
        boolean count = false;
        boolean any = false;
        for (int i = 2; i < command.size(); i++)
        {
            final String arg = command.get(i);
            if ("asc".equalsIgnoreCase(arg) || "desc".equalsIgnoreCase(arg))
            {
                return true;
            }
            count |= "count".equalsIgnoreCase(arg);
            any |= "any".equalsIgnoreCase(arg);
        }
        return count && !any;
    }

    /**
     * SORT and SORT_RO over the shared keys, and over two lists only this family writes ("sl0", "sl1"), with the
     * strings and hash fields on the shared keys that BY and GET patterns find ("k*" of an element "1", "*" of an
     * element "k2", "k*->f1"). Redis reads a set or a sorted set in its hash table's order, which decides the order
     * of elements an ALPHA sort finds equal (a NUL ends what strcoll compares, missing weights are equal) and the
     * order BY nosort gives a set: over the shared keys those forms are compared unordered and come without LIMIT,
     * and ALPHA BY a pattern with STORE only over the lists of this family, whose order is the list's.
     */
    private List<String> sorts()
    {
        final String key = pick(key(), "k0", "k4", "k5", "k6");
        return switch (random.nextInt(30))
        {
            case 0, 1, 2 -> cmd("RPUSH", pick(key, "sl0", "sl1", "sl0"), sortElement(), sortElement(), sortElement());
            case 3, 4 -> cmd("SADD", key, sortElement(), sortElement(), sortElement());
            case 5 -> cmd("ZADD", key, pick("1", "2", "0", "-1.5"), sortElement(), pick("1", "3", "inf"),
                sortElement());
            case 6, 7 -> cmd("SET", pick(key(), "w" + sortElement(), "w" + sortElement()), weight());
            case 8 -> cmd("HSET", pick(key(), "k1", "k2", "k7"), pick("f0", "f1"), weight(), pick("f1", "f2"),
                weight());
            case 9 -> cmd(pick("DEL", "LPOP"), pick(key, "sl0", "sl1"));
            case 10 -> cmd(pick("SORT", "SORT_RO"));
            case 11 -> cmd(pick("SORT", "SORT_RO"), pick(key, "sl0"), pick("LIMIT", "GET", "BY", "STORE", "BOGUS"));
            case 12 -> cmd(pick("SORT", "sort_ro"), pick(key, "sl1"), pick("LIMIT", "ALPHA", "Limit"),
                pick("x", "0", "1", "1.5", "-1"), pick("1", "x", "", "9223372036854775808"));
            case 13 -> cmd("SORT_RO", pick(key, "sl0"), pick("STORE", "ALPHA"), pick(key(), "STORE", "DESC"));
            default -> sortForm(random.nextInt(3) == 0 ? pick("sl0", "sl1") : key);
        };
    }

    private List<String> sortForm(final String key)
    {
        final boolean ownList = key.startsWith("sl");
        final boolean readOnly = random.nextInt(4) == 0;
        final List<String> args = cmd(readOnly ? pick("SORT_RO", "sort_ro") : pick("SORT", "sort", "Sort"), key);
        final boolean alpha = random.nextInt(3) == 0;
        final int by = random.nextInt(4); // 0 or 3: none, 1: a pattern, 2: a constant (nosort)
        final boolean store = !readOnly && random.nextInt(3) == 0 && (ownList || !(alpha && 1 == by));
        final boolean unordered = !ownList && !store && (alpha || 2 == by);
        final List<List<String>> options = new ArrayList<>();
        if (alpha)
        {
            options.add(List.of(pick("ALPHA", "alpha")));
        }
        if (1 == by)
        {
            options.add(List.of(pick("BY", "by"), pick("w*", "w*", "k*", "*", "k*->f1", "*->f0", "k*->",
                "w*->f1")));
        }
        else if (2 == by)
        {
            options.add(List.of("BY", pick("nosort", "#", "k1")));
        }
        if (!unordered && random.nextBoolean())
        {
            options.add(List.of(pick("LIMIT", "limit"), pick("0", "1", "2", "-1", "10"), pick("1", "2", "-1", "0",
                "100")));
        }
        for (int gets = random.nextInt(4) - 1; gets > 0; gets--)
        {
            options.add(List.of(pick("GET", "get"), pick("#", "w*", "k*", "*", "k*->f1", "*->f0", "nostar",
                "k*->")));
        }
        if (random.nextBoolean())
        {
            options.add(List.of(pick("ASC", "DESC", "desc")));
        }
        if (store)
        {
            options.add(List.of(pick("STORE", "store"), pick(key(), "sl0", "sl1", key)));
        }
        Collections.shuffle(options, random);
        options.forEach(args::addAll);
        return args;
    }

    private String sortElement()
    {
        return pick("1", "2", "3", "7", "10", "-1", "1.5", "k1", "k2", "a", "b", "", "x y", "B");
    }

    private String weight()
    {
        return pick("1", "2", "-3", "10", "1.5", "abc", "", "inf", "1e400", " 1", "0x10", "b", "a", "1e-310");
    }

    /**
     * @return whether a SORT's reply follows the order Redis reads a set or sorted set in (see {@link #sorts()}).
     */
    private static boolean sortUnordered(final List<String> command)
    {
        if (command.size() < 2 || command.get(1).startsWith("sl"))
        {
            return false;
        }
        boolean alpha = false;
        boolean nosort = false;
        boolean store = false;
        for (int i = 2; i < command.size(); i++)
        {
            final String arg = command.get(i).toLowerCase(Locale.ROOT);
            if ("limit".equals(arg))
            {
                i += 2;
            }
            else if ("get".equals(arg))
            {
                i++;
            }
            else if ("by".equals(arg) && i + 1 < command.size())
            {
                nosort |= !command.get(++i).contains("*");
            }
            else if ("store".equals(arg))
            {
                store = true;
                i++;
            }
            else if ("alpha".equals(arg))
            {
                alpha = true;
            }
        }
        return !store && (alpha || nosort);
    }

    private List<String> expireOptions(final List<String> args, final boolean absolute)
    {
        final int options = random.nextInt(3);
        for (int i = 0; i < options; i++)
        {
            args.add(absolute ? pick("NX", "XX", "GT", "LT", "gt", "BAD") : pick("NX", "XX", "nx", "BAD", "GT"));
        }
        return args;
    }

    private String seconds()
    {
        return pick("300", "3600", "100000", "0", "-1", "abc", "9223372036854775807", "1.5");
    }

    private String millis()
    {
        return pick("300000", "3600000", "100000000", "0", "-5", "x", "9223372036854775807");
    }

    private String absoluteSeconds()
    {
        return pick(Long.toString(nowSeconds + 600), Long.toString(nowSeconds + 86_400), Long.toString(nowSeconds - 60),
            "1", "0", "-1", "xyz");
    }

    private String absoluteMillis()
    {
        return pick(Long.toString((nowSeconds + 900) * 1000), Long.toString((nowSeconds + 172_800) * 1000),
            Long.toString((nowSeconds - 30) * 1000), "1", "-1");
    }

    private static String[] recordedPayloads()
    {
        final List<String> payloads = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            CommandStream.class.getResourceAsStream("/io/raftis/store/redis-7.0.15-dumps.txt"),
            StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                if (!line.startsWith("#"))
                {
                    payloads.add(latin1(HexFormat.of().parseHex(line.substring(line.lastIndexOf('|') + 1))));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return payloads.toArray(new String[0]);
    }

    private static String[] refusedPayloads()
    {
        final List<String> payloads = new ArrayList<>();
        final byte[] valid = HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
        payloads.add("x");
        payloads.add("");
        final byte[] badCrc = valid.clone();
        badCrc[badCrc.length - 3] ^= 0x10;
        payloads.add(latin1(badCrc));
        final byte[] laterVersion = valid.clone();
        laterVersion[laterVersion.length - 10] = 11;
        payloads.add(latin1(laterVersion));
        for (final String value : List.of("0f00", "0600", "0800", "1400", "0100", "0200", "0400", "0300", "0500",
            "1200", "0e00", "020201610161", "05010161000000000000f87f", "0502016100000000000000000161000000000000f03f",
            "0b080200000000000000", "0b0a03000000010000000100", "100c0d00000002008161020101ff",
            "100c0c00000002008161020101fe", "1201030100", "00c4", "00c302020061", "0a0d0d0000000b000000010000f1ff",
            "090403010161ff"))
        {
            payloads.add(latin1(withFooter(HexFormat.of().parseHex(value))));
        }
        return payloads.toArray(new String[0]);
    }

    /**
     * @return the value followed by RDB version 10 and the CRC64 of both, as Redis computes it.
     */
    private static byte[] withFooter(final byte[] value)
    {
        final byte[] payload = Arrays.copyOf(value, value.length + 10);
        payload[value.length] = 10;
        long crc = 0;
        for (int i = 0; i < value.length + 2; i++)
        {
            crc ^= payload[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = 0 != (crc & 1) ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
            }
        }
        for (int i = 0; i < 8; i++)
        {
            payload[value.length + 2 + i] = (byte)(crc >>> (8 * i));
        }
        return payload;
    }

    private static String latin1(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private String key()
    {
        return KEYS[random.nextInt(KEYS.length)];
    }

    private String value()
    {
        return VALUES[random.nextInt(VALUES.length)];
    }

    private String pick(final String... choices)
    {
        return choices[random.nextInt(choices.length)];
    }

    private static List<String> cmd(final String... args)
    {
        return new ArrayList<>(Arrays.asList(args));
    }

    /**
     * @return the key whose members a lexicographical range of this command reads, or null when it reads none.
     */
    static String lexSource(final List<String> command)
    {
        final String name = command.get(0).toLowerCase(Locale.ROOT);
        switch (name)
        {
            case "zrangebylex", "zrevrangebylex", "zlexcount", "zremrangebylex":
                return command.size() > 1 ? command.get(1) : null;
            case "zrange", "zrangestore":
                final int source = "zrange".equals(name) ? 1 : 2;
                for (int i = source + 3; i < command.size(); i++)
                {
                    if ("bylex".equalsIgnoreCase(command.get(i)))
                    {
                        return command.get(source);
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /**
     * @return how far two servers may differ in a reply of this command, in its unit: the time to live they report
     * counts from when each ran it.
     */
    static long tolerance(final List<String> command)
    {
        final String name = command.get(0).toLowerCase(Locale.ROOT);
        return switch (name)
        {
            case "ttl", "expiretime" -> 1;
            case "pttl", "pexpiretime" -> 1_000;
            default -> 0;
        };
    }
}

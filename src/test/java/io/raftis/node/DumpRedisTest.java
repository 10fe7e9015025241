package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values moved between a real redis-server and raftis with DUMP and RESTORE, both ways: each value is made alike on
 * both (every type, small and large, in each encoding Redis chooses for it: integers, strings Redis compresses,
 * listpacks, quicklists of many nodes, intsets of each width, hash tables, skip lists), then redis-server's DUMP is
 * restored into raftis and raftis's DUMP into redis-server, and the copies must hold what the originals hold (their
 * contents, and DEBUG DIGEST-VALUE, which both compute alike). Skipped, with the reason, without redis-server.
 */
class DumpRedisTest
{
    private static TestCluster cluster;
    private static ReferenceRedis redis;
    private static int redisPort;

    @BeforeAll
    static void startBoth(@TempDir final Path dir) throws Exception
    {
        redis = ReferenceRedis.start(dir);
        redisPort = redis.port();
        cluster = TestCluster.start(1, Files.createDirectories(dir.resolve("raftis")));
    }

    @AfterAll
    static void stopBoth()
    {
        if (null != cluster)
        {
            cluster.close();
        }
        if (null != redis)
        {
            redis.close();
        }
    }

    @Test
    void shouldMoveEveryTypeAndEncodingBothWays()
    {
        final int leader = cluster.awaitLeader();
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(leader));
            RespConnection reference = new RespConnection(HOST, redisPort))
        {
            int moved = 0;
            for (final List<List<String>> value : values())
            {
                raftis.call(List.of("FLUSHALL"));
                reference.call(List.of("FLUSHALL"));
                for (final List<String> command : value)
                {
                    final String expected = reference.call(command);
                    assertEquals(expected, raftis.call(command), "making the value: " + command);
                }
                final String description = value.get(0).get(0) + " … " + reference.call(
                    List.of("OBJECT", "ENCODING", "v")) + " of " + contents(reference, "v").length() + " chars";
                final String digest = reference.call(List.of("DEBUG", "DIGEST-VALUE", "v"));
                final String contents = contents(reference, "v");
                assertEquals(digest, raftis.call(List.of("DEBUG", "DIGEST-VALUE", "v")), description);
                assertEquals(contents, contents(raftis, "v"), description);

                final byte[] redisDump = (byte[])reference.callTree(List.of("DUMP", "v"));
                assertEquals("+OK", raftis.call(List.of("RESTORE", "from-redis", "0", latin1(redisDump))),
                    description);
                assertEquals(digest, raftis.call(List.of("DEBUG", "DIGEST-VALUE", "from-redis")), description);
                assertEquals(contents, contents(raftis, "from-redis"), description);

                final byte[] raftisDump = (byte[])raftis.callTree(List.of("DUMP", "v"));
                assertEquals("+OK", reference.call(List.of("RESTORE", "from-raftis", "0", latin1(raftisDump))),
                    description);
                assertEquals(digest, reference.call(List.of("DEBUG", "DIGEST-VALUE", "from-raftis")), description);
                assertEquals(contents, contents(reference, "from-raftis"), description);

                // and with a time to live, relative and absolute, on both
                final String ttl = "+OK";
                assertEquals(ttl, raftis.call(List.of("RESTORE", "t", "100000", latin1(redisDump))));
                assertEquals(ttl, reference.call(List.of("RESTORE", "t", "100000", latin1(raftisDump))));
                final long raftisTtl = Long.parseLong(raftis.call(List.of("PTTL", "t")).substring(1));
                final long redisTtl = Long.parseLong(reference.call(List.of("PTTL", "t")).substring(1));
                assertTrue(raftisTtl > 90_000 && raftisTtl <= 100_000 && redisTtl > 90_000, raftisTtl + " " + redisTtl);
                moved++;
            }
            assertEquals(values().size(), moved);
        }
    }

    /**
     * @return the commands that make each value, under the key "v".
     */
    private static List<List<List<String>>> values()
    {
        final List<List<List<String>>> values = new ArrayList<>();
        for (final String string : List.of("hello", "", "0", "-1", "127", "12345", "-32768", "100000", "2147483647",
            "-2147483648", "9223372036854775807", "-9223372036854775808", "007", "1.5", " 1", "a".repeat(21),
            "a".repeat(10_000), "abcdefgh".repeat(5_000) + "!", binary(256), binary(70_000)))
        {
            values.add(List.of(List.of("SET", "v", string)));
        }
        values.add(List.of(List.of("SET", "v", "x"), List.of("APPEND", "v", "y".repeat(100))));

        values.add(List.of(with(List.of("RPUSH", "v"), "a", "1", "-1", "300", "-5000", "70000", "-9000000",
            "5000000000", "-9223372036854775808", "", "007", "x".repeat(70), "y".repeat(5000))));
        values.add(List.of(numbered("RPUSH", "element-", 10_000)));
        values.add(List.of(numbered("LPUSH", "", 5_000)));
        values.add(List.of(List.of("RPUSH", "v", "small", "z".repeat(20_000), "w".repeat(9_000), "small")));
        values.add(List.of(numbered("RPUSH", "e", 300), List.of("LINSERT", "v", "BEFORE", "e150", "inserted"),
            List.of("LREM", "v", "0", "e7"), List.of("LPUSH", "v", "head")));

        values.add(List.of(List.of("SADD", "v", "1", "2", "3", "-7")));
        values.add(List.of(List.of("SADD", "v", "1", "70000", "-70000")));
        values.add(List.of(List.of("SADD", "v", "1", "9223372036854775807", "-9223372036854775808")));
        values.add(List.of(numbered("SADD", "", 512)));
        values.add(List.of(numbered("SADD", "", 513)));
        values.add(List.of(List.of("SADD", "v", "a", "b", "1", "007")));
        values.add(List.of(numbered("SADD", "member-", 2_000)));
        values.add(List.of(List.of("SADD", "v", "long".repeat(40), "short")));

        values.add(List.of(List.of("HSET", "v", "f", "v", "n", "123", "neg", "-5000", "big", "9223372036854775807",
            "empty", "")));
        values.add(List.of(pairs("HSET", "field-", "value-", 128)));
        values.add(List.of(pairs("HSET", "field-", "value-", 200)));
        values.add(List.of(pairs("HSET", "f", "", 3_000)));
        values.add(List.of(List.of("HSET", "v", "f", "v".repeat(65), "g", "1")));
        values.add(List.of(List.of("HSET", "v", "f".repeat(100), "v")));

        values.add(List.of(List.of("ZADD", "v", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "-0", "e", "0.1", "f",
            "1e300", "g", "-3.25", "h", "123456789012", "i", "4611686018427387905", "j")));
        values.add(List.of(scored(128)));
        values.add(List.of(scored(129)));
        values.add(List.of(scored(3_000)));
        values.add(List.of(List.of("ZADD", "v", "1", "m".repeat(65), "2", "n", "-0", "o", "1e-300", "p")));
        return values;
    }

    /**
     * @return the value's contents as each server replies with them, members of unordered types sorted.
     */
    private static String contents(final RespConnection connection, final String key)
    {
        final String type = connection.call(List.of("TYPE", key));
        return type + " " + switch (type)
        {
            case "+string" -> connection.call(List.of("GET", key));
            case "+list" -> connection.call(List.of("LRANGE", key, "0", "-1"));
            case "+set" -> sorted(connection.callTree(List.of("SMEMBERS", key)));
            case "+hash" -> sortedPairs(connection.callTree(List.of("HGETALL", key)));
            case "+zset" -> connection.call(List.of("ZRANGE", key, "0", "-1", "WITHSCORES"));
            default -> "";
        };
    }

    private static String sorted(final Object reply)
    {
        final List<String> elements = new ArrayList<>();
        for (final Object element : (List<?>)reply)
        {
            elements.add(RespConnection.render(element));
        }
        Collections.sort(elements);
        return elements.toString();
    }

    private static String sortedPairs(final Object reply)
    {
        final List<?> elements = (List<?>)reply;
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i < elements.size(); i += 2)
        {
            pairs.add(RespConnection.render(elements.get(i)) + "=" + RespConnection.render(elements.get(i + 1)));
        }
        Collections.sort(pairs);
        return pairs.toString();
    }

    private static List<String> with(final List<String> command, final String... args)
    {
        final List<String> full = new ArrayList<>(command);
        Collections.addAll(full, args);
        return full;
    }

    private static List<String> numbered(final String command, final String prefix, final int count)
    {
        final List<String> full = new ArrayList<>(List.of(command, "v"));
        for (int i = 0; i < count; i++)
        {
            full.add(prefix + i);
        }
        return full;
    }

    private static List<String> pairs(final String command, final String field, final String value, final int count)
    {
        final List<String> full = new ArrayList<>(List.of(command, "v"));
        for (int i = 0; i < count; i++)
        {
            full.add(field + i);
            full.add(value + i);
        }
        return full;
    }

    private static List<String> scored(final int count)
    {
        final List<String> full = new ArrayList<>(List.of("ZADD", "v"));
        for (int i = 0; i < count; i++)
        {
            full.add(0 == i % 3 ? Integer.toString(i) : (i * 0.37) + "");
            full.add("member-" + (i * 7919 % count));
        }
        return full;
    }

    private static String binary(final int length)
    {
        final byte[] bytes = new byte[length];
        long state = 42;
        for (int i = 0; i < length; i++)
        {
            state = state * 6364136223846793005L + 1442695040888963407L;
            bytes[i] = (byte)(i < 256 ? i : state >>> 56);
        }
        return latin1(bytes);
    }

    private static String latin1(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}

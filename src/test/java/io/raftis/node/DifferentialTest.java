package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same seeded random stream of commands ({@link CommandStream}) to a real redis-server and to the leader of a
 * 3-member raftis cluster, reply by reply: every reply must be the same, errors word for word, but for the times to
 * live, which count from when each server ran the command, DUMP's payloads, which are compared by what each restores
 * to on the other server (see {@link #dumpReplies(RespConnection, RespConnection, List)}), and a lexicographical range
 * Redis leaves unspecified, see {@link #unspecified(RespConnection, List)}, which is not sent. A difference fails with
 * the seed, the command, both replies and the commands before it; {@code -Ddifferential.seeds=1,2,3} replays or
 * explores seeds, and {@code -Ddifferential.commands=N} sets the commands per family.
 */
class DifferentialTest
{
    private static final String DEFAULT_SEEDS = "20261201";
    private static final int DEFAULT_COMMANDS = 2_500;

    private static TestCluster cluster;
    private static ReferenceRedis redis;
    private static int redisPort;

    @BeforeAll
    static void startBoth(@TempDir final Path dir) throws Exception
    {
        redis = ReferenceRedis.start(dir);
        redisPort = redis.port();
        cluster = TestCluster.start(3, java.nio.file.Files.createDirectories(dir.resolve("raftis")));
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
    void shouldAnswerEveryFamilyAsRedisDoes()
    {
        final int commands = Integer.getInteger("differential.commands", DEFAULT_COMMANDS);
        for (final String seed : System.getProperty("differential.seeds", DEFAULT_SEEDS).split(","))
        {
            final long value = Long.parseLong(seed.trim());
            for (final String family : CommandStream.FAMILIES)
            {
                compare(value, family, commands);
            }
            compare(value, null, commands); // the families mixed, on the same keys
        }
    }

    private static void compare(final long seed, final String family, final int commands)
    {
        final int leader = cluster.awaitLeader();
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(leader));
            RespConnection reference = new RespConnection(HOST, redisPort);
            RespConnection redisSweeper = new RespConnection(HOST, redisPort))
        {
            raftis.call(List.of("FLUSHALL"));
            reference.call(List.of("FLUSHALL"));
            final CommandStream stream = new CommandStream(seed, System.currentTimeMillis());
            final List<List<String>> history = new ArrayList<>();
            final List<String> replies = new ArrayList<>();
            boolean digestDue = false;
            for (int i = 0; i < commands; i++)
            {
                final List<String> command = stream.next(family);
                if (unspecified(reference, command))
                {
                    continue;
                }
                if (CommandStream.isSort(command))
                {
                    clearErrno();
                }
                final String expected;
                final String actual;
                if (CommandStream.Comparison.DUMP == CommandStream.comparison(command))
                {
                    final String[] both = dumpReplies(reference, raftis, command);
                    expected = both[0];
                    actual = both[1];
                }
                else
                {
                    expected = reply(reference, command);
                    actual = reply(raftis, command);
                }
                if (!agree(command, expected, actual))
                {
                    fail("raftis and redis-server differ at command " + i + " of seed " + seed + ", family " +
                        (null == family ? "mixed" : family) + ": " + RespConnection.render(bytes(command)) +
                        "\n  redis-server: " + expected + "\n  raftis:       " + actual +
                        "\n  the last commands with its key, and redis-server's replies:\n    " +
                        String.join("\n    ", lastWithKey(command, history, replies)) +
                        "\n  replay with -Ddifferential.seeds=" + seed);
                }
                history.add(command);
                replies.add(expected);
                if (i == commands - 1 && stream.inTransaction())
                {
                    // DEBUG DIGEST would be queued: end the transaction first
                    final List<String> discard = List.of("DISCARD");
                    if (!reply(reference, discard).equals(reply(raftis, discard)))
                    {
                        fail("raftis and redis-server differ at the final DISCARD of seed " + seed);
                    }
                }
                digestDue |= i % 50 == 49 || i == commands - 1;
                if (digestDue && !stream.inTransaction())
                {
                    digestDue = false;
                    // the whole dataset, every database, as DEBUG DIGEST sums it up: what no reply showed must agree
                    final List<String> digest = List.of("DEBUG", "DIGEST");
                    removeExpired(redisSweeper);
                    final String referenceDigest = reference.call(digest);
                    final String raftisDigest = raftis.call(digest);
                    if (!referenceDigest.equals(raftisDigest))
                    {
                        fail("raftis and redis-server hold different data after command " + i + " of seed " + seed +
                            ", family " + (null == family ? "mixed" : family) + ": DEBUG DIGEST " + referenceDigest +
                            " against " + raftisDigest + "\n  redis-server holds " + contents(reference) +
                            "\n  raftis holds       " + contents(raftis) + "\n  the last commands:\n    " +
                            String.join("\n    ", lastWithKey(List.of("DEBUG"), history, replies)) +
                            "\n  replay with -Ddifferential.seeds=" + seed);
                    }
                }
            }
        }
    }

    /**
     * @return the reply, in the form {@link CommandStream#comparison(List)} compares: sorted when unordered, the
     * sorted keys of a whole scan, or whether a random reply was nil.
     */
    private static String reply(final RespConnection connection, final List<String> command)
    {
        final Object tree = connection.callTree(command);
        switch (CommandStream.comparison(command))
        {
            case UNORDERED:
                return tree instanceof List ? sorted((List<?>)tree) : RespConnection.render(tree);
            case UNORDERED_PAIRS:
                return tree instanceof List ? "unordered pairs " + pairs((List<?>)tree) : RespConnection.render(tree);
            case SIZE:
                return tree instanceof List ? "an array of " + ((List<?>)tree).size() : RespConnection.render(tree);
            case PAGE:
                return tree instanceof List ? "(a page)" : RespConnection.render(tree);
            case PRESENCE:
                return "(nil)".equals(tree) ? "(nil)" :
                    tree instanceof byte[] ? "(a key)" : RespConnection.render(tree);
            case FULL_SCAN:
            {
                if (!(tree instanceof List))
                {
                    return RespConnection.render(tree);
                }
                final java.util.TreeSet<String> keys = new java.util.TreeSet<>();
                final String name = command.get(0);
                final boolean pairs = "hscan".equalsIgnoreCase(name) || "zscan".equalsIgnoreCase(name);
                final int cursorArg = "scan".equalsIgnoreCase(name) ? 1 : 2; // HSCAN, SSCAN, ZSCAN: after the key
                Object step = tree;
                for (int steps = 0; steps < 100_000; steps++)
                {
                    final List<?> page = (List<?>)step;
                    keys.addAll(pairs ? pairs((List<?>)page.get(1)) : sortedRenders((List<?>)page.get(1)));
                    final String cursor = new String((byte[])page.get(0), java.nio.charset.StandardCharsets.US_ASCII);
                    if ("0".equals(cursor))
                    {
                        return "scanned " + keys;
                    }
                    final List<String> next = new ArrayList<>(command);
                    next.set(cursorArg, cursor);
                    step = connection.callTree(next);
                }
                return "a scan that did not end";
            }
            default:
                return RespConnection.render(tree);
        }
    }

    /**
     * DUMP on both: payloads differ in their bytes (raftis compresses nothing, cuts lists alike only when built at the
     * tail), so each server's payload is restored into the other under a key of no family's, REPLACE, and the copies'
     * DEBUG DIGEST-VALUE must be that of redis-server's restore of its own payload; then the copies are removed.
     *
     * @return redis-server's reply and raftis's, rendered to agree when the payloads carry the same value both ways.
     */
    private static String[] dumpReplies(
        final RespConnection reference, final RespConnection raftis, final List<String> command)
    {
        final Object expected = reference.callTree(command);
        final Object actual = raftis.callTree(command);
        if (!(expected instanceof byte[]) || !(actual instanceof byte[]))
        {
            return new String[]{ renderDump(expected), renderDump(actual) };
        }
        final String scratch = "dump-check";
        // DEBUG DIGEST-VALUE mixes in whether the key has a time to live: its copies, restored without one, are
        // compared with redis-server's restore of its own payload
        reference.call(List.of("RESTORE", scratch, "0",
            new String((byte[])expected, java.nio.charset.StandardCharsets.ISO_8859_1), "REPLACE"));
        final String digest = reference.call(List.of("DEBUG", "DIGEST-VALUE", scratch));
        final String intoRaftis = raftis.call(List.of("RESTORE", scratch, "0",
            new String((byte[])expected, java.nio.charset.StandardCharsets.ISO_8859_1), "REPLACE"));
        final String raftisCopy = raftis.call(List.of("DEBUG", "DIGEST-VALUE", scratch));
        final String intoRedis = reference.call(List.of("RESTORE", scratch, "0",
            new String((byte[])actual, java.nio.charset.StandardCharsets.ISO_8859_1), "REPLACE"));
        final String redisCopy = reference.call(List.of("DEBUG", "DIGEST-VALUE", scratch));
        raftis.call(List.of("DEL", scratch));
        reference.call(List.of("DEL", scratch));
        return new String[]{ "a payload of " + digest + " both ways",
            "+OK".equals(intoRaftis) && "+OK".equals(intoRedis) && raftisCopy.equals(redisCopy) ?
            "a payload of " + raftisCopy + " both ways" :
            "redis-server's payload restored into raftis: " + intoRaftis + " " + raftisCopy +
            ", raftis's into redis-server: " + intoRedis + " " + redisCopy };
    }

    private static String renderDump(final Object reply)
    {
        return reply instanceof byte[] ? "a payload of " + ((byte[])reply).length + " bytes" :
            RespConnection.render(reply);
    }

    /**
     * Redis leaves a lexicographical range over members of different scores unspecified, and over a sorted set kept
     * as a skip list its answer then depends on the list's random heights: such a command (found so by asking
     * redis-server how it keeps the key and its lowest and highest scores) is sent to neither server. Over a
     * listpack, Redis's answer follows its linear search, which raftis follows too, so those are compared.
     */
    private static boolean unspecified(final RespConnection redis, final List<String> command)
    {
        final String key = CommandStream.lexSource(command);
        if (null == key)
        {
            return false;
        }
        final Object encoding = redis.callTree(List.of("OBJECT", "ENCODING", key));
        if (!(encoding instanceof byte[]) ||
            !"skiplist".equals(new String((byte[])encoding, java.nio.charset.StandardCharsets.US_ASCII)))
        {
            return false;
        }
        final List<?> lowest = (List<?>)redis.callTree(List.of("ZRANGE", key, "0", "0", "WITHSCORES"));
        final List<?> highest = (List<?>)redis.callTree(List.of("ZRANGE", key, "-1", "-1", "WITHSCORES"));
        return !RespConnection.render(lowest.get(1)).equals(RespConnection.render(highest.get(1)));
    }

    private static List<String> pairs(final List<?> elements)
    {
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < elements.size(); i += 2)
        {
            pairs.add(RespConnection.render(elements.get(i)) + "=" + RespConnection.render(elements.get(i + 1)));
        }
        java.util.Collections.sort(pairs);
        return pairs;
    }

    private static List<String> sortedRenders(final List<?> elements)
    {
        final List<String> rendered = new ArrayList<>();
        for (final Object element : elements)
        {
            rendered.add(RespConnection.render(element));
        }
        java.util.Collections.sort(rendered);
        return rendered;
    }

    private static String sorted(final List<?> elements)
    {
        final List<String> rendered = new ArrayList<>();
        for (final Object element : elements)
        {
            rendered.add(RespConnection.render(element));
        }
        java.util.Collections.sort(rendered);
        return "unordered " + rendered;
    }

    /**
     * Redis 7.0's SORT reads weights with strtod and refuses one when errno is ERANGE, but does not clear errno
     * first: once any strtod of the server's thread overflowed (a weight of 1e400, a ZADD of 1e400), every numeric
     * SORT on that connection fails until some call sets errno to something else, which accepting a connection does
     * (its last accept fails with EAGAIN). raftis does not keep that state: before a SORT, a connection is made and
     * used, so redis-server's errno is as a fresh server's.
     */
    private static void clearErrno()
    {
        try (RespConnection fresh = new RespConnection(HOST, redisPort))
        {
            fresh.call(List.of("PING"));
        }
    }

    /**
     * Have redis-server remove the keys whose time has passed, as raftis removes them at once: a SET with an EXAT or
     * PXAT already past leaves the key in redis-server's dictionary until something looks at it (DEBUG DIGEST counts
     * it), while raftis never stores it. A SCAN of every database looks at every key, and removes the expired ones.
     */
    private static void removeExpired(final RespConnection redis)
    {
        for (int db = 0; db < 16; db++)
        {
            redis.call(List.of("SELECT", Integer.toString(db)));
            String cursor = "0";
            do
            {
                final List<?> page = (List<?>)redis.callTree(List.of("SCAN", cursor, "COUNT", "1000"));
                cursor = new String((byte[])page.get(0), java.nio.charset.StandardCharsets.US_ASCII);
            }
            while (!"0".equals(cursor));
        }
    }

    /**
     * @return every database's keys with their expiry times and value digests, for a report; it leaves the
     * connection's database changed, which only a failing test does.
     */
    private static String contents(final RespConnection connection)
    {
        final StringBuilder sb = new StringBuilder();
        for (int db = 0; db < 16; db++)
        {
            connection.call(List.of("SELECT", Integer.toString(db)));
            final Object keys = connection.callTree(List.of("KEYS", "*"));
            if (keys instanceof List && !((List<?>)keys).isEmpty())
            {
                sb.append(" db").append(db).append(':');
                for (final Object key : (List<?>)keys)
                {
                    final String name = new String((byte[])key, java.nio.charset.StandardCharsets.ISO_8859_1);
                    sb.append(' ').append(name).append('@').append(connection.call(List.of("PEXPIRETIME", name)))
                        .append('=').append(connection.call(List.of("GET", name)));
                }
            }
        }
        return sb.toString();
    }

    private static List<String> lastWithKey(
        final List<String> command, final List<List<String>> history, final List<String> replies)
    {
        final Deque<String> found = new ArrayDeque<>();
        final String key = command.size() > 1 ? command.get(1) : null;
        for (int i = history.size() - 1; i >= 0 && found.size() < 12; i--)
        {
            if (null == key || history.get(i).contains(key))
            {
                found.addFirst(i + ": " + RespConnection.render(bytes(history.get(i))) + " -> " + replies.get(i));
            }
        }
        return new ArrayList<>(found);
    }

    private static boolean agree(final List<String> command, final String expected, final String actual)
    {
        if (expected.equals(actual))
        {
            return true;
        }
        final long tolerance = CommandStream.tolerance(command);
        if (tolerance > 0 && expected.startsWith(":") && actual.startsWith(":"))
        {
            final long a = Long.parseLong(expected.substring(1));
            final long b = Long.parseLong(actual.substring(1));
            return a >= 0 && b >= 0 && Math.abs(a - b) <= tolerance;
        }
        return false;
    }

    private static List<Object> bytes(final List<String> command)
    {
        final List<Object> args = new ArrayList<>();
        for (final String arg : command)
        {
            args.add(arg.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return args;
    }
}

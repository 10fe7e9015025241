package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.raftis.node.ClusterTest.connect;
import static io.raftis.node.ClusterTest.exchange;
import static io.raftis.node.ClusterTest.number;
import static io.raftis.node.ClusterTest.quote;
import static io.raftis.node.ClusterTest.readUntilClosed;
import static io.raftis.node.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands a member answers itself, as the README lists them: HELLO 2, CLIENT, COMMAND, CONFIG GET, QUIT and INFO
 * stats, on one 3-member cluster that every test leaves as it found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerCommandsTest
{
    /** Every command the README lists. */
    private static final List<String> README_COMMANDS = List.of(
        "get", "set", "setnx", "getset", "del", "exists", "mget", "mset", "incr", "decr", "incrby", "decrby", "append",
        "strlen", "dbsize", "flushdb", "flushall", "ping", "echo", "select", "quit", "hello", "client", "command",
        "config", "info", "role", "cluster", "auth", "acl");

    private TestCluster cluster;

    @BeforeAll
    void startCluster(@TempDir final Path dir)
    {
        cluster = TestCluster.start(3, dir);
    }

    @AfterAll
    void closeCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldAnswerHello2WithTheServerItsRoleAndTheClientIdAndRefuseOtherProtocols()
    {
        cluster.onOneLeader(leader ->
        {
            final int follower = leader == 1 ? 2 : 1;
            for (final int id : new int[]{ leader, follower })
            {
                try (Jedis jedis = cluster.client(id))
                {
                    final List<?> reply = (List<?>)jedis.sendCommand(Command.HELLO, "2");
                    final Map<String, Object> hello = fields(reply);
                    final String diagnostic = "HELLO 2 of member " + id + ": " + text(reply);
                    assertEquals(List.of("server", "version", "proto", "id", "mode", "role", "modules"),
                        new ArrayList<>(hello.keySet()), diagnostic);
                    assertEquals("redis", text(hello.get("server")), diagnostic);
                    assertEquals(ServerCommands.REDIS_VERSION, text(hello.get("version")), diagnostic);
                    assertEquals(2L, hello.get("proto"), diagnostic);
                    assertEquals(jedis.clientId(), hello.get("id"), diagnostic);
                    assertEquals("cluster", text(hello.get("mode")), diagnostic);
                    assertEquals(id == leader ? "master" : "replica", text(hello.get("role")), diagnostic);
                    assertEquals(List.of(), hello.get("modules"), diagnostic);

                    final List<?> namedReply =
                        (List<?>)jedis.sendCommand(Command.HELLO, "2", "SETNAME", "hello-client");
                    assertEquals(2L, fields(namedReply).get("proto"), text(namedReply));
                    assertEquals("hello-client", jedis.clientGetname());

                    final JedisDataException resp3 =
                        assertThrows(JedisDataException.class, () -> jedis.sendCommand(Command.HELLO, "3"));
                    assertTrue(resp3.getMessage().startsWith("NOPROTO"), resp3::getMessage);
                    assertEquals("PONG", jedis.ping(), "the connection still speaks RESP2");
                }
            }
        });
    }

    /**
     * INFO latencystats in Redis 7's shape, one line per command called, in microseconds: a write's latency holds
     * its replication, so it is no shorter than the PING's.
     */
    @Test
    void shouldReportEachCommandsLatencyPercentilesInInfoLatencystats()
    {
        cluster.onOneLeader(leader ->
        {
            try (Jedis jedis = cluster.client(leader))
            {
                for (int i = 0; i < 20; i++)
                {
                    assertEquals("OK", jedis.set("latency:" + i, "v"));
                    assertEquals("v", jedis.get("latency:" + i));
                }
                final String info = jedis.info("latencystats");
                assertTrue(info.startsWith("# Latencystats\r\n"), info);
                final java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                    "latency_percentiles_usec_([a-z]+):" +
                    "p50=(\\d+\\.\\d{3}),p99=(\\d+\\.\\d{3}),p99\\.9=(\\d+\\.\\d{3})");
                final Map<String, double[]> byCommand = new java.util.TreeMap<>();
                for (final String text : info.split("\r\n"))
                {
                    if (text.startsWith("latency_"))
                    {
                        final java.util.regex.Matcher matcher = line.matcher(text);
                        assertTrue(matcher.matches(), text);
                        byCommand.put(matcher.group(1), new double[]{ Double.parseDouble(matcher.group(2)),
                            Double.parseDouble(matcher.group(3)), Double.parseDouble(matcher.group(4)) });
                    }
                }
                assertTrue(byCommand.keySet().containsAll(List.of("get", "set")), info);
                for (final double[] percentiles : byCommand.values())
                {
                    assertTrue(percentiles[0] > 0 && percentiles[0] <= percentiles[1] &&
                        percentiles[1] <= percentiles[2], info);
                }
            }
        });
    }

    @Test
    void shouldNameIdentifyAndListClientsWithClientSubcommands()
    {
        try (Jedis first = cluster.client(1); Jedis second = cluster.client(1))
        {
            assertNull(first.clientGetname());
            assertEquals("OK", first.clientSetname("first-client"));
            assertEquals("first-client", first.clientGetname());
            final long firstId = first.clientId();
            final long secondId = second.clientId();
            assertTrue(firstId != secondId, () -> "two connections with the id " + firstId);

            assertEquals("OK", text(first.sendCommand(Command.CLIENT, "SETINFO", "lib-name", "raftis-test")));
            assertEquals("OK", text(first.sendCommand(Command.CLIENT, "SETINFO", "lib-ver", "1.2.3")));

            final String info = first.clientInfo();
            assertTrue(info.startsWith("id=" + firstId + " ") && info.contains(" name=first-client "),
                () -> "CLIENT INFO: " + info);
            assertTrue(info.endsWith("\n") && info.indexOf('\n') == info.length() - 1, () -> "one line: " + info);

            final String list = second.clientList();
            final String firstLine = lineOf(list, firstId);
            final String secondLine = lineOf(list, secondId);
            assertTrue(firstLine.contains(" name=first-client "), () -> "CLIENT LIST: " + list);
            assertTrue(secondLine.contains(" name= "), () -> "CLIENT LIST: " + list);
            assertTrue(firstLine.contains(" addr=127.0.0.1:"), () -> "CLIENT LIST: " + list);

            final JedisDataException badName =
                assertThrows(JedisDataException.class, () -> first.clientSetname("with space"));
            assertEquals("ERR Client names cannot contain spaces, newlines or special characters.",
                badName.getMessage());
            assertEquals("first-client", first.clientGetname(), "a refused name changes nothing");
            assertEquals("OK", text(first.sendCommand(Command.CLIENT, "SETNAME", "")));
            assertNull(first.clientGetname(), "an empty name clears it");
        }
    }

    @Test
    void shouldDescribeEveryCommandWithCommandCountInfoAndDocs()
    {
        try (Jedis jedis = cluster.client(1))
        {
            final long count = (Long)jedis.sendCommand(Command.COMMAND, "COUNT");
            final List<?> all = (List<?>)jedis.sendCommand(Command.COMMAND);
            assertEquals(count, all.size(), "COMMAND COUNT and the length of COMMAND");

            final String[] args = new String[README_COMMANDS.size() + 1];
            args[0] = "INFO";
            for (int i = 0; i < README_COMMANDS.size(); i++)
            {
                args[i + 1] = README_COMMANDS.get(i).toUpperCase(Locale.ROOT);
            }
            final List<?> infos = (List<?>)jedis.sendCommand(Command.COMMAND, args);
            assertEquals(README_COMMANDS.size(), infos.size(), text(infos));
            for (int i = 0; i < infos.size(); i++)
            {
                final String name = README_COMMANDS.get(i);
                final List<?> info = (List<?>)infos.get(i);
                assertNotNull(info, () -> "COMMAND INFO " + name + " is nil");
                assertEquals(10, info.size(), () -> "COMMAND INFO " + name + ": " + text(info));
                assertEquals(name, text(info.get(0)), () -> "COMMAND INFO " + name + ": " + text(info));
            }
            assertEquals("[get, 2, [readonly, fast], 1, 1, 1, [@read, @string, @fast], [], [], []]",
                text(infos.get(README_COMMANDS.indexOf("get"))));
            final List<?> set = (List<?>)infos.get(README_COMMANDS.indexOf("set"));
            assertEquals(-3L, set.get(1), text(set));
            assertTrue(((List<?>)set.get(2)).stream().anyMatch(flag -> "write".equals(text(flag))), text(set));

            final List<?> unknown = (List<?>)jedis.sendCommand(Command.COMMAND, "INFO", "no-such-command");
            assertEquals(1, unknown.size());
            assertNull(unknown.get(0), "COMMAND INFO of an unknown command is nil");

            // GETKEYS by key positions and by a command's own finder, with Redis's errors
            assertEquals("[a, b]", text(jedis.sendCommand(Command.COMMAND, "GETKEYS", "MSET", "a", "1", "b", "2")));
            assertEquals("[a, b]", text(jedis.sendCommand(Command.COMMAND, "GETKEYS", "SINTERCARD", "2", "a", "b")));
            assertEquals("[x]", text(jedis.sendCommand(Command.COMMAND, "GETKEYS", "LMPOP", "1", "x", "LEFT")));
            assertEquals("ERR Invalid arguments specified for command",
                error(jedis, "GETKEYS", "SINTERCARD", "3", "a"));
            assertEquals("ERR Invalid command specified", error(jedis, "GETKEYS", "NOSUCH", "a"));
            assertEquals("ERR The command has no key arguments", error(jedis, "GETKEYS", "PING", "x"));
            assertEquals("ERR wrong number of arguments for 'command|getkeys' command", error(jedis, "GETKEYS", "GET"));
            final List<?> transaction = (List<?>)jedis.sendCommand(Command.COMMAND, "LIST", "FILTERBY", "ACLCAT",
                "transaction");
            assertEquals("[discard, exec, multi, unwatch, watch]",
                text(transaction.stream().map(TestCluster::text).sorted().toList()));
            assertEquals(count, ((List<?>)jedis.sendCommand(Command.COMMAND, "LIST")).size());
            assertEquals("ERR syntax error", error(jedis, "LIST", "FILTERBY", "BOGUS", "x"));

            final List<?> docs = (List<?>)jedis.sendCommand(Command.COMMAND, "DOCS", "GET", "no-such-command");
            assertEquals(2, docs.size(), "COMMAND DOCS answers the name and docs of GET, skipping the unknown name");
            assertEquals("get", text(docs.get(0)));
            assertTrue(text(docs.get(1)).contains("group, string"), text(docs.get(1)));
            assertEquals("PONG", jedis.ping());
        }
    }

    private static String error(final Jedis jedis, final String... args)
    {
        try
        {
            jedis.sendCommand(Command.COMMAND, args);
        }
        catch (final redis.clients.jedis.exceptions.JedisDataException ex)
        {
            return ex.getMessage();
        }
        throw new AssertionError("COMMAND " + String.join(" ", args) + " did not fail");
    }

    @Test
    void shouldAnswerTimeWithTheMembersClockAndInfoKeyspaceWithTheAverageTimeToLive()
    {
        try (Jedis jedis = cluster.client(cluster.awaitLeader()))
        {
            final long before = System.currentTimeMillis() / 1000;
            final List<String> time = jedis.time();
            final long after = System.currentTimeMillis() / 1000;
            final long seconds = Long.parseLong(time.get(0));
            assertTrue(seconds >= before && seconds <= after, time + " between " + before + " and " + after);
            assertTrue(Long.parseLong(time.get(1)) < 1_000_000, time.toString());

            jedis.select(7);
            jedis.set("short", "v", redis.clients.jedis.params.SetParams.setParams().ex(1_000));
            jedis.set("long", "v", redis.clients.jedis.params.SetParams.setParams().ex(3_000));
            jedis.set("none", "v");
            final String db7 = jedis.info("keyspace").lines().filter(line -> line.startsWith("db7:")).findFirst()
                .orElseThrow();
            final long avgTtl = Long.parseLong(db7.substring(db7.indexOf("avg_ttl=") + "avg_ttl=".length()).trim());
            assertTrue(avgTtl > 1_900_000 && avgTtl <= 2_000_000, db7); // 2,000 s, less the time since the SETs
            jedis.flushDB();
            jedis.select(0);
        }
    }

    @Test
    void shouldAnswerConfigGetWithTheSettingsClientsAskFor()
    {
        try (Jedis jedis = cluster.client(1))
        {
            assertEquals("[save, ]", text(jedis.sendCommand(Command.CONFIG, "GET", "save")));
            assertEquals("[appendonly, no]", text(jedis.sendCommand(Command.CONFIG, "GET", "appendonly")));
            final String maxmemory = text(jedis.sendCommand(Command.CONFIG, "GET", "maxmemory*"));
            assertTrue(maxmemory.matches("\\[maxmemory, [1-9][0-9]*, maxmemory-policy, noeviction, " +
                "maxmemory-clients, [1-9][0-9]*]"), "the member's limits, from its heap by default: " + maxmemory);
            assertEquals("[save, , appendonly, no]",
                text(jedis.sendCommand(Command.CONFIG, "GET", "APPENDONLY", "save", "save")));
            assertEquals("[]", text(jedis.sendCommand(Command.CONFIG, "GET", "no-such-setting")));
            assertEquals("[maxclients, 10000]", text(jedis.sendCommand(Command.CONFIG, "GET", "maxclients")),
                "Redis's default, from the member's settings");
            assertEquals("[]", text(jedis.sendCommand(Command.CONFIG, "GET", "*".repeat(14) + "x")),
                "a pattern that once held the member for seconds per setting name");
            assertEquals("[timeout, 0, tcp-keepalive, 300]",
                text(jedis.sendCommand(Command.CONFIG, "GET", "[S-U]i*", "tcp[^a-z]keep*", "t?meou[t")),
                "sets, ranges, case and an open set, as Redis reads them");
            final List<?> everything = (List<?>)jedis.sendCommand(Command.CONFIG, "GET", "*");
            final Map<String, Object> settings = fields(everything);
            assertEquals("1", text(settings.get("databases")), text(everything));
            assertEquals("no", text(settings.get("cluster-enabled")), text(everything));
            assertTrue(settings.size() >= 10, text(everything));

            final JedisDataException set =
                assertThrows(JedisDataException.class, () -> jedis.sendCommand(Command.CONFIG, "SET", "save", ""));
            assertTrue(set.getMessage().startsWith("ERR CONFIG SET is not supported"), set::getMessage);
        }
    }

    @Test
    void shouldReplyToQuitThenCloseTheConnection() throws IOException
    {
        for (int id = 1; id <= 3; id++)
        {
            try (Socket socket = connect(cluster.clientPort(id)))
            {
                // the PING before QUIT is answered, the one after it never is
                socket.getOutputStream().write("PING\r\nQUIT\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                final String replies = readUntilClosed(socket);
                assertEquals("+PONG\r\n+OK\r\n", replies, "member " + id + " answered " + quote(replies));
            }
        }
    }

    @Test
    void shouldCountConnectionsCommandsWritesAndReadBarriersInInfoStats()
    {
        cluster.onOneLeader(leader ->
        {
            try (Jedis observer = cluster.client(leader))
            {
                final String statsOnly = observer.info("stats");
                assertTrue(statsOnly.startsWith("# Stats\r\n"), statsOnly);
                assertFalse(statsOnly.contains("# Server") || statsOnly.contains("# Raft"), statsOnly);
                final Map<String, String> before = TestCluster.parseInfo(statsOnly);

                try (Socket socket = connect(cluster.clientPort(leader)))
                {
                    // three writes, then two linearizable reads, each of which waits for a ReadIndex round
                    final String request = "SET stats:1 a\r\nSET stats:2 b\r\nSET stats:3 c\r\nGET stats:1\r\n" +
                        "GET stats:3\r\n";
                    assertEquals("+OK\r\n+OK\r\n+OK\r\n$1\r\na\r\n$1\r\nc\r\n",
                        exchange(socket, request, 3 * 5 + 2 * 7));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }

                final Map<String, String> after = TestCluster.parseInfo(observer.info("stats"));
                assertGrew(before, after, "total_connections_received", 1);
                assertGrew(before, after, "total_commands_processed", 5);
                assertGrew(before, after, "total_writes_proposed", 3);
                assertGrew(before, after, "total_read_barriers", 1);
                assertEquals("0", after.get("rejected_connections"), "none refused below maxclients");
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertGrew(
        final Map<String, String> before, final Map<String, String> after, final String name, final long by)
    {
        final long from = number(before, name, "INFO stats " + before);
        final long to = number(after, name, "INFO stats " + after);
        assertTrue(to >= from + by, () -> name + " went from " + from + " to " + to + ", expected at least " + by +
            " more; INFO stats before " + before + " and after " + after);
    }

    /**
     * The line of CLIENT LIST that describes the connection with this id.
     */
    private static String lineOf(final String list, final long id)
    {
        for (final String line : list.split("\n"))
        {
            if (line.startsWith("id=" + id + " "))
            {
                return line;
            }
        }
        throw new AssertionError("no connection " + id + " in CLIENT LIST:\n" + list);
    }

    /**
     * A flat list of alternating names and values, as HELLO and CONFIG GET answer in RESP2, as a map.
     */
    private static Map<String, Object> fields(final List<?> flat)
    {
        assertEquals(0, flat.size() % 2, () -> "names and values: " + text(flat));
        final Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2)
        {
            fields.put(text(flat.get(i)), flat.get(i + 1));
        }
        return fields;
    }
}

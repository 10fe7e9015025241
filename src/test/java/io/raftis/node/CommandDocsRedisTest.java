package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.raftis.node.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COMMAND DOCS of a raftis member against redis-server 7.0's, for every command both serve: the same argument trees
 * (names, types, tokens, flags, nesting, key_spec_index), since, group, doc flags and deprecated_since, with the
 * fields in Redis's order; summaries, complexity, replaced_by and history are raftis's own words and not compared.
 * Also that raftis documents every command it serves and nothing else, so a command added without docs fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandDocsRedisTest
{
    /** The fields of a command's documentation, in the order Redis 7.0 gives them. */
    private static final List<String> FIELD_ORDER = List.of("summary", "since", "group", "complexity", "module",
        "doc_flags", "deprecated_since", "replaced_by", "history", "arguments", "subcommands");
    /** Where raftis's arguments differ from Redis's on purpose: raftis leaves out what it does not accept. */
    private static final Map<String, String> ARGUMENTS_LEFT_OUT = Map.of(
        "client|list", "raftis's CLIENT LIST takes no TYPE or ID filter");
    /** Subcommands raftis serves that Redis 7.0 does not have. */
    private static final Map<String, String> NOT_IN_REDIS_7_0 = Map.of(
        "client|setinfo", "7.2.0");

    private TestCluster cluster;
    private ReferenceRedis redis;
    private int redisPort;

    @BeforeAll
    void startBoth(@TempDir final Path dir) throws IOException
    {
        redis = ReferenceRedis.start(dir);
        redisPort = redis.port();
        cluster = TestCluster.start(1, Files.createDirectories(dir.resolve("raftis")));
    }

    @AfterAll
    void stopBoth()
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
    void shouldDocumentEveryCommandItServesAndNoOther()
    {
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(1)))
        {
            final List<String> served = strings(raftis.callTree(new ArrayList<>(List.of("COMMAND", "LIST"))));
            final List<String> documented = new ArrayList<>();
            for (final String name : CommandDocs.shipped().names())
            {
                if (!name.contains("|"))
                {
                    documented.add(name);
                }
            }
            assertEquals(sorted(served), sorted(documented),
                "COMMAND LIST against the commands " + CommandDocs.RESOURCE + " documents");

            final List<?> all = (List<?>)raftis.callTree(new ArrayList<>(List.of("COMMAND", "DOCS")));
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < all.size(); i += 2)
            {
                names.add(text(all.get(i)));
            }
            assertEquals(served, names, "COMMAND DOCS without names documents what COMMAND LIST lists, in its order");
        }
    }

    /**
     * Each subcommand documented is served: with no more than three arguments, one form is not refused as an unknown
     * subcommand. And where a container answers HELP, it lists the subcommands documented, no more and no fewer.
     */
    @Test
    void shouldDocumentTheSubcommandsItServes()
    {
        final CommandDocs docs = CommandDocs.shipped();
        final List<String> differences = new ArrayList<>();
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(1)))
        {
            for (final String name : docs.names())
            {
                final List<String> subcommands = docs.subcommands(name);
                if (subcommands.isEmpty())
                {
                    continue;
                }
                for (final String subcommand : subcommands)
                {
                    if (!served(raftis, name, subcommand.substring(name.length() + 1)))
                    {
                        differences.add(subcommand + " is documented but refused as an unknown subcommand");
                    }
                }
                if (subcommands.contains(name + "|help"))
                {
                    final List<String> listed = new ArrayList<>();
                    final Object reply = raftis.callTree(new ArrayList<>(List.of(name, "HELP")));
                    if (!(reply instanceof List))
                    {
                        differences.add(name + " HELP answers " + RespConnection.render(reply));
                        continue;
                    }
                    final List<?> help = (List<?>)reply;
                    for (final Object line : help.subList(1, help.size()))
                    {
                        final String text = text(line).substring(1); // a simple string: +...
                        if (!text.isEmpty() && Character.isUpperCase(text.charAt(0)))
                        {
                            listed.add(name + "|" + text.split(" ")[0].toLowerCase(Locale.ROOT));
                        }
                    }
                    if (!sorted(listed).equals(sorted(subcommands)))
                    {
                        differences.add(name + " HELP lists " + sorted(listed) + ", the docs " + sorted(subcommands));
                    }
                }
            }
        }
        assertEquals(List.of(), differences);
    }

    private static boolean served(final RespConnection raftis, final String container, final String subcommand)
    {
        final List<String> command = new ArrayList<>(List.of(container, subcommand));
        for (int extra = 0; extra <= 3; extra++)
        {
            final String reply = raftis.call(new ArrayList<>(command));
            if (!reply.startsWith("-ERR unknown subcommand"))
            {
                return true;
            }
            command.add("docs-test-" + extra);
        }
        return false;
    }

    @Test
    void shouldSkipUnknownNamesAndFindSubcommandsAsRedisDoes()
    {
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(1));
            RespConnection reference = new RespConnection(HOST, redisPort))
        {
            final List<String> command = List.of("COMMAND", "DOCS", "no-such", "Get", "get|x", "CONFIG|GET",
                "config|nosuch", "config|get|x", "object|encoding");
            final List<String> expected = names(reference.callTree(new ArrayList<>(command)));
            assertEquals(List.of("get", "config|get", "object|encoding"), expected, "redis-server's answer");
            assertEquals(expected, names(raftis.callTree(new ArrayList<>(command))));
            assertEquals("[]", raftis.call(new ArrayList<>(List.of("COMMAND", "DOCS", "no-such"))));
        }
    }

    @Test
    void shouldGiveTheArgumentTreesSinceAndGroupThatRedisGives()
    {
        final List<String> differences = new ArrayList<>();
        int compared = 0;
        try (RespConnection raftis = new RespConnection(HOST, cluster.clientPort(1));
            RespConnection reference = new RespConnection(HOST, redisPort))
        {
            for (final String name : CommandDocs.shipped().names())
            {
                if (name.contains("|"))
                {
                    continue; // compared within their container's docs
                }
                final List<?> expected = (List<?>)reference.callTree(new ArrayList<>(List.of("COMMAND", "DOCS", name)));
                final List<?> actual = (List<?>)raftis.callTree(new ArrayList<>(List.of("COMMAND", "DOCS", name)));
                if (expected.size() != 2)
                {
                    differences.add(name + ": redis-server 7.0 does not serve it");
                    continue;
                }
                assertEquals(2, actual.size(), name + ": " + RespConnection.render(actual));
                compared += compare(name, map(expected.get(1)), map(actual.get(1)), differences);
            }
        }
        assertEquals(List.of(), differences, "COMMAND DOCS of raftis against redis-server");
        assertTrue(compared > 190, "commands and subcommands compared: " + compared);
    }

    /**
     * redis-cli 7.0 reads COMMAND DOCS when it starts and hints a command's arguments as they are typed: it gives the
     * same hints for raftis as for redis-server. redis-cli draws hints only on a terminal, so it runs under script(1)
     * on a pseudo-terminal wide enough for them.
     */
    @Test
    void shouldLetRedisCliHintArgumentsAsItDoesForRedis() throws Exception
    {
        final String redisCli = Requirements.executable("redis-cli", Requirements.INSTALL_REDIS_TOOLS);
        final String script = Requirements.executable("script", "install it with: apt-get install bsdutils");
        for (final String typed :
            List.of("set ", "zadd ", "config get ", "geosearch ", "client setname ", "object encoding "))
        {
            final String expected = hint(script, redisCli, redisPort, typed);
            assertTrue(null != expected && !expected.isEmpty(), "redis-server's hint for '" + typed + "'");
            assertEquals(expected, hint(script, redisCli, cluster.clientPort(1), typed),
                "redis-cli's hint for '" + typed + "' from raftis");
        }
    }

    /**
     * @return the hint redis-cli draws after the typed text, or null if it draws none.
     */
    private static String hint(final String script, final String redisCli, final int port, final String typed)
        throws Exception
    {
        final Process process = new ProcessBuilder(script, "-qec",
            "stty cols 250 rows 40; " + redisCli + " -h " + HOST + " -p " + port, "/dev/null")
            .redirectErrorStream(true)
            .start();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final Thread reader = new Thread(() ->
        {
            try
            {
                process.getInputStream().transferTo(output);
            }
            catch (final IOException ignore)
            {
                // the process is gone: what was read is the answer
            }
        });
        reader.start();
        try (OutputStream in = process.getOutputStream())
        {
            TestCluster.await(10_000, () -> output.toString(StandardCharsets.ISO_8859_1).contains("> "),
                () -> "redis-cli's prompt: " + output.toString(StandardCharsets.ISO_8859_1));
            in.write(typed.getBytes(StandardCharsets.US_ASCII));
            in.flush();
            TestCluster.await(5_000, () -> output.toString(StandardCharsets.ISO_8859_1).contains("> " + typed),
                () -> "redis-cli echoing " + typed + ": " + output.toString(StandardCharsets.ISO_8859_1));
            Thread.sleep(300); // the hint, if any, is drawn with the echo
            in.write("\u0015quit\r".getBytes(StandardCharsets.US_ASCII)); // ctrl-U clears the line
            in.flush();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        finally
        {
            if (process.isAlive())
            {
                // it did not quit: stop redis-cli too, which script(1) started in a session of its own
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        reader.join(5_000);
        final String text = output.toString(StandardCharsets.ISO_8859_1);
        final String marker = typed + "\u001b[0;90;49m";
        final int start = text.indexOf(marker);
        if (start < 0)
        {
            return null;
        }
        final int from = start + marker.length();
        final int end = text.indexOf('\u001b', from);
        return text.substring(from, end < 0 ? text.length() : end);
    }

    /**
     * @return how many commands and subcommands were compared.
     */
    private static int compare(
        final String name, final Map<String, Object> expected, final Map<String, Object> actual,
        final List<String> differences)
    {
        int lastField = -1;
        for (final String field : actual.keySet())
        {
            final int index = FIELD_ORDER.indexOf(field);
            if (index <= lastField)
            {
                differences.add(name + ": field " + field + " out of Redis's order: " + actual.keySet());
            }
            lastField = index;
        }
        for (final String field : List.of("summary", "complexity"))
        {
            if (!actual.containsKey(field))
            {
                differences.add(name + ": no " + field);
            }
        }
        for (final String field : List.of("since", "group", "doc_flags", "deprecated_since"))
        {
            same(name + " " + field, expected.get(field), actual.get(field), differences);
        }
        if (null == expected.get("replaced_by") != (null == actual.get("replaced_by")))
        {
            differences.add(name + ": replaced_by in one and not the other");
        }
        if (ARGUMENTS_LEFT_OUT.containsKey(name))
        {
            if (null != actual.get("arguments"))
            {
                differences.add(name + ": documents arguments though " + ARGUMENTS_LEFT_OUT.get(name));
            }
        }
        else
        {
            same(name + " arguments", expected.get("arguments"), actual.get("arguments"), differences);
        }
        int compared = 1;
        if (null != actual.get("subcommands"))
        {
            final Map<String, Object> expectedSubcommands =
                null == expected.get("subcommands") ? Map.of() : map(expected.get("subcommands"));
            for (final Map.Entry<String, Object> subcommand : map(actual.get("subcommands")).entrySet())
            {
                final String subName = subcommand.getKey();
                final Map<String, Object> doc = map(subcommand.getValue());
                if (NOT_IN_REDIS_7_0.containsKey(subName))
                {
                    same(subName + " since", NOT_IN_REDIS_7_0.get(subName), text(doc.get("since")), differences);
                    if (expectedSubcommands.containsKey(subName))
                    {
                        differences.add(subName + ": redis-server 7.0 has it after all");
                    }
                }
                else if (!expectedSubcommands.containsKey(subName))
                {
                    differences.add(subName + ": redis-server 7.0 does not serve it");
                }
                else
                {
                    compared += compare(subName, map(expectedSubcommands.get(subName)), doc, differences);
                }
            }
        }
        else if (null != expected.get("subcommands"))
        {
            differences.add(name + ": Redis has subcommands, raftis documents none");
        }
        return compared;
    }

    private static void same(final String what, final Object expected, final Object actual, final List<String> out)
    {
        final String expectedText = null == expected ? "(absent)" : RespConnection.render(expected);
        final String actualText = null == actual ? "(absent)" : RespConnection.render(actual);
        if (!expectedText.equals(actualText))
        {
            out.add(what + ":\n  redis  " + expectedText + "\n  raftis " + actualText);
        }
    }

    private static Map<String, Object> map(final Object flat)
    {
        final List<?> list = (List<?>)flat;
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i += 2)
        {
            map.put(text(list.get(i)), list.get(i + 1));
        }
        return map;
    }

    private static List<String> names(final Object reply)
    {
        final List<String> names = new ArrayList<>();
        final List<?> list = (List<?>)reply;
        for (int i = 0; i < list.size(); i += 2)
        {
            names.add(text(list.get(i)));
        }
        return names;
    }

    private static List<String> strings(final Object reply)
    {
        final List<String> strings = new ArrayList<>();
        for (final Object element : (List<?>)reply)
        {
            strings.add(text(element));
        }
        return strings;
    }

    private static List<String> sorted(final List<String> names)
    {
        return names.stream().sorted().toList();
    }

    private static String text(final Object value)
    {
        return value instanceof byte[] ? new String((byte[])value, StandardCharsets.ISO_8859_1) : String.valueOf(value);
    }
}

package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.config.Context;
import io.raftis.config.TestSecrets;
import io.raftis.store.CommandTable;
import io.raftis.store.DataCommands;
import io.raftis.store.Databases;
import io.raftis.store.StringCommands;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The syntax notation of command-docs.txt, the file's fields and the COMMAND DOCS reply they make, and that the
 * shipped file documents every command raftis serves and no other, without a node. CommandDocsRedisTest compares the
 * shipped documentation with redis-server's.
 */
class CommandDocsTest
{
    @Test
    void shouldReadLeavesWithTheirTypesAndNumberKeysAsTheyAppear()
    {
        assertEquals("[source:key#0, destination:key#1, count:integer, member:string multiple]",
            CommandSyntax.parse("source:key destination:key count:integer member...").toString());
        assertEquals("[key1:key#0, key2:key#0, at:unix-time, p:pattern, d:double]",
            CommandSyntax.parse("key1:key key2:key#0 at:unix-time p:pattern d:double").toString());
        assertEquals("[a:key#2, b:key#3]", CommandSyntax.parse("a:key#2 b:key").toString(),
            "a key after one numbered by hand takes the next number");
    }

    @Test
    void shouldReadTokensPureOrLeadingAnArgumentOrABlock()
    {
        assertEquals("[get:pure-token token=GET optional, change:pure-token token=CH since=3.0.2 optional]",
            CommandSyntax.parse("[GET] [change=CH]@3.0.2").toString());
        assertEquals("[m:pure-token token=m]", CommandSyntax.parse("\"m\"").toString());
        assertEquals("[count:integer token=COUNT optional]", CommandSyntax.parse("[COUNT count:integer]").toString());
        assertEquals("[weight:integer token=WEIGHTS optional multiple]",
            CommandSyntax.parse("[WEIGHTS weight:integer]...").toString());
        assertEquals("[offset_count:block token=LIMIT optional [offset:integer, count:integer]]",
            CommandSyntax.parse("[offset_count=LIMIT offset:integer count:integer]").toString());
        assertEquals("[limit:block token=LIMIT [offset:integer, count:integer]]",
            CommandSyntax.parse("(LIMIT offset:integer count:integer)").toString(),
            "a block is named after its token when it has no name");
        assertEquals("[encoding_offset:block token=GET optional multiple multiple_token [encoding:string, " +
            "offset:integer]]", CommandSyntax.parse("[encoding_offset=GET encoding offset:integer]...+").toString());
    }

    @Test
    void shouldReadOneofsAndBlocksNamedOrNamedByTheirToken()
    {
        assertEquals("[condition:oneof since=7.0.0 optional [nx:pure-token token=NX, xx:pure-token token=XX]]",
            CommandSyntax.parse("condition=[NX|XX]@7.0.0").toString());
        assertEquals("[aggregate:oneof token=AGGREGATE optional [sum:pure-token token=SUM, min:pure-token token=MIN]]",
            CommandSyntax.parse("[aggregate=AGGREGATE (SUM|MIN)]").toString());
        assertEquals("[expiration:oneof optional [seconds:integer token=EX since=2.6.12, keepttl:pure-token " +
            "token=KEEPTTL since=6.0.0]]",
            CommandSyntax.parse("expiration=[(EX seconds:integer)@2.6.12|KEEPTTL@6.0.0]").toString());
        assertEquals("[parameter:block multiple [parameter:string]]",
            CommandSyntax.parse("parameter=(parameter)...").toString(), "a named group is a block even of one");
        assertEquals("[id:block token=ID optional [client-id:integer multiple]]",
            CommandSyntax.parse("id=[ID client-id:integer...]").toString(), "a named block of one led by a token");
        assertEquals("[from:oneof [member:string token=FROMMEMBER, xy:block token=FROMLONLAT [x:double, y:double]]]",
            CommandSyntax.parse("from=((FROMMEMBER member)|(xy=FROMLONLAT x:double y:double))").toString());
        assertEquals("[write:block [overflow:oneof token=OVERFLOW optional [wrap:pure-token token=WRAP, " +
            "sat:pure-token token=SAT], op:pure-token token=SET]]",
            CommandSyntax.parse("write=([overflow=OVERFLOW (WRAP|SAT)] op=SET)").toString());
    }

    @Test
    void shouldRefuseNotationThatDoesNotSayWhatItMeans()
    {
        refuse("[NX|XX]", "a oneof needs a name");
        refuse("[a b]", "several arguments in a group need a name");
        refuse("count:int", "not an argument type: int");
        refuse("[COUNT count", "expected ']'");
        refuse("Count", "a token is upper case, or quoted");
        refuse("\"m", "closing quote");
        refuse("key@7.0", "not a version: 7.0");
        refuse("count:integer#1", "#n follows a key's or a pattern's type");
        refuse("a  b", "unexpected ' '");
        refuse("a ", "an argument is missing");
        refuse("a)", "unexpected ')'");
        refuse("[EX (EX seconds)]", "leads an argument that has a token already");
    }

    @Test
    void shouldAnswerInRedisShapeWithFieldsInRedisOrder()
    {
        final CommandDocs docs = CommandDocs.parse(String.join("\n",
            "# a comment",
            "command old",
            "group string",
            "since 1.0.0",
            "complexity O(1)",
            "summary Does a thing,",
            "    over two lines.",
            "deprecated 6.2.0 NEW",
            "history 2.0.0 Gained NX.",
            "syntax key:key [NX]@2.0.0",
            "",
            "command box",
            "group server",
            "since 2.0.0",
            "complexity Depends",
            "summary A container.",
            "flag syscmd",
            "",
            "command box|open",
            "group server",
            "since 2.0.0",
            "complexity O(1)",
            "summary Opens.",
            ""), "test");
        assertEquals("[\"old\", [\"summary\", \"Does a thing, over two lines.\", \"since\", \"1.0.0\", \"group\", " +
            "\"string\", \"complexity\", \"O(1)\", \"doc_flags\", [+deprecated], \"deprecated_since\", \"6.2.0\", " +
            "\"replaced_by\", \"NEW\", \"history\", [[\"2.0.0\", \"Gained NX.\"]], \"arguments\", [[\"name\", " +
            "\"key\", \"type\", \"key\", \"key_spec_index\", :0], [\"name\", \"nx\", \"type\", \"pure-token\", " +
            "\"token\", \"NX\", \"since\", \"2.0.0\", \"flags\", [+optional]]]]]", render(docs.reply("OLD")));
        assertEquals("[\"box\", [\"summary\", \"A container.\", \"since\", \"2.0.0\", \"group\", \"server\", " +
            "\"complexity\", \"Depends\", \"doc_flags\", [+syscmd], \"subcommands\", [\"box|open\", [\"summary\", " +
            "\"Opens.\", \"since\", \"2.0.0\", \"group\", \"server\", \"complexity\", \"O(1)\"]]]]",
            render(docs.reply("box")));
        assertEquals("[\"box|open\", [\"summary\", \"Opens.\", \"since\", \"2.0.0\", \"group\", \"server\", " +
            "\"complexity\", \"O(1)\"]]", render(docs.reply("Box|Open")));
        assertNull(docs.reply("box|shut"));
        assertNull(docs.reply("old|x"));
        assertEquals(List.of("old", "box", "box|open"), docs.names());
        assertEquals(List.of("box|open"), docs.subcommands("box"));
    }

    @Test
    void shouldRefuseAFileThatIsIncompleteOrMisplaced()
    {
        refuseFile("command a\ngroup string\nsince 1.0.0\nsummary S.\n", "line 4: a needs a group, since, " +
            "complexity and summary");
        refuseFile("command a|b\n", "line 1: a|b comes before its container's block");
        refuseFile("command a\ngroup strings\n", "line 2: not a command group: strings");
        refuseFile("command a\nsince 1.0\n", "line 2: not a version: 1.0");
        refuseFile("command a\nflavour x\n", "line 2: not a field: flavour");
        refuseFile("command a\nsyntax [x\n", "line 2: expected ']'");
        refuseFile("  x\n", "line 1: a continued line without a field above it");
        refuseFile("group string\n", "line 1: a field before any command");
        refuseFile("command a\ncommand b\n", "line 2: a command block must end with a blank line");
        final String a = "command a\ngroup string\nsince 1.0.0\ncomplexity O(1)\nsummary S.\n\n";
        refuseFile(a + a, "line 7: documented twice: a");
    }

    @Test
    void shouldShipDocumentationForEveryCommandServedAndNoOther()
    {
        final CommandDocs docs = CommandDocs.shipped();
        final CommandTable dataCommands = new CommandTable();
        DataCommands.register(dataCommands, StringCommands.DEFAULT_MAX_STRING_LENGTH);
        final Properties p = new Properties();
        p.setProperty(Configuration.MEMBER_ID_PROP_NAME, "1");
        p.setProperty(Configuration.MEMBERS_PROP_NAME, "1=127.0.0.1:8901:7001");
        p.setProperty(Configuration.CLUSTER_SECRET_FILE_PROP_NAME, TestSecrets.shared().toString());
        final ServerCommands serverCommands =
            new ServerCommands(Context.fromProperties(p).conclude(), dataCommands, new Databases(), line -> {});

        final List<String> served = new ArrayList<>();
        dataCommands.forEach(command -> served.add(command.name()));
        serverCommands.commands().forEach(command -> served.add(command.name()));
        final List<String> documented = new ArrayList<>(docs.names());
        documented.removeIf(name -> name.contains("|"));
        final List<String> undocumented = new ArrayList<>(served);
        undocumented.removeAll(documented);
        assertEquals(List.of(), undocumented, "commands served without docs in " + CommandDocs.RESOURCE);
        final List<String> notServed = new ArrayList<>(documented);
        notServed.removeAll(served);
        assertEquals(List.of(), notServed, "commands documented in " + CommandDocs.RESOURCE + " but not served");

        assertEquals(List.of("object|encoding", "object|freq", "object|idletime", "object|refcount", "object|help"),
            docs.subcommands("object"));
        assertTrue(render(docs.reply("set")).contains("\"name\", \"expiration\", \"type\", \"oneof\""));
    }

    private static void refuse(final String syntax, final String message)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse(syntax), syntax);
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }

    private static void refuseFile(final String text, final String message)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CommandDocs.parse(text, "test"), text);
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }

    /**
     * @return RESP2 values, one after the other, as RespConnection renders an array of them: bulk strings quoted,
     * arrays in brackets.
     */
    static String render(final byte[] values)
    {
        final int[] position = {0};
        final List<Object> tree = new ArrayList<>();
        while (position[0] < values.length)
        {
            tree.add(read(values, position));
        }
        return RespConnection.render(tree);
    }

    private static Object read(final byte[] reply, final int[] position)
    {
        final char type = (char)reply[position[0]];
        int end = position[0];
        while (reply[end] != '\r')
        {
            end++;
        }
        final String line = new String(reply, position[0] + 1, end - position[0] - 1, StandardCharsets.US_ASCII);
        position[0] = end + 2;
        switch (type)
        {
            case '$' ->
            {
                final int length = Integer.parseInt(line);
                final byte[] bulk = java.util.Arrays.copyOfRange(reply, position[0], position[0] + length);
                position[0] += length + 2;
                return bulk;
            }
            case '*' ->
            {
                final List<Object> elements = new ArrayList<>();
                for (int i = Integer.parseInt(line); i > 0; i--)
                {
                    elements.add(read(reply, position));
                }
                return elements;
            }
            default ->
            {
                return type + line;
            }
        }
    }
}

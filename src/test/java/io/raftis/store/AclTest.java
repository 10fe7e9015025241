package io.raftis.store;

import io.raftis.resp.RespParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACL rules, checks and descriptions, with Redis 7.0.15's words (taken from a running redis-server).
 */
class AclTest
{
    private static final String SECRET_HASH = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

    private final CommandTable data = new CommandTable();
    private final CommandTable server = new CommandTable();
    private final Acl acl;

    AclTest()
    {
        StringCommands.register(data);
        SortCommands.register(data);
        for (final String name : new String[]{ "acl", "config", "ping", "client", "auth" })
        {
            server.register(new Command(name, -1, Command.FLAG_ADMIN, 0, 0, 0, 0, (a, k, o) -> { }));
        }
        acl = new Acl(data, server);
    }

    @Test
    void theDefaultUserMayDoAnythingWithoutAPasswordUntilRequirepass()
    {
        assertEquals("user default on nopass ~* &* +@all", acl.describe(acl.user("default")));
        assertFalse(acl.authRequired());
        assertNotNull(acl.authenticate("default", bytes("anything")));

        acl.requirePass("s3cret");

        assertTrue(acl.authRequired());
        assertNull(acl.authenticate("default", bytes("wrong")));
        assertNotNull(acl.authenticate("default", bytes("s3cret")));
        assertEquals("user default on #" + Acl.sha256Hex("s3cret") + " ~* &* +@all", acl.describe(acl.user("default")));

        acl.requirePass("pässwörd"); // a setting is text: a client sends it as UTF-8
        assertNotNull(acl.authenticate("default", "pässwörd".getBytes(StandardCharsets.UTF_8)));
        assertNull(acl.authenticate("default", "pässwörd".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aUsersRulesAreDescribedAsRedisListsThem()
    {
        assertNull(acl.setUser("alice", List.of(
            "on", ">secret", "~cached:*", "%R~read:*", "%W~write:*", "+get", "+set", "+@string", "-append")));

        assertEquals("user alice on #" + SECRET_HASH + " ~cached:* %R~read:* %W~write:* resetchannels -@all " +
            "+@string -append", acl.describe(acl.user("alice")));
        assertNull(acl.setUser("x", List.of()));
        assertEquals("user x off resetchannels -@all", acl.describe(acl.user("x")));
        assertNull(acl.setUser("f", List.of("allkeys", "allcommands", "allchannels", "on", "nopass")));
        assertEquals("user f on nopass ~* &* +@all", acl.describe(acl.user("f")));
        assertNull(acl.setUser("g", List.of("%RW~foo", "~bar")));
        assertEquals("user g off ~foo ~bar resetchannels -@all", acl.describe(acl.user("g")));
        assertNull(acl.setUser("e", List.of("+client", "-client|list")));
        assertEquals("user e off resetchannels -@all +client -client|list", acl.describe(acl.user("e")));
        assertNull(acl.setUser("e2", List.of("+config", "-config|get")));
        assertEquals("user e2 off resetchannels -@all -config|get", acl.describe(acl.user("e2")),
            "config has no subcommand but GET here: taking it away takes all that +config gave");
        assertNull(acl.setUser("i", List.of(">a", ">b", "<a")));
        assertEquals(List.of(Acl.sha256Hex("b")), acl.user("i").passwords());
        assertEquals(List.of("alice", "default", "e", "e2", "f", "g", "i", "x"), List.copyOf(acl.userNames()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "+@nosuch | ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL",
        "xyz | ERR Error in ACL SETUSER modifier 'xyz': Syntax error",
        "+nosuchcmd | ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL",
        "%X~foo | ERR Error in ACL SETUSER modifier '%X~foo': Syntax error",
        "%~foo | ERR Error in ACL SETUSER modifier '%~foo': Syntax error",
        "#abc | ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and " +
            "contain only lowercase hexadecimal characters",
        "<nopw | ERR Error in ACL SETUSER modifier '<nopw': The password you are trying to remove from the user " +
            "does not exist",
    })
    void aBadRuleIsRefusedInRedisWordsAndChangesNothing(final String rule, final String error)
    {
        assertNull(acl.setUser("e", List.of("on", "+get")));
        final String before = acl.describe(acl.user("e"));

        assertEquals(error, acl.setUser("e", List.of("+set", rule)));
        assertEquals(error, acl.validateSetUser("e", List.of("+set", rule)));

        assertEquals(before, acl.describe(acl.user("e")), "no rule of a refused SETUSER applies");
        assertEquals("ERR Usernames can't contain spaces or null characters", acl.setUser("a b", List.of()));
    }

    @Test
    void commandsAndKeysAreCheckedAsRedisChecksThem()
    {
        assertNull(acl.setUser("alice", List.of(
            "on", ">secret", "~cached:*", "%R~read:*", "%W~write:*", "+get", "+set", "+@string", "-append",
            "+acl|whoami", "+mget")));
        final Acl.User alice = acl.user("alice");

        assertNull(check(alice, "GET cached:1"));
        assertEquals(Acl.KEY_ERROR, check(alice, "GET other"));
        assertEquals("NOPERM this user has no permissions to run the 'del' command", check(alice, "DEL cached:1"));
        assertEquals(Acl.KEY_ERROR, check(alice, "SET read:1 x"), "a read pattern does not allow writes");
        assertNull(check(alice, "GET read:1"));
        assertEquals(Acl.KEY_ERROR, check(alice, "GET write:1"), "a write pattern does not allow reads");
        assertNull(check(alice, "SET write:1 y"), "SET only writes its key");
        assertEquals(Acl.KEY_ERROR, check(alice, "SET write:1 y GET"), "SET … GET reads it too");
        assertEquals(Acl.KEY_ERROR, check(alice, "MGET cached:1 other"), "every key is checked");
        assertEquals("NOPERM this user has no permissions to run the 'append' command",
            check(alice, "APPEND cached:1 x"));
        assertNull(check(alice, "ACL WHOAMI"));
        assertEquals("NOPERM this user has no permissions to run the 'acl|list' command", check(alice, "ACL LIST"));
        assertEquals("NOPERM this user has no permissions to run the 'config|get' command",
            check(alice, "CONFIG GET maxmemory"));
        assertEquals("NOPERM this user has no permissions to run the 'ping' command", check(alice, "PING"));
        assertEquals("This user has no permissions to access the 'other' key", dryRun(alice, "GET other"));
        assertEquals("This user has no permissions to run the 'del' command", dryRun(alice, "DEL cached:1"));
        assertNull(check(acl.user("default"), "DEL anything"));
    }

    @Test
    void passwordsAreHashedBeforeTheyReachTheLog()
    {
        final List<String> hashed = Acl.hashPasswords(List.of("on", ">secret", "<old", "~*", "#" + SECRET_HASH));

        assertEquals(List.of("on", "#" + SECRET_HASH, "!" + Acl.sha256Hex("old"), "~*", "#" + SECRET_HASH), hashed);
        assertNull(acl.setUser("u", List.of("on", ">secret")));
        assertEquals(acl.describe(acl.user("u")), describeAfter("v", hashed.subList(0, 2)).replace("user v", "user u"));
    }

    @Test
    void theDefaultUserCannotBeDeletedAndDeletingOthersCounts()
    {
        assertNull(acl.setUser("a", List.of()));
        assertEquals("ERR The 'default' user cannot be removed", acl.checkDelUser(List.of("a", "default")));
        assertEquals(1, acl.delUser(List.of("a", "nobody")));
        assertNull(acl.user("a"));
    }

    @Test
    void categoriesListTheirCommands()
    {
        assertEquals(21, Acl.categories().length);
        assertTrue(acl.unitsOf("string").containsAll(List.of("get", "set", "append", "mget")));
        assertFalse(acl.unitsOf("string").contains("del"));
        assertTrue(acl.unitsOf("keyspace").contains("del"));
        assertNull(acl.unitsOf("nosuch"));
    }

    private String describeAfter(final String name, final List<String> rules)
    {
        assertNull(acl.setUser(name, rules));
        return acl.describe(acl.user(name));
    }

    @Test
    void sortNeedsEveryKeyReadableForByAndGetAndItsDestinationWritable()
    {
        assertNull(acl.setUser("u", List.of("on", "nopass", "~app:*", "+@all")));
        assertNull(acl.setUser("r", List.of("on", "nopass", "%R~*", "%W~app:*", "+@all")));
        final Acl.User u = acl.user("u");
        final Acl.User r = acl.user("r");
        final String byDenied = "ERR BY option of SORT denied due to insufficient ACL permissions.";
        final String getDenied = "ERR GET option of SORT denied due to insufficient ACL permissions.";
        assertEquals(byDenied, check(u, "SORT app:l BY w_*"));
        assertNull(check(u, "SORT app:l BY nosort"));
        assertEquals(getDenied, check(u, "SORT app:l GET #"));
        assertNull(check(u, "SORT app:l BOGUS BY w_*"), "the syntax error first, which SORT answers");
        assertEquals(byDenied, check(u, "SORT app:l BY w_* BOGUS"));
        assertEquals(Acl.KEY_ERROR, check(u, "SORT app:l STORE other"));
        assertEquals(byDenied, check(u, "SORT app:l STORE app:d BY w_*"));
        assertEquals(getDenied, check(u, "SORT_RO app:l GET x"));
        assertEquals(Acl.KEY_ERROR, check(u, "SORT other"));
        assertNull(dryRun(u, "SORT app:l BY w_*"), "SORT refuses it, not the ACL");
        assertNull(check(r, "SORT app:l BY w_* GET #"), "every key readable");
        assertEquals(Acl.KEY_ERROR, check(r, "SORT app:l STORE other"));
        assertNull(check(r, "SORT app:l STORE app:d"));
        assertNull(check(r, "SORT_RO other"), "the key sorted is only read");
    }

    private String check(final Acl.User user, final String inline)
    {
        return check(user, inline, false);
    }

    private String dryRun(final Acl.User user, final String inline)
    {
        return check(user, inline, true);
    }

    private String check(final Acl.User user, final String inline, final boolean dryRun)
    {
        final RespParser parser = new RespParser();
        final byte[] bytes = bytes(inline + "\r\n");
        assertEquals(bytes.length, parser.parse(new UnsafeBuffer(bytes), 0, bytes.length));
        Command command = data.lookup(parser);
        if (null == command)
        {
            command = server.lookup(parser);
        }
        return acl.check(user, command, parser, dryRun);
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.raftis.store;

import io.raftis.resp.RespWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTableTest
{
    private static final CommandExecutor PONG = (args, keyspace, out) -> out.simpleString("PONG");

    private final CommandTable table = new CommandTable();

    @Test
    void shouldLookUpCommandIgnoringCase()
    {
        StringCommands.register(table);
        final Command get = table.lookup("get");

        for (final String name : new String[]{ "GET", "get", "GeT", "gET" })
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes("xx" + name + "yy"));
            assertSame(get, table.lookup(buffer, 2, name.length()), name);
            assertSame(get, table.lookup(name), name);
        }
    }

    @Test
    void shouldNotFindUnknownNames()
    {
        StringCommands.register(table);

        for (final String name : new String[]{ "gets", "ge", "g", "", "getset1", "flushallx", "g\0t", "ＧＥＴ" })
        {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            assertNull(table.lookup(new UnsafeBuffer(bytes), 0, bytes.length), name);
            assertNull(table.lookup(name), name);
        }
        assertNull(table.lookup(new UnsafeBuffer(bytes("a".repeat(1000))), 0, 1000));
    }

    @Test
    void shouldLookUpTheCommandNamedByTheFirstArgument()
    {
        StringCommands.register(table);
        final CommandDriver driver = new CommandDriver();

        assertSame(table.lookup("mget"), table.lookup(driver.parse("MGet", "a", "b")));
        assertNull(table.lookup(driver.parse("nope")));
    }

    @Test
    void shouldLetOtherPackagesRegisterAndIterateInRegistrationOrder()
    {
        final Command ping = new Command(
            "PING", -1, Command.FLAG_FAST | Command.FLAG_STALE | Command.FLAG_LOADING, 0, 0, 0,
            Command.CATEGORY_CONNECTION, PONG);
        table.register(ping);
        StringCommands.register(table);

        assertEquals(28, table.size());
        assertSame(ping, table.command(0));
        assertEquals("get", table.command(1).name());
        assertEquals("flushall", table.command(27).name());
        assertThrows(IndexOutOfBoundsException.class, () -> table.command(28));
        assertThrows(IndexOutOfBoundsException.class, () -> table.command(-1));

        final List<String> names = new ArrayList<>();
        table.forEach((command) -> names.add(command.name()));
        assertEquals(28, names.size());
        assertEquals("ping", names.get(0));
        assertEquals("set", names.get(2));

        final RespWriter out = new RespWriter(16);
        table.lookup("ping").execute(new CommandDriver().parse("PING"), new Keyspace(), out);
        assertEquals("+PONG\r\n", string(out));
    }

    @Test
    void shouldRejectSecondCommandOfTheSameName()
    {
        table.register(new Command("ping", -1, Command.FLAG_FAST, 0, 0, 0, 0, PONG));

        assertThrows(IllegalArgumentException.class,
            () -> table.register(new Command("PING", 1, Command.FLAG_FAST, 0, 0, 0, 0, PONG)));
        assertEquals(1, table.size());
    }

    @Test
    void shouldGrowToHoldManyCommands()
    {
        for (int i = 0; i < 500; i++)
        {
            table.register(new Command("cmd" + i, 1, 0, 0, 0, 0, 0, PONG));
        }

        assertEquals(500, table.size());
        for (int i = 0; i < 500; i++)
        {
            assertEquals("cmd" + i, table.lookup("CMD" + i).name());
            assertEquals("cmd" + i, table.command(i).name());
        }
    }

    @Test
    void shouldCheckExactAndMinimumArity()
    {
        final Command exact = new Command("exact", 3, 0, 1, 1, 1, 0, PONG);
        final Command minimum = new Command("minimum", -3, 0, 1, 1, 1, 0, PONG);

        assertFalse(exact.checkArity(2));
        assertTrue(exact.checkArity(3));
        assertFalse(exact.checkArity(4));
        assertFalse(minimum.checkArity(2));
        assertTrue(minimum.checkArity(3));
        assertTrue(minimum.checkArity(100));
        assertEquals("ERR wrong number of arguments for 'exact' command", CommandTable.arityError(exact));
        assertEquals("ERR wrong number of arguments for 'minimum' command", minimum.arityError());
    }

    @Test
    void shouldValidateArityBeforeCallingValidator()
    {
        final int[] calls = new int[1];
        final Command command = new Command("cmd", 2, 0, 1, 1, 1, 0, PONG, (args) ->
        {
            calls[0]++;
            return args.argEqualsIgnoreCase(1, bytes("BAD")) ? "ERR bad" : null;
        });
        final CommandDriver driver = new CommandDriver();

        assertEquals("ERR wrong number of arguments for 'cmd' command", command.validate(driver.parse("cmd")));
        assertEquals(0, calls[0]);
        assertEquals("ERR bad", command.validate(driver.parse("cmd", "bad")));
        assertNull(command.validate(driver.parse("cmd", "good")));
        assertEquals(2, calls[0]);

        final RespWriter out = new RespWriter(16);
        command.execute(driver.parse("cmd", "bad"), new Keyspace(), out);
        assertEquals("-ERR bad\r\n", string(out));
        out.reset();
        command.execute(driver.parse("cmd", "a", "b"), new Keyspace(), out);
        assertEquals("-ERR wrong number of arguments for 'cmd' command\r\n", string(out));
    }

    @Test
    void shouldTurnWrongTypeExceptionIntoWrongTypeReply()
    {
        final Command command = new Command("typed", 2, Command.FLAG_READONLY, 1, 1, 1, 0,
            (args, keyspace, out) -> out.bulk(keyspace.getString(args.argBuffer(), args.argOffset(1), 1)));
        final Keyspace keyspace = new Keyspace();
        keyspace.put(bytes("l"), new ArrayList<>());
        final RespWriter out = new RespWriter(16);

        command.execute(new CommandDriver().parse("typed", "l"), keyspace, out);

        assertEquals(error(ErrorReplies.WRONG_TYPE), string(out));
    }

    @Test
    void shouldNameFlagsAndCategoriesInRedisOrder()
    {
        final Command info = new Command(
            "info", -1, Command.FLAG_LOADING | Command.FLAG_STALE | Command.FLAG_SKIP_SLOWLOG, 0, 0, 0,
            Command.CATEGORY_SLOW | Command.CATEGORY_DANGEROUS, PONG);
        final Command config = new Command(
            "Config|Get", -3, Command.FLAG_ADMIN | Command.FLAG_NOSCRIPT | Command.FLAG_LOADING | Command.FLAG_STALE,
            0, 0, 0, 0, PONG);
        final Command everything = new Command("everything", 1, (1 << 20) - 1, 0, 0, 0, (1L << 21) - 1, PONG);

        assertEquals("loading,stale,skip_slowlog", String.join(",", info.flagNames()));
        assertEquals("@slow,@dangerous", String.join(",", info.categoryNames()));
        assertEquals("config|get", config.name());
        assertEquals("admin,noscript,loading,stale", String.join(",", config.flagNames()));
        assertEquals("@admin,@slow,@dangerous", String.join(",", config.categoryNames()));
        assertEquals("write,readonly,denyoom,module,admin,pubsub,noscript,blocking,loading,stale,skip_monitor," +
            "skip_slowlog,asking,fast,no_auth,no_mandatory_keys,no_async_loading,no_multi,movablekeys,allow_busy",
            String.join(",", everything.flagNames()));
        assertEquals("@keyspace,@read,@write,@set,@sortedset,@list,@hash,@string,@bitmap,@hyperloglog,@geo," +
            "@stream,@pubsub,@admin,@fast,@slow,@blocking,@dangerous,@connection,@transaction,@scripting",
            String.join(",", everything.categoryNames()));
        assertTrue(config.hasFlag(Command.FLAG_ADMIN | Command.FLAG_STALE));
        assertFalse(config.hasFlag(Command.FLAG_ADMIN | Command.FLAG_FAST));
    }

    @Test
    void shouldNotAddReadCategoryToReadonlyScriptingCommand()
    {
        final Command evalRo = new Command(
            "eval_ro", -3, Command.FLAG_READONLY | Command.FLAG_NOSCRIPT, 0, 0, 0, Command.CATEGORY_SCRIPTING, PONG);

        assertEquals("@slow,@scripting", String.join(",", evalRo.categoryNames()));
    }

    @Test
    void shouldRejectInvalidDefinitions()
    {
        assertThrows(IllegalArgumentException.class, () -> new Command("", 1, 0, 0, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("a b", 1, 0, 0, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("é", 1, 0, 0, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("zero", 0, 0, 0, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("flags", 1, 1 << 20, 0, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("cats", 1, 0, 0, 0, 0, 1L << 21, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("keys", 1, 0, -1, 0, 0, 0, PONG));
        assertThrows(IllegalArgumentException.class, () -> new Command("step", 1, 0, 1, 1, -1, 0, PONG));
        assertThrows(NullPointerException.class, () -> new Command("null", 1, 0, 0, 0, 0, 0, null));
    }

    @Test
    void shouldFormatUnknownCommandErrorAsRedis7()
    {
        final CommandDriver driver = new CommandDriver();

        assertEquals("ERR unknown command 'foo', with args beginning with: ",
            CommandTable.unknownCommandError(driver.parse("foo")));
        assertEquals("ERR unknown command 'FOO', with args beginning with: 'a' 'b c' '' ",
            CommandTable.unknownCommandError(driver.parse("FOO", "a", "b c", "")));
        assertEquals("ERR unknown command 'f  o', with args beginning with: 'a  b' 'x' ",
            CommandTable.unknownCommandError(driver.parse("f\r\no", "a\r\nb\0c", "x")));
        assertEquals("ERR unknown command 'é', with args beginning with: 'ü' ",
            CommandTable.unknownCommandError(driver.parse("\u00C3\u00A9", "\u00C3\u00BC")));
    }

    @Test
    void shouldQuoteArgumentsOfUnknownCommandUpTo128Bytes()
    {
        final CommandDriver driver = new CommandDriver();
        final String longName = "n".repeat(200);
        final String first = "a".repeat(100);
        final String second = "b".repeat(100);

        assertEquals("ERR unknown command '" + "n".repeat(128) + "', with args beginning with: '" + first + "' '" +
            "b".repeat(25) + "' ",
            CommandTable.unknownCommandError(driver.parse(longName, first, second, "never shown")));
        assertEquals("ERR unknown command 'x', with args beginning with: '" + "a".repeat(128) + "' ",
            CommandTable.unknownCommandError(driver.parse("x", "a".repeat(300), "never shown")));
    }

    @Test
    void shouldNotAllocateToLookUpCommands()
    {
        StringCommands.register(table);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes("GETmgetFlushAllunknownINCRBY"));

        final Runnable work = () ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                table.lookup(buffer, 0, 3);
                table.lookup(buffer, 3, 4);
                table.lookup(buffer, 7, 8);
                table.lookup(buffer, 15, 7);
                table.lookup(buffer, 22, 6);
            }
        };

        work.run();
        work.run();
        final long allocated = Allocations.allocatedBytes(work);

        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes");
        assertEquals("incrby", table.lookup(buffer, 22, 6).name());
        assertNull(table.lookup(buffer, 15, 7));
    }

    private static String string(final RespWriter out)
    {
        final byte[] bytes = new byte[out.length()];
        out.buffer().getBytes(0, bytes);
        return CommandDriver.string(bytes);
    }
}

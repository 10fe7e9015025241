package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.util.Locale;

import static io.raftis.store.Command.CATEGORY_KEYSPACE;
import static io.raftis.store.Command.FLAG_READONLY;

/**
 * OBJECT and MEMORY USAGE: what a key's value is made of, in Redis 7.0's words where they mean something here.
 * <p>
 * OBJECT ENCODING names the encoding Redis 7.0 would use for the value as it is now: lists are "quicklist"; hashes
 * "listpack" while compact, as raftis keeps them, else "hashtable"; sets "intset" while every member is an integer
 * and there are at most 512 of them, else "hashtable"; strings "int", "embstr" (up to 44 bytes) or "raw". Redis also
 * remembers history (a string APPEND made is "raw", a set that once held a word stays "hashtable"); raftis judges
 * by what the value holds. OBJECT FREQ answers as Redis does under a policy that does not count accesses, which is
 * raftis's; OBJECT IDLETIME refuses, since raftis does not track when keys were last used. MEMORY USAGE counts what
 * the key and its value hold on the heap, as raftis counts used memory.
 */
public final class ObjectCommands
{
    /** Redis's set-max-intset-entries. */
    static final int MAX_INTSET_ENTRIES = 512;
    /** Redis's refcount of its shared integers 0 to 9999. */
    static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    private static final int MAX_EMBSTR_LENGTH = 44;

    private ObjectCommands()
    {
    }

    /**
     * Register the commands.
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        table.register(new Command("object", -2, FLAG_READONLY, 2, 2, 1, CATEGORY_KEYSPACE, ObjectCommands::object));
        table.register(new Command("memory", -2, FLAG_READONLY, 2, 2, 1, 0, ObjectCommands::memory));
    }

    private static void object(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final String subcommand = args.argString(1).toLowerCase(Locale.ROOT);
        if ("help".equals(subcommand) && 2 == args.argCount())
        {
            help(out, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>", "    Return the kind of internal representation Redis 7.0 would use for <key>.",
                "FREQ <key>", "    Refused: raftis does not count accesses to keys.",
                "IDLETIME <key>", "    Refused: raftis does not track when keys were last used.",
                "REFCOUNT <key>", "    Return the number of references to the value of <key>.",
                "HELP", "    Print this help.");
            return;
        }
        if (!"encoding".equals(subcommand) && !"freq".equals(subcommand) && !"idletime".equals(subcommand) &&
            !"refcount".equals(subcommand))
        {
            out.error("ERR unknown subcommand '" + args.argString(1) + "'. Try OBJECT HELP.");
            return;
        }
        if (3 != args.argCount())
        {
            out.error("ERR wrong number of arguments for 'object|" + subcommand + "' command");
            return;
        }
        final Object value = keyspace.get(args.argBuffer(), args.argOffset(2), args.argLength(2));
        if (null == value)
        {
            out.nullBulk();
            return;
        }
        switch (subcommand)
        {
            case "encoding" -> out.bulkString(encoding(value));
            case "refcount" -> out.integer(isSharedInteger(value) ? SHARED_REFCOUNT : 1);
            case "freq" -> out.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. " +
                "Please note that when switching between policies at runtime LRU and LFU data will take some time to " +
                "adjust.");
            default -> out.error("ERR raftis does not track when keys were last used: OBJECT IDLETIME is not served");
        }
    }

    private static void memory(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final String subcommand = args.argString(1).toLowerCase(Locale.ROOT);
        if ("help".equals(subcommand) && 2 == args.argCount())
        {
            help(out, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "USAGE <key> [SAMPLES <count>]",
                "    Return the bytes the key and its value hold on the heap, as raftis counts used memory.",
                "HELP", "    Print this help.");
            return;
        }
        if (!"usage".equals(subcommand))
        {
            out.error("ERR unknown subcommand '" + args.argString(1) + "'. Try MEMORY HELP.");
            return;
        }
        if (args.argCount() < 3)
        {
            out.error("ERR wrong number of arguments for 'memory|usage' command");
            return;
        }
        for (int i = 3; i < args.argCount(); i += 2)
        {
            if (!args.argString(i).equalsIgnoreCase("samples") || i + 1 >= args.argCount())
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
            final long samples = args.argAsLong(i + 1); // raftis counts every element: SAMPLES only has to parse
            if (!args.lastArgWasNumber())
            {
                out.error(ErrorReplies.NOT_AN_INTEGER);
                return;
            }
            if (samples < 0)
            {
                out.error(ErrorReplies.SYNTAX_ERROR);
                return;
            }
        }
        final long bytes = keyspace.memoryUsage(args.argBuffer(), args.argOffset(2), args.argLength(2));
        if (bytes < 0)
        {
            out.nullBulk();
        }
        else
        {
            out.integer(bytes);
        }
    }

    /**
     * @return the encoding Redis 7.0 would report for the value as it is now.
     */
    static String encoding(final Object value)
    {
        if (value instanceof byte[])
        {
            final byte[] string = (byte[])value;
            if (string.length <= 20 && StringCommands.parseLong(string, new long[1]))
            {
                return "int";
            }
            return string.length <= MAX_EMBSTR_LENGTH ? "embstr" : "raw";
        }
        if (value instanceof ListValue)
        {
            return "quicklist";
        }
        if (value instanceof HashValue)
        {
            return ((HashValue)value).isCompact() ? "listpack" : "hashtable";
        }
        if (value instanceof SetValue)
        {
            final SetValue set = (SetValue)value;
            if (set.size() > MAX_INTSET_ENTRIES)
            {
                return "hashtable";
            }
            final boolean[] integers = { true };
            final long[] parsed = new long[1];
            set.forEach(member -> integers[0] &= member.length <= 20 && StringCommands.parseLong(member, parsed));
            return integers[0] ? "intset" : "hashtable";
        }
        throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
    }

    private static boolean isSharedInteger(final Object value)
    {
        if (!(value instanceof byte[]) || ((byte[])value).length > 20)
        {
            return false;
        }
        final long[] parsed = new long[1];
        return StringCommands.parseLong((byte[])value, parsed) && parsed[0] >= 0 && parsed[0] < 10_000;
    }

    private static void help(final RespWriter out, final String... lines)
    {
        out.arrayHeader(lines.length);
        for (final String line : lines)
        {
            out.simpleString(line);
        }
    }
}

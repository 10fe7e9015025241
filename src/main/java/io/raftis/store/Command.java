package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A command's metadata, as Redis 7's COMMAND reply describes it, and its executor.
 * <p>
 * Arity counts the command name: a positive arity is the exact number of arguments, a negative one the minimum.
 * Flags are the {@code FLAG_*} bits, named in COMMAND's order by {@link #flagNames()}. ACL categories are the
 * {@code CATEGORY_*} bits; as in Redis, those implied by the flags (write, read, admin, dangerous, pubsub, fast,
 * blocking, and slow for every command that is not fast) are added to the ones given.
 */
public final class Command
{
    /** The command may change the keyspace. */
    public static final int FLAG_WRITE = 1;
    /** The command only reads. */
    public static final int FLAG_READONLY = 1 << 1;
    /** The command may use more memory and is refused when memory is short. */
    public static final int FLAG_DENYOOM = 1 << 2;
    /** The command is implemented by a module. */
    public static final int FLAG_MODULE = 1 << 3;
    /** An administrative command. */
    public static final int FLAG_ADMIN = 1 << 4;
    /** A publish/subscribe command. */
    public static final int FLAG_PUBSUB = 1 << 5;
    /** Not allowed from scripts. */
    public static final int FLAG_NOSCRIPT = 1 << 6;
    /** May block the client. */
    public static final int FLAG_BLOCKING = 1 << 7;
    /** Allowed while the dataset is loading. */
    public static final int FLAG_LOADING = 1 << 8;
    /** Allowed on a replica with stale data. */
    public static final int FLAG_STALE = 1 << 9;
    /** Not shown by MONITOR. */
    public static final int FLAG_SKIP_MONITOR = 1 << 10;
    /** Not recorded by the slow log. */
    public static final int FLAG_SKIP_SLOWLOG = 1 << 11;
    /** Allowed on an importing slot after ASKING. */
    public static final int FLAG_ASKING = 1 << 12;
    /** Runs in O(1) or O(log(N)) time. */
    public static final int FLAG_FAST = 1 << 13;
    /** Allowed before authentication. */
    public static final int FLAG_NO_AUTH = 1 << 14;
    /** May take no key at all though it declares key positions. */
    public static final int FLAG_NO_MANDATORY_KEYS = 1 << 15;
    /** Refused during an asynchronous load. */
    public static final int FLAG_NO_ASYNC_LOADING = 1 << 16;
    /** Not allowed inside MULTI. */
    public static final int FLAG_NO_MULTI = 1 << 17;
    /** Key positions cannot be found from first key, last key and step alone. */
    public static final int FLAG_MOVABLE_KEYS = 1 << 18;
    /** Allowed while a script or module holds the server busy. */
    public static final int FLAG_ALLOW_BUSY = 1 << 19;

    private static final String[] FLAG_NAMES =
    {
        "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
        "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "no_mandatory_keys", "no_async_loading",
        "no_multi", "movablekeys", "allow_busy"
    };

    /** ACL category @keyspace. */
    public static final long CATEGORY_KEYSPACE = 1L;
    /** ACL category @read. */
    public static final long CATEGORY_READ = 1L << 1;
    /** ACL category @write. */
    public static final long CATEGORY_WRITE = 1L << 2;
    /** ACL category @set. */
    public static final long CATEGORY_SET = 1L << 3;
    /** ACL category @sortedset. */
    public static final long CATEGORY_SORTEDSET = 1L << 4;
    /** ACL category @list. */
    public static final long CATEGORY_LIST = 1L << 5;
    /** ACL category @hash. */
    public static final long CATEGORY_HASH = 1L << 6;
    /** ACL category @string. */
    public static final long CATEGORY_STRING = 1L << 7;
    /** ACL category @bitmap. */
    public static final long CATEGORY_BITMAP = 1L << 8;
    /** ACL category @hyperloglog. */
    public static final long CATEGORY_HYPERLOGLOG = 1L << 9;
    /** ACL category @geo. */
    public static final long CATEGORY_GEO = 1L << 10;
    /** ACL category @stream. */
    public static final long CATEGORY_STREAM = 1L << 11;
    /** ACL category @pubsub. */
    public static final long CATEGORY_PUBSUB = 1L << 12;
    /** ACL category @admin. */
    public static final long CATEGORY_ADMIN = 1L << 13;
    /** ACL category @fast. */
    public static final long CATEGORY_FAST = 1L << 14;
    /** ACL category @slow. */
    public static final long CATEGORY_SLOW = 1L << 15;
    /** ACL category @blocking. */
    public static final long CATEGORY_BLOCKING = 1L << 16;
    /** ACL category @dangerous. */
    public static final long CATEGORY_DANGEROUS = 1L << 17;
    /** ACL category @connection. */
    public static final long CATEGORY_CONNECTION = 1L << 18;
    /** ACL category @transaction. */
    public static final long CATEGORY_TRANSACTION = 1L << 19;
    /** ACL category @scripting. */
    public static final long CATEGORY_SCRIPTING = 1L << 20;

    private static final String[] CATEGORY_NAMES =
    {
        "@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string", "@bitmap",
        "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow", "@blocking", "@dangerous",
        "@connection", "@transaction", "@scripting"
    };

    private final String name;
    private final byte[] nameBytes;
    private final int arity;
    private final int flags;
    private final int firstKey;
    private final int lastKey;
    private final int step;
    private final long categories;
    private final String[] flagNames;
    private final String[] categoryNames;
    private final String arityError;
    private final CommandExecutor executor;
    private final CommandValidator validator;
    private CommandRewriter rewriter;
    private KeyFinder keyFinder;
    private Blocking blocking;
    private final CommandGrowth growth;

    /**
     * A command without a validator.
     *
     * @see #Command(String, int, int, int, int, int, long, CommandExecutor, CommandValidator)
     */
    public Command(
        final String name,
        final int arity,
        final int flags,
        final int firstKey,
        final int lastKey,
        final int step,
        final long categories,
        final CommandExecutor executor)
    {
        this(name, arity, flags, firstKey, lastKey, step, categories, executor, null);
    }

    /**
     * @param name       printable ASCII, no spaces; stored in lower case ("set", or "config|get" for a subcommand).
     * @param arity      exact (positive) or minimum (negative) number of arguments including the name; not 0.
     * @param flags      {@code FLAG_*} bits.
     * @param firstKey   index of the first key argument, 0 if the command takes no key.
     * @param lastKey    index of the last key argument, negative to count from the end (-1 is the last argument).
     * @param step       distance between key arguments, 0 if the command takes no key.
     * @param categories {@code CATEGORY_*} bits beyond those implied by the flags, e.g. {@link #CATEGORY_STRING}.
     * @param executor   executes the command.
     * @param validator  checks the syntax of the arguments before execution, or null if there is nothing to check.
     */
    public Command(
        final String name,
        final int arity,
        final int flags,
        final int firstKey,
        final int lastKey,
        final int step,
        final long categories,
        final CommandExecutor executor,
        final CommandValidator validator)
    {
        this(name, arity, flags, firstKey, lastKey, step, categories, executor, validator, null);
    }

    /**
     * A command that may add more memory than its own bytes, which the leader counts before it applies.
     *
     * @param name       printable ASCII, no spaces; stored in lower case ("set", or "config|get" for a subcommand).
     * @param arity      exact (positive) or minimum (negative) number of arguments including the name; not 0.
     * @param flags      {@code FLAG_*} bits.
     * @param firstKey   index of the first key argument, 0 if the command takes no key.
     * @param lastKey    index of the last key argument, negative to count from the end (-1 is the last argument).
     * @param step       distance between key arguments, 0 if the command takes no key.
     * @param categories {@code CATEGORY_*} bits beyond those implied by the flags, e.g. {@link #CATEGORY_STRING}.
     * @param executor   executes the command.
     * @param validator  checks the syntax of the arguments before execution, or null if there is nothing to check.
     * @param growth     the most memory the command may add, or null when it adds no more than its own bytes.
     */
    public Command(
        final String name,
        final int arity,
        final int flags,
        final int firstKey,
        final int lastKey,
        final int step,
        final long categories,
        final CommandExecutor executor,
        final CommandValidator validator,
        final CommandGrowth growth)
    {
        if (null == name || name.isEmpty())
        {
            throw new IllegalArgumentException("name must not be empty");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c > '~')
            {
                throw new IllegalArgumentException("name must be printable ASCII without spaces: " + name);
            }
        }
        if (0 == arity)
        {
            throw new IllegalArgumentException("arity must not be 0: " + name);
        }
        if ((flags & ~((1 << FLAG_NAMES.length) - 1)) != 0)
        {
            throw new IllegalArgumentException("unknown flags " + Integer.toHexString(flags) + ": " + name);
        }
        if ((categories & ~((1L << CATEGORY_NAMES.length) - 1)) != 0)
        {
            throw new IllegalArgumentException(
                "unknown categories " + Long.toHexString(categories) + ": " + name);
        }
        if (firstKey < 0 || step < 0)
        {
            throw new IllegalArgumentException("firstKey and step must not be negative: " + name);
        }
        if (null == executor)
        {
            throw new NullPointerException("executor");
        }

        this.name = name.toLowerCase(Locale.ROOT);
        this.nameBytes = this.name.getBytes(StandardCharsets.US_ASCII);
        this.arity = arity;
        this.flags = flags;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.step = step;
        this.categories = categories | impliedCategories(flags, categories);
        this.flagNames = names(flags, FLAG_NAMES);
        this.categoryNames = names(this.categories, CATEGORY_NAMES);
        this.arityError = "ERR wrong number of arguments for '" + this.name + "' command";
        this.executor = executor;
        this.validator = validator;
        this.growth = growth;
    }

    /**
     * @return the name in lower case.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return exact (positive) or minimum (negative) number of arguments, counting the name.
     */
    public int arity()
    {
        return arity;
    }

    /**
     * @return the {@code FLAG_*} bits.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @param flag one or more {@code FLAG_*} bits.
     * @return true if the command has all of them.
     */
    public boolean hasFlag(final int flag)
    {
        return (flags & flag) == flag;
    }

    /**
     * @return true if the command may change the keyspace, so it must go through the log.
     */
    public boolean isWrite()
    {
        return (flags & FLAG_WRITE) != 0;
    }

    /**
     * @return true if the command only reads.
     */
    /**
     * @return true when the command may use more memory: refused with -OOM while maxmemory is passed.
     */
    public boolean isDenyOom()
    {
        return 0 != (flags & FLAG_DENYOOM);
    }

    public boolean isReadOnly()
    {
        return (flags & FLAG_READONLY) != 0;
    }

    /**
     * @return index of the first key argument, 0 if none.
     */
    public int firstKey()
    {
        return firstKey;
    }

    /**
     * @return index of the last key argument, negative counting from the end.
     */
    public int lastKey()
    {
        return lastKey;
    }

    /**
     * @return distance between key arguments, 0 if none.
     */
    public int step()
    {
        return step;
    }

    /**
     * @return the {@code CATEGORY_*} bits including those implied by the flags.
     */
    public long categories()
    {
        return categories;
    }

    /**
     * The flags as COMMAND lists them (status replies, in Redis's order), e.g. ["write", "denyoom"].
     *
     * @return a shared array that must not be modified.
     */
    public String[] flagNames()
    {
        return flagNames;
    }

    /**
     * The ACL categories as COMMAND lists them (status replies, in Redis's order), e.g. ["@write", "@string",
     * "@slow"].
     *
     * @return a shared array that must not be modified.
     */
    public String[] categoryNames()
    {
        return categoryNames;
    }

    /**
     * @return the executor.
     */
    public CommandExecutor executor()
    {
        return executor;
    }

    /**
     * @return the validator or null if the command has none.
     */
    public CommandValidator validator()
    {
        return validator;
    }

    /**
     * The most memory the command may add to the keyspace beyond its own bytes, see {@link CommandGrowth}.
     *
     * @param args     the parsed command, already validated.
     * @param keyspace the database it will be applied to, its clock set for reading; not changed.
     * @return bytes, 0 for a command that declares none.
     */
    public long growth(final RespParser args, final Keyspace keyspace)
    {
        return null == growth ? 0 : growth.bytes(args, keyspace);
    }

    /**
     * @param argCount number of arguments including the command name.
     * @return true if the arity allows that many arguments.
     */
    public boolean checkArity(final int argCount)
    {
        return arity > 0 ? argCount == arity : argCount >= -arity;
    }

    /**
     * @return "ERR wrong number of arguments for 'name' command" (preallocated).
     */
    public String arityError()
    {
        return arityError;
    }

    /**
     * Make a command blocking: a member serves it when one of its keys has what it wants.
     *
     * @param blocking see {@link Blocking}.
     * @return this command.
     */
    public Command blocking(final Blocking blocking)
    {
        this.blocking = blocking;
        return this;
    }

    /**
     * @return how the command blocks, or null if it does not.
     */
    public Blocking blocking()
    {
        return blocking;
    }

    /**
     * Give a command with movable keys the way to find them.
     *
     * @param keyFinder see {@link KeyFinder}.
     * @return this command.
     */
    public Command keyFinder(final KeyFinder keyFinder)
    {
        this.keyFinder = keyFinder;
        return this;
    }

    /**
     * The positions of the command's keys, as COMMAND GETKEYS gives them: from first key, last key and step, or from
     * its {@link KeyFinder} when its keys move.
     *
     * @param args  holding the command, its name at base.
     * @param base  where the command's name is among args.
     * @param count how many arguments the command has, its name included.
     * @return the positions counted from the name, empty if it takes no key, or null if the arguments name no valid
     * keys.
     */
    public int[] keyPositions(final RespParser args, final int base, final int count)
    {
        if (null != keyFinder)
        {
            return keyFinder.keys(args, base, count);
        }
        if (0 == firstKey)
        {
            return new int[0];
        }
        final int last = lastKey < 0 ? count + lastKey : Math.min(lastKey, count - 1);
        final int stride = Math.max(1, step);
        final int n = last < firstKey ? 0 : (last - firstKey) / stride + 1;
        final int[] keys = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = firstKey + i * stride;
        }
        return keys;
    }

    /**
     * Give a write whose effect is random the step that decides it on the leader before it is logged.
     *
     * @param rewriter see {@link CommandRewriter}.
     * @return this command.
     */
    public Command rewriter(final CommandRewriter rewriter)
    {
        this.rewriter = rewriter;
        return this;
    }

    /**
     * @return the step that turns the command into its deterministic form before it is logged, or null if it is
     * logged as it is.
     */
    public CommandRewriter rewriter()
    {
        return rewriter;
    }

    /**
     * Check arity then syntax, without a keyspace: what a node does before proposing a write to the log.
     *
     * @param args the parsed command.
     * @return null if the command may be executed, else the full error message to reply with.
     */
    public String validate(final RespParser args)
    {
        if (!checkArity(args.argCount()))
        {
            return arityError;
        }

        return null == validator ? null : validator.validate(args);
    }

    /**
     * Validate then execute the command, writing exactly one reply: the validation error, Redis's WRONGTYPE error
     * if the executor met a key of the wrong type, or the executor's reply. Applying a committed entry calls this,
     * so an entry that was never validated still gets the same reply on every node.
     *
     * @param args     the parsed command.
     * @param keyspace to execute against.
     * @param out      to write the reply to.
     */
    public void execute(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final String error = validate(args);
        if (null != error)
        {
            out.error(error);
            return;
        }

        try
        {
            executor.execute(args, keyspace, out);
        }
        catch (final WrongTypeException ex)
        {
            out.error(ErrorReplies.WRONG_TYPE);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Command{name=" + name + ", arity=" + arity + ", flags=" + String.join(",", flagNames) +
            ", keys=" + firstKey + "," + lastKey + "," + step + ", categories=" + String.join(",", categoryNames) +
            "}";
    }

    byte[] nameBytes()
    {
        return nameBytes;
    }

    private static long impliedCategories(final int flags, final long categories)
    {
        long implied = 0;
        if ((flags & FLAG_WRITE) != 0)
        {
            implied |= CATEGORY_WRITE;
        }
        if ((flags & FLAG_READONLY) != 0 && (categories & CATEGORY_SCRIPTING) == 0)
        {
            implied |= CATEGORY_READ;
        }
        if ((flags & FLAG_ADMIN) != 0)
        {
            implied |= CATEGORY_ADMIN | CATEGORY_DANGEROUS;
        }
        if ((flags & FLAG_PUBSUB) != 0)
        {
            implied |= CATEGORY_PUBSUB;
        }
        if ((flags & FLAG_FAST) != 0)
        {
            implied |= CATEGORY_FAST;
        }
        if ((flags & FLAG_BLOCKING) != 0)
        {
            implied |= CATEGORY_BLOCKING;
        }
        if (((categories | implied) & CATEGORY_FAST) == 0)
        {
            implied |= CATEGORY_SLOW;
        }

        return implied;
    }

    private static String[] names(final long bits, final String[] allNames)
    {
        final String[] names = new String[Long.bitCount(bits)];
        for (int i = 0, j = 0; i < allNames.length; i++)
        {
            if ((bits & (1L << i)) != 0)
            {
                names[j++] = allNames[i];
            }
        }

        return names;
    }
}

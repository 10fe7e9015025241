package io.raftis.store;

import io.raftis.resp.RespParser;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Redis 6+ access control lists: users with passwords (kept as SHA-256), an on/off switch, the commands they may
 * run (by name, subcommand or category) and the keys they may read and write (glob patterns), as ACL SETUSER
 * writes them. The users are state of every member, changed only by applying ACL SETUSER and ACL DELUSER from the
 * log, so every member enforces the same rules; a leader turns passwords into their hashes before it proposes a
 * change ({@link #hashPasswords}), so no password reaches the log in clear.
 * <p>
 * Permissions are checked against Redis's units: a command, or for a command with subcommands (ACL, CONFIG,
 * CLIENT, COMMAND, CLUSTER) each subcommand, named {@code acl|setuser}, with categories of its own.
 * <p>
 * Arguments are read one byte per char (ISO-8859-1), so that passwords, names and key patterns keep their bytes.
 * <p>
 * Not thread safe: it belongs to the node's single thread.
 */
public final class Acl
{
    public static final String DEFAULT_USER = "default";
    /** Redis's words, from its acl.c and server.c. */
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String KEY_ERROR = "NOPERM this user has no permissions to access one of the keys used as arguments";

    /** The keys a command reads (R), writes (W) or both, by Redis 7's key specs; others: by their flags. */
    private static final Map<String, Integer> KEY_ACCESS = Map.ofEntries(
        Map.entry("get", Access.READ), Map.entry("exists", Access.READ), Map.entry("mget", Access.READ),
        Map.entry("strlen", Access.READ), Map.entry("set", Access.WRITE), Map.entry("setnx", Access.WRITE),
        Map.entry("mset", Access.WRITE), Map.entry("del", Access.WRITE), Map.entry("getset", Access.READ_WRITE),
        Map.entry("incr", Access.READ_WRITE), Map.entry("decr", Access.READ_WRITE),
        Map.entry("incrby", Access.READ_WRITE), Map.entry("decrby", Access.READ_WRITE),
        Map.entry("append", Access.READ_WRITE), Map.entry("sort", Access.READ), Map.entry("sort_ro", Access.READ));

    /** Subcommands of the commands that have them, with their categories as Redis 7.0 gives them. */
    private static final Map<String, Map<String, Long>> SUBCOMMANDS = Map.of(
        "acl", Map.of(
            "setuser", admin(), "getuser", admin(), "deluser", admin(), "list", admin(), "users", admin(),
            "dryrun", admin(), "whoami", Command.CATEGORY_SLOW, "cat", Command.CATEGORY_SLOW),
        "config", Map.of("get", admin()),
        "client", Map.of(
            "setname", connection(), "getname", connection(), "id", connection(), "setinfo", connection(),
            "info", connection(), "list", admin() | Command.CATEGORY_CONNECTION),
        "command", Map.of("count", connection(), "info", connection(), "docs", connection()),
        "cluster", Map.of(
            "info", Command.CATEGORY_SLOW, "slots", Command.CATEGORY_SLOW, "shards", Command.CATEGORY_SLOW,
            "nodes", Command.CATEGORY_SLOW, "myid", Command.CATEGORY_SLOW));

    private static final String[] CATEGORIES = {
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
        "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction",
        "scripting" };

    /** Every permission unit (a command, or a command|subcommand) with its categories. */
    private final Map<String, Long> units = new TreeMap<>();
    private final Map<String, User> users = new TreeMap<>();

    /**
     * @param tables the commands the node serves, from which the units and their categories are taken.
     */
    public Acl(final CommandTable... tables)
    {
        for (final CommandTable table : tables)
        {
            table.forEach(command ->
            {
                final Map<String, Long> subcommands = SUBCOMMANDS.get(command.name());
                if (null == subcommands)
                {
                    units.put(command.name(), command.categories());
                }
                else
                {
                    subcommands.forEach((sub, categories) -> units.put(command.name() + "|" + sub, categories));
                }
            });
        }
        final User defaultUser = new User(DEFAULT_USER);
        defaultUser.enabled = true;
        defaultUser.nopass = true;
        defaultUser.setCommands(this, true);
        defaultUser.keys.add(new KeyPattern("*", Access.READ_WRITE));
        defaultUser.allChannels = true;
        users.put(DEFAULT_USER, defaultUser);
    }

    /**
     * Set the default user's password, as requirepass does at start: text, which a client sends as UTF-8.
     */
    public void requirePass(final String password)
    {
        final User user = users.get(DEFAULT_USER);
        user.nopass = false;
        user.passwords.clear();
        user.passwords.add(sha256Hex(password.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @return true when a client that has not authenticated may run only AUTH, HELLO and QUIT: the default user has
     * a password or is off.
     */
    public boolean authRequired()
    {
        final User user = users.get(DEFAULT_USER);
        return !user.nopass || !user.enabled;
    }

    /**
     * @return true when the default user needs no password (AUTH of the default user then fails, as in Redis).
     */
    public boolean defaultUserHasNoPassword()
    {
        return users.get(DEFAULT_USER).nopass;
    }

    /**
     * @return the user named, if it is on and the password is one of its (or it needs none), else null. The hashes
     * are compared in constant time.
     */
    public User authenticate(final String name, final byte[] password)
    {
        final User user = users.get(name);
        if (null == user || !user.enabled)
        {
            return null;
        }
        if (user.nopass)
        {
            return user;
        }
        final byte[] hash = sha256Hex(password).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (final String candidate : user.passwords)
        {
            match |= MessageDigest.isEqual(hash, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return match ? user : null;
    }

    public User user(final String name)
    {
        return users.get(name);
    }

    public Set<String> userNames()
    {
        return users.keySet();
    }

    /**
     * @return null when the user may run the command with these arguments, else the reason in Redis's words for
     * ACL DRYRUN ("This user has no permissions to …") or, with a NOPERM prefix and in lower case, for a client.
     */
    public String check(final User user, final Command command, final RespParser args,
        final boolean dryRun)
    {
        final String unit = unitOf(command, args);
        if (null != unit && !user.commands.contains(unit))
        {
            return (dryRun ? "This" : "NOPERM this") + " user has no permissions to run the '" + unit + "' command";
        }
        if (command.firstKey() <= 0 || user.mayAccessEveryKey(Access.READ_WRITE))
        {
            return null;
        }
        final int access = keyAccess(command, args);
        final int last = command.lastKey() < 0 ? args.argCount() + command.lastKey() : command.lastKey();
        final int step = Math.max(1, command.step());
        for (int i = command.firstKey(); i <= last && i < args.argCount(); i += step)
        {
            if (!user.mayAccess(args.argBuffer(), args.argOffset(i), args.argLength(i), access))
            {
                return keyDenial(args, i, dryRun);
            }
        }
        final boolean sortRo = "sort_ro".equals(command.name());
        return sortRo || "sort".equals(command.name()) ? checkSort(user, command, args, dryRun, sortRo) : null;
    }

    /**
     * @return the refusal of the key at argument i: in Redis's words for ACL DRYRUN, else the client's NOPERM error.
     */
    private static String keyDenial(final RespParser args, final int i, final boolean dryRun)
    {
        return dryRun ? "This user has no permissions to access the '" + args.argString(i) + "' key" : KEY_ERROR;
    }

    /**
     * SORT's keys beyond the one it sorts: the STORE destination, written; and, as Redis, a user who may not read
     * every key may not name a BY pattern or a GET, which read keys named by the elements (refused by SORT itself,
     * so not by ACL DRYRUN).
     */
    private static String checkSort(
        final User user, final Command command, final RespParser args, final boolean dryRun, final boolean sortRo)
    {
        final int[] keys = command.keyPositions(args, 0, args.argCount());
        for (int k = 1; null != keys && k < keys.length; k++)
        {
            final int i = keys[k];
            if (!user.mayAccess(args.argBuffer(), args.argOffset(i), args.argLength(i), Access.WRITE))
            {
                return keyDenial(args, i, dryRun);
            }
        }
        return dryRun || user.mayAccessEveryKey(Access.READ) ? null : SortCommands.patternDenial(args, sortRo);
    }

    /**
     * @return the permission unit of this invocation: the command's name, or "command|subcommand"; null for a
     * subcommand that does not exist (the command answers that itself).
     */
    String unitOf(final Command command, final RespParser args)
    {
        final Map<String, Long> subcommands = SUBCOMMANDS.get(command.name());
        if (null == subcommands)
        {
            return command.name();
        }
        if (args.argCount() < 2)
        {
            return null;
        }
        final String sub = args.argString(1).toLowerCase(Locale.ROOT);
        return subcommands.containsKey(sub) ? command.name() + "|" + sub : null;
    }

    private static int keyAccess(final Command command, final RespParser args)
    {
        final Integer access = KEY_ACCESS.get(command.name());
        if (null == access)
        {
            return command.isWrite() ? Access.READ_WRITE : Access.READ;
        }
        if ("set".equals(command.name()))
        {
            for (int i = 3; i < args.argCount(); i++)
            {
                if ("GET".equalsIgnoreCase(args.argString(i)))
                {
                    return Access.READ_WRITE; // SET … GET reads the old value too
                }
            }
        }
        return access;
    }

    /**
     * Apply ACL SETUSER's rules to the user, creating it when new (off, no password, no commands, no keys). The rules
     * are checked all before any applies: on an error the user is as it was.
     *
     * @return null, or the error in Redis's words.
     */
    public String setUser(final String name, final List<String> rules)
    {
        final User user = new User(name);
        final String error = applyToCopy(name, rules, user);
        if (null == error)
        {
            users.put(name, user);
        }
        return error;
    }

    /**
     * @return the error, or null when every user named may be deleted (DELUSER of default is refused).
     */
    public String checkDelUser(final List<String> names)
    {
        return names.contains(DEFAULT_USER) ? "ERR The 'default' user cannot be removed" : null;
    }

    /**
     * @return how many of the users existed and are now gone.
     */
    public int delUser(final List<String> names)
    {
        int deleted = 0;
        for (final String name : names)
        {
            if (!DEFAULT_USER.equals(name) && null != users.remove(name))
            {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Check SETUSER's rules without applying them, on a copy.
     */
    public String validateSetUser(final String name, final List<String> rules)
    {
        return applyToCopy(name, rules, new User(name));
    }

    /**
     * Apply the rules to into, a blank user that becomes a copy of the user named (if any) and then takes them.
     *
     * @return null, or the error in Redis's words.
     */
    private String applyToCopy(final String name, final List<String> rules, final User into)
    {
        if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0)
        {
            return "ERR Usernames can't contain spaces or null characters";
        }
        final User existing = users.get(name);
        if (null != existing)
        {
            existing.copyTo(into);
        }
        for (final String rule : rules)
        {
            final String error = into.apply(rule, this);
            if (null != error)
            {
                return "ERR Error in ACL SETUSER modifier '" + rule + "': " + error;
            }
        }
        return null;
    }

    /**
     * @return the rules with each {@code >password} turned into {@code #sha256} and each {@code <password} into
     * {@code !sha256}: what the leader proposes, so that no password reaches the log.
     */
    public static List<String> hashPasswords(final List<String> rules)
    {
        final List<String> hashed = new ArrayList<>(rules.size());
        for (final String rule : rules)
        {
            if (rule.startsWith(">"))
            {
                hashed.add("#" + sha256Hex(rule.substring(1)));
            }
            else if (rule.startsWith("<"))
            {
                hashed.add("!" + sha256Hex(rule.substring(1)));
            }
            else
            {
                hashed.add(rule);
            }
        }
        return hashed;
    }

    /**
     * @return the category names, in Redis's order.
     */
    public static String[] categories()
    {
        return CATEGORIES.clone();
    }

    /**
     * @return the units of a category, or null when there is no such category.
     */
    public List<String> unitsOf(final String category)
    {
        final int index = Arrays.asList(CATEGORIES).indexOf(category.toLowerCase(Locale.ROOT));
        if (index < 0)
        {
            return null;
        }
        final List<String> result = new ArrayList<>();
        units.forEach((unit, categories) ->
        {
            if (0 != (categories & (1L << index)))
            {
                result.add(unit);
            }
        });
        return result;
    }

    /**
     * @return ACL LIST's line for the user: "user alice on #… ~keys resetchannels -@all +@string …".
     */
    public String describe(final User user)
    {
        final StringBuilder sb = new StringBuilder("user ").append(user.name);
        sb.append(user.enabled ? " on" : " off");
        if (user.nopass)
        {
            sb.append(" nopass");
        }
        for (final String password : user.passwords)
        {
            sb.append(" #").append(password);
        }
        final String keys = user.describeKeys();
        if (!keys.isEmpty())
        {
            sb.append(' ').append(keys);
        }
        sb.append(user.allChannels ? " &*" : " resetchannels");
        sb.append(' ').append(user.describeCommands());
        return sb.toString();
    }

    /**
     * @param password as ACL's arguments are read: each byte one char (ISO-8859-1), so any bytes survive.
     */
    static String sha256Hex(final String password)
    {
        return sha256Hex(password.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String sha256Hex(final byte[] password)
    {
        try
        {
            return BitUtil.toHex(MessageDigest.getInstance("SHA-256").digest(password));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long admin()
    {
        return Command.CATEGORY_ADMIN | Command.CATEGORY_SLOW | Command.CATEGORY_DANGEROUS;
    }

    private static long connection()
    {
        return Command.CATEGORY_SLOW | Command.CATEGORY_CONNECTION;
    }

    /**
     * Read, write or both, as a key pattern allows and a command needs.
     */
    static final class Access
    {
        static final int READ = 1;
        static final int WRITE = 2;
        static final int READ_WRITE = 3;

        private Access()
        {
        }
    }

    private static final class KeyPattern
    {
        private final String pattern;
        private final int access;
        private final UnsafeBuffer bytes;

        KeyPattern(final String pattern, final int access)
        {
            this.pattern = pattern;
            this.access = access;
            this.bytes = new UnsafeBuffer(pattern.getBytes(StandardCharsets.ISO_8859_1));
        }

        String describe()
        {
            return (Access.READ_WRITE == access ? "~" : Access.READ == access ? "%R~" : "%W~") + pattern;
        }
    }

    /**
     * One user: what ACL GETUSER shows.
     */
    public static final class User
    {
        private final String name;
        private boolean enabled;
        private boolean nopass;
        private final LinkedHashSet<String> passwords = new LinkedHashSet<>();
        private final Set<String> commands = new TreeSet<>();
        /** The command rules in force, in order, each one's units, for ACL LIST: the first is +@all or -@all. */
        private final List<String> commandRules = new ArrayList<>(List.of("-@all"));
        private final List<KeyPattern> keys = new ArrayList<>();
        private boolean allChannels;

        User(final String name)
        {
            this.name = name;
        }

        public String name()
        {
            return name;
        }

        public boolean enabled()
        {
            return enabled;
        }

        public boolean nopass()
        {
            return nopass;
        }

        public List<String> passwords()
        {
            return new ArrayList<>(passwords);
        }

        public String describeCommands()
        {
            return String.join(" ", commandRules);
        }

        public String describeKeys()
        {
            final StringBuilder sb = new StringBuilder();
            for (final KeyPattern key : keys)
            {
                sb.append(sb.length() > 0 ? " " : "").append(key.describe());
            }
            return sb.toString();
        }

        public boolean allChannels()
        {
            return allChannels;
        }

        /**
         * @return whether a pattern "*" gives the user this access (all of its bits) to every key.
         */
        private boolean mayAccessEveryKey(final int access)
        {
            for (int i = 0, size = keys.size(); i < size; i++) // on every command: no iterator
            {
                final KeyPattern key = keys.get(i);
                if ("*".equals(key.pattern) && access == (key.access & access))
                {
                    return true;
                }
            }
            return false;
        }

        private boolean mayAccess(
            final DirectBuffer buffer, final int offset, final int length, final int access)
        {
            final byte[] key = new byte[length];
            buffer.getBytes(offset, key);
            for (final KeyPattern pattern : keys)
            {
                if ((pattern.access & access) == access &&
                    Glob.matches(pattern.bytes, 0, pattern.bytes.capacity(), key, false))
                {
                    return true;
                }
            }
            return false;
        }

        private void copyTo(final User copy)
        {
            copy.enabled = enabled;
            copy.nopass = nopass;
            copy.passwords.addAll(passwords);
            copy.commands.addAll(commands);
            copy.commandRules.clear();
            copy.commandRules.addAll(commandRules);
            copy.keys.addAll(keys);
            copy.allChannels = allChannels;
        }

        /**
         * @return null, or what is wrong with the rule.
         */
        private String apply(final String rule, final Acl acl)
        {
            final String lower = rule.toLowerCase(Locale.ROOT);
            switch (lower)
            {
                case "on" -> enabled = true;
                case "off" -> enabled = false;
                case "nopass" ->
                {
                    nopass = true;
                    passwords.clear();
                }
                case "resetpass" ->
                {
                    nopass = false;
                    passwords.clear();
                }
                case "allkeys" -> keys.add(new KeyPattern("*", Access.READ_WRITE));
                case "resetkeys" -> keys.clear();
                case "allchannels" -> allChannels = true;
                case "resetchannels" -> allChannels = false;
                case "allcommands" -> setCommands(acl, true);
                case "nocommands" -> setCommands(acl, false);
                case "reset" ->
                {
                    passwords.clear();
                    nopass = false;
                    keys.clear();
                    allChannels = false;
                    enabled = false;
                    setCommands(acl, false);
                }
                default ->
                {
                    return applyWithArgument(rule, lower, acl);
                }
            }
            return null;
        }

        private String applyWithArgument(final String rule, final String lower, final Acl acl)
        {
            if (rule.startsWith(">"))
            {
                passwords.add(sha256Hex(rule.substring(1)));
                nopass = false;
                return null;
            }
            if (rule.startsWith("<"))
            {
                return passwords.remove(sha256Hex(rule.substring(1))) ? null :
                    "The password you are trying to remove from the user does not exist";
            }
            if (rule.startsWith("#") || rule.startsWith("!"))
            {
                final String hash = rule.substring(1);
                if (64 != hash.length() ||
                    !hash.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                {
                    return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal " +
                        "characters";
                }
                if (rule.startsWith("#"))
                {
                    passwords.add(hash);
                    nopass = false;
                    return null;
                }
                return passwords.remove(hash) ? null :
                    "The password you are trying to remove from the user does not exist";
            }
            if (rule.startsWith("~"))
            {
                keys.add(new KeyPattern(rule.substring(1), Access.READ_WRITE));
                return null;
            }
            if (rule.startsWith("%"))
            {
                final int tilde = rule.indexOf('~');
                if (tilde < 2)
                {
                    return "Syntax error";
                }
                int access = 0;
                for (int i = 1; i < tilde; i++)
                {
                    final char c = Character.toUpperCase(rule.charAt(i));
                    if ('R' == c)
                    {
                        access |= Access.READ;
                    }
                    else if ('W' == c)
                    {
                        access |= Access.WRITE;
                    }
                    else
                    {
                        return "Syntax error";
                    }
                }
                keys.add(new KeyPattern(rule.substring(tilde + 1), access));
                return null;
            }
            if (rule.startsWith("&"))
            {
                allChannels |= "&*".equals(rule); // raftis has no Pub/Sub: a channel pattern is kept for LIST only
                return null;
            }
            if (lower.startsWith("+") || lower.startsWith("-"))
            {
                return applyCommandRule(lower, acl);
            }
            return "Syntax error";
        }

        private String applyCommandRule(final String rule, final Acl acl)
        {
            final boolean allow = rule.charAt(0) == '+';
            final String target = rule.substring(1);
            if ("@all".equals(target))
            {
                setCommands(acl, allow);
                return null;
            }
            final Set<String> matched = unitsOfRule(target, acl);
            if (null == matched)
            {
                return "Unknown command or category name in ACL";
            }
            if (allow)
            {
                commands.addAll(matched);
            }
            else
            {
                commands.removeAll(matched);
            }
            // a later rule overrides every earlier one it covers: drop those, so that LIST stays short and exact
            final List<String> kept = new ArrayList<>();
            kept.add(commandRules.get(0));
            for (int i = 1; i < commandRules.size(); i++)
            {
                final String earlier = commandRules.get(i);
                if (!matched.containsAll(unitsOfRule(earlier.substring(1), acl)))
                {
                    kept.add(earlier);
                }
            }
            commandRules.clear();
            commandRules.addAll(kept);
            commandRules.add(rule);
            return null;
        }

        /**
         * @return the units a rule's target names: a category's, or a command's (all its subcommands) or one
         * subcommand; null when it names nothing.
         */
        private static Set<String> unitsOfRule(final String target, final Acl acl)
        {
            if (target.startsWith("@"))
            {
                final List<String> units = acl.unitsOf(target.substring(1));
                return null == units ? null : new TreeSet<>(units);
            }
            final Set<String> result = new TreeSet<>();
            for (final String unit : acl.units.keySet())
            {
                if (unit.equals(target) || unit.startsWith(target + "|"))
                {
                    result.add(unit);
                }
            }
            return result.isEmpty() ? null : result;
        }

        private void setCommands(final Acl acl, final boolean all)
        {
            commands.clear();
            if (all)
            {
                commands.addAll(acl.units.keySet());
            }
            commandRules.clear();
            commandRules.add(all ? "+@all" : "-@all");
        }
    }

    /**
     * For tests: the categories of each unit.
     */
    Map<String, Long> units()
    {
        return new HashMap<>(units);
    }
}

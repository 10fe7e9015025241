package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.config.Context;
import io.raftis.config.JvmLimits;
import io.raftis.config.Member;
import io.raftis.log.SegmentedLog;
import io.raftis.raft.RaftNode;
import io.raftis.raft.Role;
import io.raftis.resp.ClientConnections;
import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import io.raftis.store.Acl;
import io.raftis.store.Command;
import io.raftis.store.CommandTable;
import io.raftis.store.Glob;
import io.raftis.store.Databases;
import io.raftis.store.Keyspace;
import io.raftis.transport.TransportCounters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The commands a node answers itself, on any member and without the log: connection commands (PING, ECHO, QUIT,
 * SELECT, HELLO, CLIENT), introspection (INFO, ROLE, COMMAND, CONFIG GET) that redis-cli, redis-benchmark and
 * client libraries send.
 */
final class ServerCommands
{
    static final String REDIS_VERSION = "7.2.0";
    static final String RAFTIS_VERSION = "0.1.0";

    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SETNAME = "SETNAME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETNAME = "GETNAME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "ID".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SETINFO = "SETINFO".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "INFO".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST = "LIST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTH = "AUTH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOCS = "DOCS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETKEYS = "GETKEYS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELP = "HELP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESETSTAT = "RESETSTAT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SLOTS = "SLOTS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHARDS = "SHARDS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NODES = "NODES".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MYID = "MYID".getBytes(StandardCharsets.US_ASCII);
    private static final int LAST_SLOT = 16383;

    /** What CONFIG GET answers: the settings clients ask about, with raftis's fixed values. */
    private static final String[][] CONFIG =
    {
        {"save", ""},
        {"appendonly", "no"},
        {"databases", "1"},
        {"maxmemory", null}, // from the member's settings, as those below that are null
        {"maxmemory-policy", "noeviction"},
        {"maxmemory-clients", null},
        {"client-output-buffer-limit", null},
        {"proto-max-bulk-len", "" + RespParser.MAX_BULK_LENGTH},
        {"client-query-buffer-limit", "1073741824"},
        {"cluster-enabled", "no"},
        {"timeout", null}, // from the member's settings, as maxclients
        {"tcp-keepalive", "300"},
        {"maxclients", null}, // from the member's settings
    };
    private static final byte[][] CONFIG_NAME_BYTES = new byte[CONFIG.length][];

    static
    {
        for (int j = 0; j < CONFIG.length; j++)
        {
            CONFIG_NAME_BYTES[j] = CONFIG[j][0].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Context ctx;
    private final CommandTable table = new CommandTable();
    private final CommandTable dataCommands;
    private final Databases databases;
    private final Consumer<String> eventLog;
    private final long startNs = System.nanoTime();
    private RaftNode raft;
    private ClientConnections connections;
    private CommandDispatcher dispatcher;
    private TransportCounters transportCounters;
    private DutyCycleStats dutyCycle = new DutyCycleStats(Configuration.HEARTBEAT_INTERVAL_DEFAULT_NS);
    private long clusterId;
    private SegmentedLog log;
    private Session current;
    private Acl acl;
    private final CommandDocs docs = CommandDocs.shipped();
    private final RespParser dryRunParser = new RespParser();
    private final org.agrona.ExpandableArrayBuffer dryRunBuffer = new org.agrona.ExpandableArrayBuffer(256);
    private long leaderChanges;

    ServerCommands(final Context ctx, final CommandTable dataCommands, final Databases databases)
    {
        this(ctx, dataCommands, databases, System.out::println);
    }

    /**
     * @param eventLog receives a line for each event an operator reads in the node's log, such as a role change.
     */
    ServerCommands(
        final Context ctx, final CommandTable dataCommands, final Databases databases, final Consumer<String> eventLog)
    {
        this.ctx = ctx;
        this.dataCommands = dataCommands;
        this.databases = databases;
        this.eventLog = eventLog;
        final int fast = Command.FLAG_FAST;
        final int stale = Command.FLAG_STALE | Command.FLAG_LOADING;
        register("ping", -1, fast | stale, Command.CATEGORY_CONNECTION, this::ping);
        register("echo", 2, fast | stale, Command.CATEGORY_CONNECTION, (a, k, out) -> out.bulk(a.argBuffer(),
            a.argOffset(1), a.argLength(1)));
        register("quit", -1, fast | stale | Command.FLAG_NO_AUTH, Command.CATEGORY_CONNECTION, this::quit);
        register("select", 2, fast | stale, Command.CATEGORY_CONNECTION, this::select);
        register("hello", -1, fast | stale | Command.FLAG_NO_AUTH, Command.CATEGORY_CONNECTION, this::hello);
        register("auth", -2, fast | stale | Command.FLAG_NO_AUTH, Command.CATEGORY_CONNECTION, this::auth);
        register("acl", -2, Command.FLAG_ADMIN | stale, 0, this::acl);
        register("client", -2, stale, Command.CATEGORY_CONNECTION, this::client);
        register("command", -1, stale, Command.CATEGORY_CONNECTION, this::command);
        register("config", -2, Command.FLAG_ADMIN | stale, 0, this::config);
        register("info", -1, stale, Command.CATEGORY_DANGEROUS, this::info);
        register("role", 1, fast | stale, Command.CATEGORY_ADMIN, this::role);
        register("cluster", -2, stale, 0, this::cluster);
        register("time", 1, fast | stale, 0, ServerCommands::time);
        // MULTI, EXEC, DISCARD, WATCH and UNWATCH keep per-connection state the dispatcher owns: it runs them itself
        final int transaction = Command.FLAG_NOSCRIPT | stale;
        register("multi", 1, transaction | fast | Command.FLAG_ALLOW_BUSY, Command.CATEGORY_TRANSACTION,
            ServerCommands::runByDispatcher);
        register("exec", 1, transaction | Command.FLAG_SKIP_SLOWLOG, Command.CATEGORY_TRANSACTION,
            ServerCommands::runByDispatcher);
        register("discard", 1, transaction | fast | Command.FLAG_ALLOW_BUSY, Command.CATEGORY_TRANSACTION,
            ServerCommands::runByDispatcher);
        table.register(new Command("watch", -2, transaction | fast | Command.FLAG_ALLOW_BUSY, 1, -1, 1,
            Command.CATEGORY_TRANSACTION, ServerCommands::runByDispatcher));
        register("unwatch", 1, transaction | fast | Command.FLAG_ALLOW_BUSY, Command.CATEGORY_TRANSACTION,
            ServerCommands::runByDispatcher);
    }

    /**
     * @return whether the command is one of the transaction commands the dispatcher runs itself.
     */
    static boolean isTransactionCommand(final Command command)
    {
        return Command.CATEGORY_TRANSACTION == (command.categories() & Command.CATEGORY_TRANSACTION);
    }

    private static void runByDispatcher(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        throw new IllegalStateException(args.argString(0) + " is run by the dispatcher, with the connection's state");
    }


    private void register(
        final String name, final int arity, final int flags, final long categories,
        final io.raftis.store.CommandExecutor executor)
    {
        table.register(new Command(name, arity, flags, 0, 0, 0, categories, executor));
    }

    void bind(
        final RaftNode raft,
        final ClientConnections connections,
        final CommandDispatcher dispatcher,
        final TransportCounters transportCounters,
        final SegmentedLog log,
        final long clusterId,
        final DutyCycleStats dutyCycle)
    {
        this.clusterId = clusterId;
        this.dutyCycle = dutyCycle;
        this.log = log;
        this.raft = raft;
        this.connections = connections;
        this.dispatcher = dispatcher;
        this.transportCounters = transportCounters;
        this.acl = dispatcher.acl();
    }

    /**
     * @return the commands this class answers itself.
     */
    CommandTable commands()
    {
        return table;
    }

    Command lookup(final RespParser args)
    {
        return table.lookup(args);
    }

    void execute(final Session session, final Command command, final RespParser args, final RespWriter out)
    {
        current = session;
        try
        {
            command.execute(args, databases.get(session.db), out);
        }
        finally
        {
            current = null;
        }
    }

    void onRoleChange(final Role role, final long term, final int leaderId)
    {
        leaderChanges++;
        final Member leader = ctx.member(leaderId);
        eventLog.accept(timestamp() + " member " + ctx.memberId() + " is " + role.name().toLowerCase(Locale.ROOT) +
            " in term " + term + (null != leader ? ", leader " + leaderId + " at " + leader.clientEndpoint() : ""));
    }

    static String timestamp()
    {
        return java.time.LocalTime.now().toString();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void ping(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argCount() > 2)
        {
            out.error("ERR wrong number of arguments for 'ping' command");
        }
        else if (args.argCount() == 2)
        {
            out.bulk(args.argBuffer(), args.argOffset(1), args.argLength(1));
        }
        else
        {
            out.raw(PONG);
        }
    }

    private void quit(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        out.ok();
        current.connection.closeAfterFlush(true);
    }

    /**
     * TIME: the serving member's clock, seconds and microseconds, as Redis answers it.
     */
    private static void time(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final java.time.Instant now = java.time.Instant.now();
        out.arrayHeader(2);
        out.bulkLong(now.getEpochSecond());
        out.bulkLong(now.getNano() / 1_000);
    }

    private void select(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int db = select(args, out);
        if (db >= 0)
        {
            current.db = db;
        }
    }

    /**
     * Answer SELECT, as Redis does, for a connection or inside a transaction being applied.
     *
     * @return the database it selects, or -1 if it answered an error.
     */
    static int select(final RespParser args, final RespWriter out)
    {
        final long db = args.argAsLong(1);
        if (!args.lastArgWasNumber() || db < Integer.MIN_VALUE || db > Integer.MAX_VALUE)
        {
            out.error("ERR value is not an integer or out of range");
            return -1;
        }
        if (!Databases.exists(db))
        {
            out.error("ERR DB index is out of range");
            return -1;
        }
        out.ok();
        return (int)db;
    }

    private void hello(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        int i = 1;
        if (args.argCount() > 1)
        {
            final long version = args.argAsLong(1);
            if (!args.lastArgWasNumber())
            {
                out.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version != 2)
            {
                out.error("NOPROTO unsupported protocol version");
                return;
            }
            i = 2;
        }
        String authUser = null;
        byte[] authPassword = null;
        String clientName = null;
        for (; i < args.argCount(); i++)
        {
            if (args.argEqualsIgnoreCase(i, AUTH) && i + 2 < args.argCount())
            {
                authUser = latin1(args, i + 1);
                authPassword = args.argBytes(i + 2);
                i += 2;
            }
            else if (args.argEqualsIgnoreCase(i, SETNAME) && i + 1 < args.argCount())
            {
                clientName = args.argString(++i);
                if (!validClientName(clientName))
                {
                    out.error("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }
            }
            else
            {
                out.error("ERR Syntax error in HELLO option '" + args.argString(i) + "'");
                return;
            }
        }
        if (null == authUser && null == current.user && acl.authRequired())
        {
            out.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH " +
                "<user> <pass> option can be used to authenticate the client and select the RESP protocol version " +
                "at the same time");
            return;
        }
        if (null != authUser)
        {
            if (null == acl.authenticate(authUser, authPassword))
            {
                out.error(Acl.WRONGPASS);
                return;
            }
            current.user = authUser;
        }
        if (null != clientName)
        {
            current.connection.name(clientName);
        }
        out.arrayHeader(14);
        out.bulkString("server").bulkString("redis");
        out.bulkString("version").bulkString(REDIS_VERSION);
        out.bulkString("proto").integer(2);
        out.bulkString("id").integer(current.connection.id());
        out.bulkString("mode").bulkString("cluster");
        out.bulkString("role").bulkString(raft.isLeader() ? "master" : "replica");
        out.bulkString("modules").arrayHeader(0);
    }

    /**
     * AUTH [user] password: as Redis, the default user when no user is named.
     */
    private void auth(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argCount() > 3)
        {
            out.error("ERR syntax error");
            return;
        }
        final String user;
        if (2 == args.argCount())
        {
            if (acl.defaultUserHasNoPassword())
            {
                out.error("ERR AUTH <password> called without any password configured for the default user. Are " +
                    "you sure your configuration is correct?");
                return;
            }
            user = Acl.DEFAULT_USER;
        }
        else
        {
            user = latin1(args, 1);
        }
        if (null == acl.authenticate(user, args.argBytes(args.argCount() - 1)))
        {
            out.error(Acl.WRONGPASS);
            return;
        }
        current.user = user;
        out.ok();
    }

    /**
     * ACL's subcommands that read the users, answered from this member's copy of them; SETUSER and DELUSER go
     * through the log (the dispatcher proposes them) and get here only with too few arguments.
     */
    private void acl(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final String sub = args.argString(1).toLowerCase(Locale.ROOT);
        final int count = args.argCount();
        final boolean arityOk = switch (sub)
        {
            case "whoami", "users", "list", "help" -> 2 == count;
            case "getuser" -> 3 == count;
            case "cat" -> 2 == count || 3 == count;
            case "dryrun" -> count >= 4;
            case "setuser", "deluser" -> count >= 3;
            default -> true;
        };
        if (!arityOk)
        {
            out.error("ERR wrong number of arguments for 'acl|" + sub + "' command");
            return;
        }
        switch (sub)
        {
            case "whoami" -> out.bulkString(null == current.user ? Acl.DEFAULT_USER : current.user);
            case "users" ->
            {
                out.arrayHeader(acl.userNames().size());
                acl.userNames().forEach(out::bulkString);
            }
            case "list" ->
            {
                out.arrayHeader(acl.userNames().size());
                acl.userNames().forEach(name -> out.bulkString(acl.describe(acl.user(name))));
            }
            case "getuser" -> getUser(acl.user(latin1(args, 2)), out);
            case "cat" ->
            {
                if (2 == count)
                {
                    final String[] categories = Acl.categories();
                    out.arrayHeader(categories.length);
                    for (final String category : categories)
                    {
                        out.bulkString(category);
                    }
                    return;
                }
                final List<String> units = acl.unitsOf(args.argString(2));
                if (null == units)
                {
                    out.error("ERR Unknown category '" + args.argString(2) + "'");
                    return;
                }
                out.arrayHeader(units.size());
                units.forEach(out::bulkString);
            }
            case "dryrun" -> dryRun(args, out);
            case "help" ->
            {
                final String[] lines = {
                    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "CAT [<category>]", "DELUSER <username> [<username> ...]",
                    "DRYRUN <username> <command> [<arg> ...]", "GETUSER <username>", "LIST",
                    "SETUSER <username> <attribute> [<attribute> ...]", "USERS", "WHOAMI", "HELP" };
                out.arrayHeader(lines.length);
                for (final String line : lines)
                {
                    out.simpleString(line);
                }
            }
            default -> out.error("ERR unknown subcommand '" + args.argString(1) + "'. Try ACL HELP.");
        }
    }

    private void getUser(final Acl.User user, final RespWriter out)
    {
        if (null == user)
        {
            out.nullBulk();
            return;
        }
        out.arrayHeader(12);
        out.bulkString("flags").arrayHeader(user.nopass() ? 2 : 1).bulkString(user.enabled() ? "on" : "off");
        if (user.nopass())
        {
            out.bulkString("nopass");
        }
        final List<String> passwords = user.passwords();
        out.bulkString("passwords").arrayHeader(passwords.size());
        passwords.forEach(out::bulkString);
        out.bulkString("commands").bulkString(user.describeCommands());
        out.bulkString("keys").bulkString(user.describeKeys());
        out.bulkString("channels").bulkString(user.allChannels() ? "&*" : "");
        out.bulkString("selectors").arrayHeader(0);
    }

    /**
     * ACL DRYRUN user command [arg ...]: whether the user could run it, in Redis's words.
     */
    private void dryRun(final RespParser args, final RespWriter out)
    {
        final String name = latin1(args, 2);
        final Acl.User user = acl.user(name);
        if (null == user)
        {
            out.error("ERR User '" + name + "' not found");
            return;
        }
        // the command and its arguments, parsed again as a command of their own
        final int position = CommandDispatcher.encodeAsArray(args, 3, dryRunBuffer);
        dryRunParser.reset();
        dryRunParser.parse(dryRunBuffer, 0, position);
        Command command = dataCommands.lookup(dryRunParser);
        if (null == command)
        {
            command = table.lookup(dryRunParser);
        }
        if (null == command)
        {
            out.error("ERR Command '" + args.argString(3) + "' not found");
            return;
        }
        if (!command.checkArity(dryRunParser.argCount()))
        {
            out.error(command.arityError());
            return;
        }
        final String denied =
            command.hasFlag(Command.FLAG_NO_AUTH) ? null : acl.check(user, command, dryRunParser, true);
        if (null == denied)
        {
            out.ok();
        }
        else
        {
            out.bulkString(denied);
        }
    }

    /**
     * @return the argument, one char per byte, as ACL reads names and passwords.
     */
    static String latin1(final RespParser args, final int index)
    {
        return new String(args.argBytes(index), StandardCharsets.ISO_8859_1);
    }

    private void client(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int count = args.argCount();
        if (args.argEqualsIgnoreCase(1, SETNAME) && count == 3)
        {
            final String name = args.argString(2);
            if (!validClientName(name))
            {
                out.error("ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
            current.connection.name(name.isEmpty() ? null : name);
            out.ok();
        }
        else if (args.argEqualsIgnoreCase(1, GETNAME) && count == 2)
        {
            final String name = current.connection.name();
            if (null == name)
            {
                out.nullBulk();
            }
            else
            {
                out.bulkString(name);
            }
        }
        else if (args.argEqualsIgnoreCase(1, ID) && count == 2)
        {
            out.integer(current.connection.id());
        }
        else if (args.argEqualsIgnoreCase(1, SETINFO) && count == 4)
        {
            out.ok(); // client libraries announce their name and version; nothing to keep
        }
        else if (args.argEqualsIgnoreCase(1, INFO) && count == 2)
        {
            out.bulkString(describe(current) + "\n");
        }
        else if (args.argEqualsIgnoreCase(1, LIST) && count == 2)
        {
            final StringBuilder sb = new StringBuilder();
            connections.forEachConnection(c -> sb.append(describe((Session)c.attachment())).append('\n'));
            out.bulkString(sb.toString());
        }
        else
        {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + args.argString(1) +
                "'. Try CLIENT HELP.");
        }
    }

    private static String describe(final Session session)
    {
        final String name = session.connection.name();
        return "id=" + session.connection.id() + " addr=" + remote(session) + " name=" + (null == name ? "" : name) +
            " db=" + session.db + " qbuf=" + session.connection.unparsedLength() +
            " omem=" + session.connection.out().length() +
            " pending-writes=" + session.pendingWrites;
    }

    private static String remote(final Session session)
    {
        try
        {
            final java.net.SocketAddress address = session.connection.remoteAddress();
            return null == address ? "?" : address.toString().replace("/", "");
        }
        catch (final java.io.IOException ex)
        {
            return "?";
        }
    }

    private static boolean validClientName(final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c < '!' || c > '~')
            {
                return false;
            }
        }
        return true;
    }

    private void command(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int count = args.argCount();
        if (count == 1)
        {
            out.arrayHeader(dataCommands.size() + table.size());
            dataCommands.forEach(c -> commandInfo(c, out));
            table.forEach(c -> commandInfo(c, out));
        }
        else if (args.argEqualsIgnoreCase(1, COUNT) && count == 2)
        {
            out.integer(dataCommands.size() + table.size());
        }
        else if (args.argEqualsIgnoreCase(1, INFO))
        {
            out.arrayHeader(count - 2);
            for (int i = 2; i < count; i++)
            {
                Command c = dataCommands.lookup(args.argString(i));
                c = null == c ? table.lookup(args.argString(i)) : c;
                if (null == c)
                {
                    out.nullArray();
                }
                else
                {
                    commandInfo(c, out);
                }
            }
        }
        else if (args.argEqualsIgnoreCase(1, DOCS))
        {
            docs(args, out);
        }
        else if (args.argEqualsIgnoreCase(1, GETKEYS))
        {
            if (count < 4)
            {
                out.error("ERR wrong number of arguments for 'command|getkeys' command");
            }
            else
            {
                getKeys(args, out);
            }
        }
        else if (args.argEqualsIgnoreCase(1, LIST))
        {
            list(args, out);
        }
        else if (args.argEqualsIgnoreCase(1, HELP) && count == 2)
        {
            final String[] lines =
            {
                "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)",
                "    Return details about all commands raftis serves.",
                "COUNT",
                "    Return the number of commands raftis serves.",
                "GETKEYS <full-command>",
                "    Return the keys from a full command.",
                "INFO [<command-name> ...]",
                "    Return details about the given commands, or all of them.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Return the names of the commands raftis serves, filtered if asked.",
                "DOCS [<command-name> ...]",
                "    Return the documentation of the given commands, or of every command raftis serves.",
                "HELP",
                "    Print this help.",
            };
            out.arrayHeader(lines.length);
            for (final String line : lines)
            {
                out.simpleString(line);
            }
        }
        else
        {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + args.argString(1) +
                "'. Try COMMAND HELP.");
        }
    }

    /**
     * COMMAND DOCS [command-name ...]: the documentation of the commands named (container|subcommand names one
     * subcommand), skipping the names raftis does not serve, or of every command raftis serves, as Redis 7.0 answers
     * it in RESP2: a flat array of each command's name and its documentation.
     */
    private void docs(final RespParser args, final RespWriter out)
    {
        final List<byte[]> replies = new ArrayList<>();
        if (2 == args.argCount())
        {
            dataCommands.forEach(c -> addDocs(c.name(), replies));
            table.forEach(c -> addDocs(c.name(), replies));
        }
        else
        {
            for (int i = 2; i < args.argCount(); i++)
            {
                addDocs(args.argString(i), replies);
            }
        }
        out.arrayHeader(replies.size() * 2);
        replies.forEach(out::raw);
    }

    private void addDocs(final String name, final List<byte[]> replies)
    {
        final byte[] reply = docs.reply(name);
        if (null != reply)
        {
            replies.add(reply);
        }
    }

    /**
     * COMMAND GETKEYS: the keys of a full command, as Redis finds them, by key positions or the command's own
     * finder when its keys move.
     */
    private void getKeys(final RespParser args, final RespWriter out)
    {
        final int count = args.argCount() - 2;
        Command command = dataCommands.lookup(args.argBuffer(), args.argOffset(2), args.argLength(2));
        command = null != command ? command : table.lookup(args.argBuffer(), args.argOffset(2), args.argLength(2));
        if (null == command)
        {
            out.error("ERR Invalid command specified");
            return;
        }
        if (!command.checkArity(count))
        {
            out.error("ERR Invalid number of arguments specified for command");
            return;
        }
        final int[] keys = command.keyPositions(args, 2, count);
        if (null == keys)
        {
            out.error("ERR Invalid arguments specified for command");
        }
        else if (0 == keys.length)
        {
            out.error("ERR The command has no key arguments");
        }
        else
        {
            out.arrayHeader(keys.length);
            for (final int key : keys)
            {
                out.bulk(args.argBuffer(), args.argOffset(2 + key), args.argLength(2 + key));
            }
        }
    }

    /**
     * COMMAND LIST, with Redis's FILTERBY MODULE, ACLCAT or PATTERN.
     */
    private void list(final RespParser args, final RespWriter out)
    {
        final int count = args.argCount();
        final java.util.function.Predicate<Command> filter;
        if (2 == count)
        {
            filter = command -> true;
        }
        else if (5 == count && "filterby".equalsIgnoreCase(args.argString(2)))
        {
            final String by = args.argString(3).toLowerCase(Locale.ROOT);
            final String value = args.argString(4);
            switch (by)
            {
                case "module" -> filter = command -> false; // no modules
                case "aclcat" -> filter = command -> java.util.Arrays.stream(command.categoryNames())
                    .anyMatch(category -> category.equalsIgnoreCase("@" + value));
                case "pattern" ->
                {
                    filter = command -> io.raftis.store.Glob.matches(value, command.name(), true);
                }
                default ->
                {
                    out.error("ERR syntax error");
                    return;
                }
            }
        }
        else
        {
            out.error("ERR syntax error");
            return;
        }
        final List<String> names = new ArrayList<>();
        dataCommands.forEach(command -> addIf(filter, command, names));
        table.forEach(command -> addIf(filter, command, names));
        out.arrayHeader(names.size());
        names.forEach(out::bulkString);
    }

    private static void addIf(
        final java.util.function.Predicate<Command> filter, final Command command, final List<String> names)
    {
        if (filter.test(command))
        {
            names.add(command.name());
        }
    }

    private static void commandInfo(final Command command, final RespWriter out)
    {
        out.arrayHeader(10);
        out.bulkString(command.name());
        out.integer(command.arity());
        final String[] flags = command.flagNames();
        out.arrayHeader(flags.length);
        for (final String flag : flags)
        {
            out.simpleString(flag);
        }
        out.integer(command.firstKey());
        out.integer(command.lastKey());
        out.integer(command.step());
        final String[] categories = command.categoryNames();
        out.arrayHeader(categories.length);
        for (final String category : categories)
        {
            out.simpleString(category); // the names carry their @ already
        }
        out.arrayHeader(0); // tips
        out.arrayHeader(0); // key specifications
        out.arrayHeader(0); // subcommands
    }

    private void config(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argEqualsIgnoreCase(1, GET) && args.argCount() >= 3)
        {
            int matches = 0;
            final boolean[] matched = new boolean[CONFIG.length];
            for (int i = 2; i < args.argCount(); i++)
            {
                for (int j = 0; j < CONFIG.length; j++)
                {
                    if (!matched[j] && Glob.matches(args.argBuffer(), args.argOffset(i), args.argLength(i),
                        CONFIG_NAME_BYTES[j], true))
                    {
                        matched[j] = true;
                        matches++;
                    }
                }
            }
            out.arrayHeader(matches * 2);
            for (int j = 0; j < CONFIG.length; j++)
            {
                if (matched[j])
                {
                    out.bulkString(CONFIG[j][0])
                        .bulkString(null != CONFIG[j][1] ? CONFIG[j][1] : setting(CONFIG[j][0]));
                }
            }
        }
        else if (args.argEqualsIgnoreCase(1, SET) && args.argCount() >= 4)
        {
            out.error("ERR CONFIG SET is not supported: raftis is configured by its start-up flags");
        }
        else if (args.argEqualsIgnoreCase(1, RESETSTAT) && args.argCount() == 2)
        {
            dutyCycle.resetPassTimes();
            out.ok();
        }
        else
        {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + args.argString(1) +
                "'. Try CONFIG HELP.");
        }
    }

    private String setting(final String name)
    {
        return switch (name)
        {
            case "timeout" -> "" + ctx.timeoutSeconds();
            case "maxclients" -> "" + ctx.maxClients();
            case "maxmemory" -> "" + ctx.maxMemory();
            case "maxmemory-clients" -> "" + ctx.maxMemoryClients();
            case "client-output-buffer-limit" ->
            {
                final long[] limit = ctx.clientOutputBufferLimit();
                yield "normal " + limit[0] + " " + limit[1] + " " + limit[2] + " replica 0 0 0 pubsub 0 0 0";
            }
            default -> throw new IllegalStateException("no value for CONFIG " + name);
        };
    }

    private void info(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final StringBuilder sb = new StringBuilder(2048);
        boolean all = args.argCount() == 1;
        final boolean[] wanted = new boolean[8];
        for (int i = 1; i < args.argCount(); i++)
        {
            final String section = args.argString(i).toLowerCase(Locale.ROOT);
            switch (section)
            {
                case "all", "everything", "default" -> all = true;
                case "server" -> wanted[0] = true;
                case "clients" -> wanted[1] = true;
                case "stats" -> wanted[2] = true;
                case "replication" -> wanted[3] = true;
                case "keyspace" -> wanted[4] = true;
                case "raft" -> wanted[5] = true;
                case "memory" -> wanted[6] = true;
                case "latencystats" -> wanted[7] = true;
                default ->
                {
                }
            }
        }
        final Member self = ctx.self();
        final Member leader = ctx.member(raft.leaderId());
        if (all || wanted[0])
        {
            section(sb, "Server");
            line(sb, "redis_version", REDIS_VERSION);
            line(sb, "raftis_version", RAFTIS_VERSION);
            line(sb, "redis_mode", "cluster");
            line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            line(sb, "arch_bits", "64");
            line(sb, "process_id", "" + ProcessHandle.current().pid());
            line(sb, "tcp_port", "" + self.clientPort());
            line(sb, "uptime_in_seconds", "" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs));
            line(sb, "java_version", System.getProperty("java.version"));
            line(sb, "idle_strategy", ctx.idleStrategyName());
        }
        if (all || wanted[1])
        {
            section(sb, "Clients");
            line(sb, "connected_clients", "" + connections.connectionCount());
            line(sb, "maxclients", "" + ctx.maxClients());
            line(sb, "blocked_clients", "" + dispatcher.blockedClients());
            line(sb, "pending_writes", "" + dispatcher.pendingWrites());
        }
        if (all || wanted[6])
        {
            memory(sb);
        }
        if (all || wanted[2])
        {
            section(sb, "Stats");
            line(sb, "total_connections_received", "" + connections.totalConnections());
            line(sb, "rejected_connections", "" + connections.rejectedConnections());
            line(sb, "evicted_clients", "" + connections.evictedClients());
            line(sb, "client_output_buffer_limit_disconnections", "" + connections.outputLimitDisconnections());
            line(sb, "total_oom_errors", "" + dispatcher.writesRefusedForMemory);
            line(sb, "total_misconf_errors", "" + dispatcher.writesRefusedByLog);
            line(sb, "expired_keys", "" + databases.expiredKeys());
            line(sb, "expiry_sweeps_proposed", "" + dispatcher.expirySweeps);
            line(sb, "transactions_proposed", "" + dispatcher.transactionsProposed);
            line(sb, "transactions_aborted", "" + dispatcher.transactionsAborted);
            line(sb, "large_writes_proposed", "" + dispatcher.runsProposed);
            line(sb, "large_writes_abandoned", "" + dispatcher.runsAbandoned);
            line(sb, "large_writes_dropped", "" + dispatcher.partRunsDropped());
            line(sb, "blocked_clients_served", "" + dispatcher.blockedServed);
            line(sb, "blocked_clients_timed_out", "" + dispatcher.blockedTimedOut);
            line(sb, "total_denied_commands", "" + dispatcher.deniedCommands);
            line(sb, "total_passes_over_budget", "" + dispatcher.passesOverBudget);
            line(sb, "total_commands_processed", "" + dispatcher.commandsProcessed);
            line(sb, "total_writes_proposed", "" + dispatcher.writesProposed);
            line(sb, "total_read_barriers", "" + dispatcher.readsBarriered);
            line(sb, "duty_cycle_passes", "" + dutyCycle.passes());
            line(sb, "duty_cycle_working_passes", "" + dutyCycle.workingPasses());
            line(sb, "duty_cycle_idle_blocks", "" + dutyCycle.idleBlocks());
            line(sb, "duty_cycle_max_pass_us", "" + TimeUnit.NANOSECONDS.toMicros(dutyCycle.maxPassNs()));
            line(sb, "duty_cycle_slow_passes", "" + dutyCycle.slowPasses());
        }
        if (all || wanted[3])
        {
            section(sb, "Replication");
            if (raft.isLeader())
            {
                line(sb, "role", "master");
                int connected = 0;
                final StringBuilder slaves = new StringBuilder();
                for (final Member member : ctx.memberList())
                {
                    if (member.id() != self.id())
                    {
                        slaves.append("slave").append(connected++).append(":ip=").append(member.host())
                            .append(",port=").append(member.clientPort()).append(",state=online,offset=")
                            .append(raft.matchIndexOf(member.id())).append(",lag=0\r\n");
                    }
                }
                line(sb, "connected_slaves", "" + connected);
                sb.append(slaves);
                line(sb, "master_repl_offset", "" + raft.commitIndex());
            }
            else
            {
                line(sb, "role", "slave");
                line(sb, "master_host", null == leader ? "" : leader.host());
                line(sb, "master_port", null == leader ? "0" : "" + leader.clientPort());
                line(sb, "master_link_status", null == leader ? "down" : "up");
                line(sb, "slave_repl_offset", "" + raft.lastApplied());
                line(sb, "connected_slaves", "0");
            }
        }
        if (all || wanted[4])
        {
            section(sb, "Keyspace");
            for (int id = 0; id < Databases.COUNT; id++)
            {
                final Keyspace db = databases.get(id);
                if (db.size() > 0)
                {
                    line(sb, "db" + id, "keys=" + db.size() + ",expires=" + db.expires() + ",avg_ttl=" +
                        db.averageTtlMs());
                }
            }
        }
        if (all || wanted[5])
        {
            section(sb, "Raft");
            line(sb, "raft_node_id", "" + self.id());
            line(sb, "raft_role", raft.role().name().toLowerCase(Locale.ROOT));
            line(sb, "raft_term", "" + raft.term());
            line(sb, "raft_voted_for", "" + raft.votedFor());
            line(sb, "raft_leader_id", "" + raft.leaderId());
            line(sb, "raft_leader_addr", null == leader ? "" : leader.clientEndpoint());
            line(sb, "raft_commit_index", "" + raft.commitIndex());
            line(sb, "raft_applied_index", "" + raft.lastApplied());
            line(sb, "raft_last_log_index", "" + raft.lastIndex());
            line(sb, "raft_members", ctx.canonicalMembers());
            line(sb, "raft_cluster_id", String.format("%016x", clusterId));
            line(sb, "raft_fsync", ctx.fsync().text());
            line(sb, "raft_read_consistency", ctx.readConsistency().text());
            line(sb, "raft_role_changes", "" + leaderChanges);
            line(sb, "raft_log_syncs", "" + log.syncCount());
            line(sb, "raft_log_sync_avg_us", "" + (log.syncCount() == 0 ? 0 : log.syncNs() / log.syncCount() / 1000));
            line(sb, "raft_log_sync_max_us", "" + log.maxSyncNs() / 1000);
            final org.HdrHistogram.Histogram syncs = log.syncLatency();
            line(sb, "raft_log_sync_percentiles_usec", "p50=" + syncs.getValueAtPercentile(50) / 1000 +
                ",p99=" + syncs.getValueAtPercentile(99) / 1000 + ",p99.9=" + syncs.getValueAtPercentile(99.9) / 1000);
            line(sb, "raft_log_synced_entries", "" + log.syncedEntries());
            line(sb, "raft_messages_sent", "" + transportCounters.messagesSent);
            line(sb, "raft_messages_received", "" + transportCounters.messagesReceived);
            line(sb, "raft_back_pressured", "" + transportCounters.backPressured);
            line(sb, "raft_foreign_cluster_messages", "" + transportCounters.foreignClusterMessages);
            line(sb, "raft_unauthenticated_messages", "" + transportCounters.unauthenticatedMessages);
            line(sb, "raft_unknown_messages", "" + transportCounters.unknownMessages);
            line(sb, "raft_malformed_messages", "" + transportCounters.malformedMessages);
            line(sb, "raft_unknown_sender_messages", "" + raft.unknownSenderMessages());
            line(sb, "raft_out_of_range_messages", "" + raft.outOfRangeMessages());
            line(sb, "raft_log_appends_refused", "" + raft.appendsRefused());
            line(sb, "raft_log_last_refusal", null == raft.lastAppendRefusal() ? "" :
                raft.lastAppendRefusal().replace('\r', ' ').replace('\n', ' '));
        }
        if (all || wanted[7])
        {
            section(sb, "Latencystats");
            for (final String latency : dispatcher.latency.lines())
            {
                sb.append(latency).append("\r\n");
            }
        }
        out.bulkString(sb.toString());
    }

    /**
     * INFO memory: what maxmemory is checked against and its parts, and the JVM's limits they live within.
     */
    private void memory(final StringBuilder sb)
    {
        section(sb, "Memory");
        final long used = dispatcher.usedMemory();
        line(sb, "used_memory", "" + used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_dataset", "" + databases.usedMemory());
        line(sb, "used_memory_pending_writes", "" + dispatcher.pendingWriteBytes());
        line(sb, "mem_clients_normal", "" + connections.clientMemory());
        line(sb, "maxmemory", "" + ctx.maxMemory());
        line(sb, "maxmemory_human", human(ctx.maxMemory()));
        line(sb, "maxmemory_policy", "noeviction");
        line(sb, "maxmemory_clients", "" + ctx.maxMemoryClients());
        final Runtime runtime = Runtime.getRuntime();
        line(sb, "jvm_heap_used", "" + (runtime.totalMemory() - runtime.freeMemory()));
        line(sb, "jvm_heap_max", "" + JvmLimits.maxHeap());
        line(sb, "jvm_direct_memory_max", "" + JvmLimits.maxDirectMemory());
    }

    /**
     * Redis's bytesToHuman: 1.50K, 2.00M, …
     */
    static String human(final long bytes)
    {
        final String[] units = {"B", "K", "M", "G", "T", "P"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return 0 == unit ? bytes + "B" : String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
    }

    private static void section(final StringBuilder sb, final String name)
    {
        if (sb.length() > 0)
        {
            sb.append("\r\n");
        }
        sb.append("# ").append(name).append("\r\n");
    }

    private static void line(final StringBuilder sb, final String key, final String value)
    {
        sb.append(key).append(':').append(value).append("\r\n");
    }

    private void role(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (raft.isLeader())
        {
            out.arrayHeader(3);
            out.bulkString("master");
            out.integer(raft.commitIndex());
            final Member[] members = ctx.memberList();
            out.arrayHeader(members.length - 1);
            for (final Member member : members)
            {
                if (member.id() != ctx.memberId())
                {
                    out.arrayHeader(3);
                    out.bulkString(member.host());
                    out.bulkString("" + member.clientPort());
                    out.bulkString("" + Math.max(0, raft.matchIndexOf(member.id())));
                }
            }
        }
        else
        {
            final Member leader = ctx.member(raft.leaderId());
            out.arrayHeader(5);
            out.bulkString("slave");
            out.bulkString(null == leader ? "" : leader.host());
            out.integer(null == leader ? -1 : leader.clientPort());
            out.bulkString(null == leader ? "connect" : "connected");
            out.integer(raft.lastApplied());
        }
    }

    /**
     * CLUSTER INFO, SLOTS, SHARDS, NODES and MYID describe the Raft group as Redis Cluster would describe one shard:
     * the leader is the master of every slot and the followers are its replicas, so cluster-aware clients find the
     * leader by themselves and follow -MOVED after a failover.
     */
    private void cluster(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int count = args.argCount();
        final Member leader = ctx.member(raft.leaderId());
        if (args.argEqualsIgnoreCase(1, INFO) && count == 2)
        {
            final StringBuilder sb = new StringBuilder(512);
            final boolean ok = null != leader;
            line(sb, "cluster_enabled", "1");
            line(sb, "cluster_state", ok ? "ok" : "fail");
            line(sb, "cluster_slots_assigned", ok ? "16384" : "0");
            line(sb, "cluster_slots_ok", ok ? "16384" : "0");
            line(sb, "cluster_slots_pfail", "0");
            line(sb, "cluster_slots_fail", "0");
            line(sb, "cluster_known_nodes", "" + ctx.memberList().length);
            line(sb, "cluster_size", ok ? "1" : "0");
            line(sb, "cluster_current_epoch", "" + raft.term());
            line(sb, "cluster_my_epoch", "" + raft.term());
            out.bulkString(sb.toString());
        }
        else if (args.argEqualsIgnoreCase(1, MYID) && count == 2)
        {
            out.bulkString(nodeId(ctx.memberId()));
        }
        else if (args.argEqualsIgnoreCase(1, SLOTS) && count == 2)
        {
            if (null == leader)
            {
                out.arrayHeader(0);
                return;
            }
            final Member[] members = ctx.memberList();
            out.arrayHeader(1);
            out.arrayHeader(2 + members.length);
            out.integer(0);
            out.integer(LAST_SLOT);
            slotNode(out, leader);
            for (final Member member : members)
            {
                if (member.id() != leader.id())
                {
                    slotNode(out, member);
                }
            }
        }
        else if (args.argEqualsIgnoreCase(1, SHARDS) && count == 2)
        {
            if (null == leader)
            {
                out.arrayHeader(0);
                return;
            }
            final Member[] members = ctx.memberList();
            out.arrayHeader(1);
            out.arrayHeader(4);
            out.bulkString("slots");
            out.arrayHeader(2).integer(0).integer(LAST_SLOT);
            out.bulkString("nodes");
            out.arrayHeader(members.length);
            shardNode(out, leader, true);
            for (final Member member : members)
            {
                if (member.id() != leader.id())
                {
                    shardNode(out, member, false);
                }
            }
        }
        else if (args.argEqualsIgnoreCase(1, NODES) && count == 2)
        {
            final StringBuilder sb = new StringBuilder(1024);
            for (final Member member : ctx.memberList())
            {
                final boolean isLeader = null != leader && member.id() == leader.id();
                sb.append(nodeId(member.id())).append(' ')
                    .append(member.host()).append(':').append(member.clientPort()).append('@')
                    .append(member.raftPort()).append(' ')
                    .append(member.id() == ctx.memberId() ? "myself," : "")
                    .append(isLeader ? "master" : "slave").append(' ')
                    .append(isLeader || null == leader ? "-" : nodeId(leader.id())).append(" 0 0 ")
                    .append(raft.term()).append(" connected");
                if (isLeader)
                {
                    sb.append(" 0-").append(LAST_SLOT);
                }
                sb.append('\n');
            }
            out.bulkString(sb.toString());
        }
        else
        {
            out.error("ERR unknown subcommand or wrong number of arguments for '" + args.argString(1) +
                "'. Try CLUSTER HELP.");
        }
    }

    private String nodeId(final int memberId)
    {
        // Redis Cluster's node ids are 40 hex digits: the cluster id and the member id, padded
        return String.format("%016x%08x%016x", clusterId, memberId, 0L);
    }

    private void slotNode(final RespWriter out, final Member member)
    {
        out.arrayHeader(3);
        out.bulkString(member.host());
        out.integer(member.clientPort());
        out.bulkString(nodeId(member.id()));
    }

    private void shardNode(final RespWriter out, final Member member, final boolean master)
    {
        out.arrayHeader(14);
        out.bulkString("id").bulkString(nodeId(member.id()));
        out.bulkString("port").integer(member.clientPort());
        out.bulkString("ip").bulkString(member.host());
        out.bulkString("endpoint").bulkString(member.host());
        out.bulkString("role").bulkString(master ? "master" : "replica");
        out.bulkString("replication-offset").integer(master ? raft.commitIndex() : Math.max(0,
            raft.isLeader() ? raft.matchIndexOf(member.id()) : member.id() == ctx.memberId() ? raft.lastApplied() : 0));
        out.bulkString("health").bulkString("online");
    }
}

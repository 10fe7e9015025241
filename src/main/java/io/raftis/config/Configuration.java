package io.raftis.config;

import org.agrona.SystemUtil;

import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Every setting of a node: its property name, default and a getter that reads it from a {@link Properties}.
 * Command-line flags map onto properties: {@code --member-id=1} is {@code raftis.member.id=1}, and
 * {@code --config=FILE} loads a properties file first. A flag or property that names no setting stops the start:
 * a misspelt {@code --fsnyc=never} must not leave a node running with the default.
 */
public final class Configuration
{
    public static final String MEMBER_ID_PROP_NAME = "raftis.member.id";
    public static final String MEMBERS_PROP_NAME = "raftis.members";

    public static final String DATA_DIR_PROP_NAME = "raftis.data.dir";

    /**
     * The file holding the secret every member shares: each Raft message carries a MAC keyed by it, and the cluster
     * id derives from it. Required when there is more than one member; a member that is the whole cluster creates
     * one in its data directory when none is given. See {@link ClusterSecret}.
     */
    public static final String CLUSTER_SECRET_FILE_PROP_NAME = "raftis.cluster.secret.file";
    /** Where a member that is the whole cluster keeps the secret it created, in its data directory. */
    public static final String CLUSTER_SECRET_FILE_NAME = "cluster.secret";

    public static final String FSYNC_PROP_NAME = "raftis.fsync";
    public static final FsyncPolicy FSYNC_DEFAULT = FsyncPolicy.ALWAYS;

    public static final String READ_CONSISTENCY_PROP_NAME = "raftis.read.consistency";
    public static final ReadConsistency READ_CONSISTENCY_DEFAULT = ReadConsistency.LINEARIZABLE;

    public static final String IDLE_STRATEGY_PROP_NAME = "raftis.idle.strategy";
    /** Block in the node's selector (epoll on Linux) until a socket is readable or a timer is due. */
    public static final String IDLE_STRATEGY_EPOLL = "epoll";
    public static final String IDLE_STRATEGY_DEFAULT = IDLE_STRATEGY_EPOLL;

    public static final String IDLE_MAX_PARK_PROP_NAME = "raftis.idle.max.park";
    public static final long IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(500);

    /**
     * 0: each publication to a peer sends from an ephemeral port. Otherwise it sends from this base plus the peer's
     * id, so that a firewall rule (a test's network partition) can tell the links apart.
     */
    public static final String RAFT_SEND_PORT_BASE_PROP_NAME = "raftis.raft.send.port.base";
    public static final int RAFT_SEND_PORT_BASE_DEFAULT = 0;

    public static final String ELECTION_TIMEOUT_PROP_NAME = "raftis.election.timeout";
    public static final long ELECTION_TIMEOUT_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(400);

    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "raftis.heartbeat.interval";
    public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    public static final String AERON_DIR_PROP_NAME = "raftis.aeron.dir";

    public static final String TERM_LENGTH_PROP_NAME = "raftis.aeron.term.length";
    public static final int TERM_LENGTH_DEFAULT = 8 * 1024 * 1024;

    public static final String MTU_PROP_NAME = "raftis.aeron.mtu";
    public static final int MTU_DEFAULT = 8 * 1024;

    public static final String SEGMENT_LENGTH_PROP_NAME = "raftis.log.segment.length";
    public static final int SEGMENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    public static final String MAX_BATCH_PROP_NAME = "raftis.max.batch.bytes";
    public static final int MAX_BATCH_DEFAULT = 256 * 1024;

    public static final String TIMEOUT_PROP_NAME = "raftis.timeout";
    /** As Redis's timeout: seconds a client may stay idle before it is closed; 0, the default, never closes it. */
    public static final int TIMEOUT_DEFAULT_SECONDS = 0;

    public static final String MAX_PENDING_WRITES_PROP_NAME = "raftis.max.pending.writes";
    /**
     * Client writes the leader has appended and not yet applied: one more waits in its connection's input (its client
     * waits on TCP) until commits make room, so followers that lag never let the queue grow without end.
     */
    public static final int MAX_PENDING_WRITES_DEFAULT = 65_536;

    public static final String MAXCLIENTS_PROP_NAME = "raftis.maxclients";
    /** As Redis: a connection beyond this many gets "-ERR max number of clients reached" and is closed. */
    public static final int MAXCLIENTS_DEFAULT = 10_000;

    public static final String REQUIREPASS_PROP_NAME = "raftis.requirepass";
    /**
     * As Redis's requirepass: the default user's password, set at start (the log's ACL changes apply after it).
     * Clients must AUTH before any other command. A password given as a flag shows in the process list: put it in
     * the --config file (mode 600) instead.
     */
    public static final String REQUIREPASS_DEFAULT = null;

    public static final String MAXMEMORY_PROP_NAME = "raftis.maxmemory";
    /**
     * As Redis's maxmemory, in Redis's units (1000000, 100mb, 2gb; 0 for no limit): writes flagged denyoom get -OOM
     * while the keyspace, the pending writes and the clients' buffers use more. The default, {@link #AUTO}, is 60% of
     * the JVM's heap (-Xmx), which holds the keyspace: the rest leaves the garbage collector room to work. A value
     * above 90% of the heap is refused, since the heap would run out first.
     */
    public static final long MAXMEMORY_DEFAULT = -1;
    public static final long AUTO = -1;
    public static final int MAXMEMORY_HEAP_PERCENT = 60;
    public static final int MAXMEMORY_MAX_HEAP_PERCENT = 90;

    public static final String MAXMEMORY_POLICY_PROP_NAME = "raftis.maxmemory.policy";
    /** Only noeviction: an eviction would have to be chosen by the leader and replicated like any write. */
    public static final String MAXMEMORY_POLICY_DEFAULT = "noeviction";

    public static final String MAXMEMORY_CLIENTS_PROP_NAME = "raftis.maxmemory.clients";
    /**
     * As Redis 7's maxmemory-clients (bytes, or a percentage of maxmemory such as 10%; 0 for no limit): when the
     * clients' query and output buffers together use more, the client using most is disconnected, and the next, until
     * they fit. Those buffers are direct memory, but for the query buffers of commands of 4 MB or more, which are
     * mapped memory outside the JVM's direct memory limit. The default, {@link #AUTO}, is half that limit
     * (-XX:MaxDirectMemorySize, which is -Xmx unless set), so that they never exhaust it, or if more, enough for one
     * client to send the largest bulk string a client may send (512 MB, as Redis's proto-max-bulk-len).
     */
    public static final long MAXMEMORY_CLIENTS_DEFAULT = -1;
    public static final int MAXMEMORY_CLIENTS_DIRECT_PERCENT = 50;
    /** Beyond the largest bulk string, for the rest of its command and its client's reply. */
    public static final long MAXMEMORY_CLIENTS_COMMAND_ROOM = 1024 * 1024;

    public static final String CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME = "raftis.client.output.buffer.limit";
    /**
     * As Redis's client-output-buffer-limit for the normal class: "normal hard soft soft-seconds" (0 disables a
     * limit). A client whose unsent replies exceed the hard limit, or the soft limit for soft-seconds on end, is
     * closed and read no more. Redis's default, kept: none, since a client's replies already stop growing when it
     * stops reading (its commands wait in its socket), and maxmemory-clients bounds them all together.
     */
    public static final String CLIENT_OUTPUT_BUFFER_LIMIT_DEFAULT = "normal 0 0 0";

    public static final String MAX_INFLIGHT_PROP_NAME = "raftis.max.inflight.bytes";
    /**
     * 0: four batches.
     */
    public static final int MAX_INFLIGHT_DEFAULT = 0;

    /** Every setting's property name: the constants of this class whose names end in _PROP_NAME. */
    private static final TreeSet<String> KNOWN = new TreeSet<>();

    static
    {
        for (final Field field : Configuration.class.getFields())
        {
            if (field.getName().endsWith("_PROP_NAME") && Modifier.isStatic(field.getModifiers()))
            {
                try
                {
                    KNOWN.add((String)field.get(null));
                }
                catch (final IllegalAccessException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    private Configuration()
    {
    }

    /**
     * Turn {@code --name=value} flags into properties, on top of a {@code --config=FILE} if one is given and of the
     * JVM's system properties that start with {@code raftis.}.
     */
    public static Properties fromArgs(final String[] args) throws IOException
    {
        final Properties properties = new Properties();
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith("raftis."))
            {
                properties.setProperty(name, System.getProperty(name));
            }
        }
        final Properties flags = new Properties();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': flags look like --name=value");
            }
            final int eq = arg.indexOf('=');
            final String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            final String value;
            if (eq >= 0)
            {
                value = arg.substring(eq + 1);
            }
            else if (i + 1 < args.length && !args[i + 1].startsWith("--"))
            {
                value = args[++i];
            }
            else
            {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            if ("config".equals(name))
            {
                try (Reader reader = new FileReader(value))
                {
                    properties.load(reader);
                }
            }
            else
            {
                flags.setProperty(name.startsWith("raftis.") ? name : "raftis." + name.replace('-', '.'), value);
            }
        }
        properties.putAll(flags);
        for (final String name : properties.stringPropertyNames())
        {
            if (!KNOWN.contains(name))
            {
                final boolean flag = name.startsWith("raftis.");
                throw new IllegalArgumentException("unknown setting " + (flag ? asFlag(name) + " (" + name + ")" : name) +
                    suggestion(flag ? name : "raftis." + name, flag) + "; the settings are " + knownFlags());
            }
        }
        return properties;
    }

    private static String asFlag(final String property)
    {
        return "--" + (property.startsWith("raftis.") ? property.substring(7) : property).replace('.', '-');
    }

    private static String knownFlags()
    {
        final StringBuilder sb = new StringBuilder();
        for (final String name : KNOWN)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(asFlag(name));
        }
        return sb.toString();
    }

    /**
     * @return ", did you mean --x?" (or the property name) for the known setting nearest in edit distance, when it is
     * near enough to be a slip of the keyboard, or "".
     */
    private static String suggestion(final String name, final boolean asFlag)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String known : KNOWN)
        {
            final int distance = editDistance(name, known);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = known;
            }
        }
        return null != best && bestDistance <= 3 ? ", did you mean " + (asFlag ? asFlag(best) : best) + "?" : "";
    }

    private static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    public static int memberId(final Properties p)
    {
        final String value = p.getProperty(MEMBER_ID_PROP_NAME);
        if (null == value)
        {
            throw new IllegalArgumentException("no member id: set --member-id=N (" + MEMBER_ID_PROP_NAME + ")");
        }
        return parseInt(MEMBER_ID_PROP_NAME, value);
    }

    public static String members(final Properties p)
    {
        final String value = p.getProperty(MEMBERS_PROP_NAME);
        if (null == value)
        {
            throw new IllegalArgumentException(
                "no member list: set --members=1=127.0.0.1:8901:6379,2=... (" + MEMBERS_PROP_NAME + ")");
        }
        return value;
    }

    public static File dataDir(final Properties p, final int memberId)
    {
        return new File(p.getProperty(DATA_DIR_PROP_NAME, "data/node" + memberId));
    }

    public static File clusterSecretFile(final Properties p)
    {
        final String value = p.getProperty(CLUSTER_SECRET_FILE_PROP_NAME);
        return null == value ? null : new File(value);
    }

    public static FsyncPolicy fsync(final Properties p)
    {
        return FsyncPolicy.parse(p.getProperty(FSYNC_PROP_NAME, FSYNC_DEFAULT.text()));
    }

    public static ReadConsistency readConsistency(final Properties p)
    {
        return ReadConsistency.parse(p.getProperty(READ_CONSISTENCY_PROP_NAME, READ_CONSISTENCY_DEFAULT.text()));
    }

    public static String idleStrategy(final Properties p)
    {
        return p.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT).toLowerCase(Locale.ROOT);
    }

    public static long idleMaxParkNs(final Properties p)
    {
        return duration(p, IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
    }

    public static int raftSendPortBase(final Properties p)
    {
        return integer(p, RAFT_SEND_PORT_BASE_PROP_NAME, RAFT_SEND_PORT_BASE_DEFAULT);
    }

    public static long electionTimeoutNs(final Properties p)
    {
        return duration(p, ELECTION_TIMEOUT_PROP_NAME, ELECTION_TIMEOUT_DEFAULT_NS);
    }

    public static long heartbeatIntervalNs(final Properties p)
    {
        return duration(p, HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_NS);
    }

    public static String aeronDir(final Properties p)
    {
        return p.getProperty(AERON_DIR_PROP_NAME);
    }

    public static int termLength(final Properties p)
    {
        return size(p, TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
    }

    public static int mtu(final Properties p)
    {
        return size(p, MTU_PROP_NAME, MTU_DEFAULT);
    }

    public static int segmentLength(final Properties p)
    {
        return size(p, SEGMENT_LENGTH_PROP_NAME, SEGMENT_LENGTH_DEFAULT);
    }

    public static int maxBatchBytes(final Properties p)
    {
        return size(p, MAX_BATCH_PROP_NAME, MAX_BATCH_DEFAULT);
    }

    public static int maxInflightBytes(final Properties p)
    {
        return size(p, MAX_INFLIGHT_PROP_NAME, MAX_INFLIGHT_DEFAULT);
    }

    public static int timeoutSeconds(final Properties p)
    {
        return integer(p, TIMEOUT_PROP_NAME, TIMEOUT_DEFAULT_SECONDS);
    }

    public static int maxPendingWrites(final Properties p)
    {
        return integer(p, MAX_PENDING_WRITES_PROP_NAME, MAX_PENDING_WRITES_DEFAULT);
    }

    public static int maxClients(final Properties p)
    {
        return integer(p, MAXCLIENTS_PROP_NAME, MAXCLIENTS_DEFAULT);
    }

    public static String requirePass(final Properties p)
    {
        final String value = p.getProperty(REQUIREPASS_PROP_NAME);
        if (null != value && value.isEmpty())
        {
            return null; // as Redis: an empty requirepass means none
        }
        return value;
    }

    public static long maxMemory(final Properties p)
    {
        final String value = p.getProperty(MAXMEMORY_PROP_NAME);
        return null == value ? MAXMEMORY_DEFAULT : memory(MAXMEMORY_PROP_NAME, value);
    }

    public static String maxMemoryPolicy(final Properties p)
    {
        final String value = p.getProperty(MAXMEMORY_POLICY_PROP_NAME, MAXMEMORY_POLICY_DEFAULT).trim();
        if (!MAXMEMORY_POLICY_DEFAULT.equalsIgnoreCase(value))
        {
            throw new IllegalArgumentException(MAXMEMORY_POLICY_PROP_NAME + " must be noeviction: '" + value +
                "' (an eviction would be a write the leader chooses and replicates; raftis evicts nothing)");
        }
        return MAXMEMORY_POLICY_DEFAULT;
    }

    /**
     * @return bytes, or a negative percentage of maxmemory (-10 for "10%"), or {@link #AUTO}.
     */
    public static long maxMemoryClients(final Properties p)
    {
        final String value = p.getProperty(MAXMEMORY_CLIENTS_PROP_NAME);
        if (null == value)
        {
            return MAXMEMORY_CLIENTS_DEFAULT;
        }
        final String trimmed = value.trim();
        if (trimmed.endsWith("%"))
        {
            final int percent = parseInt(MAXMEMORY_CLIENTS_PROP_NAME, trimmed.substring(0, trimmed.length() - 1));
            if (percent < 1 || percent > 100)
            {
                throw new IllegalArgumentException(
                    MAXMEMORY_CLIENTS_PROP_NAME + " as a percentage must be from 1% to 100%: '" + value + "'");
            }
            return -percent - 1; // -2 .. -101: never AUTO
        }
        return memory(MAXMEMORY_CLIENTS_PROP_NAME, value);
    }

    /**
     * @return {hard, soft, soft seconds} of "normal hard soft soft-seconds".
     */
    public static long[] clientOutputBufferLimit(final Properties p)
    {
        final String value = p.getProperty(CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME, CLIENT_OUTPUT_BUFFER_LIMIT_DEFAULT);
        final String[] parts = value.trim().split("\\s+");
        if (4 != parts.length || !"normal".equalsIgnoreCase(parts[0]))
        {
            throw new IllegalArgumentException(CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME + " must be 'normal <hard> " +
                "<soft> <soft-seconds>', e.g. 'normal 256mb 64mb 60' (raftis has only normal clients): '" + value +
                "'");
        }
        final long seconds = parseInt(CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME, parts[3]);
        if (seconds < 0)
        {
            throw new IllegalArgumentException(
                CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME + " soft-seconds must not be negative: '" + value + "'");
        }
        return new long[]{
            memory(CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME, parts[1]),
            memory(CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME, parts[2]),
            seconds };
    }

    /**
     * A size in Redis's units (config.c memtoull): a plain number of bytes, or one followed by k (1000), kb (1024),
     * m, mb, g or gb, in any case.
     */
    static long memory(final String name, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits)))
        {
            digits++;
        }
        final long unit = switch (text.substring(digits))
        {
            case "", "b" -> 1L;
            case "k" -> 1000L;
            case "kb" -> 1024L;
            case "m" -> 1000L * 1000;
            case "mb" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 0L;
        };
        if (0 == digits || 0 == unit || digits > 15)
        {
            throw new IllegalArgumentException(
                name + " must be a size such as 1000000, 100mb or 2gb (Redis's units: k=1000, kb=1024): '" + value +
                "'");
        }
        return Long.parseLong(text.substring(0, digits)) * unit;
    }

    private static long duration(final Properties p, final String name, final long defaultNs)
    {
        final String value = p.getProperty(name);
        if (null == value)
        {
            return defaultNs;
        }
        try
        {
            return SystemUtil.parseDuration(name, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(
                name + " must be a duration such as 400ms, 50us or 1s: '" + value + "'", ex);
        }
    }

    private static int size(final Properties p, final String name, final int defaultValue)
    {
        final String value = p.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }
        final long size;
        try
        {
            size = SystemUtil.parseSize(name, value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " must be a size such as 8k or 64m: '" + value + "'", ex);
        }
        if (size > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + " too large: " + value);
        }
        return (int)size;
    }

    private static int integer(final Properties p, final String name, final int defaultValue)
    {
        final String value = p.getProperty(name);
        return null == value ? defaultValue : parseInt(name, value);
    }

    private static int parseInt(final String name, final String value)
    {
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " must be an integer: '" + value + "'", ex);
        }
    }

    /**
     * When the log is synced to disk.
     */
    public enum FsyncPolicy
    {
        /** One sync per batch, before an entry counts as appended: survives power loss. */
        ALWAYS,
        /** Never sync: survives process crashes only; a whole-cluster power loss can lose acknowledged writes. */
        NEVER;

        public String text()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        static FsyncPolicy parse(final String value)
        {
            for (final FsyncPolicy policy : values())
            {
                if (policy.text().equalsIgnoreCase(value.trim()))
                {
                    return policy;
                }
            }
            throw new IllegalArgumentException(FSYNC_PROP_NAME + " must be always or never: '" + value + "'");
        }
    }

    /**
     * How reads are served.
     */
    public enum ReadConsistency
    {
        /** The leader serves a read after confirming its leadership with a majority (ReadIndex). */
        LINEARIZABLE,
        /** The leader serves reads while its lease, renewed by a majority's answers, holds. */
        LEASE,
        /** Any node serves reads from what it has applied, which may lag. */
        STALE;

        public String text()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        static ReadConsistency parse(final String value)
        {
            for (final ReadConsistency consistency : values())
            {
                if (consistency.text().equalsIgnoreCase(value.trim()))
                {
                    return consistency;
                }
            }
            throw new IllegalArgumentException(
                READ_CONSISTENCY_PROP_NAME + " must be linearizable, lease or stale: '" + value + "'");
        }
    }
}

package io.raftis.config;

import io.raftis.resp.RespParser;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The settings of one node, filled from {@link Configuration} and checked once by {@link #conclude()}, which
 * derives what follows from them (this member, the cluster id, directories) and rejects inconsistent ones.
 */
public final class Context
{
    private int memberId;
    private String members;
    private File dataDir;
    private File clusterSecretFile;
    private Configuration.FsyncPolicy fsync = Configuration.FSYNC_DEFAULT;
    private Configuration.ReadConsistency readConsistency = Configuration.READ_CONSISTENCY_DEFAULT;
    private String idleStrategyName = Configuration.IDLE_STRATEGY_DEFAULT;
    private long idleMaxParkNs = Configuration.IDLE_MAX_PARK_DEFAULT_NS;
    private long electionTimeoutNs = Configuration.ELECTION_TIMEOUT_DEFAULT_NS;
    private long heartbeatIntervalNs = Configuration.HEARTBEAT_INTERVAL_DEFAULT_NS;
    private String aeronDir;
    private int termLength = Configuration.TERM_LENGTH_DEFAULT;
    private int mtu = Configuration.MTU_DEFAULT;
    private int segmentLength = Configuration.SEGMENT_LENGTH_DEFAULT;
    private int maxBatchBytes = Configuration.MAX_BATCH_DEFAULT;
    private int maxInflightBytes = Configuration.MAX_INFLIGHT_DEFAULT;
    private int maxClients = Configuration.MAXCLIENTS_DEFAULT;
    private String requirePass = Configuration.REQUIREPASS_DEFAULT;
    private long maxMemory = Configuration.MAXMEMORY_DEFAULT;
    private long maxMemoryClients = Configuration.MAXMEMORY_CLIENTS_DEFAULT;
    private long[] clientOutputBufferLimit = {0, 0, 0};
    private int maxPendingWrites = Configuration.MAX_PENDING_WRITES_DEFAULT;
    private int timeoutSeconds = Configuration.TIMEOUT_DEFAULT_SECONDS;
    private int raftSendPortBase = Configuration.RAFT_SEND_PORT_BASE_DEFAULT;

    private boolean concluded;
    private Member[] memberList;
    private Member self;
    private ClusterSecret clusterSecret;
    private IdleStrategy idleStrategy;

    public static Context fromProperties(final Properties p)
    {
        final int memberId = Configuration.memberId(p);
        return new Context()
            .memberId(memberId)
            .members(Configuration.members(p))
            .dataDir(Configuration.dataDir(p, memberId))
            .clusterSecretFile(Configuration.clusterSecretFile(p))
            .fsync(Configuration.fsync(p))
            .readConsistency(Configuration.readConsistency(p))
            .idleStrategyName(Configuration.idleStrategy(p))
            .idleMaxParkNs(Configuration.idleMaxParkNs(p))
            .electionTimeoutNs(Configuration.electionTimeoutNs(p))
            .heartbeatIntervalNs(Configuration.heartbeatIntervalNs(p))
            .aeronDir(Configuration.aeronDir(p))
            .termLength(Configuration.termLength(p))
            .mtu(Configuration.mtu(p))
            .segmentLength(Configuration.segmentLength(p))
            .maxBatchBytes(Configuration.maxBatchBytes(p))
            .maxInflightBytes(Configuration.maxInflightBytes(p))
            .maxClients(Configuration.maxClients(p))
            .requirePass(Configuration.requirePass(p))
            .maxMemory(Configuration.maxMemory(p))
            .maxMemoryPolicy(Configuration.maxMemoryPolicy(p))
            .maxMemoryClients(Configuration.maxMemoryClients(p))
            .clientOutputBufferLimit(Configuration.clientOutputBufferLimit(p))
            .maxPendingWrites(Configuration.maxPendingWrites(p))
            .timeoutSeconds(Configuration.timeoutSeconds(p))
            .raftSendPortBase(Configuration.raftSendPortBase(p));
    }

    /**
     * Check the settings and derive the rest. Runs once.
     *
     * @throws IllegalArgumentException naming the setting at fault.
     */
    public Context conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        concluded = true;
        memberList = Member.parse(members);
        for (final Member member : memberList)
        {
            if (member.id() == memberId)
            {
                self = member;
            }
        }
        if (null == self)
        {
            throw new IllegalArgumentException(
                "member id " + memberId + " is not in the member list " + Member.canonical(memberList));
        }
        if (0 != raftSendPortBase)
        {
            checkSendPorts();
        }
        if (heartbeatIntervalNs <= 0 || heartbeatIntervalNs * 2 > electionTimeoutNs)
        {
            throw new IllegalArgumentException(Configuration.HEARTBEAT_INTERVAL_PROP_NAME + " (" +
                TimeUnit.NANOSECONDS.toMillis(heartbeatIntervalNs) + "ms) must be positive and at most half of " +
                Configuration.ELECTION_TIMEOUT_PROP_NAME + " (" +
                TimeUnit.NANOSECONDS.toMillis(electionTimeoutNs) + "ms)");
        }
        if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024)
        {
            throw new IllegalArgumentException(
                Configuration.TERM_LENGTH_PROP_NAME + " must be a power of two from 64k to 1g: " + termLength);
        }
        if (mtu < 1408 || mtu > 65504 || (mtu & 31) != 0)
        {
            throw new IllegalArgumentException(
                Configuration.MTU_PROP_NAME + " must be a multiple of 32 from 1408 to 65504: " + mtu);
        }
        if (timeoutSeconds < 0)
        {
            throw new IllegalArgumentException(Configuration.TIMEOUT_PROP_NAME + " must be 0 (never) or a number of " +
                "seconds: " + timeoutSeconds);
        }
        if (maxPendingWrites < 1)
        {
            throw new IllegalArgumentException(
                Configuration.MAX_PENDING_WRITES_PROP_NAME + " must be at least 1: " + maxPendingWrites);
        }
        concludeMemoryLimits();
        if (maxClients < 1)
        {
            throw new IllegalArgumentException(Configuration.MAXCLIENTS_PROP_NAME + " must be at least 1: " + maxClients);
        }
        if (maxBatchBytes < 4096 || maxBatchBytes > termLength / 8 - 1024)
        {
            throw new IllegalArgumentException(Configuration.MAX_BATCH_PROP_NAME + " must be from 4k to " +
                (termLength / 8 - 1024) + " (an eighth of the term length, less headers): " + maxBatchBytes);
        }
        if (segmentLength < 64 * 1024 || (segmentLength & 4095) != 0)
        {
            throw new IllegalArgumentException(
                Configuration.SEGMENT_LENGTH_PROP_NAME + " must be a multiple of 4k, at least 64k: " + segmentLength);
        }
        if (Configuration.MAX_INFLIGHT_DEFAULT == maxInflightBytes)
        {
            maxInflightBytes = 4 * maxBatchBytes; // a batch is at most an eighth of a term: this fits half a term
        }
        if (maxInflightBytes < maxBatchBytes || maxInflightBytes > termLength / 2)
        {
            // more than half a term would only meet the publication's back-pressure
            throw new IllegalArgumentException(Configuration.MAX_INFLIGHT_PROP_NAME + " must be from the batch size " +
                maxBatchBytes + " to half the term length " + (termLength / 2) + ": " + maxInflightBytes);
        }
        if (null == dataDir)
        {
            dataDir = new File("data/node" + memberId);
        }
        if (null == clusterSecretFile && memberList.length > 1)
        {
            throw new IllegalArgumentException("no cluster secret: set --cluster-secret-file=FILE (" +
                Configuration.CLUSTER_SECRET_FILE_PROP_NAME + "), the same file for every member; every Raft " +
                "message is authenticated with it (scripts/start-cluster.sh creates one in the cluster's data root)");
        }
        clusterSecret = null != clusterSecretFile ? ClusterSecret.read(clusterSecretFile) : null;
        if (null == aeronDir)
        {
            final File shm = new File("/dev/shm");
            final File base = shm.isDirectory() ? shm : new File(System.getProperty("java.io.tmpdir"));
            aeronDir = new File(base, "raftis-" + self.host() + "-" + self.raftPort()).getPath();
        }
        if (idleMaxParkNs < TimeUnit.MICROSECONDS.toNanos(1) || idleMaxParkNs > TimeUnit.MILLISECONDS.toNanos(10))
        {
            throw new IllegalArgumentException(
                Configuration.IDLE_MAX_PARK_PROP_NAME + " must be from 1us to 10ms: " + idleMaxParkNs + "ns");
        }
        idleStrategy = idleStrategy(idleStrategyName, idleMaxParkNs);
        return this;
    }

    private void concludeMemoryLimits()
    {
        final long heap = JvmLimits.maxHeap();
        if (Configuration.AUTO == maxMemory)
        {
            maxMemory = heap * Configuration.MAXMEMORY_HEAP_PERCENT / 100;
        }
        else if (maxMemory > heap * Configuration.MAXMEMORY_MAX_HEAP_PERCENT / 100)
        {
            throw new IllegalArgumentException(Configuration.MAXMEMORY_PROP_NAME + " " + maxMemory + " is more than " +
                Configuration.MAXMEMORY_MAX_HEAP_PERCENT + "% of the JVM's heap (" + heap + " bytes): the heap would " +
                "run out first; give the JVM more (-Xmx, RAFTIS_HEAP for the scripts) or lower it");
        }
        if (Configuration.AUTO == maxMemoryClients)
        {
            maxMemoryClients = Math.max(
                JvmLimits.maxDirectMemory() * Configuration.MAXMEMORY_CLIENTS_DIRECT_PERCENT / 100,
                RespParser.MAX_BULK_LENGTH + Configuration.MAXMEMORY_CLIENTS_COMMAND_ROOM);
        }
        else if (maxMemoryClients < 0)
        {
            if (0 == maxMemory)
            {
                throw new IllegalArgumentException(Configuration.MAXMEMORY_CLIENTS_PROP_NAME +
                    " as a percentage needs a maxmemory to be a percentage of");
            }
            maxMemoryClients = maxMemory * (-maxMemoryClients - 1) / 100;
        }
        final long hard = clientOutputBufferLimit[0];
        final long soft = clientOutputBufferLimit[1];
        if (hard > 0 && soft > hard)
        {
            throw new IllegalArgumentException(Configuration.CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME + ": the soft " +
                "limit " + soft + " is above the hard limit " + hard);
        }
    }

    private void checkSendPorts()
    {
        int maxId = 0;
        for (final Member member : memberList)
        {
            maxId = Math.max(maxId, member.id());
        }
        if (raftSendPortBase < 1024 || raftSendPortBase + maxId > 65535)
        {
            throw new IllegalArgumentException(Configuration.RAFT_SEND_PORT_BASE_PROP_NAME +
                " must be 0, or from 1024 to 65535 less the highest member id " + maxId + ": " + raftSendPortBase);
        }
        for (final Member peer : memberList)
        {
            final int port = raftSendPort(peer.id());
            for (final Member member : memberList)
            {
                if (peer.id() != self.id() && member.host().equals(self.host()) &&
                    (member.raftPort() == port || member.clientPort() == port))
                {
                    throw new IllegalArgumentException(Configuration.RAFT_SEND_PORT_BASE_PROP_NAME + " " +
                        raftSendPortBase + " makes the port member " + self.id() + " sends to member " + peer.id() +
                        " from, " + port + ", one that member " + member.id() + " listens on");
                }
            }
        }
    }

    private static IdleStrategy idleStrategy(final String name, final long maxParkNs)
    {
        switch (name)
        {
            case Configuration.IDLE_STRATEGY_EPOLL:
                return null; // the node blocks in its own selector, which only it has
            case "backoff":
                // spin and yield only briefly, then park up to maxParkNs: five nodes share two cores, and every spin
                // or yield of an idle member is taken from a busy one (measured: 64 spins and 16 yields cost a
                // third of the throughput of five members on two cores)
                return new BackoffIdleStrategy(10, 2, TimeUnit.MICROSECONDS.toNanos(1), maxParkNs);
            case "busy-spin":
                return new BusySpinIdleStrategy();
            case "yielding":
                return new YieldingIdleStrategy();
            case "sleeping":
                return new SleepingMillisIdleStrategy(1);
            default:
                throw new IllegalArgumentException(Configuration.IDLE_STRATEGY_PROP_NAME +
                    " must be epoll, backoff, busy-spin, yielding or sleeping: '" + name + "'");
        }
    }

    private void checkConcluded()
    {
        if (!concluded)
        {
            throw new IllegalStateException("context not concluded");
        }
    }

    public Context memberId(final int memberId)
    {
        this.memberId = memberId;
        return this;
    }

    public int memberId()
    {
        return memberId;
    }

    public Context members(final String members)
    {
        this.members = members;
        return this;
    }

    public Context dataDir(final File dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    public Context clusterSecretFile(final File clusterSecretFile)
    {
        this.clusterSecretFile = clusterSecretFile;
        return this;
    }

    public File clusterSecretFile()
    {
        return clusterSecretFile;
    }

    public File dataDir()
    {
        return dataDir;
    }

    public Context fsync(final Configuration.FsyncPolicy fsync)
    {
        this.fsync = fsync;
        return this;
    }

    public Configuration.FsyncPolicy fsync()
    {
        return fsync;
    }

    public Context readConsistency(final Configuration.ReadConsistency readConsistency)
    {
        this.readConsistency = readConsistency;
        return this;
    }

    public Configuration.ReadConsistency readConsistency()
    {
        return readConsistency;
    }

    public Context idleStrategyName(final String idleStrategyName)
    {
        this.idleStrategyName = idleStrategyName;
        return this;
    }

    public String idleStrategyName()
    {
        return idleStrategyName;
    }

    /**
     * @return the idle strategy named by the setting, or null for {@link Configuration#IDLE_STRATEGY_EPOLL}: the node
     * makes that one around its selector.
     */
    public IdleStrategy idleStrategy()
    {
        checkConcluded();
        return idleStrategy;
    }

    public Context idleMaxParkNs(final long idleMaxParkNs)
    {
        this.idleMaxParkNs = idleMaxParkNs;
        return this;
    }

    public long idleMaxParkNs()
    {
        return idleMaxParkNs;
    }

    public Context electionTimeoutNs(final long electionTimeoutNs)
    {
        this.electionTimeoutNs = electionTimeoutNs;
        return this;
    }

    public long electionTimeoutNs()
    {
        return electionTimeoutNs;
    }

    public Context heartbeatIntervalNs(final long heartbeatIntervalNs)
    {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        return this;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    public Context aeronDir(final String aeronDir)
    {
        this.aeronDir = aeronDir;
        return this;
    }

    public String aeronDir()
    {
        return aeronDir;
    }

    public Context termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    public int termLength()
    {
        return termLength;
    }

    /**
     * @param raftSendPortBase 0 to send to each peer from an ephemeral port, else from this base plus the peer's id.
     */
    public Context raftSendPortBase(final int raftSendPortBase)
    {
        this.raftSendPortBase = raftSendPortBase;
        return this;
    }

    public int raftSendPortBase()
    {
        return raftSendPortBase;
    }

    /**
     * @return the local port this member sends to the peer from, or 0 for an ephemeral one.
     */
    public int raftSendPort(final int peerId)
    {
        return 0 == raftSendPortBase ? 0 : raftSendPortBase + peerId;
    }

    public Context mtu(final int mtu)
    {
        this.mtu = mtu;
        return this;
    }

    public int mtu()
    {
        return mtu;
    }

    public Context segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    public int segmentLength()
    {
        return segmentLength;
    }

    public Context timeoutSeconds(final int timeoutSeconds)
    {
        this.timeoutSeconds = timeoutSeconds;
        return this;
    }

    /**
     * @return seconds a client may stay idle before it is closed, or 0 for never.
     */
    public int timeoutSeconds()
    {
        return timeoutSeconds;
    }

    public Context maxPendingWrites(final int maxPendingWrites)
    {
        this.maxPendingWrites = maxPendingWrites;
        return this;
    }

    /**
     * @return the most client writes a leader holds appended and not yet applied; one more waits for room.
     */
    public int maxPendingWrites()
    {
        return maxPendingWrites;
    }

    public Context requirePass(final String requirePass)
    {
        this.requirePass = requirePass;
        return this;
    }

    /**
     * @return the default user's password set at start, or null for none.
     */
    public String requirePass()
    {
        return requirePass;
    }

    public Context maxMemory(final long maxMemory)
    {
        this.maxMemory = maxMemory;
        return this;
    }

    /**
     * @return the keyspace, pending writes and clients' buffers may use this many bytes before denyoom commands are
     * refused; 0 for no limit.
     */
    public long maxMemory()
    {
        return maxMemory;
    }

    public Context maxMemoryPolicy(final String policy)
    {
        if (!Configuration.MAXMEMORY_POLICY_DEFAULT.equals(policy))
        {
            throw new IllegalArgumentException(Configuration.MAXMEMORY_POLICY_PROP_NAME + " must be noeviction");
        }
        return this;
    }

    public Context maxMemoryClients(final long maxMemoryClients)
    {
        this.maxMemoryClients = maxMemoryClients;
        return this;
    }

    /**
     * @return the bytes all clients' query and output buffers may use together; 0 for no limit.
     */
    public long maxMemoryClients()
    {
        return maxMemoryClients;
    }

    public Context clientOutputBufferLimit(final long[] hardSoftSeconds)
    {
        this.clientOutputBufferLimit = hardSoftSeconds.clone();
        return this;
    }

    /**
     * @return {hard bytes, soft bytes, soft seconds} of a normal client's unsent replies; 0 disables each.
     */
    public long[] clientOutputBufferLimit()
    {
        return clientOutputBufferLimit.clone();
    }

    public Context maxClients(final int maxClients)
    {
        this.maxClients = maxClients;
        return this;
    }

    /**
     * @return the most client connections open at once; one more is refused as Redis refuses it.
     */
    public int maxClients()
    {
        return maxClients;
    }

    public Context maxBatchBytes(final int maxBatchBytes)
    {
        this.maxBatchBytes = maxBatchBytes;
        return this;
    }

    public int maxBatchBytes()
    {
        return maxBatchBytes;
    }

    /**
     * Bytes of log entries sent to one follower and not yet acknowledged: a follower that falls behind catches up
     * at this window per round trip without crowding out the others.
     */
    public Context maxInflightBytes(final int maxInflightBytes)
    {
        this.maxInflightBytes = maxInflightBytes;
        return this;
    }

    public int maxInflightBytes()
    {
        return maxInflightBytes;
    }

    public Member[] memberList()
    {
        checkConcluded();
        return memberList.clone();
    }

    public String canonicalMembers()
    {
        checkConcluded();
        return Member.canonical(memberList);
    }

    public Member self()
    {
        checkConcluded();
        return self;
    }

    /**
     * @return the secret the members share, read from {@code --cluster-secret-file}; for a member that is the whole
     * cluster and was given none, the one it keeps in its data directory, created on its first start.
     */
    public ClusterSecret clusterSecret()
    {
        checkConcluded();
        return null != clusterSecret ? clusterSecret :
            ClusterSecret.readOrCreate(new File(dataDir, Configuration.CLUSTER_SECRET_FILE_NAME));
    }

    public Member member(final int id)
    {
        checkConcluded();
        for (final Member member : memberList)
        {
            if (member.id() == id)
            {
                return member;
            }
        }
        return null;
    }
}

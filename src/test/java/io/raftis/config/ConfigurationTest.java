package io.raftis.config;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The member list, command-line flags and the checks {@link Context#conclude()} makes.
 */
class ConfigurationTest
{
    private static final String MEMBERS = "1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6479,3=127.0.0.1:8903:6579";

    @TempDir
    Path tempDir;

    // -----------------------------------------------------------------------------------------------------------
    // Member list
    // -----------------------------------------------------------------------------------------------------------

    @Test
    void memberListIsParsedAndSortedById()
    {
        final Member[] members = Member.parse("3=10.0.0.3:8903:6579,1=127.0.0.1:8901:6379, 2 = host-b : 8902 : 6479 ");

        assertArrayEquals(
            new Member[]{
                new Member(1, "127.0.0.1", 8901, 6379),
                new Member(2, "host-b", 8902, 6479),
                new Member(3, "10.0.0.3", 8903, 6579) },
            members);
        assertEquals("host-b:8902", members[1].raftEndpoint());
        assertEquals("host-b:6479", members[1].clientEndpoint());
        assertEquals("1=127.0.0.1:8901:6379,2=host-b:8902:6479,3=10.0.0.3:8903:6579", Member.canonical(members));
    }

    @Test
    void memberListOfOneMemberIsAccepted()
    {
        assertArrayEquals(new Member[]{ new Member(7, "localhost", 1, 65535) }, Member.parse("7=localhost:1:65535"));
    }

    @Test
    void memberListWithARepeatedIdIsRejected()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Member.parse("1=127.0.0.1:8901:6379,1=127.0.0.2:8902:6479"));

        assertTrue(ex.getMessage().contains("member id 1 appears twice"), ex.getMessage());
    }

    @Test
    void memberListWithTwoMembersOnOneAddressIsRejected()
    {
        final IllegalArgumentException raft = assertThrows(
            IllegalArgumentException.class, () -> Member.parse("1=127.0.0.1:8901:6379,2=127.0.0.1:8901:6479"));
        final IllegalArgumentException client = assertThrows(
            IllegalArgumentException.class, () -> Member.parse("1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6379"));

        assertTrue(raft.getMessage().contains("members 1 and 2 share an address"), raft.getMessage());
        assertTrue(client.getMessage().contains("members 1 and 2 share an address"), client.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "1=127.0.0.1:0:6379          | raft port out of range: 0",
        "1=127.0.0.1:65536:6379      | raft port out of range: 65536",
        "1=127.0.0.1:8901:0          | client port out of range: 0",
        "1=127.0.0.1:8901:-1         | client port out of range: -1",
        "1=127.0.0.1:89x1:6379       | bad member '1=127.0.0.1:89x1:6379'",
        "1=127.0.0.1:8901:           |",
        "1=127.0.0.1:8901:six        | six",
        "1=127.0.0.1:8901:99999999999 | 99999999999",
    })
    void memberWithABadPortIsRejectedNamingIt(final String members, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Member.parse(members));

        assertTrue(ex.getMessage().contains(null == expected ? members : expected), ex.getMessage());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {
        "1=127.0.0.1:8901",
        "1=127.0.0.1",
        "1=",
        "1",
        "127.0.0.1:8901:6379",
        "=127.0.0.1:8901:6379",
        "1=127.0.0.1:8901:6379:7000",
        "1=127.0.0.1:8901:6379,2:127.0.0.1:8902:6479",
    })
    void memberWithAMissingPartIsRejectedNamingTheMember(final String members)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Member.parse(members));

        final String bad = members.substring(members.lastIndexOf(',') + 1);
        assertTrue(ex.getMessage().contains("bad member '" + bad + "'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("id=host:raftPort:clientPort"), ex.getMessage());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "1=:8901:6379", "1= :8901:6379", "1=127.0.0.1:8901:6379,2=:8902:6479" })
    void memberWithoutAHostIsRejectedNamingTheMember(final String members)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Member.parse(members), "a member needs a host");

        final String bad = members.substring(members.lastIndexOf(',') + 1);
        assertTrue(ex.getMessage().contains(bad), ex.getMessage());
    }

    @Test
    void emptyPartOfAMemberListIsRejected()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Member.parse("1=127.0.0.1:8901:6379,,2=127.0.0.1:8902:6479"));

        assertTrue(ex.getMessage().contains("bad member ''"), ex.getMessage());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "", "  " })
    void emptyMemberListIsRejected(final String members)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Member.parse(members));

        assertTrue(ex.getMessage().contains("member list is empty"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Member.parse(null));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "0=127.0.0.1:8901:6379   | member id must be a positive integer: 0",
        "-2=127.0.0.1:8901:6379  | member id must be a positive integer: -2",
        "one=127.0.0.1:8901:6379 | bad member 'one=127.0.0.1:8901:6379'",
    })
    void memberWithABadIdIsRejectedNamingIt(final String members, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Member.parse(members));

        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    @Test
    void clusterWithMoreThanOneMemberCannotStartWithoutASecret()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new Context().memberId(1).members(MEMBERS).conclude());

        assertTrue(ex.getMessage().contains("--cluster-secret-file"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Configuration.CLUSTER_SECRET_FILE_PROP_NAME), ex.getMessage());
    }

    @Test
    void memberThatIsTheWholeClusterKeepsTheSecretItCreatesInItsDataDir()
    {
        final Context ctx = new Context().memberId(1).members("1=127.0.0.1:8901:6379")
            .dataDir(tempDir.resolve("node1").toFile()).conclude();

        final long clusterId = ctx.clusterSecret().clusterId();

        assertTrue(tempDir.resolve("node1").resolve(Configuration.CLUSTER_SECRET_FILE_NAME).toFile().isFile());
        assertEquals(clusterId, new Context().memberId(1).members("1=127.0.0.1:8901:6379")
            .dataDir(tempDir.resolve("node1").toFile()).conclude().clusterSecret().clusterId());
        assertNotEquals(clusterId, new Context().memberId(1).members("1=127.0.0.1:8901:6379")
            .dataDir(tempDir.resolve("other").toFile()).conclude().clusterSecret().clusterId());
    }

    @Test
    void unreadableSecretStopsTheStartNamingTheSetting()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> validContext().clusterSecretFile(tempDir.resolve("missing").toFile()).conclude());

        assertTrue(ex.getMessage().contains(Configuration.CLUSTER_SECRET_FILE_PROP_NAME), ex.getMessage());
        assertTrue(ex.getMessage().contains("no such file"), ex.getMessage());
    }

    // -----------------------------------------------------------------------------------------------------------
    // Command-line flags
    // -----------------------------------------------------------------------------------------------------------

    @Test
    void flagsMapOntoPropertiesInBothForms() throws IOException
    {
        final Properties p = Configuration.fromArgs(new String[]{
            "--member-id=1", "--members", MEMBERS, "--read-consistency", "lease", "--election-timeout=1s",
            "--heartbeat-interval", "100ms", "--aeron-mtu=16k", "--cluster-secret-file=" + TestSecrets.shared() });

        assertEquals("1", p.getProperty(Configuration.MEMBER_ID_PROP_NAME));
        assertEquals(MEMBERS, p.getProperty(Configuration.MEMBERS_PROP_NAME));
        assertEquals("lease", p.getProperty(Configuration.READ_CONSISTENCY_PROP_NAME));
        assertEquals("1s", p.getProperty(Configuration.ELECTION_TIMEOUT_PROP_NAME));
        assertEquals("100ms", p.getProperty(Configuration.HEARTBEAT_INTERVAL_PROP_NAME));
        assertEquals("16k", p.getProperty(Configuration.MTU_PROP_NAME));

        final Context ctx = Context.fromProperties(p).conclude();
        assertEquals(1, ctx.memberId());
        assertEquals(Configuration.ReadConsistency.LEASE, ctx.readConsistency());
        assertEquals(TimeUnit.SECONDS.toNanos(1), ctx.electionTimeoutNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), ctx.heartbeatIntervalNs());
        assertEquals(16 * 1024, ctx.mtu());
        assertEquals(new Member(1, "127.0.0.1", 8901, 6379), ctx.self());
        assertEquals(ClusterSecret.read(TestSecrets.shared().toFile()).clusterId(), ctx.clusterSecret().clusterId());
    }

    @Test
    void configFileIsLoadedAndFlagsOverrideItWhereverTheyStand() throws IOException
    {
        final Path file = tempDir.resolve("node.properties");
        Files.writeString(file, String.join("\n",
            "raftis.member.id=3",
            "raftis.members=" + MEMBERS,
            "raftis.fsync=never",
            "raftis.read.consistency=stale",
            "raftis.cluster.secret.file=" + TestSecrets.shared().toString().replace("\\", "/"),
            "raftis.data.dir=" + tempDir.resolve("data").toString().replace("\\", "/"),
            ""));

        final Properties before = Configuration.fromArgs(new String[]{ "--member-id=2", "--config=" + file });
        final Properties after = Configuration.fromArgs(new String[]{ "--config", file.toString(), "--member-id=2" });

        for (final Properties p : new Properties[]{ before, after })
        {
            final Context ctx = Context.fromProperties(p).conclude();
            assertEquals(2, ctx.memberId());
            assertEquals(Configuration.FsyncPolicy.NEVER, ctx.fsync());
            assertEquals(Configuration.ReadConsistency.STALE, ctx.readConsistency());
            assertEquals(tempDir.resolve("data").toFile(), ctx.dataDir());
            assertEquals(new Member(2, "127.0.0.1", 8902, 6479), ctx.self());
        }
    }

    @Test
    void unknownOrMisspeltSettingStopsTheStartAndIsNamed() throws IOException
    {
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> Configuration.fromArgs(new String[]{ "--member-id=1", "--appendonly=yes" }));
        assertTrue(unknown.getMessage().startsWith("unknown setting --appendonly (raftis.appendonly); the settings " +
            "are "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("--fsync"), unknown.getMessage());

        final IllegalArgumentException misspelt = assertThrows(IllegalArgumentException.class,
            () -> Configuration.fromArgs(new String[]{ "--fsnyc=never" }));
        assertTrue(misspelt.getMessage().startsWith("unknown setting --fsnyc (raftis.fsnyc), did you mean --fsync?"),
            misspelt.getMessage());

        final Path file = tempDir.resolve("typo.properties");
        Files.writeString(file, "raftis.member.id=3\nmember.id=3\n");
        final IllegalArgumentException inFile = assertThrows(IllegalArgumentException.class,
            () -> Configuration.fromArgs(new String[]{ "--config=" + file }));
        assertTrue(inFile.getMessage().startsWith("unknown setting member.id, did you mean raftis.member.id?"),
            inFile.getMessage());

        System.setProperty("raftis.idle.strategi", "sleep");
        try
        {
            final IllegalArgumentException property = assertThrows(IllegalArgumentException.class,
                () -> Configuration.fromArgs(new String[]{ "--member-id=1" }));
            assertTrue(property.getMessage().startsWith("unknown setting --idle-strategi (raftis.idle.strategi), " +
                "did you mean --idle-strategy?"), property.getMessage());
        }
        finally
        {
            System.clearProperty("raftis.idle.strategi");
        }
    }

    @Test
    void missingConfigFileIsAnError()
    {
        assertThrows(IOException.class, () -> Configuration.fromArgs(
            new String[]{ "--config=" + tempDir.resolve("absent.properties") }));
    }

    @Test
    void argumentThatIsNotAFlagIsRejected()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Configuration.fromArgs(new String[]{ "--member-id=1", "members" }));

        assertTrue(ex.getMessage().contains("'members'"), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "--member-id", "--member-id --members=x" })
    void flagWithoutAValueIsRejected(final String args)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Configuration.fromArgs(args.split(" ")));

        assertTrue(ex.getMessage().contains("--member-id needs a value"), ex.getMessage());
    }

    @Test
    void missingMemberIdOrMembersNameTheFlag()
    {
        final Properties noId = new Properties();
        noId.setProperty(Configuration.MEMBERS_PROP_NAME, MEMBERS);
        final Properties noMembers = new Properties();
        noMembers.setProperty(Configuration.MEMBER_ID_PROP_NAME, "1");

        final IllegalArgumentException id =
            assertThrows(IllegalArgumentException.class, () -> Context.fromProperties(noId));
        final IllegalArgumentException members =
            assertThrows(IllegalArgumentException.class, () -> Context.fromProperties(noMembers));

        assertTrue(id.getMessage().contains("--member-id"), id.getMessage());
        assertTrue(id.getMessage().contains(Configuration.MEMBER_ID_PROP_NAME), id.getMessage());
        assertTrue(members.getMessage().contains("--members"), members.getMessage());
        assertTrue(members.getMessage().contains(Configuration.MEMBERS_PROP_NAME), members.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badPropertyValues")
    void badPropertyValueIsRejectedNamingTheProperty(final String name, final String value)
    {
        final Properties p = properties();
        p.setProperty(name, value);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Context.fromProperties(p).conclude());

        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }

    static Stream<Arguments> badPropertyValues()
    {
        return Stream.of(
            Arguments.of(Configuration.MEMBER_ID_PROP_NAME, "one"),
            Arguments.of(Configuration.FSYNC_PROP_NAME, "sometimes"),
            Arguments.of(Configuration.FSYNC_PROP_NAME, ""),
            Arguments.of(Configuration.READ_CONSISTENCY_PROP_NAME, "eventual"),
            Arguments.of(Configuration.IDLE_STRATEGY_PROP_NAME, "spinning"),
            Arguments.of(Configuration.ELECTION_TIMEOUT_PROP_NAME, "soon"),
            Arguments.of(Configuration.MTU_PROP_NAME, "16x"),
            Arguments.of(Configuration.MTU_PROP_NAME, "1000"),
            Arguments.of(Configuration.TERM_LENGTH_PROP_NAME, "3m"),
            Arguments.of(Configuration.TERM_LENGTH_PROP_NAME, "4g"),
            Arguments.of(Configuration.MAX_INFLIGHT_PROP_NAME, "many"));
    }

    /**
     * A value that ends like a unit but whose number is malformed fails inside Agrona's parser, whose message names
     * neither the property nor the whole value ("error parsing long: 8k").
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "raftis.election.timeout, 1.5s",
        "raftis.heartbeat.interval, fiftyms",
        "raftis.aeron.mtu, 8kb",
        "raftis.aeron.term.length, 1.5m",
    })
    void sizeOrDurationWithAMalformedNumberIsRejectedNamingTheProperty(final String name, final String value)
    {
        final Properties p = properties();
        p.setProperty(name, value);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Context.fromProperties(p).conclude());

        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "raftis.fsync, NEVER, fsync",
        "raftis.read.consistency, ' Stale ', readConsistency",
        "raftis.idle.strategy, BUSY-SPIN, idleStrategyName",
    })
    void enumeratedValuesIgnoreCaseAndSpaces(final String name, final String value, final String what)
    {
        final Properties p = properties();
        p.setProperty(name, value);

        final Context ctx = Context.fromProperties(p).conclude();

        switch (what)
        {
            case "fsync" -> assertEquals(Configuration.FsyncPolicy.NEVER, ctx.fsync());
            case "readConsistency" -> assertEquals(Configuration.ReadConsistency.STALE, ctx.readConsistency());
            default -> assertInstanceOf(BusySpinIdleStrategy.class, ctx.idleStrategy());
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Context.conclude
    // -----------------------------------------------------------------------------------------------------------

    @Test
    void concludedContextDerivesSelfClusterIdAndDefaults()
    {
        final Context ctx = validContext().conclude();

        assertEquals(new Member(1, "127.0.0.1", 8901, 6379), ctx.self());
        assertEquals(ClusterSecret.read(TestSecrets.shared().toFile()).clusterId(), ctx.clusterSecret().clusterId());
        assertEquals(MEMBERS, ctx.canonicalMembers());
        assertEquals(3, ctx.memberList().length);
        assertEquals(new Member(3, "127.0.0.1", 8903, 6579), ctx.member(3));
        assertNull(ctx.member(4));
        assertEquals(new File("data/node1"), ctx.dataDir());
        assertTrue(ctx.aeronDir().endsWith("raftis-127.0.0.1-8901"), ctx.aeronDir());
        assertNull(ctx.idleStrategy(), "epoll, which the node makes around its selector");
        assertEquals("epoll", ctx.idleStrategyName());
        assertSame(Configuration.FSYNC_DEFAULT, ctx.fsync());
        assertSame(Configuration.READ_CONSISTENCY_DEFAULT, ctx.readConsistency());
    }

    @Test
    void contextConcludesOnlyOnce()
    {
        final Context ctx = validContext().conclude();

        assertThrows(IllegalStateException.class, ctx::conclude);
    }

    @Test
    void derivedValuesAreNotAvailableBeforeConclude()
    {
        final Context ctx = validContext();

        assertThrows(IllegalStateException.class, ctx::self);
        assertThrows(IllegalStateException.class, ctx::clusterSecret);
        assertThrows(IllegalStateException.class, ctx::memberList);
        assertThrows(IllegalStateException.class, ctx::idleStrategy);
    }

    @Test
    void memberIdNotInTheListIsRejected()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> validContext().memberId(4).conclude());

        assertTrue(ex.getMessage().contains("member id 4"), ex.getMessage());
        assertTrue(ex.getMessage().contains(MEMBERS), ex.getMessage());
    }

    @Test
    void heartbeatOfMoreThanHalfTheElectionTimeoutIsRejected()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> validContext()
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(400))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(201))
            .conclude());

        assertTrue(ex.getMessage().contains(Configuration.HEARTBEAT_INTERVAL_PROP_NAME), ex.getMessage());
        assertTrue(ex.getMessage().contains(Configuration.ELECTION_TIMEOUT_PROP_NAME), ex.getMessage());

        validContext()
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(400))
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(200))
            .conclude();
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, -1 })
    void heartbeatThatIsNotPositiveIsRejected(final long heartbeatIntervalNs)
    {
        assertRejected(
            c -> c.heartbeatIntervalNs(heartbeatIntervalNs), Configuration.HEARTBEAT_INTERVAL_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1000, 1407, 1410, 1500, 65505, 65536, 9000 })
    void badMtuIsRejected(final int mtu)
    {
        assertRejected(c -> c.mtu(mtu), Configuration.MTU_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1408, 8192, 65504 })
    void mtuOfAMultipleOf32InRangeIsAccepted(final int mtu)
    {
        assertEquals(mtu, validContext().mtu(mtu).conclude().mtu());
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 32 * 1024, 100_000, 3 * 1024 * 1024, Integer.MIN_VALUE })
    void badTermLengthIsRejected(final int termLength)
    {
        assertRejected(c -> c.termLength(termLength), Configuration.TERM_LENGTH_PROP_NAME);
    }

    @Test
    void smallestTermLengthIsAcceptedWithABatchThatFitsIt()
    {
        final Context ctx = validContext().termLength(64 * 1024).maxBatchBytes(4096).conclude();

        assertEquals(64 * 1024, ctx.termLength());
        assertEquals(4 * 4096, ctx.maxInflightBytes(), "four batches in flight by default");
    }

    @Test
    void batchLargerThanAnEighthOfTheTermIsRejected()
    {
        assertRejected(c -> c.termLength(1024 * 1024).maxBatchBytes(256 * 1024), Configuration.MAX_BATCH_PROP_NAME);
        assertRejected(c -> c.maxBatchBytes(1024), Configuration.MAX_BATCH_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spinning", "", "Backoff" })
    void unknownIdleStrategyIsRejected(final String name)
    {
        assertRejected(c -> c.idleStrategyName(name), Configuration.IDLE_STRATEGY_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = { "backoff", "busy-spin", "yielding", "sleeping" })
    void knownIdleStrategyIsAccepted(final String name)
    {
        assertNotNull(validContext().idleStrategyName(name).conclude().idleStrategy());
    }

    @Test
    void sendPortsAreEphemeralByDefaultOrTheBasePlusThePeerId()
    {
        assertEquals(0, validContext().conclude().raftSendPort(2));
        final Context ctx = validContext().raftSendPortBase(9010).conclude();
        assertEquals(9012, ctx.raftSendPort(2));
        assertEquals(9013, ctx.raftSendPort(3));
        final Properties p = new Properties();
        p.setProperty(Configuration.RAFT_SEND_PORT_BASE_PROP_NAME, "9100");
        assertEquals(9100, Configuration.raftSendPortBase(p));
    }

    @Test
    void sendPortsThatAreOutOfRangeOrThatAMemberListensOnAreRejected()
    {
        assertRejected(c -> c.raftSendPortBase(80), Configuration.RAFT_SEND_PORT_BASE_PROP_NAME);
        assertRejected(c -> c.raftSendPortBase(65534), Configuration.RAFT_SEND_PORT_BASE_PROP_NAME);
        assertRejected(c -> c.raftSendPortBase(8900), Configuration.RAFT_SEND_PORT_BASE_PROP_NAME);
        assertRejected(c -> c.raftSendPortBase(6577), Configuration.RAFT_SEND_PORT_BASE_PROP_NAME);
    }

    @Test
    void otherOutOfRangeSettingsAreRejectedNamingTheProperty()
    {
        assertRejected(c -> c.segmentLength(64 * 1024 + 1), Configuration.SEGMENT_LENGTH_PROP_NAME);
        assertRejected(c -> c.segmentLength(32 * 1024), Configuration.SEGMENT_LENGTH_PROP_NAME);
        assertRejected(c -> c.maxInflightBytes(-1), Configuration.MAX_INFLIGHT_PROP_NAME);
        assertRejected(c -> c.maxBatchBytes(256 * 1024).maxInflightBytes(128 * 1024),
            Configuration.MAX_INFLIGHT_PROP_NAME);
        assertRejected(c -> c.termLength(8 * 1024 * 1024).maxInflightBytes(8 * 1024 * 1024),
            Configuration.MAX_INFLIGHT_PROP_NAME);
        assertRejected(c -> c.idleMaxParkNs(0), Configuration.IDLE_MAX_PARK_PROP_NAME);
        assertRejected(c -> c.idleMaxParkNs(TimeUnit.SECONDS.toNanos(1)), Configuration.IDLE_MAX_PARK_PROP_NAME);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1000000, 1000000",
        "100mb, 104857600",
        "2GB, 2147483648",
        "1k, 1000",
        "5kb, 5120",
        "3m, 3000000",
        "0, 0",
    })
    void maxmemoryTakesRedisUnits(final String value, final long bytes)
    {
        final Properties p = properties();
        p.setProperty(Configuration.MAXMEMORY_PROP_NAME, value);

        assertEquals(bytes, Configuration.maxMemory(p));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "raftis.maxmemory, 1.5gb",
        "raftis.maxmemory, -1",
        "raftis.maxmemory, 12xb",
        "raftis.maxmemory, ''",
        "raftis.maxmemory.policy, allkeys-lru",
        "raftis.maxmemory.clients, 0%",
        "raftis.maxmemory.clients, 101%",
        "raftis.maxmemory.clients, ten",
        "raftis.client.output.buffer.limit, replica 1mb 1mb 1",
        "raftis.client.output.buffer.limit, normal 1mb 1mb",
        "raftis.client.output.buffer.limit, normal 1mb 2mb 60",
        "raftis.client.output.buffer.limit, normal 1mb 1mb -5",
    })
    void badMemoryLimitIsRejectedNamingIt(final String name, final String value)
    {
        final Properties p = properties();
        p.setProperty(name, value);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Context.fromProperties(p).conclude());

        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }

    @Test
    void memoryLimitsDefaultToShareOfTheJvmsHeapAndDirectMemory()
    {
        final Context ctx = validContext().conclude();

        assertEquals(JvmLimits.maxHeap() * 60 / 100, ctx.maxMemory());
        assertEquals(Math.max(JvmLimits.maxDirectMemory() * 50 / 100, 513L * 1024 * 1024), ctx.maxMemoryClients(),
            "half the direct memory, or room for one client's largest bulk string");
        assertArrayEquals(new long[]{0, 0, 0}, ctx.clientOutputBufferLimit());
        assertEquals(0, validContext().maxMemory(0).conclude().maxMemory(), "0: no limit, as Redis");
    }

    @Test
    void maxmemoryTheHeapCannotHoldIsRefusedNamingTheJvmFlag()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> validContext().maxMemory(JvmLimits.maxHeap()).conclude());

        assertTrue(ex.getMessage().contains(Configuration.MAXMEMORY_PROP_NAME), ex.getMessage());
        assertTrue(ex.getMessage().contains("-Xmx"), ex.getMessage());
    }

    @Test
    void memoryLimitsAreReadAsRedisWritesThem()
    {
        final Properties p = properties();
        p.setProperty(Configuration.MAXMEMORY_PROP_NAME, "100mb");
        p.setProperty(Configuration.MAXMEMORY_CLIENTS_PROP_NAME, "10%");
        p.setProperty(Configuration.CLIENT_OUTPUT_BUFFER_LIMIT_PROP_NAME, " normal  64mb 16mb 60 ");

        final Context ctx = Context.fromProperties(p).conclude();

        assertEquals(100L * 1024 * 1024, ctx.maxMemory());
        assertEquals(100L * 1024 * 1024 * 10 / 100, ctx.maxMemoryClients());
        assertArrayEquals(new long[]{64L * 1024 * 1024, 16L * 1024 * 1024, 60}, ctx.clientOutputBufferLimit());
    }

    @Test
    void jvmDirectMemoryLimitIsReadFromItsFlagOrIsTheHeap()
    {
        assertEquals(24L * 1024 * 1024, JvmLimits.maxDirectMemory(List.of("-Xmx1g", "-XX:MaxDirectMemorySize=24m"), 7));
        assertEquals(512, JvmLimits.maxDirectMemory(List.of("-XX:MaxDirectMemorySize=512"), 7));
        assertEquals(7, JvmLimits.maxDirectMemory(List.of("-Xmx1g"), 7));
    }

    private static void assertRejected(final Consumer<Context> change, final String propertyName)
    {
        final Context ctx = validContext();
        change.accept(ctx);

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, ctx::conclude);

        assertTrue(ex.getMessage().contains(propertyName), ex.getMessage());
    }

    private static Context validContext()
    {
        return new Context().memberId(1).members(MEMBERS).clusterSecretFile(TestSecrets.shared().toFile());
    }

    private static Properties properties()
    {
        final Properties p = new Properties();
        p.setProperty(Configuration.MEMBER_ID_PROP_NAME, "1");
        p.setProperty(Configuration.MEMBERS_PROP_NAME, MEMBERS);
        p.setProperty(Configuration.CLUSTER_SECRET_FILE_PROP_NAME, TestSecrets.shared().toString());
        return p;
    }
}

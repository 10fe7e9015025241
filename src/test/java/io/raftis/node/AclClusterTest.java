package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients are authenticated on every member: a cluster started with --requirepass answers NOAUTH to a client that
 * has not authenticated, on followers too before any redirect; ACL SETUSER and DELUSER go through the log, so a user
 * made on the leader can authenticate on a follower, with the same permissions, and no password reaches a log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclClusterTest
{
    private static final String PASSWORD = "s3cret-default";
    private static final String ALICE_PASSWORD = "correct-horse-battery-staple";

    private TestCluster cluster;
    private Path dir;

    @BeforeAll
    void startCluster(@TempDir final Path dir)
    {
        this.dir = dir;
        TestCluster.defaultPassword = PASSWORD;
        cluster = TestCluster.start(3, dir, "--requirepass=" + PASSWORD);
    }

    @AfterAll
    void closeCluster()
    {
        TestCluster.defaultPassword = null;
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldRequireAuthenticationOnEveryMemberBeforeRedirecting()
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        for (final int id : new int[]{ leader, follower })
        {
            try (Jedis jedis = unauthenticated(id))
            {
                final String diagnostic = "member " + id;
                assertEquals("NOAUTH Authentication required.", error(() -> jedis.ping()), diagnostic);
                assertEquals("NOAUTH Authentication required.", error(() -> jedis.set("k", "v")),
                    "NOAUTH, not MOVED, on " + diagnostic);
                assertEquals("NOAUTH HELLO must be called with the client already authenticated, otherwise the " +
                    "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP " +
                    "protocol version at the same time", error(() -> jedis.sendCommand(Protocol.Command.HELLO, "2")));
                assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
                    error(() -> jedis.auth("wrong")), diagnostic);
                assertEquals("ERR unknown command 'nosuch', with args beginning with: ",
                    error(() -> jedis.sendCommand(() -> "nosuch".getBytes(StandardCharsets.US_ASCII))));
                assertEquals("OK", jedis.auth(PASSWORD), diagnostic);
                assertEquals("PONG", jedis.ping(), diagnostic);
                assertEquals("default", jedis.aclWhoAmI());
            }
            try (Jedis jedis = unauthenticated(id))
            {
                final List<?> hello = (List<?>)jedis.sendCommand(Protocol.Command.HELLO, "2", "AUTH", "default",
                    PASSWORD, "SETNAME", "acl-test");
                assertEquals("server", new String((byte[])hello.get(0), StandardCharsets.US_ASCII));
                assertEquals("acl-test", jedis.clientGetname());
            }
        }
    }

    @Test
    void shouldReplicateUsersThroughTheLogSoThatFollowersEnforceThem() throws IOException
    {
        final int leader = cluster.awaitLeader();
        final int follower = leader == 1 ? 2 : 1;
        try (Jedis admin = cluster.client(leader))
        {
            assertEquals("OK", admin.aclSetUser("alice", "on", ">" + ALICE_PASSWORD, "~app:*", "+@string",
                "-append", "+acl|whoami"));
            assertEquals("OK", admin.set("other", "x"));
            assertEquals("ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL",
                error(() -> admin.aclSetUser("bob", "+@nosuch")));
        }
        try (Jedis followerAdmin = cluster.client(follower))
        {
            // the follower applies the change in log order: wait until it has
            TestCluster.await(TestCluster.AWAIT_TIMEOUT_MS, () -> followerAdmin.aclUsers().contains("alice"),
                () -> "member " + follower + " never learned of alice: " + followerAdmin.aclUsers());
            assertFalse(followerAdmin.aclUsers().contains("bob"), "a refused SETUSER changes nothing");
            final String line = followerAdmin.aclList().stream().filter(l -> l.startsWith("user alice ")).findFirst()
                .orElseThrow();
            assertTrue(line.startsWith("user alice on #") && line.endsWith(" ~app:* resetchannels -@all +@string " +
                "-append +acl|whoami"), line);
            assertEquals("OK", followerAdmin.aclDryRun("alice", "get", "app:1"));
            assertEquals("This user has no permissions to access the 'other' key",
                followerAdmin.aclDryRun("alice", "get", "other"));
        }
        try (Jedis alice = unauthenticated(follower))
        {
            assertEquals("OK", alice.auth("alice", ALICE_PASSWORD), "alice authenticates on a follower");
            assertEquals("alice", alice.aclWhoAmI());
            assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
                error(() -> alice.get("other")));
            assertEquals("NOPERM this user has no permissions to run the 'del' command",
                error(() -> alice.del("app:1")));
            assertTrue(error(() -> alice.set("app:1", "v")).startsWith("MOVED "), "permitted, then redirected");
        }
        try (Jedis alice = unauthenticated(leader))
        {
            assertEquals("OK", alice.auth("alice", ALICE_PASSWORD));
            assertEquals("OK", alice.set("app:1", "v"));
            assertEquals("v", alice.get("app:1"));
            assertEquals("NOPERM this user has no permissions to run the 'append' command",
                error(() -> alice.append("app:1", "w")));
            assertEquals("NOPERM this user has no permissions to run the 'acl|list' command",
                error(() -> alice.aclList()));

            // deleted on the leader: its connections close on every member
            try (Jedis admin = cluster.client(leader))
            {
                assertEquals(1, admin.aclDelUser("alice", "nobody"));
                assertEquals("ERR The 'default' user cannot be removed", error(() -> admin.aclDelUser("default")));
            }
            assertThrows(JedisConnectionException.class, alice::ping, "alice's connection is closed");
        }
        for (int id = 1; id <= 3; id++)
        {
            try (Stream<Path> files = Files.walk(cluster.dataDir(id).resolve("raft-log")))
            {
                for (final Path file : files.filter(Files::isRegularFile).toList())
                {
                    final String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(ALICE_PASSWORD), "a password in the clear in " + file);
                    assertFalse(bytes.contains(PASSWORD), "a password in the clear in " + file);
                }
            }
        }
    }

    private Jedis unauthenticated(final int id)
    {
        return new Jedis(TestCluster.HOST, cluster.clientPort(id), DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(10_000).socketTimeoutMillis(30_000).build());
    }

    private static String error(final Runnable command)
    {
        return assertThrows(JedisDataException.class, command::run).getMessage();
    }
}

package io.raftis.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PFCOUNT on a real 3-member cluster read with stale reads, so each member answers from its own keyspace: the count
 * PFCOUNT caches in the string goes through the log, so every member holds the same bytes.
 */
class HyperLogLogClusterTest
{
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster(@TempDir final Path dir)
    {
        cluster = TestCluster.start(3, dir, "--read-consistency=stale");
    }

    @AfterAll
    static void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldCacheTheCountOnEveryMember()
    {
        // redis-server's string after PFADD hll a b c and PFCOUNT hll: 3 cached in the header, the cache valid
        final String expected = RespConnection.render(
            HexFormat.of().parseHex("48594c4c01000000030000000000000060f38050b1844bfb80425a"));
        final int leader = cluster.awaitLeader();
        try (RespConnection connection = new RespConnection(TestCluster.HOST, cluster.clientPort(leader)))
        {
            assertEquals(":1", connection.call(List.of("PFADD", "hll", "a", "b", "c")));
            assertEquals(":3", connection.call(List.of("PFCOUNT", "hll")));
            assertEquals(":3", connection.call(List.of("PFCOUNT", "hll", "missing")));
        }
        for (int id = 1; id <= cluster.memberCount(); id++)
        {
            final int member = id;
            try (RespConnection other = new RespConnection(TestCluster.HOST, cluster.clientPort(member)))
            {
                TestCluster.await(30_000, () -> expected.equals(other.call(List.of("GET", "hll"))),
                    () -> "member " + member + " holds " + other.call(List.of("GET", "hll")) + ", not " + expected);
            }
        }
    }
}

package io.raftis.node;

import io.raftis.raft.MemoryLog;
import io.raftis.raft.RaftNode;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MULTI, EXEC and WATCH on a member alone, pass by pass: a transaction is one entry, and an EXEC with watched keys
 * is decided only once every write proposed before it is applied, with other writes held back meanwhile.
 */
class TransactionTest
{
    private final SoloLeader leader = new SoloLeader(SystemEpochClock.INSTANCE, 64 * 1024);
    private final InProcessNode node = leader.node;
    private final MemoryLog log = leader.log;
    private final RaftNode raft = leader.raft;

    @Test
    void shouldApplyQueuedCommandsAsOneEntryAndAnswerThemAsOneArray()
    {
        final InProcessNode.Link client = node.connect();
        final long before = raft.lastIndex();
        assertEquals("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n+OK\r\n:2\r\n" +
            "-ERR value is not an integer or out of range\r\n$1\r\n2\r\n",
            call(client, cmd("MULTI"), cmd("SET", "k", "1"), cmd("INCR", "k"), cmd("INCRBY", "k", "x"), cmd("GET", "k"),
            cmd("EXEC")));
        // INCR "x y" fails on apply, as in Redis, and the rest still runs: one entry holds them all
        assertEquals(before + 1, raft.lastIndex());
    }

    @Test
    void shouldRunQueuedSelectsAndLeaveTheConnectionInTheDatabaseTheyChose()
    {
        final InProcessNode.Link client = node.connect();
        assertEquals("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n-ERR DB index is out of range\r\n" +
            "+OK\r\n$3\r\none\r\n$-1\r\n",
            call(client, cmd("MULTI"), cmd("SELECT", "3"), cmd("SET", "k", "one"), cmd("SELECT", "16"), cmd("EXEC"),
            cmd("SET", "j", "two"), cmd("GET", "k"), cmd("GET", "two")));
        assertEquals("+OK\r\n$3\r\ntwo\r\n+OK\r\n$-1\r\n",
            call(client, cmd("SELECT", "3"), cmd("GET", "j"), cmd("SELECT", "0"), cmd("GET", "j")));
    }

    @Test
    void shouldAbortOnACommandRefusedWhileQueueing()
    {
        final InProcessNode.Link client = node.connect();
        final long before = raft.lastIndex();
        assertEquals("+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n" +
            "-ERR wrong number of arguments for 'get' command\r\n-ERR MULTI calls can not be nested\r\n" +
            "-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n",
            call(client, cmd("MULTI"), cmd("SET", "k", "1"), cmd("NOSUCH"), cmd("GET"), cmd("MULTI"), cmd("EXEC"),
            cmd("GET", "k")));
        assertEquals(before, raft.lastIndex(), "nothing reaches the log");
        assertEquals("-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n",
            call(client, cmd("EXEC"), cmd("DISCARD")));
    }

    @Test
    void shouldFailExecWhenAnotherConnectionWroteAWatchedKey()
    {
        final InProcessNode.Link watcher = node.connect();
        final InProcessNode.Link other = node.connect();
        assertEquals("+OK\r\n", call(watcher, cmd("WATCH", "k")));
        assertEquals("+OK\r\n", call(other, cmd("SET", "k", "theirs")));
        assertEquals("+OK\r\n+QUEUED\r\n*-1\r\n$6\r\ntheirs\r\n",
            call(watcher, cmd("MULTI"), cmd("SET", "k", "mine"), cmd("EXEC"), cmd("GET", "k")));
        // the watch ended with EXEC: the same again succeeds
        assertEquals("+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n",
            call(watcher, cmd("WATCH", "k"), cmd("MULTI"), cmd("SET", "k", "mine"), cmd("EXEC")));
    }

    @Test
    void shouldDecideAWatchedExecOnlyOnceTheWritesProposedBeforeItAreApplied()
    {
        final InProcessNode.Link watcher = node.connect();
        final InProcessNode.Link other = node.connect();
        final InProcessNode.Link late = node.connect();
        assertEquals("+OK\r\n+OK\r\n+QUEUED\r\n",
            call(watcher, cmd("WATCH", "k"), cmd("MULTI"), cmd("SET", "k", "mine")));

        // another connection's write to the key is proposed, and not yet applied, when the EXEC comes
        final long before = raft.lastIndex();
        other.send(resp(cmd("SET", "k", "theirs")));
        passWithoutFlush();
        assertEquals(before + 1, raft.lastIndex());
        watcher.send(resp(cmd("EXEC")));
        passWithoutFlush();
        assertEquals(before + 1, raft.lastIndex(), "the EXEC waits for the write before it to be applied");
        late.send(resp(cmd("SET", "k", "late")));
        passWithoutFlush();
        assertEquals(before + 1, raft.lastIndex(), "a write that comes meanwhile waits behind the EXEC");

        assertEquals("*-1\r\n", until(watcher, "*-1\r\n"), "the EXEC saw the write proposed before it");
        assertEquals("+OK\r\n", until(other, "+OK\r\n"));
        assertEquals("+OK\r\n", until(late, "+OK\r\n"));
        assertEquals("$4\r\nlate\r\n", call(watcher, cmd("GET", "k")));
    }

    @Test
    void shouldNotFailExecForAWriteThatChangesNothing()
    {
        final InProcessNode.Link watcher = node.connect();
        // as Redis: an SADD of a member already there and an SREM of one absent change nothing a WATCH sees
        assertEquals(":1\r\n+OK\r\n:0\r\n:0\r\n+OK\r\n+QUEUED\r\n*1\r\n:1\r\n",
            call(watcher, cmd("SADD", "s", "a"), cmd("WATCH", "s"), cmd("SADD", "s", "a"), cmd("SREM", "s", "b"),
            cmd("MULTI"), cmd("SADD", "s", "b"), cmd("EXEC")));
    }

    @Test
    void shouldDecideSpopOnTheLeaderAndLogTheMembersItPicked()
    {
        final InProcessNode.Link client = node.connect();
        assertEquals(":5\r\n", call(client, cmd("SADD", "s", "a", "b", "c", "d", "e")));
        final String popped = call(client, cmd("SPOP", "s", "2"));
        assertTrue(popped.startsWith("*2\r\n"), popped);
        final String entry = log.payload(raft.lastIndex());
        assertTrue(entry.contains("SPOP-EFFECT") && entry.contains("MANY"), "the log holds the effect: " + entry);
        for (final String member : popped.substring(4).split("\r\n"))
        {
            if (!member.startsWith("$"))
            {
                assertTrue(entry.contains("\r\n" + member + "\r\n"), member + " is in the entry " + entry);
                assertEquals(":0\r\n", call(client, cmd("SISMEMBER", "s", member)));
            }
        }
        assertEquals(":3\r\n", call(client, cmd("SCARD", "s")));

        // nothing to pick, or nothing valid: answered at once, nothing logged
        assertEquals("+OK\r\n", call(client, cmd("SET", "k", "v")));
        final long before = raft.lastIndex();
        assertEquals("$-1\r\n*0\r\n*0\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" +
            "-ERR value is out of range, must be positive\r\n-ERR syntax error\r\n",
            call(client, cmd("SPOP", "nothing"), cmd("SPOP", "nothing", "3"), cmd("SPOP", "s", "0"),
            cmd("SPOP", "k"), cmd("SPOP", "s", "-1"), cmd("SPOP", "s", "1", "2")));
        assertEquals(before, raft.lastIndex());

        // the rest, in one pop of more than the set holds: the key goes
        final String rest = call(client, cmd("SPOP", "s", "10"), cmd("EXISTS", "s"));
        assertTrue(rest.startsWith("*3\r\n") && rest.endsWith(":0\r\n"), rest);
    }

    private String call(final InProcessNode.Link client, final String... commands)
    {
        for (final String command : commands)
        {
            client.send(resp(command));
        }
        final StringBuilder received = new StringBuilder();
        for (int passes = 0; passes < 100; passes++)
        {
            pass();
            received.append(client.receive());
        }
        return received.toString();
    }

    private String until(final InProcessNode.Link client, final String expected)
    {
        final StringBuilder received = new StringBuilder();
        for (int passes = 0; passes < 100 && received.length() < expected.length(); passes++)
        {
            pass();
            received.append(client.receive());
        }
        return received.toString();
    }

    private void pass()
    {
        leader.pass();
    }

    private void passWithoutFlush()
    {
        leader.passWithoutFlush();
    }

    private static String cmd(final String... args)
    {
        final StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (final String arg : args)
        {
            sb.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString();
    }

    private static byte[] resp(final String command)
    {
        return command.getBytes(StandardCharsets.ISO_8859_1);
    }
}

package io.raftis.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BLPOP and its kin on a member alone, pass by pass, against a clock the test moves: a client that finds nothing
 * waits, a write that feeds its key serves it in the order clients blocked, and its timeout goes through the log.
 */
class BlockingTest
{
    private final long[] clockMs = { 1_000_000 };
    private final SoloLeader leader = new SoloLeader(() -> clockMs[0], 64 * 1024);
    private final InProcessNode node = leader.node;

    @Test
    void shouldServeBlockedClientsInTheOrderTheyBlockedOnceAWriteFeedsTheKey()
    {
        final InProcessNode.Link first = node.connect();
        final InProcessNode.Link second = node.connect();
        final InProcessNode.Link pusher = node.connect();
        first.send(resp("BLPOP", "nothing", "queue", "0"));
        passes(10);
        second.send(resp("BLPOP", "queue", "0"));
        passes(10);
        assertEquals("", first.receive() + second.receive(), "both wait");

        pusher.send(resp("LPUSH", "queue", "a", "b"));
        passes(10);
        assertEquals(":2\r\n", pusher.receive(), "LPUSH counts what it pushed, before anyone is served");
        assertEquals("*2\r\n$5\r\nqueue\r\n$1\r\nb\r\n", first.receive());
        assertEquals("*2\r\n$5\r\nqueue\r\n$1\r\na\r\n", second.receive());
        assertEquals(":0\r\n", call(pusher, "EXISTS", "queue"));
    }

    @Test
    void shouldServeAtOnceWhenTheKeyHoldsAListAndRefuseAnotherType()
    {
        final InProcessNode.Link client = node.connect();
        assertEquals(":1\r\n+OK\r\n*2\r\n$1\r\nl\r\n$1\r\nx\r\n" +
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-ERR timeout is negative\r\n" +
            "-ERR timeout is not a float or out of range\r\n",
            call(client, "RPUSH", "l", "x") + call(client, "SET", "s", "v") + call(client, "BRPOP", "l", "s", "0") +
            call(client, "BLPOP", "nothing", "s", "0") + call(client, "BLPOP", "l", "-1") +
            call(client, "BLPOP", "l", "soon"));
    }

    @Test
    void shouldHoldABlockedClientsNextCommandsUntilItIsServed()
    {
        final InProcessNode.Link client = node.connect();
        final InProcessNode.Link pusher = node.connect();
        client.send(resp("BLPOP", "q", "0"));
        client.send(resp("PING"));
        passes(10);
        assertEquals("", client.receive());
        assertEquals(":1\r\n", call(pusher, "RPUSH", "q", "v"));
        passes(10);
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nv\r\n+PONG\r\n", client.receive());
    }

    @Test
    void shouldAnswerATimeoutThroughTheLogAndLeaveLaterElementsAlone()
    {
        final InProcessNode.Link client = node.connect();
        final InProcessNode.Link pusher = node.connect();
        client.send(resp("BLMOVE", "source", "destination", "LEFT", "RIGHT", "0.5"));
        passes(10);
        clockMs[0] += 499;
        passes(10);
        assertEquals("", client.receive(), "not before its time");
        clockMs[0] += 1;
        passes(10);
        assertEquals("$-1\r\n", client.receive());
        assertEquals(":1\r\n$1\r\nv\r\n", call(pusher, "RPUSH", "source", "v") + call(pusher, "LPOP", "source"));
    }

    @Test
    void shouldMoveThroughAChainOfBlockedClients()
    {
        final InProcessNode.Link mover = node.connect();
        final InProcessNode.Link popper = node.connect();
        final InProcessNode.Link pusher = node.connect();
        mover.send(resp("BLMOVE", "in", "out", "RIGHT", "LEFT", "0"));
        passes(10);
        popper.send(resp("BLMPOP", "0", "2", "nothing", "out", "LEFT", "COUNT", "5"));
        passes(10);
        assertEquals(":1\r\n", call(pusher, "RPUSH", "in", "job"));
        assertEquals("$3\r\njob\r\n", mover.receive());
        assertEquals("*2\r\n$3\r\nout\r\n*1\r\n$3\r\njob\r\n", popper.receive());
        assertEquals(":0\r\n", call(pusher, "EXISTS", "in", "out"));
    }

    @Test
    void shouldServeBlockedSortedSetPopsInOrder()
    {
        final InProcessNode.Link min = node.connect();
        final InProcessNode.Link many = node.connect();
        final InProcessNode.Link adder = node.connect();
        min.send(resp("BZPOPMIN", "board", "0"));
        passes(10);
        many.send(resp("BZMPOP", "0", "1", "board", "MAX", "COUNT", "5"));
        passes(10);
        assertEquals(":3\r\n", call(adder, "ZADD", "board", "1", "a", "2", "b", "3", "c"));
        assertEquals("*3\r\n$5\r\nboard\r\n$1\r\na\r\n$1\r\n1\r\n", min.receive());
        assertEquals("*2\r\n$5\r\nboard\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
            many.receive());
        assertEquals(":0\r\n", call(adder, "EXISTS", "board"));
    }

    @Test
    void shouldNotBlockInsideATransaction()
    {
        final InProcessNode.Link client = node.connect();
        assertEquals("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n*-1\r\n$-1\r\n",
            call(client, "MULTI") + call(client, "BLPOP", "nothing", "0") +
            call(client, "BRPOPLPUSH", "nothing", "x", "0") + call(client, "EXEC"));
    }

    @Test
    void shouldServeNothingToAClientThatLeft()
    {
        final InProcessNode.Link gone = node.connect();
        final InProcessNode.Link pusher = node.connect();
        gone.send(resp("BLPOP", "q", "0"));
        passes(10);
        gone.close();
        passes(10);
        assertEquals(":1\r\n$1\r\nv\r\n", call(pusher, "RPUSH", "q", "v") + call(pusher, "LPOP", "q"));
    }

    @Test
    void shouldServeNothingToAClientThatLeftWhileAWatchedExecHeldProposalsBack()
    {
        final InProcessNode.Link gone = node.connect();
        final InProcessNode.Link watcher = node.connect();
        final InProcessNode.Link other = node.connect();
        gone.send(resp("BLPOP", "q", "0"));
        passes(10);
        assertEquals("+OK\r\n+OK\r\n+QUEUED\r\n",
            call(watcher, "WATCH", "x") + call(watcher, "MULTI") + call(watcher, "SET", "x", "1"));
        other.send(resp("SET", "y", "1"));
        passWithoutFlush();
        watcher.send(resp("EXEC"));
        passWithoutFlush(); // the EXEC waits for the SET to apply, and holds every other proposal back
        gone.close();
        passWithoutFlush(); // so the client's removal cannot be proposed yet
        passes(10);
        assertEquals("*1\r\n+OK\r\n", watcher.receive());
        assertEquals("+OK\r\n:1\r\n$1\r\nv\r\n", call(other, "RPUSH", "q", "v") + call(other, "LPOP", "q"),
            "the SET's reply, then the element, which no one took");
    }

    @Test
    void shouldServeNothingToAClientThatLeftBeforeItsBlockingCommandApplied()
    {
        final InProcessNode.Link gone = node.connect();
        final InProcessNode.Link other = node.connect();
        gone.send(resp("BLPOP", "q", "0"));
        passWithoutFlush(); // proposed, not applied
        gone.close();
        passes(10);
        assertEquals(":1\r\n$1\r\nv\r\n", call(other, "RPUSH", "q", "v") + call(other, "LPOP", "q"));
    }

    private String call(final InProcessNode.Link client, final String... args)
    {
        return leader.call(client, args);
    }

    private void passes(final int count)
    {
        leader.passes(count);
    }

    private void passWithoutFlush()
    {
        leader.passWithoutFlush();
    }

    private static byte[] resp(final String... args)
    {
        return SoloLeader.resp(args);
    }
}

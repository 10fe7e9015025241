package io.raftis.node;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static io.raftis.node.SoloLeader.bulk;
import static io.raftis.node.SoloLeader.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes longer than a replication batch, on a member alone, pass by pass: they go into the log in parts, a few
 * parts a pass, with other clients' writes in between, and every member applies the whole at its last part.
 */
class LargeWriteTest
{
    private static final int BATCH = 64 * 1024;

    private final long[] clockMs = { 1_000_000 };
    private final SoloLeader leader = new SoloLeader(() -> clockMs[0], BATCH);

    @Test
    void shouldWriteAndReadBackAValueLongerThanABatch()
    {
        final InProcessNode.Link client = leader.node.connect();
        final String value = value(1, 20 * BATCH + 17);
        assertEquals("+OK\r\n", call(client, "SET", "big", value));
        assertEquals(bulk(value), call(client, "GET", "big"));
        assertTrue(parts(1, leader.log.lastIndex()) > 20, "it went in parts");
        assertEquals(":" + (value.length() + 4) + "\r\n", call(client, "APPEND", "big", "tail"));
        assertEquals(bulk(value + "tail"), call(client, "GET", "big"));
    }

    @Test
    void shouldLetAnotherClientsWriteInBetweenItsParts()
    {
        final InProcessNode.Link large = leader.node.connect();
        final InProcessNode.Link small = leader.node.connect();
        final String value = value(2, 60 * BATCH);
        large.send(resp("SET", "big", value));
        for (int i = 0; i < 100 && 0 == parts(1, leader.log.lastIndex()); i++)
        {
            leader.pass();
        }
        final long firstPart = leader.log.lastIndex();
        assertEquals("+OK\r\n", call(small, "SET", "small", "v"), "answered while the parts go out");
        assertEquals("", large.receive());
        final String reply = awaitReply(large);
        assertEquals("+OK\r\n", reply);
        long smallIndex = 0;
        long lastPart = 0;
        for (long index = firstPart; index <= leader.log.lastIndex(); index++)
        {
            final String payload = leader.log.payload(index);
            smallIndex = payload.endsWith("$5\r\nsmall\r\n$1\r\nv\r\n") ? index : smallIndex;
            lastPart = isPart(payload) ? index : lastPart;
        }
        assertTrue(firstPart < smallIndex && smallIndex < lastPart,
            "the small write at " + smallIndex + " is between parts " + firstPart + " and " + lastPart);
        assertEquals(bulk(value), call(small, "GET", "big"));
    }

    @Test
    void shouldKeepTheConnectionsNextCommandsBehindItsLargeWrite()
    {
        final InProcessNode.Link client = leader.node.connect();
        final String value = value(3, 10 * BATCH);
        client.send(resp("SET", "big", value));
        client.send(resp("APPEND", "big", "!"));
        client.send(resp("STRLEN", "big"));
        client.send(resp("SET", "second", value));
        client.send(resp("GET", "second"));
        assertEquals("+OK\r\n:" + (value.length() + 1) + "\r\n:" + (value.length() + 1) + "\r\n+OK\r\n" + bulk(value),
            awaitReply(client, 5));
    }

    @Test
    void shouldTakeLargeWritesOfTwoClientsOneAfterTheOther()
    {
        final InProcessNode.Link first = leader.node.connect();
        final InProcessNode.Link second = leader.node.connect();
        final String one = value(4, 30 * BATCH);
        final String two = value(5, 30 * BATCH + 1);
        first.send(resp("SET", "one", one));
        second.send(resp("SET", "two", two));
        assertEquals("+OK\r\n", awaitReply(first));
        assertEquals("+OK\r\n", awaitReply(second));
        assertEquals(bulk(one) + bulk(two), call(first, "GET", "one") + call(first, "GET", "two"));
    }

    @Test
    void shouldApplyATransactionLongerThanABatchAsOne()
    {
        final InProcessNode.Link client = leader.node.connect();
        final String value = value(6, 12 * BATCH);
        assertEquals("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n:2\r\n",
            call(client, "MULTI") + call(client, "SET", "a", value) + call(client, "SET", "b", value) +
            call(client, "EXISTS", "a", "b") + call(client, "EXEC"));
        assertEquals(bulk(value), call(client, "GET", "b"));
    }

    @Test
    void shouldLetNoWriteInBetweenTheWatchAndALargeTransaction()
    {
        final InProcessNode.Link client = leader.node.connect();
        final InProcessNode.Link other = leader.node.connect();
        final String value = value(7, 40 * BATCH);
        assertEquals("+OK\r\n+OK\r\n+QUEUED\r\n", call(client, "WATCH", "k") + call(client, "MULTI") +
            call(client, "SET", "k", value));
        client.send(resp("EXEC"));
        for (int i = 0; i < 100 && 0 == parts(1, leader.log.lastIndex()); i++)
        {
            leader.pass();
        }
        // another client writes the watched key while the transaction's parts go out: it comes after the transaction
        other.send(resp("SET", "k", "later"));
        assertEquals("*1\r\n+OK\r\n", awaitReply(client));
        assertEquals("+OK\r\n", awaitReply(other));
        assertEquals(bulk("later"), call(other, "GET", "k"));
    }

    @Test
    void shouldDropTheRunOfAClientThatLeftAndGoOn()
    {
        final InProcessNode.Link client = leader.node.connect();
        client.send(resp("SET", "big", value(8, 40 * BATCH)));
        for (int i = 0; i < 100 && 0 == parts(1, leader.log.lastIndex()); i++)
        {
            leader.pass();
        }
        client.close();
        leader.passes(20);
        final InProcessNode.Link next = leader.node.connect();
        assertEquals(":0\r\n", call(next, "EXISTS", "big"), "nothing of it is applied");
        assertEquals("1 abandoned, 1 dropped", leader.node.largeWritesGivenUp());
        final String value = value(9, 3 * BATCH);
        assertEquals("+OK\r\n" + bulk(value), call(next, "SET", "big", value) + call(next, "GET", "big"));
    }

    @Test
    void shouldAnswerALargeWriteTheLogRefusedOnceAndGoOnWithTheNextCommand()
    {
        final InProcessNode.Link client = leader.node.connect();
        client.send(resp("SET", "big", value(10, 40 * BATCH)));
        client.send(resp("INCR", "counter"));
        for (int i = 0; i < 100 && 0 == parts(1, leader.log.lastIndex()); i++)
        {
            leader.pass();
        }
        leader.log.refuseAppends = true; // the disk fills up while its parts go out
        final String refused = awaitReply(client, 2);
        assertEquals(2, refused.split("-MISCONF", -1).length - 1, "the write and the next command, once each: " +
            refused);
        leader.log.refuseAppends = false;
        assertEquals(":1\r\n", call(client, "INCR", "counter"), "the large write is not tried again");
        assertEquals(":0\r\n", call(client, "EXISTS", "big"));
    }

    @Test
    void shouldStoreALargeValueInTheArrayItsPartsFilledNotInACopyMadeWhenItApplies()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final InProcessNode.Link client = leader.node.connect();
        final String value = value(4, 8 * 1024 * 1024);
        client.send(resp("SET", "big", value));
        String reply = "";
        long appliedPassBytes = 0;
        long mostInAPass = 0;
        for (int i = 0; i < 1_000 && reply.isEmpty(); i++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            leader.pass();
            appliedPassBytes = threads.getCurrentThreadAllocatedBytes() - before;
            mostInAPass = Math.max(mostInAPass, appliedPassBytes);
            reply = client.receive();
        }
        assertEquals("+OK\r\n", reply);
        assertTrue(mostInAPass >= value.length(), "one pass made the value's array: " + mostInAPass + " bytes");
        assertTrue(appliedPassBytes < value.length() / 2,
            "the pass that applied the whole made " + appliedPassBytes + " bytes");
        assertTrue(bulk(value).equals(call(client, "GET", "big")), "read back whole");
    }

    private String call(final InProcessNode.Link client, final String... args)
    {
        client.send(resp(args));
        return awaitReply(client);
    }

    private String awaitReply(final InProcessNode.Link client)
    {
        return awaitReply(client, 1);
    }

    /**
     * @return what the client received by the time it holds the given number of replies, none of them arrays.
     */
    private String awaitReply(final InProcessNode.Link client, final int replies)
    {
        final StringBuilder received = new StringBuilder();
        for (int i = 0; i < 1_000 && replies(received) < replies; i++)
        {
            leader.pass();
            received.append(client.receive());
        }
        return received.toString();
    }

    /**
     * @return the complete lines received that are not the header of an array or a bulk: one a reply, when no reply
     * is an array of more than one element and no bulk holds a CRLF.
     */
    private static int replies(final CharSequence received)
    {
        int count = 0;
        int lineStart = 0;
        for (int i = 0; i + 1 < received.length(); i++)
        {
            if (received.charAt(i) == '\r' && received.charAt(i + 1) == '\n')
            {
                final char type = received.charAt(lineStart);
                count += type == '$' || type == '*' ? 0 : 1;
                lineStart = i + 2;
                i++;
            }
        }
        return count;
    }

    private int parts(final long from, final long to)
    {
        int count = 0;
        for (long index = from; index <= to; index++)
        {
            count += isPart(leader.log.payload(index)) ? 1 : 0;
        }
        return count;
    }

    private static boolean isPart(final String payload)
    {
        return !payload.isEmpty() && payload.charAt(0) == EntryHeader.PART;
    }

    private static String value(final long seed, final int length)
    {
        final Random random = new Random(seed);
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + random.nextInt(26));
        }
        return new String(chars);
    }
}

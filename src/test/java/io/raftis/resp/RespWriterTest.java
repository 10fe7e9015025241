package io.raftis.resp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RespWriterTest
{
    private final RespWriter writer = new RespWriter(16);

    @Test
    void shouldWriteSimpleString()
    {
        writer.simpleString("PONG");
        assertOutput("+PONG\r\n");
    }

    @Test
    void shouldReplaceLineBreaksInSimpleStringsAndErrors()
    {
        writer.simpleString("a\r\nb").error("ERR x\ny");
        assertOutput("+a  b\r\n-ERR x y\r\n");
    }

    @Test
    void shouldKeepALargeBulkAsABodyBetweenItsHeaderAndItsEnd()
    {
        final RespWriter out = new RespWriter(64);
        final byte[] value = new byte[RespWriter.STREAM_THRESHOLD];
        out.integer(7).bulk(new UnsafeBuffer(value), 0, value.length).ok();

        final String header = ":7\r\n$" + value.length + "\r\n";
        assertEquals(header.length(), out.bodyAt());
        assertEquals(header.length() + 2 + 5, out.bufferedLength());
        assertEquals(out.bufferedLength() + value.length, out.length());
        assertTrue(out.capacity() >= out.length(), "counts the body's memory");
        assertEquals(value.length, out.body().length);

        out.consumed(header.length());
        assertEquals(0, out.bodyAt());
        out.bodyConsumed(value.length - 1);
        assertEquals(0, out.bodyAt(), "the body is not sent whole yet");
        out.bodyConsumed(1);
        assertEquals(-1, out.bodyAt());
        assertEquals("\r\n+OK\r\n", out.buffer().getStringWithoutLengthAscii(0, out.bufferedLength()));

        out.bulk(value);
        out.reset();
        assertEquals(0, out.length());
        assertEquals(-1, out.bodyAt());
    }

    @Test
    void shouldCopyABulkJustBelowTheThresholdIntoTheBuffer()
    {
        final RespWriter out = new RespWriter(64);
        out.bulk(new byte[RespWriter.STREAM_THRESHOLD - 1]);
        assertEquals(-1, out.bodyAt());
        assertEquals(out.length(), out.bufferedLength());
    }

    @Test
    void shouldWriteOk()
    {
        writer.ok();
        assertOutput("+OK\r\n");
    }

    @Test
    void shouldWriteError()
    {
        writer.error("ERR wrong number of arguments for 'get' command");
        assertOutput("-ERR wrong number of arguments for 'get' command\r\n");
    }

    @Test
    void shouldWriteNonAsciiTextAsUtf8()
    {
        writer.simpleString("\u00e9").error("ERR \u00fc");
        assertOutput("+\u00c3\u00a9\r\n-ERR \u00c3\u00bc\r\n");
    }

    @Test
    void shouldWriteIntegers()
    {
        writer.integer(0).integer(-1).integer(42).integer(Long.MAX_VALUE).integer(Long.MIN_VALUE);
        assertOutput(":0\r\n:-1\r\n:42\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
    }

    @Test
    void shouldWriteBulkFromBuffer()
    {
        final UnsafeBuffer src = new UnsafeBuffer("xxhelloxx".getBytes(StandardCharsets.US_ASCII));
        writer.bulk(src, 2, 5);
        assertOutput("$5\r\nhello\r\n");
    }

    @Test
    void shouldWriteBulkFromArrays()
    {
        writer.bulk(new byte[]{ 'a', '\r', '\n' }).bulk("xyz".getBytes(StandardCharsets.US_ASCII), 1, 1);
        writer.bulk(new byte[0]);
        assertOutput("$3\r\na\r\n\r\n$1\r\ny\r\n$0\r\n\r\n");
    }

    @Test
    void shouldWriteBulkStringAsUtf8()
    {
        writer.bulkString("abc").bulkString("\u00e9").bulkString("");
        assertOutput("$3\r\nabc\r\n$2\r\n\u00c3\u00a9\r\n$0\r\n\r\n");
    }

    @Test
    void shouldWriteBulkLong()
    {
        writer.bulkLong(0).bulkLong(7).bulkLong(-7).bulkLong(10).bulkLong(-100);
        writer.bulkLong(Long.MAX_VALUE).bulkLong(Long.MIN_VALUE);
        assertOutput("$1\r\n0\r\n$1\r\n7\r\n$2\r\n-7\r\n$2\r\n10\r\n$4\r\n-100\r\n" +
            "$19\r\n9223372036854775807\r\n$20\r\n-9223372036854775808\r\n");
    }

    @Test
    void shouldWriteNullsAndArrays()
    {
        writer.nullBulk().nullArray().arrayHeader(2).bulkString("a").integer(1).arrayHeader(0);
        assertOutput("$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n*0\r\n");
    }

    @Test
    void shouldWriteRawBytes()
    {
        writer.raw("+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII));
        assertOutput("+QUEUED\r\n");
    }

    @Test
    void shouldReturnItselfForChaining()
    {
        assertSame(writer, writer.ok().integer(1).nullBulk());
    }

    @Test
    void shouldGrowBeyondInitialCapacity()
    {
        final String value = "v".repeat(100_000);
        writer.bulkString(value).ok();
        assertOutput("$100000\r\n" + value + "\r\n+OK\r\n");
    }

    @Test
    void shouldMoveRemainingBytesToTheFrontWhenConsumed()
    {
        writer.ok().integer(12345).bulkString("abc");
        writer.consumed(3);
        assertOutput("\r\n:12345\r\n$3\r\nabc\r\n");

        writer.consumed(2);
        assertOutput(":12345\r\n$3\r\nabc\r\n");

        writer.consumed(0);
        assertOutput(":12345\r\n$3\r\nabc\r\n");

        writer.ok();
        assertOutput(":12345\r\n$3\r\nabc\r\n+OK\r\n");

        writer.consumed(writer.length());
        assertEquals(0, writer.length());

        writer.integer(1);
        assertOutput(":1\r\n");
    }

    @Test
    void shouldMoveLargeRemainderToTheFront()
    {
        final String value = "0123456789".repeat(10_000);
        writer.bulkString(value);
        final int header = "$100000\r\n".length();
        writer.consumed(header + 5);
        assertOutput(value.substring(5) + "\r\n");
    }

    @Test
    void shouldDropEverythingOnReset()
    {
        writer.ok().ok();
        writer.reset();
        assertEquals(0, writer.length());
        writer.integer(3);
        assertOutput(":3\r\n");
    }

    private void assertOutput(final String expected)
    {
        final byte[] bytes = new byte[writer.length()];
        writer.buffer().getBytes(0, bytes);
        assertEquals(expected, new String(bytes, StandardCharsets.ISO_8859_1));
    }
}

package io.raftis.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestEncoderTest
{
    @Test
    void shouldWriteSetAndGetAsRespArrays()
    {
        final RequestEncoder encoder = new RequestEncoder(3);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1024);

        encoder.set(buffer, 12345);
        encoder.get(buffer, 0);
        encoder.set(buffer, Long.MAX_VALUE);

        assertEquals(
            "*3\r\n$3\r\nSET\r\n$9\r\nkey:12345\r\n$3\r\nxxx\r\n" +
            "*2\r\n$3\r\nGET\r\n$5\r\nkey:0\r\n" +
            "*3\r\n$3\r\nSET\r\n$23\r\nkey:9223372036854775807\r\n$3\r\nxxx\r\n",
            text(buffer));
    }

    @Test
    void shouldWriteEmptyAndLargeValues()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(100_000);
        new RequestEncoder(0).set(buffer, 1);
        assertEquals("*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$0\r\n\r\n", text(buffer));

        buffer.clear();
        final RequestEncoder large = new RequestEncoder(50_000);
        large.set(buffer, 99);
        assertTrue(buffer.position() <= large.maxRequestLength());
        assertTrue(text(buffer).endsWith("$50000\r\n" + "x".repeat(50_000) + "\r\n"));
    }

    @Test
    void shouldBoundTheRequestLength()
    {
        final RequestEncoder encoder = new RequestEncoder(3);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1024);
        encoder.set(buffer, Long.MAX_VALUE);
        assertTrue(buffer.position() <= encoder.maxRequestLength());
    }

    private static String text(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.position()];
        buffer.duplicate().flip().get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}

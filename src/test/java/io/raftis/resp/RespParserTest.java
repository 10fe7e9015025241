package io.raftis.resp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RespParserTest
{
    private static final byte[] PIPELINE = bytes(
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n" +
        "GET key\r\n" +
        "*2\r\n$4\r\nECHO\r\n$6\r\na\r\n*$\n\r\n" +
        "\r\n" +
        "*0\r\n" +
        "  set \"q \\\"x\\\" \\x41\" 'it\\'s'  \n" +
        "*-1\r\n" +
        "*1\r\n$0\r\n\r\n" +
        "*2\r\n$3\r\nDEL\r\n$12\r\n123456789012\r\n" +
        "PING\n");

    private static final List<List<String>> PIPELINE_COMMANDS = List.of(
        List.of("SET", "key", "value"),
        List.of("GET", "key"),
        List.of("ECHO", "a\r\n*$\n"),
        List.of(),
        List.of(),
        List.of("set", "q \"x\" A", "it's"),
        List.of(),
        List.of(""),
        List.of("DEL", "123456789012"),
        List.of("PING"));

    private final RespParser parser = new RespParser();

    @Test
    void shouldParseMultibulkCommand()
    {
        final byte[] request = bytes("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        final DirectBuffer buffer = new UnsafeBuffer(request);

        assertEquals(request.length, parser.parse(buffer, 0, request.length));
        assertFalse(parser.isInline());
        assertEquals(2, parser.argCount());
        assertEquals("GET", parser.argString(0));
        assertEquals("k", parser.argString(1));
        assertSame(buffer, parser.argBuffer());
        assertEquals(8, parser.argOffset(0));
        assertEquals(3, parser.argLength(0));
        assertEquals(17, parser.argOffset(1));
        assertEquals(1, parser.argLength(1));
        assertNull(parser.errorMessage());
    }

    @Test
    void shouldParseMultibulkCommandAtAnOffset()
    {
        final byte[] request = bytes("xx*1\r\n$4\r\nPING\r\nyy");
        final DirectBuffer buffer = new UnsafeBuffer(request);

        assertEquals(14, parser.parse(buffer, 2, request.length));
        assertEquals(1, parser.argCount());
        assertEquals("PING", parser.argString(0));
    }

    @Test
    void shouldParseInlineCommand()
    {
        final byte[] request = bytes("SET k v\r\n");

        assertEquals(request.length, parser.parse(new UnsafeBuffer(request), 0, request.length));
        assertTrue(parser.isInline());
        assertEquals(List.of("SET", "k", "v"), args());
    }

    @Test
    void shouldParseInlineCommandEndingWithNewlineOnly()
    {
        final byte[] request = bytes("GET k\nGET j\n");

        assertEquals(6, parser.parse(new UnsafeBuffer(request), 0, request.length));
        assertEquals(List.of("GET", "k"), args());
        assertEquals(6, parser.parse(new UnsafeBuffer(request), 6, request.length));
        assertEquals(List.of("GET", "j"), args());
    }

    @Test
    void shouldConsumeBlankInlineLinesAsEmptyCommands()
    {
        assertEquals(2, parse("\r\n"));
        assertEquals(0, parser.argCount());
        assertEquals(1, parse("\n"));
        assertEquals(0, parser.argCount());
        assertEquals(5, parse(" \t \r\n"));
        assertEquals(0, parser.argCount());
    }

    @Test
    void shouldConsumeEmptyAndNullMultibulkAsEmptyCommands()
    {
        assertEquals(4, parse("*0\r\n"));
        assertEquals(0, parser.argCount());
        assertEquals(5, parse("*-1\r\n"));
        assertEquals(0, parser.argCount());
        assertEquals(4, parse("*0\r\n*1\r\n"));
        assertEquals(0, parser.argCount());
    }

    @Test
    void shouldParseBinaryPayloadsHoldingProtocolBytes()
    {
        final byte[] value = { '\r', '\n', '*', '$', 0, (byte)0xFF, '\n', '\r' };
        final byte[] request = concat(bytes("*2\r\n$4\r\nECHO\r\n$8\r\n"), value, bytes("\r\n"));

        assertEquals(request.length, parser.parse(new UnsafeBuffer(request), 0, request.length));
        assertEquals(2, parser.argCount());
        assertArrayEquals(value, parser.argBytes(1));
    }

    @Test
    void shouldParseCommandSplitAcrossTwoReads()
    {
        final byte[] request = bytes("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");

        assertEquals(RespParser.INCOMPLETE, parser.parse(new UnsafeBuffer(Arrays.copyOf(request, 10)), 0, 10));
        assertEquals(request.length, parser.parse(new UnsafeBuffer(request), 0, request.length));
        assertEquals(List.of("GET", "key"), args());
    }

    @Test
    void shouldParsePipelineSplitAtEveryByteBoundary()
    {
        assertEquals(PIPELINE_COMMANDS, parseInChunks(PIPELINE, PIPELINE.length));

        for (int split = 0; split <= PIPELINE.length; split++)
        {
            assertEquals(PIPELINE_COMMANDS, parseSplitAt(PIPELINE, split), "split at " + split);
        }
    }

    @Test
    void shouldParsePipelineFedOneByteAtATime()
    {
        assertEquals(PIPELINE_COMMANDS, parseInChunks(PIPELINE, 1));
    }

    @Test
    void shouldParsePipelineFedInChunksOfEverySize()
    {
        for (int chunk = 1; chunk <= PIPELINE.length; chunk++)
        {
            assertEquals(PIPELINE_COMMANDS, parseInChunks(PIPELINE, chunk), "chunk " + chunk);
        }
    }

    @Test
    void shouldReportRequiredLengthOfIncompleteBulkPayload()
    {
        final String header = "*2\r\n$3\r\nSET\r\n$100000\r\n";
        assertEquals(RespParser.INCOMPLETE, parse(header + "abc"));
        assertEquals(header.length() + 100_000 + 2, parser.requiredLength());
        assertEquals(0, parser.argCount());

        assertEquals(RespParser.INCOMPLETE, parse("*2\r\n$3\r\nSE"));
        assertEquals(4 + 4 + 5, parser.requiredLength());

        assertEquals(RespParser.INCOMPLETE, parse("*2\r\n$3"));
        assertEquals(0, parser.requiredLength());
    }

    @Test
    void shouldNeedTheLineFeedAfterACarriageReturn()
    {
        assertEquals(RespParser.INCOMPLETE, parse("*1\r"));
        assertEquals(RespParser.INCOMPLETE, parse("*1\r\n$4\r"));
        assertEquals(RespParser.INCOMPLETE, parse("*1\r\n$4\r\nPING"));
        assertEquals(RespParser.INCOMPLETE, parse("*1\r\n$4\r\nPING\r"));
        assertEquals(RespParser.INCOMPLETE, parse("PING\r"));
        assertEquals(RespParser.INCOMPLETE, parse(""));
    }

    @Test
    void shouldRejectInvalidMultibulkLength()
    {
        assertError("*abc\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*+1\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*01\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*1 \r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*1\rx", RespParser.INVALID_MULTIBULK_LENGTH);
    }

    @Test
    void shouldRejectMultibulkCountOverTheLimit()
    {
        assertError("*" + (RespParser.MAX_MULTIBULK_LENGTH + 1) + "\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertError("*99999999999999999999\r\n", RespParser.INVALID_MULTIBULK_LENGTH);
        assertEquals(RespParser.INCOMPLETE, parse("*" + RespParser.MAX_MULTIBULK_LENGTH + "\r\n"));
    }

    @Test
    void shouldRejectMissingDollar()
    {
        assertError("*1\r\nX3\r\nGET\r\n", "Protocol error: expected '$', got 'X'");
        assertError("*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'");
    }

    @Test
    void shouldRejectInvalidBulkLength()
    {
        assertError("*1\r\n$-1\r\n", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$abc\r\n", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$\r\n", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$03\r\nGET\r\n", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$3\rxGET\r\n", RespParser.INVALID_BULK_LENGTH);
    }

    @Test
    void shouldRejectBulkLengthOverTheLimit()
    {
        assertError("*1\r\n$" + (RespParser.MAX_BULK_LENGTH + 1) + "\r\n", RespParser.INVALID_BULK_LENGTH);

        final String header = "*1\r\n$" + RespParser.MAX_BULK_LENGTH + "\r\n";
        assertEquals(RespParser.INCOMPLETE, parse(header));
        assertEquals(header.length() + RespParser.MAX_BULK_LENGTH + 2, parser.requiredLength());
    }

    @Test
    void shouldRejectBulkPayloadNotFollowedByCrLf()
    {
        assertError("*1\r\n$3\r\nGETX\r\n", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$3\r\nGET\rX", RespParser.INVALID_BULK_LENGTH);
        assertError("*1\r\n$3\r\nGET\n\r", RespParser.INVALID_BULK_LENGTH);
    }

    @Test
    void shouldRejectTooBigInlineRequest()
    {
        final String atLimit = "x".repeat(RespParser.MAX_INLINE_LENGTH);
        assertEquals(RespParser.INCOMPLETE, parse(atLimit));
        assertError(atLimit + "x", RespParser.TOO_BIG_INLINE_REQUEST);
    }

    @Test
    void shouldAcceptLongInlineRequestThatHasItsNewline()
    {
        final String value = "v".repeat(RespParser.MAX_INLINE_LENGTH * 2);

        assertEquals(value.length() + 8, parse("SET k " + value + "\r\n"));
        assertEquals(List.of("SET", "k", value), args());
    }

    @Test
    void shouldRejectTooBigMultibulkCountString()
    {
        final String atLimit = "*" + "1".repeat(RespParser.MAX_INLINE_LENGTH - 1);
        assertEquals(RespParser.INCOMPLETE, parse(atLimit));
        assertError(atLimit + "1", RespParser.TOO_BIG_MBULK_COUNT_STRING);
    }

    @Test
    void shouldRejectTooBigBulkCountString()
    {
        final String prefix = "*1\r\n";
        final String atLimit = prefix + "$" + "1".repeat(RespParser.MAX_INLINE_LENGTH - 1);
        assertEquals(RespParser.INCOMPLETE, parse(atLimit));
        assertError(atLimit + "1", RespParser.TOO_BIG_BULK_COUNT_STRING);
    }

    @Test
    void shouldRejectUnbalancedQuotes()
    {
        assertError("SET k \"abc\r\n", RespParser.UNBALANCED_QUOTES);
        assertError("SET k 'abc\r\n", RespParser.UNBALANCED_QUOTES);
        assertError("SET k \"a\"b\r\n", RespParser.UNBALANCED_QUOTES);
        assertError("SET k 'a'b\r\n", RespParser.UNBALANCED_QUOTES);
        assertError("SET k \"abc\\\"\r\n", RespParser.UNBALANCED_QUOTES);
        assertError("SET k \"abc\\\r\n", RespParser.UNBALANCED_QUOTES);
    }

    @Test
    void shouldApplyInlineQuotingRules()
    {
        parse("SET \"a b\" 'c d'\r\n");
        assertEquals(List.of("SET", "a b", "c d"), args());

        parse("\"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n");
        assertEquals(List.of("\n\r\t\b\u0007\\\"q"), args());

        parse("\"\\x41\\x4a\\x7e\\xZZ\"\n");
        assertEquals(List.of("AJ~xZZ"), args());

        parse("'it\\'s' 'a\\b' 'x\"y'\n");
        assertEquals(List.of("it's", "a\\b", "x\"y"), args());

        parse("ab\"c d\" e'f g'\n");
        assertEquals(List.of("abc d", "ef g"), args());

        parse("\"\" ''\n");
        assertEquals(List.of("", ""), args());

        parse("a\u000bb\tc  d\r\n");
        assertEquals(List.of("a\u000bb", "c", "d"), args());

        parse("\"a\"\t\"b\"\r\n");
        assertEquals(List.of("a", "b"), args());
    }

    @Test
    void shouldDecodeHexEscapesToAnyByte()
    {
        parse("\"\\xff\\x00\"\n");
        assertArrayEquals(new byte[]{ (byte)0xFF, 0 }, parser.argBytes(0));
    }

    @Test
    void shouldEndInlineArgumentsAtNulByteAsRedisDoes()
    {
        final byte[] request = bytes("GET k\0junk\r\n");

        assertEquals(request.length, parser.parse(new UnsafeBuffer(request), 0, request.length));
        assertEquals(List.of("GET", "k"), args());
    }

    @Test
    void shouldKeepOnlyTheLastCarriageReturnOfAnInlineLine()
    {
        parse("\"a\\r\"\r\r\n");
        assertEquals(List.of("a\r"), args());
    }

    @Test
    void shouldGrowArgumentArraysForManyArguments()
    {
        final int count = 1000;
        final StringBuilder multibulk = new StringBuilder("*" + count + "\r\n");
        final StringBuilder inline = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final String arg = "a" + i;
            multibulk.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
            inline.append(arg).append(' ');
        }
        inline.append("\r\n");

        assertEquals(multibulk.length(), parse(multibulk.toString()));
        assertEquals(count, parser.argCount());
        assertEquals("a999", parser.argString(count - 1));

        assertEquals(inline.length(), parse(inline.toString()));
        assertEquals(count, parser.argCount());
        assertEquals("a999", parser.argString(count - 1));
    }

    @Test
    void shouldCompareArgumentIgnoringCase()
    {
        parse("*2\r\n$3\r\nsEt\r\n$2\r\n{a\r\n");

        assertTrue(parser.argEqualsIgnoreCase(0, bytes("SET")));
        assertFalse(parser.argEqualsIgnoreCase(0, bytes("SETX")));
        assertFalse(parser.argEqualsIgnoreCase(0, bytes("GET")));
        assertTrue(parser.argEqualsIgnoreCase(1, bytes("{A")));
        assertFalse(parser.argEqualsIgnoreCase(1, bytes("[A")));
    }

    @Test
    void shouldReadArgumentsAsLongWithRedisRules()
    {
        assertLong("0", 0);
        assertLong("1", 1);
        assertLong("-1", -1);
        assertLong("42", 42);
        assertLong("9223372036854775807", Long.MAX_VALUE);
        assertLong("-9223372036854775808", Long.MIN_VALUE);
        assertLong("-9223372036854775807", Long.MIN_VALUE + 1);
        assertLong("9223372036854775806", Long.MAX_VALUE - 1);

        assertNotLong("9223372036854775808");
        assertNotLong("-9223372036854775809");
        assertNotLong("18446744073709551616");
        assertNotLong("99999999999999999999");
        assertNotLong("-99999999999999999999");
        assertNotLong("100000000000000000000");
        assertNotLong("01");
        assertNotLong("00");
        assertNotLong("-0");
        assertNotLong("-");
        assertNotLong("");
        assertNotLong("+1");
        assertNotLong(" 1");
        assertNotLong("1 ");
        assertNotLong("1a");
        assertNotLong("0x10");
        assertNotLong("1.5");
    }

    @Test
    void shouldReadArgumentAsLongFromInlineCommand()
    {
        parse("INCRBY k -12\r\n");
        assertEquals(-12, parser.argAsLong(2));
        assertTrue(parser.lastArgWasNumber());
        assertEquals(0, parser.argAsLong(0));
        assertFalse(parser.lastArgWasNumber());
    }

    @Test
    void shouldRejectArgumentIndexOutOfRange()
    {
        parse("GET k\r\n");
        assertThrows(IndexOutOfBoundsException.class, () -> parser.argLength(2));
        assertThrows(IndexOutOfBoundsException.class, () -> parser.argOffset(-1));
    }

    @Test
    void shouldNeverThrowOrOverreadOnGarbage()
    {
        final Random random = new Random(42);
        final String[] pieces = {
            "*", "$", "\r", "\n", "\r\n", "1", "0", "-", "3", "\"", "'", "\\", "x", "A", " ", "\0",
            "*2\r\n", "$3\r\n" };
        for (int i = 0; i < 20_000; i++)
        {
            final StringBuilder builder = new StringBuilder();
            final int count = 1 + random.nextInt(20);
            for (int j = 0; j < count; j++)
            {
                builder.append(pieces[random.nextInt(pieces.length)]);
            }

            final byte[] input = bytes(builder.toString());
            int offset = 0;
            while (offset < input.length)
            {
                final int result = parser.parse(new UnsafeBuffer(input), offset, input.length);
                if (result <= 0)
                {
                    if (RespParser.PROTOCOL_ERROR == result)
                    {
                        assertTrue(parser.errorMessage().startsWith("Protocol error: "), parser.errorMessage());
                    }
                    break;
                }

                assertTrue(offset + result <= input.length);
                offset += result;
            }
        }
    }

    @Test
    void shouldGiveTheSameResultWhetherTheRestHasArrivedOrNot()
    {
        final Random random = new Random(7);
        final String[] pieces = {
            "*1\r\n", "*2\r\n", "$1\r\n", "$3\r\n", "a", "abc", "\r\n", "GET k\r\n", "'x y'\n", "*0\r\n" };
        for (int i = 0; i < 5_000; i++)
        {
            final StringBuilder builder = new StringBuilder();
            final int count = 1 + random.nextInt(12);
            for (int j = 0; j < count; j++)
            {
                builder.append(pieces[random.nextInt(pieces.length)]);
            }
            final byte[] input = bytes(builder.toString());

            final List<Object> whole = parseAll(input, input.length);
            for (int chunk = 1; chunk < input.length; chunk++)
            {
                assertEquals(whole, parseAll(input, chunk), builder + " in chunks of " + chunk);
            }
        }
    }

    private List<Object> parseAll(final byte[] input, final int chunk)
    {
        final List<Object> results = new ArrayList<>();
        parser.reset(); // a new stream
        int offset = 0;
        int received = Math.min(chunk, input.length);
        while (true)
        {
            final int result = parser.parse(new UnsafeBuffer(Arrays.copyOf(input, received)), offset, received);
            if (result > 0)
            {
                results.add(args());
                offset += result;
            }
            else if (RespParser.PROTOCOL_ERROR == result)
            {
                results.add(parser.errorMessage());
                return results;
            }
            else if (received == input.length)
            {
                results.add("incomplete");
                return results;
            }
            else
            {
                received = Math.min(received + chunk, input.length);
            }
        }
    }

    /**
     * A request of 20,000 arguments arriving a byte at a time: each read must continue where the last stopped. A
     * parser that started again from the command's first byte would examine about n²/2 bytes (some 10^10 here),
     * keeping its duty cycle busy for seconds per connection.
     */
    @Test
    void shouldContinueAMultibulkWhereItStoppedSoThatAByteAtATimeCostsLinearWork()
    {
        final StringBuilder sb = new StringBuilder("*20001\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < 20_000; i++)
        {
            final String arg = "a" + i;
            sb.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        final byte[] request = bytes(sb.toString());
        final UnsafeBuffer buffer = new UnsafeBuffer(request);

        for (int received = 0; received < request.length; received++)
        {
            assertEquals(RespParser.INCOMPLETE, parser.parse(buffer, 0, received), "at " + received);
            assertEquals(0, parser.argCount());
        }
        assertEquals(request.length, parser.parse(buffer, 0, request.length));

        assertEquals(20_001, parser.argCount());
        assertEquals("MSET", parser.argString(0));
        assertEquals("a19999", parser.argString(20_000));
        assertTrue(parser.bytesScanned() <= 2L * request.length,
            "examined " + parser.bytesScanned() + " bytes for a request of " + request.length);
    }

    @Test
    void shouldContinueAnInlineRequestWhereItStopped()
    {
        final byte[] request = bytes("SET key " + "v".repeat(60_000) + "\r\n");
        final UnsafeBuffer buffer = new UnsafeBuffer(request);

        for (int received = 0; received < request.length; received++)
        {
            assertEquals(RespParser.INCOMPLETE, parser.parse(buffer, 0, received));
        }
        assertEquals(request.length, parser.parse(buffer, 0, request.length));

        assertEquals(3, parser.argCount());
        assertEquals(60_000, parser.argLength(2));
        assertTrue(parser.bytesScanned() <= 2L * request.length,
            "examined " + parser.bytesScanned() + " bytes for a request of " + request.length);
    }

    @Test
    void shouldContinueACommandThatMovedInTheBufferBetweenReads()
    {
        final byte[] request = bytes("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
        final byte[] before = new byte[100 + request.length];
        System.arraycopy(request, 0, before, 100, 20);
        assertEquals(RespParser.INCOMPLETE, parser.parse(new UnsafeBuffer(before), 100, 120));
        assertTrue(parser.isInProgress());

        // compacted to the front of another buffer, with the rest of the command after it
        assertEquals(request.length, parser.parse(new UnsafeBuffer(request), 0, request.length));

        assertFalse(parser.isInProgress());
        assertEquals(List.of("SET", "key", "value"), args());
        assertEquals(17, parser.argOffset(1));
    }

    @Test
    void shouldForgetAPartialCommandOnReset()
    {
        assertEquals(RespParser.INCOMPLETE, parser.parse(new UnsafeBuffer(bytes("*2\r\n$3\r\nGET\r\n")), 0, 13));
        parser.reset();
        final byte[] ping = bytes("PING\r\n");

        assertEquals(ping.length, parser.parse(new UnsafeBuffer(ping), 0, ping.length));
        assertEquals(List.of("PING"), args());
    }

    private List<List<String>> parseSplitAt(final byte[] stream, final int split)
    {
        final List<List<String>> commands = new ArrayList<>();
        final UnsafeBuffer first = new UnsafeBuffer(Arrays.copyOf(stream, split));
        int offset = 0;
        int result;
        while ((result = parser.parse(first, offset, split)) > 0)
        {
            commands.add(args());
            offset += result;
        }
        assertEquals(RespParser.INCOMPLETE, result);

        final UnsafeBuffer all = new UnsafeBuffer(stream);
        while ((result = parser.parse(all, offset, stream.length)) > 0)
        {
            commands.add(args());
            offset += result;
        }
        assertEquals(RespParser.INCOMPLETE, result);
        assertEquals(stream.length, offset);

        return commands;
    }

    private List<List<String>> parseInChunks(final byte[] stream, final int chunk)
    {
        final List<List<String>> commands = new ArrayList<>();
        int offset = 0;
        int received = 0;
        while (received < stream.length)
        {
            received = Math.min(received + chunk, stream.length);
            final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(stream, received));
            int result;
            while ((result = parser.parse(buffer, offset, received)) > 0)
            {
                commands.add(args());
                offset += result;
            }
            assertEquals(RespParser.INCOMPLETE, result, parser.errorMessage());
        }
        assertEquals(stream.length, offset);

        return commands;
    }

    private int parse(final String request)
    {
        final byte[] bytes = bytes(request);
        parser.reset(); // each request stands alone
        return parser.parse(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private void assertError(final String request, final String message)
    {
        assertEquals(RespParser.PROTOCOL_ERROR, parse(request), request);
        assertEquals(message, parser.errorMessage());
        assertEquals(0, parser.argCount());
    }

    private void assertLong(final String text, final long expected)
    {
        parse("*1\r\n$" + text.length() + "\r\n" + text + "\r\n");
        assertEquals(expected, parser.argAsLong(0), text);
        assertTrue(parser.lastArgWasNumber(), text);
    }

    private void assertNotLong(final String text)
    {
        parse("*2\r\n$1\r\n1\r\n$" + text.length() + "\r\n" + text + "\r\n");
        assertEquals(1, parser.argAsLong(0));
        assertTrue(parser.lastArgWasNumber());
        parser.argAsLong(1);
        assertFalse(parser.lastArgWasNumber(), text);
    }

    private List<String> args()
    {
        final List<String> args = new ArrayList<>();
        for (int i = 0; i < parser.argCount(); i++)
        {
            args.add(parser.argString(i));
        }

        return args;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.write(part, 0, part.length);
        }

        return out.toByteArray();
    }
}

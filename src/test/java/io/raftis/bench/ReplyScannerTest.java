package io.raftis.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplyScannerTest
{
    private static final List<String> REPLIES = List.of(
        "+OK\r\n",
        "+\r\n",
        "-MOVED 0 127.0.0.1:6379\r\n",
        "-ERR wrong number of arguments for 'get' command\r\n",
        ":0\r\n",
        ":-42\r\n",
        "$-1\r\n",
        "$0\r\n\r\n",
        "$3\r\nxxx\r\n",
        "$4\r\n\r\n\r\n\r\n",
        "$12\r\n$3\r\n*1\r\n:1\r\n\r\n",
        "*-1\r\n",
        "*0\r\n",
        "*2\r\n$3\r\nabc\r\n$-1\r\n",
        "*3\r\n:1\r\n*2\r\n+a\r\n-b\r\n*0\r\n",
        "*2\r\n*2\r\n*1\r\n$1\r\nz\r\n:7\r\n$2\r\nok\r\n",
        "_\r\n",
        ",3.14\r\n",
        "#t\r\n",
        "(12345678901234567890\r\n",
        "=8\r\ntxt:abcd\r\n",
        "!5\r\nERR x\r\n",
        "%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n:2\r\n",
        "~2\r\n:1\r\n:2\r\n",
        ">2\r\n+message\r\n$2\r\nhi\r\n");

    @Test
    void shouldFindTheEndOfEveryWholeReply()
    {
        for (final String reply : REPLIES)
        {
            final ByteBuffer buffer = buffer(reply);
            assertEquals(reply.length(), ReplyScanner.scan(buffer, 0, reply.length()), reply);
        }
    }

    @Test
    void shouldReportEveryStrictPrefixAsIncomplete()
    {
        for (final String reply : REPLIES)
        {
            final ByteBuffer buffer = buffer(reply);
            for (int length = 0; length < reply.length(); length++)
            {
                assertEquals(ReplyScanner.INCOMPLETE, ReplyScanner.scan(buffer, 0, length),
                    () -> "prefix of " + reply.replace("\r\n", "\\r\\n"));
            }
        }
    }

    @Test
    void shouldScanPipelinedRepliesArrivingInPiecesOfEverySize()
    {
        final StringBuilder all = new StringBuilder();
        for (final String reply : REPLIES)
        {
            all.append(reply);
        }
        final String stream = all.toString();

        for (int chunk = 1; chunk <= 17; chunk++)
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(stream.length());
            int arrived = 0;
            int offset = 0;
            int found = 0;
            while (arrived < stream.length())
            {
                final int next = Math.min(stream.length(), arrived + chunk);
                for (int i = arrived; i < next; i++)
                {
                    buffer.put(i, (byte)stream.charAt(i));
                }
                arrived = next;

                int end;
                while ((end = ReplyScanner.scan(buffer, offset, arrived)) != ReplyScanner.INCOMPLETE)
                {
                    assertEquals(REPLIES.get(found), stream.substring(offset, end), "chunk " + chunk);
                    offset = end;
                    found++;
                }
            }

            assertEquals(REPLIES.size(), found, "chunk " + chunk);
            assertEquals(stream.length(), offset);
        }
    }

    @Test
    void shouldScanFromAnOffset()
    {
        final String stream = "+OK\r\n$3\r\nabc\r\n:1";
        final ByteBuffer buffer = buffer(stream);

        assertEquals(5, ReplyScanner.scan(buffer, 0, stream.length()));
        assertEquals(14, ReplyScanner.scan(buffer, 5, stream.length()));
        assertEquals(ReplyScanner.INCOMPLETE, ReplyScanner.scan(buffer, 14, stream.length()));
    }

    @Test
    void shouldNotReadPastTheLimit()
    {
        final ByteBuffer buffer = buffer("$3\r\nabc\r\n");

        assertEquals(ReplyScanner.INCOMPLETE, ReplyScanner.scan(buffer, 0, 8));
        assertEquals(9, ReplyScanner.scan(buffer, 0, 9));
    }

    @Test
    void shouldRejectWhatIsNotAReply()
    {
        for (final String bad : List.of("hello\r\n", "$x\r\n", "$\r\n", "*1a\r\n", "$3\r\nabcde\r\n", "$-\r\n"))
        {
            final ByteBuffer buffer = buffer(bad);
            assertThrows(IllegalStateException.class, () -> ReplyScanner.scan(buffer, 0, bad.length()), bad);
        }
    }

    @Test
    void shouldScanTheRequestsTheEncoderWrites()
    {
        final RequestEncoder encoder = new RequestEncoder(5);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(256);
        encoder.set(buffer, 7);
        final int setEnd = buffer.position();
        encoder.get(buffer, 1234567);
        final int getEnd = buffer.position();

        assertEquals(setEnd, ReplyScanner.scan(buffer, 0, getEnd));
        assertEquals(getEnd, ReplyScanner.scan(buffer, setEnd, getEnd));
    }

    private static ByteBuffer buffer(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 8);
        buffer.put(bytes);
        buffer.put("garbage!".getBytes(StandardCharsets.US_ASCII));
        buffer.clear();
        return buffer;
    }
}

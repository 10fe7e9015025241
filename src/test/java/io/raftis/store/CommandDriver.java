package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drives commands as a node does: encodes a request as RESP bytes, parses it with {@link RespParser}, looks the
 * command up in a {@link CommandTable}, executes it and returns the exact bytes {@link RespWriter} produced
 * (decoded as ISO-8859-1, so every byte is one char).
 */
final class CommandDriver
{
    static final String OK = "+OK\r\n";
    static final String NIL = "$-1\r\n";

    final CommandTable table = new CommandTable();
    final Keyspace keyspace;
    final RespParser parser = new RespParser();
    final RespWriter writer = new RespWriter(64);
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(256);

    CommandDriver()
    {
        this(new Databases().get(0), StringCommands.DEFAULT_MAX_STRING_LENGTH);
    }

    CommandDriver(final Keyspace keyspace, final long maxStringLength)
    {
        this.keyspace = keyspace;
        DataCommands.register(table, maxStringLength);
    }

    String call(final String... args)
    {
        final byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++)
        {
            bytes[i] = bytes(args[i]);
        }

        return call(bytes);
    }

    String call(final byte[]... args)
    {
        int length = request.putStringWithoutLengthAscii(0, "*" + args.length + "\r\n");
        for (final byte[] arg : args)
        {
            length += request.putStringWithoutLengthAscii(length, "$" + arg.length + "\r\n");
            request.putBytes(length, arg);
            length += arg.length;
            length += request.putStringWithoutLengthAscii(length, "\r\n");
        }

        return execute(length);
    }

    String inline(final String line)
    {
        final byte[] bytes = bytes(line + "\r\n");
        request.putBytes(0, bytes);
        return execute(bytes.length);
    }

    /**
     * Parse a request without executing it, to test validation.
     */
    RespParser parse(final String... args)
    {
        int length = request.putStringWithoutLengthAscii(0, "*" + args.length + "\r\n");
        for (final String arg : args)
        {
            final byte[] bytes = bytes(arg);
            length += request.putStringWithoutLengthAscii(length, "$" + bytes.length + "\r\n");
            request.putBytes(length, bytes);
            length += bytes.length;
            length += request.putStringWithoutLengthAscii(length, "\r\n");
        }

        assertEquals(length, parser.parse(request, 0, length));
        return parser;
    }

    private String execute(final int length)
    {
        assertEquals(length, parser.parse(request, 0, length), "whole request parsed");

        writer.reset();
        final Command command = table.lookup(parser);
        if (null == command)
        {
            writer.error(CommandTable.unknownCommandError(parser));
        }
        else
        {
            command.execute(parser, keyspace, writer);
        }

        final byte[] reply = new byte[writer.length()];
        writer.buffer().getBytes(0, reply);
        return new String(reply, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String string(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String bulk(final String value)
    {
        return "$" + bytes(value).length + "\r\n" + value + "\r\n";
    }

    static String integer(final long value)
    {
        return ":" + value + "\r\n";
    }

    static String error(final String message)
    {
        return "-" + message + "\r\n";
    }

    static String array(final String... elements)
    {
        return "*" + elements.length + "\r\n" + String.join("", elements);
    }

    static String arityError(final String name)
    {
        return error("ERR wrong number of arguments for '" + name + "' command");
    }
}

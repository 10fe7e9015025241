package io.raftis.node;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RESP2 connection that sends a command and renders the reply as text, with nothing a client library would
 * smooth over: "+OK", "-ERR ...", ":5", "(nil)", a bulk string quoted with its non-printable bytes escaped, "[a, b]"
 * for an array. Two servers that give the same reply render it the same.
 */
final class RespConnection implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespConnection(final String host, final int port)
    {
        try
        {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(60_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, ex);
        }
    }

    /**
     * @param args the command and its arguments, one byte per char.
     * @return the reply, rendered.
     */
    String call(final List<String> args)
    {
        return render(callTree(args));
    }

    /**
     * @return the reply as a tree: a String for a simple string, error ("-..."), integer (":...") or nil ("(nil)"),
     * a byte[] for a bulk string, a List for an array.
     */
    Object callTree(final List<String> args)
    {
        final ByteArrayOutputStream request = new ByteArrayOutputStream();
        final StringBuilder header = new StringBuilder().append('*').append(args.size()).append("\r\n");
        request.writeBytes(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (final String arg : args)
        {
            final byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        try
        {
            out.write(request.toByteArray());
            out.flush();
            return readReply();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("no reply to " + args, ex);
        }
    }

    private Object readReply() throws IOException
    {
        final int type = in.read();
        if (type < 0)
        {
            throw new EOFException("connection closed");
        }
        final String line = readLine();
        switch (type)
        {
            case '+':
                return "+" + line;
            case '-':
                return "-" + line;
            case ':':
                return ":" + line;
            case '$':
            {
                final int length = Integer.parseInt(line);
                if (length < 0)
                {
                    return "(nil)";
                }
                final byte[] bytes = in.readNBytes(length);
                if (bytes.length != length || in.read() != '\r' || in.read() != '\n')
                {
                    throw new IOException("a bulk string not ended by CRLF");
                }
                return bytes;
            }
            case '*':
            {
                final int count = Integer.parseInt(line);
                if (count < 0)
                {
                    return "(nil)";
                }
                final List<Object> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    elements.add(readReply());
                }
                return elements;
            }
            default:
                throw new IOException("unexpected reply type '" + (char)type + "' " + line);
        }
    }

    private String readLine() throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r')
        {
            if (c < 0)
            {
                throw new EOFException("connection closed in a line");
            }
            line.append((char)c);
        }
        if (in.read() != '\n')
        {
            throw new IOException("CR without LF");
        }
        return line.toString();
    }

    static String render(final Object reply)
    {
        if (reply instanceof byte[])
        {
            final StringBuilder sb = new StringBuilder("\"");
            for (final byte b : (byte[])reply)
            {
                final int c = b & 0xFF;
                if (c == '"' || c == '\\')
                {
                    sb.append('\\').append((char)c);
                }
                else if (c >= 0x20 && c < 0x7F)
                {
                    sb.append((char)c);
                }
                else
                {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            return sb.append('"').toString();
        }
        if (reply instanceof List)
        {
            final StringBuilder sb = new StringBuilder("[");
            final List<?> elements = (List<?>)reply;
            for (int i = 0; i < elements.size(); i++)
            {
                sb.append(i > 0 ? ", " : "").append(render(elements.get(i)));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(reply);
    }

    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }
}

package io.raftis.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded hostile requests for the fuzz tests: pipelines of multibulk and inline commands, and mutations of them
 * (bits flipped, cut short, extreme counts and lengths put in front, noise inserted, over-long lines, noise alone).
 */
public final class HostileRequests
{
    private static final String[] COUNTS = {
        "-1", "0", "1", "2", "-2147483648", "2147483647", "9223372036854775807", "9223372036854775808",
        "1048576", "1048577", "536870912", "536870913", "+1", " 1", "01", "1x", "", "-0", "18446744073709551616" };

    private HostileRequests()
    {
    }

    public static byte[] pipeline(final Random random)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int count = 1 + random.nextInt(6);
        for (int c = 0; c < count; c++)
        {
            final int args = 1 + random.nextInt(4);
            if (random.nextInt(4) == 0)
            {
                final StringBuilder line = new StringBuilder();
                for (int a = 0; a < args; a++)
                {
                    line.append(a > 0 ? " " : "").append(word(random));
                }
                write(out, line + (random.nextBoolean() ? "\r\n" : "\n"));
            }
            else
            {
                write(out, "*" + args + "\r\n");
                for (int a = 0; a < args; a++)
                {
                    final String arg = word(random);
                    write(out, "$" + arg.length() + "\r\n" + arg + "\r\n");
                }
            }
        }
        return out.toByteArray();
    }

    private static String word(final Random random)
    {
        final String[] words = {"SET", "GET", "k", "value", "", "\"quoted x\"", "'single'", "\\x41", "a b"};
        return random.nextInt(5) == 0 ? "v".repeat(random.nextInt(300)) : words[random.nextInt(words.length)];
    }

    public static byte[] mutate(final Random random, final byte[] input)
    {
        final byte[] bytes = input.clone();
        switch (random.nextInt(7))
        {
            case 0:
                return bytes;
            case 1:
                for (int i = 0, flips = 1 + random.nextInt(4); i < flips; i++)
                {
                    final int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte)(1 << random.nextInt(8));
                }
                return bytes;
            case 2:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 3:
            {
                final String header = (random.nextBoolean() ? "*" : "*1\r\n$") + COUNTS[random.nextInt(COUNTS.length)] +
                    (random.nextInt(4) == 0 ? "\n" : "\r\n");
                return concat(header.getBytes(StandardCharsets.US_ASCII), bytes);
            }
            case 4:
            {
                final byte[] noise = new byte[random.nextInt(100)];
                random.nextBytes(noise);
                final int at = random.nextInt(bytes.length + 1);
                return concat(concat(Arrays.copyOf(bytes, at), noise), Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 5:
            {
                // an unterminated header or inline line longer than Redis allows
                final byte[] line = new byte[RespParser.MAX_INLINE_LENGTH + random.nextInt(1000)];
                Arrays.fill(line, (byte)(random.nextBoolean() ? '1' : 'x'));
                return concat(random.nextBoolean() ? "*".getBytes(StandardCharsets.US_ASCII) : new byte[0], line);
            }
            default:
            {
                final byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                return noise;
            }
        }
    }

    public static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void write(final ByteArrayOutputStream out, final String s)
    {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A pipeline of real commands with random arguments, some of them wrong in number or type, some dangerous to a
     * careless server (a glob that backtracks, a bulk declared huge, every key at once).
     */
    public static byte[] nodePipeline(final Random random)
    {
        final String[] commands = {
            "SET", "GET", "DEL", "EXISTS", "MGET", "MSET", "INCR", "DECRBY", "APPEND", "STRLEN", "SETNX", "GETSET",
            "PING", "ECHO", "CONFIG", "INFO", "COMMAND", "CLIENT", "HELLO", "SELECT", "DBSIZE", "ROLE", "CLUSTER",
            "FLUSHDB", "NOSUCH" };
        final String[] arguments = {
            "k", "k2", "value", "", "1", "-1", "9223372036854775807", "9223372036854775808", "GET", "*",
            "*".repeat(14) + "x", "[a-", "\\", "maxmemory*", "ALL", "SETNAME", "LIST", "INFO", "3", "0", "NX", "XX",
            "EX", "10", "x".repeat(1000) };
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int count = 1 + random.nextInt(8);
        for (int c = 0; c < count; c++)
        {
            final int args = random.nextInt(5);
            final String[] argv = new String[1 + args];
            argv[0] = commands[random.nextInt(commands.length)];
            for (int a = 1; a <= args; a++)
            {
                argv[a] = arguments[random.nextInt(arguments.length)];
            }
            write(out, "*" + argv.length + "\r\n");
            for (final String arg : argv)
            {
                write(out, "$" + arg.length() + "\r\n" + arg + "\r\n");
            }
        }
        return out.toByteArray();
    }
}

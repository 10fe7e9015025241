package io.raftis.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same commands applied to empty keyspaces give the same replies and the same contents: what lets every node
 * apply the replicated log to its own keyspace.
 */
class DeterminismTest
{
    private static final String[] NUMBERS =
    {
        "0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "9223372036854775806", "01", "x"
    };

    /**
     * A value of a type the string commands do not handle, standing for the hashes and lists to come.
     */
    private static final class OtherType
    {
        public String toString()
        {
            return "<other>";
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 0x5EED })
    void shouldGiveEqualRepliesAndContentsForTheSameCommands(final long seed)
    {
        final CommandDriver first = new CommandDriver();
        final CommandDriver second = new CommandDriver();
        final CommandDriver largerTable =
            new CommandDriver(new Keyspace(4096), StringCommands.DEFAULT_MAX_STRING_LENGTH);
        final List<byte[]> keys = keys();
        final Random random = new Random(seed);
        final Set<Character> replyTypes = new HashSet<>();

        for (int step = 0; step < 20_000; step++)
        {
            if (0 == random.nextInt(100))
            {
                final byte[] key = keys.get(random.nextInt(keys.size()));
                final OtherType other = new OtherType();
                first.keyspace.put(key.clone(), other);
                second.keyspace.put(key.clone(), other);
                largerTable.keyspace.put(key.clone(), other);
                continue;
            }

            final byte[][] command = randomCommand(random, keys);
            final String reply = first.call(command);
            assertEquals(reply, second.call(command), "step " + step);
            assertEquals(reply, largerTable.call(command), "step " + step);
            replyTypes.add(reply.charAt(0));
        }

        assertEquals(Set.of('+', '-', ':', '$', '*'), replyTypes);
        assertTrue(first.keyspace.size() > 0);
        assertEquals(entries(first.keyspace), entries(second.keyspace), "same entries in the same order");

        final List<String> sorted = entries(first.keyspace);
        final List<String> sortedLarger = entries(largerTable.keyspace);
        Collections.sort(sorted);
        Collections.sort(sortedLarger);
        assertEquals(sorted, sortedLarger, "same entries whatever the table size");
    }

    private static List<byte[]> keys()
    {
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            keys.add(bytes("key:" + i));
        }
        keys.add(new byte[0]);
        keys.add(new byte[]{ 0 });
        keys.add(bytes("k\0\r\n"));
        keys.add(bytes("k\0\r\n\0"));

        return keys;
    }

    private static byte[][] randomCommand(final Random random, final List<byte[]> keys)
    {
        final List<byte[]> args = new ArrayList<>();
        switch (random.nextInt(16))
        {
            case 0 -> add(args, random, "GET", 1, keys);
            case 1 ->
            {
                add(args, random, "SET", 1, keys);
                args.add(value(random));
                final String[] options = { "NX", "XX", "GET", "nx", "get", "EX" };
                for (int i = random.nextInt(3); i > 0; i--)
                {
                    args.add(bytes(options[random.nextInt(options.length)]));
                }
            }
            case 2 ->
            {
                add(args, random, random.nextBoolean() ? "SETNX" : "GETSET", 1, keys);
                args.add(value(random));
            }
            case 3 -> add(args, random, "DEL", 1 + random.nextInt(4), keys);
            case 4 -> add(args, random, "EXISTS", 1 + random.nextInt(4), keys);
            case 5 -> add(args, random, "MGET", 1 + random.nextInt(4), keys);
            case 6 ->
            {
                args.add(name(random, "MSET"));
                for (int i = 1 + random.nextInt(3); i > 0; i--)
                {
                    args.add(keys.get(random.nextInt(keys.size())));
                    args.add(value(random));
                }
                if (0 == random.nextInt(20))
                {
                    args.remove(args.size() - 1);
                }
            }
            case 7, 8 -> add(args, random, random.nextBoolean() ? "INCR" : "DECR", 1, keys);
            case 9, 10 ->
            {
                add(args, random, random.nextBoolean() ? "INCRBY" : "DECRBY", 1, keys);
                args.add(bytes(NUMBERS[random.nextInt(NUMBERS.length)]));
            }
            case 11 ->
            {
                add(args, random, "APPEND", 1, keys);
                args.add(value(random));
            }
            case 12 -> add(args, random, "STRLEN", 1, keys);
            case 13 -> add(args, random, "DBSIZE", 0, keys);
            case 14 ->
            {
                if (0 == random.nextInt(200))
                {
                    add(args, random, random.nextBoolean() ? "FLUSHDB" : "FLUSHALL", 0, keys);
                }
                else
                {
                    add(args, random, "GET", 2, keys);
                }
            }
            default -> add(args, random, "SET", 1, keys);
        }

        return args.toArray(new byte[0][]);
    }

    private static void add(
        final List<byte[]> args, final Random random, final String name, final int keyCount, final List<byte[]> keys)
    {
        args.add(name(random, name));
        for (int i = 0; i < keyCount; i++)
        {
            args.add(keys.get(random.nextInt(keys.size())));
        }
    }

    private static byte[] name(final Random random, final String name)
    {
        final char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++)
        {
            if (random.nextBoolean())
            {
                chars[i] = Character.toLowerCase(chars[i]);
            }
        }

        return bytes(new String(chars));
    }

    private static byte[] value(final Random random)
    {
        if (random.nextBoolean())
        {
            return bytes(NUMBERS[random.nextInt(NUMBERS.length)]);
        }

        final byte[] value = new byte[random.nextInt(12)];
        random.nextBytes(value);
        return value;
    }

    private static List<String> entries(final Keyspace keyspace)
    {
        final List<String> entries = new ArrayList<>();
        keyspace.forEach((key, value) ->
            entries.add(string(key) + "=" + (value instanceof byte[] ? string((byte[])value) : value.toString())));
        return entries;
    }
}

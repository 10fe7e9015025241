package io.raftis.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hash's one-array compact form against a map kept alongside: fields added, updated to longer and shorter values,
 * removed from the middle, in insertion order, until it moves to a table.
 */
class HashValueTest
{
    @Test
    void shouldKeepFieldsAndValuesInInsertionOrderThroughRandomChanges()
    {
        for (long seed = 1; seed <= 200; seed++)
        {
            final Random random = new Random(seed);
            final HashValue hash = new HashValue();
            final Map<String, String> model = new LinkedHashMap<>();
            for (int step = 0; step < 300 && hash.isCompact(); step++)
            {
                final String field = "f" + random.nextInt(40);
                final int op = random.nextInt(4);
                if (op < 3)
                {
                    final String value = "v".repeat(random.nextInt(20));
                    assertEquals(!model.containsKey(field), put(hash, field, value), "seed " + seed);
                    model.put(field, value);
                }
                else
                {
                    final byte[] bytes = bytes(field);
                    assertEquals(null != model.remove(field), hash.remove(new UnsafeBuffer(bytes), 0, bytes.length));
                }
                assertSame(model, hash, "seed " + seed + " step " + step);
            }
        }
    }

    @Test
    void shouldMoveToATableForALongValueOrTooManyFieldsAndKeepEverything()
    {
        final HashValue hash = new HashValue();
        final Map<String, String> model = new LinkedHashMap<>();
        for (int i = 0; i < HashValue.MAX_COMPACT_ENTRIES; i++)
        {
            put(hash, "field" + i, "value" + i);
            model.put("field" + i, "value" + i);
        }
        assertTrue(hash.isCompact());
        assertSame(model, hash, "128 fields");
        final HashValue copy = hash.copy();
        put(hash, "one-more", "x");
        model.put("one-more", "x");
        assertFalse(hash.isCompact());
        assertEquals(model.size(), hash.size());
        for (final Map.Entry<String, String> e : model.entrySet())
        {
            assertArrayEquals(bytes(e.getValue()), hash.get(bytes(e.getKey())));
        }
        assertTrue(copy.isCompact());
        assertEquals(HashValue.MAX_COMPACT_ENTRIES, copy.size(), "the copy shares nothing");

        final HashValue small = new HashValue();
        put(small, "a", "1");
        put(small, "b", "x".repeat(HashValue.MAX_COMPACT_VALUE + 1));
        assertFalse(small.isCompact());
        assertArrayEquals(bytes("1"), small.get(bytes("a")));
    }

    @Test
    void shouldCountItsOneArrayOnTheHeap()
    {
        final HashValue hash = new HashValue();
        final long empty = hash.heapBytes();
        put(hash, "field", "value");
        assertEquals(Keyspace.arrayBytes(2 + 5 + 5) - Keyspace.arrayBytes(0), hash.heapBytes() - empty);
        final byte[] field = bytes("field");
        hash.remove(new UnsafeBuffer(field), 0, field.length);
        assertEquals(empty, hash.heapBytes());
        assertNull(hash.get(field));
    }

    private static void assertSame(final Map<String, String> model, final HashValue hash, final String where)
    {
        assertEquals(model.size(), hash.size(), where);
        final List<String> seen = new ArrayList<>();
        hash.forEach((field, value) -> seen.add(text(field) + "=" + text(value)));
        final List<String> expected = new ArrayList<>();
        model.forEach((field, value) -> expected.add(field + "=" + value));
        assertEquals(expected, seen, where);
        for (final Map.Entry<String, String> e : model.entrySet())
        {
            assertArrayEquals(bytes(e.getValue()), hash.get(bytes(e.getKey())), where);
        }
        assertNull(hash.get(bytes("absent")), where);
    }

    private static boolean put(final HashValue hash, final String field, final String value)
    {
        final byte[] bytes = bytes(field);
        return hash.put(new UnsafeBuffer(bytes), 0, bytes.length, bytes(value));
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}

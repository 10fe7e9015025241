package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Lists: the ring against a plain list under random operations at both ends and in the middle, and their memory.
 */
class ListCommandsTest
{
    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldBehaveAsAPlainListUnderRandomOperations()
    {
        final Random random = new Random(42);
        final ListValue ring = new ListValue();
        final List<String> model = new ArrayList<>();
        for (int step = 0; step < 20_000; step++)
        {
            final String element = Integer.toString(step);
            switch (random.nextInt(7))
            {
                case 0 -> { ring.push(bytes(element), true); model.add(0, element); }
                case 1 -> { ring.push(bytes(element), false); model.add(element); }
                case 2 ->
                {
                    if (!model.isEmpty())
                    {
                        assertEquals(model.remove(0), string(ring.pop(true)));
                    }
                }
                case 3 ->
                {
                    if (!model.isEmpty())
                    {
                        assertEquals(model.remove(model.size() - 1), string(ring.pop(false)));
                    }
                }
                case 4 ->
                {
                    final int at = random.nextInt(model.size() + 1);
                    ring.insert(at, bytes(element));
                    model.add(at, element);
                }
                case 5 ->
                {
                    if (!model.isEmpty())
                    {
                        final int at = random.nextInt(model.size());
                        ring.remove(at);
                        model.remove(at);
                    }
                }
                default ->
                {
                    if (model.size() > 50)
                    {
                        final int start = random.nextInt(10);
                        final int end = model.size() - 1 - random.nextInt(10);
                        ring.trim(start, end);
                        final List<String> kept = new ArrayList<>(model.subList(start, end + 1));
                        model.clear();
                        model.addAll(kept);
                    }
                }
            }
            assertEquals(model.size(), ring.size());
        }
        for (int i = 0; i < model.size(); i++)
        {
            assertEquals(model.get(i), string(ring.get(i)));
        }
    }

    @Test
    void shouldCountAListInUsedMemoryAndReleaseItWhenEmptied()
    {
        final long empty = driver.keyspace.usedMemory();
        for (int i = 0; i < 200; i++)
        {
            driver.call("RPUSH", "l", "element" + i);
        }
        final ListValue list = (ListValue)driver.keyspace.get(bytes("l"));
        assertEquals(list.heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        driver.call("LTRIM", "l", "10", "19");
        assertEquals(list.heapBytes(), driver.keyspace.entryBytes() - Keyspace.arrayBytes(1));
        driver.call("LPOP", "l", "100");
        assertEquals(empty, driver.keyspace.usedMemory());
        assertEquals(0, driver.keyspace.size());
    }

    @Test
    void shouldRotateAListOntoItself()
    {
        driver.call("RPUSH", "l", "a", "b", "c");
        assertEquals(CommandDriver.bulk("c"), driver.call("RPOPLPUSH", "l", "l"));
        assertEquals(CommandDriver.array(CommandDriver.bulk("c"), CommandDriver.bulk("a"), CommandDriver.bulk("b")),
            driver.call("LRANGE", "l", "0", "-1"));
        assertEquals(CommandDriver.bulk("c"), driver.call("LMOVE", "l", "l", "LEFT", "RIGHT"));
        assertEquals("+list\r\n", driver.call("TYPE", "l"));
    }
}

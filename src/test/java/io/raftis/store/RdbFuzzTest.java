package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * RESTORE of payloads a seeded fuzzer made from valid ones (every encoding redis-server 7.0.15 wrote, older
 * encodings, raftis's own DUMPs): bytes flipped, set to values that mean something in a length or an encoding,
 * removed, inserted, repeated, then the footer's CRC computed again so that the decoder itself meets them. The decoder
 * may accept a payload (a changed string is still a string) or refuse it with {@link RdbDecoder.BadPayloadException};
 * nothing else may come out of it. A payload accepted must be a value DUMP writes back and RESTORE reads to the same
 * value; one refused must leave no key behind.
 */
class RdbFuzzTest
{
    private static final int[] INTERESTING = { 0x00, 0x01, 0x02, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xC3, 0xE0,
        0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFE, 0xFF };

    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldOnlyAcceptOrRefuseCleanly()
    {
        final List<byte[]> seeds = seeds();
        final long seed = Long.getLong("fuzz.seed", 20261201L);
        final int rounds = Integer.getInteger("fuzz.rounds", 60_000);
        final Random random = new Random(seed);
        int accepted = 0;
        for (int round = 0; round < rounds; round++)
        {
            final byte[] original = seeds.get(random.nextInt(seeds.size()));
            final byte[] value = mutate(Arrays.copyOf(original, original.length - RdbDecoder.FOOTER_LENGTH), random);
            final byte[] payload = DumpCommandsTest.withFooter(value, RdbDecoder.RDB_VERSION);
            boolean decoded = true;
            try
            {
                RdbDecoder.decode(payload);
            }
            catch (final RdbDecoder.BadPayloadException ex)
            {
                decoded = false;
            }
            catch (final RuntimeException | OutOfMemoryError ex)
            {
                throw new AssertionError("round " + round + " of seed " + seed + ": " + ex + " from " +
                    HexFormat.of().formatHex(payload), ex);
            }

            final String reply = driver.call(bytes("RESTORE"), bytes("k"), bytes("0"), payload, bytes("REPLACE"));
            if (!decoded)
            {
                assertEquals(error(DumpCommands.BAD_DATA), reply, HexFormat.of().formatHex(payload));
                assertEquals(integer(0), driver.call("EXISTS", "k"));
                continue;
            }
            accepted++;
            assertEquals(OK, reply, HexFormat.of().formatHex(payload));
            final String digest = driver.call("DEBUG", "DIGEST-VALUE", "k");
            final String dump = driver.call("DUMP", "k");
            final byte[] ours = bytes(dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2));
            assertEquals(OK, driver.call(bytes("RESTORE"), bytes("again"), bytes("0"), ours, bytes("REPLACE")));
            assertEquals(digest, driver.call("DEBUG", "DIGEST-VALUE", "again"), HexFormat.of().formatHex(payload));
            driver.call("DEL", "k", "again");
        }
        if (accepted == 0 || accepted == rounds)
        {
            fail("the mutations should be accepted sometimes and refused sometimes: " + accepted + " of " + rounds);
        }
    }

    private static List<byte[]> seeds()
    {
        final List<byte[]> seeds = new ArrayList<>();
        for (final DumpCommandsTest.RedisDump dump : DumpCommandsTest.redisDumps())
        {
            if (dump.payload().length < 4096)
            {
                seeds.add(dump.payload());
            }
        }
        final CommandDriver values = new CommandDriver();
        values.call("RPUSH", "list", "a", "-1", "70000", "5000000000", "x".repeat(70), "y".repeat(5000), "");
        values.call("HSET", "hash", "f", "1", "g", "x".repeat(100));
        values.call("ZADD", "zset", "1", "a", "2", "b", "-inf", "c");
        for (int i = 0; i < 140; i++)
        {
            values.call("ZADD", "bigzset", Integer.toString(i), "m" + i);
        }
        values.call("SADD", "set", "a", "b", "1");
        for (final String key : List.of("list", "hash", "zset", "bigzset", "set"))
        {
            final String dump = values.call("DUMP", key);
            seeds.add(bytes(dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2)));
        }
        return seeds;
    }

    private static byte[] mutate(final byte[] value, final Random random)
    {
        byte[] mutated = value;
        final int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++)
        {
            final int at = mutated.length == 0 ? 0 : random.nextInt(mutated.length);
            switch (random.nextInt(7))
            {
                case 0 ->
                {
                    if (mutated.length > 0)
                    {
                        mutated[at] ^= (byte)(1 << random.nextInt(8));
                    }
                }
                case 1 ->
                {
                    if (mutated.length > 0)
                    {
                        mutated[at] = (byte)INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                }
                case 2 ->
                {
                    if (mutated.length > 0)
                    {
                        mutated[at] = (byte)random.nextInt(256);
                    }
                }
                case 3 -> mutated = Arrays.copyOf(mutated, at); // cut short
                case 4 ->
                {
                    final int length = Math.min(mutated.length - at, 1 + random.nextInt(8));
                    final byte[] shorter = new byte[mutated.length - length];
                    System.arraycopy(mutated, 0, shorter, 0, at);
                    System.arraycopy(mutated, at + length, shorter, at, mutated.length - at - length);
                    mutated = shorter;
                }
                case 5 ->
                {
                    final byte[] longer = new byte[mutated.length + 1];
                    System.arraycopy(mutated, 0, longer, 0, at);
                    longer[at] = (byte)INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(mutated, at, longer, at + 1, mutated.length - at);
                    mutated = longer;
                }
                default ->
                {
                    final int length = Math.min(mutated.length - at, 1 + random.nextInt(16));
                    final byte[] longer = new byte[mutated.length + length];
                    System.arraycopy(mutated, 0, longer, 0, at + length);
                    System.arraycopy(mutated, at, longer, at + length, mutated.length - at);
                    mutated = longer; // a run repeated
                }
            }
        }
        return mutated;
    }
}

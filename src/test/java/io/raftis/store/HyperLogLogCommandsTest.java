package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.arityError;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static io.raftis.store.CommandDriver.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PFADD, PFCOUNT and PFMERGE against what redis-server 7.0.15 (Debian 12's, 5:7.0.15-1~deb12u10) answered and held
 * after the same commands: every expected reply, byte string and digest below was measured on it.
 */
class HyperLogLogCommandsTest
{
    private static final String NOT_A_HYPERLOGLOG = error("WRONGTYPE Key is not a valid HyperLogLog string value.");
    private static final String CORRUPT = error("INVALIDOBJ Corrupted HLL object detected");
    private static final String WRONG_TYPE = error(ErrorReplies.WRONG_TYPE);
    /** A sparse header whose cached count is stale. */
    private static final String SPARSE_HEADER = "48594c4c010000000000000000000080";

    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldCountOneToOneHundredThousandElementsAsRedisDoes() throws NoSuchAlgorithmException
    {
        // redis-server: for i in 1..100000 { PFADD h e<i>; PFCOUNT h }, the counts joined by "\n", then GET h
        final MessageDigest counts = MessageDigest.getInstance("SHA-256");
        final int[] checkpoints = { 1, 2, 10, 100, 500, 1000, 2000, 5000, 10000, 50000, 99999, 100000 };
        final long[] redisCounts = { 1, 2, 10, 100, 506, 1008, 2000, 4968, 9972, 49978, 100853, 100853 };
        final long[] measured = new long[checkpoints.length];
        for (int i = 1; i <= 100_000; i++)
        {
            driver.call("PFADD", "h", "e" + i);
            final String reply = driver.call("PFCOUNT", "h");
            final long count = Long.parseLong(reply.substring(1, reply.length() - 2));
            counts.update(bytes((i > 1 ? "\n" : "") + count));
            final int checkpoint = Arrays.binarySearch(checkpoints, i);
            if (checkpoint >= 0)
            {
                measured[checkpoint] = count;
            }
        }

        assertArrayEquals(redisCounts, measured);
        assertEquals("a374b91ca2f63603bbc5bfe4819663a35bd89c344fb70efbb6e6f7deec44e4b1",
            HexFormat.of().formatHex(counts.digest()), "every one of the 100,000 counts");
        assertEquals("963e6cee79a81da7857234caac0f76085c89dd79", sha1(value("h")), "the dense string at the end");
    }

    @Test
    void shouldHoldRedisBytesFromSparseToDense()
    {
        // redis-server: PFADD h e<i> for i in 1..n without PFCOUNT; SHA-1 of GET h
        for (int i = 1; i <= 1684; i++)
        {
            driver.call("PFADD", "h", "e" + i);
            if (1 == i)
            {
                assertEquals(SPARSE_HEADER + "7e4c8441b1", hex(value("h")));
                assertEquals("b24095a68f27899f49d5b4562745c365edd2e0be", sha1(value("h")));
            }
            else if (100 == i)
            {
                assertEquals("d0d64e5defce6bb9327bba66ce06a00854e75129", sha1(value("h")));
            }
            else if (1000 == i)
            {
                assertEquals(1906, value("h").length);
                assertEquals("af101540f9439a45780adf0c4a4d471e895c3797", sha1(value("h")));
            }
            else if (1683 == i)
            {
                assertEquals(HyperLogLog.SPARSE, value("h")[4], "sparse up to 1683 elements");
                assertTrue(value("h").length <= HyperLogLog.SPARSE_MAX_LENGTH);
            }
        }
        assertEquals(HyperLogLog.DENSE_LENGTH, value("h").length, "dense from the 1684th");
        assertEquals("fdfd2efe85f1b8381ba320b6f8c203036fc06a7f", sha1(value("h")));
    }

    @Test
    void shouldTurnDensePastThreeThousandBytesKeepingTheHeader()
    {
        // redis-server: PFADD x x<i> for i in 1..1691, PFCOUNT x, PFADD x x1692
        for (int i = 1; i <= 1691; i++)
        {
            driver.call("PFADD", "x", "x" + i);
        }
        assertEquals(2999, value("x").length);
        assertEquals(integer(1686), driver.call("PFCOUNT", "x"));
        assertEquals(integer(1), driver.call("PFADD", "x", "x1692"), "a split of 2 bytes would make 3001");
        assertEquals(HyperLogLog.DENSE_LENGTH, value("x").length);
        assertEquals("48594c4c000000009606000000000080", hex(value("x")).substring(0, 32),
            "the cached 1686 kept, marked stale");
        assertEquals("b4f2c2cb9ff443939fee403829fddfcbeff3c7f0", sha1(value("x")));
    }

    @Test
    void shouldJoinValuesAsFarAsFiveOpcodesFromTheOneBeforeTheChange()
    {
        // XZERO 100, VAL 1x2, VAL 1x3, VAL 1x2, VAL 1x1, XZERO 16276; j12191 raises register 103 to 2
        driver.call("SET", "j", string(HexFormat.of().parseHex(SPARSE_HEADER + "4063818281807f93")));
        assertEquals(integer(1), driver.call("PFADD", "j", "j12191"));
        assertEquals(SPARSE_HEADER + "40638284837f93", hex(value("j")), "VAL 1x3, VAL 2x1, VAL 1x4: the fifth joined");
        assertEquals(integer(8), driver.call("PFCOUNT", "j"));
    }

    @Test
    void shouldCacheTheCountInTheHeaderAndMarkItStaleOnChange()
    {
        assertEquals(integer(1), driver.call("PFADD", "k", "a", "b", "c"));
        assertEquals(SPARSE_HEADER + "60f38050b1844bfb80425a", hex(value("k")));
        assertEquals(integer(3), driver.call("PFCOUNT", "k"));
        assertEquals("48594c4c01000000030000000000000060f38050b1844bfb80425a", hex(value("k")), "3 cached");
        assertEquals(integer(0), driver.call("PFADD", "k", "a"), "no register changed");
        assertEquals(integer(1), driver.call("PFADD", "k", "d"));
        assertEquals("48594c4c0100000003000000000000805c7b8044768050b1844bfb80425a", hex(value("k")),
            "only the top bit of the cache set");

        assertEquals(integer(1), driver.call("PFADD", "e"), "created, with no element");
        assertEquals(SPARSE_HEADER + "7fff", hex(value("e")));
        assertEquals(integer(0), driver.call("PFCOUNT", "e"));
        assertEquals("48594c4c0100000000000000000000007fff", hex(value("e")));
        assertEquals(integer(0), driver.call("PFADD", "e"));
        assertEquals(integer(0), driver.call("PFCOUNT", "missing"));
        assertEquals(integer(0), driver.call("EXISTS", "missing"));
    }

    @Test
    void shouldCountAStringTakenFromRedis()
    {
        // GET of redis-server after PFADD k a b c and PFCOUNT k
        final String fromRedis = "48594c4c01000000030000000000000060f38050b1844bfb80425a";
        driver.call("SET", "k", string(HexFormat.of().parseHex(fromRedis)));
        assertEquals(integer(3), driver.call("PFCOUNT", "k"));
        assertEquals(integer(1), driver.call("PFADD", "k", "d"));
        assertEquals("48594c4c0100000003000000000000805c7b8044768050b1844bfb80425a", hex(value("k")));
        assertEquals(integer(4), driver.call("PFCOUNT", "k"));
    }

    @Test
    void shouldMergeAsRedisDoes()
    {
        final List<String> a = new ArrayList<>(List.of("PFADD", "a"));
        final List<String> b = new ArrayList<>(List.of("PFADD", "b"));
        final List<String> big = new ArrayList<>(List.of("PFADD", "big"));
        for (int i = 0; i < 3000; i++)
        {
            if (i < 50)
            {
                a.add("a" + i);
                b.add("b" + i);
            }
            big.add("c" + i);
        }
        driver.call(a.toArray(new String[0]));
        driver.call(b.toArray(new String[0]));
        driver.call(big.toArray(new String[0]));

        assertEquals(OK, driver.call("PFMERGE", "m", "a", "b"));
        assertEquals("85ff55061c97babd069f699700d8a62aabf6e961", sha1(value("m")), "sparse from sparse");
        assertEquals(integer(100), driver.call("PFCOUNT", "m"));
        assertEquals(OK, driver.call("PFMERGE", "m2", "a", "big"));
        assertEquals("07949e709b856ed3efa1fb72bff58ea5f98f360d", sha1(value("m2")), "dense when a source is");
        assertEquals(integer(3044), driver.call("PFCOUNT", "m2"));
        assertEquals(integer(3044), driver.call("PFCOUNT", "a", "big"));
        assertEquals(OK, driver.call("PFMERGE", "a", "b"), "the destination is a source too");
        assertEquals("85ff55061c97babd069f699700d8a62aabf6e961", sha1(value("a")));
        assertEquals(OK, driver.call("PFMERGE", "e"));
        assertEquals(SPARSE_HEADER + "7fff", hex(value("e")), "created empty, its cache stale");

        driver.call("SET", "d", string(hyll(0, new byte[HyperLogLog.DENSE_LENGTH - 16])));
        driver.call("PFADD", "n", "a");
        assertEquals(OK, driver.call("PFMERGE", "n", "d"));
        assertEquals("4fc405b0c90d4463868c07353ae803bacffb179a", sha1(value("n")), "dense since a source is, empty");
        assertEquals(integer(1), driver.call("PFCOUNT", "n"));
    }

    @Test
    void shouldKeepTheTimeToLiveOfAnExistingKey()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("PFADD", "b", "b1", "b2");
        final List<String> big = new ArrayList<>(List.of("PFADD", "big"));
        for (int i = 0; i < 3000; i++)
        {
            big.add("c" + i);
        }
        driver.call(big.toArray(new String[0]));
        driver.call("SET", "t", string(value("b")), "EX", "1000");
        assertEquals(integer(1), driver.call("PFADD", "t", "zz1", "zz2"));
        assertEquals(integer(1000), driver.call("TTL", "t"), "sparse, grown");
        assertEquals(OK, driver.call("PFMERGE", "t", "big"));
        assertEquals(integer(1000), driver.call("TTL", "t"), "turned dense");
        assertEquals(integer(1), driver.call("PFADD", "t", "zz3", "zz4", "zz5"));
        assertEquals(integer(1000), driver.call("TTL", "t"), "dense, changed in place");
        assertEquals(OK, driver.call("PFMERGE", "new", "t"));
        assertEquals(integer(-1), driver.call("TTL", "new"));
    }

    @Test
    void shouldCountStringsInUsedMemoryAsTheyGrowAndChangeInPlace()
    {
        final long empty = driver.keyspace.usedMemory();
        for (int i = 0; i < 2000; i++)
        {
            driver.call("PFADD", "h", "e" + i);
            assertEquals(Keyspace.arrayBytes(1) + Keyspace.arrayBytes(value("h").length), driver.keyspace.entryBytes());
        }
        final long beforeAdd = driver.keyspace.version();
        assertEquals(integer(1), driver.call("PFADD", "h", "another"));
        assertTrue(driver.keyspace.version() > beforeAdd, "a dense string changed in place is a change");
        final long beforeCount = driver.keyspace.version();
        driver.call("PFCOUNT", "h");
        assertTrue(driver.keyspace.version() > beforeCount, "so is a count cached");
        driver.call("DEL", "h");
        assertEquals(empty, driver.keyspace.usedMemory());
    }

    @Test
    void shouldRefuseWhatIsNotAHyperLogLogInRedisWords()
    {
        driver.call("SET", "short", "HYLL");
        driver.call("SET", "encoding", string(HexFormat.of().parseHex("48594c4c020000000000000000000000" + "7fff")));
        driver.call("SET", "dense", string(hyll(0, new byte[HyperLogLog.DENSE_LENGTH - 17])));
        for (final String key : List.of("short", "encoding", "dense"))
        {
            assertEquals(NOT_A_HYPERLOGLOG, driver.call("PFADD", key, "a"), key);
            assertEquals(NOT_A_HYPERLOGLOG, driver.call("PFCOUNT", key), key);
            assertEquals(NOT_A_HYPERLOGLOG, driver.call("PFMERGE", "x", key), key);
            assertEquals(NOT_A_HYPERLOGLOG, driver.call("PFCOUNT", "missing", key), key);
        }
        assertEquals(integer(0), driver.call("EXISTS", "x"));

        driver.call("LPUSH", "l", "x");
        assertEquals(WRONG_TYPE, driver.call("PFADD", "l", "a"));
        assertEquals(WRONG_TYPE, driver.call("PFCOUNT", "l"));
        assertEquals(WRONG_TYPE, driver.call("PFMERGE", "l"));
        assertEquals(WRONG_TYPE, driver.call("PFMERGE", "x", "l"));
        assertEquals(NOT_A_HYPERLOGLOG, driver.call("PFCOUNT", "short", "l"), "the keys in order");
        assertEquals(WRONG_TYPE, driver.call("PFCOUNT", "l", "short"));

        assertEquals(arityError("pfadd"), driver.call("PFADD"));
        assertEquals(arityError("pfcount"), driver.call("PFCOUNT"));
        assertEquals(arityError("pfmerge"), driver.call("PFMERGE"));
    }

    @Test
    void shouldReadSparseOpcodesThatMissTheLastRegister()
    {
        // XZERO of 16383: the register 16383 is covered by nothing; x0 hashes to register 4316, x8784 to 16383
        driver.call("SET", "k", string(HexFormat.of().parseHex(SPARSE_HEADER + "7ffe")));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k"));
        assertEquals(integer(1), driver.call("PFADD", "k", "x0"));
        assertEquals(SPARSE_HEADER + "50dbb46f21", hex(value("k")));
        assertEquals(CORRUPT, driver.call("PFADD", "k", "x8784"));
        assertEquals(SPARSE_HEADER + "50dbb46f21", hex(value("k")));

        driver.call("SET", "k", string(HexFormat.of().parseHex(SPARSE_HEADER + "7ffe")));
        assertEquals(CORRUPT, driver.call("PFADD", "k", "x0", "x8784"));
        assertEquals(SPARSE_HEADER + "50dbb46f21", hex(value("k")), "the register raised before the error stays");
    }

    @Test
    void shouldRefuseToReadWholeOpcodesThatRunPastTheLastRegister()
    {
        // XZERO of 16384, then a VAL
        driver.call("SET", "k", string(HexFormat.of().parseHex(SPARSE_HEADER + "7fff80")));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k"));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k", "missing"));
        assertEquals(CORRUPT, driver.call("PFMERGE", "m", "k"));
        assertEquals(integer(0), driver.call("EXISTS", "m"));
        assertEquals(integer(1), driver.call("PFADD", "k", "a"), "an update reads only up to its register");
        assertEquals(SPARSE_HEADER + "71a6844e5780", hex(value("k")));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k"));

        final StringBuilder huge = new StringBuilder(SPARSE_HEADER);
        for (int i = 0; i < 10_000; i++)
        {
            huge.append("7fff");
        }
        driver.call("SET", "huge", string(HexFormat.of().parseHex(huge)));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "huge"));
        assertEquals(CORRUPT, driver.call("PFADD", "huge", "a"), "its turn to dense fails");
        assertEquals(CORRUPT, driver.call("PFMERGE", "huge"));
        assertEquals(integer(20_016), driver.call("STRLEN", "huge"));
    }

    @Test
    void shouldReadTheBytePastACutXzeroAsRedisLeavesIt()
    {
        // the empty HLL's XZERO cut after its first byte: Redis reads the byte past the end, 0 here
        driver.call("SET", "k", string(HexFormat.of().parseHex(SPARSE_HEADER + "7f")));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k"));
        assertEquals(integer(1), driver.call("PFADD", "k", "a"));
        assertEquals(SPARSE_HEADER + "71a6844d", hex(value("k")), "the cut XZERO split: its second byte past the end");
        assertEquals(integer(1), driver.call("PFADD", "k", "x1"));
        assertEquals(SPARSE_HEADER + "71a6844205884b", hex(value("k")),
            "read with the byte past the end that the split left (4a if it were read as 0)");
        assertEquals(integer(1), driver.call("PFADD", "k", "x41"));
        assertEquals(SPARSE_HEADER + "71a6844205884b2584", hex(value("k")));

        // XZERO 255 and an XZERO cut that covers the other 16129 registers with 0 past the end
        driver.call("SET", "c", string(HexFormat.of().parseHex(SPARSE_HEADER + "40fe7f")));
        assertEquals(integer(0), driver.call("PFCOUNT", "c"));
        driver.call("SET", "c", string(HexFormat.of().parseHex(SPARSE_HEADER + "40fe7f")));
        assertEquals(integer(1), driver.call("PFADD", "c", "a"));
        assertEquals(SPARSE_HEADER + "40fe70a7844e", hex(value("c")), "57 past the end: 16384 registers in all");
        assertEquals(integer(1), driver.call("PFCOUNT", "c", "missing"));
        assertEquals(OK, driver.call("PFMERGE", "m", "c"));
        assertEquals(SPARSE_HEADER + "71a6844e57", hex(value("m")));
        assertEquals(integer(1), driver.call("PFCOUNT", "c"));

        driver.call("SET", "copy", string(HexFormat.of().parseHex(SPARSE_HEADER + "71a6844d")));
        assertEquals(integer(1), driver.call("PFADD", "copy", "x1"));
        assertEquals(SPARSE_HEADER + "71a6844205884a", hex(value("copy")), "the same bytes SET anew: 0 past the end");
    }

    @Test
    void shouldTurnEstimatesOutOfRangeIntoRedisNumber()
    {
        // every register 63: no register within the estimator's range
        final byte[] all63 = new byte[HyperLogLog.DENSE_LENGTH - 16];
        Arrays.fill(all63, (byte)0xFF);
        driver.call("SET", "k", string(hyll(0, all63)));
        assertEquals(integer(Long.MIN_VALUE), driver.call("PFCOUNT", "k"));
        assertEquals("48594c4c000000000000000000000080", hex(value("k")).substring(0, 32), "2^63 cached: stale");
        assertEquals(integer(Long.MIN_VALUE), driver.call("PFCOUNT", "k", "k"));
        assertEquals(integer(0), driver.call("PFADD", "k", "a"));

        // register i holds (7 i) mod 52
        final byte[] registers = new byte[HyperLogLog.DENSE_LENGTH - 16];
        for (int i = 0; i < HyperLogLog.REGISTERS; i++)
        {
            final int value = (i * 7) % 52;
            final int bit = i * 6;
            registers[bit >>> 3] |= (byte)(value << (bit & 7));
            if ((bit & 7) > 2)
            {
                registers[(bit >>> 3) + 1] |= (byte)(value >>> (8 - (bit & 7)));
            }
        }
        driver.call("SET", "k", string(hyll(0, registers)));
        assertEquals(integer(303_929), driver.call("PFCOUNT", "k"));
        assertEquals(integer(303_929), driver.call("PFCOUNT", "k", "missing"));
    }

    @Test
    void shouldAnswerAValidCacheWithoutReadingTheRegisters()
    {
        driver.call("SET", "k", string(HexFormat.of().parseHex("48594c4c0100000015cd5b0700000000")));
        assertEquals(integer(123_456_789), driver.call("PFCOUNT", "k"));
        assertEquals(CORRUPT, driver.call("PFCOUNT", "k", "missing"));
        assertEquals(CORRUPT, driver.call("PFADD", "k", "a"));
        assertEquals(integer(0), driver.call("PFADD", "k"));
        driver.call("SET", "k", string(HexFormat.of().parseHex("48594c4c01000000ffffffffffffff7f")));
        assertEquals(integer(Long.MAX_VALUE), driver.call("PFCOUNT", "k"));
    }

    @Test
    void shouldAnswerEveryHostileStringWithoutAnException()
    {
        final Random random = new Random(7);
        final String[] replies = { ":", "+OK", "-INVALIDOBJ", "-WRONGTYPE Key is not" };
        for (int round = 0; round < 5_000; round++)
        {
            final byte[] value = new byte[random.nextInt(3) == 0 ? HyperLogLog.DENSE_LENGTH : random.nextInt(80)];
            random.nextBytes(value);
            if (value.length >= 5 && random.nextInt(8) > 0)
            {
                System.arraycopy(bytes("HYLL"), 0, value, 0, 4);
                value[4] = (byte)(HyperLogLog.DENSE_LENGTH == value.length ? 0 : random.nextInt(3));
            }
            driver.call("SET", "k", string(value));
            final String[] command = switch (random.nextInt(5))
            {
                case 0 -> new String[]{ "PFCOUNT", "k" };
                case 1 -> new String[]{ "PFCOUNT", "k", "k" };
                case 2 -> new String[]{ "PFMERGE", "k", "k" };
                case 3 -> new String[]{ "PFMERGE", "m", "k" };
                default -> new String[]{ "PFADD", "k", "a" + round, "b" + round, "c" + round };
            };
            final String reply = driver.call(command);
            assertTrue(Arrays.stream(replies).anyMatch(reply::startsWith), () -> command[0] + ": " + reply);
        }
    }

    private byte[] value(final String key)
    {
        return driver.keyspace.getString(bytes(key));
    }

    private static byte[] hyll(final int encoding, final byte[] registers)
    {
        final byte[] value = new byte[16 + registers.length];
        System.arraycopy(bytes("HYLL"), 0, value, 0, 4);
        value[4] = (byte)encoding;
        value[15] = (byte)0x80;
        System.arraycopy(registers, 0, value, 16, registers.length);
        return value;
    }

    private static String hex(final byte[] value)
    {
        return HexFormat.of().formatHex(value);
    }

    private static String sha1(final byte[] value)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(value));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}

package io.raftis.store;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.arityError;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static io.raftis.store.CommandDriver.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DUMP and RESTORE: payloads redis-server 7.0.15 wrote (and older encodings it restores), read back to the values
 * Redis holds, as DEBUG DIGEST-VALUE shows; RESTORE's arguments and errors in Redis's order; payloads that are not
 * what they claim, each refused whole.
 */
class DumpCommandsTest
{
    private static final String BAD_DATA = error(DumpCommands.BAD_DATA);
    private static final String BAD_FOOTER = error(DumpCommands.BAD_FOOTER);
    private static final HexFormat HEX = HexFormat.of();

    private final CommandDriver driver = new CommandDriver();

    /**
     * A payload redis-server 7.0.15 restores, with what it held then.
     */
    record RedisDump(String name, String type, boolean identical, String digest, byte[] payload)
    {
    }

    static List<RedisDump> redisDumps()
    {
        final List<RedisDump> dumps = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            DumpCommandsTest.class.getResourceAsStream("redis-7.0.15-dumps.txt"), StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                if (line.startsWith("#"))
                {
                    continue;
                }
                final String[] fields = line.split("\\|");
                dumps.add(new RedisDump(fields[0], fields[1], "identical".equals(fields[2]), fields[3],
                    HEX.parseHex(fields[4])));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return dumps;
    }

    @Test
    void shouldRestoreEveryEncodingRedisWritesToTheValueRedisHolds()
    {
        final List<RedisDump> dumps = redisDumps();
        assertEquals(46, dumps.size());
        for (final RedisDump dump : dumps)
        {
            assertEquals(OK, driver.call(bytes("RESTORE"), bytes("k"), bytes("0"), dump.payload), dump.name);
            assertEquals("+" + dump.type + "\r\n", driver.call("TYPE", "k"), dump.name);
            assertEquals(digestValue(dump.digest), driver.call("DEBUG", "DIGEST-VALUE", "k"), dump.name);

            final byte[] ours = dumpOf("k");
            if (dump.identical)
            {
                assertEquals(HEX.formatHex(dump.payload), HEX.formatHex(ours), dump.name);
            }
            assertEquals(OK, driver.call(bytes("RESTORE"), bytes("copy"), bytes("0"), ours), dump.name);
            assertEquals(digestValue(dump.digest), driver.call("DEBUG", "DIGEST-VALUE", "copy"), dump.name);
            driver.call("DEL", "k", "copy");
        }
    }

    @Test
    void shouldReadTheContentsOfOldEncodings()
    {
        restore("old list ziplist");
        assertEquals("[a, 5, -300, 100000, 5000000000, hello, 12, " + "x".repeat(70) + "]", list("k"));
        driver.call("DEL", "k");
        restore("old hash zipmap");
        assertEquals(bulk("value"), driver.call("HGET", "k", "field"));
        assertEquals(bulk("long key"), driver.call("HGET", "k", "k".repeat(300)));
        assertEquals(integer(3), driver.call("HLEN", "k"));
        driver.call("DEL", "k");
        restore("old zset text scores");
        assertEquals(CommandDriver.array(bulk("b"), bulk("-inf"), bulk("a"), bulk("1.5"), bulk("c"), bulk("10")),
            driver.call("ZRANGE", "k", "0", "-1", "WITHSCORES"));
        driver.call("DEL", "k");
        restore("quicklist plain node");
        assertEquals("[a, 7, plain element, z]", list("k"));
        driver.call("DEL", "k");
        restore("string lzf long");
        assertEquals(bulk("abcdefgh".repeat(1000) + "xyz"), driver.call("GET", "k"));
    }

    @Test
    void shouldDumpAMissingKeyAsNilAndCheckArity()
    {
        assertEquals(NIL, driver.call("DUMP", "missing"));
        assertEquals(arityError("dump"), driver.call("DUMP"));
        assertEquals(arityError("dump"), driver.call("DUMP", "a", "b"));
        assertEquals(arityError("restore"), driver.call("RESTORE", "k", "0"));
    }

    @Test
    void shouldCheckTheOptionsFirstAsRedisDoes()
    {
        final byte[] payload = payload("string raw");
        driver.call("SET", "k", "v");
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), restore("k", "x", payload, "IDLETIME", "x"));
        assertEquals(error(DumpCommands.INVALID_IDLETIME), restore("k", "0", payload, "IDLETIME", "-1"));
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), restore("k", "0", payload, "FREQ", "1.5"));
        assertEquals(error(DumpCommands.INVALID_FREQ), restore("k", "0", payload, "FREQ", "256"));
        assertEquals(error(DumpCommands.INVALID_FREQ), restore("k", "0", payload, "freq", "-1"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), restore("k", "0", payload, "IDLETIME", "5", "FREQ", "5"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), restore("k", "0", payload, "FREQ", "5", "IDLETIME", "5"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), restore("k", "0", payload, "REPLACE", "IDLETIME"));
        assertEquals(error(ErrorReplies.SYNTAX_ERROR), restore("k", "0", payload, "BOGUS"));
        assertEquals(error(DumpCommands.BUSY_KEY), restore("k", "x", bytes("junk")));
        assertEquals(error(DumpCommands.BUSY_KEY), restore("k", "0", payload, "IDLETIME", "5", "IDLETIME", "6"));
        assertEquals(error(ErrorReplies.NOT_AN_INTEGER), restore("k", "x", payload, "REPLACE"));
        assertEquals(error(DumpCommands.INVALID_TTL), restore("k", "-1", payload, "REPLACE"));
        assertEquals(BAD_FOOTER, restore("k", "0", bytes("junk"), "REPLACE"));
        assertEquals(bulk("v"), driver.call("GET", "k"), "nothing changed");

        assertEquals(ErrorReplies.SYNTAX_ERROR,
            driver.table.lookup(driver.parse("RESTORE", "k", "0", "p", "IDLETIME")).validate(driver.parser));
        assertEquals(DumpCommands.BAD_FOOTER,
            driver.table.lookup(driver.parse("RESTORE", "k", "0", "p", "REPLACE")).validate(driver.parser),
            "with REPLACE no key can be busy: refused before the log");
        assertNull(driver.table.lookup(driver.parse("RESTORE", "k", "0", "p")).validate(driver.parser),
            "without it, BUSYKEY comes first, which the keyspace decides");
    }

    @Test
    void shouldCheckTheFooterBeforeTheValue()
    {
        final byte[] payload = payload("string raw");
        assertEquals(BAD_FOOTER, restore("k", "0", bytes("short")));
        final byte[] badCrc = payload.clone();
        badCrc[badCrc.length - 1] ^= 1;
        assertEquals(BAD_FOOTER, restore("k", "0", badCrc));
        final byte[] laterVersion = payload.clone();
        laterVersion[laterVersion.length - 10] = 11;
        assertEquals(BAD_FOOTER, restore("k", "0", laterVersion));
        assertEquals(OK, restore("k", "0", withFooter(Arrays.copyOf(payload, payload.length - 10), 9)),
            "an older version is read");
        assertEquals(BAD_DATA, restore("other", "0", withFooter(new byte[0], 10)));
        assertEquals(integer(1), driver.call("DBSIZE"));
    }

    @Test
    void shouldGiveATimeToLiveFromTheEntrysClockOrAbsolute()
    {
        final byte[] payload = payload("string raw");
        driver.keyspace.clock(1_000_000, true);
        assertEquals(OK, restore("k", "5000", payload));
        assertEquals(integer(1_005_000), driver.call("PEXPIRETIME", "k"));
        assertEquals(OK, restore("k", "2000000", payload, "REPLACE", "ABSTTL"));
        assertEquals(integer(2_000_000), driver.call("PEXPIRETIME", "k"));
        assertEquals(OK, restore("k", "0", payload, "REPLACE", "IDLETIME", "1000"));
        assertEquals(integer(-1), driver.call("PEXPIRETIME", "k"));

        assertEquals(OK, restore("k", "1000000", payload, "REPLACE", "ABSTTL"), "a time passed");
        assertEquals(integer(0), driver.call("EXISTS", "k"), "REPLACE removed the old value, nothing is created");
        assertEquals(OK, restore("k", "1", payload, "ABSTTL"));
        assertEquals(integer(0), driver.call("EXISTS", "k"));
        assertEquals(OK, restore("k", "9223372036854775807", payload), "the sum wraps round, as in Redis");
        assertEquals(integer(0), driver.call("EXISTS", "k"));
        assertEquals(OK, restore("k", "9223372036854775807", payload, "ABSTTL"));
        assertEquals(integer(Long.MAX_VALUE), driver.call("PEXPIRETIME", "k"));
    }

    @Test
    void shouldRefuseABusyKeyButReplaceAnyType()
    {
        driver.call("SADD", "k", "a");
        assertEquals(error(DumpCommands.BUSY_KEY), restore("k", "0", payload("string raw")));
        assertEquals(OK, restore("k", "0", payload("hash listpack"), "replace"));
        assertEquals(bulk("123"), driver.call("HGET", "k", "n"));
        driver.keyspace.clock(1_000, true);
        driver.call("PEXPIRE", "k", "10");
        driver.keyspace.clock(2_000, true);
        assertEquals(OK, restore("k", "0", payload("string raw")), "an expired key is not busy");
    }

    @Test
    void shouldDumpValuesAsRedisEncodesThem()
    {
        driver.call("SET", "s", "hello");
        assertEquals("000568656c6c6f0a006372df766534200a", HEX.formatHex(dumpOf("s")));
        driver.call("RPUSH", "l", "a");
        assertEquals(HEX.formatHex(payload("list tiny")), HEX.formatHex(dumpOf("l")));
        driver.call("SADD", "set", "3", "1", "2");
        assertEquals(HEX.formatHex(payload("set intset")), HEX.formatHex(dumpOf("set")));
        driver.call("HSET", "h", "f", "v", "n", "123");
        assertEquals(HEX.formatHex(payload("hash listpack")), HEX.formatHex(dumpOf("h")));
        driver.call("ZADD", "z", "1", "a");
        assertEquals(HEX.formatHex(payload("zset listpack tiny")), HEX.formatHex(dumpOf("z")));

        for (int i = 0; i < 3000; i++)
        {
            driver.call("RPUSH", "big", "element-" + i);
            driver.call("SADD", "bigset", "member-" + i);
            driver.call("HSET", "bighash", "f" + i, "v" + i);
            driver.call("ZADD", "bigz", Integer.toString(i % 17), "m" + i);
        }
        for (final String key : List.of("big", "bigset", "bighash", "bigz"))
        {
            final byte[] dump = dumpOf(key);
            assertEquals(OK, restore("copy", "0", dump, "REPLACE"));
            assertEquals(driver.call("DEBUG", "DIGEST-VALUE", key), driver.call("DEBUG", "DIGEST-VALUE", "copy"));
        }
        assertEquals(RdbDecoder.TYPE_LIST_QUICKLIST_2, dumpOf("big")[0]);
        assertEquals(RdbDecoder.TYPE_SET, dumpOf("bigset")[0]);
        assertEquals(RdbDecoder.TYPE_HASH, dumpOf("bighash")[0]);
        assertEquals(RdbDecoder.TYPE_ZSET_2, dumpOf("bigz")[0]);
    }

    @Test
    void shouldRefuseMalformedValuesWhole()
    {
        // each malformed value, what it is, and the well-formed value it is one change away from (if there is one):
        // the well-formed one is restored, so each refusal is the change's doing
        final String[][] cases =
        {
            { "00", "a string without its length", "0000" },
            { "0005616263", "a string longer than the payload", "0003616263" },
            { "0080ffffffff", "a string of 4 GB", null },
            { "0081ffffffffffffffff", "a length beyond any payload", null },
            { "00bf", "an unknown length encoding", null },
            { "00c3", "LZF without its lengths", null },
            { "00c30240ff0061", "LZF promising more than its data can give", "00c302010061" },
            { "00c302020061", "LZF ending early", "00c302010061" },
            { "00c3040201616100", "LZF with data over", "00c30302016161" },
            { "00c302032000", "LZF referring back before the start", "00c3040400612000" },
            { "00c4", "an unknown string encoding", null },
            { "0003616263ff", "bytes after the value", "0003616263" },
            { "0100", "an empty list", "010100" },
            { "0180ffff0001610161", "a count longer than the payload", "010201610161" },
            { "020201610161", "a repeated set member", "020201610162" },
            { "0400", "an empty hash", "04010161c001" },
            { "04020161016201610163", "a repeated hash field", "04020161016201620163" },
            { "0501016100000000000000", "a score cut short", "05010161000000000000f03f" },
            { "05010161000000000000f87f", "a NaN score", "05010161000000000000f03f" },
            { "03010161053131", "a text score cut short", "030101610131" },
            { "0301016103616263", "a text score that is not a number", "0301016103313233" },
            { "03010161fd", "a text score NaN", "03010161fe" },
            { "06", "a module value", null },
            { "07", "a module value", null },
            { "08", "no type", null },
            { "0f", "a stream", null },
            { "13", "a stream", null },
            { "14", "no type", null },
            { "0b0c020000000200000002000100", "an intset out of order", "0b0c020000000200000001000200" },
            { "0b0c020000000200000001000100", "an intset repeating a member", "0b0c020000000200000001000200" },
            { "0b080200000000000000", "an empty intset", null },
            { "0b0c030000000200000001000200", "an intset of an unknown width", "0b0c020000000200000001000200" },
            { "0b0e0200000002000000010002000300", "an intset longer than its count", "0b0c020000000200000001000200" },
            { "1007070000000000ff", "a listpack of no entries", null },
            { "100c0c00000002008161030101ff", "a listpack back length wrong", "100c0c00000002008161020101ff" },
            { "100c0c00000003008161020101ff", "a listpack count wrong", "100c0c000000ffff8161020101ff" },
            { "100c0d00000002008161020101ff", "a listpack total length wrong", "100c0c00000002008161020101ff" },
            { "100c0c00000002008161020101fe", "a listpack unterminated", "100c0c00000002008161020101ff" },
            { "100a0a0000000100816102ff", "a hash listpack of an odd count", null },
            { "100c0c0000000200816102f501ff", "a listpack encoding unknown", "100c0c00000002008161020101ff" },
            { "100c0c00000002008561020101ff", "a listpack entry beyond its end", "100c0c00000002008161020101ff" },
            { "101111000000040081610201018161020101ff", "a hash listpack repeating a field",
                "101111000000040081610201018162020101ff" },
            { "110d0d0000000200816102816102ff", "a sorted set listpack scoring with no number", null },
            { "111111000000040081620201018161020101ff", "a sorted set listpack out of order",
                "111111000000040081610201018162020101ff" },
            { "111111000000040081610201018161020101ff", "a sorted set listpack repeating a member",
                "111111000000040081610201018162020101ff" },
            { "1201030100", "a quicklist node of an unknown container", "1201010161" },
            { "1201020a0b0000000100816102ff", "a quicklist listpack of the wrong length",
                "1201020a0a0000000100816102ff" },
            { "12010100", "an empty plain quicklist node", "1201010161" },
            { "12010207070000000000ff", "a quicklist of empty nodes only", "1201020a0a0000000100816102ff" },
            { "0a0d0d0000000b000000010000f1ff", "a ziplist tail wrong", "0a0d0d0000000a000000010000f1ff" },
            { "0a0d0d0000000a000000020000f1ff", "a ziplist count wrong", "0a0d0d0000000a000000ffff00f1ff" },
            { "0a0d0d0000000a00000001000005ff", "a ziplist entry beyond its end", "0a0d0d0000000a000000010000f1ff" },
            { "0a0d0d0000000a000000010000c5ff", "a ziplist encoding unknown", "0a0d0d0000000a000000010000f2ff" },
            { "0a0f0f0000000c000000020000f103f2ff", "a ziplist previous length wrong",
                "0a0f0f0000000c000000020000f102f2ff" },
            { "0e020d0d0000000a000000010000f1ff", "a quicklist of ziplists, count wrong",
                "0e010d0d0000000a000000010000f1ff" },
            { "0d131300000010000000040000f202f202f202f2ff", "a hash ziplist repeating a field",
                "0d131300000010000000040000f202f202f302f2ff" },
            { "0907020161010062ff", "a zipmap count wrong", "0907010161010062ff" },
            { "0907010161020062ff", "a zipmap value beyond its end", "0907010161010062ff" },
            { "0904010161ff", "a zipmap field without a value", null },
            { "090c0201610100620161010062ff", "a zipmap repeating a field", "090c0201610100620163010062ff" },
        };
        for (final String[] testCase : cases)
        {
            assertEquals(BAD_DATA, restore("k", "0", withFooter(hex(testCase[0]), RdbDecoder.RDB_VERSION)),
                testCase[1]);
            assertEquals(integer(0), driver.call("EXISTS", "k"), testCase[1]);
            if (null != testCase[2])
            {
                assertEquals(OK, restore("k", "0", withFooter(hex(testCase[2]), RdbDecoder.RDB_VERSION)),
                    "well formed: " + testCase[1]);
                driver.call("DEL", "k");
            }
        }
        driver.call("SET", "k", "old");
        assertEquals(BAD_DATA, restore("k", "0", withFooter(hex("0005616263"), RdbDecoder.RDB_VERSION), "REPLACE"));
        assertEquals(bulk("old"), driver.call("GET", "k"), "REPLACE removes nothing for a payload refused");
    }

    @Test
    void shouldRefuseWhatRedisTrustsWithoutChecking()
    {
        // redis-server 7.0.15 (sanitize-dump-payload no) restores each of these, as tried by hand: raftis checks them
        final String[][] cases =
        {
            { "000361626300", "bytes between the value and the footer" },
            { "0005616263", "a string reaching into the footer" },
            { "0b0c020000000200000002000100", "an intset out of order" },
            { "0b0c020000000200000001000100", "an intset repeating a member" },
            { "04020161016201610163", "a small hash repeating a field" },
            { "100c0c00000002008161030101ff", "a listpack back length wrong" },
            { "101111000000040081610201018161020101ff", "a hash listpack repeating a field" },
            { "111111000000040081620201018161020101ff", "a sorted set listpack out of order" },
            { "110d0d0000000200816102816102ff", "a sorted set listpack scoring with no number" },
            { "02c201610162", "a count in the form of a string encoding" },
            { "1201c20a0a0000000100816102ff", "a quicklist container in the form of a string encoding" },
            { "00c302000061", "LZF data for an empty string" },
            { "0301016103203135", "a text score after a space" },
            { "0a12120000000a000000010000810000000161ff", "a ziplist 32-bit string header with low bits set" },
        };
        for (final String[] testCase : cases)
        {
            assertEquals(BAD_DATA, restore("k", "0", withFooter(hex(testCase[0]), RdbDecoder.RDB_VERSION)),
                testCase[1]);
        }
        assertEquals(OK, restore("k", "0",
            withFooter(hex("0a12120000000a000000010000800000000161ff"), RdbDecoder.RDB_VERSION)));
        assertEquals("[a]", list("k"));
    }

    @Test
    void shouldNotAllocateWhatAPayloadDeclaresBeyondItsLength()
    {
        final long before = Runtime.getRuntime().totalMemory();
        for (final String value : List.of("0080fffffff0", "00c380000000ff80fffffff061", "0280ffffffff0161",
            "0580fffffff00161", "0480ffffffff01610162", "0b0880ffffff0161", "10f0fffffff0", "1280ffffffff0201"))
        {
            assertEquals(BAD_DATA, restore("k", "0", withFooter(hex(value), 10)), value);
        }
        assertTrue(Runtime.getRuntime().totalMemory() - before < 512L << 20);
    }

    @Test
    void shouldDeclareTheHeapTheRestoredValueWillTake()
    {
        final byte[] lzf = payload("string lzf long");
        final Command restore = driver.table.lookup("restore");
        final long growth = restore.growth(driver.parse("RESTORE", "k", "0", string(lzf)), driver.keyspace);
        assertEquals(Keyspace.arrayBytes(8001), growth, "the string as it will be, 65 times its payload");
        final byte[] list = payload("list many nodes");
        final long before = driver.keyspace.usedMemory();
        final long listGrowth = restore.growth(driver.parse("RESTORE", "k", "0", string(list)), driver.keyspace);
        assertEquals(OK, restore("k", "0", list));
        assertEquals(driver.keyspace.usedMemory() - before - Keyspace.arrayBytes(1), listGrowth);
        assertTrue(listGrowth > 5L * list.length, listGrowth + " for " + list.length);
        assertEquals(0, restore.growth(driver.parse("RESTORE", "k", "0", "junk"), driver.keyspace));
        assertEquals(0, restore.growth(driver.parse("RESTORE", "k", "0",
            string(withFooter(hex("0005616263"), 10))), driver.keyspace));
    }

    @Test
    void shouldReadLzfExactly()
    {
        final byte[] out = new byte[6];
        assertTrue(Lzf.decompress(hex("0161624001"), 0, 5, out)); // "ab", then 4 bytes from 2 back
        assertEquals("ababab", string(out));
        assertFalse(Lzf.decompress(hex("0161622001"), 0, 5, out), "one byte short");
        assertFalse(Lzf.decompress(hex("016162400100"), 0, 6, out), "a control byte over");
        assertFalse(Lzf.decompress(hex("01616240"), 0, 4, out), "a reference cut short");
        assertFalse(Lzf.decompress(hex("01616240ff"), 0, 5, out), "a reference before the start");
        assertFalse(Lzf.decompress(hex("0561"), 0, 2, out), "a literal run cut short");
        assertTrue(Lzf.decompress(new byte[0], 0, 0, new byte[0]));
    }

    @Test
    void shouldCompressWhatLzfReadsBack()
    {
        final Random random = new Random(7);
        for (int round = 0; round < 2_000; round++)
        {
            final byte[] input = new byte[random.nextInt(20_000)];
            final int alphabet = 1 + random.nextInt(round % 3 == 0 ? 256 : 4);
            for (int i = 0; i < input.length; i++)
            {
                input[i] = (byte)(0 == random.nextInt(50) && i > 9000 ? input[i - 9000] : random.nextInt(alphabet));
            }
            final byte[] compressed = Lzf.compress(input, 0, input.length, input.length + input.length / 16 + 64);
            final byte[] output = new byte[input.length];
            assertTrue(Lzf.decompress(compressed, 0, compressed.length, output), "round " + round);
            assertArrayEquals(input, output, "round " + round);
        }
        final byte[] runs = bytes("a".repeat(100_000));
        final byte[] compressed = Lzf.compress(runs, 0, runs.length, runs.length);
        assertTrue(compressed.length < runs.length / 80, "back references of the longest length: " + compressed.length);
        assertNull(Lzf.compress(bytes("qwertyuiopasdfghjklzxcvbnm1234"), 0, 30, 26), "no gain of 4 bytes");
        assertNull(Lzf.compress(runs, 0, runs.length, 0));
    }

    @Test
    void shouldRefuseToWriteAPayloadLongerThanAnArrayHolds()
    {
        final byte[] value = new byte[104];
        for (int i = 0; i < value.length; i++)
        {
            value[i] = (byte)i; // nothing to compress
        }
        assertEquals(1 + 2 + value.length + RdbDecoder.FOOTER_LENGTH, RdbEncoder.encode(value, 200).length);
        assertThrows(RdbEncoder.PayloadTooLongException.class, () -> RdbEncoder.encode(value, 100));
    }

    @Test
    void shouldComputeRedisCrc64()
    {
        final byte[] check = bytes("123456789");
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, check, 0, check.length));
    }

    static byte[] withFooter(final byte[] value, final int version)
    {
        final byte[] payload = Arrays.copyOf(value, value.length + RdbDecoder.FOOTER_LENGTH);
        payload[value.length] = (byte)version;
        payload[value.length + 1] = (byte)(version >>> 8);
        final long crc = Crc64.update(0, payload, 0, value.length + 2);
        for (int i = 0; i < 8; i++)
        {
            payload[value.length + 2 + i] = (byte)(crc >>> (8 * i));
        }
        return payload;
    }

    private static byte[] hex(final String hex)
    {
        return HEX.parseHex(hex);
    }

    private static String digestValue(final String digest)
    {
        return "*1\r\n+" + digest + "\r\n";
    }

    private static byte[] payload(final String name)
    {
        for (final RedisDump dump : redisDumps())
        {
            if (dump.name.equals(name))
            {
                return dump.payload;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private void restore(final String name)
    {
        assertEquals(OK, restore("k", "0", payload(name)), name);
    }

    private String restore(final String key, final String ttl, final byte[] payload, final String... options)
    {
        final byte[][] args = new byte[4 + options.length][];
        args[0] = bytes("RESTORE");
        args[1] = bytes(key);
        args[2] = bytes(ttl);
        args[3] = payload;
        for (int i = 0; i < options.length; i++)
        {
            args[4 + i] = bytes(options[i]);
        }
        return driver.call(args);
    }

    private byte[] dumpOf(final String key)
    {
        final String reply = driver.call("DUMP", key);
        final int start = reply.indexOf("\r\n") + 2;
        return bytes(reply.substring(start, reply.length() - 2));
    }

    private String list(final String key)
    {
        final List<String> elements = new ArrayList<>();
        final ListValue list = (ListValue)driver.keyspace.get(bytes(key));
        for (int i = 0; i < list.size(); i++)
        {
            elements.add(string(list.get(i)));
        }
        return elements.toString();
    }
}

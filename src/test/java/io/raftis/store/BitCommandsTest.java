package io.raftis.store;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.array;
import static io.raftis.store.CommandDriver.arityError;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO: the replies are redis-server 7.0.15's to the same
 * commands (proto-max-bulk-len set to the limit the driver is given where a test says so).
 */
class BitCommandsTest
{
    private static final String WRONG_TYPE = error(ErrorReplies.WRONG_TYPE);
    private static final String SYNTAX_ERROR = error(ErrorReplies.SYNTAX_ERROR);
    private static final String NOT_AN_INTEGER = error(ErrorReplies.NOT_AN_INTEGER);
    private static final String BIT_OFFSET = error("ERR bit offset is not an integer or out of range");
    private static final String BIT_VALUE = error("ERR bit is not an integer or out of range");
    private static final String BAD_TYPE =
        error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");

    private final CommandDriver driver = new CommandDriver();

    @Test
    void shouldTellOfASetbitChangeOnlyWhenTheBitChanges()
    {
        final int[] modified = { 0 };
        driver.keyspace.listener(new KeyspaceListener()
        {
            public void modified(
                final Keyspace keyspace, final DirectBuffer key, final int offset, final int length,
                final boolean expired)
            {
                modified[0]++;
            }

            public void emptying(final Keyspace keyspace)
            {
            }

            public void swapping(final Keyspace first, final Keyspace second)
            {
            }
        });
        assertEquals(integer(0), driver.call("SETBIT", "b", "33", "1"));
        assertEquals(1, modified[0], "a new key");
        assertEquals(integer(1), driver.call("SETBIT", "b", "33", "1"));
        assertEquals(integer(0), driver.call("SETBIT", "b", "34", "0"));
        assertEquals(1, modified[0], "as Redis 7.0, a bit left as it was is no change (a WATCH of the key stays clean)");
        assertEquals(integer(1), driver.call("SETBIT", "b", "33", "0"));
        assertEquals(integer(0), driver.call("SETBIT", "b", "100", "0"));
        assertEquals(3, modified[0], "a bit changed, and a string grown with zeros");
        assertEquals(integer(13), driver.call("STRLEN", "b"));
    }

    @Test
    void shouldSetAndGetBitsGrowingTheStringWithZeros()
    {
        assertEquals(integer(0), driver.call("SETBIT", "b", "7", "1"));
        assertEquals(bulk("\u0001"), driver.call("GET", "b"));
        assertEquals(integer(1), driver.call("SETBIT", "b", "7", "0"));
        assertEquals(integer(0), driver.call("SETBIT", "b", "100", "1"));
        assertEquals(integer(13), driver.call("STRLEN", "b"));
        assertEquals(integer(1), driver.call("GETBIT", "b", "100"));
        assertEquals(integer(0), driver.call("GETBIT", "b", "101"));
        assertEquals(integer(0), driver.call("GETBIT", "b", "1000000"));
        assertEquals(integer(0), driver.call("GETBIT", "missing", "5"));

        driver.call("SET", "n", "12"); // '1' is 0x31: bits 2, 3 and 7 of the first byte
        assertEquals(integer(1), driver.call("GETBIT", "n", "2"));
        assertEquals(integer(1), driver.call("GETBIT", "n", "3"));
        assertEquals(integer(0), driver.call("GETBIT", "n", "4"));
        assertEquals(integer(6), driver.call("BITCOUNT", "n"));
        assertEquals(integer(0), driver.call("SETBIT", "n", "6", "1"));
        assertEquals(bulk("32"), driver.call("GET", "n"));
    }

    @Test
    void shouldRefuseBadOffsetsAndBits()
    {
        assertEquals(BIT_OFFSET, driver.call("SETBIT", "b", "4294967296", "1"), "past 512 MB");
        assertEquals(BIT_OFFSET, driver.call("SETBIT", "b", "-1", "1"));
        assertEquals(BIT_OFFSET, driver.call("SETBIT", "b", "x", "1"));
        assertEquals(BIT_OFFSET, driver.call("SETBIT", "b", "#1", "1"), "no '#' outside BITFIELD");
        assertEquals(BIT_OFFSET, driver.call("GETBIT", "b", "-1"));
        assertEquals(BIT_OFFSET, driver.call("GETBIT", "b", "4294967296"));
        assertEquals(BIT_VALUE, driver.call("SETBIT", "b", "0", "2"));
        assertEquals(BIT_VALUE, driver.call("SETBIT", "b", "0", "-1"));
        assertEquals(BIT_VALUE, driver.call("SETBIT", "b", "0", "x"));
        assertEquals(arityError("setbit"), driver.call("SETBIT", "b", "0"));
        assertEquals(arityError("getbit"), driver.call("GETBIT", "b"));
        assertEquals(0, driver.keyspace.size());

        driver.call("LPUSH", "l", "x");
        assertEquals(BIT_OFFSET, driver.call("SETBIT", "l", "-1", "1"), "the arguments before the type");
        assertEquals(WRONG_TYPE, driver.call("SETBIT", "l", "0", "1"));
        assertEquals(WRONG_TYPE, driver.call("GETBIT", "l", "0"));
        assertEquals(WRONG_TYPE, driver.call("BITCOUNT", "l"));
        assertEquals(WRONG_TYPE, driver.call("BITPOS", "l", "1"));
        assertEquals(WRONG_TYPE, driver.call("BITFIELD", "l", "GET", "u8", "0"));
        assertEquals(WRONG_TYPE, driver.call("BITFIELD_RO", "l", "GET", "u8", "0"));
        assertEquals(WRONG_TYPE, driver.call("BITFIELD", "l"));
    }

    @Test
    void shouldGrowNoFurtherThanTheMaximumStringLength()
    {
        final CommandDriver limited = new CommandDriver(new Databases().get(0), 1024);
        assertEquals(BIT_OFFSET, limited.call("SETBIT", "b", "8192", "1"));
        assertEquals(BIT_OFFSET, limited.call("GETBIT", "b", "8192"));
        assertEquals(integer(0), limited.call("SETBIT", "b", "8191", "1"));
        assertEquals(integer(1024), limited.call("STRLEN", "b"));
        assertEquals(BIT_OFFSET, limited.call("BITFIELD", "f", "SET", "u8", "#1024", "1"));
        assertEquals(array(integer(0)), limited.call("BITFIELD", "f", "SET", "u8", "#1023", "1"));
        // as in Redis, the offset is checked, not the field's end: a field at the last bit reaches past the limit
        assertEquals(array(integer(128)), limited.call("BITFIELD", "f", "SET", "u8", "8191", "255"));
        assertEquals(integer(1025), limited.call("STRLEN", "f"));

        assertEquals(integer(1024), limited.call("SETRANGE", "r", "1023", "x"));
        assertEquals(error(ErrorReplies.STRING_TOO_LONG), limited.call("SETRANGE", "r", "1024", "x"));
        assertEquals(error(ErrorReplies.STRING_TOO_LONG), limited.call("SETRANGE", "r", "1000", "y".repeat(25)));
        assertEquals(error(ErrorReplies.STRING_TOO_LONG), limited.call("SETRANGE", "r", "9223372036854775807", "x"));
        assertEquals(error(ErrorReplies.STRING_TOO_LONG), limited.call("SETRANGE", "new", "1024", "x"));
        assertEquals(integer(0), limited.call("SETRANGE", "new", "9223372036854775807", ""), "nothing to write");
        assertEquals(integer(0), limited.call("EXISTS", "new"));
    }

    @Test
    void shouldCountMemoryAsStringsGrowAndChangeInPlace()
    {
        final Keyspace keyspace = driver.keyspace;
        final long empty = keyspace.usedMemory();
        driver.call("SETBIT", "b", "7", "1");
        assertEquals(Keyspace.arrayBytes(1) + Keyspace.arrayBytes(1), keyspace.entryBytes());
        final byte[] small = (byte[])keyspace.get(bytes("b"));
        driver.call("SETBIT", "b", "3", "1");
        assertSame(small, keyspace.get(bytes("b")), "changed in place while long enough");

        driver.call("SETBIT", "b", "80000", "1");
        assertEquals(Keyspace.arrayBytes(1) + Keyspace.arrayBytes(10_001), keyspace.entryBytes());
        driver.call("SETRANGE", "b", "20000", "tail");
        assertEquals(Keyspace.arrayBytes(1) + Keyspace.arrayBytes(20_004), keyspace.entryBytes());
        driver.call("BITFIELD", "b", "SET", "i64", "#5000", "-1");
        assertEquals(Keyspace.arrayBytes(1) + Keyspace.arrayBytes(40_008), keyspace.entryBytes());
        driver.call("BITOP", "NOT", "c", "b");
        assertEquals(2 * (Keyspace.arrayBytes(1) + Keyspace.arrayBytes(40_008)), keyspace.entryBytes());

        driver.call("DEL", "b", "c");
        assertEquals(empty, keyspace.usedMemory());
    }

    @Test
    void shouldKeepTheTimeToLiveOfAStringTheyChange()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("SET", "k", "value", "EX", "100");
        driver.call("SETBIT", "k", "3", "1");
        assertEquals(integer(100), driver.call("TTL", "k"));
        driver.call("SETBIT", "k", "1000", "1");
        driver.call("BITFIELD", "k", "INCRBY", "u8", "#500", "1");
        driver.call("SETRANGE", "k", "1", "x");
        assertEquals(integer(100), driver.call("TTL", "k"));

        driver.call("BITOP", "OR", "k", "k");
        assertEquals(integer(-1), driver.call("TTL", "k"), "BITOP sets its destination anew");
    }

    @Test
    void shouldCountBitsInByteAndBitRanges()
    {
        driver.call("SET", "s", "foobar");
        assertEquals(integer(26), driver.call("BITCOUNT", "s"));
        assertEquals(integer(4), driver.call("BITCOUNT", "s", "0", "0"));
        assertEquals(integer(6), driver.call("BITCOUNT", "s", "1", "1"));
        assertEquals(integer(6), driver.call("BITCOUNT", "s", "1", "1", "BYTE"));
        assertEquals(integer(17), driver.call("BITCOUNT", "s", "5", "30", "BIT"));
        assertEquals(integer(0), driver.call("BITCOUNT", "s", "-1", "-2"));
        assertEquals(integer(1), driver.call("BITCOUNT", "s", "-2", "-1", "bit"));
        assertEquals(integer(26), driver.call("BITCOUNT", "s", "-100", "100"));
        assertEquals(SYNTAX_ERROR, driver.call("BITCOUNT", "s", "0"));
        assertEquals(SYNTAX_ERROR, driver.call("BITCOUNT", "s", "0", "1", "BOGUS"));
        assertEquals(integer(0), driver.call("BITCOUNT", "s", "-1", "-5", "BOGUS"), "an empty range answers first");
        assertEquals(NOT_AN_INTEGER, driver.call("BITCOUNT", "s", "x", "1"));
        assertEquals(SYNTAX_ERROR, driver.call("BITCOUNT", "s", "0", "-1", "BIT", "extra"));
        assertEquals(integer(0), driver.call("BITCOUNT", "missing", "x"), "a missing key answers first");
        assertEquals(arityError("bitcount"), driver.call("BITCOUNT"));

        driver.call("SET", "p", "\u00ff\u00f0\u0000");
        assertEquals(integer(8), driver.call("BITCOUNT", "p", "4", "11", "BIT"));
        assertEquals(integer(0), driver.call("BITCOUNT", "p", "-12", "-1", "BIT"));
        driver.call("SET", "e", "");
        assertEquals(integer(0), driver.call("BITCOUNT", "e"));
        assertEquals(integer(0), driver.call("BITCOUNT", "e", "0", "-1", "BIT"));
    }

    @Test
    void shouldFindBitsAsRedisDoes()
    {
        driver.call("SET", "p", "\u00ff\u00f0\u0000");
        assertEquals(integer(12), driver.call("BITPOS", "p", "0"));
        assertEquals(integer(0), driver.call("BITPOS", "p", "1"));
        assertEquals(integer(-1), driver.call("BITPOS", "p", "1", "2"));
        assertEquals(integer(-1), driver.call("BITPOS", "p", "0", "0", "0"));
        assertEquals(integer(12), driver.call("BITPOS", "p", "0", "1"));
        assertEquals(integer(7), driver.call("BITPOS", "p", "1", "7", "15", "BIT"));
        assertEquals(integer(12), driver.call("BITPOS", "p", "0", "7", "15", "BIT"));
        assertEquals(integer(-1), driver.call("BITPOS", "p", "0", "0", "11", "BIT"));
        assertEquals(integer(12), driver.call("BITPOS", "p", "0", "0", "12", "BIT"));
        assertEquals(integer(-1), driver.call("BITPOS", "p", "1", "12", "-1", "BIT"));
        assertEquals(integer(-1), driver.call("BITPOS", "p", "1", "-1"));

        driver.call("SET", "ones", "\u00ff\u00ff");
        assertEquals(integer(16), driver.call("BITPOS", "ones", "0"), "no end given: the padding's first zero");
        assertEquals(integer(16), driver.call("BITPOS", "ones", "0", "1"));
        assertEquals(integer(-1), driver.call("BITPOS", "ones", "0", "0", "-1"), "an end given: none");
        assertEquals(integer(-1), driver.call("BITPOS", "ones", "0", "3", "-1", "BIT"));
        assertEquals(SYNTAX_ERROR, driver.call("BITPOS", "ones", "0", "3", "BIT", "x"), "the unit before the end");
        assertEquals(SYNTAX_ERROR, driver.call("BITPOS", "ones", "0", "0", "1", "BIT", "extra"));

        driver.call("SET", "e", "");
        assertEquals(integer(-1), driver.call("BITPOS", "e", "0"));
        assertEquals(integer(0), driver.call("BITPOS", "missing", "0"));
        assertEquals(integer(-1), driver.call("BITPOS", "missing", "1"));
        assertEquals(error("ERR The bit argument must be 1 or 0."), driver.call("BITPOS", "missing", "5"));
        assertEquals(NOT_AN_INTEGER, driver.call("BITPOS", "missing", "x"));
        assertEquals(NOT_AN_INTEGER, driver.call("BITPOS", "p", "1", "x"));
        assertEquals(arityError("bitpos"), driver.call("BITPOS", "p"));
    }

    @Test
    void shouldCombineStringsWithBitop()
    {
        driver.call("SET", "a", "abc");
        driver.call("SET", "c", "b");
        assertEquals(integer(3), driver.call("BITOP", "AND", "d", "a", "c"));
        assertEquals(bulk("`\u0000\u0000"), driver.call("GET", "d"));
        assertEquals(integer(3), driver.call("BITOP", "or", "d", "a", "c"));
        assertEquals(bulk("cbc"), driver.call("GET", "d"));
        assertEquals(integer(3), driver.call("BITOP", "XOR", "d", "a", "c", "missing"));
        assertEquals(bulk("\u0003bc"), driver.call("GET", "d"));
        assertEquals(integer(3), driver.call("BITOP", "NOT", "d", "a"));
        assertEquals(bulk("\u009e\u009d\u009c"), driver.call("GET", "d"));
        assertEquals(integer(3), driver.call("BITOP", "AND", "a", "a", "a"), "the destination among the sources");
        assertEquals(bulk("abc"), driver.call("GET", "a"));

        assertEquals(integer(0), driver.call("BITOP", "AND", "d", "missing", "missing2"));
        assertEquals(integer(0), driver.call("EXISTS", "d"), "an empty result removes the destination");
        assertEquals(error("ERR BITOP NOT must be called with a single source key."),
            driver.call("BITOP", "NOT", "d", "a", "c"));
        assertEquals(SYNTAX_ERROR, driver.call("BITOP", "NAND", "d", "a"));
        assertEquals(arityError("bitop"), driver.call("BITOP", "AND", "d"));
        driver.call("LPUSH", "l", "x");
        driver.call("HSET", "h", "f", "v");
        assertEquals(WRONG_TYPE, driver.call("BITOP", "OR", "d", "a", "l"));
        assertEquals(integer(3), driver.call("BITOP", "OR", "h", "a"), "any destination is replaced");
        assertEquals(bulk("abc"), driver.call("GET", "h"));
    }

    @Test
    void shouldReadAndWriteFieldsWithBitfield()
    {
        assertEquals(array(integer(0), integer(200), integer(-56), integer(44)),
            driver.call("BITFIELD", "f", "SET", "u8", "#1", "200", "GET", "u8", "8", "GET", "i8", "#1",
                "INCRBY", "u8", "8", "100"));
        assertEquals(array(integer(144), integer(145), integer(145)),
            driver.call("BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u8", "8", "100", "OVERFLOW", "FAIL",
                "INCRBY", "u8", "8", "1", "GET", "u16", "0"));
        assertEquals(array(integer(0), integer(-1), integer(1)),
            driver.call("BITFIELD", "f", "SET", "i1", "0", "-1", "GET", "i1", "0", "GET", "u1", "0"));
        assertEquals(array(integer(0), integer(0)), driver.call("BITFIELD", "missing", "GET", "i64", "#1", "GET",
            "u8", "#100"));
        assertEquals(integer(0), driver.call("EXISTS", "missing"), "GETs alone only read");
        assertEquals(array(), driver.call("BITFIELD", "f", "OVERFLOW", "WRAP"));

        assertEquals(array(NIL), driver.call("BITFIELD", "g", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"));
        assertEquals(integer(13), driver.call("STRLEN", "g"), "the string grows though the write failed");
    }

    @Test
    void shouldOverflowAsRedisDoes()
    {
        assertEquals(array(integer(0)), driver.call("BITFIELD", "b", "SET", "i64", "0", "-9223372036854775808"));
        assertEquals(array(integer(9223372036854775807L)), driver.call("BITFIELD", "b", "INCRBY", "i64", "0", "-1"));
        assertEquals(array(NIL), driver.call("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1"));
        assertEquals(array(integer(Long.MIN_VALUE)),
            driver.call("BITFIELD", "b", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "1"));
        assertEquals(array(integer(-128)),
            driver.call("BITFIELD", "b", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808"));
        assertEquals(array(integer(127)),
            driver.call("BITFIELD", "b", "OVERFLOW", "WRAP", "SET", "i8", "0", "-9223372036854775808"),
            "SAT stored 127: Redis's check wraps its difference and calls the smallest long an overflow above");
        assertEquals(array(integer(0)), driver.call("BITFIELD", "b", "OVERFLOW", "SAT", "SET", "i8", "0",
            "9223372036854775807"));
        assertEquals(array(integer(-4611686018427387904L)),
            driver.call("BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i63", "0", "-9223372036854775808"));
        assertEquals(array(integer(0)),
            driver.call("BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "-9223372036854775808"));
        assertEquals(array(NIL), driver.call("BITFIELD", "b", "OVERFLOW", "FAIL", "SET", "u63", "0", "-1"));
        assertEquals(array(integer(0), integer(1)),
            driver.call("BITFIELD", "b", "SET", "u1", "0", "-1", "GET", "u1", "0"));
        assertEquals(array(integer(0), integer(-1)),
            driver.call("BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i1", "0", "5", "INCRBY", "i1", "0", "-5"));
    }

    @Test
    void shouldRefuseMalformedBitfieldsWhole()
    {
        assertEquals(BAD_TYPE, driver.call("BITFIELD", "f", "GET", "u64", "0"));
        assertEquals(BAD_TYPE, driver.call("BITFIELD", "f", "GET", "i65", "0"));
        assertEquals(BAD_TYPE, driver.call("BITFIELD", "f", "GET", "i0", "0"));
        assertEquals(BAD_TYPE, driver.call("BITFIELD", "f", "GET", "I8", "0"));
        assertEquals(BAD_TYPE, driver.call("BITFIELD", "f", "GET", "i08", "0"));
        assertEquals(array(integer(0)), driver.call("BITFIELD", "f", "GET", "i8\u0000x", "0"), "read as C reads it");
        assertEquals(BIT_OFFSET, driver.call("BITFIELD", "f", "GET", "i8", "x"));
        assertEquals(BIT_OFFSET, driver.call("BITFIELD", "f", "GET", "i8", "#x"));
        assertEquals(BIT_OFFSET, driver.call("BITFIELD", "f", "GET", "i8", "#-1"));
        assertEquals(SYNTAX_ERROR, driver.call("BITFIELD", "f", "GET"));
        assertEquals(SYNTAX_ERROR, driver.call("BITFIELD", "f", "BOGUS"));
        assertEquals(SYNTAX_ERROR, driver.call("BITFIELD", "f", "SET", "i8", "0"));
        assertEquals(error("ERR Invalid OVERFLOW type specified"), driver.call("BITFIELD", "f", "OVERFLOW", "BOGUS"));
        assertEquals(NOT_AN_INTEGER, driver.call("BITFIELD", "f", "SET", "i8", "0", "x"));
        assertEquals(NOT_AN_INTEGER, driver.call("BITFIELD", "f", "SET", "i8", "0", "1", "SET", "i8", "0", "x"));
        assertEquals(0, driver.keyspace.size(), "nothing of a malformed BITFIELD is done");

        assertEquals(error("ERR BITFIELD_RO only supports the GET subcommand"),
            driver.call("BITFIELD_RO", "f", "SET", "i8", "0", "1"));
        assertEquals(NOT_AN_INTEGER, driver.call("BITFIELD_RO", "f", "GET", "i8", "0", "INCRBY", "i8", "0", "x"));
        assertEquals(array(integer(0)), driver.call("BITFIELD_RO", "f", "GET", "i8", "0", "OVERFLOW", "SAT"));
        assertEquals(arityError("bitfield"), driver.call("BITFIELD"));
    }

    @Test
    void shouldWrapHashOffsetsAsRedisMultipliesThem()
    {
        // 2^61 + 1 fields of 8 bits are 2^64 + 8 bits, which wraps to bit 8 as Redis's multiplication wraps
        assertEquals(array(integer(0)), driver.call("BITFIELD", "w", "SET", "u8", "#2305843009213693953", "7"));
        assertEquals(integer(2), driver.call("STRLEN", "w"));
        assertEquals(array(integer(7), integer(0)),
            driver.call("BITFIELD", "w", "GET", "u8", "8", "GET", "i64", "#288230376151711745"));
        assertEquals(BIT_OFFSET, driver.call("BITFIELD", "w", "GET", "i64", "#9223372036854775807"));
    }

    @Test
    void shouldTellTheLeaderHowMuchMemoryAWriteMayAdd()
    {
        driver.call("SET", "long", "x".repeat(1000));
        driver.call("SET", "short", "x");
        assertEquals(1024, growth("SETBIT", "b", "8191", "1"));
        assertEquals(536_870_912, growth("SETBIT", "b", "4294967295", "1"));
        assertEquals(1025,
            growth("BITFIELD", "b", "GET", "u8", "0", "SET", "u8", "8192", "1", "INCRBY", "i8", "0", "1"));
        assertEquals(0, growth("BITFIELD", "b", "GET", "u8", "#100000"));
        assertEquals(1000, growth("BITOP", "OR", "d", "short", "long", "missing"));
        assertEquals(0, growth("BITOP", "NOT", "d", "missing"));
        assertEquals(1002, growth("SETRANGE", "b", "1000", "xy"));
        assertEquals(0, growth("SET", "b", "v"), "a command that adds no more than its own bytes");
        assertEquals(2, driver.keyspace.size(), "estimating changes nothing");
    }

    private long growth(final String... args)
    {
        return driver.table.lookup(args[0]).growth(driver.parse(args), driver.keyspace);
    }
}

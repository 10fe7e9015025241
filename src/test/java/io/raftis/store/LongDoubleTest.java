package io.raftis.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The x87 extended arithmetic of INCRBYFLOAT and HINCRBYFLOAT: every expected text here is what redis-server 7.0.15
 * (x86-64) answered to SET f stored, INCRBYFLOAT f increment.
 */
class LongDoubleTest
{
    private static final String NOT_A_FLOAT = "not a float";
    private static final String NAN_OR_INFINITY = "NaN or infinity";

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value =
    {
        // where double and long double differ
        "0.1|0.2|0.3",
        "1e17|1.5|100000000000000001.5",
        "10.5|0.1|10.6",
        "10.6|3.0e3|3010.60000000000000009",
        "3010.60000000000000009|5.0e+3|8010.60000000000000009",
        "123456789012345678|0.1|123456789012345678.1015625",
        "0.1|0.7|0.8",
        "1.1|2.2|3.3",
        "3|-2.9|0.1",
        "9223372036854775807|1|9223372036854775808",
        "-9223372036854775808|-1|-9223372036854775809",
        // 64 significant bits, ties to even, when reading and when adding
        "0|18446744073709551617|18446744073709551616",
        "0|18446744073709551619|18446744073709551620",
        "0|18446744073709551618|18446744073709551618",
        "9223372036854775808|0.5|9223372036854775808",
        "9223372036854775808|1.5|9223372036854775810",
        "9223372036854775808|1|9223372036854775809",
        // rounding at 17 decimals: half to even on the exact binary value
        "0|0.000003814697265625|0.00000381469726562",
        "0|0.000000000000000015|0.00000000000000002",
        "0|0.0000000000000000150000000001|0.00000000000000002",
        "0|1e-17|0.00000000000000001",
        "0|0.000000000000000005|0",
        "0|-0.000000000000000005|0",
        "0|99999999999999999999.5|100000000000000000000",
        // zeros: "-0" is written "0"
        "0|-0|0",
        "-0|-0|0",
        "-1e-30|0|0",
        "5|-5|0",
        // the forms strtold reads
        "0|0X1P-3|0.125",
        "0|0x1.8p1|3",
        "0|0x10|16",
        "0|.5|0.5",
        "0|5.|5",
        "0|+.5e+1|5",
        "0|00012.50|12.5",
        "1e0000000000000000000000000000000000000002|1|101",
        "0e999999999999999999|7|7",
        // subnormals are read; below half the smallest, a value underflows and is refused
        "0|1e-4950|0",
        "0|0x1p-16445|0",
        "0|0x3p-16447|0",
        "0|1e-5000|" + NOT_A_FLOAT,
        "0|0x1p-16446|" + NOT_A_FLOAT,
        // overflow, infinities and NaN
        "0|1.2e4932|" + NOT_A_FLOAT,
        "0|0x1.ffffffffffffffffp16383|" + NOT_A_FLOAT,
        "1.1e4932|1e4932|" + NAN_OR_INFINITY,
        "1e4932|-inf|" + NAN_OR_INFINITY,
        "inf|1|" + NAN_OR_INFINITY,
        "inf|-inf|" + NAN_OR_INFINITY,
        "0|inf|" + NAN_OR_INFINITY,
        "0|+Infinity|" + NAN_OR_INFINITY,
        "0|nan|" + NOT_A_FLOAT,
        "0|infin|" + NOT_A_FLOAT,
        // what strtold does not read whole
        "0|' 1'|" + NOT_A_FLOAT,
        "0|'1 '|" + NOT_A_FLOAT,
        "0|1e|" + NOT_A_FLOAT,
        "0|.|" + NOT_A_FLOAT,
        "0|0x|" + NOT_A_FLOAT,
        "0|0x1p|" + NOT_A_FLOAT,
        "0|1_000|" + NOT_A_FLOAT,
        "0|''|" + NOT_A_FLOAT,
        "abc|1|" + NOT_A_FLOAT,
        "1.5abc|1|" + NOT_A_FLOAT,
        "' 1'|1|" + NOT_A_FLOAT,
    })
    void shouldAddAndFormatAsRedisDoes(final String stored, final String increment, final String expected)
    {
        assertEquals(expected, incrbyfloat(stored, increment));
    }

    @Test
    void shouldKeepLargeExponentsExact()
    {
        final String sum = incrbyfloat("1.7976931348623157e308", "1e308");
        assertEquals(309, sum.length());
        assertTrue(sum.startsWith("279769313486231570002352240441350078789299929179619934003987695617693370918830"));
        assertTrue(sum.endsWith("793174665688773926186886103199182225408"));

        final String large = incrbyfloat("0", "1e4932");
        assertEquals(4933, large.length());
        assertTrue(large.startsWith("10000000000000000000060189493879638913238377742545331147737850413525330194866"));
        assertTrue(large.endsWith("89350876379371163141086538418113791886622720"));

        final String largest = incrbyfloat("0", "0x1.fffffffffffffffep16383");
        assertEquals(4933, largest.length());
        assertTrue(largest.startsWith("11897314953572317650212638530309702051690633222946242004403237338917370055229"));
        assertTrue(largest.endsWith("6811989770240"));
        assertEquals(NOT_A_FLOAT, incrbyfloat("0", "0x1.ffffffffffffffffp16383"), "one more ulp rounds to infinity");
    }

    @Test
    void shouldDifferFromDoubleArithmetic()
    {
        assertNotEquals(new BigDecimal(0.1 + 0.2).toPlainString(), incrbyfloat("0.1", "0.2"));
        assertEquals("100000000000000001.5", incrbyfloat("1e17", "1.5"));
        assertEquals(100000000000000000.0, 1e17 + 1.5, "double loses the .5 and the 1");
    }

    @Test
    void shouldReadItsOwnTextBackToTheSameValue()
    {
        String text = "10.5";
        for (int i = 0; i < 100; i++)
        {
            text = incrbyfloat(text, "0.1");
        }
        assertEquals("20.5", text);
        assertEquals(text, incrbyfloat(text, "0"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0x1p16384", "-0x1p16384", "1e4933", "1e99999999999999999999" })
    void shouldRefuseOverflow(final String text)
    {
        assertNull(LongDouble.parse(ascii(text)));
    }

    @Test
    void shouldRefuseTextOf5120CharactersOrMore()
    {
        final String digits = "1" + "0".repeat(4900) + "." + "0".repeat(218);
        assertEquals(5120, digits.length());
        assertNull(LongDouble.parse(ascii(digits)));
        assertNotNull(LongDouble.parse(ascii(digits.substring(1))), "5119 characters");
    }

    private static String incrbyfloat(final String stored, final String increment)
    {
        final LongDouble value = LongDouble.parse(ascii(stored));
        final LongDouble delta = LongDouble.parse(ascii(increment));
        if (null == value || null == delta)
        {
            return NOT_A_FLOAT;
        }
        final LongDouble sum = value.add(delta);
        if (null == sum || sum.isInfinite())
        {
            return NAN_OR_INFINITY;
        }
        return new String(sum.toHumanString(), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}

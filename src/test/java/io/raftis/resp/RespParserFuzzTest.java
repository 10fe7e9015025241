package io.raftis.resp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the parser with hostile requests: valid pipelines of multibulk and inline commands, then bits
 * flipped, bytes cut or inserted, headers replaced by extreme counts and lengths, or noise. Each input is parsed whole
 * and again as it would arrive in random pieces, resuming where each read stopped.
 * <p>
 * It holds that: the parser never throws; it never consumes more than it was given; an argument always lies inside
 * the bytes given; parsing in pieces gives exactly what parsing whole gives; and the bytes it examines grow linearly
 * with the input however it is split. Replay with {@code -Draftis.fuzz.seed=S}, more with
 * {@code -Draftis.fuzz.cases=N}.
 */
class RespParserFuzzTest
{
    @Test
    void hostileRequestsNeitherCrashNorDivergeWhenSplitNorCostMoreThanLinearWork()
    {
        final long seed = Long.getLong("raftis.fuzz.seed", 20261130L);
        final int cases = Integer.getInteger("raftis.fuzz.cases", 5_000);
        final Random random = new Random(seed);
        long errors = 0;
        long commands = 0;
        for (int i = 0; i < cases; i++)
        {
            final byte[] input = HostileRequests.mutate(random, HostileRequests.pipeline(random));
            final String what = "seed " + seed + " case " + i;
            final List<Object> whole = parseAll(new RespParser(), input, Integer.MAX_VALUE, random, what);
            final RespParser split = new RespParser();
            final List<Object> pieces = parseAll(split, input, 1 + random.nextInt(16), random, what);
            assertEquals(whole, pieces, what + ": parsed in pieces");
            assertTrue(split.bytesScanned() <= 2L * input.length + 64,
                what + ": examined " + split.bytesScanned() + " bytes of " + input.length);
            for (final Object result : whole)
            {
                errors += result instanceof String && ((String)result).startsWith("Protocol error") ? 1 : 0;
                commands += result instanceof List ? 1 : 0;
            }
        }
        System.out.println("RespParserFuzzTest: " + cases + " inputs, " + commands + " commands, " + errors +
            " protocol errors");
        assertTrue(errors > cases / 10 && commands > cases, errors + " errors, " + commands + " commands");
    }

    /**
     * Parse what arrives in pieces of up to maxPiece bytes, each read followed by parses until more is needed, as a
     * connection does; the input grows in one buffer, from its start.
     */
    private static List<Object> parseAll(
        final RespParser parser, final byte[] input, final int maxPiece, final Random random, final String what)
    {
        final List<Object> results = new ArrayList<>();
        int offset = 0;
        int received = 0;
        while (true)
        {
            received = maxPiece >= input.length ? input.length :
                Math.min(input.length, received + 1 + random.nextInt(maxPiece));
            final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(input, received));
            while (true)
            {
                final int result = parser.parse(buffer, offset, received);
                if (RespParser.PROTOCOL_ERROR == result)
                {
                    results.add(parser.errorMessage());
                    return results;
                }
                if (RespParser.INCOMPLETE == result)
                {
                    break;
                }
                assertTrue(result > 0 && offset + result <= received, what + ": consumed " + result);
                final List<String> args = new ArrayList<>();
                for (int a = 0; a < parser.argCount(); a++)
                {
                    final int argOffset = parser.argOffset(a);
                    final int argLength = parser.argLength(a);
                    assertTrue(argOffset >= 0 && argLength >= 0 &&
                        argOffset + argLength <= parser.argBuffer().capacity(), what + ": argument " + a);
                    args.add(parser.argString(a));
                }
                results.add(args);
                offset += result;
            }
            if (received == input.length)
            {
                results.add("incomplete at " + offset);
                return results;
            }
        }
    }
}

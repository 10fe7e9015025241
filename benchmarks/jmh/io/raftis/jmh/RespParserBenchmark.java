package io.raftis.jmh;

import io.raftis.resp.RespParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The RESP parser over a pipeline of the commands redis-benchmark sends: nanoseconds per command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class RespParserBenchmark
{
    static final int COMMANDS = 100;

    private final RespParser parser = new RespParser();
    private UnsafeBuffer setPipeline;
    private UnsafeBuffer getPipeline;

    @Setup
    public void setUp()
    {
        setPipeline = pipeline("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000012345\r\n$3\r\nxxx\r\n");
        getPipeline = pipeline("*2\r\n$3\r\nGET\r\n$16\r\nkey:000000012345\r\n");
    }

    private static UnsafeBuffer pipeline(final String command)
    {
        final byte[] bytes = command.repeat(COMMANDS).getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        return new UnsafeBuffer(direct);
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS)
    public int parseSet()
    {
        return parseAll(setPipeline);
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS)
    public int parseGet()
    {
        return parseAll(getPipeline);
    }

    private int parseAll(final UnsafeBuffer buffer)
    {
        final int limit = buffer.capacity();
        int position = 0;
        int args = 0;
        while (position < limit)
        {
            final int consumed = parser.parse(buffer, position, limit);
            if (consumed <= 0)
            {
                throw new IllegalStateException("the pipeline did not parse at " + position + ": " + consumed);
            }
            args += parser.argCount();
            position += consumed;
        }
        return args;
    }
}

package io.raftis.jmh;

import io.raftis.log.SegmentedLog;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Appending entries to the segmented log, without syncing (the sync is the disk's cost, measured by
 * benchmarks/redis-benchmark.sh): nanoseconds per entry. Each invocation appends a batch and cuts it off again, so
 * that the log stays in one segment; the cut, which zeroes what was written, is part of the figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class LogAppendBenchmark
{
    static final int BATCH = 100;

    @Param({ "40", "1000" })
    int payloadLength;

    private File dir;
    private SegmentedLog log;
    private UnsafeBuffer payload;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory("raftis-jmh-log").toFile();
        log = new SegmentedLog(dir, 16 * 1024 * 1024, false);
        payload = new UnsafeBuffer(new byte[payloadLength]);
        log.append(1, io.raftis.raft.EntryFrame.TYPE_NOOP, payload, 0, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        log.close();
        IoUtil.delete(dir, true);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendBatch()
    {
        final long base = log.lastIndex();
        for (int i = 0; i < BATCH; i++)
        {
            log.append(1, io.raftis.raft.EntryFrame.TYPE_COMMAND, payload, 0, payloadLength);
        }
        final long last = log.lastIndex();
        log.truncateAfter(base);
        return last;
    }
}

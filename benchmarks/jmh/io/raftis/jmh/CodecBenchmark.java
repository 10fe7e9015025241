package io.raftis.jmh;

import io.raftis.codecs.AppendEntriesDecoder;
import io.raftis.codecs.AppendEntriesEncoder;
import io.raftis.codecs.MessageHeaderDecoder;
import io.raftis.codecs.MessageHeaderEncoder;
import io.raftis.transport.MessageAuthenticator;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * An AppendEntries message as the transport handles it: SBE encoding with its MAC (the entries as a second part,
 * as the publisher offers them from the log), and the receiver's check of the MAC and decoding. Nanoseconds per
 * message, for a heartbeat (no entries) and for a batch of entries.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class CodecBenchmark
{
    private static final int TAG = MessageAuthenticator.TAG_LENGTH;

    @Param({ "0", "4096" })
    int entriesLength;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AppendEntriesEncoder encoder = new AppendEntriesEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AppendEntriesDecoder decoder = new AppendEntriesDecoder();
    private MessageAuthenticator sender;
    private MessageAuthenticator receiver;
    private UnsafeBuffer buffer;
    private UnsafeBuffer entries;
    private UnsafeBuffer wire;
    private int wireLength;
    private long term = 1;

    @Setup
    public void setUp()
    {
        final byte[] key = new byte[32];
        key[0] = 42;
        sender = new MessageAuthenticator(key);
        receiver = new MessageAuthenticator(key);
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        entries = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, entriesLength)));
        wire = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        wireLength = encodeAndSign();
        wire.putBytes(0, buffer, 0, wireLength);
        wire.putBytes(wireLength, entries, 0, entriesLength);
        wireLength += entriesLength;
    }

    @Benchmark
    public int encodeAndSign()
    {
        encoder.wrapAndApplyHeader(buffer, TAG, headerEncoder)
            .clusterId(7)
            .term(term++)
            .leaderId(1)
            .prevLogIndex(1000)
            .prevLogTerm(1)
            .leaderCommit(999)
            .sequence(12345)
            .entryCount(entriesLength / 64);
        // as the publisher: the var-data header here, the entries as the second part of the offer
        final int lengthOffset = TAG + MessageHeaderEncoder.ENCODED_LENGTH + AppendEntriesEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthOffset, entriesLength, java.nio.ByteOrder.LITTLE_ENDIAN);
        final int headerLength = lengthOffset + AppendEntriesEncoder.entriesHeaderLength() - TAG;
        sender.sign(2, buffer, TAG, headerLength, entries, 0, entriesLength);
        return TAG + headerLength;
    }

    @Benchmark
    public long verifyAndDecode()
    {
        if (!receiver.verify(2, wire, 0, wireLength))
        {
            throw new IllegalStateException("the message does not verify");
        }
        headerDecoder.wrap(wire, TAG);
        decoder.wrap(wire, TAG + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        return decoder.term() + decoder.prevLogIndex() + decoder.entriesLength();
    }
}

package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.rtp.RtpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The four in-place header writes a Consumer makes per packet (SSRC, payload type, sequence number,
 * timestamp, as {@code out = in + delta}), on the buffer kind the copy lands in.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RtpHeaderBench {
    @Param({"HEAP", "DIRECT"})
    public BufferKind buffer;

    private ByteBuf pkt;
    private int seqDelta = 12345;
    private long tsDelta = 987654321L;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] template = Packets.rtp(PacketShape.VIDEO, 100);
        pkt = buffer.allocate(template.length);
        pkt.writeBytes(template);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pkt.release();
    }

    @Benchmark
    public ByteBuf rewriteHeader() {
        int seq = RtpHeader.sequenceNumber(pkt);
        long ts = RtpHeader.timestamp(pkt);
        RtpHeader.setSsrc(pkt, 0x5EEDF00DL);
        RtpHeader.setPayloadType(pkt, 96);
        RtpHeader.setSequenceNumber(pkt, (seq + seqDelta) & 0xFFFF);
        RtpHeader.setTimestamp(pkt, (ts + tsDelta) & 0xFFFFFFFFL);
        return pkt;
    }
}

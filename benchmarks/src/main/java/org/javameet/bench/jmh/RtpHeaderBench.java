package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.RtpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The four in-place header writes a Consumer makes per packet (SSRC, payload type, sequence number,
 * timestamp, as {@code out = in + delta}), on the buffer kind the copy lands in.
 */
public class RtpHeaderBench extends Bench {
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

package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.SenderReport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * RTCP as the router reads it: a publisher's SR+SDES compound walked with {@link RtcpCompound#forEach}
 * picking the SR's SSRC and timestamps (what Publisher does through RtcpRouting, with a capturing lambda
 * per compound), and a subscriber's generic NACK parsed and expanded into sequence numbers.
 */
public class RtcpBench extends Bench {
    private ByteBuf compound;
    private ByteBuf nack;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] c = Packets.senderReportCompound();
        compound = Unpooled.directBuffer(c.length).writeBytes(c);
        byte[] n = Packets.nack();
        nack = Unpooled.directBuffer(n.length).writeBytes(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compound.release();
        nack.release();
    }

    @Benchmark
    public RtcpError compoundForEachSenderReport(Blackhole bh) {
        ByteBuf buf = compound;
        RtcpError err = RtcpCompound.forEach(buf, (type, count, off, len) -> {
            if (type == RtcpHeader.SR && len >= 28) {
                bh.consume(Rtcp.senderSsrc(buf, off));
                bh.consume(SenderReport.ntpTimestamp(buf, off));
                bh.consume(SenderReport.rtpTimestamp(buf, off));
            }
        });
        if (err != null) {
            throw new IllegalStateException("compound: " + err);
        }
        return err;
    }

    @Benchmark
    public int[] nackParseAndExpand() throws RtcpException {
        int off = nack.readerIndex();
        return Nack.parse(nack, off, nack.readableBytes()).lostSequenceNumbers();
    }
}

package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.javameet.sfu.rtp.RtpRewriter;
import org.javameet.sfu.srtp.SrtpSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-subscriber copy: {@link RtpRewriter#copyWithExtensions} keeping one header extension
 * (transport-cc, publisher id 3) renumbered to the subscriber's id 5, with SRTP tail room; then release,
 * as the channel does after the write. The source is a direct buffer, as packets come off the socket.
 */
public class RtpCopyBench extends Bench {
    private static final int[] KEEP_FROM = {Packets.TRANSPORT_CC_ID};
    private static final int[] KEEP_TO = {5};

    @Param({"VIDEO", "AUDIO"})
    public PacketShape packet;

    @Param({"POOLED", "UNPOOLED"})
    public Allocator allocator;

    private ByteBuf src;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] template = Packets.rtp(packet, 100);
        src = Unpooled.directBuffer(template.length).writeBytes(template);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        src.release();
    }

    @Benchmark
    public int copyWithExtensions() {
        ByteBuf out = RtpRewriter.copyWithExtensions(allocator.alloc, src, KEEP_FROM, KEEP_TO,
                SrtpSession.MAX_TRAILER);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}

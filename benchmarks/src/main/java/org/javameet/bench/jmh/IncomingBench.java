package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The once-per-incoming-packet step, before any fan-out: a 2,048-byte pooled direct receive buffer (the
 * media channel's FixedRecvByteBufAllocator), the datagram copied in (standing in for the kernel's copy),
 * SRTP unprotect, release. Each op needs a fresh packet for the replay window, so a per-invocation fixture
 * (untimed, see {@link SrtpUnprotectBench}) protects the next sequence number into a staging buffer.
 */
public class IncomingBench extends SrtpPacketBench {
    private byte[] template;
    private ByteBuf wire;
    private SrtpSession publisher;
    private SrtpSession sfu;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        Crypto.setUp(aes);
        template = Packets.rtp(packet, 0);
        wire = Unpooled.buffer(template.length + SrtpSession.MAX_TRAILER);
        SrtpKeys keys = Packets.keys(profile);
        publisher = new SrtpSession(keys, rtpTransform);
        sfu = new SrtpSession(keys.mirror(), rtpTransform);
    }

    @Setup(Level.Invocation)
    public void nextPacket() {
        wire.setBytes(0, template);
        wire.setIndex(0, template.length);
        RtpHeader.setSequenceNumber(wire, seq++ & 0xFFFF);
        SrtpStatus status = publisher.protectRtp(wire);
        if (status != SrtpStatus.OK) {
            throw new IllegalStateException("protect: " + status);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        publisher.close();
        sfu.close();
        wire.release();
    }

    @Benchmark
    public int incoming() {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.ioBuffer(2048);
        try {
            in.writeBytes(wire, wire.readerIndex(), wire.readableBytes());
            SrtpStatus status = sfu.unprotectRtp(in);
            if (status != SrtpStatus.OK) {
                throw new IllegalStateException("unprotect: " + status);
            }
            return in.readableBytes();
        } finally {
            in.release();
        }
    }
}

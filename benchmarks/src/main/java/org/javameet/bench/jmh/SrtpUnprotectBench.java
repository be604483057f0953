package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SRTP unprotect (verify, replay check, decrypt) of one RTP packet.
 *
 * <p>The receiver keeps a replay window, so every op needs a packet it has not seen: a per-invocation
 * fixture, outside the timed region, protects the next sequence number into the work buffer with a sender
 * session holding the mirrored keys. JMH times only the benchmark method for {@code Level.Invocation}
 * fixtures; the price is two clock reads per op (tens of ns), small against a µs-scale unprotect, and the
 * packet is cache-hot as it would be right after the kernel copied it in.
 */
public class SrtpUnprotectBench extends SrtpPacketBench {
    @Param({"HEAP", "DIRECT"})
    public BufferKind buffer;

    private byte[] template;
    private ByteBuf work;
    private SrtpSession sender;
    private SrtpSession receiver;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        Crypto.setUp(aes);
        template = Packets.rtp(packet, 0);
        work = buffer.allocate(template.length + SrtpSession.MAX_TRAILER);
        SrtpKeys keys = Packets.keys(profile);
        sender = new SrtpSession(keys, rtpTransform);
        receiver = new SrtpSession(keys.mirror(), rtpTransform);
    }

    @Setup(Level.Invocation)
    public void nextPacket() {
        work.setBytes(0, template);
        work.setIndex(0, template.length);
        RtpHeader.setSequenceNumber(work, seq++ & 0xFFFF);
        SrtpStatus status = sender.protectRtp(work);
        if (status != SrtpStatus.OK) {
            throw new IllegalStateException("protect: " + status);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
        work.release();
    }

    @Benchmark
    public int unprotect() {
        SrtpStatus status = receiver.unprotectRtp(work);
        if (status != SrtpStatus.OK) {
            throw new IllegalStateException("unprotect: " + status);
        }
        return work.writerIndex();
    }
}

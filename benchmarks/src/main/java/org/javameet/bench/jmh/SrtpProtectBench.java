package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SRTP protect of one RTP packet. Protect works in place, so every op first restores the plaintext from
 * a template (and bumps the sequence number, as a real stream does); {@link #copyTemplate} is that
 * restore alone, to subtract: protect cost = {@code protect - copyTemplate}.
 */
public class SrtpProtectBench extends SrtpPacketBench {
    @Param({"HEAP", "DIRECT"})
    public BufferKind buffer;

    private byte[] template;
    private ByteBuf work;
    private SrtpSession sender;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        Crypto.setUp(aes);
        template = Packets.rtp(packet, 0);
        work = buffer.allocate(template.length + SrtpSession.MAX_TRAILER);
        sender = new SrtpSession(Packets.keys(profile), rtpTransform);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        work.release();
    }

    /** Baseline: restore the plaintext packet into the work buffer, nothing else. */
    @Benchmark
    public ByteBuf copyTemplate() {
        return restore();
    }

    /** Restore the plaintext, then encrypt it and append the tag. */
    @Benchmark
    public int protect() {
        SrtpStatus status = sender.protectRtp(restore());
        if (status != SrtpStatus.OK) {
            throw new IllegalStateException("protect: " + status);
        }
        return work.writerIndex();
    }

    private ByteBuf restore() {
        work.setBytes(0, template);
        work.setIndex(0, template.length);
        RtpHeader.setSequenceNumber(work, seq++ & 0xFFFF);
        return work;
    }
}

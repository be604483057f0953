package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.RtpRewriter;
import org.javameet.sfu.srtp.SrtpProfile;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.javameet.sfu.webrtc.SubscribeNegotiation;
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
 * One subscriber's share of forwarding one packet: what {@code Consumer.forward} does once the transport is
 * connected and the consumer has started (the keyframe gate and counters left out), rebuilt from the
 * public codec APIs because Consumer needs a live transport. Per op: read seq/timestamp, copy with the
 * subscriber's extensions (video keeps none; audio keeps ssrc-audio-level, renumbered to the id the SFU
 * offers), four header writes, SRTP protect, release (the channel releases after the socket write; the
 * write itself is the load harness's business).
 *
 * <p>The source is the publisher's decrypted packet in a pooled direct buffer, as the epoll channel
 * hands it over; its sequence number advances every op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXECUTOR, Jvm.EXECUTOR_CLASS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ForwardBench {
    @Param({"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    /** jitsi-srtp's AES implementation, see {@link Crypto#setUp}. */
    @Param({"OpenSSL"})
    public String aes;

    @Param({"VIDEO", "AUDIO"})
    public PacketShape packet;

    @Param({"POOLED", "UNPOOLED", "POOLED_HEAP"})
    public Allocator allocator;

    private ByteBuf src;
    private SrtpSession srtp;
    private int[] extensionsFrom;
    private int[] extensionsTo;
    private long ssrc = 0x5EEDF00DL;
    private int payloadType;
    private int seqDelta = 31000;
    private long tsDelta = 0x7000_0000L;
    private int inSeq;

    @Setup(Level.Trial)
    public void setUp() {
        Crypto.setUp(aes);
        byte[] template = Packets.rtp(packet, 0);
        src = PooledByteBufAllocator.DEFAULT.directBuffer(2048).writeBytes(template);
        srtp = new SrtpSession(Packets.keys(profile));
        boolean video = packet == PacketShape.VIDEO;
        payloadType = video ? SubscribeNegotiation.VP8.payloadType() : SubscribeNegotiation.OPUS.payloadType();
        extensionsFrom = video ? new int[0] : new int[] {Packets.AUDIO_LEVEL_ID};
        extensionsTo = video ? new int[0] : new int[] {SubscribeNegotiation.AUDIO_LEVEL_EXT_ID};
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        srtp.close();
        src.release();
    }

    @Benchmark
    public int forward() {
        RtpHeader.setSequenceNumber(src, inSeq++ & 0xFFFF); // the next packet of the stream
        int seq = RtpHeader.sequenceNumber(src);
        long ts = RtpHeader.timestamp(src);
        ByteBuf out = RtpRewriter.copyWithExtensions(allocator.alloc, src, extensionsFrom, extensionsTo,
                SrtpSession.MAX_TRAILER);
        try {
            RtpHeader.setSsrc(out, ssrc);
            RtpHeader.setPayloadType(out, payloadType);
            RtpHeader.setSequenceNumber(out, (seq + seqDelta) & 0xFFFF);
            RtpHeader.setTimestamp(out, (ts + tsDelta) & 0xFFFFFFFFL);
            SrtpStatus status = srtp.protectRtp(out);
            if (status != SrtpStatus.OK) {
                throw new IllegalStateException("protect: " + status);
            }
            return out.readableBytes();
        } finally {
            out.release();
        }
    }
}

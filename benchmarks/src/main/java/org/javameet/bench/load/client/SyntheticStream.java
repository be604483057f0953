package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.peer.MediaStamp;
import org.javameet.peer.OpusPacketizer;
import org.javameet.peer.RtpStream;
import org.javameet.peer.Vp8Packetizer;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * One outgoing RTP stream of the harness's own media engine (used against Janus and the baseline relay). The
 * payloads come from peer-client's {@link OpusPacketizer} and {@link Vp8Packetizer}, so they have exactly the
 * shapes javameet's participants send: Opus with the ssrc-audio-level extension and an 80-byte payload; VP8
 * frames of at most {@link Vp8Packetizer#MAX_PACKET}-byte packets, the marker on the last. Every payload carries
 * a {@link MediaStamp}. This class writes the RTP headers and keeps the last 512 packets for NACKs.
 * Not thread-safe: one event loop.
 */
public final class SyntheticStream implements RtpStream {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int AUDIO_LEVEL_EXT_ID = 1;
    private static final int HISTORY = 512;
    /** The level every Opus packet announces (-dBov), with the voice bit set. */
    private static final int AUDIO_LEVEL = 30;

    final boolean video;
    public final long ssrc;
    final int payloadType;
    private final int clockRate;
    private final long timestampBase = ThreadLocalRandom.current().nextLong(0x1_0000_0000L);
    private final long startNanos = System.nanoTime();
    private final byte[][] history = new byte[HISTORY][];
    private final OpusPacketizer opus = new OpusPacketizer(AUDIO_LEVEL_EXT_ID);
    private final Vp8Packetizer vp8 = new Vp8Packetizer(640, 360);
    private int seq = ThreadLocalRandom.current().nextInt(0x10000);
    long packetsSent;
    long retransmissionsSent;
    long keyframes;

    SyntheticStream(boolean video, long ssrc) {
        this.video = video;
        this.ssrc = ssrc;
        this.payloadType = video ? VP8_PT : OPUS_PT;
        this.clockRate = video ? 90000 : 48000;
    }

    long timestampAt(long nanos) {
        return (timestampBase + (nanos - startNanos) * clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
    }

    /** One 20 ms Opus packet. */
    ByteBuf opus(ByteBufAllocator alloc, int senderId, long now) {
        ByteBuf b = opus.packet(this, alloc, timestampAt(now), AUDIO_LEVEL, true, senderId, now);
        keep(b);
        return b;
    }

    /** One VP8 frame of about {@code frameBytes}, as packets; the caller owns them. */
    List<ByteBuf> vp8Frame(ByteBufAllocator alloc, int frameBytes, boolean keyframe, int senderId, long now) {
        if (keyframe) {
            keyframes++;
        }
        List<ByteBuf> out = vp8.frame(this, alloc, frameBytes, keyframe, timestampAt(now), senderId, now);
        for (ByteBuf b : out) {
            keep(b);
        }
        return out;
    }

    @Override
    public int nextSequenceNumber() {
        return seq;
    }

    @Override
    public ByteBuf newPacket(ByteBufAllocator alloc, int payload, boolean marker, long ts, boolean extension) {
        ByteBuf b = RtpStream.header(alloc, payload, marker, payloadType, seq, ts, ssrc, extension);
        seq = (seq + 1) & 0xFFFF;
        packetsSent++;
        return b;
    }

    private void keep(ByteBuf b) {
        byte[] copy = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), copy);
        history[b.getUnsignedShort(b.readerIndex() + 2) % HISTORY] = copy;
    }

    /** The packet with this sequence number again (same SSRC and number), or null when no longer kept. */
    ByteBuf retransmission(ByteBufAllocator alloc, int sequence) {
        byte[] p = history[sequence % HISTORY];
        if (p == null || ((p[2] & 0xFF) << 8 | p[3] & 0xFF) != sequence) {
            return null;
        }
        retransmissionsSent++;
        ByteBuf b = alloc.heapBuffer(p.length + SrtpSession.MAX_TRAILER);
        b.writeBytes(p);
        return b;
    }
}

package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.peer.MediaStamp;
import org.javameet.peer.OpusPacketizer;
import org.javameet.peer.Vp8Packetizer;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * One outgoing RTP stream of the harness's own media engine (used against Janus and the baseline relay), in
 * exactly the shapes peer-client's {@link OpusPacketizer} and {@link Vp8Packetizer} write for javameet: Opus with
 * the ssrc-audio-level extension and an 80-byte payload; VP8 frames with a 4-byte descriptor, the VP8 payload
 * header on a frame's first packet, packets of at most {@link Vp8Packetizer#MAX_PACKET} bytes and the marker on
 * the last. Every payload carries a {@link MediaStamp}, so receivers use peer-client's stamp offsets. (peer-client's
 * packetizers take its package-private OutboundStream, hence this twin.) Keeps the last 512 packets for NACKs.
 * Not thread-safe: one event loop.
 */
public final class SyntheticStream {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int AUDIO_LEVEL_EXT_ID = 1;
    private static final int HISTORY = 512;
    private static final int VP8_MAX_PAYLOAD = Vp8Packetizer.MAX_PACKET - 12 - Vp8Packetizer.DESCRIPTOR;

    final boolean video;
    public final long ssrc;
    final int payloadType;
    private final int clockRate;
    private final long timestampBase = ThreadLocalRandom.current().nextLong(0x1_0000_0000L);
    private final long startNanos = System.nanoTime();
    private final byte[][] history = new byte[HISTORY][];
    private int seq = ThreadLocalRandom.current().nextInt(0x10000);
    private int pictureId = ThreadLocalRandom.current().nextInt(0x8000);
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
        long ts = timestampAt(now);
        int s = seq;
        ByteBuf b = header(alloc, 8 + OpusPacketizer.PAYLOAD, false, ts, true);
        b.writeShort(0xBEDE);
        b.writeShort(1);
        b.writeByte(AUDIO_LEVEL_EXT_ID << 4);
        b.writeByte(0x80 | 30);
        b.writeShort(0);
        b.writeByte(15 << 3); // TOC: CELT fullband 20 ms, mono, one frame
        MediaStamp.write(b, senderId, now, s, ts);
        b.writeZero(OpusPacketizer.PAYLOAD - 1 - MediaStamp.SIZE);
        keep(b);
        return b;
    }

    /** One VP8 frame of about {@code frameBytes}, as packets; the caller owns them. */
    List<ByteBuf> vp8Frame(ByteBufAllocator alloc, int frameBytes, boolean keyframe, int senderId, long now) {
        long ts = timestampAt(now);
        int vp8Header = keyframe ? Vp8Packetizer.KEY_HEADER : Vp8Packetizer.DELTA_HEADER;
        int total = Math.max(frameBytes, Vp8Packetizer.MIN_FRAME);
        int bodies = total - vp8Header;
        int perPacket = VP8_MAX_PAYLOAD - Vp8Packetizer.KEY_HEADER - 1;
        int packets = (bodies + perPacket - 1) / perPacket;
        int base = bodies / packets;
        int rem = bodies % packets;
        int pid = pictureId;
        pictureId = (pictureId + 1) & 0x7FFF;
        if (keyframe) {
            keyframes++;
        }
        List<ByteBuf> out = new ArrayList<>(packets);
        for (int i = 0; i < packets; i++) {
            boolean first = i == 0;
            int body = base + (i < rem ? 1 : 0);
            int s = seq;
            ByteBuf b = header(alloc, Vp8Packetizer.DESCRIPTOR + (first ? vp8Header : 0) + body, i == packets - 1,
                    ts, false);
            b.writeByte(0x80 | (first ? 0x10 : 0));
            b.writeByte(0x80);
            b.writeShort(0x8000 | pid);
            if (first) {
                int tag = (keyframe ? 0 : 1) | 0x10 | Math.min(total, (1 << 19) - 1) << 5;
                b.writeByte(tag);
                b.writeByte(tag >>> 8);
                b.writeByte(tag >>> 16);
                if (keyframe) {
                    b.writeByte(0x9d);
                    b.writeByte(0x01);
                    b.writeByte(0x2a);
                    b.writeShortLE(640);
                    b.writeShortLE(360);
                }
            }
            MediaStamp.write(b, senderId, now, s, ts);
            b.writeZero(body - MediaStamp.SIZE);
            keep(b);
            out.add(b);
        }
        return out;
    }

    private ByteBuf header(ByteBufAllocator alloc, int payload, boolean marker, long ts, boolean extension) {
        ByteBuf b = alloc.heapBuffer(12 + payload + SrtpSession.MAX_TRAILER);
        b.writeByte(extension ? 0x90 : 0x80);
        b.writeByte((marker ? 0x80 : 0) | payloadType);
        b.writeShort(seq);
        b.writeInt((int) ts);
        b.writeInt((int) ssrc);
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

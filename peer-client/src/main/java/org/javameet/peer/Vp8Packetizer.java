package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Synthetic VP8 over RTP (RFC 7741), shaped like what Chromium sends so the SFU treats it as real video:
 * each frame split into packets of at most {@link #MAX_PACKET} bytes, marker bit on a frame's last packet,
 * a payload descriptor with X=1, I=1 and a 15-bit PictureID on every packet, S=1 on a frame's first packet,
 * and there a VP8 payload header whose P bit is 0 on keyframes (with the keyframe start code and size), 1
 * otherwise. After the descriptor (and payload header) each packet carries a {@link MediaStamp}; the rest is
 * filler. Not thread-safe; one per stream.
 *
 * <p>RFC 7741 §4.2, the descriptor written here:
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |1|0|0|S|0|0 0 0|   X=1, S on the first packet, PID 0
 *      +-+-+-+-+-+-+-+-+
 *      |1|0|0|0|0 0 0 0|   I=1
 *      +-+-+-+-+-+-+-+-+
 *      |1| PictureID   |   M=1: 15-bit PictureID
 *      +-+-+-+-+-+-+-+-+
 *      |  PictureID    |
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Vp8Packetizer {
    /** Largest RTP packet (header included, SRTP tag not), the usual WebRTC MTU budget. */
    public static final int MAX_PACKET = 1200;
    public static final int DESCRIPTOR = 4;
    /** VP8 payload header (frame tag 3 bytes) plus, on keyframes, start code and dimensions (RFC 6386 §9.1). */
    public static final int KEY_HEADER = 10;
    public static final int DELTA_HEADER = 3;
    /** The smallest frame this writes: one packet with header and stamp. */
    public static final int MIN_FRAME = KEY_HEADER + MediaStamp.SIZE;

    private static final int MAX_PAYLOAD = MAX_PACKET - 12 - DESCRIPTOR;

    private final int width;
    private final int height;
    /** The simulcast layer its stamps name (0: the lowest, or no simulcast). */
    private final int layer;
    private int pictureId = ThreadLocalRandom.current().nextInt(0x8000);

    public Vp8Packetizer(int width, int height) {
        this(width, height, 0);
    }

    /** A packetizer for simulcast layer {@code layer} (0 the lowest), which its {@link MediaStamp}s name. */
    public Vp8Packetizer(int width, int height, int layer) {
        this.width = width;
        this.height = height;
        this.layer = layer;
    }

    public int pictureId() {
        return pictureId;
    }

    /** Sets the next frame's PictureID (tests of the 15-bit wrap). */
    void pictureId(int id) {
        pictureId = id & 0x7FFF;
    }

    /**
     * Writes one frame of about {@code frameBytes} VP8 bytes (at least {@link #MIN_FRAME}) as RTP packets on
     * {@code stream}, all with {@code timestamp}; the caller owns the returned buffers.
     */
    public List<ByteBuf> frame(RtpStream stream, ByteBufAllocator alloc, int frameBytes, boolean keyframe,
                               long timestamp, int senderId, long nowNanos) {
        int vp8Header = keyframe ? KEY_HEADER : DELTA_HEADER;
        int total = Math.max(frameBytes, MIN_FRAME);
        // every packet carries a stamp and filler ("body"), the first also the payload header; bodies are
        // spread evenly so no packet exceeds MAX_PACKET
        int bodies = total - vp8Header;
        int perPacket = MAX_PAYLOAD - KEY_HEADER - 1;
        int packets = (bodies + perPacket - 1) / perPacket;
        int base = bodies / packets;
        int rem = bodies % packets;
        List<ByteBuf> out = new ArrayList<>(packets);
        int pid = pictureId;
        pictureId = (pictureId + 1) & 0x7FFF;
        for (int i = 0; i < packets; i++) {
            boolean first = i == 0;
            boolean last = i == packets - 1;
            int body = base + (i < rem ? 1 : 0);
            int payload = DESCRIPTOR + (first ? vp8Header : 0) + body;
            int seq = stream.nextSequenceNumber();
            ByteBuf b = stream.newPacket(alloc, payload, last, timestamp, false);
            b.writeByte(0x80 | (first ? 0x10 : 0));
            b.writeByte(0x80);
            b.writeShort(0x8000 | pid);
            if (first) {
                writePayloadHeader(b, keyframe, total);
            }
            MediaStamp.write(b, senderId, nowNanos, seq, timestamp, layer);
            b.writeZero(body - MediaStamp.SIZE);
            out.add(b);
        }
        return out;
    }

    /**
     * Packetizes one real VP8 frame (RFC 7741 §4: the same 4-byte descriptor, S=1 on the first packet, the
     * marker on the last); no stamp, the bytes are the encoder's. The caller owns the returned buffers.
     */
    public List<ByteBuf> frame(RtpStream stream, ByteBufAllocator alloc, byte[] vp8, long timestamp) {
        int packets = Math.max(1, (vp8.length + MAX_PAYLOAD - DESCRIPTOR - 1) / (MAX_PAYLOAD - DESCRIPTOR));
        int per = (vp8.length + packets - 1) / packets;
        List<ByteBuf> out = new ArrayList<>(packets);
        int pid = pictureId;
        pictureId = (pictureId + 1) & 0x7FFF;
        for (int i = 0, off = 0; i < packets; i++, off += per) {
            int len = Math.min(per, vp8.length - off);
            ByteBuf b = stream.newPacket(alloc, DESCRIPTOR + len, i == packets - 1, timestamp, false);
            b.writeByte(0x80 | (i == 0 ? 0x10 : 0));
            b.writeByte(0x80);
            b.writeShort(0x8000 | pid);
            b.writeBytes(vp8, off, len);
            out.add(b);
        }
        return out;
    }

    /*
     * RFC 6386 §9.1 frame tag (little-endian 24 bits): bit 0 P (0 = key frame), bits 1-3 version, bit 4
     * show_frame, bits 5-23 first partition size. Keyframes go on with the start code 9d 01 2a and 14-bit
     * width and height (2 bits of scaling each), little-endian.
     */
    private void writePayloadHeader(ByteBuf b, boolean keyframe, int total) {
        int partition = Math.min(total, (1 << 19) - 1);
        int tag = (keyframe ? 0 : 1) | 0x10 | partition << 5;
        b.writeByte(tag);
        b.writeByte(tag >>> 8);
        b.writeByte(tag >>> 16);
        if (keyframe) {
            b.writeByte(0x9d);
            b.writeByte(0x01);
            b.writeByte(0x2a);
            b.writeShortLE(width & 0x3FFF);
            b.writeShortLE(height & 0x3FFF);
        }
    }

    /**
     * Where the {@link MediaStamp} of a received VP8 packet starts (absolute index), or -1. Works on the
     * SFU's rewritten packets as well: only the header length may differ.
     */
    public static int stampOffset(ByteBuf rtp) {
        int d = org.javameet.sfu.rtp.Vp8.descriptorLength(rtp);
        if (d < 0) {
            return -1;
        }
        int p = rtp.readerIndex() + org.javameet.sfu.rtp.RtpHeader.headerLength(rtp);
        if ((rtp.getUnsignedByte(p) & 0x10) != 0) {
            if (p + d >= rtp.writerIndex()) {
                return -1;
            }
            return p + d + ((rtp.getUnsignedByte(p + d) & 0x01) == 0 ? KEY_HEADER : DELTA_HEADER);
        }
        return p + d;
    }
}

package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * VP8 RTP packets as Chromium's simulcast encoder sends them (RFC 7741): a descriptor with a 15-bit PictureID,
 * TL0PICIDX and TID (X=1, I=1, M=1, L=1, T=1), then a one-packet frame: a keyframe carries the RFC 6386 start
 * code and its size. Public for the router's tests.
 */
public final class Vp8Packets {
    private Vp8Packets() {
    }

    /** A frame start (S=1, PID=0) on {@code ssrc}; {@code height} only matters for keyframes. */
    public static ByteBuf packet(long ssrc, int pt, int seq, long ts, int pictureId, int tl0PicIdx, int tid,
                                 boolean keyframe, int height) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(pt).writeShort(seq).writeInt((int) ts).writeInt((int) ssrc);
        writeDescriptorAndFrame(b, pictureId, tl0PicIdx, tid, keyframe, height);
        return b;
    }

    /** The payload of {@link #packet}, for callers writing their own header (extensions). */
    public static void writeDescriptorAndFrame(ByteBuf b, int pictureId, int tl0PicIdx, int tid, boolean keyframe,
                                               int height) {
        b.writeByte(0x90); // X=1, S=1, PID=0
        b.writeByte(0xE0); // I, L, T
        b.writeByte(0x80 | (pictureId >> 8) & 0x7F).writeByte(pictureId & 0xFF);
        b.writeByte(tl0PicIdx);
        b.writeByte(tid << 6 | (tid > 0 ? 0x20 : 0)); // Y set on the upper layers' frames
        if (keyframe) {
            int width = height * 16 / 9;
            b.writeByte(0x00).writeByte(0).writeByte(0); // P=0: a key frame; size bytes unused here
            b.writeByte(0x9d).writeByte(0x01).writeByte(0x2a);
            b.writeShortLE(width).writeShortLE(height);
        } else {
            b.writeByte(0x01).writeBytes(new byte[] {5, 5, 5});
        }
    }
}

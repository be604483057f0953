package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The one-pass descriptor agrees with {@link Vp8}'s accessors, whatever the descriptor carries. */
class Vp8DescriptorTest {

    /** A packet with a CSRC and a header extension in front, so offsets are not the plain 12. */
    private static ByteBuf packet(byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x91).writeByte(96).writeShort(1).writeInt(2).writeInt(3).writeInt(4); // X=1, CC=1
        b.writeShort(0xBEDE).writeShort(1).writeByte(0x10).writeByte(7).writeShort(0); // one element, padded
        b.writeBytes(payload);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "90e0812c0760009d012a", // I (15-bit 300), L (7), T (TID 1, Y), keyframe start code
        "90e0812c07600100",     // the same, a delta frame
        "9080050000",           // I with a 7-bit PictureID 5 only
        "904009",               // L only: TL0PICIDX 9... and the frame byte
        "1000",                 // no X: the plain descriptor of a keyframe start
        "0001",                 // not a frame start
        "90a0804000",           // I (15-bit), T without L
    })
    void agreesWithTheAccessors(String hex) {
        ByteBuf p = packet(io.netty.buffer.ByteBufUtil.decodeHexDump(hex));
        long info = Vp8Descriptor.parse(p);
        assertEquals(RtpHeader.headerLength(p), Vp8Descriptor.payloadOffset(info));
        assertEquals(Vp8.pictureId(p), Vp8Descriptor.hasPictureId(info) ? Vp8Descriptor.pictureId(info) : -1);
        assertEquals(Vp8.hasLongPictureId(p), Vp8Descriptor.hasPictureId(info) && Vp8Descriptor.longPictureId(info));
        assertEquals(Vp8.tl0PicIdx(p), Vp8Descriptor.hasTl0PicIdx(info) ? Vp8Descriptor.tl0PicIdx(info) : -1);
        assertEquals(Vp8.temporalLayerId(p), Vp8Descriptor.temporalLayerId(info));
        assertEquals(Vp8.isKeyframe(p), Vp8Descriptor.isKeyframe(info));
        if (Vp8Descriptor.hasPictureId(info)) {
            assertEquals(Vp8.pictureIdOffset(p), Vp8Descriptor.pictureIdOffset(info));
        }
        p.release();
    }

    @Test
    void aTruncatedDescriptorIsInvalid() {
        ByteBuf p = packet(new byte[] {(byte) 0x90, (byte) 0xE0, (byte) 0x81});
        assertEquals(Vp8Descriptor.INVALID, Vp8Descriptor.parse(p));
        assertFalse(Vp8Descriptor.isKeyframe(Vp8Descriptor.INVALID));
        assertEquals(-1, Vp8Descriptor.temporalLayerId(Vp8Descriptor.INVALID));
        p.release();
        ByteBuf q = Vp8Packets.packet(1, 96, 1, 1, 4000, 5, 2, true, 720);
        assertTrue(Vp8Descriptor.isKeyframe(Vp8Descriptor.parse(q)));
        assertEquals(720, Vp8.keyframeDimensions(q) & 0xFFFF);
        q.release();
    }
}

package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.javameet.sfu.rtp.RtpHeader;
import org.junit.jupiter.api.Test;

/** RFC 4588 §4 wrapping (towards subscribers) and unwrapping (from publishers) are inverses. */
class RtxPacketTest {
    private static ByteBuf media(int seq, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(0x80 | 96).writeShort(seq).writeInt(90_000).writeInt(0x11223344);
        b.writeBytes(payload);
        return b;
    }

    @Test
    void wrapThenUnwrapRestoresThePacket() {
        byte[] payload = {1, 2, 3, 4, 5, 6, 7};
        ByteBuf original = media(4242, payload);
        ByteBuf rtx = RtxPacket.wrap(UnpooledByteBufAllocator.DEFAULT, original, 4242, 7, 97, 0x55667788L, 0, 0);
        assertEquals(97, RtpHeader.payloadType(rtx));
        assertEquals(7, RtpHeader.sequenceNumber(rtx));
        assertEquals(0x55667788L, RtpHeader.ssrc(rtx));
        assertEquals(4242, rtx.getUnsignedShort(12), "OSN first");

        ByteBuf restored = RtxPacket.unwrap(UnpooledByteBufAllocator.DEFAULT, rtx, 0x11223344L, 96);
        assertEquals(ByteBufUtil.hexDump(original), ByteBufUtil.hexDump(restored));
        original.release();
        rtx.release();
        restored.release();
    }

    @Test
    void paddingOnlyProbeHasNoPacket() {
        ByteBuf probe = Unpooled.buffer();
        probe.writeByte(0xA0).writeByte(97).writeShort(1).writeInt(0).writeInt(5);
        probe.writeZero(3).writeByte(4); // 4 bytes of padding, nothing else
        assertNull(RtxPacket.unwrap(UnpooledByteBufAllocator.DEFAULT, probe, 1, 96));
        probe.release();
    }
}

package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Jazzer fuzzing of every RTP-side reader: no exception, no read outside the packet, consistent sizes, and a valid
 * packet survives the forwarding copy. CI runs the committed corpus (RtpFuzzTestInputs/) as regression tests.
 */
class RtpFuzzTest {
    /** Leak detection off for the copies made here; each is released right away. */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    @FuzzTest(maxDuration = "10m")
    void rtpPacket(byte[] data) {
        ByteBuf p = FuzzInput.wrap(data);
        try {
            PacketKind.isStun(p);
            PacketKind.isDtls(p);
            PacketKind.isRtcp(p);
            PacketKind.isRtp(p);
            int len = p.readableBytes();
            HeaderExtensions.forEach(p, (id, off, dataLen) -> assertTrue(off >= 12 && off + dataLen <= len));
            for (int id = 1; id <= 14; id++) {
                HeaderExtensions.find(p, id);
            }
            Vp8.isKeyframe(p);
            Vp8.pictureId(p);
            Vp8.isStartOfFrame(p);
            if (RtpHeader.check(p) != null) {
                return;
            }
            int hl = RtpHeader.headerLength(p);
            int pl = RtpHeader.payloadLength(p);
            assertTrue(hl <= len && pl >= 0 && hl + pl + RtpHeader.paddingLength(p) == len);
            ByteBuf copy = RtpRewriter.copyWithExtensions(ALLOC, p, new int[] {1, 2, 3, 200}, new int[] {3, 15, 1, 7}, 10);
            try {
                assertNull(RtpHeader.check(copy));
                assertEquals(RtpHeader.ssrc(p), RtpHeader.ssrc(copy));
                assertArrayEquals(ByteBufUtil.getBytes(p, p.readerIndex() + hl, pl),
                        ByteBufUtil.getBytes(copy, RtpHeader.headerLength(copy), RtpHeader.payloadLength(copy)));
                assertTrue(copy.writableBytes() >= 10);
            } finally {
                copy.release();
            }
        } finally {
            p.release();
        }
    }
}

package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeded fuzzing of every RTP-side reader: no exception, no read outside the packet, consistent sizes. */
class RtpFuzzTest {
    /** Leak detection off for the 20k copies made here; each is released right away. */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    private static final List<String> SEEDS = List.of(
            RtpHeaderTest.CHROMIUM_OPUS,
            "906f1234 0001e240 11223344 10000003 0700 00 c803 aabbcc 0102 dddd cafe",
            "b1e0 0001 00000002 00000003 cccccccc bede0001 2100 0700 0102 0002",
            "90e00001 00000000 00000001 bede0001 10010000 90 f0 ff fe 07 40 502f009d012a",
            "80e00001 00000000 00000001 90 80 05 502f009d012a");

    @Test
    void twentyThousandMutatedPackets() {
        Mutator m = new Mutator(0x5EED, SEEDS);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            ByteBuf p = m.wrap(m.next());
            try {
                PacketKind.isStun(p);
                PacketKind.isDtls(p);
                PacketKind.isRtcp(p);
                PacketKind.isRtp(p);
                int len = p.readableBytes();
                HeaderExtensions.forEach(p, (id, off, dataLen) -> assertTrue(off >= 12 && off + dataLen <= len));
                HeaderExtensions.find(p, 1 + m.random().nextInt(14));
                Vp8.isKeyframe(p);
                Vp8.pictureId(p);
                Vp8.isStartOfFrame(p);
                if (RtpHeader.check(p) != null) {
                    continue;
                }
                valid++;
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
        assertTrue(valid > 2_000, "the mutator must keep enough packets valid to reach the deep paths: " + valid);
    }
}

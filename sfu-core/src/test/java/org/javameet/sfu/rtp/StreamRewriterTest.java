package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** Continuity of one outgoing stream across source switches, left-out packets and every field's wrap-around. */
class StreamRewriterTest {
    private static final long MS = 1_000_000L;
    private final StreamRewriter rewriter = new StreamRewriter(90000, true);

    /** What went out for one packet. */
    private record Out(int seq, long ts, int pictureId, int tl0) {
    }

    private Out send(int source, ByteBuf p, long nowNanos) {
        if (rewriter.source() != source) {
            rewriter.switchSource(source, p, nowNanos);
        }
        assertTrue(rewriter.rewrite(p, nowNanos));
        Out o = new Out(RtpHeader.sequenceNumber(p), RtpHeader.timestamp(p), Vp8.pictureId(p), Vp8.tl0PicIdx(p));
        p.release();
        return o;
    }

    @Test
    void sequenceNumbersTimestampsPictureIdsAndTl0ContinueAcrossALayerSwitch() {
        Out last = null;
        for (int i = 0; i < 5; i++) { // the low layer, across its own sequence number and PictureID wraps
            Out o = send(0, Vp8Packets.packet(1, 96, (65533 + i) & 0xFFFF, 1000 + 3000L * i, (32766 + i) & 0x7FFF,
                    (250 + i) & 0xFF, 0, i == 0, 180), i * 33 * MS);
            if (last != null) {
                assertEquals((last.seq() + 1) & 0xFFFF, o.seq());
                assertEquals((last.pictureId() + 1) & 0x7FFF, o.pictureId());
            }
            last = o;
        }
        // the high layer: unrelated sequence numbers, timestamps, PictureIDs, TL0PICIDX; a keyframe 33 ms later
        Out first = send(2, Vp8Packets.packet(2, 96, 100, 77_000_000L, 5000, 17, 0, true, 720), 5 * 33 * MS);
        assertEquals((last.seq() + 1) & 0xFFFF, first.seq());
        assertEquals((last.ts() + 33 * 90) & 0xFFFFFFFFL, first.ts(), "timestamp advanced by the wall time elapsed (33 ms at 90 kHz)");
        assertEquals((last.pictureId() + 1) & 0x7FFF, first.pictureId());
        assertEquals((last.tl0() + 1) & 0xFF, first.tl0(), "a keyframe is a new temporal-layer-0 picture");

        Out next = send(2, Vp8Packets.packet(2, 96, 101, 77_003_000L, 5001, 17, 2, false, 0), 6 * 33 * MS);
        assertEquals((first.seq() + 1) & 0xFFFF, next.seq());
        assertEquals((first.ts() + 3000) & 0xFFFFFFFFL, next.ts(), "within a source, timestamps keep their spacing");
        assertEquals((first.pictureId() + 1) & 0x7FFF, next.pictureId());
        assertEquals(first.tl0(), next.tl0());
    }

    @Test
    void valuesWrapAroundAtTheirWidths() {
        Out a = send(0, Vp8Packets.packet(1, 96, 65535, 0xFFFFFFFFL - 1000, 0x7FFF, 255, 0, true, 180), 0);
        Out b = send(0, Vp8Packets.packet(1, 96, 0, 2000, 0, 0, 0, false, 0), 33 * MS);
        assertEquals((a.seq() + 1) & 0xFFFF, b.seq());
        assertEquals((a.ts() + 3001) & 0xFFFFFFFFL, b.ts());
        assertEquals((a.pictureId() + 1) & 0x7FFF, b.pictureId());
        assertEquals((a.tl0() + 1) & 0xFF, b.tl0());
        // and a switch whose new deltas cross the wrap
        Out c = send(1, Vp8Packets.packet(3, 96, 40000, 5, 3, 9, 0, true, 360), 66 * MS);
        assertEquals((b.seq() + 1) & 0xFFFF, c.seq());
        assertEquals((b.ts() + 33 * 90) & 0xFFFFFFFFL, c.ts());
        assertEquals((b.pictureId() + 1) & 0x7FFF, c.pictureId());
        assertEquals((b.tl0() + 1) & 0xFF, c.tl0());
    }

    @Test
    void leftOutTemporalLayerFramesLeaveNoGapInSequenceNumbersOrPictureIds() {
        // L1T3: TIDs 0 2 1 2 0; frames of TID 2 left out
        int[] tids = {0, 2, 1, 2, 0};
        Out prev = null;
        for (int i = 0; i < tids.length; i++) {
            ByteBuf p = Vp8Packets.packet(1, 96, 10 + i, 3000L * i, 700 + i, 40 + (i == 4 ? 1 : 0), tids[i], i == 0, 180);
            if (i == 0) {
                rewriter.switchSource(0, p, 0);
            }
            if (tids[i] == 2) {
                rewriter.skip(p);
                p.release();
                continue;
            }
            assertTrue(rewriter.rewrite(p, i * 33 * MS));
            Out o = new Out(RtpHeader.sequenceNumber(p), RtpHeader.timestamp(p), Vp8.pictureId(p), Vp8.tl0PicIdx(p));
            p.release();
            if (prev != null) {
                assertEquals((prev.seq() + 1) & 0xFFFF, o.seq(), "no gap for the receiver to NACK");
                assertEquals((prev.pictureId() + 1) & 0x7FFF, o.pictureId(), "no missing picture to wait for");
            }
            prev = o;
        }
        // a late packet from before the skip would land on a number already given: refused
        ByteBuf late = Vp8Packets.packet(1, 96, 11, 3000, 701, 40, 2, false, 0);
        assertFalse(rewriter.rewrite(late, 200 * MS));
        late.release();
    }

    @Test
    void aRetransmissionCarriesTheValuesItWasFirstSentWithEvenAfterASwitch() {
        Out a = send(0, Vp8Packets.packet(1, 96, 500, 9000, 100, 3, 0, true, 180), 0);
        send(0, Vp8Packets.packet(1, 96, 501, 12000, 101, 3, 1, false, 0), 33 * MS);
        send(2, Vp8Packets.packet(2, 96, 7, 123456, 9000, 77, 0, true, 720), 66 * MS);

        assertEquals(0L << 16 | 500, rewriter.sentAs(a.seq()), "source 0, incoming 500");
        ByteBuf copy = Vp8Packets.packet(1, 96, 500, 9000, 100, 3, 0, true, 180);
        assertTrue(rewriter.rewriteRetransmission(copy, a.seq()));
        assertEquals(a, new Out(RtpHeader.sequenceNumber(copy), RtpHeader.timestamp(copy), Vp8.pictureId(copy),
                Vp8.tl0PicIdx(copy)));
        copy.release();
        assertEquals(-1, rewriter.sentAs((a.seq() + 100) & 0xFFFF), "never sent");
    }

    @Test
    void audioWithoutVp8FieldsContinuesToo() {
        StreamRewriter audio = new StreamRewriter(48000, false);
        ByteBuf p = RtpPackets.plain(111, 65535, 1000);
        audio.switchSource(0, p, 0);
        assertTrue(audio.rewrite(p, 0));
        int seq = RtpHeader.sequenceNumber(p);
        p.release();
        ByteBuf q = RtpPackets.plain(111, 0, 1960);
        assertTrue(audio.rewrite(q, 20 * MS));
        assertEquals((seq + 1) & 0xFFFF, RtpHeader.sequenceNumber(q));
        q.release();

        // an Opus payload that happens to look like a VP8 descriptor is left as it is
        ByteBuf looksLikeVp8 = Vp8Packets.packet(1, 111, 1, 2920, 1234, 56, 0, false, 0);
        byte[] payload = io.netty.buffer.ByteBufUtil.getBytes(looksLikeVp8, 12, looksLikeVp8.readableBytes() - 12);
        assertTrue(audio.rewrite(looksLikeVp8, 40 * MS));
        assertEquals(java.util.Arrays.toString(payload), java.util.Arrays.toString(
                io.netty.buffer.ByteBufUtil.getBytes(looksLikeVp8, 12, looksLikeVp8.readableBytes() - 12)));
        looksLikeVp8.release();
    }
}

package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.javameet.sfu.rtp.HeaderExtensions;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.Test;

/** Opus packets, retransmissions and the receiver's sequence accounting. */
class MediaShapesTest {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @Test
    void opusPacketCarriesAudioLevelAndStamp() {
        OutboundStream s = new OutboundStream(MediaKind.AUDIO, 77, 111, 0, -1, 48000);
        ByteBuf p = new OpusPacketizer(1).packet(s, ALLOC, 960, 30, true, 9, 555);
        try {
            assertNull(RtpHeader.check(p));
            assertEquals(111, RtpHeader.payloadType(p));
            assertEquals(OpusPacketizer.PAYLOAD, RtpHeader.payloadLength(p));
            long loc = HeaderExtensions.find(p, 1);
            assertTrue(loc >= 0);
            assertEquals(1, HeaderExtensions.lengthOf(loc));
            assertEquals(0x80 | 30, p.getUnsignedByte(p.readerIndex() + HeaderExtensions.offsetOf(loc)));
            MediaStamp m = MediaStamp.read(p, OpusPacketizer.stampOffset(p));
            assertNotNull(m);
            assertEquals(9, m.senderId());
            assertEquals(555, m.sendNanos());
            assertEquals(960, m.originalTimestamp());
        } finally {
            p.release();
        }
    }

    @Test
    void nackedPacketComesBackAsRtxWithItsOriginalSequenceNumber() {
        OutboundStream s = new OutboundStream(MediaKind.VIDEO, 100, 96, 200, 97, 90000);
        List<ByteBuf> frame = new Vp8Packetizer(64, 64).frame(s, ALLOC, 3000, true, 1234, 1, 2);
        int seq = RtpHeader.sequenceNumber(frame.get(1));
        byte[] originalPayload = new byte[RtpHeader.payloadLength(frame.get(1))];
        frame.get(1).getBytes(frame.get(1).readerIndex() + RtpHeader.headerLength(frame.get(1)), originalPayload);
        for (ByteBuf b : frame) {
            s.sent(b);
            b.release();
        }
        ByteBuf rtx = s.retransmission(ALLOC, seq);
        try {
            assertNotNull(rtx);
            assertEquals(97, RtpHeader.payloadType(rtx));
            assertEquals(200, RtpHeader.ssrc(rtx));
            assertEquals(1234, RtpHeader.timestamp(rtx));
            int at = rtx.readerIndex() + RtpHeader.headerLength(rtx);
            assertEquals(seq, rtx.getUnsignedShort(at));
            byte[] payload = new byte[rtx.writerIndex() - at - 2];
            rtx.getBytes(at + 2, payload);
            assertArrayEquals(originalPayload, payload);
        } finally {
            rtx.release();
        }
        assertNull(s.retransmission(ALLOC, (seq + 100) & 0xFFFF), "never sent");
    }

    @Test
    void receiverNacksGapsAndCountsRecovery() {
        OutboundStream s = new OutboundStream(MediaKind.AUDIO, 5, 111, 0, -1, 48000);
        s.seq = 65533; // across the wrap
        OpusPacketizer opus = new OpusPacketizer(1);
        InboundTrack t = new InboundTrack(new ClientSdp.OfferedTrack("0", MediaKind.AUDIO, true, 5, 0, "p", "p-a",
                List.of(ClientSdp.OPUS)), new MeasurementWindow());
        ByteBuf[] ps = new ByteBuf[6];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = opus.packet(s, ALLOC, i * 960L, 0, true, 3, System.nanoTime());
        }
        try {
            assertNull(t.onMedia(ps[0], System.nanoTime(), 3).nack());
            assertNull(t.onMedia(ps[1], System.nanoTime(), 3).nack());
            InboundTrack.Reaction r = t.onMedia(ps[4], System.nanoTime(), 3);
            assertArrayEquals(new int[] {65535, 0}, r.nack());
            assertEquals(2, t.lost());
            t.onMedia(ps[2], System.nanoTime(), 3); // late arrival fills one gap
            assertEquals(1, t.lost());
            t.onMedia(ps[2], System.nanoTime(), 3);
            t.onMedia(ps[5], System.nanoTime(), 3);
            RemoteTrackStats st = t.snapshot();
            assertEquals(1, st.lost());
            assertEquals(1, st.duplicates());
            assertEquals(1, st.outOfOrder());
            assertEquals(6, st.packets());
            assertEquals(0, st.offsetChanges());
            assertEquals(0, st.unknownSenderIds());
            assertEquals(5, st.latencyNanos().length, "latency of delivered packets only");
            assertEquals(6, st.windowArrivals());
            assertEquals(5, st.windowDelivered(), "the duplicate is not delivered twice");
            assertEquals(2, st.windowRetransmissions(), "the late packet and the duplicate");
        } finally {
            for (ByteBuf b : ps) {
                b.release();
            }
        }
    }

    /**
     * The load harness's counting rules: only packets stamped inside the window count, whenever they arrive;
     * an RTX packet that repairs a gap is delivered once and is a retransmission, as a same-SSRC resend is.
     */
    @Test
    void windowCountsPacketsSentInsideItAndRetransmissionsAlike() {
        MeasurementWindow window = new MeasurementWindow();
        window.set(1_000, 2_000);
        OutboundStream s = new OutboundStream(MediaKind.VIDEO, 7, 96, 8, 97, 90000);
        Vp8Packetizer vp8 = new Vp8Packetizer(640, 360);
        InboundTrack t = new InboundTrack(new ClientSdp.OfferedTrack("1", MediaKind.VIDEO, true, 7, 8, "p", "p-v",
                List.of(ClientSdp.VP8, ClientSdp.VP8_RTX)), window);
        long[] sendTimes = {500, 1_000, 1_500, 1_600, 1_999, 2_000};
        java.util.List<ByteBuf> sent = new java.util.ArrayList<>();
        for (long at : sendTimes) {
            ByteBuf p = vp8.frame(s, ALLOC, 300, at == 500, at, 3, at).get(0);
            s.sent(p);
            sent.add(p);
        }
        try {
            for (int i : new int[] {0, 1, 3, 4, 5}) { // the packet sent at 1_500 is lost
                t.onMedia(sent.get(i), 10_000, 3);
            }
            ByteBuf rtx = s.retransmission(ALLOC, RtpHeader.sequenceNumber(sent.get(2)));
            t.onRtx(rtx);
            rtx.release();
            ByteBuf again = s.retransmission(ALLOC, RtpHeader.sequenceNumber(sent.get(2)));
            t.onRtx(again); // a second repair of the same packet: a retransmission, not delivered again
            again.release();
            RemoteTrackStats st = t.snapshot();
            assertEquals(5, st.windowArrivals(), "1_000, 1_600, 1_999 and the two RTX copies of 1_500");
            assertEquals(4, st.windowDelivered(), "1_000, 1_500 (repaired), 1_600, 1_999");
            assertEquals(2, st.windowRetransmissions());
            assertEquals(0, st.lost());
            assertEquals(4, st.latencyNanos().length);
        } finally {
            for (ByteBuf b : sent) {
                b.release();
            }
        }
    }

    /**
     * A keyframe whose first packet (the one that announces its size) was lost and repaired by RTX is a keyframe
     * received, as a decoder sees it: the size switches to it. A late repair of an older keyframe does not take the
     * size back.
     */
    @Test
    void aKeyframeRepairedByRtxCountsAndALateOlderOneDoesNotTakeTheSizeBack() {
        OutboundStream s = new OutboundStream(MediaKind.VIDEO, 7, 96, 8, 97, 90000);
        Vp8Packetizer large = new Vp8Packetizer(640, 360);
        Vp8Packetizer small = new Vp8Packetizer(320, 180);
        InboundTrack t = new InboundTrack(new ClientSdp.OfferedTrack("1", MediaKind.VIDEO, true, 7, 8, "p", "p-v",
                List.of(ClientSdp.VP8, ClientSdp.VP8_RTX)), new MeasurementWindow());
        java.util.List<ByteBuf> sent = new java.util.ArrayList<>();
        try {
            ByteBuf start = large.frame(s, ALLOC, 300, false, 0, 3, 0).get(0); // a delta frame arrives
            s.sent(start);
            sent.add(start);
            t.onMedia(start, 5, 3);
            ByteBuf first = large.frame(s, ALLOC, 300, true, 3000, 3, 1).get(0); // 360p, lost
            s.sent(first);
            sent.add(first);
            ByteBuf second = small.frame(s, ALLOC, 300, true, 6000, 3, 2).get(0); // 180p, lost too
            s.sent(second);
            sent.add(second);
            ByteBuf third = small.frame(s, ALLOC, 300, false, 9000, 3, 3).get(0); // a delta frame arrives
            s.sent(third);
            sent.add(third);
            t.onMedia(third, 10, 3);
            assertEquals(0, t.snapshot().keyframeHeight(), "no keyframe yet");

            ByteBuf repair = s.retransmission(ALLOC, RtpHeader.sequenceNumber(second));
            t.onRtx(repair);
            repair.release();
            assertEquals(180, t.snapshot().keyframeHeight(), "the 180p keyframe, repaired");

            ByteBuf late = s.retransmission(ALLOC, RtpHeader.sequenceNumber(first));
            t.onRtx(late);
            late.release();
            assertEquals(180, t.snapshot().keyframeHeight(), "an older keyframe repaired late does not count as newer");
        } finally {
            for (ByteBuf b : sent) {
                b.release();
            }
        }
    }
}

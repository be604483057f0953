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
                List.of(ClientSdp.OPUS)));
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
            assertEquals(6, st.latencyNanos().length);
        } finally {
            for (ByteBuf b : ps) {
                b.release();
            }
        }
    }
}

package org.javameet.bench.load.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.javameet.peer.MediaStamp;
import org.javameet.peer.OpusPacketizer;
import org.javameet.peer.Vp8Packetizer;
import org.javameet.sfu.rtp.HeaderExtensions;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.junit.jupiter.api.Test;

/** The harness's streams send what peer-client's packetizers write, on their own SSRC and sequence numbers. */
class SyntheticStreamTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void aKeyframeIsSplitIntoStampedPacketsWithTheMarkerOnTheLast() {
        SyntheticStream s = new SyntheticStream(true, 0x1234L);
        List<ByteBuf> frame = s.vp8Frame(ALLOC, 5000, true, 7, 1_000L);
        try {
            assertTrue(frame.size() > 1);
            assertTrue(Vp8.isKeyframe(frame.get(0)));
            int first = RtpHeader.sequenceNumber(frame.get(0));
            for (int i = 0; i < frame.size(); i++) {
                ByteBuf p = frame.get(i);
                assertEquals(0x1234L, RtpHeader.ssrc(p));
                assertEquals(SyntheticStream.VP8_PT, RtpHeader.payloadType(p));
                assertEquals((first + i) & 0xFFFF, RtpHeader.sequenceNumber(p));
                assertEquals(i == frame.size() - 1, RtpHeader.marker(p));
                assertTrue(p.readableBytes() <= Vp8Packetizer.MAX_PACKET);
                MediaStamp stamp = MediaStamp.read(p, Vp8Packetizer.stampOffset(p));
                assertNotNull(stamp);
                assertEquals(7, stamp.senderId());
                assertEquals(RtpHeader.sequenceNumber(p), stamp.originalSeq());
            }
            assertEquals(1, s.keyframes);
            assertEquals(frame.size(), s.packetsSent);

            ByteBuf again = s.retransmission(ALLOC, RtpHeader.sequenceNumber(frame.get(1)));
            assertArrayEquals(ByteBufUtil.getBytes(frame.get(1)), ByteBufUtil.getBytes(again));
            again.release();
            assertEquals(1, s.retransmissionsSent);
        } finally {
            frame.forEach(ByteBuf::release);
        }
    }

    @Test
    void opusCarriesTheAudioLevelAndAStamp() {
        SyntheticStream s = new SyntheticStream(false, 0x99L);
        ByteBuf p = s.opus(ALLOC, 3, 1_000L);
        try {
            assertEquals(SyntheticStream.OPUS_PT, RtpHeader.payloadType(p));
            assertFalse(RtpHeader.marker(p));
            assertTrue(HeaderExtensions.find(p, SyntheticStream.AUDIO_LEVEL_EXT_ID) >= 0);
            assertEquals(3, MediaStamp.read(p, OpusPacketizer.stampOffset(p)).senderId());
        } finally {
            p.release();
        }
    }
}

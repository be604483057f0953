package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Vp8PacketizerTest {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @ParameterizedTest
    @ValueSource(ints = {1, 30, 500, 1174, 1175, 2500, 7500, 60_000})
    void framesSplitIntoMarkedPacketsSfuCoreRecognises(int frameBytes) {
        OutboundStream s = new OutboundStream(MediaKind.VIDEO, 0x1234, 96, 0x5678, 97, 90000);
        Vp8Packetizer p = new Vp8Packetizer(640, 360);
        for (boolean key : new boolean[] {true, false}) {
            int firstSeq = s.seq;
            int pid = p.pictureId();
            List<ByteBuf> packets = p.frame(s, ALLOC, frameBytes, key, 90_000, 42, 123_456_789L);
            try {
                int payload = 0;
                for (int i = 0; i < packets.size(); i++) {
                    ByteBuf b = packets.get(i);
                    boolean first = i == 0;
                    boolean last = i == packets.size() - 1;
                    assertTrue(b.readableBytes() <= Vp8Packetizer.MAX_PACKET, "packet " + i + ": " + b.readableBytes());
                    assertEquals(null, RtpHeader.check(b));
                    assertEquals(96, RtpHeader.payloadType(b));
                    assertEquals(0x1234, RtpHeader.ssrc(b));
                    assertEquals(90_000, RtpHeader.timestamp(b));
                    assertEquals((firstSeq + i) & 0xFFFF, RtpHeader.sequenceNumber(b));
                    assertEquals(last, RtpHeader.marker(b), "marker on the last packet only");
                    assertEquals(first, Vp8.isStartOfFrame(b));
                    assertEquals(first && key, Vp8.isKeyframe(b), "keyframe flag on packet " + i);
                    assertEquals(4, Vp8.descriptorLength(b));
                    assertEquals(pid, Vp8.pictureId(b));
                    MediaStamp stamp = MediaStamp.read(b, Vp8Packetizer.stampOffset(b));
                    assertNotNull(stamp);
                    assertEquals(42, stamp.senderId());
                    assertEquals(123_456_789L, stamp.sendNanos());
                    assertEquals(RtpHeader.sequenceNumber(b), stamp.originalSeq());
                    assertEquals(90_000, stamp.originalTimestamp());
                    payload += RtpHeader.payloadLength(b) - 4;
                }
                assertEquals(Math.max(frameBytes, Vp8Packetizer.MIN_FRAME), payload, "VP8 bytes of the frame");
                assertEquals((pid + 1) & 0x7FFF, p.pictureId());
            } finally {
                packets.forEach(ByteBuf::release);
            }
        }
    }

    @Test
    void pictureIdWrapsAt15Bits() {
        OutboundStream s = new OutboundStream(MediaKind.VIDEO, 1, 96, 0, -1, 90000);
        Vp8Packetizer p = new Vp8Packetizer(320, 180);
        p.pictureId(0x7FFD);
        for (int i = 0; i < 5; i++) {
            int before = p.pictureId();
            List<ByteBuf> packets = p.frame(s, ALLOC, 100, false, 0, 1, 0);
            packets.forEach(ByteBuf::release);
            assertEquals((before + 1) & 0x7FFF, p.pictureId());
            assertFalse(p.pictureId() > 0x7FFF);
        }
    }
}

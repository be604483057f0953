package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.sfu.webm.WebmWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From RTP to a file, as a recorder does it: real VP8 frames (from ffmpeg) packetized per RFC 7741 into
 * 1,000-byte RTP packets, reassembled by {@link Vp8Depacketizer}, timed by {@link RtpClock}, written with
 * {@link WebmWriter}; ffmpeg must decode the result without an error, also when packets were lost (the frames
 * until the next keyframe are dropped, not written broken).
 */
class RtpToWebmTest {
    @TempDir
    static Path dir;
    private static List<TestMedia.Frame> video;

    @BeforeAll
    static void media() throws Exception {
        video = TestMedia.vp8(dir, 4.0);
    }

    /** RFC 7741 packetization: a 1-byte descriptor (S on the first packet, PID 0), marker on the last. */
    static List<ByteBuf> packetize(List<TestMedia.Frame> frames) {
        List<ByteBuf> packets = new ArrayList<>();
        int seq = 65_000; // wraps during the test
        for (TestMedia.Frame f : frames) {
            long ts = (0xFFFF0000L + f.timestampMs() * 90) & 0xFFFFFFFFL; // 90 kHz, wrapping too
            for (int off = 0; off < f.data().length; off += 1000) {
                int len = Math.min(1000, f.data().length - off);
                boolean last = off + len == f.data().length;
                ByteBuf b = Unpooled.buffer(12 + 1 + len);
                b.writeByte(0x80).writeByte((last ? 0x80 : 0) | 96).writeShort(seq++ & 0xFFFF)
                        .writeInt((int) ts).writeInt(0x12345678);
                b.writeByte(off == 0 ? 0x10 : 0x00);
                b.writeBytes(f.data(), off, len);
                packets.add(b);
            }
        }
        return packets;
    }

    @Test
    void framesComeOutWhole() {
        List<ByteBuf> packets = packetize(video);
        Vp8Depacketizer d = new Vp8Depacketizer();
        List<Vp8Depacketizer.Frame> out = new ArrayList<>();
        for (ByteBuf p : packets) {
            Vp8Depacketizer.Frame f = d.push(p);
            p.release();
            if (f != null) {
                out.add(f);
            }
        }
        assertEquals(video.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(video.get(i).data(), out.get(i).data(), "frame " + i);
            assertEquals(video.get(i).keyframe(), out.get(i).keyframe(), "frame " + i);
        }
        assertEquals(0, d.framesDropped());
    }

    @Test
    void aLostPacketDropsFramesUntilTheNextKeyframeAndTheFileStillDecodesCleanly() throws Exception {
        List<ByteBuf> packets = packetize(video);
        // lose one packet of the 20th frame: frames 20..29 (up to the keyframe at 30, -g 15) must not be written
        int lost = -1;
        int frameNo = -1;
        for (int i = 0; i < packets.size(); i++) {
            if ((packets.get(i).getByte(12) & 0x10) != 0) {
                frameNo++;
            }
            if (frameNo == 20) {
                lost = i;
                break;
            }
        }
        Vp8Depacketizer d = new Vp8Depacketizer();
        RtpClock clock = new RtpClock(90_000);
        Path file = dir.resolve("lossy.webm");
        int written = 0;
        try (OutputStream o = Files.newOutputStream(file);
             WebmWriter w = new WebmWriter(o, List.of(WebmWriter.Track.vp8(1, "camera", 320, 240)), "RtpToWebmTest")) {
            for (int i = 0; i < packets.size(); i++) {
                ByteBuf p = packets.get(i);
                Vp8Depacketizer.Frame f = i == lost ? null : d.push(p);
                p.release();
                if (f != null) {
                    w.writeFrame(1, clock.toMillis(f.rtpTimestamp()), f.keyframe(), f.data(), 0, f.data().length);
                    written++;
                }
            }
        }
        assertEquals(video.size() - 10, written, "frames 20..29 dropped, the rest written");
        assertEquals(10, d.framesDropped(), "counted as lost");
        assertEquals(0, d.framesBeforeFirstKeyframe());
        assertEquals("", TestMedia.runErrors("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-"),
                "no decode errors: nothing broken was written");
        assertEquals(written, TestMedia.decodedVideoFrames(file));
    }

    @Test
    void joiningBetweenKeyframesIsNotCountedAsLoss() {
        List<ByteBuf> packets = packetize(video);
        // start at frame 5 (keyframes at 0, 15, 30: -g 15), after a stray last packet of frame 4
        int frameNo = -1;
        int first = -1;
        for (int i = 0; i < packets.size() && first < 0; i++) {
            if ((packets.get(i).getByte(12) & 0x10) != 0 && ++frameNo == 5) {
                first = i;
            }
        }
        Vp8Depacketizer d = new Vp8Depacketizer();
        ByteBuf stray = Unpooled.buffer(); // a marker packet whose frame start the recorder never saw
        stray.writeByte(0x80).writeByte(0x80 | 96).writeShort(RtpHeader.sequenceNumber(packets.get(first)) - 1)
                .writeInt(1).writeInt(0x12345678).writeByte(0x00).writeByte(1);
        assertNull(d.push(stray));
        stray.release();
        int written = 0;
        for (int i = 0; i < packets.size(); i++) {
            ByteBuf p = packets.get(i);
            if (i >= first && d.push(p) != null) {
                written++;
            }
            p.release();
        }
        assertEquals(video.size() - 15, written, "from the keyframe at frame 15 on");
        assertEquals(10, d.framesBeforeFirstKeyframe(), "frames 5..14: inter frames before the first keyframe");
        assertEquals(0, d.framesDropped(), "nothing was lost");
    }

    @Test
    void packetsThatAreNotVp8OrOutOfPlaceAreDroppedWithoutHarm() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1});
        assertNull(d.push(truncated));
        truncated.release();
        ByteBuf middle = Unpooled.buffer(); // a continuation packet with no frame start before it
        middle.writeByte(0x80).writeByte(0x80 | 96).writeShort(2).writeInt(9000).writeInt(1).writeByte(0x00).writeByte(1);
        assertNull(d.push(middle));
        middle.release();
        assertTrue(d.waitingForKeyframe());
    }

    @Test
    void rtpClockCountsMillisecondsAcrossTheWrap() {
        RtpClock c = new RtpClock(90_000);
        assertEquals(0, c.toMillis(0xFFFFFF00L));
        assertEquals(10, c.toMillis((0xFFFFFF00L + 900) & 0xFFFFFFFFL)); // after the wrap
        assertEquals(1000, c.toMillis((0xFFFFFF00L + 90_000) & 0xFFFFFFFFL));
        assertEquals(990, c.toMillis((0xFFFFFF00L + 89_100) & 0xFFFFFFFFL), "a late packet maps back, not 13 hours on");
    }

    @Test
    void aFrameLargerThanTheBoundIsRefusedAndTheNextKeyframeStillComesOut() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        int seq = 0;
        byte[] chunk = new byte[64 * 1024];
        int chunks = Vp8Depacketizer.MAX_FRAME_BYTES / chunk.length + 1; // one chunk past 4 MiB, never a marker
        for (int i = 0; i < chunks; i++) {
            ByteBuf p = Unpooled.buffer();
            p.writeByte(0x80).writeByte(96).writeShort(seq++).writeInt(9000).writeInt(1).writeByte(i == 0 ? 0x10 : 0);
            if (i == 0) {
                p.writeBytes(video.get(0).data(), 0, 10); // a keyframe's header
            }
            p.writeBytes(chunk);
            assertNull(d.push(p));
            p.release();
        }
        assertTrue(d.waitingForKeyframe(), "the oversized frame was abandoned");
        assertEquals(1, d.framesDropped());
        // the next (real, whole) keyframe goes through
        TestMedia.Frame key = video.get(0);
        ByteBuf p = Unpooled.buffer();
        p.writeByte(0x80).writeByte(0x80 | 96).writeShort(seq).writeInt(18000).writeInt(1).writeByte(0x10);
        p.writeBytes(key.data());
        Vp8Depacketizer.Frame f = d.push(p);
        p.release();
        assertArrayEquals(key.data(), f.data());
    }
}

package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameTimelineTest {
    private static final int VIDEO_STEP = 3_000; // 30 fps at 90 kHz

    @Test
    void framesGoWhereTheClockSays() {
        FrameTimeline t = new FrameTimeline(90_000);
        assertEquals(1_000, t.place(1_000, 0, 1));
        assertEquals(1_033, t.place(1_033, VIDEO_STEP, 1));
        assertEquals(1_500, t.place(1_500, 2 * VIDEO_STEP, 1)); // a gap (camera paused) stays a gap
    }

    @Test
    void aClockThatMovesBackKeepsTheSendersSpacing() {
        FrameTimeline t = new FrameTimeline(90_000);
        t.place(1_000, 0, 1);
        long previous = t.place(1_033, VIDEO_STEP, 1);
        // a resync moves the clock 200 ms back: the old rule wrote the next frames 1 ms apart
        for (int i = 2; i < 8; i++) {
            long ms = t.place(1_033 + (i - 1) * 33 - 200, (long) i * VIDEO_STEP, 1);
            assertEquals(33, ms - previous, "frame " + i);
            previous = ms;
        }
    }

    @Test
    void framesMappedBeforeTheStartAreSpacedFromZero() {
        FrameTimeline t = new FrameTimeline(90_000);
        assertEquals(0, t.place(-100, 0, 1));
        assertEquals(33, t.place(-67, VIDEO_STEP, 1));
        assertEquals(66, t.place(-34, 2 * VIDEO_STEP, 1));
        assertEquals(100, t.place(100, 3 * VIDEO_STEP, 1)); // the clock is ahead again: follow it
    }

    @Test
    void audioNeverStartsBeforeThePreviousPacketEnded() {
        FrameTimeline t = new FrameTimeline(48_000);
        assertEquals(500, t.place(500, 0, 20));
        // two packets with one RTP timestamp (a sender's glitch): the second waits for the first to end
        assertEquals(520, t.place(500, 0, 20));
        assertEquals(540, t.place(520, 960, 20));
    }

    @Test
    void aSendersTimestampJumpIsNotTakenAsSpacing() {
        FrameTimeline t = new FrameTimeline(90_000);
        t.place(1_000, 0, 1);
        // RTP jumps an hour ahead (or wraps backwards): the clock decides, one ms after the previous frame at least
        assertEquals(1_033, t.place(1_033, 90_000L * 3_600, 1));
        assertEquals(1_034, t.place(900, 0xFFFF_FFF0L, 1));
    }
}

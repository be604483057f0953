package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The meeting clock ties each publisher's NTP clock to the server's by the sender reports' arrival. A report
 * that waited (a busy machine: the media loop or the recorder's thread was late) must not shift the publisher's
 * files for the rest of the recording.
 */
class MeetingClockTest {
    private static final long START = 1_800_000_000_000L; // server wall ms when recording started
    private static final int VIDEO_RATE = 90_000;

    /** Publisher clock {@code skewMs} ahead of the server's; a report taken at server time {@code wallMs}. */
    private static long ntpAt(long wallMs, long skewMs) {
        return MeetingClock.unixMsToNtp(wallMs + skewMs);
    }

    private static long rtpAt(long wallMs) {
        return (wallMs - START) * VIDEO_RATE / 1000 + 12_345;
    }

    @Test
    void aFirstReportThatArrivedLateDoesNotShiftTheFile() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping video = clock.track("ada", VIDEO_RATE);
        // the first report was sent at 1.0 s but reached the recorder's thread 800 ms late (load)
        video.onSenderReport(ntpAt(START + 1_000, 0), rtpAt(START + 1_000), START + 1_800);
        // the next ones arrive within a few ms, as on a quiet machine
        for (int i = 2; i <= 6; i++) {
            long sent = START + i * 1_000L;
            video.onSenderReport(ntpAt(sent, 0), rtpAt(sent), sent + 3);
        }
        // a frame captured at 6.5 s belongs at 6.5 s (give or take the network delay), not 800 ms later
        long ms = video.toMeetingMs(rtpAt(START + 6_500));
        assertTrue(Math.abs(ms - 6_500) <= 10, "frame at 6500 ms mapped to " + ms);
    }

    @Test
    void aPublisherWhoseClockIsMinutesOffStillLinesUp() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping ada = clock.track("ada", VIDEO_RATE);
        MeetingClock.TrackMapping bob = clock.track("bob", VIDEO_RATE);
        for (int i = 1; i <= 4; i++) {
            long sent = START + i * 1_000L;
            ada.onSenderReport(ntpAt(sent, 0), rtpAt(sent), sent + 5);
            bob.onSenderReport(ntpAt(sent, -185_000), rtpAt(sent), sent + 5); // Bob's clock is 3 min behind
        }
        assertEquals(ada.toMeetingMs(rtpAt(START + 4_200)), bob.toMeetingMs(rtpAt(START + 4_200)));
        assertEquals(4_205, ada.toMeetingMs(rtpAt(START + 4_200)));
    }

    @Test
    void audioAndVideoOfOnePublisherShareTheLeastDelayedReport() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping audio = clock.track("ada", 48_000);
        MeetingClock.TrackMapping video = clock.track("ada", VIDEO_RATE);
        long sent = START + 1_000;
        audio.onSenderReport(ntpAt(sent, 0), (sent - START) * 48, sent + 600); // late
        video.onSenderReport(ntpAt(sent, 0), rtpAt(sent), sent + 2);          // on time
        // both tracks go by the on-time report: lip sync and no shift
        assertEquals(2_002, video.toMeetingMs(rtpAt(START + 2_000)));
        assertEquals(2_002, audio.toMeetingMs(2_000L * 48));
    }

    @Test
    void theEstimateFollowsAPublisherClockThatDrifts() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping video = clock.track("ada", VIDEO_RATE);
        // the publisher's clock loses 1 ms a second against the server's (1,000 ppm, far worse than real
        // crystals): after the window the estimate must follow, not stay on the first minutes' minimum
        long lastSent = 0;
        for (int i = 1; i <= 300; i++) {
            long sent = START + i * 1_000L;
            video.onSenderReport(ntpAt(sent, -i), rtpAt(sent) - i * 90L, sent + 2);
            lastSent = sent;
        }
        long ms = video.toMeetingMs(rtpAt(lastSent) - 300 * 90L);
        assertTrue(Math.abs(ms - (lastSent - START)) <= MeetingClock.OFFSET_WINDOW_MS / 1000 + 5,
                "a frame sent at " + (lastSent - START) + " ms mapped to " + ms);
    }

    @Test
    void framesCorrectAJustJoinedPublisherWhoseFewReportsAllWaited() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping video = clock.track("cy", VIDEO_RATE);
        // Cy joined a busy machine: her only reports so far reached the recorder 330 ms after they were sent
        for (int i = 20; i <= 22; i++) {
            long sent = START + i * 1_000L;
            video.onSenderReport(ntpAt(sent, 0), rtpAt(sent), sent + 330);
        }
        assertEquals(22_830, video.toMeetingMs(rtpAt(START + 22_500)), "by the reports alone: 330 ms late");
        // her frames arrive 15 ms after capture: the first one already places her right
        video.onFrame(rtpAt(START + 22_500), START + 22_515);
        assertEquals(22_515, video.toMeetingMs(rtpAt(START + 22_500)));
        // and no frame is ever placed after it arrived
        for (long t = 22_533; t < 24_000; t += 33) {
            long arrival = START + t + 15 + (t % 7) * 10; // jittery arrivals, never early
            video.onFrame(rtpAt(START + t), arrival);
            assertTrue(video.toMeetingMs(rtpAt(START + t)) <= arrival - START);
        }
    }

    @Test
    void aFrameWhoseTimestampJumpedDoesNotMoveThePublisher() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping video = clock.track("ada", VIDEO_RATE);
        video.onSenderReport(ntpAt(START + 1_000, 0), rtpAt(START + 1_000), START + 1_005);
        // the sender's RTP timestamps jumped 10 s ahead (a replaced track): until the next report resyncs the
        // track, such a frame would claim a capture 10 s after its arrival
        video.onFrame(rtpAt(START + 11_200), START + 1_205);
        assertEquals(2_005, video.toMeetingMs(rtpAt(START + 2_000)));
    }

    @Test
    void aTrackTimedByArrivalKeepsItsOwnOffset() {
        MeetingClock clock = new MeetingClock(START);
        MeetingClock.TrackMapping video = clock.track("bob", VIDEO_RATE);
        MeetingClock.TrackMapping audio = clock.track("bob", 48_000);
        video.onSenderReport(ntpAt(START + 1_000, -185_000), rtpAt(START + 1_000), START + 1_004); // 3 min behind
        // no audio report came: the first audio frame's arrival anchors the audio track on the server's clock
        audio.anchorOnArrival(96_000, START + 2_010);
        audio.onFrame(96_960, START + 2_030);
        assertEquals(2_010, audio.toMeetingMs(96_000));
        // and the audio's wall-clock samples (3 minutes from Bob's NTP clock) left the video where it was
        assertEquals(3_004, video.toMeetingMs(rtpAt(START + 3_000)));
    }
}

package org.javameet.sfu.recording;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One clock for every file of a recording: milliseconds since the recording started, on the server's wall
 * clock. A track's RTP timestamps are placed on it through its publisher's RTCP sender reports (RFC 3550
 * §6.4.1: an NTP time and the RTP time of the same instant): audio and video of one publisher share that NTP
 * clock, so they line up with each other (lip sync); each publisher's NTP clock is tied to the server's by their
 * sender reports' arrival times (so a publisher whose clock is off by minutes still lines up, give or take one
 * network delay). A report can only arrive late, never early: the tie is the least (arrival − NTP) over the
 * reports of the last {@link #OFFSET_WINDOW_MS} ({@link PublisherOffset}), so a report that waited on a busy
 * machine does not shift that publisher's files (it did when the first report alone fixed it), and a publisher
 * clock that drifts is followed. Every frame is such a sample too ({@link TrackMapping#onFrame}): it arrives
 * after it was captured, so (arrival − its capture time on the publisher's clock) is the offset plus a delay that
 * is never negative. With ~80 samples a second instead of ~2, a publisher whose first reports all waited (it had
 * just joined a busy machine) is placed right within a frame or two, and no frame is ever placed after it arrived
 * (a late joiner's file ran 330 ms past the recording's stop when only its first three reports set the offset).
 * Writer thread only.
 */
public final class MeetingClock {
    private static final long NTP_EPOCH_OFFSET_MS = 2_208_988_800_000L;
    /** A sender report that moves a track's mapping by more than this replaces it. */
    static final long RESYNC_MS = 40;
    /**
     * A frame lowers its publisher's offset by at most this: more means its RTP timestamp does not fit the last
     * report (the sender's timestamps jumped), and the next report resyncs the track instead.
     */
    static final long MAX_FRAME_CORRECTION_MS = 1_000;
    /** The reports the offset is the least of: long enough to hold some on-time ones through a busy spell. */
    static final long OFFSET_WINDOW_MS = 30_000;

    private final long startWallMs;
    /** Per publisher: server wall ms minus publisher NTP ms. */
    private final Map<String, PublisherOffset> offsets = new HashMap<>();
    private int arrivalTimedTracks;

    public MeetingClock(long startWallMs) {
        this.startWallMs = startWallMs;
    }

    public long startWallMs() {
        return startWallMs;
    }

    /** Milliseconds since the start of the recording at server wall time {@code wallMs}. */
    public long sinceStart(long wallMs) {
        return wallMs - startWallMs;
    }

    /** Unix milliseconds to an RFC 5905 64-bit NTP timestamp. */
    static long unixMsToNtp(long unixMs) {
        long ms = unixMs + NTP_EPOCH_OFFSET_MS;
        return (ms / 1000) << 32 | ((ms % 1000) << 32) / 1000;
    }

    /** RFC 5905 64-bit NTP timestamp to Unix milliseconds. */
    static long ntpToUnixMs(long ntp) {
        long seconds = ntp >>> 32;
        long fractionMs = ((ntp & 0xFFFFFFFFL) * 1000) >>> 32;
        return seconds * 1000 + fractionMs - NTP_EPOCH_OFFSET_MS;
    }

    /** A track's latest sender report: maps its RTP timestamps to the meeting clock. */
    public final class TrackMapping {
        /** Whose offset this track uses: its publisher's, or its own once it is timed by arrival. */
        private String publisherId;
        private final int clockRate;
        private long srNtpMs;
        private long srRtp = -1;

        TrackMapping(String publisherId, int clockRate) {
            this.publisherId = publisherId;
            this.clockRate = clockRate;
        }

        /**
         * A sender report of this track arrived at server wall time {@code arrivalWallMs}. The first one sets the
         * mapping; a later one replaces it only when it disagrees by more than {@link #RESYNC_MS} (the sender's
         * clocks jumped or drifted): reports jitter by a few ms, and following each would move frames back and forth.
         */
        public void onSenderReport(long ntpTimestamp, long rtpTimestamp, long arrivalWallMs) {
            long ntpMs = ntpToUnixMs(ntpTimestamp);
            offsets.computeIfAbsent(publisherId, id -> new PublisherOffset()).add(arrivalWallMs, arrivalWallMs - ntpMs);
            if (synced()) {
                int delta = (int) ((rtpTimestamp & 0xFFFFFFFFL) - srRtp);
                long predicted = srNtpMs + Math.floorDiv(delta * 1000L, clockRate);
                if (Math.abs(predicted - ntpMs) <= RESYNC_MS) {
                    return;
                }
            }
            srNtpMs = ntpMs;
            srRtp = rtpTimestamp & 0xFFFFFFFFL;
        }

        /**
         * A frame with this RTP timestamp arrived at server wall time {@code arrivalWallMs}: one more offset sample
         * (see the class comment). Only once {@link #synced()}.
         */
        public void onFrame(long rtpTimestamp, long arrivalWallMs) {
            PublisherOffset offset = offsets.get(publisherId);
            long sample = arrivalWallMs - publisherMs(rtpTimestamp);
            if (sample >= offset.estimate() - MAX_FRAME_CORRECTION_MS) {
                offset.add(arrivalWallMs, sample);
            }
        }

        /**
         * No sender report came: the track is timed by arrival, its RTP timestamp {@code rtpTimestamp} at server
         * wall time {@code arrivalWallMs}. It gets an offset of its own: the wall clock is not its publisher's NTP
         * clock, so its samples must not move the publisher's other tracks.
         */
        public void anchorOnArrival(long rtpTimestamp, long arrivalWallMs) {
            publisherId = publisherId + "#arrival-" + (++arrivalTimedTracks); // '#' is in no participant id
            srNtpMs = 0;
            srRtp = -1;
            onSenderReport(unixMsToNtp(arrivalWallMs), rtpTimestamp, arrivalWallMs);
        }

        /** True once a sender report has been seen. */
        public boolean synced() {
            return srRtp >= 0;
        }

        /** The meeting time of {@code rtpTimestamp}; only when {@link #synced()}. */
        public long toMeetingMs(long rtpTimestamp) {
            return publisherMs(rtpTimestamp) + offsets.get(publisherId).estimate() - startWallMs;
        }

        /** When {@code rtpTimestamp} was captured, on the publisher's NTP clock (Unix ms). */
        private long publisherMs(long rtpTimestamp) {
            int delta = (int) ((rtpTimestamp & 0xFFFFFFFFL) - srRtp); // signed: before or after the report
            return srNtpMs + Math.floorDiv(delta * 1000L, clockRate);
        }
    }

    /**
     * One publisher's offset (server wall ms − publisher NTP ms): the least of the reports' over a sliding window.
     * A report's (arrival − NTP) is the true offset plus its delay in the network, the media loop and the queue,
     * which is never negative; the least over many reports is the one that waited least. A monotonic deque keeps
     * the minimum (the window holds ~60 reports: audio and video, ~1 s apart each).
     */
    static final class PublisherOffset {
        private final ArrayDeque<long[]> candidates = new ArrayDeque<>(); // {arrivalMs, offsetMs}, offsets rising

        void add(long arrivalMs, long offsetMs) {
            while (!candidates.isEmpty() && candidates.peekLast()[1] >= offsetMs) {
                candidates.pollLast(); // never the least again: this one is as low and younger
            }
            candidates.addLast(new long[] {arrivalMs, offsetMs});
            while (candidates.size() > 1 && arrivalMs - candidates.peekFirst()[0] > OFFSET_WINDOW_MS) {
                candidates.pollFirst();
            }
        }

        long estimate() {
            return candidates.peekFirst()[1];
        }
    }

    public TrackMapping track(String publisherId, int clockRate) {
        return new TrackMapping(publisherId, clockRate);
    }
}

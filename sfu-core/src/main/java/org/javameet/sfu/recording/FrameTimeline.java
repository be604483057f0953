package org.javameet.sfu.recording;

/**
 * Places one track's frames on the meeting clock without squeezing them together. The meeting clock (from sender
 * reports) says where a frame belongs; the sender's RTP timestamps say how far apart consecutive frames are. A
 * frame goes where the clock says unless that is earlier than the previous frame plus the sender's spacing — after
 * a resync that moved the clock back, or for frames that mapped before the meeting's start — and then it follows
 * the sender's spacing. Frames pushed 1 ms apart instead (the old rule) made ffmpeg round two video frames onto one
 * output tick ("non monotonically increasing dts") and made 20 ms Opus packets overlap.
 */
final class FrameTimeline {
    /** An RTP step larger than this (or backwards) is a sender's timestamp jump, not spacing: the clock decides. */
    static final long MAX_SPACING_MS = 10_000;

    private final int clockRate;
    private long lastMs = -1;
    private long lastRtp;
    private long lastDurationMs;

    FrameTimeline(int clockRate) {
        this.clockRate = clockRate;
    }

    /**
     * @param mappedMs        where the meeting clock puts this frame (may be negative: before the start)
     * @param rtpTimestamp    the frame's RTP timestamp
     * @param minDurationMs   how long this frame lasts at least (an Opus packet's duration; 1 for video)
     * @return the frame's time in ms, strictly after the previous frame and never before it has ended
     */
    long place(long mappedMs, long rtpTimestamp, long minDurationMs) {
        long ms = Math.max(0, mappedMs);
        if (lastMs >= 0) {
            long step = Math.floorDiv(((int) ((rtpTimestamp & 0xFFFFFFFFL) - lastRtp)) * 1000L, clockRate);
            long spacing = step >= 0 && step <= MAX_SPACING_MS ? step : 0;
            ms = Math.max(ms, lastMs + Math.max(Math.max(spacing, lastDurationMs), 1));
        }
        lastMs = ms;
        lastRtp = rtpTimestamp & 0xFFFFFFFFL;
        lastDurationMs = minDurationMs;
        return ms;
    }
}

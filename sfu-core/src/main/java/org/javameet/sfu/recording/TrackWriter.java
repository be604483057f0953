package org.javameet.sfu.recording;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.webm.WebmWriter;

/**
 * One consumer stream to one live WebM file: packets back in order ({@link ReorderBuffer}, NACKing gaps), VP8
 * reassembled ({@link Vp8Depacketizer}, a PLI while it waits for a keyframe), frames placed on the meeting
 * clock by the stream's sender reports. Frames that come before the first report wait for it (up to
 * {@link #MAX_UNSYNCED_MS}; then the first frame's arrival time anchors the stream instead). The file opens at
 * the first frame written; a write error ends this file, never the meeting. Writer thread only.
 */
final class TrackWriter {
    private static final Logger LOG = Logger.getLogger(TrackWriter.class.getName());
    /**
     * How long frames wait for the stream's first sender report. libwebrtc reports video every ~1 s but audio every
     * 5 s, randomised 0.5–1.5×: with 3 s, about one Chromium audio track in three went unsynced (timed by arrival,
     * not lip-synced with its video). 8 s covers the longest first interval; what waits is ~8 s of one track.
     */
    static final long MAX_UNSYNCED_MS = 8_000;
    static final int TRACK_NUMBER = 1;

    private record Pending(long rtpTimestamp, boolean keyframe, byte[] data, long arrivalWallMs) {
    }

    private final RecordingLink.TrackSpec spec;
    private final MeetingClock.TrackMapping mapping;
    private final Consumer<Object> feedback;
    private final ReorderBuffer reorder = new ReorderBuffer(RecordingLink.REORDER_WAIT_MS * 1_000_000);
    private final Vp8Depacketizer vp8;
    private final ArrayDeque<Pending> unsynced = new ArrayDeque<>();
    private WebmWriter file;
    private FileChannel channel;
    private OutputStream out;
    private String error;
    private long lastKeyframeRequestMs = Long.MIN_VALUE;
    private long firstMs = -1;
    private long lastMs = -1;
    private final FrameTimeline timeline;
    private long frames;
    private final java.util.concurrent.atomic.AtomicLong written;
    private boolean closed;
    private boolean anchoredOnArrival;
    /** Frames captured after this meeting time are not written (the recording was stopped then); see {@link #stopAt}. */
    private long stopMs = Long.MAX_VALUE;
    /** A frame captured after {@link #stopMs} came: nothing this track still sends belongs in the file. */
    private boolean pastStop;
    /** Capture time (meeting ms) of the newest frame placed on the clock, written or not; MIN_VALUE before one. */
    private long newestMs = Long.MIN_VALUE;

    /** @param written counts every frame written, across the link's tracks */
    TrackWriter(RecordingLink.TrackSpec spec, MeetingClock.TrackMapping mapping, Consumer<Object> feedback,
                java.util.concurrent.atomic.AtomicLong written) {
        this.spec = spec;
        this.written = written;
        this.mapping = mapping;
        this.feedback = feedback;
        this.vp8 = spec.kind() == WebmWriter.Kind.VP8 ? new Vp8Depacketizer() : null;
        this.timeline = new FrameTimeline(spec.kind() == WebmWriter.Kind.VP8 ? 90_000 : 48_000);
    }

    RecordingLink.TrackSpec spec() {
        return spec;
    }

    /**
     * The recording was stopped at meeting time {@code ms}: frames captured after it are left out, frames captured
     * before it (still in the server's socket or queue when the stop came) are written as they arrive.
     */
    void stopAt(long ms) {
        stopMs = ms;
    }

    /** True once a frame captured after the stop arrived: everything before it has been written. */
    boolean pastStop() {
        return pastStop;
    }

    /** The newest frame's capture time on the meeting clock, or {@code Long.MIN_VALUE} before the first synced one. */
    long newestMs() {
        return newestMs;
    }

    /** Why the file stopped being written, or null. */
    String error() {
        return error;
    }

    /** Takes one RTP packet (owns it). */
    void push(ByteBuf rtp, long arrivalNanos, long arrivalWallMs) {
        int[] missing = reorder.push(rtp, arrivalNanos, p -> depacketize(p, arrivalWallMs));
        if (missing.length > 0 && vp8 != null) {
            // the router's cache may hold them (lost on the way here); what the publisher lost comes as RTX anyway
            feedback.accept(Nack.of(0, spec.ssrc(), missing));
        }
    }

    /**
     * Skips gaps held open too long. {@code nowWallMs} is the same instant as {@code nowNanos} (the writer's clock:
     * the arrival of the packet it just took): frames released here arrived no later than that.
     */
    void expire(long nowNanos, long nowWallMs) {
        if (reorder.held() > 0) {
            reorder.expire(nowNanos, p -> depacketize(p, nowWallMs));
        }
    }

    void onSenderReport(long ntp, long rtp, long arrivalWallMs) {
        if (!anchoredOnArrival) {
            mapping.onSenderReport(ntp, rtp, arrivalWallMs);
            drainUnsynced();
        }
    }

    private void depacketize(ByteBuf rtp, long arrivalWallMs) {
        if (vp8 != null) {
            Vp8Depacketizer.Frame f = vp8.push(rtp);
            if (f != null) {
                frame(new Pending(f.rtpTimestamp(), f.keyframe(), f.data(), arrivalWallMs));
            } else if (vp8.waitingForKeyframe()) {
                askForKeyframe(arrivalWallMs);
            }
        } else {
            int length = RtpHeader.payloadLength(rtp);
            if (length <= 0) {
                return;
            }
            byte[] data = new byte[length];
            rtp.getBytes(rtp.readerIndex() + RtpHeader.headerLength(rtp), data);
            frame(new Pending(RtpHeader.timestamp(rtp), true, data, arrivalWallMs));
        }
    }

    private void frame(Pending f) {
        if (!mapping.synced()) {
            unsynced.addLast(f);
            if (f.arrivalWallMs() - unsynced.peekFirst().arrivalWallMs() > MAX_UNSYNCED_MS) {
                // no sender report: the first frame's arrival anchors the stream (lines up only roughly)
                Pending first = unsynced.peekFirst();
                mapping.anchorOnArrival(first.rtpTimestamp(), first.arrivalWallMs());
                anchoredOnArrival = true;
                LOG.info(() -> "recorder: no sender report for " + spec.file().getFileName()
                        + " in " + MAX_UNSYNCED_MS + " ms; timed by arrival");
                drainUnsynced();
            }
            return;
        }
        write(f);
    }

    private void drainUnsynced() {
        while (!unsynced.isEmpty()) {
            write(unsynced.pollFirst());
        }
    }

    private void write(Pending f) {
        if (error != null || closed) {
            return;
        }
        mapping.onFrame(f.rtpTimestamp(), f.arrivalWallMs());
        long capturedMs = mapping.toMeetingMs(f.rtpTimestamp());
        newestMs = Math.max(newestMs, capturedMs);
        if (capturedMs > stopMs) {
            pastStop = true;
            return;
        }
        long ms = timeline.place(capturedMs, f.rtpTimestamp(),
                spec.kind() == WebmWriter.Kind.OPUS ? opusDurationMs(f.data()) : 1);
        try {
            if (file == null) {
                WebmWriter.Track track = spec.kind() == WebmWriter.Kind.VP8
                        ? WebmWriter.Track.vp8(TRACK_NUMBER, spec.name(), vp8Width(f.data()), vp8Height(f.data()))
                        : WebmWriter.Track.opus(TRACK_NUMBER, spec.name(), 2);
                channel = FileChannel.open(spec.file(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                out = Channels.newOutputStream(channel);
                file = new WebmWriter(out, List.of(track), "javameet recorder");
                firstMs = ms;
            }
            file.writeFrame(TRACK_NUMBER, ms, f.keyframe(), f.data(), 0, f.data().length);
            lastMs = ms;
            frames++;
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.log(Level.WARNING, "recorder: " + spec.file() + ": " + error, e);
            cutToLastFrame();
        }
    }

    /**
     * After a failed write (a full disk writes part of a block, then fails): the file goes back to the end of its
     * last complete element, so it still ends on a whole frame and decodes with no error. A file whose header never
     * got written holds nothing and is removed. Truncating frees space, so it works on a full disk.
     */
    private void cutToLastFrame() {
        if (channel == null) {
            return;
        }
        try {
            if (file == null) {
                channel.close();
                Files.deleteIfExists(spec.file());
                channel = null;
                out = null;
            } else {
                channel.truncate(file.bytesWritten());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "recorder: cutting " + spec.file() + " back to its last frame: " + e.getMessage(), e);
        }
    }

    /**
     * An Opus packet's duration in whole ms (RFC 6716 §3.1: the TOC byte's configuration gives the frame size, its
     * code the frame count), at least 1; 20 ms when the packet is too short to say.
     */
    private static final double[] SILK_FRAME_MS = {10, 20, 40, 60};
    private static final double[] CELT_FRAME_MS = {2.5, 5, 10, 20};

    static long opusDurationMs(byte[] packet) {
        if (packet.length < 1) {
            return 20;
        }
        int toc = packet[0] & 0xff;
        int config = toc >> 3;
        double frameMs;
        if (config < 12) {
            frameMs = SILK_FRAME_MS[config & 3];
        } else if (config < 16) {
            frameMs = (config & 1) == 0 ? 10 : 20; // hybrid
        } else {
            frameMs = CELT_FRAME_MS[config & 3];
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> packet.length < 2 ? 1 : Math.max(1, packet[1] & 0x3f);
        };
        return Math.max(1, (long) Math.floor(frameMs * frames));
    }

    private void askForKeyframe(long nowMs) {
        if (lastKeyframeRequestMs != Long.MIN_VALUE && nowMs - lastKeyframeRequestMs < RecordingLink.KEYFRAME_REQUEST_INTERVAL_MS) {
            return;
        }
        lastKeyframeRequestMs = nowMs;
        feedback.accept(new Pli(0, spec.ssrc()));
    }

    /** Writes what is held (frames still without a report are timed by arrival) and closes the file. */
    RecordingLink.TrackResult close() {
        if (!closed) {
            reorder.flush(p -> depacketize(p, System.currentTimeMillis()));
            if (!unsynced.isEmpty() && !mapping.synced()) {
                Pending first = unsynced.peekFirst();
                mapping.anchorOnArrival(first.rtpTimestamp(), first.arrivalWallMs());
                anchoredOnArrival = true;
                drainUnsynced();
            }
            reorder.clear();
            closed = true;
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "recorder: closing " + spec.file() + ": " + e.getMessage(), e);
            }
        }
        return new RecordingLink.TrackResult(spec, firstMs, lastMs, frames, file == null ? 0 : file.bytesWritten(),
                vp8 == null ? 0 : vp8.framesDropped(), vp8 == null ? 0 : vp8.framesBeforeFirstKeyframe(), reorder.skipped(), mapping.synced() && !anchoredOnArrival);
    }

    /** RFC 6386 §9.1: a key frame's 10-byte header ends with 14-bit width and height (little-endian, 2 scale bits). */
    static int vp8Width(byte[] keyframe) {
        return keyframe.length >= 10 ? ((keyframe[6] & 0xFF) | (keyframe[7] & 0xFF) << 8) & 0x3FFF : 0;
    }

    static int vp8Height(byte[] keyframe) {
        return keyframe.length >= 10 ? ((keyframe[8] & 0xFF) | (keyframe[9] & 0xFF) << 8) & 0x3FFF : 0;
    }
}

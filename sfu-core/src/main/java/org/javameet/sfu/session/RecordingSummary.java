package org.javameet.sfu.session;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished recording wrote: one WebM file per participant and track, each on the meeting clock
 * (milliseconds since {@code startWallMs}).
 *
 * @param stoppedBy why it ended: what the room said when it stopped it ("stopped", "room-closed", "server-shutdown")
 *                  or, when it stopped by itself, the {@link RecordingFailure} code
 */
public record RecordingSummary(Path directory, long startWallMs, long endWallMs, String stoppedBy,
                               List<Track> tracks) {

    /**
     * One file. {@code startMs}/{@code endMs} are its first and last frame on the meeting clock (-1: no frame was
     * written, and there is no file); {@code senderReportClock} is false when the publisher sent no sender report
     * and the track was timed by packet arrival. {@code packetsLost}: never arrived, even after NACKs;
     * {@code framesDropped}: not written because of that (up to the next keyframe); {@code framesBeforeKeyframe}:
     * inter frames that came before the first keyframe (the recording joined the stream between two).
     */
    public record Track(String participantId, String kind, String label, Path file, long startMs, long endMs,
                        long frames, long bytes, long framesDropped, long framesBeforeKeyframe, long packetsLost,
                        boolean senderReportClock) {
    }
}

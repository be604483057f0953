package org.javameet.sfu.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.javameet.sfu.net.MediaLoop;
import org.javameet.sfu.recording.MeetingClock;
import org.javameet.sfu.recording.RecordingLink;
import org.javameet.sfu.router.ConsumerParams;
import org.javameet.sfu.router.Producer;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.router.Subscriber;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webm.WebmWriter;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * A room's recording: one {@link RecordingLink} that subscribes to every track of the room like a participant
 * (a subscriber of the router, {@link #SUBSCRIBER_ID_PREFIX} and a number), one consumer and one file per published track. The
 * {@link MediaRoom} tells it of tracks as they come and go, under its monitor; router work is queued onto the
 * media loop.
 */
final class RoomRecording {
    /**
     * The recorder's subscriber id in the router, with a number per recording: '#' never appears in a participant
     * id, and a recording started while the last one still drains (see {@link #stop}) is a subscriber of its own.
     */
    static final String SUBSCRIBER_ID_PREFIX = "#recorder-";
    private static final java.util.concurrent.atomic.AtomicLong RECORDINGS = new java.util.concurrent.atomic.AtomicLong();
    /**
     * The most a stop waits for what was captured before it (see {@link #stop}): a server seconds behind its
     * socket still gets its last seconds into the files; shutdown's budget (45 s) leaves room for it.
     */
    static final long DRAIN_MAX_MS = 10_000;
    /** ~1 s of a busy room's packets: the writer thread is behind by more than this only when the disk is stuck. */
    static final int QUEUE_CAPACITY = 4096;
    private static final int[] NONE = new int[0];
    /** The drain plus writing what is queued, beyond which a stop is worth a line in the log. */
    private static final long DRAIN_WARN_MS = 2_000;
    private static final Logger LOG = Logger.getLogger(RoomRecording.class.getName());

    private record TrackInfo(String participantId, String kind, String label, long ssrc) {
    }

    private final Router router;
    private final String subscriberId = SUBSCRIBER_ID_PREFIX + RECORDINGS.incrementAndGet();
    private final Path directory;
    private final RecordingLink link;
    private final long startWallMs;
    private final Map<String, TrackInfo> byProducer = new HashMap<>();
    private final Map<Long, TrackInfo> bySsrc = new java.util.concurrent.ConcurrentHashMap<>(); // read by the writer at the end
    private final Map<String, Integer> fileCounts = new HashMap<>();
    private volatile RecordingFailure failure;

    RoomRecording(String roomName, MediaLoop media, Router router, Path directory, long minFreeBytes,
                  Consumer<RecordingFailure> onFailure) {
        this.router = router;
        this.directory = directory;
        this.startWallMs = System.currentTimeMillis();
        RecordingLink.DiskSpace disk = new RecordingLink.DiskSpace(() -> {
            try {
                return Files.getFileStore(directory).getUsableSpace();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, minFreeBytes);
        this.link = new RecordingLink(roomName + "/recorder", media.loop(), media.alloc(), media.metrics(),
                new MeetingClock(startWallMs), QUEUE_CAPACITY, disk, f -> {
                    failure = new RecordingFailure(f.code(), f.message());
                    onFailure.accept(failure);
                });
        router.execute(() -> router.createSubscriber(subscriberId, link).receivesAllVideo(true)); // whatever lastN says
    }

    Path directory() {
        return directory;
    }

    long startWallMs() {
        return startWallMs;
    }

    /**
     * Records the producer {@code producerId} from now on, into
     * {@code <participant>-<label>-<n>.webm}; the consumer asks the publisher for a keyframe as it starts.
     */
    void addTrack(String producerId, String participantId, MediaKind kind, String label) {
        if (byProducer.containsKey(producerId)) {
            return;
        }
        long ssrc = newSsrc();
        TrackInfo info = new TrackInfo(participantId, kind.sdpName(), label, ssrc);
        byProducer.put(producerId, info);
        bySsrc.put(ssrc, info);
        String base = safe(participantId) + "-" + safe(label == null ? kind.sdpName() : label);
        int n = fileCounts.merge(base, 1, Integer::sum);
        Path file = directory.resolve(base + "-" + n + ".webm");
        boolean video = kind == MediaKind.VIDEO;
        link.track(new RecordingLink.TrackSpec(ssrc, video ? WebmWriter.Kind.VP8 : WebmWriter.Kind.OPUS,
                participantId, participantId + " " + (label == null ? kind.sdpName() : label), file));
        router.execute(() -> {
            Producer pr = router.producer(producerId);
            Subscriber sub = router.subscriber(subscriberId);
            if (pr != null && sub != null) {
                // no RTX: the recorder's NACKs are answered with plain copies on the stream's own SSRC
                router.createConsumer(sub, pr, new ConsumerParams(producerId, ssrc, 0, pr.params().payloadType(), 0,
                        NONE, NONE, video ? Vp8::isKeyframe : null));
            }
        });
    }

    /** The producer closed (its publisher left, or stopped or replaced the track): its file ends. */
    void endTrack(String producerId) {
        TrackInfo info = byProducer.remove(producerId);
        if (info != null) {
            // queued behind the producer's close on the media loop, so its last packets are in the link's queue
            router.execute(() -> link.endTrack(info.ssrc()));
        }
    }

    /**
     * Stops: the recording ends now, by capture time. What was captured before this instant but is still on its way
     * (a busy server reads its socket seconds late) is written as it comes, for up to {@link #DRAIN_MAX_MS}
     * ({@link RecordingLink#drainUntil}); frames captured after it are left out. Then the consumers go and the writer
     * closes every file.
     *
     * @param why what the summary says stopped it, unless the recorder had already stopped on a failure
     */
    CompletableFuture<RecordingSummary> stop(String why) {
        // the summary's end is the stop, so a file that runs to the stop spans the recording's duration however
        // far behind the server was when it was pressed
        long stopWallMs = System.currentTimeMillis();
        CompletableFuture<RecordingLink.DrainEnd> drained = link.drainUntil(stopWallMs - startWallMs, DRAIN_MAX_MS);
        drained.whenComplete((end, e) -> router.execute(() -> router.closeParticipant(subscriberId))); // closes the link
        return link.results().thenApply(results -> {
            long drainMs = System.currentTimeMillis() - stopWallMs;
            if (drainMs > DRAIN_WARN_MS) {
                long closedAfterMs = link.closedAtWallMs() - stopWallMs;
                LOG.warning(() -> "recorder of " + directory.getFileName() + " took " + drainMs + " ms after the stop"
                        + " to write what it held: what was captured before the stop came in for " + closedAfterMs
                        + " ms (drain ended: " + drained.getNow(null) + "; a server behind its socket), the writer"
                        + " finished " + (drainMs - closedAfterMs) + " ms later (a slow disk or CPU)");
            }
            List<RecordingSummary.Track> tracks = new ArrayList<>();
            for (RecordingLink.TrackResult r : results) {
                TrackInfo info = bySsrc.get(r.spec().ssrc());
                tracks.add(new RecordingSummary.Track(info.participantId(), info.kind(), info.label(),
                        r.frames() > 0 ? r.spec().file() : null, r.firstMs(), r.lastMs(), r.frames(), r.bytes(),
                        r.framesDropped(), r.framesBeforeFirstKeyframe(), r.packetsSkipped(), r.synced()));
            }
            RecordingFailure f = failure;
            return new RecordingSummary(directory, startWallMs, stopWallMs,
                    f == null ? why : f.code(), List.copyOf(tracks));
        });
    }

    private long newSsrc() {
        while (true) {
            long s = ThreadLocalRandom.current().nextLong(1, 0x1_0000_0000L);
            if (!bySsrc.containsKey(s)) {
                return s;
            }
        }
    }

    /** File-name safe: letters, digits, '-' and '_' only. */
    static String safe(String s) {
        String out = s.replaceAll("[^A-Za-z0-9_-]", "_");
        return out.isEmpty() ? "_" : out.substring(0, Math.min(out.length(), 64));
    }
}

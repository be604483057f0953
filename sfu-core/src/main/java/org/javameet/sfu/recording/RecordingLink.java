package org.javameet.sfu.recording;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.webm.WebmWriter;

/**
 * A recorder as forwarding sees it: one more {@link MediaLink} its consumers send to. Each consumer's stream
 * (told apart by the SSRC the consumer rewrites to) becomes one live WebM file ({@link TrackWriter}), written by
 * this link's own thread from a bounded queue: the media loop only enqueues, and a full queue drops (counted,
 * {@code recorder_queue_full}) rather than waits. The consumers' translated sender reports come through the same
 * queue and put every file on one {@link MeetingClock}. Feedback goes back to the consumers the way a browser's
 * does: a NACK for a gap, a PLI while video waits for a keyframe.
 *
 * <p>Disk space is checked every second; below the minimum, or on a write error, the link stops writing, closes
 * its files (they play up to there) and tells its {@link Events}.
 */
public final class RecordingLink implements MediaLink {
    private static final Logger LOG = Logger.getLogger(RecordingLink.class.getName());
    /** A PLI at most this often per track while it waits for a keyframe. */
    static final long KEYFRAME_REQUEST_INTERVAL_MS = 500;
    /**
     * How long a gap is held open for its retransmission. The router NACKs up to 3 times, 100 ms apart, but on a
     * busy machine the answer can take longer; a file has no latency to keep, and waiting costs only the packets
     * held (at most {@link ReorderBuffer#CAPACITY}), while giving up costs every frame up to the next keyframe.
     */
    static final long REORDER_WAIT_MS = 1000;
    static final long DISK_CHECK_INTERVAL_MS = 1000;
    /** A write error with less than this free is a full disk, whatever the error's words (they vary by OS). */
    static final long FULL_BELOW_BYTES = 64 * 1024;

    /**
     * After a stop, tracks that have not yet reached the stop wait while the newest frame of any track is less than
     * this far past it: the server's socket hands packets over in arrival order, so once one track's frames from a
     * second after the stop are read, what the others captured before it has been read too, or is not coming (a
     * camera switched off, a silent track).
     */
    static final long DRAIN_GRACE_MS = 1000;
    /** After a stop, this long without any packet ends the drain: nothing captured before it is on its way. */
    static final long DRAIN_IDLE_MS = 1000;

    /** Why the drain after a stop ended ({@link #drainUntil}). */
    public enum DrainEnd {
        /** Every track sent a frame captured after the stop. */
        CAUGHT_UP,
        /** A track's frames reached {@link #DRAIN_GRACE_MS} past the stop; the rest were taken as silent. */
        OTHERS_SILENT,
        /** No packet came for {@link #DRAIN_IDLE_MS}. */
        IDLE,
        /** The bound given to {@link #drainUntil} passed first. */
        DEADLINE,
        /** The link closed (or failed) first. */
        CLOSED
    }

    /** What one consumer's stream is: its codec, its publisher (whose clock it is on) and the file it goes to. */
    public record TrackSpec(long ssrc, WebmWriter.Kind kind, String publisherId, String name, Path file) {
    }

    /** What became of one stream: its file and its span on the meeting clock (-1 when nothing was written). */
    public record TrackResult(TrackSpec spec, long firstMs, long lastMs, long frames, long bytes,
                              long framesDropped, long framesBeforeFirstKeyframe, long packetsSkipped,
                              boolean synced) {
    }

    /**
     * Why writing stopped on its own: {@code code} is one of {@link #DISK_LOW}, {@link #DISK_FULL}, {@link #FAILED}
     * (what the room tells the meeting), {@code message} what happened, for people.
     */
    public record Failure(String code, String message) {
        /** Free space fell below the configured minimum (checked every second); nothing failed yet. */
        public static final String DISK_LOW = "disk-low";
        /** A write found the disk full (ENOSPC): the file ends at its last complete frame. */
        public static final String DISK_FULL = "disk-full";
        /** Any other write error, or the recorder's own. */
        public static final String FAILED = "failed";
    }

    /** Told on the writer thread. */
    public interface Events {
        /** Writing stopped on its own (disk low or full, a write error); the files so far are complete. */
        void onFailed(Failure failure);
    }

    private final String id;
    private final Executor mediaLoop;
    private final ByteBufAllocator alloc;
    private final MediaMetrics metrics;
    private final MeetingClock clock;
    private final BlockingQueue<Item> queue;
    private final int capacity;
    /** Packets in {@link #queue}: bounded by {@link #capacity}. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesWritten = new AtomicLong();
    private final CompletableFuture<List<TrackResult>> results = new CompletableFuture<>();
    private final CompletableFuture<DrainEnd> drained = new CompletableFuture<>();
    private final Thread writer;
    private final DiskSpace disk;
    private final Events events;
    private volatile Listener listener;
    private volatile long closedAtWallMs = -1;

    // writer thread only
    private final Map<Long, TrackWriter> tracks = new HashMap<>();
    private final List<TrackResult> finished = new ArrayList<>();
    private boolean failed;
    /** Meeting ms of the stop being drained to, or -1. */
    private long drainStopMs = -1;
    private long drainDeadlineNanos;
    private long lastPacketNanos;

    /** Free bytes where the files go, and the least there must be. */
    public record DiskSpace(LongSupplier usableBytes, long minimumBytes) {
        public static DiskSpace unlimited() {
            return new DiskSpace(() -> Long.MAX_VALUE, 0);
        }
    }

    /** One thing for the writer thread: a packet (RTP or RTCP) or a change of tracks. */
    private record Item(ByteBuf packet, long arrivalNanos, long arrivalWallMs, Runnable change) {
    }

    /**
     * @param mediaLoop the loop the consumers run on: feedback and the close notice go back through it
     * @param clock where every file's timestamps come from; its start is the recording's start
     * @param queueCapacity packets waiting for the writer thread; beyond it packets are dropped and counted
     */
    public RecordingLink(String id, Executor mediaLoop, ByteBufAllocator alloc, MediaMetrics metrics,
                         MeetingClock clock, int queueCapacity, DiskSpace disk, Events events) {
        this.id = id;
        this.mediaLoop = mediaLoop;
        this.alloc = alloc;
        this.metrics = metrics;
        this.clock = clock;
        this.disk = disk;
        this.events = events;
        this.capacity = queueCapacity;
        this.queue = new LinkedBlockingQueue<>();
        this.writer = new Thread(this::writeLoop, "recorder-" + id);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** A link on a clock started now, with no disk limit and nobody told of failures. */
    public RecordingLink(String id, Executor mediaLoop, ByteBufAllocator alloc, MediaMetrics metrics, int queueCapacity) {
        this(id, mediaLoop, alloc, metrics, new MeetingClock(System.currentTimeMillis()), queueCapacity,
                DiskSpace.unlimited(), failure -> { });
    }

    /**
     * Routes the consumer stream {@code spec.ssrc()} to its file (opened at its first frame). Call before the
     * consumer sends; ordered with the packets, so it is never refused for a full queue.
     */
    public void track(TrackSpec spec) {
        control(() -> {
            if (!failed) {
                TrackWriter t = new TrackWriter(spec, clock.track(spec.publisherId(),
                        spec.kind() == WebmWriter.Kind.VP8 ? 90_000 : 48_000), this::feedback, framesWritten);
                if (drainStopMs >= 0) {
                    t.stopAt(drainStopMs);
                }
                tracks.put(spec.ssrc(), t);
            }
        });
    }

    /** The stream ended (its producer closed): writes what it still holds and closes its file. */
    public void endTrack(long ssrc) {
        control(() -> {
            TrackWriter t = tracks.remove(ssrc);
            if (t != null) {
                finished.add(t.close());
            }
        });
    }

    /**
     * The recording was stopped at meeting time {@code stopMeetingMs}, but packets captured before that may still
     * wait in the server's socket or this link's queue (a busy server reads them seconds late): keep taking packets,
     * write the frames captured up to the stop, leave out the ones after it, and complete once nothing captured
     * before the stop can still come ({@link DrainEnd}), at most {@code maxWaitMs} from now. The caller then closes
     * the link; frames captured after the stop never reach a file.
     */
    public CompletableFuture<DrainEnd> drainUntil(long stopMeetingMs, long maxWaitMs) {
        if (closed.get()) {
            drained.complete(DrainEnd.CLOSED);
            return drained;
        }
        control(() -> {
            long now = System.nanoTime();
            drainStopMs = stopMeetingMs;
            drainDeadlineNanos = now + maxWaitMs * 1_000_000;
            lastPacketNanos = now;
            for (TrackWriter t : tracks.values()) {
                t.stopAt(stopMeetingMs);
            }
            checkDrain(now);
        });
        return drained;
    }

    /** Writer thread, while draining: completes {@link #drained} when the stop's frames are all in. */
    private void checkDrain(long now) {
        if (drainStopMs < 0 || drained.isDone()) {
            return;
        }
        boolean allPast = true;
        long newest = Long.MIN_VALUE;
        for (TrackWriter t : tracks.values()) {
            allPast &= t.pastStop();
            newest = Math.max(newest, t.newestMs());
        }
        DrainEnd end = failed ? DrainEnd.CLOSED
                : allPast ? DrainEnd.CAUGHT_UP
                : newest != Long.MIN_VALUE && newest - drainStopMs >= DRAIN_GRACE_MS ? DrainEnd.OTHERS_SILENT
                : now - lastPacketNanos >= DRAIN_IDLE_MS * 1_000_000 ? DrainEnd.IDLE
                : now - drainDeadlineNanos >= 0 ? DrainEnd.DEADLINE
                : null;
        if (end != null) {
            drained.complete(end);
        }
    }

    /** Changes are few and never refused (so they never wait either): only packets count against the capacity. */
    private void control(Runnable change) {
        queue.add(new Item(null, 0, 0, change));
    }

    /** Frames written to files so far (all tracks). */
    public long framesWritten() {
        return framesWritten.get();
    }

    /** Every stream's result, once the writer has closed the files (after {@link #close}). */
    public CompletableFuture<List<TrackResult>> results() {
        return results;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isConnected() {
        return !closed.get();
    }

    @Override
    public boolean sendRtp(ByteBuf packet) {
        return enqueue(packet);
    }

    /** The consumers' sender reports, translated to their SSRCs and timestamps: the meeting clock's input. */
    @Override
    public boolean sendRtcp(ByteBuf packet) {
        return enqueue(packet);
    }

    private boolean enqueue(ByteBuf packet) {
        if (closed.get() || queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            metrics.drop(DropReason.RECORDER_QUEUE_FULL);
            packet.release();
            return false;
        }
        queue.add(new Item(packet, System.nanoTime(), System.currentTimeMillis(), null));
        return true;
    }

    @Override
    public void flush() {
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public MediaMetrics metrics() {
        return metrics;
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** Stops taking packets; the writer writes what is queued and closes every file; the listener hears of it. */
    @Override
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedAtWallMs = System.currentTimeMillis();
        mediaLoop.execute(() -> {
            Listener l = listener;
            if (l != null) {
                l.onClosed(this, reason);
            }
        });
    }

    /** When {@link #close} was called (server wall ms), or -1: how long a stop took to reach the media loop. */
    public long closedAtWallMs() {
        return closedAtWallMs;
    }

    /** Waits until the writer thread has written what was queued and closed the files. */
    public void awaitClosed(long millis) throws InterruptedException {
        writer.join(millis);
    }

    /** RTCP feedback from a track (NACK, PLI) to its consumer, through the subscriber, on the media loop. */
    private void feedback(Object rtcp) {
        mediaLoop.execute(() -> {
            Listener l = listener;
            if (l == null || closed.get()) {
                return;
            }
            ByteBuf b;
            if (rtcp instanceof Pli pli) {
                b = alloc.buffer(pli.marshalSize());
                pli.marshalTo(b);
            } else {
                Nack nack = (Nack) rtcp;
                b = alloc.buffer(nack.marshalSize());
                nack.marshalTo(b);
            }
            l.onRtcp(RecordingLink.this, b); // the listener (the subscriber) owns and releases it
        });
    }

    private void writeLoop() {
        long nextDiskCheck = 0;
        try {
            while (true) {
                Item item;
                try {
                    // polled, not interrupted: an interrupt would close a file channel in the middle of a write
                    item = queue.poll(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = System.nanoTime();
                if (item == null && closed.get()) {
                    break; // closed and drained
                }
                if (item != null) {
                    handle(item);
                    if (item.packet() != null) {
                        lastPacketNanos = now;
                    }
                }
                // gaps age on the queue's clock: when this thread is behind, a retransmission may be queued
                // right behind its gap, and the gap must not expire for the thread's own delay
                boolean packet = item != null && item.packet() != null;
                long clock = packet ? item.arrivalNanos() : now;
                long clockWallMs = packet ? item.arrivalWallMs() : System.currentTimeMillis();
                for (TrackWriter t : tracks.values()) {
                    t.expire(clock, clockWallMs);
                }
                if (!failed && now - nextDiskCheck >= 0) {
                    nextDiskCheck = now + DISK_CHECK_INTERVAL_MS * 1_000_000;
                    checkDisk();
                }
                if (!failed) {
                    for (TrackWriter t : tracks.values()) {
                        if (t.error() != null) {
                            writeFailed(t);
                            break;
                        }
                    }
                }
                checkDrain(now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "recorder " + id + " stopped", e);
            fail(new Failure(Failure.FAILED, "recorder error: " + e));
        } finally {
            for (TrackWriter t : tracks.values()) {
                finished.add(t.close());
            }
            tracks.clear();
            Item left;
            while ((left = queue.poll()) != null) {
                if (left.packet() != null) {
                    left.packet().release();
                }
            }
            results.complete(List.copyOf(finished));
            drained.complete(DrainEnd.CLOSED);
        }
    }

    private void handle(Item item) {
        if (item.change() != null) {
            item.change().run();
            return;
        }
        ByteBuf p = item.packet();
        queued.decrementAndGet();
        if (failed) {
            p.release();
            return;
        }
        if (PacketKind.isRtcp(p)) {
            try {
                senderReports(p, item.arrivalWallMs());
            } finally {
                p.release();
            }
            return;
        }
        TrackWriter t = RtpHeader.check(p) == null ? tracks.get(RtpHeader.ssrc(p)) : null;
        if (t == null) {
            p.release();
            return;
        }
        t.push(p, item.arrivalNanos(), item.arrivalWallMs());
    }

    private void senderReports(ByteBuf compound, long arrivalWallMs) {
        RtcpCompound.forEach(compound, (type, count, off, len) -> {
            if (type != RtcpHeader.SR) {
                return;
            }
            try {
                SenderReport sr = SenderReport.parse(compound, off, len);
                TrackWriter t = tracks.get(sr.ssrc());
                if (t != null) {
                    t.onSenderReport(sr.ntpTimestamp(), sr.rtpTimestamp(), arrivalWallMs);
                }
            } catch (org.javameet.sfu.rtcp.RtcpException e) {
                metrics.drop(DropReason.RTCP_MALFORMED);
            }
        });
    }

    private void checkDisk() {
        long usable;
        try {
            usable = disk.usableBytes().getAsLong();
        } catch (RuntimeException e) {
            return; // the check is advisory; a real write error still stops the recording
        }
        if (usable < disk.minimumBytes()) {
            fail(new Failure(Failure.DISK_LOW, "free disk space " + usable / (1024 * 1024) + " MiB is below the minimum of "
                    + disk.minimumBytes() / (1024 * 1024) + " MiB"));
        }
    }

    /** A file could not be written: a full disk (said so by the error, or by the space left) or anything else. */
    private void writeFailed(TrackWriter t) {
        String message = "writing " + t.spec().file().getFileName() + " failed: " + t.error();
        boolean full = t.error().contains("No space left on device");
        if (!full) {
            try {
                full = disk.usableBytes().getAsLong() < FULL_BELOW_BYTES;
            } catch (RuntimeException e) {
                // the error message is all there is to go by
            }
        }
        fail(new Failure(full ? Failure.DISK_FULL : Failure.FAILED, message));
    }

    /** Stops writing for good: closes every file where it stands (each plays up to there) and says why, once. */
    private void fail(Failure failure) {
        if (failed) {
            return;
        }
        failed = true;
        LOG.warning("recorder " + id + ": " + failure.message() + "; recording stopped (" + failure.code()
                + "), files so far are kept");
        for (TrackWriter t : tracks.values()) {
            finished.add(t.close());
        }
        tracks.clear();
        try {
            events.onFailed(failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "recorder " + id + ": failure listener", e);
        }
    }
}

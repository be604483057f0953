package org.javameet.sfu.recording;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.webm.WebmWriter;

/**
 * A recorder as forwarding sees it: one more {@link MediaLink} its consumers send to. Each consumer's stream
 * (told apart by the SSRC the consumer rewrites to) becomes one live WebM file, written by this link's own
 * thread from a bounded queue: the media loop only enqueues, and a full queue drops (counted,
 * {@code recorder_queue_full}) rather than waits. After loss the VP8 track waits for a keyframe and asks the
 * publisher for one (a PLI through the consumer, as a browser would).
 */
public final class RecordingLink implements MediaLink {
    private static final Logger LOG = Logger.getLogger(RecordingLink.class.getName());
    /** A PLI at most this often per track while it waits for a keyframe. */
    static final long KEYFRAME_REQUEST_INTERVAL_MS = 500;

    /** What one consumer's stream is: its codec and the file it goes to. */
    public record TrackSpec(long ssrc, WebmWriter.Kind kind, String name, Path file) {
    }

    private final String id;
    private final Executor mediaLoop;
    private final ByteBufAllocator alloc;
    private final MediaMetrics metrics;
    private final BlockingQueue<ByteBuf> queue;
    private final Map<Long, TrackFile> tracks = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesWritten = new AtomicLong();
    private final Thread writer;
    private volatile Listener listener;

    /**
     * @param mediaLoop the loop the consumers run on: keyframe requests and the close notice go back through it
     * @param queueCapacity packets waiting for the writer thread; beyond it packets are dropped and counted
     */
    public RecordingLink(String id, Executor mediaLoop, ByteBufAllocator alloc, MediaMetrics metrics, int queueCapacity) {
        this.id = id;
        this.mediaLoop = mediaLoop;
        this.alloc = alloc;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = new Thread(this::writeLoop, "recorder-" + id);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Routes the consumer stream {@code spec.ssrc()} to its file. Call before the consumer sends. */
    public void track(TrackSpec spec) {
        tracks.put(spec.ssrc(), new TrackFile(spec));
    }

    /** Frames written to files so far (all tracks). */
    public long framesWritten() {
        return framesWritten.get();
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
        if (closed.get() || !queue.offer(packet)) {
            metrics.drop(DropReason.RECORDER_QUEUE_FULL);
            packet.release();
            return false;
        }
        return true;
    }

    @Override
    public boolean sendRtcp(ByteBuf packet) {
        packet.release(); // sender reports: lining tracks up on the meeting clock is the next step
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

    /** Stops taking packets, writes what is queued, closes every file, then tells the listener on the media loop. */
    @Override
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        mediaLoop.execute(() -> {
            Listener l = listener;
            if (l != null) {
                l.onClosed(this, reason);
            }
        });
    }

    /** Waits until the writer thread has written what was queued and closed the files. */
    public void awaitClosed(long millis) throws InterruptedException {
        writer.join(millis);
    }

    private void writeLoop() {
        try {
            while (true) {
                ByteBuf p;
                try {
                    // polled, not interrupted: an interrupt would close a file channel in the middle of a write
                    p = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (p == null) {
                    if (closed.get()) {
                        break; // closed and drained
                    }
                    continue;
                }
                try {
                    TrackFile t = tracks.get(RtpHeader.check(p) == null ? RtpHeader.ssrc(p) : -1L);
                    if (t != null) {
                        t.write(p);
                    }
                } finally {
                    p.release();
                }
            }
        } finally {
            for (TrackFile t : tracks.values()) {
                t.close();
            }
        }
    }

    /** One stream's file, opened at its first frame (for video: the first keyframe, which gives the size). */
    private final class TrackFile {
        final TrackSpec spec;
        final Vp8Depacketizer vp8;
        final RtpClock clock;
        WebmWriter file;
        OutputStream out;
        boolean failed;
        long lastKeyframeRequest = Long.MIN_VALUE;

        TrackFile(TrackSpec spec) {
            this.spec = spec;
            this.vp8 = spec.kind() == WebmWriter.Kind.VP8 ? new Vp8Depacketizer() : null;
            this.clock = new RtpClock(spec.kind() == WebmWriter.Kind.VP8 ? 90_000 : 48_000);
        }

        void write(ByteBuf rtp) {
            if (failed) {
                return;
            }
            try {
                if (vp8 != null) {
                    Vp8Depacketizer.Frame f = vp8.push(rtp);
                    if (f != null) {
                        frame(f.rtpTimestamp(), f.keyframe(), f.data());
                    } else if (vp8.waitingForKeyframe()) {
                        askForKeyframe();
                    }
                } else {
                    int start = rtp.readerIndex() + RtpHeader.headerLength(rtp);
                    byte[] data = new byte[RtpHeader.payloadLength(rtp)];
                    rtp.getBytes(start, data);
                    frame(RtpHeader.timestamp(rtp), true, data);
                }
            } catch (IOException | RuntimeException e) {
                failed = true; // a full disk or a bad path ends this file, never the meeting
                LOG.log(Level.WARNING, "recorder " + id + ": " + spec.file() + ": " + e.getMessage(), e);
            }
        }

        private void frame(long rtpTimestamp, boolean keyframe, byte[] data) throws IOException {
            if (file == null) {
                WebmWriter.Track track = spec.kind() == WebmWriter.Kind.VP8
                        ? WebmWriter.Track.vp8(1, spec.name(), vp8Width(data), vp8Height(data))
                        : WebmWriter.Track.opus(1, spec.name(), 2);
                out = Files.newOutputStream(spec.file());
                file = new WebmWriter(out, List.of(track), "javameet recorder");
            }
            long ms = clock.toMillis(rtpTimestamp);
            if (ms >= 0) {
                file.writeFrame(1, ms, keyframe, data, 0, data.length);
                framesWritten.incrementAndGet();
            }
        }

        private void askForKeyframe() {
            long now = System.nanoTime() / 1_000_000;
            if (now - lastKeyframeRequest < KEYFRAME_REQUEST_INTERVAL_MS) {
                return;
            }
            lastKeyframeRequest = now;
            mediaLoop.execute(() -> {
                Listener l = listener;
                if (l == null || closed.get()) {
                    return;
                }
                Pli pli = new Pli(0, spec.ssrc());
                ByteBuf b = alloc.buffer(pli.marshalSize());
                pli.marshalTo(b);
                l.onRtcp(RecordingLink.this, b); // the listener (the subscriber) owns and releases it
            });
        }

        void close() {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "recorder " + id + ": closing " + spec.file() + ": " + e.getMessage(), e);
            }
        }
    }

    /** RFC 6386 §9.1: a key frame's 10-byte header ends with 14-bit width and height (little-endian, 2 scale bits). */
    static int vp8Width(byte[] keyframe) {
        return keyframe.length >= 10 ? ((keyframe[6] & 0xFF) | (keyframe[7] & 0xFF) << 8) & 0x3FFF : 0;
    }

    static int vp8Height(byte[] keyframe) {
        return keyframe.length >= 10 ? ((keyframe[8] & 0xFF) | (keyframe[9] & 0xFF) << 8) & 0x3FFF : 0;
    }
}

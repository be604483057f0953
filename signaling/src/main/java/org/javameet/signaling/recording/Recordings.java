package org.javameet.signaling.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.session.RecordingSummary;
import org.javameet.signaling.config.RecordingConfig;

/**
 * The server's recordings (config section {@code recording}): who may start one now (enabled, at most
 * {@code maxConcurrent}, enough free disk), where each one's files go, and what runs after one stops
 * ({@link Finalizer}: manifest, optional ffmpeg compose, the admin's finalize script) on a thread of its own, one
 * recording after another, so a long compose never holds a room or the media loop. Thread-safe.
 */
public final class Recordings implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Recordings.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** A started recording's place: its id (the directory's name) and directory. */
    public record Slot(String id, String room, Path directory) {
    }

    /** What finalizing came to, for the moderators: empty {@code problems} means everything ran. */
    public record FinalizeReport(String recordingId, List<String> problems, boolean composed) {
    }

    private final RecordingConfig config;
    private final Path root;
    private final AtomicInteger active = new AtomicInteger();
    private final ExecutorService finalizer;
    private final Finalizer steps;
    private final MeterRegistry registry;
    private final Counter started;

    public Recordings(RecordingConfig config, MeterRegistry registry) {
        this.config = config;
        this.root = Path.of(config.directory()).toAbsolutePath();
        this.registry = registry;
        this.steps = new Finalizer(config.compose(), config.finalizeScript());
        this.finalizer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "recording-finalize");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("javameet.recordings.active", active, AtomicInteger::get)
                .description("recordings running now").register(registry);
        started = Counter.builder("javameet.recordings.started").description("recordings started").register(registry);
    }

    /** Recording switched off: every start is refused with {@code recording-disabled}. */
    public static Recordings disabled() {
        return new Recordings(RecordingConfig.defaults(), new SimpleMeterRegistry());
    }

    public boolean enabled() {
        return config.enabled();
    }

    public int active() {
        return active.get();
    }

    /** Free space below which a recording stops by itself. */
    public long minFreeBytes() {
        return (long) config.minFreeDiskMb() * 1024 * 1024;
    }

    /**
     * Takes one of the {@code maxConcurrent} places and makes the recording's directory; give it back with
     * {@link #release} (or through {@link #finish}).
     */
    public Slot reserve(String room) throws RecordingException {
        if (!config.enabled()) {
            throw new RecordingException("recording-disabled", "recording is not enabled on this server");
        }
        if (active.incrementAndGet() > config.maxConcurrent()) {
            active.decrementAndGet();
            throw new RecordingException("too-many-recordings", "this server records at most "
                    + config.maxConcurrent() + " meetings at once; try again when one has stopped");
        }
        try {
            Files.createDirectories(root);
            long free = Files.getFileStore(root).getUsableSpace();
            if (free < minFreeBytes()) {
                throw new RecordingException("disk-full", "the server has " + free / (1024 * 1024)
                        + " MiB free for recordings, below its minimum of " + config.minFreeDiskMb() + " MiB");
            }
            String id = room + "-" + STAMP.format(java.time.Instant.now()) + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
            Path dir = Files.createDirectory(root.resolve(id));
            started.increment();
            return new Slot(id, room, dir);
        } catch (RecordingException e) {
            active.decrementAndGet();
            throw e;
        } catch (IOException | RuntimeException e) {
            active.decrementAndGet();
            LOG.log(Level.WARNING, "recording for room " + room + " cannot start: " + e, e);
            throw new RecordingException("recording-failed", "the server cannot write recordings now (see its log)");
        }
    }

    public void release(Slot slot) {
        active.decrementAndGet();
    }

    /** A recording stopped (by a moderator, its room closing, or a failure); counted by why. */
    public void stopped(String why) {
        Counter.builder("javameet.recordings.stopped").description("recordings stopped, by why: stopped (asked to),"
                + " room-closed, disk-low, failed").tag("reason", why).register(registry).increment();
    }

    /**
     * Gives the place back and, on the finalize thread: writes manifest.json, composes if configured, runs the
     * finalize script; then tells {@code report}. Raw files are never deleted.
     *
     * @param names participant id → display name, for everyone who was in the meeting while it was recorded
     */
    public void finish(Slot slot, RecordingSummary summary, Map<String, String> names, String startedBy,
                       Consumer<FinalizeReport> report) {
        release(slot);
        finalizer.execute(() -> {
            FinalizeReport r;
            try {
                r = steps.run(slot, summary, names, startedBy);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording " + slot.id() + ": finalizing failed", e);
                r = new FinalizeReport(slot.id(), List.of("finalizing failed: " + e), false);
            }
            for (String problem : r.problems()) {
                Counter.builder("javameet.recordings.finalize.problems")
                        .description("recordings whose manifest, compose or finalize script failed, by step")
                        .tag("step", problem.substring(0, problem.indexOf(' ') < 0 ? problem.length()
                                : problem.indexOf(' '))).register(registry).increment();
            }
            report.accept(r);
        });
    }

    @Override
    public void close() {
        finalizer.shutdown();
    }
}

package org.javameet.signaling.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /**
     * How long a shutdown gives stopped recordings to close their files and finalize: within systemd's default
     * 90 s stop timeout, with room for the rest of the shutdown.
     */
    public static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(45);
    static final Duration MANIFEST_GRACE = Duration.ofSeconds(5);
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
    /** Stopped recordings whose finalizing has not ended: what shutdown waits for. */
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile long shutdownDeadlineNanos = Long.MAX_VALUE;

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
            Finalizer.reserveSpace(dir);
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
                + " room-closed, server-shutdown, disk-low, disk-full, failed").tag("reason", why).register(registry).increment();
    }

    /**
     * Gives the place back and, once the recorder has closed every file ({@code filesClosed}), on the finalize
     * thread: writes manifest.json, composes if configured, runs the finalize script; then tells {@code report}.
     * Raw files are never deleted.
     *
     * @param names participant id → display name, for everyone who was in the meeting while it was recorded
     */
    public void finish(Slot slot, CompletableFuture<RecordingSummary> filesClosed, Map<String, String> names,
                       String startedBy, Consumer<FinalizeReport> report) {
        release(slot);
        CompletableFuture<Void> done = filesClosed.thenAcceptAsync(summary -> {
            FinalizeReport r;
            try {
                r = steps.run(slot, summary, names, startedBy, this::shutdownDeadlineNanos);
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
        }, finalizer);
        inFlight.add(done);
        done.whenComplete((v, e) -> {
            inFlight.remove(done);
            if (e != null) {
                LOG.log(Level.WARNING, "recording " + slot.id() + ": not finalized", e);
            }
        });
    }

    /** When finalizing must be over (server shutdown), or {@link Long#MAX_VALUE} while the server runs. */
    private long shutdownDeadlineNanos() {
        return shutdownDeadlineNanos;
    }

    /** Recordings stopped but not yet finalized (files closing, manifest, compose, script). */
    public int finalizing() {
        return inFlight.size();
    }

    /** Server shutdown with the usual budget, {@link #SHUTDOWN_BUDGET}. */
    @Override
    public void close() {
        close(SHUTDOWN_BUDGET);
    }

    /**
     * Server shutdown (the rooms have stopped their recordings): waits for every stopped recording's files to close
     * and its finalizing to run, within {@code budget}. A compose or finalize script still running at the end of the
     * budget is killed, one not yet started is skipped; either is noted in the manifest's {@code problems} (run it
     * by hand, docs/operations.md). Manifests are always written: they take milliseconds, so the wait goes on for
     * {@link #MANIFEST_GRACE} past the budget for them.
     */
    public void close(Duration budget) {
        shutdownDeadlineNanos = System.nanoTime() + budget.toNanos();
        int pending = inFlight.size();
        if (pending > 0) {
            LOG.info("finishing " + pending + " recording(s) before shutting down (at most " + budget.toSeconds() + " s)");
            try {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                        .get(budget.plus(MANIFEST_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warning(inFlight.size() + " recording(s) not finalized at shutdown: their files are closed only if"
                        + " the recorder got to it; no manifest");
            } catch (ExecutionException e) {
                // logged by the recording's own completion
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finalizer.shutdown();
    }
}

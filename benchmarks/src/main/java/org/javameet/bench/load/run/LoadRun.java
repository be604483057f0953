package org.javameet.bench.load.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.targets.Targets;

/**
 * One run: a target at one step (rooms x participants). Starts the server, joins the participants spread over
 * the ramp-up, waits until media reaches everyone and every rate is steady, measures a window of
 * {@code --duration} seconds (counting only packets sent inside it, see {@link WindowMath}) while printing a
 * progress line every second, then tears everything down.
 */
public final class LoadRun {
    /** Longest wait for steady rates before the window opens anyway (the report says so). */
    static final int STEADY_LIMIT_SECONDS = 30;
    /** The window is announced this long before it opens. */
    private static final long WINDOW_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** After the window: time for its last packets to arrive and its losses to be repaired before counting. */
    static final long GRACE_MILLIS = 2000;

    private final LoadOptions options;
    private final Target target;
    private final int perRoom;
    private final Path logDir;
    private final List<LoadParticipant> participants = new ArrayList<>();
    private final Map<LoadParticipant, Integer> roomOf = new HashMap<>();
    private final List<StepResult.Progress> timeline = new ArrayList<>();
    private final SteadyState steady = new SteadyState();
    private volatile CompletableFuture<?>[] joins;
    private long startNanos;

    public LoadRun(LoadOptions options, Target target, int perRoom, Path logDir) {
        this.options = options;
        this.target = target;
        this.perRoom = perRoom;
        this.logDir = logDir;
    }

    public StepResult run() {
        String label = target.label() + " " + options.rooms() + "x" + perRoom;
        System.out.printf(Locale.ROOT, "=== %s: %d room(s) x %d participants (%d publishing), %d kbps video at %d fps, "
                        + "%d s ramp-up, %d s measured, %.1f %% loss injected%n", target.label(), options.rooms(),
                perRoom, options.publishersAt(perRoom), options.videoKbps(), options.fps(), options.rampUpSeconds(),
                options.durationSeconds(), options.lossPercent());
        TargetServer server = null;
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "load-run");
            t.setDaemon(true);
            return t;
        });
        try {
            server = Targets.start(target, options,
                    logDir.resolve(target.label() + "-" + options.rooms() + "x" + perRoom));
            return measure(server, timer);
        } catch (Exception e) {
            System.out.println("run " + label + " failed: " + e);
            return StepResult.failed(target.label(), options, perRoom, String.valueOf(e.getMessage()));
        } finally {
            timer.shutdownNow();
            closeAll();
            if (server != null) {
                server.close();
            }
        }
    }

    private StepResult measure(TargetServer server, ScheduledExecutorService timer) throws Exception {
        server.window().countNothing(); // until the window is set, once rates are steady
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(1 << 20, 1 << 30), 36);
        int publishers = options.publishersAt(perRoom);
        for (int r = 0; r < options.rooms(); r++) {
            for (int i = 0; i < perRoom; i++) {
                LoadParticipant p = server.participant("load-" + tag + "-" + r, r * perRoom + i, i < publishers,
                        options.capped(i, perRoom));
                participants.add(p);
                roomOf.put(p, r);
            }
        }
        int n = participants.size();
        joins = new CompletableFuture<?>[n];
        long rampNanos = TimeUnit.SECONDS.toNanos(options.rampUpSeconds());
        startNanos = System.nanoTime();
        ProgressPrinter progress = new ProgressPrinter(server.pid());
        timer.scheduleAtFixedRate(() -> {
            try {
                progress.print();
            } catch (RuntimeException e) {
                System.out.println("progress: " + e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            long at = n == 1 ? 0 : rampNanos * i / (n - 1);
            long wait = at - (System.nanoTime() - startNanos);
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            joins[i] = participants.get(i).join();
        }
        int failed = 0;
        String firstError = null;
        for (CompletableFuture<?> j : joins) {
            try {
                j.get(45, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
                if (firstError == null) {
                    firstError = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        if (failed > 0) {
            System.out.println(failed + " of " + n + " participants failed to join; first: " + firstError);
        }
        if (failed == n) {
            throw new IllegalStateException("no participant joined: " + firstError);
        }
        server.allJoined(participants);
        awaitMediaEverywhere();
        double steadyAfter = awaitSteady();

        // the window is set before it opens, so each packet is judged by one window at both ends
        long windowNanos = TimeUnit.SECONDS.toNanos(options.durationSeconds());
        long t0 = System.nanoTime() + WINDOW_LEAD_NANOS;
        long t1 = t0 + windowNanos;
        server.window().set(t0, t1);
        sleepUntil(t0);
        server.windowOpening();
        long t0Wall = System.currentTimeMillis();
        long pid = server.pid();
        ProcStat.Sample cpu0 = pid > 0 ? ProcStat.sample(pid) : null;
        ProcStat.Sample self0 = ProcStat.sample(ProcStat.self());
        OptionalDouble fwd0 = server.forwardedCounter();
        double[] paced0 = server.pacerCounters();
        List<LoadParticipant.Snapshot> s0 = snapshots();
        progress.windowStart = true;
        sleepUntil(t1);
        long t1Wall = System.currentTimeMillis();
        ProcStat.Sample cpu1 = pid > 0 ? ProcStat.sample(pid) : null;
        ProcStat.Sample self1 = ProcStat.sample(ProcStat.self());
        OptionalDouble fwd1 = server.forwardedCounter();
        double[] paced1 = server.pacerCounters();
        progress.windowStart = false;
        // packets sent just before t1 are still on their way, and a lost one may still be repaired
        Thread.sleep(GRACE_MILLIS);
        List<LoadParticipant.Snapshot> s1 = snapshots();
        String besides = server.afterWindow(t0Wall, t1Wall);
        if (besides != null) {
            System.out.println("--- " + besides);
        }
        String pacing = pacing(paced0, paced1, new WindowMath.Window(t0, t1));
        if (pacing != null) {
            System.out.println("--- " + pacing);
        }
        String note = join("; ", server.note(), besides, pacing, notApplicable(server.target()));

        double window = windowNanos / 1e9;
        int[] rooms = new int[n];
        boolean[] joined = new boolean[n];
        for (int i = 0; i < n; i++) {
            rooms[i] = roomOf.get(participants.get(i));
            joined[i] = joins[i].isDone() && !joins[i].isCompletedExceptionally();
        }
        WindowMath.Window span = new WindowMath.Window(t0, t1);
        WindowMath.Result w = WindowMath.compute(rooms, joined, s0, s1, span);
        double sfuCpuSeconds = cpu0 != null && cpu1 != null ? cpu1.cpuSeconds() - cpu0.cpuSeconds() : Double.NaN;
        double sfuCpuPercent = cpu0 != null && cpu1 != null ? ProcStat.cpuPercent(cpu0, cpu1) : Double.NaN;
        double harnessCpu = self0 != null && self1 != null ? ProcStat.cpuPercent(self0, self1) : Double.NaN;
        double serverFwd = fwd0.isPresent() && fwd1.isPresent()
                ? (fwd1.getAsDouble() - fwd0.getAsDouble()) / window : Double.NaN;
        double perMillion = w.arrivals() > 0 ? sfuCpuSeconds / (w.arrivals() / 1e6) : Double.NaN;
        int joinedCount = n - failed;
        List<StepResult.Progress> seconds;
        synchronized (timeline) {
            seconds = List.copyOf(timeline);
        }
        StepResult result = new StepResult(target.label(), options.rooms(), perRoom, publishers, options.videoKbps(),
                options.fps(), options.lossPercent(), window, n, joinedCount, w.joinMs()[0], w.joinMs()[1],
                w.joinMs()[2], w.sent() / window, w.arrivals() / window, serverFwd, w.expected() / window,
                w.lossPercent(), w.worstLossPercent(),
                w.expected() > 0 ? 100.0 * w.delivered() / w.expected() : Double.NaN,
                w.latencyMs()[0], w.latencyMs()[1], w.latencyMs()[2], w.latencyMs()[3], w.jitterMs(),
                w.latencySamples(), w.nacksSent(), w.plisSent(), w.nacksReceived(), w.plisReceived(),
                w.retransmissions(), sfuCpuSeconds, sfuCpuPercent, progress.maxRssMb, perMillion, harnessCpu,
                w.delivered() / window, steadyAfter, progress.unsteadyWindowSeconds, options.pinning(), note,
                failed > 0 ? failed + " participants failed to join: " + firstError : null, seconds,
                byPath(rooms, joined, s0, s1, span), joinStages(w), simulcastOf(server.target()),
                receivers(w, span));
        if (!result.joinStages().steps().isEmpty()) {
            System.out.print("join steps, ms since each participant's join start (p50 / p95 / max):\n"
                    + result.joinStages().describe());
        }
        System.out.printf(Locale.ROOT, "--- %s %dx%d: %.0f pps forwarded, loss %.2f %%, latency p50 %.2f / p99 %.2f ms, "
                        + "SFU %.1f %% CPU, harness %.1f %% CPU, %.2f CPU-s per million packets%n", target.label(),
                options.rooms(), perRoom, result.forwardedPps(), result.lossPercent(), result.latencyMsP50(),
                result.latencyMsP99(), result.sfuCpuPercent(), result.harnessCpuPercent(),
                result.cpuSecondsPerMillion());
        for (StepResult.ReceiverFigures f : result.receivers()) {
            System.out.printf(Locale.ROOT, "    %s%s: %.0f kbit/s delivered, loss %.2f %%, layers at end %s, time %s, "
                            + "%d switches, server estimate %.0f (last %.0f) kbit/s%n", f.name(),
                    f.capKbps() > 0 ? " (capped at " + f.capKbps() + " kbit/s, " + f.capDropped() + " dropped)" : "",
                    f.deliveredKbps(), f.lossPercent(), f.layersAtEnd(), f.layerTime(), f.switches(), f.estimateKbps(),
                    f.estimateLastKbps());
        }
        for (StepResult.PathFigures p : result.byPath()) {
            System.out.printf(Locale.ROOT, "    %s receivers (%d): %.0f pps, delivered %.1f %%, latency p50 %.2f / p99 %.2f ms%n",
                    p.path(), p.receivers(), p.forwardedPps(), p.deliveryPercent(), p.latencyMsP50(), p.latencyMsP99());
        }
        return result;
    }

    /**
     * The receivers' figures per path when participants' paths differ ({@code --tcp-share}): the same window math,
     * with only that group's receivers counted (every publisher still counts as a sender). Empty otherwise.
     */
    private List<StepResult.PathFigures> byPath(int[] rooms, boolean[] joined, List<LoadParticipant.Snapshot> s0,
                                                List<LoadParticipant.Snapshot> s1, WindowMath.Window span) {
        double window = span.nanos() / 1e9;
        java.util.SortedSet<String> paths = new java.util.TreeSet<>();
        for (LoadParticipant p : participants) {
            if (p.path() != null) {
                paths.add(p.path());
            }
        }
        if (paths.size() < 2) {
            return List.of();
        }
        List<StepResult.PathFigures> out = new ArrayList<>();
        for (String path : paths) {
            boolean[] inGroup = new boolean[joined.length];
            int receivers = 0;
            for (int i = 0; i < joined.length; i++) {
                inGroup[i] = joined[i] && path.equals(participants.get(i).path());
                receivers += inGroup[i] ? 1 : 0;
            }
            WindowMath.Result g = WindowMath.compute(rooms, inGroup, s0, s1, span);
            out.add(new StepResult.PathFigures(path, receivers, g.arrivals() / window,
                    g.expected() > 0 ? 100.0 * g.delivered() / g.expected() : Double.NaN, g.lossPercent(),
                    g.latencyMs()[0], g.latencyMs()[1], g.latencyMs()[2], g.latencyMs()[3]));
        }
        return out;
    }

    /**
     * What the server's pacer did in the window (packets it held back, and those sent only because they had waited
     * its limit) and the send-side estimates it had for the receivers (each one's time-weighted mean over the
     * window: the lowest, the median, the highest); null without pacer counters.
     */
    private String pacing(double[] before, double[] after, WindowMath.Window span) {
        if (before == null || after == null) {
            return null;
        }
        List<Double> means = new ArrayList<>();
        for (LoadParticipant p : participants) {
            double mean = p.serverEstimateBps(span.fromNanos(), span.toNanos())[0];
            if (!Double.isNaN(mean)) {
                means.add(mean / 1000);
            }
        }
        java.util.Collections.sort(means);
        String estimates = means.isEmpty() ? "no server estimates" : String.format(Locale.ROOT,
                "server estimates (window means) %.0f / %.0f / %.0f kbit/s (lowest / median / highest of %d)",
                means.get(0), means.get(means.size() / 2), means.get(means.size() - 1), means.size());
        return String.format(Locale.ROOT, "pacer in the window: %.0f packets held, %.0f sent overdue; %s",
                after[0] - before[0], after[1] - before[1], estimates);
    }

    /** Simulcast layers this target's publishers sent: {@code --simulcast} on javameet, one stream elsewhere. */
    private int simulcastOf(Target t) {
        return t == Target.JAVAMEET || t == Target.JAVAMEET_TCP ? options.simulcast() : 1;
    }

    /** What the report says of options this target does not take (javameet-only ones), or null. */
    private String notApplicable(Target t) {
        if (t == Target.JAVAMEET || t == Target.JAVAMEET_TCP) {
            return null;
        }
        String options = join(" and ", this.options.simulcast() > 1 ? "--simulcast" : null,
                this.options.receiverCapKbps() > 0 ? "--receiver-cap" : null);
        return options == null ? null : options + " not applicable (one stream per publisher, no capped receivers)";
    }

    private static String join(String separator, String... parts) {
        List<String> present = new ArrayList<>();
        for (String p : parts) {
            if (p != null) {
                present.add(p);
            }
        }
        return present.isEmpty() ? null : String.join(separator, present);
    }

    /**
     * Per receiver, when the run had simulcast publishers or capped receivers: delivered bitrate, loss, layers and
     * the server's estimate for it, in joining order. Empty otherwise.
     */
    private List<StepResult.ReceiverFigures> receivers(WindowMath.Result w, WindowMath.Window span) {
        boolean any = false;
        for (LoadParticipant p : participants) {
            any |= p.receiveCapBps() > 0;
        }
        if (!any && simulcastOf(target) == 1) {
            return List.of();
        }
        double seconds = span.nanos() / 1e9;
        List<StepResult.ReceiverFigures> out = new ArrayList<>();
        for (WindowMath.Receiver r : w.receivers()) {
            LoadParticipant p = participants.get(r.index());
            double[] estimate = p.serverEstimateBps(span.fromNanos(), span.toNanos());
            out.add(new StepResult.ReceiverFigures(p.name(), p.receiveCapBps() / 1000, r.windowBytes() * 8 / seconds / 1000,
                    r.lossPercent(), layerCounts(r.layersAtEnd()), layerShares(r.layerNanos()), r.switches(),
                    estimate[0] / 1000, estimate[1] / 1000, p.receiveCapDropped()));
        }
        return out;
    }

    /** {@code r2 x4, r0 x1}: how many videos came last on each layer, the top first. */
    static String layerCounts(int[] atEnd) {
        List<String> parts = new ArrayList<>();
        for (int k = atEnd.length - 1; k >= 0; k--) {
            if (atEnd[k] > 0) {
                parts.add("r" + k + " x" + atEnd[k]);
            }
        }
        return parts.isEmpty() ? "–" : String.join(", ", parts);
    }

    /** {@code r2 80 %, r0 20 %}: the share of the forwarded video time on each layer, the top first. */
    static String layerShares(long[] nanos) {
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        if (total == 0) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        for (int k = nanos.length - 1; k >= 0; k--) {
            if (nanos[k] > 0) {
                parts.add(String.format(Locale.ROOT, "r%d %.0f %%", k, 100.0 * nanos[k] / total));
            }
        }
        return String.join(", ", parts);
    }

    /**
     * Waits (up to {@link #STEADY_LIMIT_SECONDS}) until every sender's rate and the total received rate are
     * steady ({@link SteadyState}); returns how long that took, NaN when they never were.
     */
    private double awaitSteady() throws InterruptedException {
        long from = System.nanoTime();
        long deadline = from + TimeUnit.SECONDS.toNanos(STEADY_LIMIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (steady.steady()) {
                return (System.nanoTime() - from) / 1e9;
            }
            Thread.sleep(200);
        }
        System.out.println("measuring anyway: rates not steady (within " + Math.round(SteadyState.TOLERANCE * 100)
                + " % for " + SteadyState.SECONDS + " s) after " + STEADY_LIMIT_SECONDS + " s");
        return Double.NaN;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /**
     * Waits (up to 30 s) until every participant receives every track it should (two per other publisher of its
     * room), so the window measures steady forwarding, not subscriptions still being negotiated.
     */
    private void awaitMediaEverywhere() throws InterruptedException {
        int[] publishersIn = new int[options.rooms()];
        for (LoadParticipant p : participants) {
            if (p.publishes()) {
                publishersIn[roomOf.get(p)]++;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int missing = -1;
        while (System.nanoTime() < deadline) {
            List<LoadParticipant.Snapshot> s = snapshots();
            missing = 0;
            for (int i = 0; i < participants.size(); i++) {
                LoadParticipant p = participants.get(i);
                int want = 2 * (publishersIn[roomOf.get(p)] - (p.publishes() ? 1 : 0));
                int have = 0;
                for (LoadParticipant.TrackSnapshot t : s.get(i).tracks()) {
                    if (t.packets() > 0) {
                        have++;
                    }
                }
                if (have < want && joins[i].isDone() && !joins[i].isCompletedExceptionally()) {
                    missing += want - have;
                }
            }
            if (missing == 0) {
                return;
            }
            Thread.sleep(1000);
        }
        System.out.println("measuring anyway: " + missing + " tracks still without media after 30 s");
    }

    private JoinStages joinStages(WindowMath.Result w) {
        List<java.util.Map<String, Long>> steps = new ArrayList<>();
        for (LoadParticipant p : participants) {
            try {
                java.util.Map<String, Long> s = p.joinSteps();
                if (!s.isEmpty()) {
                    steps.add(s);
                }
            } catch (RuntimeException e) {
                // a participant that failed to join has no steps to tell
            }
        }
        return JoinStages.of(steps, w.joinMs());
    }

    private List<LoadParticipant.Snapshot> snapshots() {
        List<CompletableFuture<LoadParticipant.Snapshot>> fs = new ArrayList<>();
        for (LoadParticipant p : participants) {
            fs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return p.snapshot();
                } catch (RuntimeException e) {
                    return LoadParticipant.Snapshot.EMPTY;
                }
            }));
        }
        List<LoadParticipant.Snapshot> out = new ArrayList<>();
        for (CompletableFuture<LoadParticipant.Snapshot> f : fs) {
            out.add(f.join());
        }
        return out;
    }

    private void closeAll() {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (LoadParticipant p : participants) {
            fs.add(CompletableFuture.runAsync(p::close));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("closing participants: " + e);
        }
    }

    /** The line printed every second, and the timeline the HTML report draws. */
    private final class ProgressPrinter {
        private final long pid;
        private ProcStat.Sample lastCpu;
        private ProcStat.Sample lastSelf;
        private long[] lastSent;
        private long[] lastReceived;
        private long lastNanos;
        volatile boolean windowStart;
        /** Seconds inside the window whose rates were not steady (a disturbed window: the report says so). */
        volatile int unsteadyWindowSeconds;
        double maxRssMb = Double.NaN;

        ProgressPrinter(long pid) {
            this.pid = pid;
        }

        void print() {
            long now = System.nanoTime();
            int n = participants.size();
            long[] sent = new long[n];
            long[] received = new long[n];
            int connected = 0;
            CompletableFuture<?>[] js = joins;
            for (int i = 0; i < n; i++) {
                if (js != null && js[i] != null && js[i].isDone() && !js[i].isCompletedExceptionally()) {
                    connected++;
                    LoadParticipant.Traffic t = participants.get(i).traffic();
                    sent[i] = t.datagramsSent();
                    received[i] = t.datagramsReceived();
                }
            }
            ProcStat.Sample cpu = pid > 0 ? ProcStat.sample(pid) : null;
            ProcStat.Sample self = ProcStat.sample(ProcStat.self());
            double dt = lastNanos == 0 ? 0 : (now - lastNanos) / 1e9;
            double sentPps = 0;
            double recvPps = 0;
            double expected = 0;
            if (lastSent != null && dt > 0) {
                int[] roomSize = new int[options.rooms()];
                for (LoadParticipant p : participants) {
                    roomSize[roomOf.get(p)]++;
                }
                long s = 0;
                long r = 0;
                for (int i = 0; i < n; i++) {
                    long ds = sent[i] - lastSent[i];
                    s += ds;
                    r += received[i] - lastReceived[i];
                    expected += (double) ds * (roomSize[roomOf.get(participants.get(i))] - 1);
                }
                sentPps = s / dt;
                recvPps = r / dt;
                double[] senderRates = new double[n];
                int senders = 0;
                for (int i = 0; i < n; i++) {
                    if (participants.get(i).publishes() && lastSent[i] > 0) {
                        senderRates[senders++] = (sent[i] - lastSent[i]) / dt;
                    }
                }
                steady.add(java.util.Arrays.copyOf(senderRates, senders), recvPps);
                if (windowStart && !steady.steady()) {
                    unsteadyWindowSeconds++;
                }
            }
            // with simulcast a receiver gets one of several layers: this datagram count says nothing of loss then
            double loss = simulcastOf(target) > 1 ? Double.NaN
                    : expected > 0 ? Math.max(0, 100.0 * (1 - recvPps * dt / expected)) : 0;
            double cpuPct = cpu != null && lastCpu != null ? ProcStat.cpuPercent(lastCpu, cpu) : Double.NaN;
            double selfPct = self != null && lastSelf != null ? ProcStat.cpuPercent(lastSelf, self) : Double.NaN;
            double rssMb = cpu != null ? cpu.rssKb() / 1024.0 : Double.NaN;
            if (!Double.isNaN(rssMb) && (Double.isNaN(maxRssMb) || rssMb > maxRssMb)) {
                maxRssMb = rssMb;
            }
            double t = (now - startNanos) / 1e9;
            System.out.printf(Locale.ROOT, "[%s %dx%d %5.1fs%s] connected %d/%d | sent %6.0f pps | received %7.0f pps"
                            + " | loss %5.2f %% | SFU CPU %5.1f %% RSS %4.0f MB | harness CPU %5.1f %%%n", target.label(),
                    options.rooms(), perRoom, t, windowStart ? "*" : " ", connected, n, sentPps, recvPps, loss, cpuPct,
                    rssMb, selfPct);
            synchronized (timeline) {
                timeline.add(new StepResult.Progress(Math.round(t * 10) / 10.0, connected, sentPps, recvPps, loss,
                        cpuPct, rssMb, selfPct));
            }
            lastCpu = cpu;
            lastSelf = self;
            lastSent = sent;
            lastReceived = received;
            lastNanos = now;
        }
    }
}

package org.javameet.bench.load.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.javameet.bench.load.run.ProcStat;
import org.javameet.peer.Participant;
import org.javameet.peer.SignalingClient;

/**
 * The rooms a javameet run records ({@code --record-rooms}): started by each room's moderator once everyone is in,
 * stopped after the window; then what recording cost and whether it kept up: the recorder threads' CPU over the
 * window (of one core, and as a share of the server's), {@code recorder_queue_full} drops, and for every file how
 * much of the window its frames span (from the manifests, on the server's clock), with frames lost to gaps.
 */
final class RoomRecordings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Participant> moderators;
    private final Path directory;
    private final int refused;
    private long recorderTicks0 = -1;
    private ProcStat.Sample process0;

    private RoomRecordings(List<Participant> moderators, Path directory, int refused) {
        this.moderators = moderators;
        this.directory = directory;
        this.refused = refused;
    }

    /**
     * @param rooms each room's joined participants in joining order: the first who may record starts it (the
     *              first to join is the moderator; a join that failed or came late moves that role on)
     */
    static RoomRecordings start(List<List<Participant>> rooms, Path directory) {
        List<Participant> recording = new ArrayList<>();
        int refused = 0;
        for (List<Participant> room : rooms) {
            Participant started = null;
            for (Participant p : room) {
                try {
                    JsonNode state = p.signaling().request(SignalingClient.message("startRecording"), "recordingState")
                            .get(20, TimeUnit.SECONDS);
                    if (state.path("active").asBoolean()) {
                        started = p;
                        break;
                    }
                } catch (Exception e) {
                    // not the moderator (refused: not-moderator), or its socket is gone: try the next one
                }
            }
            if (started != null) {
                recording.add(started);
            } else {
                refused++;
            }
        }
        System.out.println("recording " + recording.size() + " room(s) into " + directory);
        return new RoomRecordings(recording, directory, refused);
    }

    void windowOpening(long pid) {
        if (pid > 0) {
            recorderTicks0 = ProcStat.threadCpuTicks(pid, "recorder-");
            process0 = ProcStat.sample(pid);
        }
    }

    String stopAndReport(long pid, long windowStartEpochMs, long windowEndEpochMs, double queueFullDrops)
            throws Exception {
        long recorderTicks1 = pid > 0 ? ProcStat.threadCpuTicks(pid, "recorder-") : -1;
        ProcStat.Sample process1 = pid > 0 ? ProcStat.sample(pid) : null;
        List<CompletableFuture<JsonNode>> finalized = new ArrayList<>();
        for (Participant p : moderators) {
            finalized.add(p.signaling().awaitType("recordingFinalized"));
            p.signaling().send(SignalingClient.message("stopRecording"));
        }
        int unfinished = 0;
        for (CompletableFuture<JsonNode> f : finalized) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                unfinished++; // stopped by itself earlier (disk), or the moderator's socket is gone: counted below
            }
        }
        String cpu = "recorder CPU unknown (no pid)";
        if (recorderTicks0 >= 0 && recorderTicks1 >= 0 && process0 != null && process1 != null) {
            double seconds = (process1.nanoTime() - process0.nanoTime()) / 1e9;
            double recorderCpu = (recorderTicks1 - recorderTicks0) / (double) ProcStat.clockTicks();
            double processCpu = process1.cpuSeconds() - process0.cpuSeconds();
            cpu = String.format(Locale.ROOT, "recorder threads %.1f %% of one core (%.1f %% of the server's %.1f %%)",
                    100 * recorderCpu / seconds, processCpu > 0 ? 100 * recorderCpu / processCpu : Double.NaN,
                    100 * processCpu / seconds);
        }
        double window = windowEndEpochMs - windowStartEpochMs;
        int files = 0;
        int whole = 0;
        double worst = 100;
        double kBps = 0;
        long framesDropped = 0;
        long packetsLost = 0;
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                JsonNode m = JSON.readTree(Files.readString(dir.resolve("manifest.json")));
                long start = Instant.parse(m.path("start").asText()).toEpochMilli();
                long bytes = 0;
                for (JsonNode p : m.path("participants")) {
                    for (JsonNode t : p.path("tracks")) {
                        // the window on the recording's clock, against the span of the file's frames
                        double from = Math.max(t.path("startMs").asLong(), windowStartEpochMs - start);
                        double to = Math.min(t.path("endMs").asLong(), windowEndEpochMs - start);
                        double covered = t.path("frames").asLong() > 0 ? 100 * Math.max(0, to - from) / window : 0;
                        files++;
                        whole += covered >= 99 ? 1 : 0;
                        worst = Math.min(worst, covered);
                        bytes += t.path("bytes").asLong();
                        framesDropped += t.path("framesDropped").asLong();
                        packetsLost += t.path("packetsLost").asLong();
                    }
                }
                kBps += bytes / 1024.0 / Math.max(1, m.path("durationMs").asLong() / 1000.0);
            }
        }
        return String.format(Locale.ROOT, "recording %d room(s)%s%s: %s; recorder_queue_full %.0f; %d files, %d cover"
                        + " >= 99 %% of the window (worst %.1f %%); %d frames dropped, %d packets never repaired; %.0f kB/s"
                        + " written per room", moderators.size(), refused > 0 ? " (" + refused + " refused)" : "",
                unfinished > 0 ? " (" + unfinished + " not finalized after the stop)" : "", cpu,
                queueFullDrops, files, whole, worst, framesDropped, packetsLost,
                moderators.isEmpty() ? 0.0 : kBps / moderators.size());
    }
}

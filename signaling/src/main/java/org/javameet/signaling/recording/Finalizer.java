package org.javameet.signaling.recording;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.javameet.sfu.session.RecordingSummary;

/**
 * What runs after a recording stops, in this order, as Jibri does: {@code manifest.json} (who, which files,
 * when), then if configured one composed file of the whole meeting by {@code ffmpeg} ({@link Compose}), then the
 * admin's finalize script with the recording's directory as its argument. Each step's failure is logged (the
 * tools' output goes to {@code compose.log} / {@code finalize.log} in the directory) and reported; a later step
 * still runs; nothing is ever deleted.
 */
final class Finalizer {
    private static final Logger LOG = Logger.getLogger(Finalizer.class.getName());
    /** Made for the first manifest, not at start (a mapper is ~150 ms of class loading; docs/performance.md). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
    static final String MANIFEST = "manifest.json";
    static final String COMPOSED = "composed.webm";
    /** Space held for finalizing while the recording runs; removed first thing when it stops. */
    static final String RESERVE = ".finalize-reserve";
    static final int RESERVE_BYTES = 256 * 1024;
    /** A compose takes about the meeting's length on a busy machine; more than this is stuck. */
    static final long COMPOSE_TIMEOUT_MINUTES = 180;
    static final long SCRIPT_TIMEOUT_MINUTES = 60;
    private static final long WAIT_SLICE_MS = 200;
    /** Why a recording stopped when its disk has no room for a composed copy. */
    private static final java.util.Set<String> DISK_STOPS = java.util.Set.of("disk-full", "disk-low");

    private final boolean compose;
    private final String script;

    Finalizer(boolean compose, String script) {
        this.compose = compose;
        this.script = script;
    }

    /**
     * @param shutdownDeadline {@link System#nanoTime()} by which the server shuts down ({@link Long#MAX_VALUE} while
     *                         it runs): a tool still running then is killed, one not started is skipped
     */
    Recordings.FinalizeReport run(Recordings.Slot slot, RecordingSummary summary, Map<String, String> names,
                                  String startedBy, LongSupplier shutdownDeadline) {
        List<String> problems = new ArrayList<>();
        Path dir = slot.directory();
        releaseSpace(dir);
        ObjectNode manifest = manifest(slot, summary, names, startedBy);
        writeManifest(dir, manifest, problems);
        boolean composed = false;
        if (compose) {
            List<String> command = Compose.command(summary, dir.resolve(COMPOSED));
            if (command == null) {
                problems.add("compose skipped: nothing was recorded");
            } else if (DISK_STOPS.contains(summary.stoppedBy())) {
                // a composed copy would fill what is left and starve the finalize script (often the one that moves
                // the files off this disk); compose by hand once there is room (docs/operations.md)
                problems.add("compose skipped: the recording stopped because the disk is full (" + summary.stoppedBy() + ")");
            } else {
                composed = runTool("compose", command, dir, dir.resolve("compose.log"), COMPOSE_TIMEOUT_MINUTES,
                        shutdownDeadline, problems);
                if (composed) {
                    manifest.put("composed", COMPOSED);
                }
            }
        }
        if (script != null) {
            runTool("finalize-script", List.of(script, dir.toString()), dir, dir.resolve("finalize.log"),
                    SCRIPT_TIMEOUT_MINUTES, shutdownDeadline, problems);
        }
        if (composed || !problems.isEmpty()) {
            // what an admin looks at later (nobody may be left to tell: a shutdown), without reading the log
            ArrayNode listed = manifest.putArray("problems");
            problems.forEach(listed::add);
            writeManifest(dir, manifest, problems);
        }
        LOG.info(() -> "recording " + slot.id() + " finalized" + (problems.isEmpty() ? "" : ": " + problems));
        return new Recordings.FinalizeReport(slot.id(), List.copyOf(problems), composed);
    }

    /**
     * Keeps {@link #RESERVE_BYTES} for the manifest in the recording's own directory: a recording that stopped
     * because the disk filled still gets its manifest (and the finalize script a little room), written into the
     * space this file gave back. Real bytes, not a sparse file, so the space is really held.
     */
    static void reserveSpace(Path dir) throws IOException {
        Files.write(dir.resolve(RESERVE), new byte[RESERVE_BYTES]);
    }

    private static void releaseSpace(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(RESERVE));
        } catch (IOException e) {
            LOG.warning("recording " + dir.getFileName() + ": removing " + RESERVE + ": " + e);
        }
    }

    static ObjectNode manifest(Recordings.Slot slot, RecordingSummary summary, Map<String, String> names,
                               String startedBy) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("recordingId", slot.id());
        m.put("room", slot.room());
        m.put("start", Instant.ofEpochMilli(summary.startWallMs()).toString());
        m.put("end", Instant.ofEpochMilli(summary.endWallMs()).toString());
        m.put("durationMs", summary.endWallMs() - summary.startWallMs());
        m.put("stoppedBy", summary.stoppedBy());
        m.put("startedBy", startedBy);
        m.put("clock", "every track's startMs/endMs are milliseconds since start; the files carry the same times");
        Map<String, ArrayNode> byParticipant = new LinkedHashMap<>();
        ArrayNode participants = m.putArray("participants");
        for (Map.Entry<String, String> e : names.entrySet()) {
            ObjectNode p = participants.addObject().put("id", e.getKey()).put("name", e.getValue());
            byParticipant.put(e.getKey(), p.putArray("tracks"));
        }
        for (RecordingSummary.Track t : summary.tracks()) {
            ArrayNode tracks = byParticipant.computeIfAbsent(t.participantId(), id -> participants.addObject()
                    .put("id", id).put("name", names.getOrDefault(id, id)).putArray("tracks"));
            ObjectNode n = tracks.addObject().put("kind", t.kind()).put("label", t.label());
            if (t.file() != null) {
                n.put("file", t.file().getFileName().toString());
            } else {
                n.putNull("file");
            }
            n.put("codec", t.kind().equals("video") ? "VP8" : "Opus")
                    .put("startMs", t.startMs()).put("endMs", t.endMs()).put("frames", t.frames())
                    .put("bytes", t.bytes()).put("framesDropped", t.framesDropped())
                    .put("framesBeforeKeyframe", t.framesBeforeKeyframe()).put("packetsLost", t.packetsLost())
                    .put("clock", t.senderReportClock() ? "rtcp-sender-reports" : "arrival");
        }
        return m;
    }

    private static void writeManifest(Path dir, ObjectNode manifest, List<String> problems) {
        try {
            Path tmp = dir.resolve(MANIFEST + ".tmp");
            Files.writeString(tmp, Json.MAPPER.writeValueAsString(manifest) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(MANIFEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warning("recording " + dir.getFileName() + ": writing " + MANIFEST + " failed: " + e);
            problems.add("manifest failed: " + e.getMessage());
        }
    }

    /**
     * Runs a tool to completion (or its timeout, or the shutdown deadline), output to {@code log}; false and a
     * problem when it failed or did not run.
     */
    private static boolean runTool(String step, List<String> command, Path dir, Path log, long timeoutMinutes,
                                   LongSupplier shutdownDeadline, List<String> problems) {
        if (shutdownDeadline.getAsLong() - System.nanoTime() <= 0) {
            problems.add(step + " skipped: the server shut down first (run it by hand, docs/operations.md)");
            LOG.warning("recording " + dir.getFileName() + ": " + step + " skipped at shutdown");
            return false;
        }
        try {
            // the command first, so a step cut short (or failed) can be run again by hand from the directory
            Files.writeString(log, "$ " + shellQuoted(command) + "\n", StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            long timeoutAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
            // in slices, so a shutdown that begins while the tool runs is seen within one
            while (!p.waitFor(WAIT_SLICE_MS, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now - shutdownDeadline.getAsLong() >= 0) {
                    p.destroyForcibly();
                    problems.add(step + " cut short: the server shut down (run it by hand, docs/operations.md)");
                    LOG.warning("recording " + dir.getFileName() + ": " + step + " killed at shutdown");
                    return false;
                }
                if (now - timeoutAt >= 0) {
                    p.destroyForcibly();
                    problems.add(step + " timed out after " + timeoutMinutes + " minutes (see " + log.getFileName() + ")");
                    LOG.warning("recording " + dir.getFileName() + ": " + step + " timed out");
                    return false;
                }
            }
            if (p.exitValue() != 0) {
                String last = lastLine(log);
                problems.add(step + " failed: exit " + p.exitValue() + (last.isEmpty() ? "" : ": " + last));
                LOG.warning("recording " + dir.getFileName() + ": " + step + " exited " + p.exitValue() + ": " + last);
                return false;
            }
            return true;
        } catch (IOException e) {
            problems.add(step + " failed: " + e.getMessage());
            LOG.warning("recording " + dir.getFileName() + ": " + step + " could not run: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(step + " interrupted");
            return false;
        }
    }

    /** The command as a POSIX shell line: every argument in single quotes. */
    static String shellQuoted(List<String> command) {
        StringBuilder b = new StringBuilder();
        for (String arg : command) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    String l = lines.get(i).strip();
                    return l.length() > 200 ? l.substring(0, 200) + "…" : l;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the exit code says enough
        }
        return "";
    }
}

package org.javameet.signaling.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.session.RecordingSummary;
import org.javameet.signaling.config.RecordingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may start a recording (named refusals), and finalizing: manifest, compose and script failures reported, files kept. */
class RecordingsTest {
    @TempDir
    Path dir;

    private Recordings recordings(boolean enabled, boolean compose, String script, int max, int minFreeMb) {
        return new Recordings(new RecordingConfig(enabled, dir.resolve("rec").toString(), compose, script, max, minFreeMb),
                new SimpleMeterRegistry());
    }

    @Test
    void refusalsAreNamed() throws Exception {
        assertEquals("recording-disabled", assertThrows(RecordingException.class,
                () -> recordings(false, false, null, 1, 0).reserve("r")).code());

        Recordings one = recordings(true, false, null, 1, 0);
        Recordings.Slot slot = one.reserve("standup");
        assertTrue(Files.isDirectory(slot.directory()));
        assertTrue(slot.id().startsWith("standup-"), slot.id());
        assertEquals("too-many-recordings", assertThrows(RecordingException.class, () -> one.reserve("other")).code());
        assertEquals(1, one.active());
        one.release(slot);
        one.release(one.reserve("other")); // the place is free again

        RecordingException disk = assertThrows(RecordingException.class,
                () -> recordings(true, false, null, 4, 10_000_000).reserve("r"));
        assertEquals("disk-full", disk.code());
        assertTrue(disk.getMessage().contains("below its minimum of 10000000 MiB"), disk.getMessage());
    }

    @Test
    void aFailingComposeAndScriptAreReportedAndTheRawFilesStay() throws Exception {
        Path script = dir.resolve("finalize.sh");
        Files.writeString(script, "#!/bin/sh\necho \"finalizing $1\"\necho 'upload failed' >&2\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Recordings r = recordings(true, true, script.toString(), 2, 0);
        Recordings.Slot slot = r.reserve("room");
        Path raw = Files.writeString(slot.directory().resolve("p1-camera-1.webm"), "not a webm file");
        RecordingSummary summary = new RecordingSummary(slot.directory(), 1_000, 5_000, "stopped", List.of(
                new RecordingSummary.Track("p1", "video", "camera", raw, 0, 4_000, 60, 15, 0, 0, 0, true)));
        CompletableFuture<Recordings.FinalizeReport> report = new CompletableFuture<>();
        r.finish(slot, CompletableFuture.completedFuture(summary), Map.of("p1", "Ada"), "p1", report::complete);
        Recordings.FinalizeReport done = report.get(60, TimeUnit.SECONDS);

        assertEquals(0, r.active(), "the place is given back at once");
        assertFalse(done.composed());
        assertEquals(2, done.problems().size(), done.problems().toString());
        assertTrue(done.problems().get(0).startsWith("compose failed: exit "), done.problems().toString());
        assertEquals("finalize-script failed: exit 3: upload failed", done.problems().get(1));
        String log = Files.readString(slot.directory().resolve("finalize.log"));
        assertTrue(log.startsWith("$ '" + script + "' '" + slot.directory() + "'\n"), "the command, to run again: " + log);
        assertTrue(log.contains("finalizing " + slot.directory()), log);
        assertEquals("not a webm file", Files.readString(raw), "raw files are never deleted or changed");
        String manifest = Files.readString(slot.directory().resolve("manifest.json"));
        assertTrue(manifest.contains("\"name\" : \"Ada\"") && manifest.contains("\"file\" : \"p1-camera-1.webm\""), manifest);
        r.close();
    }

    /**
     * Shutdown waits for finalizing only within its budget: a finalize script still running then is killed, the next
     * recording's is skipped, both manifests are written and say so, and close returns soon after the budget.
     */
    @Test
    void shutdownBoundsFinalizingAndTheManifestsSayWhatWasCutShort() throws Exception {
        Path script = dir.resolve("slow.sh");
        Files.writeString(script, "#!/bin/sh\nsleep 60\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Recordings r = recordings(true, false, script.toString(), 2, 0);
        List<CompletableFuture<Recordings.FinalizeReport>> reports = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        List<Recordings.Slot> slots = List.of(r.reserve("one"), r.reserve("two"));
        for (int i = 0; i < 2; i++) {
            Recordings.Slot slot = slots.get(i);
            assertTrue(Files.exists(slot.directory().resolve(Finalizer.RESERVE)), "space held for the manifest");
            r.finish(slot, CompletableFuture.completedFuture(new RecordingSummary(slot.directory(), 1_000, 5_000,
                    "server-shutdown", List.of())), Map.of("p1", "Ada"), "p1", reports.get(i)::complete);
        }
        // the first script is running (sleeping) when the shutdown begins
        Thread.sleep(500);
        long t0 = System.nanoTime();
        r.close(java.time.Duration.ofSeconds(1));
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(closeMs < 1_000 + Recordings.MANIFEST_GRACE.toMillis(), "close is bounded: " + closeMs + " ms");
        assertEquals(List.of("finalize-script cut short: the server shut down (run it by hand, docs/operations.md)"),
                reports.get(0).get(5, TimeUnit.SECONDS).problems());
        assertEquals(List.of("finalize-script skipped: the server shut down first (run it by hand, docs/operations.md)"),
                reports.get(1).get(5, TimeUnit.SECONDS).problems());
        for (Recordings.Slot slot : slots) {
            String manifest = Files.readString(slot.directory().resolve("manifest.json"));
            assertTrue(manifest.contains("\"stoppedBy\" : \"server-shutdown\"") && manifest.contains("finalize-script "),
                    manifest);
            assertFalse(Files.exists(slot.directory().resolve(Finalizer.RESERVE)), "the reserve is given back");
        }
    }
}

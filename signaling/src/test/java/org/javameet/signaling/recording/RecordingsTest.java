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
                new RecordingSummary.Track("p1", "video", "camera", raw, 0, 4_000, 60, 15, 0, 0, true)));
        CompletableFuture<Recordings.FinalizeReport> report = new CompletableFuture<>();
        r.finish(slot, summary, Map.of("p1", "Ada"), "p1", report::complete);
        Recordings.FinalizeReport done = report.get(60, TimeUnit.SECONDS);

        assertEquals(0, r.active(), "the place is given back at once");
        assertFalse(done.composed());
        assertEquals(2, done.problems().size(), done.problems().toString());
        assertTrue(done.problems().get(0).startsWith("compose failed: exit "), done.problems().toString());
        assertEquals("finalize-script failed: exit 3: upload failed", done.problems().get(1));
        assertTrue(Files.readString(slot.directory().resolve("finalize.log")).contains("finalizing " + slot.directory()));
        assertEquals("not a webm file", Files.readString(raw), "raw files are never deleted or changed");
        String manifest = Files.readString(slot.directory().resolve("manifest.json"));
        assertTrue(manifest.contains("\"name\" : \"Ada\"") && manifest.contains("\"file\" : \"p1-camera-1.webm\""), manifest);
        r.close();
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.javameet.peer.MediaClip;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.signaling.recording.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what systemd sends on stop) to a server in the middle of a recording: before it exits, the recording
 * is stopped ({@code server-shutdown}), every file is closed, the manifest written, the composed file made and the
 * finalize script run, within {@link Recordings#SHUTDOWN_BUDGET}. The server runs in a child JVM, so the signal and
 * its shutdown hook are the real ones.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RecordingShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigtermFinishesAndFinalizesARunningRecording() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 4.0);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 4.0);
        MediaClip clip = new MediaClip(video.stream().map(TestMedia.Frame::data).toList(),
                video.stream().map(TestMedia.Frame::keyframe).toList(), audio.stream().map(TestMedia.Frame::data).toList());
        Path recordings = Files.createDirectory(dir.resolve("recordings"));
        Path script = dir.resolve("finalize.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > \"$1/finalized.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.writeString(dir.resolve("javameet.json"), "{\"recording\": {\"enabled\": true, "
                + "\"directory\": \"" + recordings + "\", \"compose\": true, \"finalizeScript\": \"" + script
                + "\", \"minFreeDiskMb\": 0}}");
        ChildServer server = ChildServer.start(dir, config, List.of());
        PeerRuntime runtime = new PeerRuntime(2, 4);
        List<Participant> participants = new ArrayList<>();
        long shutdownMs;
        try {
            server.awaitReadyOrExit(Duration.ofSeconds(60));
            for (String name : List.of("Ada", "Bob")) {
                participants.add(Participant.join(server.ws(), "shutdown", name, Participant.Options.defaults()
                        .withRuntime(runtime).withClip(clip)).get(90, TimeUnit.SECONDS)); // a starved machine joins slowly
            }
            participants.get(0).signaling().request(SignalingClient.message("startRecording"), "recordingState")
                    .get(20, TimeUnit.SECONDS);
            Eventually.await("4 files with frames", Duration.ofSeconds(60),
                    () -> ChildServer.webmFiles(recordings).size() == 4
                            && ChildServer.webmFiles(recordings).stream().allMatch(f -> f.toFile().length() > 20_000));
            Thread.sleep(2_000);
            long t0 = System.nanoTime();
            server.process.destroy(); // SIGTERM: the shutdown hook closes the server
            assertTrue(server.process.waitFor(Recordings.SHUTDOWN_BUDGET.toSeconds() + 30, TimeUnit.SECONDS),
                    "the server exits within its shutdown budget: " + server.log());
            shutdownMs = (System.nanoTime() - t0) / 1_000_000;
        } finally {
            participants.forEach(Participant::close);
            runtime.close();
            server.close();
        }
        String log = server.log();
        assertTrue(log.contains("finishing 1 recording(s) before shutting down"), log);

        Path recording;
        try (Stream<Path> dirs = Files.list(recordings)) {
            recording = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        JsonNode manifest = SignalingClient.JSON.readTree(Files.readString(recording.resolve("manifest.json")));
        System.out.printf("[recording] SIGTERM while recording: the server exited in %d ms with the recording"
                + " finalized: %s%n", shutdownMs, manifest.path("problems"));
        assertEquals("server-shutdown", manifest.path("stoppedBy").asText(), manifest.toPrettyString());
        assertEquals("composed.webm", manifest.path("composed").asText(), "composed within the budget: " + manifest);
        assertTrue(manifest.path("problems").isEmpty(), manifest.path("problems").toString());
        assertEquals(recording.toString(), Files.readString(recording.resolve("finalized.txt")),
                "the finalize script ran with the recording's directory");
        int files = 0;
        for (JsonNode p : manifest.path("participants")) {
            for (JsonNode t : p.path("tracks")) {
                Path f = recording.resolve(t.path("file").asText());
                assertEquals("", TestMedia.decodeErrors(f),
                        f.getFileName() + " decodes with no error");
                assertEquals(t.path("bytes").asLong(), Files.size(f), f.getFileName() + ": every frame counted is in it");
                files++;
            }
        }
        assertEquals(4, files, manifest.toPrettyString());
        assertEquals("", TestMedia.decodeErrors(recording.resolve("composed.webm")), "the composed file decodes");
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.javameet.peer.MediaClip;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the recordings directory is a 1 MiB tmpfs, mounted in a mount namespace of the server's own
 * ({@code unshare --mount}, with {@code --map-root-user} when not root), and the server (a child JVM) records a
 * two-person meeting into it until a write fails with ENOSPC. The recording stops with {@code disk-full} told to the
 * meeting, counted in /metrics; the meeting and its media go on; the manifest is still written (into the space the
 * recording held back for it); every file written so far decodes with no error, because the recorder cut each one
 * back to its last whole frame. After the server exits, the namespace's shell copies the tmpfs out for the checks.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RecordingDiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Exit status of the namespace's shell when it cannot mount the tmpfs: the test is skipped, saying so. */
    private static final int CANNOT_MOUNT = 97;
    /**
     * In the new mount namespace: mount the tmpfs, run the server, pass SIGTERM on, and once it has exited copy what
     * it wrote to a directory outside the tmpfs (the mount goes with the namespace). $1 tmpfs, $2 copy, then the
     * server's command line.
     */
    private static final String NAMESPACE_SHELL = """
            mount -t tmpfs -o size=1m,mode=0700 javameet-recordings "$1" || exit 97
            recordings=$1; kept=$2; shift 2
            "$@" & server=$!
            trap 'kill -TERM $server' TERM
            status=0
            while kill -0 $server 2>/dev/null; do wait $server; status=$?; done
            cp -a "$recordings/." "$kept/"
            exit $status
            """;

    @TempDir
    Path dir;

    @Test
    void aFullDiskStopsTheRecordingSaysWhyAndTheMeetingGoesOn() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 4.0);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 4.0);
        MediaClip clip = new MediaClip(video.stream().map(TestMedia.Frame::data).toList(),
                video.stream().map(TestMedia.Frame::keyframe).toList(), audio.stream().map(TestMedia.Frame::data).toList());
        Path mountPoint = Files.createDirectory(dir.resolve("recordings"));
        Path kept = Files.createDirectory(dir.resolve("kept"));
        Path script = dir.resolve("finalize.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > \"$1/finalized.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // minFreeDiskMb 0: no early stop on the free-space check, so a write really meets the full disk
        Path config = Files.writeString(dir.resolve("javameet.json"), "{\"recording\": {\"enabled\": true, "
                + "\"directory\": \"" + mountPoint + "\", \"compose\": true, \"finalizeScript\": \"" + script
                + "\", \"minFreeDiskMb\": 0}}");
        List<String> namespace = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private"));
        if (!"root".equals(System.getProperty("user.name"))) {
            namespace.add("--map-root-user");
        }
        namespace.addAll(List.of("sh", "-c", NAMESPACE_SHELL, "namespace", mountPoint.toString(), kept.toString()));
        ChildServer child = ChildServer.start(dir, config, namespace);
        Process server = child.process;
        int httpPort = child.httpPort;
        PeerRuntime runtime = new PeerRuntime(2, 4);
        List<Participant> participants = new ArrayList<>();
        try {
            child.awaitReadyOrExit(Duration.ofSeconds(60));
            Assumptions.assumeTrue(server.isAlive() || server.exitValue() != CANNOT_MOUNT,
                    "skipped: cannot mount a tmpfs in a private mount namespace here (unshare --mount"
                            + " [--map-root-user]): " + child.log());
            assertTrue(server.isAlive(), "the server started: " + child.log());

            URI ws = child.ws();
            for (String name : List.of("Ada", "Bob")) {
                participants.add(Participant.join(ws, "full", name, Participant.Options.defaults().withRuntime(runtime)
                        .withClip(clip)).get(90, TimeUnit.SECONDS)); // a starved machine joins slowly
            }
            Participant ada = participants.get(0);
            Participant bob = participants.get(1);
            CompletableFuture<JsonNode> adaTold = ada.signaling().awaitMessage(RecordingDiskFullTest::isStop);
            CompletableFuture<JsonNode> bobTold = bob.signaling().awaitMessage(RecordingDiskFullTest::isStop);
            CompletableFuture<JsonNode> finalized = ada.signaling().awaitType("recordingFinalized");
            JsonNode started = ada.signaling().request(SignalingClient.message("startRecording"), "recordingState")
                    .get(20, TimeUnit.SECONDS);
            assertTrue(started.path("active").asBoolean(), started.toString());

            // ~45 KB/s of media into 1 MiB (less the manifest's reserve): full in about 20 s
            JsonNode stop = adaTold.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            System.out.println("[recording] disk full: " + stop);
            assertEquals("disk-full", stop.path("reason").asText(), stop.toString());
            assertTrue(stop.path("message").asText().contains("No space left on device"), stop.toString());
            assertEquals("disk-full", bobTold.get(10, TimeUnit.SECONDS).path("reason").asText(), "everyone is told");

            JsonNode report = finalized.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            System.out.println("[recording] finalized on a full disk: " + report);
            for (JsonNode problem : report.path("problems")) {
                assertFalse(problem.asText().startsWith("manifest"), "the manifest fits in the reserve: " + report);
            }

            ServerMetrics metrics = new ServerMetrics(httpPort);
            String page = metrics.scrape();
            assertEquals(1.0, ServerMetrics.value(page, "javameet_recordings_stopped_total", "reason", "disk-full"),
                    "counted by why");
            assertEquals(0.0, ServerMetrics.value(page, "javameet_recordings_active", null, null));

            // the meeting goes on: both still in it, Bob still receiving Ada's video and audio
            long videoBefore = packets(bob, ada, MediaKind.VIDEO);
            long audioBefore = packets(bob, ada, MediaKind.AUDIO);
            Eventually.await("Bob receiving Ada's media after the recording stopped", WAIT,
                    () -> packets(bob, ada, MediaKind.VIDEO) > videoBefore + 30
                            && packets(bob, ada, MediaKind.AUDIO) > audioBefore + 100,
                    () -> bob.stats().received().toString());
            assertTrue(server.isAlive(), "the server is still running");

            server.destroy(); // SIGTERM to the namespace's shell, passed on to the server
            assertTrue(server.waitFor(90, TimeUnit.SECONDS), "the server shut down");
        } finally {
            participants.forEach(Participant::close);
            runtime.close();
            child.close();
        }
        String serverLog = child.log();
        assertFalse(serverLog.contains("Exception in thread"), "nothing crashed: " + serverLog);

        List<Path> recordings;
        try (Stream<Path> dirs = Files.list(kept)) {
            recordings = dirs.filter(Files::isDirectory).toList();
        }
        assertEquals(1, recordings.size(), "one recording copied out of the tmpfs: " + recordings);
        Path recording = recordings.get(0);
        JsonNode manifest = SignalingClient.JSON.readTree(Files.readString(recording.resolve("manifest.json")));
        assertEquals("disk-full", manifest.path("stoppedBy").asText(), manifest.toPrettyString());
        long rawBytes = 0;
        int files = 0;
        for (JsonNode p : manifest.path("participants")) {
            for (JsonNode t : p.path("tracks")) {
                if (t.path("file").isNull()) {
                    continue;
                }
                Path f = recording.resolve(t.path("file").asText());
                assertNotNull(f);
                assertEquals("", TestMedia.decodeErrors(f),
                        f.getFileName() + " decodes with no error up to where the disk filled");
                assertEquals(t.path("bytes").asLong(), Files.size(f), f.getFileName() + " ends at its last whole frame");
                rawBytes += Files.size(f);
                files++;
                System.out.printf("[recording] on a full disk: %s %d bytes, %d frames, %d–%d ms%n", f.getFileName(),
                        Files.size(f), t.path("frames").asLong(), t.path("startMs").asLong(), t.path("endMs").asLong());
            }
        }
        assertEquals(4, files, "two participants' audio and video: " + manifest.toPrettyString());
        assertTrue(rawBytes > 700_000, "the recording filled the 1 MiB disk: " + rawBytes + " bytes");
        assertTrue(Files.exists(recording.resolve("finalized.txt")), "the finalize script ran");
    }

    private static boolean isStop(JsonNode m) {
        return "recordingState".equals(m.path("type").asText()) && !m.path("active").asBoolean(true);
    }

    private static long packets(Participant receiver, Participant from, MediaKind kind) {
        RemoteTrackStats t = receiver.stats().received(from.id(), kind);
        return t == null ? 0 : t.packets();
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.MediaClip;
import org.javameet.peer.Participant;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.config.RecordingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server records meetings of Java participants sending real VP8 and Opus (a clip made by ffmpeg): a
 * moderator starts and stops it, the files it writes decode with no error in ffmpeg, and the manifest, the
 * composed file and the finalize script come after. Loss on a publisher's uplink is repaired by NACK before it
 * reaches the file; a late joiner is told before publishing and gets files from when they joined; a leaver's
 * files end when they left; a camera switched off and on leaves a gap in one playable file.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RecordingTest {
    @TempDir
    static Path dir;
    private static Path recordings;
    private static LoopbackServer loopback;
    private static MediaClip clip;
    private static long startNanos;
    private final List<Participant> participants = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        startNanos = System.nanoTime();
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 4.0);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 4.0);
        clip = new MediaClip(video.stream().map(TestMedia.Frame::data).toList(),
                video.stream().map(TestMedia.Frame::keyframe).toList(),
                audio.stream().map(TestMedia.Frame::data).toList());
        // under target/, not the temporary directory: what a failed run recorded stays there to look at
        recordings = Files.createDirectories(Path.of("target", "recording-test", Long.toString(System.currentTimeMillis())))
                .toAbsolutePath();
        Path script = dir.resolve("finalize.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > \"$1/finalized.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        loopback = LoopbackServer.start(c -> c.recording(new RecordingConfig(true, recordings.toString(), true, script.toString(), 4, 0)));
    }

    @AfterAll
    static void stopServer() {
        if (loopback != null) {
            loopback.close();
        }
        HostLoad.print("RecordingTest", startNanos);
    }

    @AfterEach
    void leaveAll() {
        participants.forEach(Participant::close);
    }

    private Participant join(String room, String name) throws Exception {
        Participant p = loopback.join(room, name, Participant.Options.defaults().withClip(clip));
        participants.add(p);
        return p;
    }

    private static JsonNode startRecording(Participant by) throws Exception {
        return by.signaling().request(SignalingClient.message("startRecording"), "recordingState").get(20, TimeUnit.SECONDS);
    }

    /** Stops, then waits for finalizing (manifest, compose, script) and returns the manifest. */
    private static JsonNode stopAndFinalize(Participant by) throws Exception {
        CompletableFuture<JsonNode> finalized = by.signaling().awaitType("recordingFinalized");
        JsonNode state = by.signaling().request(SignalingClient.message("stopRecording"), "recordingState")
                .get(20, TimeUnit.SECONDS);
        assertFalse(state.path("active").asBoolean(true));
        assertEquals("stopped", state.path("reason").asText());
        JsonNode done = finalized.get(180, TimeUnit.SECONDS);
        assertTrue(done.path("ok").asBoolean(), "manifest, compose and script ran: " + done);
        Path recording = recordings.resolve(done.path("recordingId").asText());
        return SignalingClient.JSON.readTree(Files.readString(recording.resolve("manifest.json")));
    }

    private static JsonNode track(JsonNode manifest, String participantId, String kind) {
        for (JsonNode p : manifest.path("participants")) {
            if (p.path("id").asText().equals(participantId)) {
                for (JsonNode t : p.path("tracks")) {
                    if (t.path("kind").asText().equals(kind)) {
                        return t;
                    }
                }
            }
        }
        throw new AssertionError("no " + kind + " track of " + participantId + " in " + manifest.toPrettyString());
    }

    private static Path file(JsonNode manifest, JsonNode track) {
        return recordings.resolve(manifest.path("recordingId").asText()).resolve(track.path("file").asText());
    }

    /** ffmpeg decodes the whole file and says nothing: no broken frame was written. */
    private static void assertDecodesCleanly(Path file) throws Exception {
        assertEquals("", TestMedia.decodeErrors(file),
                file.getFileName() + " decodes with no error");
    }

    /** The largest step between consecutive video packets, in ms (a camera off shows here). */
    private static long largestGapMs(Path file) throws Exception {
        String out = TestMedia.run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "packet=pts_time", "-of", "csv=p=0", file.toString());
        double last = -1;
        double gap = 0;
        for (String line : out.strip().split("\\s+")) {
            double t = Double.parseDouble(line.replace(",", ""));
            if (last >= 0) {
                gap = Math.max(gap, t - last);
            }
            last = t;
        }
        return Math.round(gap * 1000);
    }

    @Test
    void lossOnAPublishersUplinkIsRepairedBeforeItReachesTheFile() throws Exception {
        Participant ada = join("rec-loss", "Ada");
        Participant bob = join("rec-loss", "Bob");
        ada.setLossPercent(5);

        SignalingClient.SignalingError refused = assertThrows(SignalingClient.SignalingError.class, () -> {
            try {
                startRecording(bob);
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        });
        assertEquals("not-moderator", refused.code(), "the server refuses a participant who is not a moderator");

        long retransmittedBefore = ada.stats().published(MediaKind.VIDEO).retransmissionsSent();
        long framesBefore = ada.stats().published(MediaKind.VIDEO).framesSent();
        JsonNode started = startRecording(ada);
        assertTrue(started.path("active").asBoolean());
        bob.signaling().findOrAwait(m -> "recordingState".equals(m.path("type").asText())
                && m.path("active").asBoolean()).get(10, TimeUnit.SECONDS);
        ServerMetrics metrics = loopback.metrics();
        assertEquals(1.0, ServerMetrics.value(metrics.scrape(), "javameet_recordings_active", null, null));
        Thread.sleep(6_000); // the length of the recording
        long framesSentWhileRecording = ada.stats().published(MediaKind.VIDEO).framesSent() - framesBefore;
        JsonNode manifest = stopAndFinalize(ada);
        assertEquals(0.0, ServerMetrics.value(metrics.scrape(), "javameet_recordings_active", null, null));
        assertTrue(ServerMetrics.value(metrics.scrape(), "javameet_recordings_stopped_total", "reason", "stopped") >= 1,
                "counted as stopped");
        ada.setLossPercent(0);

        long retransmitted = ada.stats().published(MediaKind.VIDEO).retransmissionsSent() - retransmittedBefore;
        JsonNode video = track(manifest, ada.id(), "video");
        long frames = video.path("frames").asLong();
        // what Ada sent while it ran (on a starved machine her timer sends fewer than 15 a second)
        long expected = framesSentWhileRecording;
        System.out.printf("[recording] 5%% uplink loss: %d of ~%d frames in the file, %d dropped, %d packets "
                + "retransmitted by the publisher on NACK, %.0f recorder_queue_full, %d inter frames before the first "
                + "keyframe; the file spans %d-%d ms of %d%n",
                frames, expected, video.path("framesDropped").asLong(), retransmitted, metrics.dropped("recorder_queue_full"),
                video.path("framesBeforeKeyframe").asLong(),
                video.path("startMs").asLong(), video.path("endMs").asLong(), manifest.path("durationMs").asLong());
        assertTrue(retransmitted > 0, "the SFU NACKed the lost packets and the publisher resent them");
        assertTrue(frames >= expected * 85 / 100, "loss repaired: " + frames + " of ~" + expected + " frames: " + video);
        assertTrue(video.path("framesDropped").asLong() <= frames / 10, "few frames lost to loss NACK could not repair: " + video);
        assertDecodesCleanly(file(manifest, video));
        assertEquals(frames, TestMedia.decodedVideoFrames(file(manifest, video)));
        assertDecodesCleanly(file(manifest, track(manifest, ada.id(), "audio")));
        assertEquals("rtcp-sender-reports", video.path("clock").asText());
    }

    @Test
    void lateJoinerLeaverAndCameraOffOnAreRecordedComposedAndFinalized() throws Exception {
        Participant ada = join("rec-life", "Ada");
        Participant bob = join("rec-life", "Bob");
        long t0 = System.nanoTime();
        startRecording(ada);

        Thread.sleep(2_000);
        Participant cy = join("rec-life", "Cy");
        JsonNode joined = cy.signaling().findOrAwait(m -> "joined".equals(m.path("type").asText())).get(5, TimeUnit.SECONDS);
        assertTrue(joined.path("recording").path("active").asBoolean(), "told on joining, before publishing: " + joined);

        bob.pauseVideo(true); // camera off for 2 s
        Thread.sleep(2_000);
        bob.pauseVideo(false);
        Thread.sleep(1_500);
        bob.leave().get(10, TimeUnit.SECONDS);
        long bobLeftMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(1_500);
        JsonNode manifest = stopAndFinalize(ada);
        long durationMs = manifest.path("durationMs").asLong();
        Path recording = recordings.resolve(manifest.path("recordingId").asText());
        System.out.println("[recording] manifest " + manifest.toPrettyString());

        for (JsonNode p : manifest.path("participants")) {
            for (JsonNode t : p.path("tracks")) {
                assertDecodesCleanly(file(manifest, t));
            }
        }
        JsonNode adaVideo = track(manifest, ada.id(), "video");
        assertTrue(adaVideo.path("startMs").asLong() < 1_500, adaVideo.toString());
        assertEquals(durationMs, adaVideo.path("endMs").asLong(), durationMs * 0.1, "Ada's video spans the recording");

        JsonNode cyVideo = track(manifest, cy.id(), "video");
        JsonNode cyAudio = track(manifest, cy.id(), "audio");
        assertTrue(cyVideo.path("startMs").asLong() >= 1_500, "Cy's files start when Cy came: " + cyVideo);
        assertEquals(cyVideo.path("startMs").asLong(), cyAudio.path("startMs").asLong(), 300,
                "Cy's audio and video start together on the meeting clock");

        JsonNode bobVideo = track(manifest, bob.id(), "video");
        assertTrue(bobVideo.path("endMs").asLong() <= bobLeftMs + 500 && bobVideo.path("endMs").asLong() < durationMs - 800,
                "Bob's file ends when Bob left (" + bobLeftMs + " ms): " + bobVideo);
        long gap = largestGapMs(file(manifest, bobVideo));
        assertTrue(gap >= 1_500 && gap <= 3_000, "camera off for 2 s shows as a gap in one file: " + gap + " ms");
        assertEquals(1, countTracks(manifest, bob.id(), "video"), "off and on is one track, one file");

        Path composed = recording.resolve("composed.webm");
        String streams = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                "-of", "compact", composed.toString());
        assertTrue(streams.contains("codec_name=vp8") && streams.contains("codec_name=opus"), streams);
        double composedSeconds = Double.parseDouble(streams.replaceAll("(?s).*duration=([0-9.]+).*", "$1"));
        assertEquals(durationMs / 1000.0, composedSeconds, durationMs / 1000.0 * 0.1, "composed file spans the meeting");
        assertEquals(recording.toString(), Files.readString(recording.resolve("finalized.txt")),
                "the finalize script ran with the recording's directory");
    }

    /**
     * A server seconds behind its socket when the stop is pressed (its media loop stalls for 3 s, as under load): what
     * Ada and Bob captured before the stop is still unread then, and is recorded anyway as it is read. Each file runs
     * to the stop, not to where the server had got to (it ended ~2.5 s early before the recorder drained).
     */
    @Test
    void aStopWhileTheServerIsBehindItsSocketStillRecordsUpToTheStop() throws Exception {
        Participant ada = join("rec-backlog", "Ada");
        Participant bob = join("rec-backlog", "Bob");
        startRecording(ada);
        Thread.sleep(3_000);
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        for (org.javameet.sfu.net.MediaLoop loop : loopback.server.media().loops()) {
            loop.loop().execute(() -> {
                stalled.countDown();
                try {
                    Thread.sleep(3_000); // packets pile up in the socket meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(stalled.await(20, TimeUnit.SECONDS));
        Thread.sleep(2_500);
        JsonNode manifest = stopAndFinalize(ada);
        long durationMs = manifest.path("durationMs").asLong();
        System.out.println("[recording] behind the socket at the stop: " + manifest.path("participants"));
        for (Participant p : List.of(ada, bob)) {
            for (String kind : List.of("audio", "video")) {
                JsonNode t = track(manifest, p.id(), kind);
                assertDecodesCleanly(file(manifest, t));
                assertTrue(t.path("endMs").asLong() >= durationMs - 700 && t.path("endMs").asLong() <= durationMs + 100,
                        p.displayName() + "'s " + kind + " runs to the stop at " + durationMs + " ms: " + t);
            }
        }
    }

    private static int countTracks(JsonNode manifest, String participantId, String kind) {
        int n = 0;
        for (JsonNode p : manifest.path("participants")) {
            if (p.path("id").asText().equals(participantId)) {
                for (JsonNode t : p.path("tracks")) {
                    n += t.path("kind").asText().equals(kind) ? 1 : 0;
                }
            }
        }
        return n;
    }
}

package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.RecordingConfig;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Recording from the meeting toolbar with three real Chromium participants: the moderator presses record, everyone
 * sees the indicator, a late joiner is told (in {@code joined}) before its first publish offer leaves the page, the
 * moderator stops; the manifest lists all three with a VP8 and an Opus file each, every file decodes with no error,
 * each file spans the participant's time in the recording to within 10 %, and the composed file spans the recording
 * to within 10 %; the finalize script ran. Waits are generous: on a busy machine the browsers recover, the test
 * waits.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class RecordingBrowserTest {
    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final Duration MEDIA = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);
    /** How long the meeting is recorded (the "~20 s"). */
    private static final long RECORD_MS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void moderatorRecordsThreeBrowsersFromTheToolbar() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        // under target/: what a failed run recorded stays there to look at
        Path recordings = Files.createDirectories(Path.of("target", "recording-browser-test",
                Long.toString(System.currentTimeMillis()))).toAbsolutePath();
        Path script = Files.createTempFile("javameet-finalize", ".sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > \"$1/finalized.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServerConfig config = ServerConfig.defaults().withHttpAddress("127.0.0.1").withHttpPort(FreePorts.tcp())
                .withMediaPort(FreePorts.udp()).withPublicAddresses(List.of("127.0.0.1"))
                .withRecording(new RecordingConfig(true, recordings.toString(), true, script.toString(), 4, 0));
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/Recorded-room";
            List<WebDriver> peers = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (String name : List.of("Ada", "Bob")) {
                peers.add(join(browsers, base, name));
                ids.add((String) Browsers.js(peers.get(peers.size() - 1), "return window.javameet.participantId"));
            }
            WebDriver ada = peers.get(0);
            WebDriver bob = peers.get(1);
            Browsers.await("Ada and Bob see and hear each other", MEDIA,
                    () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(ada), List.of(ids.get(1)))
                            && ThreeBrowserMeetingTest.receivesAll(Browsers.stats(bob), List.of(ids.get(0))));
            assertEquals(Boolean.TRUE, Browsers.js(bob, "return document.getElementById('toggle-recording').hidden"),
                    "no record button for Bob, who is not a moderator");

            Browsers.click(ada, By.id("toggle-recording"), SOON);
            long startedAtMs = System.currentTimeMillis();
            for (WebDriver d : peers) {
                awaitIndicator(d, true);
            }

            Thread.sleep(RECORD_MS / 4);
            WebDriver cy = join(browsers, base, "Cy");
            peers.add(cy);
            ids.add((String) Browsers.js(cy, "return window.javameet.participantId"));
            awaitIndicator(cy, true);
            Browsers.awaitJs(cy, "Cy's first publish offer sent", SOON,
                    "return window.javameet.firstPublishOfferAt !== null");
            Object told = Browsers.js(cy, "return window.javameet.recordingNoticeAt");
            Object offered = Browsers.js(cy, "return window.javameet.firstPublishOfferAt");
            assertTrue(told instanceof Number t && offered instanceof Number o && t.doubleValue() <= o.doubleValue(),
                    "Cy was told of the recording (at " + told + " ms) before publishing anything (at " + offered + " ms)");
            for (int i = 0; i < 3; i++) {
                WebDriver d = peers.get(i);
                List<String> others = new ArrayList<>(ids);
                others.remove(ids.get(i));
                Browsers.await("browser " + i + " receiving " + others, MEDIA,
                        () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(d), others));
            }
            long left = RECORD_MS - (System.currentTimeMillis() - startedAtMs);
            if (left > 0) {
                Thread.sleep(left);
            }

            Browsers.click(ada, By.id("toggle-recording"), SOON);
            for (WebDriver d : peers) {
                awaitIndicator(d, false);
            }
            Path recording = awaitFinalized(recordings);
            checkRecording(recording, ids);
        }
    }

    private static WebDriver join(Browsers browsers, String base, String name) throws Exception {
        WebDriver d = browsers.open();
        d.get(base + "#config.prejoinPageEnabled=false&userInfo.displayName=%22" + name + "%22");
        Browsers.awaitState(d, "joined", JOIN);
        return d;
    }

    private static void awaitIndicator(WebDriver d, boolean shown) throws InterruptedException {
        Browsers.awaitJs(d, "the recording indicator " + (shown ? "shown" : "gone"), SOON,
                "const e = document.getElementById('recording-indicator');"
                        + " return window.javameet.roomState.recording === arguments[0] && e.hidden === !arguments[0]"
                        + " && (!arguments[0] || e.getBoundingClientRect().width > 0)", shown);
    }

    /** The finalize script runs last (after manifest and compose): its file says finalizing is over. */
    private static Path awaitFinalized(Path recordings) throws Exception {
        Browsers.await("the recording finalized", Duration.ofSeconds(240), () -> recordingDir(recordings) != null
                && Files.exists(recordingDir(recordings).resolve("finalized.txt")));
        return recordingDir(recordings);
    }

    private static Path recordingDir(Path recordings) {
        try (Stream<Path> dirs = Files.list(recordings)) {
            return dirs.filter(Files::isDirectory).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static void checkRecording(Path recording, List<String> ids) throws Exception {
        JsonNode manifest = JSON.readTree(Files.readString(recording.resolve("manifest.json")));
        System.out.println("[e2e] recording manifest " + manifest.toPrettyString());
        long durationMs = manifest.path("durationMs").asLong();
        long startMs = Instant.parse(manifest.path("start").asText()).toEpochMilli();
        assertEquals(recording.toString(), Files.readString(recording.resolve("finalized.txt")), "finalize script ran");
        assertTrue(manifest.path("problems").isEmpty(), "no finalize problem: " + manifest.path("problems"));
        assertEquals(3, manifest.path("participants").size(), manifest.toPrettyString());
        for (String id : ids) {
            JsonNode participant = null;
            for (JsonNode p : manifest.path("participants")) {
                if (p.path("id").asText().equals(id)) {
                    participant = p;
                }
            }
            assertTrue(participant != null, id + " in the manifest");
            List<String> kinds = new ArrayList<>();
            for (JsonNode t : participant.path("tracks")) {
                kinds.add(t.path("kind").asText());
                Path file = recording.resolve(t.path("file").asText());
                assertEquals("", TestMedia.decodeErrors(file), file.getFileName() + " decodes with no error");
                Map<String, String> probe = probe(file);
                assertEquals(t.path("kind").asText().equals("video") ? "vp8" : "opus", probe.get("codec_name"), probe.toString());
                double fileSeconds = Double.parseDouble(probe.get("last")) - Double.parseDouble(probe.get("first"));
                // the participant's time in the recording: from their first frame (Cy joined late) to the stop
                double presentSeconds = (durationMs - t.path("startMs").asLong()) / 1000.0;
                System.out.printf("[e2e] %s %s: %s, %.2f s of %.2f s present (recording %.2f s), %d frames%n",
                        participant.path("name").asText(), t.path("kind").asText(), probe.get("codec_name"), fileSeconds,
                        presentSeconds, durationMs / 1000.0, t.path("frames").asLong());
                assertEquals(presentSeconds, fileSeconds, presentSeconds * 0.1, file.getFileName() + " spans its time");
            }
            assertTrue(kinds.contains("video") && kinds.contains("audio"), participant.toString());
        }
        // Ada's and Bob's files start with the recording (the recorder asks for a keyframe at once)
        for (JsonNode p : manifest.path("participants")) {
            if (!p.path("id").asText().equals(ids.get(2))) {
                for (JsonNode t : p.path("tracks")) {
                    assertTrue(t.path("startMs").asLong() <= durationMs / 10, "starts with the recording: " + t);
                }
            }
        }
        Path composed = recording.resolve("composed.webm");
        assertEquals("", TestMedia.decodeErrors(composed), "the composed file decodes");
        String streams = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                "-of", "compact", composed.toString());
        assertTrue(streams.contains("codec_name=vp8") && streams.contains("codec_name=opus"), streams);
        double composedSeconds = Double.parseDouble(streams.replaceAll("(?s).*duration=([0-9.]+).*", "$1"));
        System.out.printf("[e2e] composed: %.2f s for a %.2f s recording (started %s)%n", composedSeconds,
                durationMs / 1000.0, Instant.ofEpochMilli(startMs));
        assertEquals(durationMs / 1000.0, composedSeconds, durationMs / 1000.0 * 0.1, "the composed file spans the recording");
    }

    /** The file's codec and its first and last packet times. */
    private static Map<String, String> probe(Path file) throws Exception {
        String codec = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                file.toString()).strip();
        String[] times = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
                file.toString()).strip().split("\\s+");
        return Map.of("codec_name", codec, "first", times[0].replace(",", ""),
                "last", times[times.length - 1].replace(",", ""));
    }
}

package org.javameet.signaling.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.session.RecordingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose command run by the real ffmpeg on files like the recorder's. */
class ComposeTest {
    @TempDir
    Path dir;

    /**
     * A simulcast track's file changes resolution where the recorder's consumer switched layers (it starts on
     * the first keyframe of any layer, then moves to the top one). ffmpeg rebuilds a filter graph whose input
     * changes size, which restarted the audio mix's timestamps: the composed file's audio went backwards.
     */
    @Test
    void aVideoThatChangesResolutionComposesIntoAFileThatDecodesCleanly() throws Exception {
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x180:rate=15", "-t", "2", "-c:v", "libvpx", "low.webm");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=15", "-t", "4", "-c:v", "libvpx", "high.webm");
        Files.writeString(dir.resolve("layers.txt"), "file low.webm\nfile high.webm\n");
        ffmpeg("-f", "concat", "-i", "layers.txt", "-c", "copy", "switching-camera.webm");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=15", "-t", "6", "-c:v", "libvpx", "camera.webm");
        ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=6", "-c:a", "libopus", "a.webm");
        ffmpeg("-f", "lavfi", "-i", "sine=f=660:d=6", "-c:a", "libopus", "b.webm");
        RecordingSummary summary = new RecordingSummary(dir, 0, 6000, "test", List.of(
                track("video", "switching-camera.webm"), track("video", "camera.webm"),
                track("audio", "a.webm"), track("audio", "b.webm")));

        run(Compose.command(summary, dir.resolve("composed.webm")));

        assertEquals("", ffmpeg("-i", "composed.webm", "-f", "null", "-"), "the composed file decodes");
    }

    private RecordingSummary.Track track(String kind, String file) {
        return new RecordingSummary.Track("p-" + file, kind, kind.equals("video") ? "camera" : "microphone",
                dir.resolve(file), 0, 6000, 100, 1000, 0, 0, 0, true);
    }

    /** Runs ffmpeg in the directory with errors only; returns what it printed. */
    private String ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-v", "error"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "ffmpeg finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}

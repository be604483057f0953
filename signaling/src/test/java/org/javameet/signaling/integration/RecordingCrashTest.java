package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.MediaClip;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.webm.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the server in the middle of a recording: every file written so far plays up to the
 * crash, with no error, because nothing in a live WebM file is ever patched afterwards. The server runs in a
 * child JVM (the test's own classpath), so the test can kill it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecordingCrashTest {
    @TempDir
    Path dir;

    @Test
    void filesPlayUpToAKillDashNine() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 4.0);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 4.0);
        MediaClip clip = new MediaClip(video.stream().map(TestMedia.Frame::data).toList(),
                video.stream().map(TestMedia.Frame::keyframe).toList(), audio.stream().map(TestMedia.Frame::data).toList());
        Path recordings = Files.createDirectory(dir.resolve("recordings"));
        Path config = Files.writeString(dir.resolve("javameet.json"), "{\"recording\": {\"enabled\": true, "
                + "\"directory\": \"" + recordings + "\", \"minFreeDiskMb\": 0}}");
        ChildServer server = ChildServer.start(dir, config, List.of());
        PeerRuntime runtime = new PeerRuntime(2, 4);
        List<Participant> participants = new ArrayList<>();
        try {
            server.awaitReadyOrExit(java.time.Duration.ofSeconds(60));
            URI ws = server.ws();
            for (String name : List.of("Ada", "Bob")) {
                participants.add(Participant.join(ws, "crash", name, Participant.Options.defaults().withRuntime(runtime)
                        .withClip(clip)).get(40, TimeUnit.SECONDS));
            }
            participants.get(0).signaling().request(SignalingClient.message("startRecording"), "recordingState")
                    .get(20, TimeUnit.SECONDS);
            Eventually.await("4 files with frames", java.time.Duration.ofSeconds(30),
                    () -> ChildServer.webmFiles(recordings).size() == 4
                            && ChildServer.webmFiles(recordings).stream().allMatch(f -> f.toFile().length() > 20_000));
            Thread.sleep(1_000);
            server.process.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
            assertTrue(server.process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, server.process.exitValue(), "killed by SIGKILL");
        } finally {
            participants.forEach(Participant::close);
            runtime.close();
            server.close();
        }
        List<Path> files = ChildServer.webmFiles(recordings);
        assertEquals(4, files.size(), files.toString());
        for (Path f : files) {
            // decoded by ffprobe, which reports decoder and demuxer errors only: ffmpeg's null output also rescales
            // timestamps to a guessed frame rate and can complain of two frames in one slot, which is not damage
            assertEquals("", TestMedia.runErrors("ffprobe", "-v", "error", "-count_frames", "-show_entries",
                    "stream=nb_read_frames", "-of", "csv=p=0", f.toString()), f.getFileName() + " plays to the crash with no error");
            // a live file has no Duration element (nothing is patched at the end): its last packet says how far it plays
            String[] times = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
                    f.toString()).strip().split("\\s+");
            double first = Double.parseDouble(times[0].replace(",", ""));
            double last = Double.parseDouble(times[times.length - 1].replace(",", ""));
            System.out.printf("[recording] after kill -9: %s plays %.2f s to %.2f s (%d frames)%n", f.getFileName(),
                    first, last, times.length);
            assertTrue(last - first > 1.0, f + ": " + first + " to " + last);
        }
    }
}

package org.javameet.sfu.webm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files from {@link WebmWriter} read by the real tool: ffmpeg makes 3 s of VP8 (IVF) and Opus (Ogg), the test
 * muxes their frames into WebM on one clock, and ffprobe/ffmpeg must see VP8 and Opus of the right duration and
 * decode every frame without an error, also from copies cut off at arbitrary bytes (a crash mid-recording).
 * Needs Debian's ffmpeg (test.sh installs it).
 */
class WebmWriterTest {
    private static final double SECONDS = 3.0;

    @TempDir
    static Path dir;
    private static List<TestMedia.Frame> video;
    private static List<TestMedia.Frame> audio;

    @BeforeAll
    static void makeMedia() throws Exception {
        video = TestMedia.vp8(dir, SECONDS);
        audio = TestMedia.opus(dir, SECONDS);
        assertTrue(video.size() >= 40 && audio.size() >= 140, video.size() + " video, " + audio.size() + " audio frames");
    }

    @Test
    void ffmpegReadsVp8AndOpusOfTheRightDurationAndDecodesEveryFrame() throws Exception {
        Path webm = dir.resolve("meeting.webm");
        write(webm);
        String probe = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height,channels",
                "-of", "compact", webm.toString());
        assertTrue(probe.contains("codec_name=vp8|width=320|height=240"), probe);
        assertTrue(probe.contains("codec_name=opus") && probe.contains("channels=1"), probe);
        // A live file has no Duration element: the span is what its packets cover.
        for (String stream : List.of("v:0", "a:0")) {
            double span = lastPacketSeconds(webm, stream);
            assertTrue(Math.abs(span - SECONDS) <= SECONDS * 0.1, stream + " spans " + span + " s, wanted ~" + SECONDS);
        }

        String errors = TestMedia.runErrors("ffmpeg", "-v", "error", "-i", webm.toString(), "-f", "null", "-");
        assertEquals("", errors, "ffmpeg decodes the file without an error");
        assertEquals(video.size(), decodedVideoFrames(webm), "every VP8 frame decodes");
    }

    @Test
    void aFileCutOffAnywherePlaysUpToTheCut() throws Exception {
        Path whole = dir.resolve("whole.webm");
        write(whole);
        byte[] bytes = Files.readAllBytes(whole);
        int previous = 0;
        for (double share : new double[] {0.2, 0.45, 0.7, 0.95}) {
            int cut = (int) (bytes.length * share) + 7; // +7: land inside a block, not on a boundary
            Path part = dir.resolve("cut-" + cut + ".webm");
            Files.write(part, Arrays.copyOf(bytes, cut));
            int frames = decodedVideoFrames(part);
            System.out.printf("[webm] cut at %d of %d bytes (%.0f %%): %d of %d video frames decode%n",
                    cut, bytes.length, share * 100, frames, video.size());
            assertTrue(frames > previous, "more of the file, more frames: " + frames + " after " + previous);
            assertTrue(frames >= (int) (video.size() * share) - 8, frames + " frames at " + share);
            previous = frames;
        }
    }

    /** Video and audio interleaved by timestamp, as a recorder writes them. */
    private static void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             WebmWriter w = new WebmWriter(out, List.of(WebmWriter.Track.vp8(1, "camera", 320, 240),
                     WebmWriter.Track.opus(2, "microphone", 1)), "WebmWriterTest")) {
            int v = 0;
            int a = 0;
            while (v < video.size() || a < audio.size()) {
                boolean takeVideo = a >= audio.size()
                        || (v < video.size() && video.get(v).timestampMs() <= audio.get(a).timestampMs());
                TestMedia.Frame f = takeVideo ? video.get(v++) : audio.get(a++);
                w.writeFrame(takeVideo ? 1 : 2, f.timestampMs(), f.keyframe(), f.data(), 0, f.data().length);
            }
        }
    }

    /** The end of the last packet of one stream: its pts plus its duration, in seconds. */
    private static double lastPacketSeconds(Path file, String stream) throws Exception {
        String out = TestMedia.run("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
                "packet=pts_time,duration_time", "-of", "csv=p=0", file.toString());
        double end = 0;
        for (String line : out.strip().split("\\R")) {
            String[] f = line.split(",");
            double pts = Double.parseDouble(f[0]);
            double d = f.length > 1 && !f[1].equals("N/A") ? Double.parseDouble(f[1]) : 0;
            end = Math.max(end, pts + d);
        }
        return end;
    }

    private static int decodedVideoFrames(Path file) throws Exception {
        return TestMedia.decodedVideoFrames(file);
    }

}

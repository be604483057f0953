package org.javameet.sfu.webm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static List<Frame> video;
    private static List<Frame> audio;

    record Frame(long timestampMs, boolean keyframe, byte[] data) {}

    @BeforeAll
    static void makeMedia() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/ffmpeg"))) {
            fail("ffmpeg is not installed: apt-get install ffmpeg (test.sh does it)");
        }
        Path ivf = dir.resolve("in.ivf");
        Path ogg = dir.resolve("in.ogg");
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "" + SECONDS,
                "-c:v", "libvpx", "-g", "15", "-b:v", "300k", "-f", "ivf", ivf.toString());
        run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "" + SECONDS,
                "-c:a", "libopus", "-b:a", "32k", "-f", "ogg", ogg.toString());
        video = ivfFrames(Files.readAllBytes(ivf));
        audio = oggOpusPackets(Files.readAllBytes(ogg));
        assertTrue(video.size() >= 40 && audio.size() >= 140, video.size() + " video, " + audio.size() + " audio frames");
    }

    @Test
    void ffmpegReadsVp8AndOpusOfTheRightDurationAndDecodesEveryFrame() throws Exception {
        Path webm = dir.resolve("meeting.webm");
        write(webm);
        String probe = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height,channels",
                "-of", "compact", webm.toString());
        assertTrue(probe.contains("codec_name=vp8|width=320|height=240"), probe);
        assertTrue(probe.contains("codec_name=opus") && probe.contains("channels=1"), probe);
        // A live file has no Duration element: the span is what its packets cover.
        for (String stream : List.of("v:0", "a:0")) {
            double span = lastPacketSeconds(webm, stream);
            assertTrue(Math.abs(span - SECONDS) <= SECONDS * 0.1, stream + " spans " + span + " s, wanted ~" + SECONDS);
        }

        String errors = runErrors("ffmpeg", "-v", "error", "-i", webm.toString(), "-f", "null", "-");
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
                Frame f = takeVideo ? video.get(v++) : audio.get(a++);
                w.writeFrame(takeVideo ? 1 : 2, f.timestampMs(), f.keyframe(), f.data(), 0, f.data().length);
            }
        }
    }

    /** The end of the last packet of one stream: its pts plus its duration, in seconds. */
    private static double lastPacketSeconds(Path file, String stream) throws Exception {
        String out = run("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
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
        String out = run("ffprobe", "-v", "quiet", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString());
        String n = out.strip();
        return n.isEmpty() || n.equals("N/A") ? 0 : Integer.parseInt(n.split("\\s+")[0].replace(",", ""));
    }

    /** IVF: a 32-byte file header, then per frame 4 bytes size and 8 bytes pts (little-endian) and the frame. */
    static List<Frame> ivfFrames(byte[] ivf) {
        ByteBuffer b = ByteBuffer.wrap(ivf).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("DKIF", new String(ivf, 0, 4, StandardCharsets.US_ASCII));
        int rate = b.getInt(16);
        int scale = b.getInt(20);
        b.position(b.getShort(6));
        List<Frame> frames = new ArrayList<>();
        while (b.remaining() >= 12) {
            int size = b.getInt();
            long pts = b.getLong();
            byte[] data = new byte[size];
            b.get(data);
            boolean keyframe = (data[0] & 0x01) == 0; // VP8 frame tag, RFC 6386 §9.1: 0 = key frame
            frames.add(new Frame(pts * 1000L * scale / rate, keyframe, data));
        }
        return frames;
    }

    /**
     * Ogg (RFC 3533) pages reassembled into packets by their lacing values; the first two are OpusHead and
     * OpusTags (RFC 7845), the rest 20 ms audio packets (ffmpeg's libopus default).
     */
    static List<Frame> oggOpusPackets(byte[] ogg) {
        List<byte[]> packets = new ArrayList<>();
        java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
        int p = 0;
        while (p + 27 <= ogg.length) {
            assertEquals("OggS", new String(ogg, p, 4, StandardCharsets.US_ASCII));
            int segments = ogg[p + 26] & 0xFF;
            int data = p + 27 + segments;
            for (int i = 0; i < segments; i++) {
                int lacing = ogg[p + 27 + i] & 0xFF;
                packet.write(ogg, data, lacing);
                data += lacing;
                if (lacing < 255) {
                    packets.add(packet.toByteArray());
                    packet.reset();
                }
            }
            p = data;
        }
        List<Frame> frames = new ArrayList<>();
        for (int i = 2; i < packets.size(); i++) {
            frames.add(new Frame((i - 2) * 20L, true, packets.get(i)));
        }
        return frames;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /** Runs a command that must succeed and returns what it wrote to stderr. */
    private static String runErrors(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + err);
        }
        return err.strip();
    }
}

package org.javameet.sfu.webm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real VP8 and Opus made by ffmpeg for the container and recording tests, and ffmpeg/ffprobe to read results. */
public final class TestMedia {
    private TestMedia() {
    }

    /** One encoded frame: its time in ms from the start, whether it is a keyframe, its bytes. */
    public record Frame(long timestampMs, boolean keyframe, byte[] data) {}

    /** {@code seconds} of a 320x240 15 fps test pattern as VP8, a keyframe every second. */
    public static List<Frame> vp8(Path dir, double seconds) throws Exception {
        requireFfmpeg();
        Path ivf = dir.resolve("in-" + seconds + ".ivf");
        run("ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "" + seconds,
                "-c:v", "libvpx", "-g", "15", "-b:v", "300k", "-f", "ivf", ivf.toString());
        return ivfFrames(Files.readAllBytes(ivf));
    }

    /** {@code seconds} of a 440 Hz tone as mono Opus, 20 ms packets. */
    public static List<Frame> opus(Path dir, double seconds) throws Exception {
        requireFfmpeg();
        Path ogg = dir.resolve("in-" + seconds + ".ogg");
        run("ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "" + seconds,
                "-c:a", "libopus", "-b:a", "32k", "-f", "ogg", ogg.toString());
        return oggOpusPackets(Files.readAllBytes(ogg));
    }

    static void requireFfmpeg() {
        if (!Files.isExecutable(Path.of("/usr/bin/ffmpeg"))) {
            fail("ffmpeg is not installed: apt-get install ffmpeg (test.sh does it)");
        }
    }

    /**
     * What {@code ffmpeg -v error} says decoding the whole file (empty: every frame decoded with no error). The output
     * keeps the file's own 1 ms time base ({@code -enc_time_base -1}): with the default, ffmpeg re-times video to the
     * frame rate it guesses and calls two real frames closer than one frame interval (a sender's jitter) "non
     * monotonically increasing dts" — its output's problem, not the file's.
     */
    public static String decodeErrors(Path file) throws Exception {
        return runErrors("ffmpeg", "-v", "error", "-i", file.toString(), "-enc_time_base", "-1", "-f", "null", "-");
    }

    /** Video frames ffprobe decodes in a file (0 when none). */
    public static int decodedVideoFrames(Path file) throws Exception {
        String out = run("ffprobe", "-v", "quiet", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString());
        String n = out.strip();
        return n.isEmpty() || n.equals("N/A") ? 0 : Integer.parseInt(n.split("\\s+")[0].replace(",", ""));
    }

    /** IVF: a 32-byte file header, then per frame 4 bytes size and 8 bytes pts (little-endian) and the frame. */
    public static List<Frame> ivfFrames(byte[] ivf) {
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
    public static List<Frame> oggOpusPackets(byte[] ogg) {
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

    public static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /** Runs a command that must succeed and returns what it wrote to stderr. */
    public static String runErrors(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + err);
        }
        return err.strip();
    }
}

package org.javameet.sfu.webm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes a live WebM file (VP8 video and Opus audio) that is playable however it is cut off: the Segment and
 * every Cluster have an unknown size (RFC 8794 §6.2), nothing is ever patched afterwards, and each frame is a
 * SimpleBlock appended in one write. A reader then finds every frame up to the last complete one, which is
 * what a recording needs when the server dies mid-meeting. No Cues and no Duration: players seek by scanning.
 *
 * <p>Not thread-safe: one writer per file, fed from one thread. Timestamps are milliseconds on the caller's
 * clock (the meeting clock), non-decreasing per track.
 */
public final class WebmWriter implements AutoCloseable {
    // Matroska element IDs (RFC 9559 §5.1).
    static final int EBML = 0x1A45DFA3;
    static final int EBML_VERSION = 0x4286;
    static final int EBML_READ_VERSION = 0x42F7;
    static final int EBML_MAX_ID_LENGTH = 0x42F2;
    static final int EBML_MAX_SIZE_LENGTH = 0x42F3;
    static final int DOC_TYPE = 0x4282;
    static final int DOC_TYPE_VERSION = 0x4287;
    static final int DOC_TYPE_READ_VERSION = 0x4285;
    static final int SEGMENT = 0x18538067;
    static final int INFO = 0x1549A966;
    static final int TIMESTAMP_SCALE = 0x2AD7B1;
    static final int MUXING_APP = 0x4D80;
    static final int WRITING_APP = 0x5741;
    static final int TRACKS = 0x1654AE6B;
    static final int TRACK_ENTRY = 0xAE;
    static final int TRACK_NUMBER = 0xD7;
    static final int TRACK_UID = 0x73C5;
    static final int TRACK_TYPE = 0x83;
    static final int FLAG_LACING = 0x9C;
    static final int CODEC_ID = 0x86;
    static final int CODEC_PRIVATE = 0x63A2;
    static final int CODEC_DELAY = 0x56AA;
    static final int SEEK_PRE_ROLL = 0x56BB;
    static final int NAME = 0x536E;
    static final int VIDEO = 0xE0;
    static final int PIXEL_WIDTH = 0xB0;
    static final int PIXEL_HEIGHT = 0xBA;
    static final int AUDIO = 0xE1;
    static final int SAMPLING_FREQUENCY = 0xB5;
    static final int CHANNELS = 0x9F;
    static final int CLUSTER = 0x1F43B675;
    static final int TIMESTAMP = 0xE7;
    static final int SIMPLE_BLOCK = 0xA3;

    /** A cluster holds at most this span, so block timestamps (signed 16-bit, relative) never overflow. */
    static final long MAX_CLUSTER_MS = 5_000;
    /** A video keyframe this far into a cluster starts a new one, so a player can start at any cluster. */
    static final long KEYFRAME_CLUSTER_MS = 1_000;

    /** One track of the file. Opus: 48 kHz; {@code width}/{@code height} only for video. */
    public record Track(int number, Kind kind, String name, int width, int height, int channels) {
        public Track {
            if (number < 1 || number > 126) {
                throw new IllegalArgumentException("track number must be 1..126, got " + number);
            }
        }

        public static Track vp8(int number, String name, int width, int height) {
            return new Track(number, Kind.VP8, name, width, height, 0);
        }

        public static Track opus(int number, String name, int channels) {
            return new Track(number, Kind.OPUS, name, 0, 0, channels);
        }
    }

    public enum Kind { VP8, OPUS }

    /** Opus's pre-skip at 48 kHz (RFC 7845 §4.2): what libopus encoders use; the OpusHead and CodecDelay say it. */
    static final int OPUS_PRE_SKIP = 312;

    private final OutputStream out;
    private long clusterStartMs = -1;
    private long lastMs = Long.MIN_VALUE;
    private long bytesWritten;

    /** Writes the EBML header, the Segment's start, Info and Tracks. */
    public WebmWriter(OutputStream out, List<Track> tracks, String writingApp) throws IOException {
        this.out = out;
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        Ebml.master(head, EBML, b -> {
            Ebml.uint(b, EBML_VERSION, 1);
            Ebml.uint(b, EBML_READ_VERSION, 1);
            Ebml.uint(b, EBML_MAX_ID_LENGTH, 4);
            Ebml.uint(b, EBML_MAX_SIZE_LENGTH, 8);
            Ebml.string(b, DOC_TYPE, "webm");
            Ebml.uint(b, DOC_TYPE_VERSION, 4);
            Ebml.uint(b, DOC_TYPE_READ_VERSION, 2);
        });
        Ebml.writeId(head, SEGMENT);
        head.writeBytes(Ebml.UNKNOWN_SIZE);
        Ebml.master(head, INFO, b -> {
            Ebml.uint(b, TIMESTAMP_SCALE, 1_000_000); // nanoseconds per tick: timestamps in ms
            Ebml.string(b, MUXING_APP, "javameet");
            Ebml.string(b, WRITING_APP, writingApp);
        });
        Ebml.master(head, TRACKS, b -> tracks.forEach(t -> trackEntry(b, t)));
        write(head.toByteArray());
    }

    private static void trackEntry(ByteArrayOutputStream out, Track t) {
        Ebml.master(out, TRACK_ENTRY, b -> {
            Ebml.uint(b, TRACK_NUMBER, t.number());
            Ebml.uint(b, TRACK_UID, t.number());
            Ebml.uint(b, FLAG_LACING, 0);
            if (t.name() != null) {
                Ebml.string(b, NAME, t.name());
            }
            if (t.kind() == Kind.VP8) {
                Ebml.uint(b, TRACK_TYPE, 1);
                Ebml.string(b, CODEC_ID, "V_VP8");
                Ebml.master(b, VIDEO, v -> {
                    Ebml.uint(v, PIXEL_WIDTH, t.width());
                    Ebml.uint(v, PIXEL_HEIGHT, t.height());
                });
            } else {
                Ebml.uint(b, TRACK_TYPE, 2);
                Ebml.string(b, CODEC_ID, "A_OPUS");
                Ebml.element(b, CODEC_PRIVATE, opusHead(t.channels()));
                Ebml.uint(b, CODEC_DELAY, OPUS_PRE_SKIP * 1_000_000_000L / 48_000);
                Ebml.uint(b, SEEK_PRE_ROLL, 80_000_000); // 80 ms, as the Matroska Opus mapping recommends
                Ebml.master(b, AUDIO, a -> {
                    Ebml.float64(a, SAMPLING_FREQUENCY, 48_000.0);
                    Ebml.uint(a, CHANNELS, t.channels());
                });
            }
        });
    }

    /** RFC 7845 §5.1 identification header: "OpusHead", version 1, channels, pre-skip, 48 kHz, gain 0, family 0. */
    static byte[] opusHead(int channels) {
        ByteBuffer b = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put((byte) 1).put((byte) channels).putShort((short) OPUS_PRE_SKIP).putInt(48_000).putShort((short) 0).put((byte) 0);
        return b.array();
    }

    /**
     * Appends one frame as a SimpleBlock, starting a new Cluster when the block's timestamp would not fit, when
     * {@link #MAX_CLUSTER_MS} has passed, or at a video keyframe {@link #KEYFRAME_CLUSTER_MS} into a cluster.
     *
     * @param timestampMs on the file's clock; a timestamp before the current cluster's start starts a new cluster
     */
    public void writeFrame(int trackNumber, long timestampMs, boolean keyframe, byte[] frame, int offset, int length)
            throws IOException {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("negative timestamp " + timestampMs);
        }
        long relative = timestampMs - clusterStartMs;
        if (clusterStartMs < 0 || relative < 0 || relative > MAX_CLUSTER_MS
                || (keyframe && relative >= KEYFRAME_CLUSTER_MS)) {
            startCluster(timestampMs);
            relative = 0;
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream(length + 16);
        Ebml.writeId(block, SIMPLE_BLOCK);
        block.writeBytes(Ebml.vint(4L + length));
        block.write(0x80 | trackNumber); // the track number as a 1-byte VINT
        block.write((int) (relative >> 8));
        block.write((int) relative);
        block.write(keyframe ? 0x80 : 0x00); // flags: keyframe, no lacing
        block.write(frame, offset, length);
        write(block.toByteArray());
        lastMs = Math.max(lastMs, timestampMs);
    }

    private void startCluster(long timestampMs) throws IOException {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        Ebml.writeId(c, CLUSTER);
        c.writeBytes(Ebml.UNKNOWN_SIZE);
        Ebml.uint(c, TIMESTAMP, timestampMs);
        write(c.toByteArray());
        clusterStartMs = timestampMs;
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        bytesWritten += bytes.length;
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** The latest frame timestamp written, or {@link Long#MIN_VALUE}. */
    public long lastTimestampMs() {
        return lastMs;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes and closes the stream: nothing else to write, the file is already complete. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}

package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.rtcp.Fir;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.ReceiverReport;
import org.javameet.sfu.rtcp.Remb;
import org.javameet.sfu.rtcp.ReportBlock;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.Sdes;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * The publishing half of a participant: synthetic Opus and VP8 at a set rate on its transport, paced by timers
 * on its event loop; answers the server's feedback (PLI/FIR with an immediate keyframe, NACK with
 * retransmissions, on the RTX stream when {@link Options#rtx}) and counts its RR and REMB; sends an SR (with
 * SDES CNAME) per stream every second. Every payload carries a {@link MediaStamp} (send time, sender id).
 * Media packets sent inside the runtime's {@link MeasurementWindow} are counted apart. Loop only, apart from
 * the constructor.
 */
public final class MediaSender implements RtpTransport.Handler {
    /**
     * What to send.
     *
     * @param videoBitrate bits per second of video frames (keyframes are three times a frame's share)
     * @param keyframeIntervalMillis a keyframe at least this often; 0 = only the first and on PLI/FIR
     * @param rtx answer video NACKs on an RTX stream (RFC 4588, as negotiated with javameet); false resends
     *            the original packet (towards a server that was offered no RTX, such as the harness's Janus)
     * @param clip real encoded VP8 and Opus to send, looped, instead of synthetic frames (recording tests), or null
     * @param simulcastLayers video as this many simulcast encodings ({@link #RIDS}, lowest first; 1: one stream):
     *                        the top one {@code width}x{@code height} at {@code videoBitrate}, each lower one half
     *                        the size and a quarter of the rate, as Chromium's defaults; synthetic frames only
     */
    public record Options(boolean audio, boolean video, long videoBitrate, int videoFps, long keyframeIntervalMillis,
                          int width, int height, boolean rtx, MediaClip clip, int simulcastLayers) {
        public Options {
            if (videoFps < 1 || videoFps > 120 || videoBitrate < 8_000) {
                throw new IllegalArgumentException("videoFps 1..120, videoBitrate >= 8 kbps");
            }
            if (simulcastLayers < 1 || simulcastLayers > MAX_SIMULCAST_LAYERS) {
                throw new IllegalArgumentException("simulcastLayers 1.." + MAX_SIMULCAST_LAYERS);
            }
            if (simulcastLayers > 1 && clip != null) {
                throw new IllegalArgumentException("a clip has one encoding: no simulcast with a clip");
            }
        }

        /** One video stream. */
        public Options(boolean audio, boolean video, long videoBitrate, int videoFps, long keyframeIntervalMillis,
                       int width, int height, boolean rtx, MediaClip clip) {
            this(audio, video, videoBitrate, videoFps, keyframeIntervalMillis, width, height, rtx, clip, 1);
        }

        /** Synthetic frames, one video stream. */
        public Options(boolean audio, boolean video, long videoBitrate, int videoFps, long keyframeIntervalMillis,
                       int width, int height, boolean rtx) {
            this(audio, video, videoBitrate, videoFps, keyframeIntervalMillis, width, height, rtx, null, 1);
        }
    }

    /** Most simulcast encodings, as the web client and Chromium send. */
    public static final int MAX_SIMULCAST_LAYERS = 3;
    /** The rids of simulcast encodings, lowest first (the web client's names). */
    static final List<String> RIDS = List.of("r0", "r1", "r2");

    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private final Options options;
    private final MeasurementWindow window;
    private final ByteBufAllocator alloc;
    private final String cname;
    private final long rtcpSsrc;
    final OutboundStream audio;
    /** The top (or only) video stream; null without video. */
    final OutboundStream video;
    /** Every video encoding, lowest first: one without simulcast. Empty without video. */
    final List<VideoLayer> videoLayers = new ArrayList<>();
    final String audioMid;
    final String videoMid;
    private final OpusPacketizer opus = new OpusPacketizer(ClientSdp.AUDIO_LEVEL_EXT_ID);
    private final ArrayDeque<LocalTrackStats.SentReport> audioReports = new ArrayDeque<>();
    private RtpTransport pc;
    private int senderId;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private long audioPackets;
    /** Next clip frame and packet to send (with {@code options.clip()}). */
    private int clipFrame;
    private int clipPacket;
    /** Camera off: no video frames until it is turned on again (then a keyframe). */
    private boolean videoPaused;
    private Voice voice = Voice.PATTERN;
    long rtcpMalformed;

    /** @param window counts the media packets sent inside it ({@link LocalTrackStats#windowSent}) */
    public MediaSender(Options options, ByteBufAllocator alloc, String cname, MeasurementWindow window) {
        this.options = options;
        this.window = window;
        this.alloc = alloc;
        this.cname = cname;
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        this.rtcpSsrc = r.nextLong(1, 0xFFFFFFFFL);
        this.audio = options.audio()
                ? new OutboundStream(MediaKind.AUDIO, r.nextLong(1, 0xFFFFFFFFL), ClientSdp.OPUS_PT, 0, -1, 48000) : null;
        this.audioMid = audio != null ? "0" : null;
        this.videoMid = options.video() ? (audio != null ? "1" : "0") : null;
        int n = options.video() ? options.simulcastLayers() : 0;
        for (int i = 0; i < n; i++) {
            int down = n - 1 - i; // halvings below the top
            String rid = n > 1 ? RIDS.get(i) : null;
            OutboundStream s = new OutboundStream(MediaKind.VIDEO, r.nextLong(1, 0xFFFFFFFFL), ClientSdp.VP8_PT,
                    options.rtx() ? r.nextLong(1, 0xFFFFFFFFL) : 0, ClientSdp.RTX_PT, 90000);
            if (rid != null) { // Chromium's simulcast: the SSRCs are not announced, the extensions name the layers
                s.extensions(ClientSdp.simulcastExtensions(videoMid, rid, false),
                        ClientSdp.simulcastExtensions(videoMid, rid, true));
            }
            videoLayers.add(new VideoLayer(rid, s, new Vp8Packetizer(options.width() >> down, options.height() >> down, i),
                    Math.max(8_000, options.videoBitrate() >> (2 * down))));
        }
        this.video = n == 0 ? null : videoLayers.get(n - 1).stream;
    }

    /** One encoding of the camera: its stream, packetizer, rate and keyframe state. Loop only. */
    static final class VideoLayer {
        /** Null without simulcast. */
        final String rid;
        final OutboundStream stream;
        final Vp8Packetizer vp8;
        final long bitrate;
        final ArrayDeque<LocalTrackStats.SentReport> reports = new ArrayDeque<>();
        boolean keyframeRequested = true;
        long lastKeyframeNanos;
        /** The server's {@code layersPaused} lists it: nobody receives it, so it is not encoded. */
        boolean paused;

        VideoLayer(String rid, OutboundStream stream, Vp8Packetizer vp8, long bitrate) {
            this.rid = rid;
            this.stream = stream;
            this.vp8 = vp8;
            this.bitrate = bitrate;
        }
    }

    List<ClientSdp.LocalTrack> tracks(String streamId) {
        List<ClientSdp.LocalTrack> out = new ArrayList<>();
        if (audio != null) {
            out.add(new ClientSdp.LocalTrack(audioMid, MediaKind.AUDIO, audio.ssrc, 0, streamId, streamId + "-audio"));
        }
        if (video != null && videoLayers.size() > 1) {
            List<String> rids = new ArrayList<>();
            for (VideoLayer l : videoLayers) {
                rids.add(l.rid);
            }
            out.add(new ClientSdp.LocalTrack(videoMid, MediaKind.VIDEO, 0, 0, streamId, streamId + "-video", rids));
        } else if (video != null) {
            out.add(new ClientSdp.LocalTrack(videoMid, MediaKind.VIDEO, video.ssrc, video.rtxSsrc, streamId, streamId + "-video"));
        }
        return out;
    }

    /** The audio stream's SSRC, 0 when not sending audio. */
    public long audioSsrc() {
        return audio == null ? 0 : audio.ssrc;
    }

    /** The video stream's SSRC, 0 when not sending video. */
    public long videoSsrc() {
        return video == null ? 0 : video.ssrc;
    }

    /** Starts the media clocks once the transport is up; on its loop. */
    public void start(RtpTransport connection, int senderId) {
        this.pc = connection;
        this.senderId = senderId;
        var loop = connection.loop();
        long now = System.nanoTime();
        for (OutboundStream s : streams()) {
            s.startNanos = now;
        }
        if (audio != null) {
            timers.add(loop.scheduleAtFixedRate(this::audioTick, 0, 20, TimeUnit.MILLISECONDS));
        }
        if (video != null) {
            long periodMicros = 1_000_000L / options.videoFps();
            timers.add(loop.scheduleAtFixedRate(this::videoTick, 0, periodMicros, TimeUnit.MICROSECONDS));
        }
        timers.add(loop.scheduleAtFixedRate(this::sendSenderReports, 1000, 1000, TimeUnit.MILLISECONDS));
    }

    /** Stops the media clocks; on the loop. */
    public void stop() {
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        timers.clear();
    }

    private void audioTick() {
        long now = System.nanoTime();
        long ts = (audio.timestampBase + audioPackets * OpusPacketizer.FRAME_TICKS) & 0xFFFFFFFFL;
        audioPackets++;
        int level = voice.level((audioPackets - 1) * 20);
        ByteBuf p;
        MediaClip clip = options.clip();
        if (clip != null) {
            byte[] data = clip.opusPackets().get(clipPacket++ % clip.opusPackets().size());
            p = audio.newPacket(alloc, data.length, false, ts, false);
            p.writeBytes(data);
        } else {
            p = opus.packet(audio, alloc, ts, level, level < 127, senderId, now);
        }
        audio.sent(p);
        if (window.contains(now)) {
            audio.sentInWindow(p);
        }
        pc.sendRtp(p);
    }

    /** Every stream this sender sends on: audio, then the video layers. */
    private List<OutboundStream> streams() {
        List<OutboundStream> out = new ArrayList<>();
        if (audio != null) {
            out.add(audio);
        }
        for (VideoLayer l : videoLayers) {
            out.add(l.stream);
        }
        return out;
    }

    private void videoTick() {
        if (videoPaused) {
            return;
        }
        long now = System.nanoTime();
        long interval = options.keyframeIntervalMillis() * 1_000_000L;
        for (VideoLayer l : videoLayers) {
            if (!l.paused) {
                sendFrame(l, l.keyframeRequested || interval > 0 && now - l.lastKeyframeNanos >= interval, now);
            }
        }
    }

    private void sendFrame(VideoLayer layer, boolean keyframe, long now) {
        OutboundStream video = layer.stream;
        int frameBytes = (int) (layer.bitrate / 8 / options.videoFps());
        if (keyframe) {
            frameBytes *= 3;
            layer.keyframeRequested = false;
            layer.lastKeyframeNanos = now;
            video.keyframesSent++;
        }
        video.framesSent++;
        long ts = video.timestampAt(now);
        MediaClip clip = options.clip();
        List<ByteBuf> packets;
        if (clip != null) {
            int n = clip.vp8Frames().size();
            if (keyframe) { // from the clip's next keyframe on, so what follows decodes
                int i = clipFrame % n;
                while (!clip.keyframes().get(i)) {
                    i = (i + 1) % n;
                }
                clipFrame = i;
            } else if (clipFrame % n == 0) {
                video.keyframesSent++; // the loop starts over at the clip's first frame, a keyframe
            }
            packets = layer.vp8.frame(video, alloc, clip.vp8Frames().get(clipFrame++ % n), ts);
        } else {
            packets = layer.vp8.frame(video, alloc, frameBytes, keyframe, ts, senderId, now);
        }
        for (ByteBuf p : packets) {
            video.sent(p);
            if (window.contains(now)) {
                video.sentInWindow(p);
            }
            pc.sendRtp(p);
        }
    }

    /** What the microphone says from now on (the levels of the next packets). */
    void voice(Voice v) {
        voice = v;
    }

    /** Camera off (no video frames) or on again, starting with a keyframe. */
    void pauseVideo(boolean paused) {
        if (!paused) {
            for (VideoLayer l : videoLayers) {
                l.keyframeRequested = true;
            }
        }
        videoPaused = paused;
    }

    /**
     * The server's {@code layersPaused} for the video track: stop encoding these rids and encode the others, a
     * layer that starts again with a keyframe (as Chromium does when an encoding becomes active). The lowest layer
     * is never paused, whatever the list says (docs/protocol.md); unknown rids are ignored.
     */
    void pauseLayers(java.util.Set<String> rids) {
        for (int i = 1; i < videoLayers.size(); i++) {
            VideoLayer l = videoLayers.get(i);
            boolean paused = rids.contains(l.rid);
            if (l.paused && !paused) {
                l.keyframeRequested = true;
                l.stream.layerResumes++;
            } else if (!l.paused && paused) {
                l.stream.layerPauses++;
            }
            l.paused = paused;
        }
    }

    /**
     * A keyframe now (PLI/FIR answer), not waiting for the next frame slot. With a clip, at the next slot instead,
     * as a real encoder does: its frames stay one frame interval apart, which players that assume a constant
     * rate (ffmpeg's null output among them) need.
     */
    void keyframeNow(VideoLayer layer) {
        if (options.clip() != null) {
            layer.keyframeRequested = true;
            return;
        }
        if (pc != null && !videoPaused && !layer.paused) {
            sendFrame(layer, true, System.nanoTime());
        }
    }

    private void sendSenderReports() {
        long nowNanos = System.nanoTime();
        long ntp = ntpNow();
        for (OutboundStream s : streams()) {
            if (s.packetsSent == 0) {
                continue;
            }
            long rtp = s.timestampAt(nowNanos); // audio packets advance 960 ticks per 20 ms tick from the same start
            SenderReport sr = new SenderReport(s.ssrc, ntp, rtp, s.packetsSent & 0xFFFFFFFFL,
                    s.octetsSent & 0xFFFFFFFFL, List.of());
            Sdes sdes = Sdes.cname(s.ssrc, cname);
            ByteBuf b = alloc.heapBuffer(sr.marshalSize() + sdes.marshalSize() + SrtpSession.MAX_TRAILER);
            sr.marshalTo(b);
            sdes.marshalTo(b);
            s.senderReportsSent++;
            ArrayDeque<LocalTrackStats.SentReport> log = s == audio ? audioReports : layerOf(s).reports;
            log.addLast(new LocalTrackStats.SentReport(ntp, rtp));
            if (log.size() > 8) {
                log.removeFirst();
            }
            pc.sendRtcp(b);
        }
    }

    /** NTP time (RFC 5905: seconds since 1900 in the high word, fraction in the low) from the wall clock. */
    static long ntpNow() {
        long ms = System.currentTimeMillis();
        long seconds = ms / 1000 + NTP_EPOCH_OFFSET_SECONDS;
        long fraction = ((ms % 1000) << 32) / 1000;
        return seconds << 32 | fraction;
    }

    @Override
    public void onRtp(RtpTransport connection, ByteBuf packet) {
        // a publish connection receives no media
    }

    @Override
    public void onRtcp(RtpTransport connection, ByteBuf c) {
        RtcpCompound.forEach(c, (type, fmt, off, len) -> {
            try {
                if (type == RtcpHeader.RR) {
                    for (ReportBlock b : ReceiverReport.parse(c, off, len).reportBlocks()) {
                        OutboundStream s = stream(b.ssrc());
                        if (s != null) {
                            s.receiverReports++;
                            s.lastFractionLost = b.fractionLost();
                            s.lastCumulativeLost = b.cumulativeLost();
                        }
                    }
                } else if (Rtcp.isRemb(c, off, len)) {
                    Remb remb = Remb.parse(c, off, len);
                    for (long ssrc : remb.ssrcs()) {
                        OutboundStream s = stream(ssrc);
                        if (s != null) {
                            s.rembs++;
                            s.lastRembBitrate = remb.bitrate();
                        }
                    }
                } else if (Rtcp.isPli(c, off, len)) {
                    VideoLayer l = layerOf(stream(Rtcp.mediaSsrc(c, off)));
                    if (l != null) {
                        l.stream.plisReceived++;
                        keyframeNow(l);
                    }
                } else if (Rtcp.isFir(c, off, len)) {
                    for (Fir.Entry e : Fir.parse(c, off, len).entries()) {
                        VideoLayer l = layerOf(stream(e.ssrc()));
                        if (l != null) {
                            l.stream.firsReceived++;
                            keyframeNow(l);
                        }
                    }
                } else if (Rtcp.isNack(c, off, len)) {
                    Nack nack = Nack.parse(c, off, len);
                    OutboundStream s = stream(nack.mediaSsrc());
                    if (s != null) {
                        s.nacksReceived++;
                        for (int seq : nack.lostSequenceNumbers()) {
                            ByteBuf r = s.retransmission(alloc, seq);
                            if (r == null) {
                                s.nackedPacketsMissing++;
                            } else {
                                s.retransmissionsSent++;
                                connection.sendRtp(r);
                            }
                        }
                    }
                }
            } catch (RtcpException e) {
                rtcpMalformed++;
            }
        });
    }

    private OutboundStream stream(long ssrc) {
        if (audio != null && audio.ssrc == ssrc) {
            return audio;
        }
        for (VideoLayer l : videoLayers) {
            if (l.stream.ssrc == ssrc) {
                return l.stream;
            }
        }
        return null;
    }

    /** The video layer sending on {@code s}, or null (audio, none). */
    private VideoLayer layerOf(OutboundStream s) {
        for (VideoLayer l : videoLayers) {
            if (l.stream == s) {
                return l;
            }
        }
        return null;
    }

    /** What was sent and heard so far; on the loop. */
    public List<LocalTrackStats> snapshot() {
        List<LocalTrackStats> out = new ArrayList<>();
        if (audio != null) {
            out.add(snapshot(audioMid, audio, audioReports));
        }
        for (int i = videoLayers.size() - 1; i >= 0; i--) { // the top layer first: published(VIDEO) finds it
            VideoLayer l = videoLayers.get(i);
            out.add(snapshot(videoMid, l.stream, l.reports, l.rid, l.paused));
        }
        return out;
    }

    private static LocalTrackStats snapshot(String mid, OutboundStream s, ArrayDeque<LocalTrackStats.SentReport> reports) {
        return snapshot(mid, s, reports, null, false);
    }

    private static LocalTrackStats snapshot(String mid, OutboundStream s, ArrayDeque<LocalTrackStats.SentReport> reports,
                                            String rid, boolean paused) {
        return new LocalTrackStats(mid, s.kind, s.ssrc, s.rtxSsrc, s.packetsSent, s.octetsSent, s.framesSent,
                s.keyframesSent, s.plisReceived, s.firsReceived, s.nacksReceived, s.retransmissionsSent,
                s.nackedPacketsMissing, s.windowSent, s.windowFirstSeq, s.receiverReports, s.lastFractionLost, s.lastCumulativeLost, s.rembs,
                s.lastRembBitrate, s.senderReportsSent, List.copyOf(reports), rid, paused, s.layerPauses, s.layerResumes);
    }

    long rtcpSsrc() {
        return rtcpSsrc;
    }
}

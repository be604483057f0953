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
     */
    public record Options(boolean audio, boolean video, long videoBitrate, int videoFps, long keyframeIntervalMillis,
                          int width, int height, boolean rtx, MediaClip clip) {
        public Options {
            if (videoFps < 1 || videoFps > 120 || videoBitrate < 8_000) {
                throw new IllegalArgumentException("videoFps 1..120, videoBitrate >= 8 kbps");
            }
        }

        /** Synthetic frames. */
        public Options(boolean audio, boolean video, long videoBitrate, int videoFps, long keyframeIntervalMillis,
                       int width, int height, boolean rtx) {
            this(audio, video, videoBitrate, videoFps, keyframeIntervalMillis, width, height, rtx, null);
        }
    }

    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private final Options options;
    private final MeasurementWindow window;
    private final ByteBufAllocator alloc;
    private final String cname;
    private final long rtcpSsrc;
    final OutboundStream audio;
    final OutboundStream video;
    final String audioMid;
    final String videoMid;
    private final OpusPacketizer opus = new OpusPacketizer(ClientSdp.AUDIO_LEVEL_EXT_ID);
    private final Vp8Packetizer vp8;
    private final ArrayDeque<LocalTrackStats.SentReport> audioReports = new ArrayDeque<>();
    private final ArrayDeque<LocalTrackStats.SentReport> videoReports = new ArrayDeque<>();
    private RtpTransport pc;
    private int senderId;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private long audioPackets;
    private long lastKeyframeNanos;
    private boolean keyframeRequested = true;
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
        this.video = options.video()
                ? new OutboundStream(MediaKind.VIDEO, r.nextLong(1, 0xFFFFFFFFL), ClientSdp.VP8_PT,
                        options.rtx() ? r.nextLong(1, 0xFFFFFFFFL) : 0, ClientSdp.RTX_PT, 90000) : null;
        this.audioMid = audio != null ? "0" : null;
        this.videoMid = video != null ? (audio != null ? "1" : "0") : null;
        this.vp8 = new Vp8Packetizer(options.width(), options.height());
    }

    List<ClientSdp.LocalTrack> tracks(String streamId) {
        List<ClientSdp.LocalTrack> out = new ArrayList<>();
        if (audio != null) {
            out.add(new ClientSdp.LocalTrack(audioMid, MediaKind.AUDIO, audio.ssrc, 0, streamId, streamId + "-audio"));
        }
        if (video != null) {
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
        for (OutboundStream s : new OutboundStream[] {audio, video}) {
            if (s != null) {
                s.startNanos = now;
            }
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
            audio.windowSent++;
        }
        pc.sendRtp(p);
    }

    private void videoTick() {
        if (videoPaused) {
            return;
        }
        long now = System.nanoTime();
        long interval = options.keyframeIntervalMillis() * 1_000_000L;
        boolean key = keyframeRequested || interval > 0 && now - lastKeyframeNanos >= interval;
        sendFrame(key, now);
    }

    private void sendFrame(boolean keyframe, long now) {
        int frameBytes = (int) (options.videoBitrate() / 8 / options.videoFps());
        if (keyframe) {
            frameBytes *= 3;
            keyframeRequested = false;
            lastKeyframeNanos = now;
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
            packets = vp8.frame(video, alloc, clip.vp8Frames().get(clipFrame++ % n), ts);
        } else {
            packets = vp8.frame(video, alloc, frameBytes, keyframe, ts, senderId, now);
        }
        for (ByteBuf p : packets) {
            video.sent(p);
            if (window.contains(now)) {
                video.windowSent++;
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
            keyframeRequested = true;
        }
        videoPaused = paused;
    }

    /**
     * A keyframe now (PLI/FIR answer), not waiting for the next frame slot. With a clip, at the next slot instead,
     * as a real encoder does: its frames stay one frame interval apart, which players that assume a constant
     * rate (ffmpeg's null output among them) need.
     */
    void keyframeNow() {
        if (options.clip() != null) {
            keyframeRequested = true;
            return;
        }
        if (video != null && pc != null && !videoPaused) {
            sendFrame(true, System.nanoTime());
        }
    }

    private void sendSenderReports() {
        long nowNanos = System.nanoTime();
        long ntp = ntpNow();
        for (OutboundStream s : new OutboundStream[] {audio, video}) {
            if (s == null || s.packetsSent == 0) {
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
            ArrayDeque<LocalTrackStats.SentReport> log = s == audio ? audioReports : videoReports;
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
                    OutboundStream s = stream(Rtcp.mediaSsrc(c, off));
                    if (s == video && s != null) {
                        s.plisReceived++;
                        keyframeNow();
                    }
                } else if (Rtcp.isFir(c, off, len)) {
                    for (Fir.Entry e : Fir.parse(c, off, len).entries()) {
                        OutboundStream s = stream(e.ssrc());
                        if (s == video && s != null) {
                            s.firsReceived++;
                            keyframeNow();
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
        if (video != null && video.ssrc == ssrc) {
            return video;
        }
        return null;
    }

    /** What was sent and heard so far; on the loop. */
    public List<LocalTrackStats> snapshot() {
        List<LocalTrackStats> out = new ArrayList<>();
        if (audio != null) {
            out.add(snapshot(audioMid, audio, audioReports));
        }
        if (video != null) {
            out.add(snapshot(videoMid, video, videoReports));
        }
        return out;
    }

    private static LocalTrackStats snapshot(String mid, OutboundStream s, ArrayDeque<LocalTrackStats.SentReport> reports) {
        return new LocalTrackStats(mid, s.kind, s.ssrc, s.rtxSsrc, s.packetsSent, s.octetsSent, s.framesSent,
                s.keyframesSent, s.plisReceived, s.firsReceived, s.nacksReceived, s.retransmissionsSent,
                s.nackedPacketsMissing, s.windowSent, s.receiverReports, s.lastFractionLost, s.lastCumulativeLost, s.rembs,
                s.lastRembBitrate, s.senderReportsSent, List.copyOf(reports));
    }

    long rtcpSsrc() {
        return rtcpSsrc;
    }
}

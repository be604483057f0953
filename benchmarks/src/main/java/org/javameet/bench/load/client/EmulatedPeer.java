package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.sfu.rtcp.Fir;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * The media half of a participant in the harness's own engine (Janus and baseline targets): publishes one Opus
 * and one VP8 stream on a {@link MediaLink}, paced by timers on its event loop (a keyframe every 10 s and on
 * PLI/FIR, retransmissions on NACK), and accounts everything received per SSRC, sending NACKs for gaps and PLIs
 * until video shows a keyframe when {@code feedback} is on. All state is loop-confined; {@link #snapshot} hops.
 */
public final class EmulatedPeer {
    private static final long KEYFRAME_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final int videoBps;
    private final int fps;
    private final boolean feedback;
    final int senderId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    final long rtcpSsrc = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    public final SyntheticStream audio = new SyntheticStream(false, ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL));
    public final SyntheticStream video = new SyntheticStream(true, ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL));
    private final Map<Long, ReceiveTrack> tracks = new HashMap<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile Set<Integer> videoPayloadTypes = Set.of(SyntheticStream.VP8_PT);
    private MediaLink publish;
    private volatile boolean publishing;
    private MediaLink subscribe;
    private boolean keyframeRequested = true;
    private long lastKeyframeNanos;
    private long nacksReceived;
    private long plisReceived;
    private long unknownPackets;
    public volatile long joinStartNanos;

    public EmulatedPeer(EventLoop loop, ByteBufAllocator alloc, int videoKbps, int fps, boolean feedback) {
        this.loop = loop;
        this.alloc = alloc;
        this.videoBps = videoKbps * 1000;
        this.fps = fps;
        this.feedback = feedback;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Which incoming payload types are VP8 (the rest are taken for Opus). */
    public void videoPayloadTypes(Set<Integer> pts) {
        videoPayloadTypes = Set.copyOf(pts);
    }

    public void subscribeLink(MediaLink link) {
        loop.execute(() -> subscribe = link);
    }

    /** Starts the media clocks on {@code link}. */
    public void startPublishing(MediaLink link) {
        publishing = true;
        loop.execute(() -> {
            publish = link;
            timers.add(loop.scheduleAtFixedRate(this::audioTick, 0, 20, TimeUnit.MILLISECONDS));
            timers.add(loop.scheduleAtFixedRate(this::videoTick, 0, 1_000_000L / fps, TimeUnit.MICROSECONDS));
        });
    }

    public void stop() {
        loop.execute(() -> {
            for (ScheduledFuture<?> t : timers) {
                t.cancel(false);
            }
            timers.clear();
            publish = null;
            subscribe = null;
        });
    }

    private void audioTick() {
        if (publish != null) {
            publish.sendRtp(audio.opus(alloc, senderId, System.nanoTime()));
        }
    }

    private void videoTick() {
        long now = System.nanoTime();
        sendFrame(keyframeRequested || now - lastKeyframeNanos >= KEYFRAME_INTERVAL_NANOS, now);
    }

    private void sendFrame(boolean keyframe, long now) {
        if (publish == null) {
            return;
        }
        int bytes = videoBps / 8 / fps;
        if (keyframe) {
            bytes *= 3;
            keyframeRequested = false;
            lastKeyframeNanos = now;
        }
        for (ByteBuf p : video.vp8Frame(alloc, bytes, keyframe, senderId, now)) {
            publish.sendRtp(p);
        }
    }

    /** Decrypted RTCP on the publish link: NACKs are answered from history, PLI/FIR with a keyframe. Loop only. */
    public void onPublishRtcp(ByteBuf c) {
        RtcpCompound.forEach(c, (type, fmt, off, len) -> {
            try {
                if (Rtcp.isNack(c, off, len)) {
                    Nack nack = Nack.parse(c, off, len);
                    SyntheticStream s = nack.mediaSsrc() == video.ssrc ? video : nack.mediaSsrc() == audio.ssrc ? audio : null;
                    if (s != null && publish != null) {
                        nacksReceived++;
                        for (int seq : nack.lostSequenceNumbers()) {
                            ByteBuf r = s.retransmission(alloc, seq);
                            if (r != null) {
                                publish.sendRtp(r);
                            }
                        }
                    }
                } else if (Rtcp.isPli(c, off, len)) {
                    plisReceived++;
                    sendFrame(true, System.nanoTime());
                } else if (Rtcp.isFir(c, off, len)) {
                    Fir.parse(c, off, len);
                    plisReceived++;
                    sendFrame(true, System.nanoTime());
                }
            } catch (RtcpException e) {
                // a malformed block: ignore it, as a browser would
            }
        });
    }

    /** A decrypted RTP packet on the subscribe link. Loop only; the caller releases it. */
    public void onRtp(ByteBuf p) {
        if (RtpHeader.check(p) != null) {
            unknownPackets++;
            return;
        }
        long ssrc = RtpHeader.ssrc(p);
        ReceiveTrack t = tracks.get(ssrc);
        if (t == null) {
            t = new ReceiveTrack(ssrc, videoPayloadTypes.contains(RtpHeader.payloadType(p)));
            tracks.put(ssrc, t);
        }
        long now = System.nanoTime();
        int[] missing = t.onPacket(p, now);
        if (!feedback || subscribe == null) {
            return;
        }
        if (missing != null) {
            Nack nack = Nack.of(rtcpSsrc, ssrc, missing);
            ByteBuf b = alloc.heapBuffer(nack.marshalSize() + SrtpSession.MAX_TRAILER);
            nack.marshalTo(b);
            t.nacksSent++;
            subscribe.sendRtcp(b);
        }
        if (t.video && t.keyframes == 0 && now - t.lastPliNanos > 500_000_000L) {
            t.lastPliNanos = now;
            Pli pli = new Pli(rtcpSsrc, ssrc);
            ByteBuf b = alloc.heapBuffer(Pli.SIZE + SrtpSession.MAX_TRAILER);
            pli.marshalTo(b);
            t.plisSent++;
            subscribe.sendRtcp(b);
        }
    }

    public LoadParticipant.Snapshot snapshot() {
        if (!loop.inEventLoop()) {
            try {
                return loop.submit(this::snapshot).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return LoadParticipant.Snapshot.EMPTY;
            }
        }
        long first = 0;
        List<LoadParticipant.TrackSnapshot> out = new ArrayList<>();
        for (ReceiveTrack t : tracks.values()) {
            if (first == 0 || t.firstPacketNanos < first) {
                first = t.firstPacketNanos;
            }
            out.add(new LoadParticipant.TrackSnapshot(Long.toString(t.ssrc), t.senderId, t.video,
                    t.firstPacketNanos, t.packets, t.lost(),
                    t.nacksSent, t.plisSent, t.late(), t.latencyChronological()));
        }
        return new LoadParticipant.Snapshot(publishing ? senderId : 0, joinStartNanos, first, audio.packetsSent + video.packetsSent, nacksReceived, plisReceived,
                audio.retransmissionsSent + video.retransmissionsSent, out);
    }
}

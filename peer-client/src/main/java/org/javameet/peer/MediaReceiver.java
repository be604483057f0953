package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.bwe.TransportCcRecorder;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtcp.ReceiverReport;
import org.javameet.sfu.rtcp.ReportBlock;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.TransportWideSequence;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * The subscribing half of a participant: the m-lines of the latest subscribe offer (or, with
 * {@link Options#learnPayloadTypes}, every SSRC that shows up), the packets that arrive for them, and the
 * feedback a browser would give when {@link Options#feedback}: a NACK for every gap, a PLI while video has not
 * yet shown a keyframe, a receiver report per stream every second, and, once the offer carried the transport-wide
 * sequence number ({@link #transportCc}), transport-cc feedback every {@value #TRANSPORT_CC_INTERVAL_MILLIS} ms. Loop only, apart from the constructor.
 */
public final class MediaReceiver implements RtpTransport.Handler {
    /**
     * How to receive.
     *
     * @param feedback send NACKs, PLIs and receiver reports (off towards a relay that carries no RTCP)
     * @param learnPayloadTypes when not empty, a packet on an SSRC no offer announced starts a track of the kind
     *                          its payload type maps to (an SDP-less receiver, or one whose server's offers carry
     *                          no {@code a=ssrc}); packets of other payload types stay unknown
     */
    public record Options(boolean feedback, Map<Integer, MediaKind> learnPayloadTypes) {
        public Options {
            learnPayloadTypes = Map.copyOf(learnPayloadTypes);
        }

        /** What javameet's participants use: tracks from the subscribe offers, full feedback. */
        public static Options fromOffers() {
            return new Options(true, Map.of());
        }
    }

    private final ByteBufAllocator alloc;
    private final Options options;
    private final MeasurementWindow window;
    private final long rtcpSsrc = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    private final Map<String, InboundTrack> byMid = new LinkedHashMap<>();
    private final Map<Long, InboundTrack> bySsrc = new HashMap<>();
    private final Map<Long, InboundTrack> byRtxSsrc = new HashMap<>();
    /** Expected sender id per publisher (participant id), to check the stamp names the right sender. */
    private final Map<String, Integer> senderIds = new HashMap<>();
    private RtpTransport pc;
    private ScheduledFuture<?> reportTimer;
    private ScheduledFuture<?> transportCcTimer;
    /** The transport-wide sequence number's extension id the offer carried and our answer kept; 0 without. */
    private int transportCcExtensionId;
    private final TransportCcRecorder transportCc = new TransportCcRecorder();
    /** Where arrival times count from: transport-cc wants them non-negative. */
    private final long startNanos = System.nanoTime();
    long unknownSsrcPackets;
    long rtcpMalformed;
    long offers;

    /** @param window what {@link RemoteTrackStats#windowDelivered} and the other window counts count */
    public MediaReceiver(ByteBufAllocator alloc, Options options, MeasurementWindow window) {
        this.alloc = alloc;
        this.options = options;
        this.window = window;
    }

    /** Where feedback goes (the transport this receiver handles); on its loop, once. */
    public void attach(RtpTransport connection) {
        if (pc == null) {
            pc = connection;
            if (options.feedback()) {
                reportTimer = connection.loop().scheduleAtFixedRate(this::sendReports, 1000, 1000, TimeUnit.MILLISECONDS);
                transportCcTimer = connection.loop().scheduleAtFixedRate(this::sendTransportCc,
                        TRANSPORT_CC_INTERVAL_MILLIS, TRANSPORT_CC_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Stops the receiver reports and transport-cc feedback; on the loop. */
    public void stop() {
        if (reportTimer != null) {
            reportTimer.cancel(false);
        }
        if (transportCcTimer != null) {
            transportCcTimer.cancel(false);
        }
    }

    /** How often transport-cc feedback goes out (Chromium sends it every 50–100 ms, more often at high rates). */
    static final long TRANSPORT_CC_INTERVAL_MILLIS = 50;

    /**
     * From now on the arrival of every RTP packet carrying the transport-wide sequence number in extension
     * {@code extensionId} is recorded and reported in transport-cc feedback (with {@link Options#feedback}); 0
     * stops recording (an answer that did not keep the extension).
     */
    void transportCc(int extensionId) {
        transportCcExtensionId = extensionId;
    }

    /** Applies a new subscribe offer's m-lines. */
    void onOffer(List<ClientSdp.OfferedTrack> tracks) {
        offers++;
        for (ClientSdp.OfferedTrack t : tracks) {
            if (t.kind() == null || t.mid() == null) {
                continue;
            }
            InboundTrack it = byMid.get(t.mid());
            if (it == null) {
                it = new InboundTrack(t, window);
                byMid.put(t.mid(), it);
            } else {
                it.update(t);
            }
            if (it.ssrc != 0) {
                bySsrc.put(it.ssrc, it);
            }
            if (it.rtxSsrc != 0) {
                byRtxSsrc.put(it.rtxSsrc, it);
            }
            if (it.participantId != null) {
                senderIds.put(it.participantId, Participant.senderIdOf(it.participantId));
            }
        }
    }

    @Override
    public void onRtp(RtpTransport connection, ByteBuf p) {
        if (RtpHeader.check(p) != null) {
            return;
        }
        if (transportCcExtensionId != 0) { // every packet of the transport, RTX and unknown SSRCs included
            int twSeq = TransportWideSequence.get(p, transportCcExtensionId);
            if (twSeq >= 0) {
                transportCc.onPacket(twSeq, (System.nanoTime() - startNanos) / 1000);
            }
        }
        long ssrc = RtpHeader.ssrc(p);
        InboundTrack t = bySsrc.get(ssrc);
        if (t == null && byRtxSsrc.get(ssrc) == null) {
            t = learn(ssrc, RtpHeader.payloadType(p));
        }
        if (t != null && RtpHeader.payloadType(p) != t.rtxPayloadType) {
            long now = System.nanoTime();
            InboundTrack.Reaction r = t.onMedia(p, now, senderIds.getOrDefault(t.participantId, 0));
            if (r.nack() != null && options.feedback()) {
                sendNack(t, r.nack());
            }
            if (r.pli() && options.feedback()) {
                t.lastPliNanos = now;
                sendPli(t);
            }
            return;
        }
        InboundTrack rtx = byRtxSsrc.get(ssrc);
        if (rtx != null || t != null) {
            (rtx != null ? rtx : t).onRtx(p);
            return;
        }
        unknownSsrcPackets++;
    }

    @Override
    public void onRtcp(RtpTransport connection, ByteBuf c) {
        RtcpError e = RtcpCompound.forEach(c, (type, count, off, len) -> {
            if (type == RtcpHeader.SR && len >= 28) {
                InboundTrack t = bySsrc.get(Rtcp.senderSsrc(c, off));
                if (t != null) {
                    t.onSenderReport(Rtcp.senderSsrc(c, off), SenderReport.ntpTimestamp(c, off),
                            SenderReport.rtpTimestamp(c, off));
                }
            }
        });
        if (e != null) {
            rtcpMalformed++;
        }
    }

    /** Sends a generic NACK (RFC 4585 §6.2.1) for these sequence numbers of the m-line's stream. */
    void sendNack(InboundTrack t, int[] seqs) {
        if (pc == null || seqs.length == 0) {
            return;
        }
        Nack nack = Nack.of(rtcpSsrc, t.ssrc, seqs);
        ByteBuf b = alloc.heapBuffer(nack.marshalSize() + SrtpSession.MAX_TRAILER);
        nack.marshalTo(b);
        t.nacksSent++;
        pc.sendRtcp(b);
    }

    /** Sends a PLI (RFC 4585 §6.3.1) for the m-line's stream. */
    void sendPli(InboundTrack t) {
        if (pc == null) {
            return;
        }
        Pli pli = new Pli(rtcpSsrc, t.ssrc);
        ByteBuf b = alloc.heapBuffer(Pli.SIZE + SrtpSession.MAX_TRAILER);
        pli.marshalTo(b);
        t.plisSent++;
        pc.sendRtcp(b);
    }

    /** Transport-cc feedback for what arrived since the last (RFC 4585 RTPFB, FMT 15), when anything did. */
    private void sendTransportCc() {
        if (pc == null || transportCcExtensionId == 0) {
            return;
        }
        long mediaSsrc = byMid.isEmpty() ? 0 : byMid.values().iterator().next().ssrc; // Chromium names one too
        for (TransportCcFeedback f : transportCc.takeFeedback(rtcpSsrc, mediaSsrc)) {
            ByteBuf b = alloc.heapBuffer(f.marshalSize() + SrtpSession.MAX_TRAILER);
            f.marshalTo(b);
            pc.sendRtcp(b);
        }
    }

    /** Transport-cc: packets that carried a transport-wide number, feedback packets sent, numbers that came too late. */
    public record TransportCcStats(long packets, long feedbackSent, long late) {
    }

    public TransportCcStats transportCcStats() {
        return new TransportCcStats(transportCc.packets(), transportCc.feedbackSent(), transportCc.late());
    }

    InboundTrack track(String participantId, org.javameet.sfu.webrtc.MediaKind kind) {
        InboundTrack found = null;
        for (InboundTrack t : byMid.values()) {
            if (participantId.equals(t.participantId) && t.kind == kind && (found == null || t.active)) {
                found = t;
            }
        }
        return found;
    }

    private void sendReports() {
        List<ReportBlock> blocks = new ArrayList<>();
        for (InboundTrack t : byMid.values()) {
            if (t.hasData() && t.active && blocks.size() < 31) {
                long lost = Math.max(-0x800000, Math.min(0x7FFFFF, t.lost()));
                blocks.add(new ReportBlock(t.ssrc, 0, (int) lost, t.extendedHighestSeq() & 0xFFFFFFFFL, 0,
                        (t.lastSenderReportNtp() >>> 16) & 0xFFFFFFFFL, 0));
            }
        }
        if (blocks.isEmpty() || pc == null) {
            return;
        }
        ReceiverReport rr = new ReceiverReport(rtcpSsrc, blocks);
        ByteBuf b = alloc.heapBuffer(rr.marshalSize() + SrtpSession.MAX_TRAILER);
        rr.marshalTo(b);
        pc.sendRtcp(b);
    }

    /**
     * A track for an SSRC no offer announced, when its payload type is one to learn; null otherwise. The track
     * is named {@code ssrc-N} (it has no m-line) and has no RTX stream: retransmissions come on the SSRC itself.
     */
    private InboundTrack learn(long ssrc, int payloadType) {
        MediaKind kind = options.learnPayloadTypes().get(payloadType);
        if (kind == null || byMid.size() >= MAX_LEARNED) {
            return null;
        }
        String mid = "ssrc-" + ssrc;
        org.javameet.sfu.sdp.RtpCodec codec = kind == MediaKind.VIDEO
                ? new org.javameet.sfu.sdp.RtpCodec(payloadType, "VP8", 90000, 1, null, List.of())
                : new org.javameet.sfu.sdp.RtpCodec(payloadType, "opus", 48000, 2, null, List.of());
        InboundTrack t = new InboundTrack(new ClientSdp.OfferedTrack(mid, kind, true, ssrc, 0, null, null,
                List.of(codec)), window);
        byMid.put(mid, t);
        bySsrc.put(ssrc, t);
        return t;
    }

    /** Most tracks a receiver learns: a bound on what stray packets can make it keep. */
    static final int MAX_LEARNED = 2048;

    /** One snapshot per track; on the loop. */
    public List<RemoteTrackStats> snapshot() {
        List<RemoteTrackStats> out = new ArrayList<>(byMid.size());
        for (InboundTrack t : byMid.values()) {
            out.add(t.snapshot());
        }
        return out;
    }
}

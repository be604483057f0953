package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.bwe.TransportCcRecorder;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.javameet.sfu.rtp.HeaderExtensions;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.TransportWideSequence;

/**
 * A participant's sending side: the link of their publish connection and the Producers fed by it.
 * Routes incoming RTP to producers by SSRC, reads their sender reports, and sends them receiver reports
 * and REMB: the most their receivers need of them ({@link PublisherBitrateCap}). Once transport-cc is negotiated
 * ({@link #enableTransportCc}) it also records when each transport-wide number arrived and sends the publisher
 * feedback ({@link #sendTransportCc}), so the publisher's own congestion control measures its uplink; the REMB
 * stays the ceiling above it. Media loop only.
 */
public final class Publisher implements MediaLink.Listener {
    private final Router router;
    private final String participantId;
    private final MediaLink link;
    private final long senderSsrc;
    private final List<Producer> producers = new ArrayList<>();
    /** What the router last told the listener of this publisher's paused layers, null before (Router#selectLayers). */
    Map<String, List<String>> layersPausedTold;
    /** Each producer layer by its media SSRC. */
    private final LongObjectHashMap<ProducerLayer> bySsrc = new LongObjectHashMap<>(); // looked up per packet: no boxing
    /** Producer layers by the SSRC of their RTX stream: the publisher's answers to our NACKs. */
    private final LongObjectHashMap<ProducerLayer> byRtxSsrc = new LongObjectHashMap<>();
    /** Why the last SSRC-learning attempt found nothing, when that is worth its own counter. */
    private DropReason learnRefusal;
    private boolean closed;
    /** The bitrate last announced in REMB, 0 before the first. */
    private long rembAnnounced;
    /** Null until the publish answer kept the transport-wide sequence number. */
    private TransportCcRecorder transportCc;
    private int transportCcExtId;
    /** Arrival times are reported from here (feedback wants times &gt;= 0; nanoTime may be negative). */
    private long transportCcEpochNanos;
    /** The SSRC of the last packet recorded: feedback names one (libwebrtc does the same; nobody reads it). */
    private long transportCcMediaSsrc;
    /** A change of what the receivers need smaller than this share of the last REMB waits for the next report. */
    static final double REMB_CHANGE = 0.05;

    Publisher(Router router, String participantId, MediaLink link, long senderSsrc) {
        this.router = router;
        this.participantId = participantId;
        this.link = link;
        this.senderSsrc = senderSsrc;
    }

    public String participantId() { return participantId; }
    public MediaLink link() { return link; }
    long senderSsrc() { return senderSsrc; }
    List<Producer> producers() { return producers; }

    void add(Producer p) {
        producers.add(p);
        for (ProducerLayer l : p.layers()) {
            if (l.ssrc != 0) {
                bySsrc.put(l.ssrc, l);
            }
            if (l.rtxSsrc != 0) {
                byRtxSsrc.put(l.rtxSsrc, l);
            }
        }
    }

    void remove(Producer p) {
        producers.remove(p);
        bySsrc.values().removeIf(l -> l.producer == p);
        byRtxSsrc.values().removeIf(l -> l.producer == p);
    }

    @Override
    public void onConnected(MediaLink t) {
        // nothing to do: consumers ask for keyframes when their own transports connect
    }

    /**
     * From now on the transport-wide sequence number in extension {@code extensionId} of everything the publisher
     * sends is recorded and reported back ({@link #sendTransportCc}). Idempotent.
     */
    public void enableTransportCc(int extensionId) {
        if (transportCc == null && !closed && extensionId > 0) {
            transportCc = new TransportCcRecorder();
            transportCcExtId = extensionId;
            transportCcEpochNanos = System.nanoTime();
        }
    }

    @Override
    public void onRtp(MediaLink t, ByteBuf packet) {
        if (RtpHeader.check(packet) != null) {
            t.metrics().drop(DropReason.RTP_MALFORMED);
            packet.release();
            return;
        }
        long ssrc = RtpHeader.ssrc(packet);
        if (transportCc != null) { // every packet of the transport: RTX, probes and unknown SSRCs too
            recordArrival(t, packet, ssrc);
        }
        ProducerLayer layer = bySsrc.get(ssrc);
        learnRefusal = null;
        if (layer == null) {
            ProducerLayer repaired = byRtxSsrc.get(ssrc);
            if (repaired == null) {
                repaired = learnRtxSsrc(packet, ssrc);
            }
            if (repaired != null) {
                onRtx(repaired, packet);
                return;
            }
            layer = learnSsrc(packet, ssrc);
        }
        if (layer == null) {
            // e.g. RTX or FEC streams we did not negotiate, or a probe: counted, not an error
            t.metrics().drop(learnRefusal != null ? learnRefusal : DropReason.UNKNOWN_SSRC);
            packet.release();
            return;
        }
        layer.producer.onRtp(packet, layer);
    }

    private void onRtx(ProducerLayer layer, ByteBuf rtx) {
        ByteBuf original = RtxPacket.unwrap(link.alloc(), rtx, layer.ssrc, layer.producer.params().payloadType());
        rtx.release();
        if (original != null) {
            layer.producer.onRtp(original, layer);
        }
    }

    /**
     * Offers without a=ssrc (MID-only, as JSEP allows; webrtcbin, simulcast): bind an unknown SSRC to the producer
     * whose mid its MID header extension names (RFC 8843 §9.2), and for a simulcast track to the layer its rid
     * extension names (RFC 8852 §3.1; Chromium announces no SSRCs for simulcast). A packet without the MID
     * extension takes the first single-layer producer of its payload type that has no SSRC yet, so two tracks
     * of one codec (camera and screen) are told apart only by MID.
     */
    private ProducerLayer learnSsrc(ByteBuf packet, long ssrc) {
        int pt = RtpHeader.payloadType(packet);
        Producer named = producerNamedByMid(packet);
        if (named != null) {
            if (named.params().payloadType() != pt) {
                return null;
            }
            ProducerLayer layer = named.simulcast() ? layerNamedBy(packet, named, named.params().ridExtId())
                    : named.layers()[0];
            if (layer == null || layer.ssrc != 0) {
                return null;
            }
            layer.ssrc = ssrc;
            bySsrc.put(ssrc, layer);
            return layer;
        }
        for (Producer p : producers) {
            if (!p.simulcast() && p.ssrc() == 0 && p.params().payloadType() == pt) {
                ProducerLayer layer = p.layers()[0];
                layer.ssrc = ssrc;
                bySsrc.put(ssrc, layer);
                return layer;
            }
        }
        return null;
    }

    /**
     * The RTX stream of a MID-only track: named by its MID extension, with the track's RTX payload type; for a
     * simulcast track, of the layer its repaired-rid extension names (RFC 8852 §3.2).
     */
    private ProducerLayer learnRtxSsrc(ByteBuf packet, long ssrc) {
        Producer named = producerNamedByMid(packet);
        if (named == null || named.params().rtxPayloadType() == 0
                || named.params().rtxPayloadType() != RtpHeader.payloadType(packet)) {
            return null;
        }
        ProducerLayer layer = named.simulcast() ? layerNamedBy(packet, named, named.params().repairedRidExtId())
                : named.layers()[0];
        if (layer == null || layer.ssrc == 0 || layer.rtxSsrc != 0) {
            return null;
        }
        layer.rtxSsrc = ssrc;
        byRtxSsrc.put(ssrc, layer);
        return layer;
    }

    /** The layer of {@code p} whose rid the packet's extension {@code extId} names; null (and why) otherwise. */
    private ProducerLayer layerNamedBy(ByteBuf packet, Producer p, int extId) {
        String rid = extensionText(packet, extId);
        if (rid == null) {
            return null;
        }
        ProducerLayer layer = p.layer(rid);
        if (layer == null) {
            learnRefusal = DropReason.UNKNOWN_RID;
        }
        return layer;
    }

    /** The producer whose mid the packet's MID header extension names, or null. */
    private Producer producerNamedByMid(ByteBuf packet) {
        for (Producer p : producers) {
            int id = p.params().midExtId();
            if (id == 0 || p.params().mid() == null) {
                continue;
            }
            String mid = extensionText(packet, id);
            if (mid == null) {
                continue;
            }
            for (Producer q : producers) {
                if (mid.equals(q.params().mid())) {
                    return q;
                }
            }
            return null;
        }
        return null;
    }

    /** An SDES-style header extension (MID, rid) as text, or null when absent or {@code id} is 0. */
    private static String extensionText(ByteBuf packet, int id) {
        if (id == 0) {
            return null;
        }
        long location = HeaderExtensions.find(packet, id);
        if (location < 0) {
            return null;
        }
        // locations are relative to the packet's start (its reader index)
        return packet.toString(packet.readerIndex() + HeaderExtensions.offsetOf(location),
                HeaderExtensions.lengthOf(location), StandardCharsets.US_ASCII);
    }

    @Override
    public void onRtcp(MediaLink t, ByteBuf packet) {
        try {
            RtcpError error = RtcpRouting.forEachSenderReport(packet, (ssrc, ntp, rtpTs) -> {
                ProducerLayer l = bySsrc.get(ssrc);
                if (l != null) {
                    l.producer.onSenderReport(l, ntp, rtpTs);
                }
            });
            if (error != null) {
                t.metrics().drop(DropReason.RTCP_MALFORMED);
            }
        } finally {
            packet.release();
        }
    }

    private void recordArrival(MediaLink t, ByteBuf packet, long ssrc) {
        int seq = TransportWideSequence.get(packet, transportCcExtId);
        if (seq < 0) {
            return;
        }
        switch (transportCc.onPacket(seq, (System.nanoTime() - transportCcEpochNanos) / 1000)) {
            case RECORDED -> transportCcMediaSsrc = ssrc;
            case LATE -> t.metrics().transportCcArrivalsLate.increment();
            case JUMP -> t.metrics().transportCcArrivalsJump.increment();
        }
    }

    /**
     * Transport-cc feedback for every number since the last call (draft-holmer-rmcat-transport-wide-cc-extensions-01
     * §3.1), as a browser's receiver sends it; the router's timer calls this every
     * {@link Router#TRANSPORT_CC_FEEDBACK_INTERVAL_MILLIS} ms.
     */
    void sendTransportCc() {
        if (transportCc == null || closed || !link.isConnected()) {
            return;
        }
        List<TransportCcFeedback> feedback = transportCc.takeFeedback(senderSsrc, transportCcMediaSsrc);
        if (feedback.isEmpty()) {
            return;
        }
        for (TransportCcFeedback f : feedback) {
            link.sendRtcp(RtcpSend.transportCc(link.alloc(), f));
        }
        link.metrics().transportCcFeedbackSent.increment(feedback.size());
        link.flush();
    }

    /** What the transport-cc recorder saw, or null without transport-cc. */
    TransportCcRecorder transportCc() {
        return transportCc;
    }

    /**
     * Receiver reports for every producer plus one REMB of what its receivers need (at most {@code ceiling});
     * called by the router's timer (~1 s).
     */
    void sendReports(long nowNanos, long ceiling) {
        if (closed || !link.isConnected() || producers.isEmpty()) {
            return;
        }
        long remb = PublisherBitrateCap.of(producers, ceiling);
        ByteBuf rtcp = RtcpSend.receiverReportsAndRemb(link.alloc(), senderSsrc, producers, nowNanos, remb);
        if (rtcp != null) {
            link.sendRtcp(rtcp);
            link.flush();
            if (hasVideo()) {
                rembAnnounced = remb;
                link.metrics().publisherRemb.record(remb);
            }
        }
    }

    /**
     * After the router chose layers anew: when what the receivers need moved by more than {@link #REMB_CHANGE}
     * from what was last announced, a REMB goes out now rather than with the next report, so a publisher whose
     * receivers shrank their tiles stops spending its uplink at once, and one asked to resume a layer has the
     * room to send it.
     */
    void updateRemb(long ceiling) {
        if (closed || !link.isConnected() || rembAnnounced <= 0) {
            return; // the first REMB goes with the first receiver report
        }
        long remb = PublisherBitrateCap.of(producers, ceiling);
        if (Math.abs(remb - rembAnnounced) <= rembAnnounced * REMB_CHANGE) {
            return;
        }
        ByteBuf rtcp = RtcpSend.remb(link.alloc(), senderSsrc, producers, remb);
        if (rtcp != null) {
            rembAnnounced = remb;
            link.metrics().publisherRembPrompt.increment();
            link.sendRtcp(rtcp);
            link.flush();
        }
    }

    /** The bitrate last announced in REMB, 0 before the first. */
    long rembAnnounced() {
        return rembAnnounced;
    }

    private boolean hasVideo() {
        for (int i = 0; i < producers.size(); i++) {
            if (producers.get(i).video()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onClosed(MediaLink t, String reason) {
        router.onLinkClosed(participantId, t, reason);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Producer p : List.copyOf(producers)) {
            router.closeProducer(p);
        }
        link.close("publisher closed");
    }
}

package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtp.HeaderExtensions;
import org.javameet.sfu.rtp.RtpHeader;

/**
 * A participant's sending side: the link of their publish connection and the Producers fed by it.
 * Routes incoming RTP to producers by SSRC, reads their sender reports, and sends them receiver reports
 * and REMB so their bandwidth estimate can grow. Media loop only.
 */
public final class Publisher implements MediaLink.Listener {
    private final Router router;
    private final String participantId;
    private final MediaLink link;
    private final long senderSsrc;
    private final List<Producer> producers = new ArrayList<>();
    private final Map<Long, Producer> bySsrc = new HashMap<>();
    /** Producers by the SSRC of their RTX stream: the publisher's answers to our NACKs. */
    private final Map<Long, Producer> byRtxSsrc = new HashMap<>();
    private boolean closed;

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
        if (p.ssrc() != 0) {
            bySsrc.put(p.ssrc(), p);
        }
        if (p.params().rtxSsrc() != 0) {
            byRtxSsrc.put(p.params().rtxSsrc(), p);
        }
    }

    void remove(Producer p) {
        producers.remove(p);
        bySsrc.remove(p.ssrc(), p);
        byRtxSsrc.remove(p.params().rtxSsrc(), p);
    }

    @Override
    public void onConnected(MediaLink t) {
        // nothing to do: consumers ask for keyframes when their own transports connect
    }

    @Override
    public void onRtp(MediaLink t, ByteBuf packet) {
        if (RtpHeader.check(packet) != null) {
            t.metrics().drop(DropReason.RTP_MALFORMED);
            packet.release();
            return;
        }
        long ssrc = RtpHeader.ssrc(packet);
        Producer p = bySsrc.get(ssrc);
        if (p == null) {
            Producer repaired = byRtxSsrc.get(ssrc);
            if (repaired == null) {
                repaired = learnRtxSsrc(packet, ssrc);
            }
            if (repaired != null) {
                onRtx(repaired, packet);
                return;
            }
            p = learnSsrc(packet, ssrc);
        }
        if (p == null) {
            // e.g. RTX or FEC streams we did not negotiate, or a probe: counted, not an error
            t.metrics().drop(DropReason.UNKNOWN_SSRC);
            packet.release();
            return;
        }
        p.onRtp(packet);
    }

    private void onRtx(Producer p, ByteBuf rtx) {
        ByteBuf original = RtxPacket.unwrap(link.alloc(), rtx, p.ssrc(), p.params().payloadType());
        rtx.release();
        if (original != null) {
            p.onRtp(original);
        }
    }

    /**
     * Offers without a=ssrc (MID-only, as JSEP allows; webrtcbin, simulcast): bind an unknown SSRC to the producer
     * whose mid its MID header extension names (RFC 8843 §9.2). A packet without the extension takes the first
     * producer of its payload type that has no SSRC yet, so two tracks of one codec (camera and screen) are told
     * apart only by MID.
     */
    private Producer learnSsrc(ByteBuf packet, long ssrc) {
        int pt = RtpHeader.payloadType(packet);
        Producer named = producerNamedByMid(packet);
        if (named != null) {
            if (named.ssrc() != 0 || named.params().payloadType() != pt) {
                return null;
            }
            named.ssrc(ssrc);
            bySsrc.put(ssrc, named);
            return named;
        }
        for (Producer p : producers) {
            if (p.ssrc() == 0 && p.params().payloadType() == pt) {
                p.ssrc(ssrc);
                bySsrc.put(ssrc, p);
                return p;
            }
        }
        return null;
    }

    /** The RTX stream of a MID-only track: named by its MID extension, with the track's RTX payload type. */
    private Producer learnRtxSsrc(ByteBuf packet, long ssrc) {
        Producer named = producerNamedByMid(packet);
        if (named == null || named.params().rtxPayloadType() == 0 || named.ssrc() == 0
                || named.params().rtxPayloadType() != RtpHeader.payloadType(packet) || byRtxSsrc.containsValue(named)) {
            return null;
        }
        byRtxSsrc.put(ssrc, named);
        return named;
    }

    /** The producer whose mid the packet's MID header extension names, or null. */
    private Producer producerNamedByMid(ByteBuf packet) {
        for (Producer p : producers) {
            int id = p.params().midExtId();
            if (id == 0 || p.params().mid() == null) {
                continue;
            }
            long location = HeaderExtensions.find(packet, id);
            if (location < 0) {
                continue;
            }
            // locations are relative to the packet's start (its reader index)
            String mid = packet.toString(packet.readerIndex() + HeaderExtensions.offsetOf(location),
                    HeaderExtensions.lengthOf(location), StandardCharsets.US_ASCII);
            for (Producer q : producers) {
                if (mid.equals(q.params().mid())) {
                    return q;
                }
            }
            return null;
        }
        return null;
    }

    @Override
    public void onRtcp(MediaLink t, ByteBuf packet) {
        try {
            RtcpError error = RtcpRouting.forEachSenderReport(packet, (ssrc, ntp, rtpTs) -> {
                Producer p = bySsrc.get(ssrc);
                if (p != null) {
                    p.onSenderReport(ntp, rtpTs);
                }
            });
            if (error != null) {
                t.metrics().drop(DropReason.RTCP_MALFORMED);
            }
        } finally {
            packet.release();
        }
    }

    /** Receiver reports for every producer plus one REMB; called by the router's timer (~1 s). */
    void sendReports(long nowNanos, long rembBitrate) {
        if (closed || !link.isConnected() || producers.isEmpty()) {
            return;
        }
        ByteBuf rtcp = RtcpSend.receiverReportsAndRemb(link.alloc(), senderSsrc, producers, nowNanos, rembBitrate);
        if (rtcp != null) {
            link.sendRtcp(rtcp);
            link.flush();
        }
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

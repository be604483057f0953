package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.transport.TransportListener;
import org.javameet.sfu.transport.WebRtcTransport;

/**
 * A participant's sending side: the transport of their publish connection and the Producers fed by it.
 * Routes incoming RTP to producers by SSRC, reads their sender reports, and sends them receiver reports
 * and REMB so their bandwidth estimate can grow. Media loop only.
 */
public final class Publisher implements TransportListener {
    private final Router router;
    private final String participantId;
    private final WebRtcTransport transport;
    private final long senderSsrc;
    private final List<Producer> producers = new ArrayList<>();
    private final Map<Long, Producer> bySsrc = new HashMap<>();
    /** Producers by the SSRC of their RTX stream: the publisher's answers to our NACKs. */
    private final Map<Long, Producer> byRtxSsrc = new HashMap<>();
    private boolean closed;

    Publisher(Router router, String participantId, WebRtcTransport transport, long senderSsrc) {
        this.router = router;
        this.participantId = participantId;
        this.transport = transport;
        this.senderSsrc = senderSsrc;
    }

    public String participantId() { return participantId; }
    public WebRtcTransport transport() { return transport; }
    long senderSsrc() { return senderSsrc; }
    List<Producer> producers() { return producers; }

    void add(Producer p) {
        producers.add(p);
        if (p.ssrc() != 0) {
            bySsrc.put(p.ssrc(), p);
        }
        if (p.track().rtx() != null && p.track().rtxSsrc() != 0) {
            byRtxSsrc.put(p.track().rtxSsrc(), p);
        }
    }

    void remove(Producer p) {
        producers.remove(p);
        bySsrc.remove(p.ssrc(), p);
        byRtxSsrc.remove(p.track().rtxSsrc(), p);
    }

    @Override
    public void onConnected(WebRtcTransport t) {
        // nothing to do: consumers ask for keyframes when their own transports connect
    }

    @Override
    public void onRtp(WebRtcTransport t, ByteBuf packet) {
        if (RtpHeader.check(packet) != null) {
            t.metrics().drop(DropReason.RTP_MALFORMED);
            packet.release();
            return;
        }
        long ssrc = RtpHeader.ssrc(packet);
        Producer p = bySsrc.get(ssrc);
        if (p == null) {
            Producer repaired = byRtxSsrc.get(ssrc);
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
        ByteBuf original = RtxPacket.unwrap(transport.alloc(), rtx, p.ssrc(), p.track().codec().payloadType());
        rtx.release();
        if (original != null) {
            p.onRtp(original);
        }
    }

    /** Offers without a=ssrc (Firefox, simulcast): bind the first unknown SSRC of the right payload type. */
    private Producer learnSsrc(ByteBuf packet, long ssrc) {
        int pt = RtpHeader.payloadType(packet);
        for (Producer p : producers) {
            if (p.ssrc() == 0 && p.track().codec().payloadType() == pt) {
                p.ssrc(ssrc);
                bySsrc.put(ssrc, p);
                return p;
            }
        }
        return null;
    }

    @Override
    public void onRtcp(WebRtcTransport t, ByteBuf packet) {
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
        if (closed || !transport.isConnected() || producers.isEmpty()) {
            return;
        }
        ByteBuf rtcp = RtcpSend.receiverReportsAndRemb(transport.alloc(), senderSsrc, producers, nowNanos, rembBitrate);
        if (rtcp != null) {
            transport.sendRtcp(rtcp);
            transport.flush();
        }
    }

    @Override
    public void onClosed(WebRtcTransport t, String reason) {
        router.onTransportClosed(participantId, t, reason);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Producer p : List.copyOf(producers)) {
            router.closeProducer(p);
        }
        transport.close("publisher closed");
    }
}

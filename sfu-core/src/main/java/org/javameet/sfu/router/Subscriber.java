package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.transport.TransportListener;
import org.javameet.sfu.transport.WebRtcTransport;

/**
 * A participant's receiving side: the transport of their subscribe connection and their Consumers.
 * Routes their RTCP feedback (PLI, FIR, NACK) to the right consumer. Media loop only.
 */
public final class Subscriber implements TransportListener {
    private final Router router;
    private final String participantId;
    private final WebRtcTransport transport;
    private final List<Consumer> consumers = new ArrayList<>();
    private final Map<Long, Consumer> bySsrc = new HashMap<>();
    private boolean closed;

    Subscriber(Router router, String participantId, WebRtcTransport transport) {
        this.router = router;
        this.participantId = participantId;
        this.transport = transport;
    }

    public String participantId() { return participantId; }
    public WebRtcTransport transport() { return transport; }
    List<Consumer> consumers() { return consumers; }

    void add(Consumer c) {
        consumers.add(c);
        bySsrc.put(c.ssrc(), c);
    }

    void remove(Consumer c) {
        consumers.remove(c);
        bySsrc.remove(c.ssrc(), c);
    }

    @Override
    public void onConnected(WebRtcTransport t) {
        for (Consumer c : consumers) {
            c.onTransportConnected();
        }
    }

    @Override
    public void onRtp(WebRtcTransport t, ByteBuf packet) {
        // a receive-only connection has nothing to send us
        t.metrics().drop(DropReason.UNKNOWN_SSRC);
        packet.release();
    }

    @Override
    public void onRtcp(WebRtcTransport t, ByteBuf packet) {
        try {
            RtcpError error = RtcpRouting.forEachFeedback(packet, new RtcpRouting.FeedbackVisitor() {
                @Override
                public void keyframeRequest(long mediaSsrc) {
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onKeyframeRequest();
                    }
                }

                @Override
                public void nack(long mediaSsrc, int[] lost) {
                    t.metrics().nacksReceived.increment();
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onNack(lost);
                    }
                }
            });
            if (error != null) {
                t.metrics().drop(DropReason.RTCP_MALFORMED);
            }
        } finally {
            packet.release();
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
        for (Consumer c : List.copyOf(consumers)) {
            c.close();
        }
        consumers.clear();
        bySsrc.clear();
        transport.close("subscriber closed");
    }
}

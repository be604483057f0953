package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;

/**
 * A participant's receiving side: the link of their subscribe connection and their Consumers.
 * Routes their RTCP feedback (PLI, FIR, NACK) to the right consumer. Media loop only.
 */
public final class Subscriber implements MediaLink.Listener {
    private final Router router;
    private final String participantId;
    private final MediaLink link;
    private final List<Consumer> consumers = new ArrayList<>();
    private final Map<Long, Consumer> bySsrc = new HashMap<>();
    private boolean closed;

    Subscriber(Router router, String participantId, MediaLink link) {
        this.router = router;
        this.participantId = participantId;
        this.link = link;
    }

    public String participantId() { return participantId; }
    public MediaLink link() { return link; }
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
    public void onConnected(MediaLink t) {
        for (Consumer c : consumers) {
            c.onLinkConnected();
        }
    }

    @Override
    public void onRtp(MediaLink t, ByteBuf packet) {
        // a receive-only connection has nothing to send us
        t.metrics().drop(DropReason.UNKNOWN_SSRC);
        packet.release();
    }

    @Override
    public void onRtcp(MediaLink t, ByteBuf packet) {
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
                public void receptionReport(long mediaSsrc, long lsr, long dlsr) {
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onReceptionReport(lsr, dlsr, System.nanoTime());
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
    public void onClosed(MediaLink t, String reason) {
        router.onLinkClosed(participantId, t, reason);
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
        link.close("subscriber closed");
    }
}

package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtcp.ReceiverReport;
import org.javameet.sfu.rtcp.Remb;
import org.javameet.sfu.rtcp.ReportBlock;
import org.javameet.sfu.rtcp.Sdes;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.javameet.sfu.srtp.SrtpSession;

/** The RTCP packets the SFU originates, each built into a heap buffer with room for the SRTCP trailer. */
final class RtcpSend {
    private RtcpSend() {
    }

    static ByteBuf pli(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc) {
        Pli pli = new Pli(senderSsrc, mediaSsrc);
        ByteBuf out = alloc.heapBuffer(pli.marshalSize() + SrtpSession.MAX_TRAILER);
        pli.marshalTo(out);
        return out;
    }

    static ByteBuf nack(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc, int[] lost) {
        Nack nack = Nack.of(senderSsrc, mediaSsrc, lost);
        ByteBuf out = alloc.heapBuffer(nack.marshalSize() + SrtpSession.MAX_TRAILER);
        nack.marshalTo(out);
        return out;
    }

    static ByteBuf transportCc(ByteBufAllocator alloc, TransportCcFeedback feedback) {
        ByteBuf out = alloc.heapBuffer(feedback.marshalSize() + SrtpSession.MAX_TRAILER);
        feedback.marshalTo(out);
        return out;
    }

    /** A compound SR + SDES(CNAME), as RFC 3550 §6.1 asks of every compound. */
    static ByteBuf senderReport(ByteBufAllocator alloc, long ssrc, long ntp, long rtpTs, long packets, long octets,
                                String cname) {
        SenderReport sr = new SenderReport(ssrc, ntp, rtpTs, packets & 0xFFFFFFFFL, octets & 0xFFFFFFFFL, List.of());
        Sdes sdes = Sdes.cname(ssrc, cname);
        ByteBuf out = alloc.heapBuffer(sr.marshalSize() + sdes.marshalSize() + SrtpSession.MAX_TRAILER);
        sr.marshalTo(out);
        sdes.marshalTo(out);
        return out;
    }

    /**
     * An empty RR (a compound starts with one, RFC 3550 §6.1) and a REMB announcing {@code rembBitrate} for the
     * publisher's video SSRCs: sent between the timer's reports when what its receivers need changed, without
     * resetting the report blocks' loss interval. Null without a known video SSRC.
     */
    static ByteBuf remb(ByteBufAllocator alloc, long senderSsrc, List<Producer> producers, long rembBitrate) {
        List<Long> videoSsrcs = new ArrayList<>();
        for (Producer p : producers) {
            for (ProducerLayer l : p.layers()) {
                if (p.video() && l.ssrc != 0) {
                    videoSsrcs.add(l.ssrc);
                }
            }
        }
        if (videoSsrcs.isEmpty()) {
            return null;
        }
        ReceiverReport rr = new ReceiverReport(senderSsrc, List.of());
        Remb remb = new Remb(senderSsrc, rembBitrate, videoSsrcs);
        ByteBuf out = alloc.heapBuffer(rr.marshalSize() + remb.marshalSize() + SrtpSession.MAX_TRAILER);
        rr.marshalTo(out);
        remb.marshalTo(out);
        return out;
    }

    /**
     * One compound for a publisher: an RR with a block per producer layer (RFC 3550 §6.4.2, at most 31 blocks)
     * followed by a REMB announcing {@code rembBitrate} for its video SSRCs. Null when there is nothing to say.
     */
    static ByteBuf receiverReportsAndRemb(ByteBufAllocator alloc, long senderSsrc, List<Producer> producers,
                                          long nowNanos, long rembBitrate) {
        List<ReportBlock> blocks = new ArrayList<>();
        List<Long> videoSsrcs = new ArrayList<>();
        for (Producer p : producers) {
            for (ProducerLayer l : p.layers()) {
                ReceiveStats s = l.stats;
                if (l.ssrc == 0 || !s.hasData() || blocks.size() == 31) {
                    continue;
                }
                blocks.add(new ReportBlock(l.ssrc, s.fractionLostAndReset(), (int) s.cumulativeLost(),
                        s.extendedHighestSeq() & 0xFFFFFFFFL, s.jitter() & 0xFFFFFFFFL, s.lastSr(),
                        s.delaySinceLastSr(nowNanos) & 0xFFFFFFFFL));
                if (p.video()) {
                    videoSsrcs.add(l.ssrc);
                }
            }
        }
        if (blocks.isEmpty()) {
            return null;
        }
        ReceiverReport rr = new ReceiverReport(senderSsrc, blocks);
        Remb remb = videoSsrcs.isEmpty() ? null : new Remb(senderSsrc, rembBitrate, videoSsrcs);
        ByteBuf out = alloc.heapBuffer(rr.marshalSize() + (remb == null ? 0 : remb.marshalSize()) + SrtpSession.MAX_TRAILER);
        rr.marshalTo(out);
        if (remb != null) {
            remb.marshalTo(out);
        }
        return out;
    }
}

package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtcp.Fir;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.ReceiverReport;
import org.javameet.sfu.rtcp.ReportBlock;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtcp.TransportCcFeedback;

/** Picks out of a compound RTCP packet the parts the router acts on. One bad packet inside is skipped. */
final class RtcpRouting {
    private RtcpRouting() {
    }

    interface SenderReportVisitor {
        void senderReport(long ssrc, long ntpTimestamp, long rtpTimestamp);
    }

    interface FeedbackVisitor {
        void keyframeRequest(long mediaSsrc);

        void nack(long mediaSsrc, int[] lostSequenceNumbers);

        /** Transport-wide congestion control feedback (for the whole transport, whatever its media SSRC). */
        default void transportCc(TransportCcFeedback feedback) {
        }

        /** A feedback packet this router reads was malformed; the rest of the compound is still visited. */
        default void rejected(int packetType, int fmt, RtcpError error) {
        }

        /** A receiver report's block about our stream {@code mediaSsrc}: its LSR and DLSR, for the RTT. */
        default void receptionReport(long mediaSsrc, long lsr, long dlsr) {
        }
    }

    static RtcpError forEachSenderReport(ByteBuf compound, SenderReportVisitor v) {
        return RtcpCompound.forEach(compound, (type, count, off, len) -> {
            if (type == RtcpHeader.SR && len >= 28) {
                v.senderReport(Rtcp.senderSsrc(compound, off), SenderReport.ntpTimestamp(compound, off),
                        SenderReport.rtpTimestamp(compound, off));
            }
        });
    }

    static RtcpError forEachFeedback(ByteBuf compound, FeedbackVisitor v) {
        return forEachFeedback(compound, null, v);
    }

    /**
     * As {@link #forEachFeedback(ByteBuf, FeedbackVisitor)}, with transport-cc feedback read into
     * {@code transportCcScratch} (when not null) rather than a new instance per packet: the visitor must not keep
     * it past {@link FeedbackVisitor#transportCc}.
     */
    static RtcpError forEachFeedback(ByteBuf compound, TransportCcFeedback transportCcScratch, FeedbackVisitor v) {
        return RtcpCompound.forEach(compound, (type, fmt, off, len) -> {
            try {
                if (type == RtcpHeader.RR) {
                    for (ReportBlock b : ReceiverReport.parse(compound, off, len).reportBlocks()) {
                        v.receptionReport(b.ssrc(), b.lsr(), b.dlsr());
                    }
                } else if (Rtcp.isPli(compound, off, len)) {
                    v.keyframeRequest(Rtcp.mediaSsrc(compound, off));
                } else if (Rtcp.isFir(compound, off, len)) {
                    for (Fir.Entry e : Fir.parse(compound, off, len).entries()) {
                        v.keyframeRequest(e.ssrc());
                    }
                } else if (Rtcp.isNack(compound, off, len)) {
                    Nack nack = Nack.parse(compound, off, len);
                    v.nack(nack.mediaSsrc(), nack.lostSequenceNumbers());
                } else if (Rtcp.isTransportCc(compound, off, len)) {
                    if (transportCcScratch == null) {
                        v.transportCc(TransportCcFeedback.parse(compound, off, len));
                    } else {
                        transportCcScratch.read(compound, off, len);
                        v.transportCc(transportCcScratch);
                    }
                }
            } catch (RtcpException e) {
                // a malformed feedback packet: skip it, keep the rest of the compound
                v.rejected(type, fmt, e.error());
            }
        });
    }
}

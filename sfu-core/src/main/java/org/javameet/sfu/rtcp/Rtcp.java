package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Hot-path questions about one RTCP packet at an absolute offset (as handed out by
 * {@link RtcpCompound#forEach}), answered without parsing it, so the router can route feedback.
 */
public final class Rtcp {
    /** RTPFB FMT for generic NACK, RFC 4585 §6.2.1. */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT for transport-wide congestion control, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT for PLI, RFC 4585 §6.3.1. */
    public static final int FMT_PLI = 1;
    /** PSFB FMT for FIR, RFC 5104 §4.3.1. */
    public static final int FMT_FIR = 4;
    /** PSFB FMT for application layer feedback (REMB), RFC 4585 §6.4. */
    public static final int FMT_AFB = 15;
    /** "REMB" as a big-endian int, the unique identifier of draft-alvestrand-rmcat-remb §2.2. */
    public static final int REMB_IDENTIFIER = 0x52454D42;

    private Rtcp() {
    }

    /**
     * The SSRC in the second word: the sender of SR, RR and feedback packets, the first chunk of SDES, the
     * first source of BYE. Requires length &gt;= 8.
     */
    public static long senderSsrc(ByteBuf buf, int off) {
        return buf.getUnsignedInt(off + 4);
    }

    /** SSRC of media source of an RTPFB/PSFB packet (RFC 4585 §6.1). Requires length &gt;= 12. */
    public static long mediaSsrc(ByteBuf buf, int off) {
        return buf.getUnsignedInt(off + 8);
    }

    private static boolean is(ByteBuf buf, int off, int length, int pt, int fmt, int minLength) {
        return length >= minLength && RtcpHeader.packetType(buf, off) == pt && RtcpHeader.count(buf, off) == fmt;
    }

    /** Transport-cc feedback: PT 205, FMT 15; routed to the publisher's bandwidth estimator unparsed. */
    public static boolean isTransportCc(ByteBuf buf, int off, int length) {
        return is(buf, off, length, RtcpHeader.RTPFB, FMT_TRANSPORT_CC, 12);
    }

    /** REMB: PT 206, FMT 15 and the "REMB" identifier after the media SSRC. */
    public static boolean isRemb(ByteBuf buf, int off, int length) {
        return is(buf, off, length, RtcpHeader.PSFB, FMT_AFB, 16) && buf.getInt(off + 12) == REMB_IDENTIFIER;
    }

    public static boolean isNack(ByteBuf buf, int off, int length) {
        return is(buf, off, length, RtcpHeader.RTPFB, FMT_NACK, 12);
    }

    public static boolean isPli(ByteBuf buf, int off, int length) {
        return is(buf, off, length, RtcpHeader.PSFB, FMT_PLI, 12);
    }

    public static boolean isFir(ByteBuf buf, int off, int length) {
        return is(buf, off, length, RtcpHeader.PSFB, FMT_FIR, 12);
    }

    /** A keyframe request of either kind (PLI or FIR). */
    public static boolean isKeyframeRequest(ByteBuf buf, int off, int length) {
        return isPli(buf, off, length) || isFir(buf, off, length);
    }

    /**
     * Checks the common feedback header (RFC 4585 §6.1) of PT/FMT, returning the content length.
     */
    static int checkFeedback(ByteBuf buf, int off, int length, int pt, int fmt) throws RtcpException {
        int content = RtcpHeader.checkPacket(buf, off, length, pt, 12);
        if (RtcpHeader.count(buf, off) != fmt) {
            throw new RtcpException(RtcpError.BAD_FMT);
        }
        return content;
    }
}

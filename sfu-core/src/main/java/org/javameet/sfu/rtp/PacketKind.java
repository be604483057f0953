package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Tells apart what arrives on the single media port by its first byte, so the UDP handler can route a
 * datagram without parsing it. Pure and allocation-free; the packet starts at the buffer's readerIndex.
 *
 * <p>RFC 7983 §7 (updating RFC 5764 §5.1.2):
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--&gt; forward to STUN
 *                  |                |
 *                  |      [16..19] -+--&gt; forward to ZRTP
 *                  |                |
 *      packet --&gt;  |      [20..63] -+--&gt; forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--&gt; forward to TURN Channel
 *                  |                |
 *                  |    [128..191] -+--&gt; forward to RTP/RTCP
 *                  +----------------+
 * </pre>
 */
public final class PacketKind {
    private PacketKind() {
    }

    /** First byte 0..3: a STUN message (the two top bits of a STUN header are zero). */
    public static boolean isStun(ByteBuf buf) {
        if (!buf.isReadable()) {
            return false;
        }
        int b = buf.getUnsignedByte(buf.readerIndex());
        return b <= 3;
    }

    /** First byte 20..63: a DTLS record (content types 20..63). */
    public static boolean isDtls(ByteBuf buf) {
        if (!buf.isReadable()) {
            return false;
        }
        int b = buf.getUnsignedByte(buf.readerIndex());
        return b >= 20 && b <= 63;
    }

    /** First byte 128..191: RTP or RTCP (version 2 in the top two bits). */
    public static boolean isRtpOrRtcp(ByteBuf buf) {
        if (!buf.isReadable()) {
            return false;
        }
        int b = buf.getUnsignedByte(buf.readerIndex());
        return b >= 128 && b <= 191;
    }

    /**
     * RTCP under RTP/RTCP multiplexing. RFC 5761 §4: the second byte of RTCP is its packet type, and
     * packet types 192..223 do not clash with any RTP payload type (with the marker bit, 64..95 are
     * unused by RTP), so 192..223 means RTCP. At least the 4-byte RTCP header must be readable.
     */
    public static boolean isRtcp(ByteBuf buf) {
        if (buf.readableBytes() < 4 || !isRtpOrRtcp(buf)) {
            return false;
        }
        int pt = buf.getUnsignedByte(buf.readerIndex() + 1);
        return pt >= 192 && pt <= 223;
    }

    /** RTP under RTP/RTCP multiplexing: the RTP/RTCP range, not RTCP, and at least the 12-byte fixed header. */
    public static boolean isRtp(ByteBuf buf) {
        if (buf.readableBytes() < 12 || !isRtpOrRtcp(buf)) {
            return false;
        }
        int pt = buf.getUnsignedByte(buf.readerIndex() + 1);
        return pt < 192 || pt > 223;
    }
}

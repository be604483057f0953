package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Picture loss indication: the cheapest keyframe request. RFC 4585 §6.1 common format with §6.3.1's PT=206
 * FMT=1 and no FCI:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 */
public record Pli(long senderSsrc, long mediaSsrc) {
    public static final int SIZE = 12;

    public static Pli parse(ByteBuf buf, int off, int length) throws RtcpException {
        Rtcp.checkFeedback(buf, off, length, RtcpHeader.PSFB, Rtcp.FMT_PLI);
        return new Pli(buf.getUnsignedInt(off + 4), buf.getUnsignedInt(off + 8));
    }

    public int marshalSize() {
        return SIZE;
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, Rtcp.FMT_PLI, RtcpHeader.PSFB, SIZE);
        dst.writeInt((int) senderSsrc);
        dst.writeInt((int) mediaSsrc);
    }
}

package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2), PT=206 FMT=15, media SSRC 0:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ...                                                          |
 * </pre>
 * bitrate = mantissa (18 bits) * 2^exp (6 bits). Marshalling picks the smallest exponent, rounding down,
 * as libwebrtc does; a parsed value too large for a long is clamped to Long.MAX_VALUE.
 */
public record Remb(long senderSsrc, long bitrate, List<Long> ssrcs) {
    private static final int MAX_MANTISSA = 0x3FFFF;

    public Remb {
        ssrcs = List.copyOf(ssrcs);
        if (bitrate < 0 || ssrcs.size() > 255) {
            throw new IllegalArgumentException("bitrate " + bitrate + ", " + ssrcs.size() + " ssrcs");
        }
    }

    public static Remb parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = Rtcp.checkFeedback(buf, off, length, RtcpHeader.PSFB, Rtcp.FMT_AFB);
        if (content < 20) {
            throw new RtcpException(RtcpError.TOO_SHORT);
        }
        if (buf.getInt(off + 12) != Rtcp.REMB_IDENTIFIER) {
            throw new RtcpException(RtcpError.BAD_REMB_IDENTIFIER);
        }
        int word = buf.getInt(off + 16);
        int num = word >>> 24;
        if (20 + 4 * num > content) {
            throw new RtcpException(RtcpError.BAD_COUNT);
        }
        List<Long> ssrcs = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            ssrcs.add(buf.getUnsignedInt(off + 20 + 4 * i));
        }
        return new Remb(buf.getUnsignedInt(off + 4), bitrate((word >>> 18) & 0x3F, word & MAX_MANTISSA), ssrcs);
    }

    static long bitrate(int exp, long mantissa) {
        if (mantissa != 0 && exp > Long.numberOfLeadingZeros(mantissa) - 1) {
            return Long.MAX_VALUE;
        }
        return mantissa << exp;
    }

    /** The 6-bit exponent used for {@link #bitrate}. */
    public int exponent() {
        return Math.max(0, 64 - Long.numberOfLeadingZeros(bitrate) - 18);
    }

    /** The 18-bit mantissa used for {@link #bitrate}; rounded down when the bitrate does not fit exactly. */
    public int mantissa() {
        return (int) (bitrate >>> exponent());
    }

    public int marshalSize() {
        return 20 + 4 * ssrcs.size();
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, Rtcp.FMT_AFB, RtcpHeader.PSFB, marshalSize());
        dst.writeInt((int) senderSsrc);
        dst.writeInt(0);
        dst.writeInt(Rtcp.REMB_IDENTIFIER);
        dst.writeInt(ssrcs.size() << 24 | exponent() << 18 | mantissa());
        for (long s : ssrcs) {
            dst.writeInt((int) s);
        }
    }
}

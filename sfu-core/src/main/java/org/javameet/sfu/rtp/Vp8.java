package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Just enough of the VP8 RTP payload format to find keyframes and frame starts, which the SFU needs to
 * switch a consumer cleanly (simulcast layer change, after loss, for a new subscriber). Methods take the
 * whole RTP packet at readerIndex and return false / -1 on anything truncated or malformed.
 *
 * <p>RFC 7741 §4.2, payload descriptor:
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   |
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 * RFC 7741 §4.3, the VP8 payload header that starts the first partition (P is the inverse key frame flag):
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |Size0|H| VER |P|
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Vp8 {
    private Vp8() {
    }

    /**
     * Length of the payload descriptor in bytes, or -1 if the packet is not valid RTP or the descriptor is
     * truncated.
     */
    public static int descriptorLength(ByteBuf rtp) {
        if (RtpHeader.check(rtp) != null) {
            return -1;
        }
        int p = rtp.readerIndex() + RtpHeader.headerLength(rtp);
        int avail = RtpHeader.payloadLength(rtp);
        if (avail < 1) {
            return -1;
        }
        int b0 = rtp.getUnsignedByte(p);
        int n = 1;
        if ((b0 & 0x80) != 0) {
            if (avail < 2) {
                return -1;
            }
            int x = rtp.getUnsignedByte(p + 1);
            n = 2;
            if ((x & 0x80) != 0) {
                if (avail < n + 1) {
                    return -1;
                }
                n += (rtp.getUnsignedByte(p + n) & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                n++;
            }
            if ((x & 0x30) != 0) {
                n++;
            }
        }
        return n <= avail ? n : -1;
    }

    /** S=1 and PID=0: this packet carries the first byte of a frame. */
    public static boolean isStartOfFrame(ByteBuf rtp) {
        if (descriptorLength(rtp) < 0) {
            return false;
        }
        int b0 = rtp.getUnsignedByte(rtp.readerIndex() + RtpHeader.headerLength(rtp));
        return (b0 & 0x10) != 0 && (b0 & 0x07) == 0;
    }

    /** Start of a frame whose VP8 payload header has P=0 (a key frame). */
    public static boolean isKeyframe(ByteBuf rtp) {
        int d = descriptorLength(rtp);
        if (d < 0 || !isStartOfFrame(rtp) || RtpHeader.payloadLength(rtp) < d + 1) {
            return false;
        }
        int ph = rtp.getUnsignedByte(rtp.readerIndex() + RtpHeader.headerLength(rtp) + d);
        return (ph & 0x01) == 0;
    }

    /** The 7- or 15-bit PictureID, or -1 if the descriptor has none. */
    public static int pictureId(ByteBuf rtp) {
        if (descriptorLength(rtp) < 0) {
            return -1;
        }
        int p = rtp.readerIndex() + RtpHeader.headerLength(rtp);
        if ((rtp.getUnsignedByte(p) & 0x80) == 0 || (rtp.getUnsignedByte(p + 1) & 0x80) == 0) {
            return -1;
        }
        int m = rtp.getUnsignedByte(p + 2);
        if ((m & 0x80) != 0) {
            return (m & 0x7F) << 8 | rtp.getUnsignedByte(p + 3);
        }
        return m;
    }
}

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

    /**
     * Offset from the packet start (readerIndex) of the PictureID field, or -1 when the descriptor has none.
     * Its first byte's M bit says whether it is 7 or 15 bits long.
     */
    public static int pictureIdOffset(ByteBuf rtp) {
        if (descriptorLength(rtp) < 0) {
            return -1;
        }
        int p = RtpHeader.headerLength(rtp);
        int base = rtp.readerIndex();
        if ((rtp.getUnsignedByte(base + p) & 0x80) == 0 || (rtp.getUnsignedByte(base + p + 1) & 0x80) == 0) {
            return -1;
        }
        return p + 2;
    }

    /** Writes {@code value} into the PictureID field, keeping its width (7 or 15 bits, value taken modulo). */
    public static void setPictureId(ByteBuf rtp, int value) {
        int off = pictureIdOffset(rtp);
        if (off < 0) {
            return;
        }
        int at = rtp.readerIndex() + off;
        if ((rtp.getUnsignedByte(at) & 0x80) != 0) {
            rtp.setByte(at, 0x80 | (value >> 8) & 0x7F);
            rtp.setByte(at + 1, value & 0xFF);
        } else {
            rtp.setByte(at, value & 0x7F);
        }
    }

    /** True when the PictureID is 15 bits long (M=1), false when 7 bits or absent. */
    public static boolean hasLongPictureId(ByteBuf rtp) {
        int off = pictureIdOffset(rtp);
        return off >= 0 && (rtp.getUnsignedByte(rtp.readerIndex() + off) & 0x80) != 0;
    }

    /** Offset of the TL0PICIDX byte from the packet start (readerIndex), or -1 when absent (L=0). */
    public static int tl0PicIdxOffset(ByteBuf rtp) {
        if (descriptorLength(rtp) < 0) {
            return -1;
        }
        int base = rtp.readerIndex();
        int p = RtpHeader.headerLength(rtp);
        if ((rtp.getUnsignedByte(base + p) & 0x80) == 0) {
            return -1;
        }
        int x = rtp.getUnsignedByte(base + p + 1);
        if ((x & 0x40) == 0) {
            return -1;
        }
        int n = p + 2;
        if ((x & 0x80) != 0) {
            n += (rtp.getUnsignedByte(base + n) & 0x80) != 0 ? 2 : 1;
        }
        return n;
    }

    /** The TL0PICIDX (index of the last temporal-layer-0 picture), or -1 when absent. */
    public static int tl0PicIdx(ByteBuf rtp) {
        int off = tl0PicIdxOffset(rtp);
        return off < 0 ? -1 : rtp.getUnsignedByte(rtp.readerIndex() + off);
    }

    public static void setTl0PicIdx(ByteBuf rtp, int value) {
        int off = tl0PicIdxOffset(rtp);
        if (off >= 0) {
            rtp.setByte(rtp.readerIndex() + off, value & 0xFF);
        }
    }

    /** The temporal layer id (TID, 0 to 3), or -1 when the descriptor has no T/K byte or T=0. */
    public static int temporalLayerId(ByteBuf rtp) {
        int d = descriptorLength(rtp);
        if (d < 0) {
            return -1;
        }
        int base = rtp.readerIndex();
        int p = RtpHeader.headerLength(rtp);
        if ((rtp.getUnsignedByte(base + p) & 0x80) == 0) {
            return -1;
        }
        int x = rtp.getUnsignedByte(base + p + 1);
        if ((x & 0x20) == 0) {
            return -1; // T=0: no TID (K alone may be set)
        }
        return rtp.getUnsignedByte(base + p + d - 1) >> 6; // the T/K byte is the descriptor's last
    }

    /**
     * The frame size a keyframe announces (RFC 6386 §9.1: start code 9d 01 2a, then 14-bit width and height,
     * little-endian), packed as {@code width << 16 | height}; -1 when the packet does not start a keyframe.
     */
    public static int keyframeDimensions(ByteBuf rtp) {
        int d = descriptorLength(rtp); // one parse: this runs on every packet a producer receives
        if (d < 0 || RtpHeader.payloadLength(rtp) < d + 10) {
            return -1;
        }
        int p = rtp.readerIndex() + RtpHeader.headerLength(rtp);
        int b0 = rtp.getUnsignedByte(p);
        if ((b0 & 0x10) == 0 || (b0 & 0x07) != 0 || (rtp.getUnsignedByte(p + d) & 0x01) != 0) {
            return -1; // not the start of a key frame
        }
        int start = p + d;
        if (rtp.getUnsignedByte(start + 3) != 0x9d || rtp.getUnsignedByte(start + 4) != 0x01
                || rtp.getUnsignedByte(start + 5) != 0x2a) {
            return -1;
        }
        int width = rtp.getUnsignedShortLE(start + 6) & 0x3FFF;
        int height = rtp.getUnsignedShortLE(start + 8) & 0x3FFF;
        return width << 16 | height;
    }
}

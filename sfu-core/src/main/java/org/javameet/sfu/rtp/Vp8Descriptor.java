package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * The VP8 payload descriptor (RFC 7741 §4.2, diagram in {@link Vp8}) of one packet, read in one pass and
 * packed into a long, for the per-packet paths (layer accounting, the stream rewriter): the header is read in
 * two or three accesses and the descriptor with one 8-byte read, where {@link Vp8}'s accessors each walk
 * the packet again. The packet must have passed {@link RtpHeader#check}. Media loop; no allocation.
 */
public final class Vp8Descriptor {
    /** Not a usable VP8 payload (too short, truncated descriptor). */
    public static final long INVALID = -1;

    private static final int PAYLOAD_OFFSET_BITS = 20;
    private static final int LENGTH_SHIFT = 20;
    private static final long HAS_PICTURE_ID = 1L << 23;
    private static final long LONG_PICTURE_ID = 1L << 24;
    private static final int TL0_OFFSET_SHIFT = 25;
    private static final int TID_SHIFT = 28;
    private static final long HAS_TID = 1L << 30;
    private static final long START_OF_FRAME = 1L << 31;
    private static final long KEYFRAME = 1L << 32;
    private static final int PICTURE_ID_SHIFT = 33;
    private static final int TL0_SHIFT = 48;

    private Vp8Descriptor() {
    }

    public static long parse(ByteBuf rtp) {
        int base = rtp.readerIndex();
        int b0 = rtp.getUnsignedByte(base);
        int header = RtpHeader.FIXED_HEADER_LENGTH + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (rtp.readableBytes() < header + 4) {
                return INVALID;
            }
            header += 4 + 4 * rtp.getUnsignedShort(base + header + 2);
        }
        int padding = (b0 & 0x20) != 0 ? rtp.getUnsignedByte(rtp.writerIndex() - 1) : 0;
        int avail = rtp.readableBytes() - header - padding;
        if (avail < 1 || header >= 1 << PAYLOAD_OFFSET_BITS) {
            return INVALID;
        }
        long bytes; // the payload's first 8 bytes, big-endian, zero-filled past the end
        if (avail >= 8) {
            bytes = rtp.getLong(base + header);
        } else {
            bytes = 0;
            for (int i = 0; i < avail; i++) {
                bytes |= (long) rtp.getUnsignedByte(base + header + i) << (56 - 8 * i);
            }
        }
        int d0 = byteAt(bytes, 0);
        long info = header;
        int n = 1;
        if ((d0 & 0x80) != 0) {
            int x = byteAt(bytes, 1);
            n = 2;
            if ((x & 0x80) != 0) {
                int m = byteAt(bytes, 2);
                boolean longId = (m & 0x80) != 0;
                int pictureId = longId ? (m & 0x7F) << 8 | byteAt(bytes, 3) : m;
                info |= HAS_PICTURE_ID | (longId ? LONG_PICTURE_ID : 0) | (long) pictureId << PICTURE_ID_SHIFT;
                n += longId ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                info |= (long) n << TL0_OFFSET_SHIFT | (long) byteAt(bytes, n) << TL0_SHIFT;
                n++;
            }
            if ((x & 0x30) != 0) {
                if ((x & 0x20) != 0) {
                    info |= HAS_TID | (long) (byteAt(bytes, n) >> 6) << TID_SHIFT;
                }
                n++;
            }
        }
        if (n > avail) {
            return INVALID;
        }
        info |= (long) n << LENGTH_SHIFT;
        if ((d0 & 0x10) != 0 && (d0 & 0x07) == 0) {
            info |= START_OF_FRAME;
            if (n < avail && (byteAt(bytes, n) & 0x01) == 0) {
                info |= KEYFRAME;
            }
        }
        return info;
    }

    private static int byteAt(long bytes, int i) {
        return (int) (bytes >>> (56 - 8 * i)) & 0xFF;
    }

    /** Offset of the payload (and descriptor) from the packet start. */
    public static int payloadOffset(long info) {
        return (int) (info & ((1 << PAYLOAD_OFFSET_BITS) - 1));
    }

    public static boolean hasPictureId(long info) {
        return info != INVALID && (info & HAS_PICTURE_ID) != 0;
    }

    public static boolean longPictureId(long info) {
        return (info & LONG_PICTURE_ID) != 0;
    }

    public static int pictureId(long info) {
        return (int) (info >>> PICTURE_ID_SHIFT) & 0x7FFF;
    }

    /** Offset of the PictureID from the packet start (it is always the descriptor's third byte). */
    public static int pictureIdOffset(long info) {
        return payloadOffset(info) + 2;
    }

    public static boolean hasTl0PicIdx(long info) {
        return info != INVALID && tl0Offset(info) != 0;
    }

    private static int tl0Offset(long info) {
        return (int) (info >>> TL0_OFFSET_SHIFT) & 0x7;
    }

    /** Offset of TL0PICIDX from the packet start. */
    public static int tl0PicIdxOffset(long info) {
        return payloadOffset(info) + tl0Offset(info);
    }

    public static int tl0PicIdx(long info) {
        return (int) (info >>> TL0_SHIFT) & 0xFF;
    }

    /** The temporal layer id, or -1 when the descriptor carries none. */
    public static int temporalLayerId(long info) {
        return info == INVALID || (info & HAS_TID) == 0 ? -1 : (int) (info >>> TID_SHIFT) & 0x3;
    }

    /** The start of a key frame (S=1, PID=0, P=0). */
    public static boolean isKeyframe(long info) {
        return info != INVALID && (info & KEYFRAME) != 0;
    }
}

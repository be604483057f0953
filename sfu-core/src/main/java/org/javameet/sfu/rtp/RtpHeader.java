package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * In-place accessors over an RTP packet, so the forwarding path reads and rewrites headers without
 * building objects. The one-argument forms use the buffer's readerIndex as the packet start; the
 * {@code (buf, off)} forms take an absolute buffer index. Accessors assume the packet passed
 * {@link #check}; they do not re-validate.
 *
 * <p>RFC 3550 §5.1:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * RFC 3550 §5.3.1, the header extension that follows the CSRCs when X=1:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * </pre>
 * (length counts 32-bit words after this first word).
 */
public final class RtpHeader {
    /** Size of the fixed header, without CSRCs. */
    public static final int FIXED_HEADER_LENGTH = 12;

    private RtpHeader() {
    }

    /**
     * Validates that every length the header declares fits in the readable bytes: after this returns
     * null, {@link #headerLength} and {@link #payloadLength} are safe to use.
     *
     * @return null if well formed, else the first problem found
     */
    public static RtpError check(ByteBuf buf) {
        int off = buf.readerIndex();
        int len = buf.readableBytes();
        if (len < FIXED_HEADER_LENGTH) {
            return RtpError.TOO_SHORT;
        }
        int b0 = buf.getUnsignedByte(off);
        if (b0 >>> 6 != 2) {
            return RtpError.BAD_VERSION;
        }
        int hl = FIXED_HEADER_LENGTH + 4 * (b0 & 0x0F);
        if (hl > len) {
            return RtpError.BAD_CSRC_LENGTH;
        }
        if ((b0 & 0x10) != 0) {
            if (hl + 4 > len) {
                return RtpError.BAD_EXTENSION_LENGTH;
            }
            hl += 4 + 4 * buf.getUnsignedShort(off + hl + 2);
            if (hl > len) {
                return RtpError.BAD_EXTENSION_LENGTH;
            }
        }
        if ((b0 & 0x20) != 0) {
            int pad = buf.getUnsignedByte(off + len - 1);
            if (pad == 0 || pad > len - hl) {
                return RtpError.BAD_PADDING;
            }
        }
        return null;
    }

    public static int version(ByteBuf buf) {
        return version(buf, buf.readerIndex());
    }

    public static int version(ByteBuf buf, int off) {
        return buf.getUnsignedByte(off) >>> 6;
    }

    public static boolean hasPadding(ByteBuf buf) {
        return hasPadding(buf, buf.readerIndex());
    }

    public static boolean hasPadding(ByteBuf buf, int off) {
        return (buf.getByte(off) & 0x20) != 0;
    }

    public static boolean hasExtension(ByteBuf buf) {
        return hasExtension(buf, buf.readerIndex());
    }

    public static boolean hasExtension(ByteBuf buf, int off) {
        return (buf.getByte(off) & 0x10) != 0;
    }

    public static int csrcCount(ByteBuf buf) {
        return csrcCount(buf, buf.readerIndex());
    }

    public static int csrcCount(ByteBuf buf, int off) {
        return buf.getByte(off) & 0x0F;
    }

    public static boolean marker(ByteBuf buf) {
        return marker(buf, buf.readerIndex());
    }

    public static boolean marker(ByteBuf buf, int off) {
        return (buf.getByte(off + 1) & 0x80) != 0;
    }

    public static int payloadType(ByteBuf buf) {
        return payloadType(buf, buf.readerIndex());
    }

    public static int payloadType(ByteBuf buf, int off) {
        return buf.getByte(off + 1) & 0x7F;
    }

    public static int sequenceNumber(ByteBuf buf) {
        return sequenceNumber(buf, buf.readerIndex());
    }

    public static int sequenceNumber(ByteBuf buf, int off) {
        return buf.getUnsignedShort(off + 2);
    }

    public static long timestamp(ByteBuf buf) {
        return timestamp(buf, buf.readerIndex());
    }

    public static long timestamp(ByteBuf buf, int off) {
        return buf.getUnsignedInt(off + 4);
    }

    public static long ssrc(ByteBuf buf) {
        return ssrc(buf, buf.readerIndex());
    }

    public static long ssrc(ByteBuf buf, int off) {
        return buf.getUnsignedInt(off + 8);
    }

    /** The i-th CSRC (0-based), unsigned. */
    public static long csrc(ByteBuf buf, int i) {
        return buf.getUnsignedInt(buf.readerIndex() + FIXED_HEADER_LENGTH + 4 * i);
    }

    /** Offset of the header-extension word (profile, length) from packet start, or -1 without X. */
    public static int extensionOffset(ByteBuf buf, int off) {
        if (!hasExtension(buf, off)) {
            return -1;
        }
        return FIXED_HEADER_LENGTH + 4 * csrcCount(buf, off);
    }

    /** Fixed header + CSRCs + extension block (its 4-byte header and its data). */
    public static int headerLength(ByteBuf buf) {
        return headerLength(buf, buf.readerIndex());
    }

    public static int headerLength(ByteBuf buf, int off) {
        int hl = FIXED_HEADER_LENGTH + 4 * csrcCount(buf, off);
        if (hasExtension(buf, off)) {
            hl += 4 + 4 * buf.getUnsignedShort(off + hl + 2);
        }
        return hl;
    }

    /** Number of padding bytes at the end (0 without P). */
    public static int paddingLength(ByteBuf buf) {
        return hasPadding(buf) ? buf.getUnsignedByte(buf.writerIndex() - 1) : 0;
    }

    /** Payload bytes: everything readable after the header, minus padding. */
    public static int payloadLength(ByteBuf buf) {
        return buf.readableBytes() - headerLength(buf) - paddingLength(buf);
    }

    public static void setMarker(ByteBuf buf, boolean marker) {
        int i = buf.readerIndex() + 1;
        int b = buf.getByte(i);
        buf.setByte(i, marker ? b | 0x80 : b & 0x7F);
    }

    public static void setPayloadType(ByteBuf buf, int pt) {
        int i = buf.readerIndex() + 1;
        buf.setByte(i, (buf.getByte(i) & 0x80) | (pt & 0x7F));
    }

    public static void setSequenceNumber(ByteBuf buf, int seq) {
        buf.setShort(buf.readerIndex() + 2, seq);
    }

    public static void setTimestamp(ByteBuf buf, long ts) {
        buf.setInt(buf.readerIndex() + 4, (int) ts);
    }

    public static void setSsrc(ByteBuf buf, long ssrc) {
        buf.setInt(buf.readerIndex() + 8, (int) ssrc);
    }
}

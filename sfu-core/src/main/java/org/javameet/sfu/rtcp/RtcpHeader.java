package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * The 4-byte header every RTCP packet starts with, read in place at an absolute offset.
 *
 * <p>RFC 3550 §6.4.1 (the first word, common to all types):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * length is the packet size in 32-bit words minus one, so a header-only packet has length 0.
 */
public final class RtcpHeader {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** Transport-layer feedback, RFC 4585 §6.2 (generic NACK FMT 1, transport-cc FMT 15). */
    public static final int RTPFB = 205;
    /** Payload-specific feedback, RFC 4585 §6.3 (PLI FMT 1, FIR FMT 4, REMB/AFB FMT 15). */
    public static final int PSFB = 206;

    public static final int LENGTH = 4;

    private RtcpHeader() {
    }

    public static int version(ByteBuf buf, int off) {
        return buf.getUnsignedByte(off) >>> 6;
    }

    public static boolean hasPadding(ByteBuf buf, int off) {
        return (buf.getByte(off) & 0x20) != 0;
    }

    /** RC / SC / FMT: the low five bits of the first byte. */
    public static int count(ByteBuf buf, int off) {
        return buf.getByte(off) & 0x1F;
    }

    public static int packetType(ByteBuf buf, int off) {
        return buf.getUnsignedByte(off + 1);
    }

    /** The whole packet's size in bytes, from the length field. */
    public static int lengthBytes(ByteBuf buf, int off) {
        return (buf.getUnsignedShort(off + 2) + 1) * 4;
    }

    /** Writes a header with P=0 for a packet of {@code lengthBytes} (a multiple of 4) at dst's writerIndex. */
    public static void write(ByteBuf dst, int countOrFmt, int packetType, int lengthBytes) {
        dst.writeByte(0x80 | (countOrFmt & 0x1F));
        dst.writeByte(packetType);
        dst.writeShort(lengthBytes / 4 - 1);
    }

    /**
     * The checks every record parser shares: bounds, version, type, the length field against
     * {@code length}, and padding.
     *
     * @return the packet's length without padding
     */
    static int checkPacket(ByteBuf buf, int off, int length, int packetType, int minLength) throws RtcpException {
        if (off < 0 || length < LENGTH || off + length > buf.writerIndex()) {
            throw new RtcpException(RtcpError.TOO_SHORT);
        }
        if (version(buf, off) != 2) {
            throw new RtcpException(RtcpError.BAD_VERSION);
        }
        if (packetType(buf, off) != packetType) {
            throw new RtcpException(RtcpError.BAD_PACKET_TYPE);
        }
        if (lengthBytes(buf, off) != length) {
            throw new RtcpException(RtcpError.BAD_LENGTH);
        }
        int content = length;
        if (hasPadding(buf, off)) {
            int pad = buf.getUnsignedByte(off + length - 1);
            if (pad == 0 || pad > length - LENGTH) {
                throw new RtcpException(RtcpError.BAD_PADDING);
            }
            content -= pad;
        }
        if (content < minLength) {
            throw new RtcpException(RtcpError.TOO_SHORT);
        }
        return content;
    }
}

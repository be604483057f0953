package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Walks a compound RTCP packet (RFC 3550 §6.1): packets back to back, each sized by its own length field.
 * The compound starts at readerIndex and ends at writerIndex (one datagram after SRTCP decryption).
 */
public final class RtcpCompound {
    private RtcpCompound() {
    }

    /**
     * Checks the framing of the whole compound without visiting: every packet has version 2 and a length
     * that stays inside the buffer; padding only where its count fits.
     *
     * @return null if the framing holds, else the reason
     */
    public static RtcpError check(ByteBuf compound) {
        int off = compound.readerIndex();
        int end = compound.writerIndex();
        if (off == end) {
            return RtcpError.EMPTY;
        }
        while (off < end) {
            if (end - off < RtcpHeader.LENGTH) {
                return RtcpError.TOO_SHORT;
            }
            if (RtcpHeader.version(compound, off) != 2) {
                return RtcpError.BAD_VERSION;
            }
            int len = RtcpHeader.lengthBytes(compound, off);
            if (len > end - off) {
                return RtcpError.LENGTH_BEYOND_BUFFER;
            }
            if (RtcpHeader.hasPadding(compound, off)) {
                int pad = compound.getUnsignedByte(off + len - 1);
                if (pad == 0 || pad > len - RtcpHeader.LENGTH) {
                    return RtcpError.BAD_PADDING;
                }
            }
            off += len;
        }
        return null;
    }

    /**
     * Visits each packet in order, but only once the whole compound's framing is known good, so a caller
     * never acts on the first half of a malformed compound.
     *
     * @return null after visiting every packet, or the reason the compound was rejected (nothing visited)
     */
    public static RtcpError forEach(ByteBuf compound, RtcpVisitor v) {
        RtcpError err = check(compound);
        if (err != null) {
            return err;
        }
        int off = compound.readerIndex();
        int end = compound.writerIndex();
        while (off < end) {
            int len = RtcpHeader.lengthBytes(compound, off);
            v.visit(RtcpHeader.packetType(compound, off), RtcpHeader.count(compound, off), off, len);
            off += len;
        }
        return null;
    }
}

package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.TransportWideSequence;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * Builds an RTX retransmission (RFC 4588 §4): the original payload prefixed with its original sequence
 * number (OSN), sent on the RTX SSRC with the RTX payload type and the RTX stream's own sequence numbers.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP Header                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * </pre>
 */
final class RtxPacket {
    private RtxPacket() {
    }

    /**
     * @param original the publisher's packet (not consumed)
     * @param originalOutSeq the sequence number the subscriber knows the packet by (after rewriting)
     * @param transportCcExtId when not 0, the header carries only a zeroed transport-wide sequence number
     *                         element with this id, for the sender to stamp
     */
    static ByteBuf wrap(ByteBufAllocator alloc, ByteBuf original, int originalOutSeq, int rtxSeq, int rtxPayloadType,
                        long rtxSsrc, long tsDelta, int transportCcExtId) {
        int start = original.readerIndex();
        int headerLength = RtpHeader.headerLength(original);
        int payloadLength = RtpHeader.payloadLength(original);
        int extension = transportCcExtId != 0 ? TransportWideSequence.blockSize(transportCcExtId) : 0;
        ByteBuf out = alloc.heapBuffer(12 + extension + 2 + payloadLength + SrtpSession.MAX_TRAILER);
        out.writeByte(transportCcExtId != 0 ? 0x90 : 0x80); // V=2, no padding, X as needed, no CSRC
        out.writeByte((original.getByte(start + 1) & 0x80) | rtxPayloadType);
        out.writeShort(rtxSeq);
        out.writeInt((int) (RtpHeader.timestamp(original) + tsDelta));
        out.writeInt((int) rtxSsrc);
        if (transportCcExtId != 0) {
            TransportWideSequence.writeBlock(out, transportCcExtId);
        }
        out.writeShort(originalOutSeq);
        out.writeBytes(original, start + headerLength, payloadLength);
        return out;
    }

    /**
     * Restores the original packet from a publisher's RTX retransmission: header (with its extensions) as
     * sent, sequence number from the OSN, the media SSRC and payload type, payload without the OSN and
     * without padding. Returns null for padding-only RTX (bandwidth probes), which carry no packet.
     */
    static ByteBuf unwrap(ByteBufAllocator alloc, ByteBuf rtx, long mediaSsrc, int mediaPayloadType) {
        int start = rtx.readerIndex();
        int headerLength = RtpHeader.headerLength(rtx);
        int payloadLength = RtpHeader.payloadLength(rtx);
        if (payloadLength <= 2) {
            return null;
        }
        int osn = rtx.getUnsignedShort(start + headerLength);
        ByteBuf out = alloc.heapBuffer(headerLength + payloadLength - 2);
        out.writeBytes(rtx, start, headerLength);
        out.writeBytes(rtx, start + headerLength + 2, payloadLength - 2);
        out.setByte(0, out.getByte(0) & ~0x20); // padding was not copied
        RtpHeader.setSequenceNumber(out, osn);
        RtpHeader.setSsrc(out, mediaSsrc);
        RtpHeader.setPayloadType(out, mediaPayloadType);
        return out;
    }
}

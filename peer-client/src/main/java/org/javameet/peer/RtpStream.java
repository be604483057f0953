package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * What a packetizer ({@link OpusPacketizer}, {@link Vp8Packetizer}) needs of the stream it writes on: the
 * sequence number the next packet gets, and a buffer with that packet's RTP header. peer-client's
 * {@link OutboundStream} is the one every participant (javameet, Janus or baseline target) sends on.
 */
public interface RtpStream {
    /** The sequence number the next {@link #newPacket} will carry. */
    int nextSequenceNumber();

    /**
     * A new packet with the 12-byte header written (next sequence number) and room for {@code payloadAndExt}
     * more bytes plus the SRTP trailer; the caller owns it.
     */
    ByteBuf newPacket(ByteBufAllocator alloc, int payloadAndExt, boolean marker, long timestamp, boolean extension);

    /**
     * A heap buffer holding a 12-byte RTP header (RFC 3550 §5.1: V=2, no padding or CSRCs) with room for
     * {@code payloadAndExt} more bytes plus the SRTP trailer: what {@link #newPacket} implementations write.
     */
    static ByteBuf header(ByteBufAllocator alloc, int payloadAndExt, boolean marker, int payloadType, int seq,
                          long timestamp, long ssrc, boolean extension) {
        ByteBuf b = alloc.heapBuffer(RtpHeader.FIXED_HEADER_LENGTH + payloadAndExt + SrtpSession.MAX_TRAILER);
        b.writeByte(extension ? 0x90 : 0x80);
        b.writeByte((marker ? 0x80 : 0) | payloadType);
        b.writeShort(seq);
        b.writeInt((int) timestamp);
        b.writeInt((int) ssrc);
        return b;
    }
}

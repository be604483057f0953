package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What a packetizer ({@link OpusPacketizer}, {@link Vp8Packetizer}) needs of the stream it writes on: the
 * sequence number the next packet gets, and a buffer with that packet's RTP header. peer-client's
 * {@link OutboundStream} is one; the load harness's own streams are others, so both send the same shapes.
 */
public interface RtpStream {
    /** The sequence number the next {@link #newPacket} will carry. */
    int nextSequenceNumber();

    /**
     * A new packet with the 12-byte header written (next sequence number) and room for {@code payloadAndExt}
     * more bytes plus the SRTP trailer; the caller owns it.
     */
    ByteBuf newPacket(ByteBufAllocator alloc, int payloadAndExt, boolean marker, long timestamp, boolean extension);
}

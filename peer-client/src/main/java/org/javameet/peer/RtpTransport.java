package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * What a participant's media engine ({@link MediaSender}, {@link MediaReceiver}) sends through and hears from:
 * a {@link PeerConnection} (ICE, DTLS, SRTP: javameet and Janus), or a {@link UdpRtpTransport} (no signaling,
 * plain or statically keyed SRTP: the load harness's bare fan-out baseline). Everything of one participant
 * runs on the transport's event loop.
 */
public interface RtpTransport {
    /** Receives decrypted packets on the loop; the buffer is released after the call returns. */
    interface Handler {
        void onRtp(RtpTransport transport, ByteBuf packet);

        void onRtcp(RtpTransport transport, ByteBuf packet);
    }

    /** The loop this transport and its handler run on. */
    EventLoop loop();

    /**
     * Sends one RTP packet (encrypting when the transport does); takes ownership. The buffer should have
     * {@link org.javameet.sfu.srtp.SrtpSession#MAX_TRAILER} writable bytes. False when dropped.
     */
    boolean sendRtp(ByteBuf packet);

    /** Sends one RTCP compound; takes ownership. False when dropped. */
    boolean sendRtcp(ByteBuf packet);
}

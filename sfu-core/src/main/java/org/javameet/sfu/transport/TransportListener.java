package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;

/**
 * What a transport tells its owner. All calls come on the media event loop. For {@code onRtp} and
 * {@code onRtcp} the buffer holds one decrypted packet and the listener owns it: it must release it
 * (or pass it on to a stage that does).
 */
public interface TransportListener {
    void onConnected(WebRtcTransport transport);

    void onRtp(WebRtcTransport transport, ByteBuf packet);

    void onRtcp(WebRtcTransport transport, ByteBuf packet);

    /** The transport closed: ICE consent expired, DTLS failed or was closed, or {@code close()} was called. */
    void onClosed(WebRtcTransport transport, String reason);
}

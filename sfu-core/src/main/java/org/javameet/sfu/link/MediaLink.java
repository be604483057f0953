package org.javameet.sfu.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.javameet.sfu.metrics.MediaMetrics;

/**
 * What forwarding sends media through and hears it from: one browser peer connection today
 * ({@code WebRtcTransport}); a recorder, a TCP-framed transport or a relay to another server are links too.
 * Producers and Consumers know only this.
 *
 * <p>Threading: media loop only, except {@link #close}, which may be called from any thread.
 */
public interface MediaLink {
    /** For logs: which link this is. */
    String id();

    /** True while packets can be sent (for a transport: DTLS done, SRTP keys in place). */
    boolean isConnected();

    /**
     * Sends one RTP packet; takes ownership. The buffer needs {@code SrtpSession.MAX_TRAILER} writable bytes
     * (a link that protects adds its tag in place). Returns false when it was dropped: not connected, or
     * not writable (the socket's buffer is full).
     */
    boolean sendRtp(ByteBuf packet);

    /** Like {@link #sendRtp} for one RTCP compound packet. */
    boolean sendRtcp(ByteBuf packet);

    /** Pushes what was sent to the wire; called once per batch, not per packet. */
    void flush();

    /** Where packets for this link are allocated. */
    ByteBufAllocator alloc();

    /** Where this link's per-packet counters go. */
    MediaMetrics metrics();

    /** Must be set before the link can deliver anything. */
    void listener(Listener listener);

    /** Closes the link; idempotent. The listener hears {@code onClosed} once. */
    void close(String reason);

    /**
     * What a link tells its owner, on the media loop. For {@code onRtp} and {@code onRtcp} the buffer holds one
     * decrypted packet and the listener owns it: it must release it (or pass it on to a stage that does).
     */
    interface Listener {
        void onConnected(MediaLink link);

        void onRtp(MediaLink link, ByteBuf packet);

        void onRtcp(MediaLink link, ByteBuf packet);

        /** The link closed: ICE consent expired, DTLS failed or was closed, or {@code close()} was called. */
        void onClosed(MediaLink link, String reason);
    }
}

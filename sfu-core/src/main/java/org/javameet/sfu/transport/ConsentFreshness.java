package org.javameet.sfu.transport;

/**
 * Whether a peer still wants our packets (RFC 7675). Browsers send a binding request every few seconds for the
 * life of the connection; a valid one renews consent, and 30 s without one means the peer is gone (§5.1: media does
 * not count). Some ICE agents send no checks once connected (libnice without its consent-freshness option, which
 * GStreamer's webrtcbin leaves off): for a peer that has not sent a single check since it connected, authenticated
 * SRTP/SRTCP from it stands in, so such a meeting is not cut every 30 s. Times are {@link System#nanoTime()}; media
 * loop only.
 */
final class ConsentFreshness {
    private final long timeoutNanos;
    private long lastCheckNanos;
    private long lastMediaNanos;
    /** A check arrived after the connection was up: this peer does RFC 7675, so only checks count. */
    private boolean checksAfterConnect;

    ConsentFreshness(long timeoutNanos, long nowNanos) {
        this.timeoutNanos = timeoutNanos;
        this.lastCheckNanos = nowNanos;
        this.lastMediaNanos = nowNanos;
    }

    /** A binding request with valid MESSAGE-INTEGRITY; {@code connected}: DTLS was done before it. */
    void onCheck(long nowNanos, boolean connected) {
        lastCheckNanos = nowNanos;
        if (connected) {
            checksAfterConnect = true;
        }
    }

    /** An SRTP or SRTCP packet that passed authentication. */
    void onAuthenticatedMedia(long nowNanos) {
        lastMediaNanos = nowNanos;
    }

    /** When a valid check or authenticated media last came from the peer. */
    long lastHeardNanos() {
        return Math.max(lastCheckNanos, lastMediaNanos);
    }

    boolean expired(long nowNanos) {
        long last = checksAfterConnect ? lastCheckNanos : Math.max(lastCheckNanos, lastMediaNanos);
        return nowNanos - last > timeoutNanos;
    }
}

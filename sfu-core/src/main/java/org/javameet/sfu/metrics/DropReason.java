package org.javameet.sfu.metrics;

import java.util.Locale;

/** Why the media plane threw a packet away. Each reason is one label value of the drop counter. */
public enum DropReason {
    /** Not STUN and from an address no ICE check has validated. */
    UNKNOWN_ADDRESS,
    /** First byte outside every RFC 7983 range. */
    UNKNOWN_PROTOCOL,
    STUN_MALFORMED,
    /** A STUN message that is not a binding request (ICE-lite never sends requests, so responses are unexpected). */
    STUN_UNEXPECTED,
    STUN_UNKNOWN_UFRAG,
    STUN_BAD_INTEGRITY,
    STUN_BAD_FINGERPRINT,
    /** A valid check whose transaction id this transport saw from another address: a captured check replayed. */
    STUN_REPLAYED,
    /** A valid check from an address another live transport uses (a spoofed source taking over a session). */
    STUN_ADDRESS_IN_USE,
    /**
     * A packet for a transport that belongs to another media loop: each loop has its own port, and a transport's
     * candidates name only its own loop's, so only a stray or forged packet arrives at another.
     */
    WRONG_MEDIA_PORT,
    /** DTLS or SRTP before the handshake completed, or after close. */
    NOT_CONNECTED,
    /** DTLS before the peer's ClientHello passed the cookie exchange that is no ClientHello, or a broken one. */
    DTLS_UNVERIFIED,
    SRTP_AUTH_FAILED,
    SRTP_REPLAY,
    SRTP_MALFORMED,
    RTP_MALFORMED,
    RTCP_MALFORMED,
    /** RTP whose SSRC belongs to no producer of the transport. */
    UNKNOWN_SSRC,
    /** RTP of a new SSRC whose rid (or repaired rid) extension names no layer of the simulcast track its MID names. */
    UNKNOWN_RID,
    /** Video dropped while a consumer waits for a keyframe. */
    WAITING_FOR_KEYFRAME,
    /** The socket's outbound buffer was full: a slow consumer must not stall the others. */
    SEND_BUFFER_FULL,
    /** An ICE-TCP connection's outbound buffer was full: that peer reads slower than its media arrives. */
    TCP_SEND_BUFFER_FULL,
    /** The transport's selected path was an ICE-TCP connection that has closed; sends wait for a new check. */
    PATH_CLOSED,
    /** A recorder's queue was full: its disk is slower than the meeting, and the meeting never waits for it. */
    RECORDER_QUEUE_FULL;

    /** Prometheus label value, e.g. {@code stun_unknown_ufrag}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.javameet.sfu.metrics;

import java.util.Locale;

/** Why an ICE-TCP connection on the media TCP port was refused or closed. One label value of the close counter. */
public enum TcpCloseReason {
    /** Refused on accept: the server holds its maximum of ICE-TCP connections. */
    LIMIT_TOTAL,
    /** Refused on accept: the remote address holds its maximum of ICE-TCP connections. */
    LIMIT_PER_ADDRESS,
    /** Before its first valid check a connection may only carry a STUN binding request (RFC 6544 §7.1). */
    NOT_STUN,
    /** Its first binding request named no transport or failed MESSAGE-INTEGRITY/FINGERPRINT. */
    CHECK_FAILED,
    /** A frame length (RFC 4571) larger than any packet this server accepts. */
    FRAME_TOO_LARGE,
    /** No valid binding request within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** Nothing received within the idle timeout (RFC 7675's consent period). */
    IDLE_TIMEOUT,
    /** The transport it carried closed (the participant left, or its consent expired). */
    TRANSPORT_CLOSED,
    /** The peer closed or reset the connection. */
    PEER_CLOSED,
    /** Any other socket error. */
    ERROR;

    /** Prometheus label value, e.g. {@code limit_per_address}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

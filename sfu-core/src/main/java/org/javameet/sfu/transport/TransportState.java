package org.javameet.sfu.transport;

public enum TransportState {
    /** Waiting for a valid STUN check. */
    NEW,
    /** ICE selected an address; DTLS is under way (or waiting for the remote fingerprint). */
    CONNECTING,
    /** DTLS done, SRTP keys installed: media flows. */
    CONNECTED,
    CLOSED
}

package org.javameet.sfu.dtls;

/** Why a DTLS association did not come up (or went away before it did). */
public final class DtlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The peer's certificate does not hash to the SDP {@code a=fingerprint}, or it sent none. */
        FINGERPRINT_MISMATCH,
        /** No SRTP protection profile in common (or the peer did not offer {@code use_srtp}). */
        NO_SRTP_PROFILE,
        /** The handshake did not finish within the handshake timeout. */
        TIMEOUT,
        /** Any other handshake error, including a fatal alert from the peer. */
        HANDSHAKE_FAILED,
        /** The peer closed the association before it was usable. */
        CLOSED
    }

    private final Reason reason;

    public DtlsException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

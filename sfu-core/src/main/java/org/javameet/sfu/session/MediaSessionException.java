package org.javameet.sfu.session;

/** A publish offer or subscribe answer the media session refused; nothing changed. */
public final class MediaSessionException extends Exception {
    public enum Reason {
        /** The SDP did not parse or cannot be served (message says why). */
        BAD_SDP,
        /** A subscribe answer for a version that is not the outstanding offer. */
        STALE_ANSWER,
        /** A publish offer over a {@link MediaLimits} limit. */
        TOO_MANY_TRACKS,
        /** A publish offer's simulcast the SFU does not receive: too many layers, layers it cannot tell apart. */
        BAD_SIMULCAST
    }

    private final Reason reason;

    public MediaSessionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package org.javameet.sfu.stun;

/** A malformed STUN message, with the reason named. Thrown on hostile input, so it skips the stack trace. */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;
    private final StunError error;

    public StunException(StunError error) {
        super(error.name(), null, false, false);
        this.error = error;
    }

    public StunError error() {
        return error;
    }
}

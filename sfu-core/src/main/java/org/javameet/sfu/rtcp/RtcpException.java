package org.javameet.sfu.rtcp;

/**
 * A malformed RTCP record, with the reason named. Thrown per packet on hostile input, so it skips the
 * stack trace.
 */
public final class RtcpException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RtcpError error;

    public RtcpException(RtcpError error) {
        super(error.name(), null, false, false);
        this.error = error;
    }

    public RtcpError error() {
        return error;
    }
}

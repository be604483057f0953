package org.javameet.sfu.srtp;

/** Outcome of one protect/unprotect call; the caller counts drops by this reason. */
public enum SrtpStatus {
    OK,
    /** The authentication tag (HMAC or GCM) did not verify: tampered, wrong keys or not SRTP at all. */
    AUTH_FAILED,
    /** Already received, or older than the 64-packet replay window. */
    REPLAY,
    /** Shorter than a header plus the trailer this profile needs. */
    TOO_SHORT,
    /** Anything else: malformed header, unknown SSRC beyond the context limit, a cipher error. */
    FAILED
}

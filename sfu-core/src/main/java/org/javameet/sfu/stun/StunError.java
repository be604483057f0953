package org.javameet.sfu.stun;

/** Why {@link StunMessage#parse} rejected a datagram. */
public enum StunError {
    /** Fewer than the 20 bytes of the header. */
    TOO_SHORT,
    /** The two top bits of the first byte are not zero: not a STUN message at all. */
    NOT_STUN,
    /** The magic cookie is not 0x2112A442 (RFC 5389 §6; classic RFC 3489 STUN is not accepted). */
    BAD_MAGIC_COOKIE,
    /** The message length is not a multiple of 4 or exceeds the readable bytes. */
    BAD_LENGTH,
    /** An attribute runs past the message end, or MESSAGE-INTEGRITY / FINGERPRINT has the wrong size. */
    BAD_ATTRIBUTE_LENGTH,
    /** Something follows FINGERPRINT, which must be the last attribute (RFC 5389 §15.5). */
    ATTRIBUTE_AFTER_FINGERPRINT
}

package org.javameet.sfu.rtp;

/** Why {@link RtpHeader#check} rejected a packet; each value is one way the header can lie about its size. */
public enum RtpError {
    /** Fewer than the 12 bytes of the fixed header. */
    TOO_SHORT,
    /** The version field is not 2. */
    BAD_VERSION,
    /** The CSRC count points past the end of the packet. */
    BAD_CSRC_LENGTH,
    /** The X bit is set but the extension header or its declared length does not fit. */
    BAD_EXTENSION_LENGTH,
    /** The P bit is set but the padding count is zero or larger than what follows the header. */
    BAD_PADDING
}

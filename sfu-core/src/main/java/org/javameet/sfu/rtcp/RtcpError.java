package org.javameet.sfu.rtcp;

/** Why an RTCP compound or record was rejected. */
public enum RtcpError {
    /** Nothing to parse: a zero-length compound. */
    EMPTY,
    /** Fewer bytes than the fixed part of the header or record needs. */
    TOO_SHORT,
    /** The version field is not 2. */
    BAD_VERSION,
    /** The header's length field points past the end of the buffer. */
    LENGTH_BEYOND_BUFFER,
    /** The header's length field disagrees with the length given, or the body size is not what the type requires. */
    BAD_LENGTH,
    /** The P bit is set but the padding count is zero, unaligned or larger than the packet. */
    BAD_PADDING,
    /** The count field (RC, SC) needs more bytes than the packet holds. */
    BAD_COUNT,
    /** The packet type is not the one this parser reads. */
    BAD_PACKET_TYPE,
    /** The feedback message type (FMT) is not the one this parser reads. */
    BAD_FMT,
    /** A PT=206 FMT=15 packet without the "REMB" unique identifier. */
    BAD_REMB_IDENTIFIER,
    /** An SDES item or chunk runs past the end of the packet. */
    BAD_SDES_ITEM,
    /** A BYE reason runs past the end of the packet. */
    BAD_BYE_REASON,
    /** Transport-cc feedback with a packet status count of 0 (libwebrtc never sends one). */
    TRANSPORT_CC_EMPTY,
    /** Transport-cc packet chunks end before they describe every packet the status count announces. */
    TRANSPORT_CC_CHUNKS_TRUNCATED,
    /** A transport-cc status symbol with the reserved value 11. */
    TRANSPORT_CC_RESERVED_SYMBOL,
    /** Transport-cc receive deltas end before one per received packet. */
    TRANSPORT_CC_DELTAS_TRUNCATED
}

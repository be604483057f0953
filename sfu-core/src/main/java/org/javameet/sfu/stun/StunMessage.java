package org.javameet.sfu.stun;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A parsed STUN message (RFC 5389, RFC 8489) with the ICE attributes of RFC 8445 §16.1. Parsing copies the
 * attribute values out, so the value outlives the datagram; {@link #checkIntegrity} and
 * {@link #checkFingerprint} work on the raw buffer, since both hash the bytes as they arrived.
 *
 * <p>RFC 5389 §6, the header:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The message type interleaves method (M) and class (C) bits:
 * <pre>
 *  0                 1
 *  2  3  4 5 6 7 8 9 0 1 2 3 4 5
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 * |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * RFC 5389 §15, each attribute (values padded to 32 bits; the length excludes the padding):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class StunMessage {
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;

    public static final int BINDING = 0x001;
    public static final int CLASS_REQUEST = 0;
    public static final int CLASS_INDICATION = 1;
    public static final int CLASS_SUCCESS = 2;
    public static final int CLASS_ERROR = 3;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    /** One attribute as it was on the wire: type, offset of its 4-byte header from message start, value. */
    public record Attribute(int type, int offset, byte[] value) {
    }

    private final int messageType;
    private final byte[] transactionId;
    private final List<Attribute> attributes;
    private final int length;
    private final int integrityOffset;
    private final int fingerprintOffset;

    private StunMessage(int messageType, byte[] transactionId, List<Attribute> attributes, int length,
            int integrityOffset, int fingerprintOffset) {
        this.messageType = messageType;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.length = length;
        this.integrityOffset = integrityOffset;
        this.fingerprintOffset = fingerprintOffset;
    }

    /**
     * Parses the message at readerIndex (indices are not moved). Bytes after the declared message length are
     * ignored. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (RFC 5389 §15.4).
     */
    public static StunMessage parse(ByteBuf buf) throws StunException {
        int start = buf.readerIndex();
        int readable = buf.readableBytes();
        if (readable < HEADER_LENGTH) {
            throw new StunException(StunError.TOO_SHORT);
        }
        int type = buf.getUnsignedShort(start);
        if ((type & 0xC000) != 0) {
            throw new StunException(StunError.NOT_STUN);
        }
        if (buf.getInt(start + 4) != MAGIC_COOKIE) {
            throw new StunException(StunError.BAD_MAGIC_COOKIE);
        }
        int msgLen = buf.getUnsignedShort(start + 2);
        if ((msgLen & 3) != 0 || HEADER_LENGTH + msgLen > readable) {
            throw new StunException(StunError.BAD_LENGTH);
        }
        byte[] txId = new byte[12];
        buf.getBytes(start + 8, txId);
        int end = HEADER_LENGTH + msgLen;
        List<Attribute> attrs = new ArrayList<>();
        int mi = -1;
        int fp = -1;
        int p = HEADER_LENGTH;
        while (p < end) {
            if (p + 4 > end) {
                throw new StunException(StunError.BAD_ATTRIBUTE_LENGTH);
            }
            int at = buf.getUnsignedShort(start + p);
            int al = buf.getUnsignedShort(start + p + 2);
            if (p + 4 + al > end) {
                throw new StunException(StunError.BAD_ATTRIBUTE_LENGTH);
            }
            if (fp >= 0) {
                throw new StunException(StunError.ATTRIBUTE_AFTER_FINGERPRINT);
            }
            boolean keep = true;
            if (at == StunAttributes.FINGERPRINT) {
                if (al != 4) {
                    throw new StunException(StunError.BAD_ATTRIBUTE_LENGTH);
                }
                fp = p;
            } else if (mi >= 0) {
                keep = false;
            } else if (at == StunAttributes.MESSAGE_INTEGRITY) {
                if (al != 20) {
                    throw new StunException(StunError.BAD_ATTRIBUTE_LENGTH);
                }
                mi = p;
            }
            if (keep) {
                byte[] value = new byte[al];
                buf.getBytes(start + p + 4, value);
                attrs.add(new Attribute(at, p, value));
            }
            p += 4 + ((al + 3) & ~3);
        }
        return new StunMessage(type, txId, List.copyOf(attrs), end, mi, fp);
    }

    public static int method(int messageType) {
        return (messageType & 0x000F) | ((messageType & 0x00E0) >> 1) | ((messageType & 0x3E00) >> 2);
    }

    public static int messageClass(int messageType) {
        return ((messageType & 0x0010) >> 4) | ((messageType & 0x0100) >> 7);
    }

    public static int messageType(int method, int messageClass) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((messageClass & 1) << 4) | ((messageClass & 2) << 7);
    }

    public int messageType() {
        return messageType;
    }

    public int method() {
        return method(messageType);
    }

    public int messageClass() {
        return messageClass(messageType);
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** Header plus attributes, as declared by the length field. */
    public int length() {
        return length;
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    /** The first attribute of this type, or null. */
    public Attribute attribute(int type) {
        for (Attribute a : attributes) {
            if (a.type() == type) {
                return a;
            }
        }
        return null;
    }

    public boolean hasAttribute(int type) {
        return attribute(type) != null;
    }

    public String username() {
        Attribute a = attribute(StunAttributes.USERNAME);
        return a == null ? null : new String(a.value(), StandardCharsets.UTF_8);
    }

    private OptionalLong unsignedValue(int type, int size) {
        Attribute a = attribute(type);
        if (a == null || a.value().length != size) {
            return OptionalLong.empty();
        }
        long v = 0;
        for (byte b : a.value()) {
            v = v << 8 | (b & 0xFF);
        }
        return OptionalLong.of(v);
    }

    /** PRIORITY (RFC 8445 §7.1.1), empty if absent or not 4 bytes. */
    public OptionalLong priority() {
        return unsignedValue(StunAttributes.PRIORITY, 4);
    }

    public boolean useCandidate() {
        return hasAttribute(StunAttributes.USE_CANDIDATE);
    }

    /** ICE-CONTROLLING tie-breaker (RFC 8445 §7.1.3), empty if absent or not 8 bytes. */
    public OptionalLong iceControlling() {
        return unsignedValue(StunAttributes.ICE_CONTROLLING, 8);
    }

    /** ICE-CONTROLLED tie-breaker, empty if absent or not 8 bytes. */
    public OptionalLong iceControlled() {
        return unsignedValue(StunAttributes.ICE_CONTROLLED, 8);
    }

    public boolean hasMessageIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** Offset of the MESSAGE-INTEGRITY attribute header from message start, or -1. */
    public int integrityOffset() {
        return integrityOffset;
    }

    /** Offset of the FINGERPRINT attribute header from message start, or -1. */
    public int fingerprintOffset() {
        return fingerprintOffset;
    }

    /**
     * XOR-MAPPED-ADDRESS (RFC 5389 §15.2), or null if absent or malformed:
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |x x x x x x x x|    Family     |         X-Port                |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                X-Address (Variable)
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    public InetSocketAddress xorMappedAddress() {
        Attribute a = attribute(StunAttributes.XOR_MAPPED_ADDRESS);
        if (a == null) {
            return null;
        }
        byte[] v = a.value();
        int addrLen = v.length >= 4 && v[1] == 1 ? 4 : v.length >= 4 && v[1] == 2 ? 16 : -1;
        if (addrLen < 0 || v.length != 4 + addrLen) {
            return null;
        }
        int port = ((v[2] & 0xFF) << 8 | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
        byte[] addr = xorAddress(v, 4, addrLen, transactionId);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** XORs an address with the magic cookie and (for IPv6) the transaction ID; its own inverse. */
    static byte[] xorAddress(byte[] src, int off, int len, byte[] txId) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            int mask = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : txId[i - 4] & 0xFF;
            out[i] = (byte) (src[off + i] ^ mask);
        }
        return out;
    }

    /**
     * ERROR-CODE as class * 100 + number (RFC 5389 §15.6), or -1 if absent or malformed:
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |           Reserved, should be 0         |Class|     Number    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |      Reason Phrase (variable)                                ..
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    public int errorCode() {
        Attribute a = attribute(StunAttributes.ERROR_CODE);
        if (a == null || a.value().length < 4) {
            return -1;
        }
        return (a.value()[2] & 0x07) * 100 + (a.value()[3] & 0xFF);
    }

    /** The ERROR-CODE reason phrase, or null. */
    public String errorReason() {
        Attribute a = attribute(StunAttributes.ERROR_CODE);
        if (a == null || a.value().length < 4) {
            return null;
        }
        return new String(a.value(), 4, a.value().length - 4, StandardCharsets.UTF_8);
    }

    /**
     * Walks the attributes of the message at readerIndex without allocating and returns the offset (from
     * message start) of the first attribute of {@code type}, or -1 if absent or the framing is broken.
     */
    private static int locate(ByteBuf raw, int type) {
        int start = raw.readerIndex();
        int readable = raw.readableBytes();
        if (readable < HEADER_LENGTH || (raw.getByte(start) & 0xC0) != 0 || raw.getInt(start + 4) != MAGIC_COOKIE) {
            return -1;
        }
        int msgLen = raw.getUnsignedShort(start + 2);
        int end = HEADER_LENGTH + msgLen;
        if ((msgLen & 3) != 0 || end > readable) {
            return -1;
        }
        int p = HEADER_LENGTH;
        while (p + 4 <= end) {
            int at = raw.getUnsignedShort(start + p);
            int al = raw.getUnsignedShort(start + p + 2);
            if (p + 4 + al > end) {
                return -1;
            }
            if (at == type) {
                return p;
            }
            p += 4 + ((al + 3) & ~3);
        }
        return -1;
    }

    /**
     * Verifies MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 with {@code key} over the message up to the
     * attribute, with the length field set as if MESSAGE-INTEGRITY were the last attribute. For ICE
     * (short-term credentials) the key is the UTF-8 ice-pwd; see {@link #longTermKey} for long-term ones.
     * Compared in constant time. False if the attribute is absent or the message malformed.
     */
    public static boolean checkIntegrity(ByteBuf raw, byte[] key) {
        int mi = locate(raw, StunAttributes.MESSAGE_INTEGRITY);
        if (mi < 0 || raw.getUnsignedShort(raw.readerIndex() + mi + 2) != 20) {
            return false;
        }
        int start = raw.readerIndex();
        byte[] expected = StunCrypto.hmacSha1(raw, start, mi, mi + 24 - HEADER_LENGTH, key);
        byte[] actual = new byte[20];
        raw.getBytes(start + mi + 4, actual);
        return StunCrypto.constantTimeEquals(expected, actual);
    }

    /**
     * Verifies FINGERPRINT (RFC 5389 §15.5): CRC-32 of the message up to the attribute, XOR 0x5354554e. The
     * attribute must be the last one. False if absent, misplaced or the message malformed.
     */
    public static boolean checkFingerprint(ByteBuf raw) {
        int fp = locate(raw, StunAttributes.FINGERPRINT);
        int start = raw.readerIndex();
        if (fp < 0 || raw.getUnsignedShort(start + fp + 2) != 4
                || fp + 8 != HEADER_LENGTH + raw.getUnsignedShort(start + 2)) {
            return false;
        }
        int expected = StunCrypto.fingerprint(raw, start, fp);
        int actual = raw.getInt(start + fp + 4);
        return StunCrypto.constantTimeEquals(intBytes(expected), intBytes(actual));
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /**
     * Long-term credential key, MD5(username ":" realm ":" password) (RFC 5389 §15.4). The password must
     * already be SASLprep'ed; ICE never uses this, TURN would.
     */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JRE", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StunMessage[type=0x").append(Integer.toHexString(messageType));
        for (Attribute a : attributes) {
            sb.append(", 0x").append(Integer.toHexString(a.type())).append('(').append(a.value().length).append(')');
        }
        return sb.append(']').toString();
    }
}

package org.javameet.sfu.stun;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes STUN messages into a ByteBuf: the ICE binding request, success and error responses, each
 * optionally closed by MESSAGE-INTEGRITY and FINGERPRINT (in that order, RFC 5389 §15.4-15.5). Attributes are
 * written in the order they were added; value padding is zeros.
 */
public final class StunMessageBuilder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Attr(int type, byte[] value) {
    }

    private final int messageType;
    private final byte[] transactionId;
    private final List<Attr> attributes = new ArrayList<>(6);
    private byte[] integrityKey;
    private boolean fingerprint;

    private StunMessageBuilder(int messageType, byte[] transactionId) {
        if (transactionId.length != 12) {
            throw new IllegalArgumentException("transaction ID must be 12 bytes");
        }
        this.messageType = messageType;
        this.transactionId = transactionId.clone();
    }

    /** A fresh random transaction ID (RFC 5389 §6: uniformly random, from a cryptographic source). */
    public static byte[] newTransactionId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return id;
    }

    public static StunMessageBuilder of(int messageType, byte[] transactionId) {
        return new StunMessageBuilder(messageType, transactionId);
    }

    public static StunMessageBuilder bindingRequest(byte[] transactionId) {
        return of(StunMessage.BINDING_REQUEST, transactionId);
    }

    public static StunMessageBuilder bindingSuccess(byte[] transactionId) {
        return of(StunMessage.BINDING_SUCCESS, transactionId);
    }

    /** Binding error response with ERROR-CODE, e.g. 400 Bad Request, 401 Unauthorized, 487 Role Conflict. */
    public static StunMessageBuilder bindingError(byte[] transactionId, int code, String reason) {
        return of(StunMessage.BINDING_ERROR, transactionId).errorCode(code, reason);
    }

    public StunMessageBuilder attribute(int type, byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value too long");
        }
        attributes.add(new Attr(type, value.clone()));
        return this;
    }

    public StunMessageBuilder username(String username) {
        return attribute(StunAttributes.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder software(String software) {
        return attribute(StunAttributes.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder priority(long priority) {
        return attribute(StunAttributes.PRIORITY, bigEndian(priority, 4));
    }

    public StunMessageBuilder iceControlling(long tieBreaker) {
        return attribute(StunAttributes.ICE_CONTROLLING, bigEndian(tieBreaker, 8));
    }

    public StunMessageBuilder iceControlled(long tieBreaker) {
        return attribute(StunAttributes.ICE_CONTROLLED, bigEndian(tieBreaker, 8));
    }

    public StunMessageBuilder useCandidate() {
        return attribute(StunAttributes.USE_CANDIDATE, new byte[0]);
    }

    /** XOR-MAPPED-ADDRESS for an IPv4 or IPv6 address (RFC 5389 §15.2). */
    public StunMessageBuilder xorMappedAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (address.getAddress() instanceof Inet4Address ? 1 : 2);
        int xport = address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        v[2] = (byte) (xport >>> 8);
        v[3] = (byte) xport;
        System.arraycopy(StunMessage.xorAddress(ip, 0, ip.length, transactionId), 0, v, 4, ip.length);
        return attribute(StunAttributes.XOR_MAPPED_ADDRESS, v);
    }

    /** ERROR-CODE (RFC 5389 §15.6): code 300..699 split into class and number, then the reason phrase. */
    public StunMessageBuilder errorCode(int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code " + code);
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[4 + r.length];
        v[2] = (byte) (code / 100);
        v[3] = (byte) (code % 100);
        System.arraycopy(r, 0, v, 4, r.length);
        return attribute(StunAttributes.ERROR_CODE, v);
    }

    /** Ends the message with MESSAGE-INTEGRITY keyed with {@code key} (the UTF-8 ice-pwd for ICE). */
    public StunMessageBuilder messageIntegrity(byte[] key) {
        this.integrityKey = key.clone();
        return this;
    }

    /** Ends the message with FINGERPRINT (after MESSAGE-INTEGRITY if both are set). */
    public StunMessageBuilder fingerprint() {
        this.fingerprint = true;
        return this;
    }

    private static byte[] bigEndian(long v, int size) {
        byte[] b = new byte[size];
        for (int i = size - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** Bytes {@link #writeTo} will write. */
    public int encodedLength() {
        int n = StunMessage.HEADER_LENGTH;
        for (Attr a : attributes) {
            n += 4 + ((a.value().length + 3) & ~3);
        }
        if (integrityKey != null) {
            n += 24;
        }
        if (fingerprint) {
            n += 8;
        }
        return n;
    }

    /**
     * Writes the message at dst's writerIndex.
     *
     * @return bytes written
     */
    public int writeTo(ByteBuf dst) {
        int total = encodedLength();
        if (total - StunMessage.HEADER_LENGTH > 0xFFFF) {
            throw new IllegalStateException("message too long");
        }
        int start = dst.writerIndex();
        dst.ensureWritable(total);
        dst.writeShort(messageType);
        dst.writeShort(total - StunMessage.HEADER_LENGTH);
        dst.writeInt(StunMessage.MAGIC_COOKIE);
        dst.writeBytes(transactionId);
        for (Attr a : attributes) {
            dst.writeShort(a.type());
            dst.writeShort(a.value().length);
            dst.writeBytes(a.value());
            dst.writeZero(((a.value().length + 3) & ~3) - a.value().length);
        }
        if (integrityKey != null) {
            int prefix = dst.writerIndex() - start;
            byte[] mac = StunCrypto.hmacSha1(dst, start, prefix, prefix + 24 - StunMessage.HEADER_LENGTH, integrityKey);
            dst.writeShort(StunAttributes.MESSAGE_INTEGRITY);
            dst.writeShort(20);
            dst.writeBytes(mac);
        }
        if (fingerprint) {
            int prefix = dst.writerIndex() - start;
            int crc = StunCrypto.fingerprint(dst, start, prefix);
            dst.writeShort(StunAttributes.FINGERPRINT);
            dst.writeShort(4);
            dst.writeInt(crc);
        }
        return total;
    }

    /**
     * The ICE-lite answer to a valid connectivity check: binding success with XOR-MAPPED-ADDRESS, integrity
     * keyed with our ice-pwd, and FINGERPRINT (RFC 8445 §7.3.1.3-7.3.1.4 ask for both).
     */
    public static int writeBindingSuccess(ByteBuf dst, byte[] transactionId, InetSocketAddress mapped,
            byte[] integrityKey) {
        return bindingSuccess(transactionId).xorMappedAddress(mapped).messageIntegrity(integrityKey).fingerprint()
                .writeTo(dst);
    }
}

package org.javameet.peer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ice4j.StunException;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.FingerprintAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;

/**
 * ICE connectivity checks of a controlling full agent towards an ICE-lite server (RFC 8445 §7.2.4), encoded
 * and decoded with ice4j's STUN message codec. ice4j adds MESSAGE-INTEGRITY only through a StunStack's
 * credentials manager (which would bring its socket machinery along), so the request body (USERNAME, PRIORITY,
 * ICE-CONTROLLING, USE-CANDIDATE) is encoded by ice4j and the two trailing attributes are appended here with
 * ice4j's own primitives: {@link MessageIntegrityAttribute#calculateHmacSha1} (RFC 5389 §15.4: HMAC over the
 * message with the length field already counting the attribute) and
 * {@link FingerprintAttribute#calculateXorCRC32} (§15.5). Responses are decoded by ice4j
 * ({@link Message#decode}, which also checks FINGERPRINT) and their integrity verified with the same HMAC.
 * Pure functions: no sockets, no threads.
 */
final class IceCheck {
    /** RFC 8445 §5.1.2.1: a peer-reflexive candidate's priority, what a check announces. */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | 255;

    private static final int HEADER = 20;
    private static final int MI_TYPE = 0x0008;
    private static final int FP_TYPE = 0x8028;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IceCheck() {
    }

    /**
     * ice4j loads its configuration (Typesafe config through jitsi-metaconfig) the first time it encodes a message:
     * 1-2 s on a quiet machine, 4.7 s measured under load. Done here, off the event loops, so it never holds up the
     * participants sharing a loop (it made the load harness's first UDP joins take ~2 s; docs/performance.md).
     */
    static void warmUp() {
        String pwd = "warm-up-password-warm-up";
        byte[] request = bindingRequest(newTransactionId(), "ufr1", "ufr2", pwd, 1);
        byte[] success = bindingSuccess(request, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9), pwd);
        if (success == null || parseResponse(success, pwd) == null) {
            throw new IllegalStateException("ice4j could not read its own binding response");
        }
    }

    static byte[] newTransactionId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return id;
    }

    /**
     * A binding request with USERNAME "remoteUfrag:localUfrag", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE
     * (aggressive nomination: every connectivity check nominates), MESSAGE-INTEGRITY keyed with the remote ice-pwd
     * and FINGERPRINT.
     */
    static byte[] bindingRequest(byte[] transactionId, String remoteUfrag, String localUfrag, String remotePwd,
                                 long tieBreaker) {
        return bindingRequest(transactionId, remoteUfrag, localUfrag, remotePwd, tieBreaker, true);
    }

    /**
     * As above; {@code nominate} false leaves USE-CANDIDATE out: a consent check (RFC 7675) renews consent on its
     * pair and selects nothing, so one on a pair being replaced cannot pull the media back onto it.
     */
    static byte[] bindingRequest(byte[] transactionId, String remoteUfrag, String localUfrag, String remotePwd,
                                 long tieBreaker, boolean nominate) {
        try {
            Request req = MessageFactory.createBindingRequest(PRIORITY, true, tieBreaker);
            req.setTransactionID(transactionId);
            req.putAttribute(AttributeFactory.createUsernameAttribute(remoteUfrag + ":" + localUfrag));
            if (nominate) {
                req.putAttribute(AttributeFactory.createUseCandidateAttribute());
            }
            byte[] body = req.encode(null);
            return appendIntegrityAndFingerprint(body, remotePwd.getBytes(StandardCharsets.UTF_8));
        } catch (StunException e) {
            throw new IllegalStateException("ice4j refused a binding request", e);
        }
    }

    static byte[] appendIntegrityAndFingerprint(byte[] body, byte[] key) {
        byte[] out = Arrays.copyOf(body, body.length + 24 + 8);
        int miAt = body.length;
        setLength(out, miAt + 24 - HEADER);
        byte[] mac = MessageIntegrityAttribute.calculateHmacSha1(out, 0, miAt, key);
        putShort(out, miAt, MI_TYPE);
        putShort(out, miAt + 2, 20);
        System.arraycopy(mac, 0, out, miAt + 4, 20);
        int fpAt = miAt + 24;
        setLength(out, fpAt + 8 - HEADER);
        byte[] crc = FingerprintAttribute.calculateXorCRC32(out, 0, fpAt);
        putShort(out, fpAt, FP_TYPE);
        putShort(out, fpAt + 2, 4);
        System.arraycopy(crc, 0, out, fpAt + 4, 4);
        return out;
    }

    /** Whether a STUN datagram is a binding request (a full agent's check towards us). */
    static boolean isBindingRequest(byte[] raw) {
        return raw.length >= HEADER && ((raw[0] & 0xFF) << 8 | raw[1] & 0xFF) == StunMessage.BINDING_REQUEST;
    }

    /**
     * The success response to a full agent's check (RFC 8445 §7.3): XOR-MAPPED-ADDRESS {@code from},
     * MESSAGE-INTEGRITY keyed with our ice-pwd, FINGERPRINT; null when the request is malformed or its
     * MESSAGE-INTEGRITY does not verify with {@code localPwd}. Written with sfu-core's STUN codec, as the server
     * answers checks.
     */
    static byte[] bindingSuccess(byte[] request, InetSocketAddress from, String localPwd) {
        byte[] key = localPwd.getBytes(StandardCharsets.UTF_8);
        ByteBuf in = Unpooled.wrappedBuffer(request);
        ByteBuf out = Unpooled.buffer(128);
        try {
            StunMessage m = StunMessage.parse(in);
            if (!m.hasMessageIntegrity() || !StunMessage.checkIntegrity(in, key)) {
                return null;
            }
            StunMessageBuilder.writeBindingSuccess(out, m.transactionId(), from, key);
            return ByteBufUtil.getBytes(out);
        } catch (org.javameet.sfu.stun.StunException e) {
            return null;
        } finally {
            in.release();
            out.release();
        }
    }

    /** What a check's answer said. */
    record Response(byte[] transactionId, boolean success, InetSocketAddress mappedAddress, int errorCode) {
    }

    /**
     * Decodes a STUN datagram as the response to one of our checks; null when it is not a binding response,
     * is malformed, or its MESSAGE-INTEGRITY does not verify with {@code remotePwd} (RFC 8445 §7.2.5.2.1
     * says to drop it then).
     */
    static Response parseResponse(byte[] raw, String remotePwd) {
        Message m;
        try {
            m = Message.decode(raw, 0, raw.length);
        } catch (StunException | RuntimeException e) {
            return null;
        }
        char type = m.getMessageType();
        if (type != Message.BINDING_SUCCESS_RESPONSE && type != Message.BINDING_ERROR_RESPONSE) {
            return null;
        }
        if (!integrityValid(raw, m, remotePwd.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        InetSocketAddress mapped = null;
        if (m.getAttribute(Attribute.XOR_MAPPED_ADDRESS) instanceof XorMappedAddressAttribute x) {
            mapped = x.getAddress(m.getTransactionID());
        }
        int error = 0;
        if (m.getAttribute(Attribute.ERROR_CODE) instanceof org.ice4j.attribute.ErrorCodeAttribute ec) {
            error = ec.getErrorCode();
        }
        return new Response(m.getTransactionID(), type == Message.BINDING_SUCCESS_RESPONSE, mapped, error);
    }

    private static boolean integrityValid(byte[] raw, Message m, byte[] key) {
        if (!(m.getAttribute(Attribute.MESSAGE_INTEGRITY) instanceof MessageIntegrityAttribute mi)) {
            return false;
        }
        // MESSAGE-INTEGRITY is last, or followed only by FINGERPRINT (RFC 5389 §15.4-15.5)
        int miAt = m.containsAttribute(Attribute.FINGERPRINT) ? raw.length - 8 - 24 : raw.length - 24;
        if (miAt < HEADER || ((raw[miAt] & 0xFF) << 8 | raw[miAt + 1] & 0xFF) != MI_TYPE) {
            return false;
        }
        byte[] prefix = Arrays.copyOf(raw, miAt);
        setLength(prefix, miAt + 24 - HEADER);
        byte[] expected = MessageIntegrityAttribute.calculateHmacSha1(prefix, 0, miAt, key);
        return java.security.MessageDigest.isEqual(expected, mi.getHmacSha1Content());
    }

    private static void setLength(byte[] msg, int length) {
        putShort(msg, 2, length);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}

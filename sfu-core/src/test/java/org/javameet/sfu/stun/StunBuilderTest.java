package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.IceControlAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trips through our builder and parser, cross-checked against ice4j's decoder and HMAC (ice4j's
 * encoder needs a StunStack to add MESSAGE-INTEGRITY, so the ice4j-to-us direction is tested in
 * {@link StunIce4jTest} without it).
 */
class StunBuilderTest {
    private static final byte[] KEY = "h6vY9Qp0sY1Nj2C+uvLyvP1k".getBytes(StandardCharsets.UTF_8);

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), a);
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "203.0.113.250", "2001:db8:1234:5678:11:2233:4455:6677", "::1"})
    void bindingSuccessRoundTrip(String ip) throws Exception {
        byte[] tx = StunMessageBuilder.newTransactionId();
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName(ip), 50123);
        ByteBuf buf = Unpooled.buffer();
        try {
            int n = StunMessageBuilder.writeBindingSuccess(buf, tx, mapped, KEY);
            assertEquals(buf.readableBytes(), n);
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_SUCCESS, m.messageType());
            assertArrayEquals(tx, m.transactionId());
            assertEquals(mapped, m.xorMappedAddress());
            assertTrue(m.hasMessageIntegrity());
            assertTrue(m.hasFingerprint());
            assertTrue(StunMessage.checkIntegrity(buf, KEY));
            assertTrue(StunMessage.checkFingerprint(buf));
            assertFalse(StunMessage.checkIntegrity(buf, "wrong".getBytes(StandardCharsets.UTF_8)));

            // ice4j decodes it (and validates FINGERPRINT while doing so) and reads the same address.
            byte[] raw = bytes(buf);
            Message decoded = Message.decode(raw, 0, raw.length);
            assertEquals(Message.BINDING_SUCCESS_RESPONSE, decoded.getMessageType());
            XorMappedAddressAttribute xor = (XorMappedAddressAttribute) decoded.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
            TransportAddress addr = xor.getAddress(tx);
            assertEquals(mapped.getAddress(), addr.getAddress());
            assertEquals(mapped.getPort(), addr.getPort());
            assertIce4jAgreesOnIntegrity(raw, m.integrityOffset());
        } finally {
            buf.release();
        }
    }

    /** HMAC computed by ice4j over the same prefix (length field patched as RFC 5389 §15.4 says) matches ours. */
    private static void assertIce4jAgreesOnIntegrity(byte[] raw, int miOffset) {
        byte[] prefix = java.util.Arrays.copyOf(raw, miOffset);
        int patched = miOffset + 24 - 20;
        prefix[2] = (byte) (patched >>> 8);
        prefix[3] = (byte) patched;
        byte[] theirs = MessageIntegrityAttribute.calculateHmacSha1(prefix, 0, prefix.length, KEY);
        assertArrayEquals(theirs, java.util.Arrays.copyOfRange(raw, miOffset + 4, miOffset + 24));
    }

    @Test
    void bindingRequestRoundTrip() throws Exception {
        byte[] tx = StunMessageBuilder.newTransactionId();
        ByteBuf buf = Unpooled.buffer();
        try {
            StunMessageBuilder.bindingRequest(tx).username("sfuFrag:browserFrag").priority(0x7effffffL)
                    .iceControlling(0x8000000000000001L).useCandidate().messageIntegrity(KEY).fingerprint()
                    .writeTo(buf);
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_REQUEST, m.messageType());
            assertEquals("sfuFrag:browserFrag", m.username());
            assertEquals(0x7effffffL, m.priority().getAsLong());
            assertEquals(0x8000000000000001L, m.iceControlling().getAsLong());
            assertTrue(m.iceControlled().isEmpty());
            assertTrue(m.useCandidate());
            assertTrue(StunMessage.checkIntegrity(buf, KEY));
            assertTrue(StunMessage.checkFingerprint(buf));

            byte[] raw = bytes(buf);
            Message decoded = Message.decode(raw, 0, raw.length);
            assertEquals(Message.BINDING_REQUEST, decoded.getMessageType());
            assertEquals("sfuFrag:browserFrag", new String(
                    ((UsernameAttribute) decoded.getAttribute(Attribute.USERNAME)).getUsername(), StandardCharsets.UTF_8));
            assertEquals(0x7effffffL, ((PriorityAttribute) decoded.getAttribute(Attribute.PRIORITY)).getPriority());
            assertEquals(0x8000000000000001L,
                    ((IceControlAttribute) decoded.getAttribute(Attribute.ICE_CONTROLLING)).getTieBreaker());
            assertTrue(decoded.containsAttribute(Attribute.USE_CANDIDATE));
            assertIce4jAgreesOnIntegrity(raw, m.integrityOffset());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 487})
    void bindingErrorRoundTrip(int code) throws Exception {
        byte[] tx = StunMessageBuilder.newTransactionId();
        String reason = code == 487 ? "Role Conflict" : code == 401 ? "Unauthorized" : "Bad Request";
        ByteBuf buf = Unpooled.buffer();
        try {
            StunMessageBuilder.bindingError(tx, code, reason).messageIntegrity(KEY).fingerprint().writeTo(buf);
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_ERROR, m.messageType());
            assertEquals(StunMessage.CLASS_ERROR, m.messageClass());
            assertEquals(code, m.errorCode());
            assertEquals(reason, m.errorReason());
            assertTrue(StunMessage.checkIntegrity(buf, KEY));
            assertTrue(StunMessage.checkFingerprint(buf));

            byte[] raw = bytes(buf);
            ErrorCodeAttribute ec = (ErrorCodeAttribute) Message.decode(raw, 0, raw.length)
                    .getAttribute(Attribute.ERROR_CODE);
            assertEquals(code, ec.getErrorCode());
            assertEquals(reason, ec.getReasonPhrase());
        } finally {
            buf.release();
        }
    }

    @Test
    void messageTypeBitInterleaving() {
        assertEquals(0x0001, StunMessage.messageType(StunMessage.BINDING, StunMessage.CLASS_REQUEST));
        assertEquals(0x0011, StunMessage.messageType(StunMessage.BINDING, StunMessage.CLASS_INDICATION));
        assertEquals(0x0101, StunMessage.messageType(StunMessage.BINDING, StunMessage.CLASS_SUCCESS));
        assertEquals(0x0111, StunMessage.messageType(StunMessage.BINDING, StunMessage.CLASS_ERROR));
        // TURN Allocate (0x003) error response is 0x0113; method 0xFFF spreads over every M bit.
        assertEquals(0x0113, StunMessage.messageType(0x003, StunMessage.CLASS_ERROR));
        for (int method = 0; method < 0x1000; method += 0x55) {
            for (int cls = 0; cls < 4; cls++) {
                int t = StunMessage.messageType(method, cls);
                assertEquals(method, StunMessage.method(t));
                assertEquals(cls, StunMessage.messageClass(t));
                assertEquals(0, t & 0xC000);
            }
        }
    }

    @Test
    void emptyKeyIsAValidHmacKey() throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            StunMessageBuilder.bindingRequest(new byte[12]).messageIntegrity(new byte[0]).writeTo(buf);
            assertTrue(StunMessage.checkIntegrity(buf, new byte[0]));
            assertFalse(StunMessage.checkIntegrity(buf, new byte[] {1}));
        } finally {
            buf.release();
        }
    }
}

package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.junit.jupiter.api.Test;

/**
 * ice4j encodes, we parse. ice4j adds MESSAGE-INTEGRITY only through a StunStack's credential manager,
 * which starts networking, so these messages carry FINGERPRINT but no integrity; our integrity is
 * cross-checked against ice4j's HMAC in {@link StunBuilderTest}.
 */
class StunIce4jTest {
    @Test
    void parsesIce4jBindingRequest() throws Exception {
        Request req = MessageFactory.createBindingRequest(0x6e0001ffL, true, 0x0102030405060708L);
        byte[] tx = StunMessageBuilder.newTransactionId();
        req.setTransactionID(tx);
        req.putAttribute(AttributeFactory.createUsernameAttribute("evtj:h6vY"));
        req.putAttribute(AttributeFactory.createUseCandidateAttribute());
        req.putAttribute(AttributeFactory.createFingerprintAttribute());
        byte[] raw = req.encode(null);
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_REQUEST, m.messageType());
            assertArrayEquals(tx, m.transactionId());
            assertEquals("evtj:h6vY", m.username());
            assertEquals(0x6e0001ffL, m.priority().getAsLong());
            assertEquals(0x0102030405060708L, m.iceControlling().getAsLong());
            assertTrue(m.useCandidate());
            assertTrue(m.hasFingerprint());
            assertFalse(m.hasMessageIntegrity());
            assertTrue(StunMessage.checkFingerprint(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void parsesIce4jBindingResponses() throws Exception {
        for (String ip : new String[] {"198.51.100.7", "2001:db8::beef"}) {
            byte[] tx = StunMessageBuilder.newTransactionId();
            Request req = MessageFactory.createBindingRequest();
            req.setTransactionID(tx);
            TransportAddress mapped = new TransportAddress(InetAddress.getByName(ip), 40000, Transport.UDP);
            Response resp = MessageFactory.createBindingResponse(req, mapped);
            resp.setTransactionID(tx);
            resp.putAttribute(AttributeFactory.createFingerprintAttribute());
            byte[] raw = resp.encode(null);
            ByteBuf buf = Unpooled.wrappedBuffer(raw);
            try {
                StunMessage m = StunMessage.parse(buf);
                assertEquals(StunMessage.BINDING_SUCCESS, m.messageType());
                assertEquals(new InetSocketAddress(InetAddress.getByName(ip), 40000), m.xorMappedAddress());
                assertTrue(StunMessage.checkFingerprint(buf));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void parsesIce4jErrorResponse() throws Exception {
        Response resp = MessageFactory.createBindingErrorResponse((char) 487, "Role Conflict");
        resp.setTransactionID(new byte[12]);
        byte[] raw = resp.encode(null);
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_ERROR, m.messageType());
            assertEquals(487, m.errorCode());
            assertEquals("Role Conflict", m.errorReason());
        } finally {
            buf.release();
        }
    }
}

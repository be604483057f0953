package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.junit.jupiter.api.Test;

/** ice4j-encoded checks as the server's parser sees them, and the server's answers as ice4j decodes them. */
class IceCheckTest {
    static final String PWD = "serverpasswordserverpass";
    static final byte[] KEY = PWD.getBytes(StandardCharsets.UTF_8);

    /** PeerRuntime's warm-up: ice4j's first encode (its configuration loading) happens there, off the event loops. */
    @Test
    void warmUpEncodesAndReadsOneCheck() {
        IceCheck.warmUp();
        IceCheck.warmUp(); // and again: nothing is kept that a second call could trip on
    }

    @Test
    void bindingRequestVerifiesWithTheServersParser() throws Exception {
        byte[] tx = IceCheck.newTransactionId();
        byte[] raw = IceCheck.bindingRequest(tx, "srvU", "cliU", PWD, 0x1234_5678_9abcL);
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            StunMessage m = StunMessage.parse(buf);
            assertEquals(StunMessage.BINDING_REQUEST, m.messageType());
            assertArrayEquals(tx, m.transactionId());
            assertEquals("srvU:cliU", m.username());
            assertEquals(IceCheck.PRIORITY, m.priority().getAsLong());
            assertEquals(0x1234_5678_9abcL, m.iceControlling().getAsLong());
            assertTrue(m.useCandidate());
            assertTrue(m.hasMessageIntegrity());
            assertTrue(m.hasFingerprint());
            assertTrue(StunMessage.checkIntegrity(buf, KEY), "MESSAGE-INTEGRITY keyed with the server's ice-pwd");
            assertTrue(!StunMessage.checkIntegrity(buf, "wrong".getBytes(StandardCharsets.UTF_8)));
            assertTrue(StunMessage.checkFingerprint(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void successResponseDecodesWithItsMappedAddress() {
        byte[] tx = IceCheck.newTransactionId();
        InetSocketAddress mapped = new InetSocketAddress("127.0.0.1", 40123);
        ByteBuf buf = Unpooled.buffer();
        StunMessageBuilder.writeBindingSuccess(buf, tx, mapped, KEY);
        byte[] raw = new byte[buf.readableBytes()];
        buf.readBytes(raw);
        buf.release();

        IceCheck.Response r = IceCheck.parseResponse(raw, PWD);
        assertNotNull(r);
        assertTrue(r.success());
        assertArrayEquals(tx, r.transactionId());
        assertEquals(mapped, r.mappedAddress());

        assertNull(IceCheck.parseResponse(raw, "another-password-entirely"), "integrity must verify");
        byte[] flipped = raw.clone();
        flipped[30] ^= 1;
        assertNull(IceCheck.parseResponse(flipped, PWD), "a flipped bit fails FINGERPRINT or integrity");
        assertNull(IceCheck.parseResponse(new byte[] {0, 1, 0}, PWD));
    }

    @Test
    void errorResponseIsReportedAsFailure() {
        byte[] tx = IceCheck.newTransactionId();
        ByteBuf buf = Unpooled.buffer();
        StunMessageBuilder.bindingError(tx, 487, "Role Conflict").messageIntegrity(KEY).fingerprint().writeTo(buf);
        byte[] raw = new byte[buf.readableBytes()];
        buf.readBytes(raw);
        buf.release();
        IceCheck.Response r = IceCheck.parseResponse(raw, PWD);
        assertNotNull(r);
        assertTrue(!r.success());
        assertEquals(487, r.errorCode());
    }

    @Test
    void aFullAgentsCheckIsAnsweredWithOurPasswordAndOneWithAWrongKeyIsNot() {
        // a full agent (Janus) checks us: USERNAME "ourUfrag:itsUfrag", integrity keyed with our ice-pwd
        byte[] tx = IceCheck.newTransactionId();
        byte[] request = IceCheck.bindingRequest(tx, "cliU", "srvU", PWD, 42);
        assertTrue(IceCheck.isBindingRequest(request));
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);
        byte[] answer = IceCheck.bindingSuccess(request, from, PWD);
        assertNotNull(answer);
        assertTrue(!IceCheck.isBindingRequest(answer));
        IceCheck.Response r = IceCheck.parseResponse(answer, PWD);
        assertNotNull(r);
        assertTrue(r.success());
        assertArrayEquals(tx, r.transactionId());
        assertEquals(from, r.mappedAddress());
        assertNull(IceCheck.bindingSuccess(request, from, "someoneelsespassword1234"));
        assertNull(IceCheck.bindingSuccess(new byte[] {0, 1, 0, 0}, from, PWD));
    }
}

package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5769 test vectors (the hex is the RFC's, with its 0x20 attribute padding). */
class StunVectorsTest {
    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    static final byte[] TX = ByteBufUtil.decodeHexDump("b7e7a701bc34d686fa87dfae");

    /** §2.1 Sample Request. */
    static final String REQUEST = "000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74" // SOFTWARE "STUN test client"
            + "002400046e0001ff" // PRIORITY
            + "80290008932ff9b151263b36" // ICE-CONTROLLED
            + "000600096576746a3a68367659202020" // USERNAME "evtj:h6vY"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" // MESSAGE-INTEGRITY
            + "80280004e57a3bcf"; // FINGERPRINT
    /** §2.2 Sample IPv4 Response. */
    static final String RESPONSE_V4 = "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000080001a147e112a643"
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96";
    /** §2.3 Sample IPv6 Response. */
    static final String RESPONSE_V6 = "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004c8fb0b4c";
    /** §2.4 Sample Request with Long-Term Authentication. */
    static final String REQUEST_LONG_TERM = "000100602112a44278ad3433c6ad72c029da412e"
            + "00060012e3839ee38388e383aae38383e382afe382b90000"
            + "0015001c662f2f3439396b39353464364f4c33346f4c394653547679363473410014000b6578616d706c652e6f726700"
            + "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666";

    static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replaceAll("\\s", "")));
    }

    @Test
    void sampleRequest() throws Exception {
        ByteBuf raw = hex(REQUEST);
        try {
            StunMessage m = StunMessage.parse(raw);
            assertEquals(StunMessage.BINDING_REQUEST, m.messageType());
            assertEquals(StunMessage.BINDING, m.method());
            assertEquals(StunMessage.CLASS_REQUEST, m.messageClass());
            assertArrayEquals(TX, m.transactionId());
            assertEquals("evtj:h6vY", m.username());
            assertEquals(0x6e0001ffL, m.priority().getAsLong());
            assertEquals(0x932ff9b151263b36L, m.iceControlled().getAsLong());
            assertTrue(m.iceControlling().isEmpty());
            assertFalse(m.useCandidate());
            assertEquals("STUN test client",
                    new String(m.attribute(StunAttributes.SOFTWARE).value(), StandardCharsets.UTF_8));
            assertTrue(m.hasMessageIntegrity());
            assertTrue(m.hasFingerprint());
            assertEquals(76, m.integrityOffset());
            assertEquals(100, m.fingerprintOffset());
            assertTrue(StunMessage.checkIntegrity(raw, PASSWORD));
            assertTrue(StunMessage.checkFingerprint(raw));
            assertFalse(StunMessage.checkIntegrity(raw, "VOkJxbRl1RmTxUk/WvJxBT".getBytes(StandardCharsets.UTF_8)));
            assertEquals(new IceUsername("evtj", "h6vY"), IceUsername.split(m.username()));
        } finally {
            raw.release();
        }
    }

    @Test
    void sampleIpv4Response() throws Exception {
        ByteBuf raw = hex(RESPONSE_V4);
        try {
            StunMessage m = StunMessage.parse(raw);
            assertEquals(StunMessage.BINDING_SUCCESS, m.messageType());
            assertEquals(StunMessage.CLASS_SUCCESS, m.messageClass());
            assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), m.xorMappedAddress());
            assertTrue(StunMessage.checkIntegrity(raw, PASSWORD));
            assertTrue(StunMessage.checkFingerprint(raw));
        } finally {
            raw.release();
        }
    }

    @Test
    void sampleIpv6Response() throws Exception {
        ByteBuf raw = hex(RESPONSE_V6);
        try {
            StunMessage m = StunMessage.parse(raw);
            assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                    m.xorMappedAddress());
            assertTrue(StunMessage.checkIntegrity(raw, PASSWORD));
            assertTrue(StunMessage.checkFingerprint(raw));
        } finally {
            raw.release();
        }
    }

    @Test
    void sampleLongTermRequest() throws Exception {
        ByteBuf raw = hex(REQUEST_LONG_TERM);
        try {
            StunMessage m = StunMessage.parse(raw);
            assertEquals("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", m.username());
            assertEquals("example.org", new String(m.attribute(StunAttributes.REALM).value(), StandardCharsets.UTF_8));
            assertFalse(m.hasFingerprint());
            assertFalse(StunMessage.checkFingerprint(raw));
            // The RFC's password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep is "TheMatrIX".
            byte[] key = StunMessage.longTermKey(m.username(), "example.org", "TheMatrIX");
            assertTrue(StunMessage.checkIntegrity(raw, key));
            assertFalse(StunMessage.checkIntegrity(raw, StunMessage.longTermKey(m.username(), "example.org", "TheMatrix")));
        } finally {
            raw.release();
        }
    }

    /** Every byte before MESSAGE-INTEGRITY is covered by both checks; flipping any one must fail both. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 8, 19, 20, 25, 40, 60, 71})
    void flippedByteBeforeIntegrityFailsBoth(int index) {
        ByteBuf raw = hex(REQUEST);
        try {
            raw.setByte(index, raw.getByte(index) ^ 0x01);
            assertFalse(StunMessage.checkIntegrity(raw, PASSWORD));
            assertFalse(StunMessage.checkFingerprint(raw));
        } finally {
            raw.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"76, false, false", "95, false, false", "100, true, false", "103, true, false"})
    void flippedByteInTheTrailers(int index, boolean integrity, boolean fingerprint) {
        ByteBuf raw = hex(REQUEST);
        try {
            raw.setByte(index, raw.getByte(index) ^ 0x80);
            assertEquals(integrity, StunMessage.checkIntegrity(raw, PASSWORD), "integrity");
            assertEquals(fingerprint, StunMessage.checkFingerprint(raw), "fingerprint");
        } finally {
            raw.release();
        }
    }

    @Test
    void parsesAtReaderIndexAndIgnoresTrailingBytes() throws Exception {
        ByteBuf raw = hex("ffffffff" + RESPONSE_V4 + "0000");
        raw.readerIndex(4);
        try {
            assertEquals(RESPONSE_V4.length() / 2, StunMessage.parse(raw).length());
            assertTrue(StunMessage.checkIntegrity(raw, PASSWORD));
            assertTrue(StunMessage.checkFingerprint(raw));
            assertEquals(4, raw.readerIndex(), "parse does not consume");
        } finally {
            raw.release();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "TOO_SHORT,                   000100002112a442b7e7a701bc34d686fa87df",
        "NOT_STUN,                    400100002112a442b7e7a701bc34d686fa87dfae",
        "NOT_STUN,                    800100002112a442b7e7a701bc34d686fa87dfae",
        "BAD_MAGIC_COOKIE,            000100002112a443b7e7a701bc34d686fa87dfae",
        "BAD_LENGTH,                  000100022112a442b7e7a701bc34d686fa87dfae0000",
        "BAD_LENGTH,                  000100082112a442b7e7a701bc34d686fa87dfae00250000",
        "BAD_ATTRIBUTE_LENGTH,        000100042112a442b7e7a701bc34d686fa87dfae00060001",
        "BAD_ATTRIBUTE_LENGTH,        000100082112a442b7e7a701bc34d686fa87dfae0006000561626364",
        "BAD_ATTRIBUTE_LENGTH,        000100142112a442b7e7a701bc34d686fa87dfae000800100000000000000000000000000000000000",
        "BAD_ATTRIBUTE_LENGTH,        000100082112a442b7e7a701bc34d686fa87dfae8028000000000000",
        "ATTRIBUTE_AFTER_FINGERPRINT, 0001000c2112a442b7e7a701bc34d686fa87dfae80280004e57a3bcf00250000",
    })
    void namedErrors(StunError expected, String message) {
        ByteBuf raw = hex(message);
        try {
            StunException e = assertThrows(StunException.class, () -> StunMessage.parse(raw));
            assertEquals(expected, e.error());
            assertFalse(StunMessage.checkIntegrity(raw, PASSWORD));
        } finally {
            raw.release();
        }
    }

    @Test
    void attributesAfterIntegrityOtherThanFingerprintAreIgnored() throws Exception {
        // §2.1 with the FINGERPRINT replaced by USE-CANDIDATE (type 0x0025, length 0) + 4 bytes of attr.
        String tampered = REQUEST.substring(0, REQUEST.length() - 16).replaceFirst("^00010058", "00010054")
                + "00250000";
        ByteBuf raw = hex(tampered);
        try {
            StunMessage m = StunMessage.parse(raw);
            assertFalse(m.useCandidate(), "USE-CANDIDATE after MESSAGE-INTEGRITY is not authenticated");
            assertFalse(m.hasFingerprint());
        } finally {
            raw.release();
        }
    }

    @Test
    void iceUsernameSplit() {
        assertEquals(new IceUsername("a", "b:c"), IceUsername.split("a:b:c"));
        assertEquals(new IceUsername("", ""), IceUsername.split(":"));
        assertNull(IceUsername.split("nocolon"));
        assertNull(IceUsername.split(null));
    }
}

package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpHeaderTest {
    /**
     * An Opus packet shaped like Chromium sends it: V=2, PT 111, one-byte extensions
     * 1 ssrc-audio-level, 2 abs-send-time, 3 transport-wide-cc, 4 mid, padded to 12 bytes, then payload.
     */
    static final String CHROMIUM_OPUS =
            "906f1234 0001e240 11223344"
            + " bede0003 10ff2212 34563100 05403000"
            + " 78 0b e4 c1 36 ec c5 8d 8c 49 46 99";

    static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replaceAll("\\s", "")));
    }

    @Test
    void readsChromiumShapedPacket() {
        ByteBuf p = hex(CHROMIUM_OPUS);
        try {
            assertNull(RtpHeader.check(p));
            assertEquals(2, RtpHeader.version(p));
            assertFalse(RtpHeader.hasPadding(p));
            assertTrue(RtpHeader.hasExtension(p));
            assertEquals(0, RtpHeader.csrcCount(p));
            assertFalse(RtpHeader.marker(p));
            assertEquals(111, RtpHeader.payloadType(p));
            assertEquals(0x1234, RtpHeader.sequenceNumber(p));
            assertEquals(123456, RtpHeader.timestamp(p));
            assertEquals(0x11223344L, RtpHeader.ssrc(p));
            assertEquals(12 + 4 + 12, RtpHeader.headerLength(p));
            assertEquals(12, RtpHeader.payloadLength(p));
        } finally {
            p.release();
        }
    }

    @Test
    void unsignedFieldsAndSettersRoundTrip() {
        ByteBuf p = hex(CHROMIUM_OPUS);
        try {
            RtpHeader.setMarker(p, true);
            RtpHeader.setPayloadType(p, 96);
            RtpHeader.setSequenceNumber(p, 65535);
            RtpHeader.setTimestamp(p, 0xFFFFFFFEL);
            RtpHeader.setSsrc(p, 0xDEADBEEFL);
            assertTrue(RtpHeader.marker(p));
            assertEquals(96, RtpHeader.payloadType(p));
            assertEquals(65535, RtpHeader.sequenceNumber(p));
            assertEquals(0xFFFFFFFEL, RtpHeader.timestamp(p));
            assertEquals(0xDEADBEEFL, RtpHeader.ssrc(p));
            RtpHeader.setMarker(p, false);
            assertFalse(RtpHeader.marker(p));
            assertEquals(96, RtpHeader.payloadType(p), "clearing M keeps PT");
            // Only the rewritten fields changed; extensions and payload are untouched.
            ByteBuf expected = hex(CHROMIUM_OPUS.replace("906f1234 0001e240 11223344", "9060ffff fffffffe deadbeef"));
            try {
                assertArrayEquals(ByteBufUtil.getBytes(expected), ByteBufUtil.getBytes(p));
            } finally {
                expected.release();
            }
        } finally {
            p.release();
        }
    }

    @Test
    void csrcsAndPaddingAtNonZeroReaderIndex() {
        // 2 bytes of junk before the packet; 2 CSRCs; no extension; 3 payload bytes; 4 padding bytes.
        ByteBuf p = hex("ffff a2e0 0001 00000002 00000003 aaaaaaaa bbbbbbbb 010203 00000004");
        p.readerIndex(2);
        try {
            assertNull(RtpHeader.check(p));
            assertTrue(RtpHeader.marker(p));
            assertEquals(96, RtpHeader.payloadType(p));
            assertEquals(2, RtpHeader.csrcCount(p));
            assertEquals(0xBBBBBBBBL, RtpHeader.csrc(p, 1));
            assertEquals(20, RtpHeader.headerLength(p));
            assertEquals(4, RtpHeader.paddingLength(p));
            assertEquals(3, RtpHeader.payloadLength(p));
        } finally {
            p.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "TOO_SHORT,            906f1234 0001e240 112233",
        "BAD_VERSION,          506f1234 0001e240 11223344",
        "BAD_VERSION,          006f1234 0001e240 11223344",
        "BAD_CSRC_LENGTH,      826f1234 0001e240 11223344 aaaaaaaa",
        "BAD_EXTENSION_LENGTH, 906f1234 0001e240 11223344 bede",
        "BAD_EXTENSION_LENGTH, 906f1234 0001e240 11223344 bede0002 10ff0000",
        "BAD_PADDING,          a06f1234 0001e240 11223344 0102 00",
        "BAD_PADDING,          a06f1234 0001e240 11223344 0102 04",
        "BAD_PADDING,          b06f1234 0001e240 11223344 bede0001 10ff0000 03",
    })
    void namedErrors(RtpError expected, String packet) {
        ByteBuf p = hex(packet);
        try {
            assertEquals(expected, RtpHeader.check(p));
        } finally {
            p.release();
        }
    }

    @Test
    void paddingExactlyFillingTheBodyIsValid() {
        ByteBuf p = hex("a06f1234 0001e240 11223344 00000004");
        try {
            assertNull(RtpHeader.check(p));
            assertEquals(0, RtpHeader.payloadLength(p));
        } finally {
            p.release();
        }
    }
}

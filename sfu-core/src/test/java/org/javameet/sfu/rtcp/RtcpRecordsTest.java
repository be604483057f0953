package org.javameet.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtcpRecordsTest {
    static final String REPORT_BLOCK = "55667788 19fffffe 0001ffff 00000010 a0b0c0d0 00010000";
    static final String SR = "81c8000c 11223344 e0000000 80000000 0001e240 00000064 00003e80 " + REPORT_BLOCK;
    static final String RR = "81c90007 11223344 " + REPORT_BLOCK;
    static final String SDES = "81ca0003 11223344 01036162 63000000";
    static final String BYE = "81cb0002 11223344 03627965";
    static final String PLI = "81ce0002 11223344 55667788";
    static final String FIR = "84ce0004 11223344 00000000 55667788 07000000";
    static final String NACK = "81cd0003 11223344 55667788 00640005";
    static final String REMB = "8fce0005 11223344 00000000 52454d42 010edc6c 55667788";
    static final String TRANSPORT_CC = "8fcd0004 11223344 55667788 00010001 00002000";

    static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replaceAll("\\s", "")));
    }

    static String clean(String s) {
        return s.replaceAll("\\s", "");
    }

    interface Parser {
        Object parse(ByteBuf buf, int off, int len) throws RtcpException;
    }

    /** Parses {@code packet} placed after 4 junk bytes (so offsets are absolute), marshals it again, compares. */
    static <T> T roundTrip(String packet, Parser parser) throws RtcpException {
        ByteBuf buf = hex("deadbeef" + clean(packet));
        ByteBuf out = Unpooled.buffer();
        try {
            @SuppressWarnings("unchecked")
            T value = (T) parser.parse(buf, 4, buf.readableBytes() - 4);
            int size = (int) value.getClass().getMethod("marshalSize").invoke(value);
            value.getClass().getMethod("marshalTo", ByteBuf.class).invoke(value, out);
            assertEquals(size, out.readableBytes(), "marshalSize");
            assertEquals(clean(packet), ByteBufUtil.hexDump(out));
            return value;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        } finally {
            buf.release();
            out.release();
        }
    }

    private static final ReportBlock BLOCK = new ReportBlock(0x55667788L, 25, -2, 0x1ffffL, 16, 0xa0b0c0d0L, 65536);

    @Test
    void senderReport() throws Exception {
        SenderReport sr = roundTrip(SR, SenderReport::parse);
        assertEquals(new SenderReport(0x11223344L, 0xe000000080000000L, 123456, 100, 16000, List.of(BLOCK)), sr);
    }

    @Test
    void receiverReport() throws Exception {
        ReceiverReport rr = roundTrip(RR, ReceiverReport::parse);
        assertEquals(new ReceiverReport(0x11223344L, List.of(BLOCK)), rr);
        assertEquals(-2, rr.reportBlocks().get(0).cumulativeLost(), "signed 24-bit");
    }

    @Test
    void sdes() throws Exception {
        assertEquals(Sdes.cname(0x11223344L, "abc"), roundTrip(SDES, Sdes::parse));
        // 8-byte CNAME: items take 10 bytes, so the null terminator and padding take 2.
        Sdes two = roundTrip("82ca0006 11223344 01086162 63643132 33340000 55667788 01016100", Sdes::parse);
        assertEquals(List.of(new Sdes.Chunk(0x11223344L, "abcd1234"), new Sdes.Chunk(0x55667788L, "a")), two.chunks());
    }

    @Test
    void sdesSkipsOtherItems() throws Exception {
        // NAME item (type 2) "x" before CNAME "ab", then null + pad.
        ByteBuf buf = hex("81ca0003 11223344 02017801 02616200");
        try {
            assertEquals(Sdes.cname(0x11223344L, "ab"), Sdes.parse(buf, 0, 16));
        } finally {
            buf.release();
        }
    }

    @Test
    void bye() throws Exception {
        assertEquals(new Bye(List.of(0x11223344L), "bye"), roundTrip(BYE, Bye::parse));
        assertEquals(new Bye(List.of(0x11223344L, 0x55667788L), null),
                roundTrip("82cb0002 11223344 55667788", Bye::parse));
    }

    @Test
    void pli() throws Exception {
        assertEquals(new Pli(0x11223344L, 0x55667788L), roundTrip(PLI, Pli::parse));
    }

    @Test
    void fir() throws Exception {
        assertEquals(new Fir(0x11223344L, List.of(new Fir.Entry(0x55667788L, 7))), roundTrip(FIR, Fir::parse));
    }

    @Test
    void nack() throws Exception {
        Nack nack = roundTrip(NACK, Nack::parse);
        assertArrayEquals(new int[] {100, 101, 103}, nack.lostSequenceNumbers());
        assertEquals(Nack.of(0x11223344L, 0x55667788L, new int[] {100, 101, 103}), nack);
    }

    @Test
    void remb() throws Exception {
        Remb remb = roundTrip(REMB, Remb::parse);
        assertEquals(new Remb(0x11223344L, 1_500_000L, List.of(0x55667788L)), remb);
        assertEquals(3, remb.exponent());
        assertEquals(187_500, remb.mantissa());
    }

    @ParameterizedTest(name = "{0} bps -> exp {1} mantissa {2}")
    @CsvSource({
        "0,                   0,  0",
        "262143,              0,  262143",
        "262144,              1,  131072",
        "1500000,             3,  187500",
        "30000000,            7,  234375",
        "1500001,             3,  187500",
        "9223372036854775807, 45, 262143",
    })
    void rembExponentAndMantissa(long bitrate, int exp, int mantissa) {
        Remb r = new Remb(1, bitrate, List.of());
        assertEquals(exp, r.exponent());
        assertEquals(mantissa, r.mantissa());
        assertTrue((long) mantissa << exp <= bitrate, "rounds down, never advertises more than asked");
    }

    @Test
    void rembNonCanonicalAndOverflowingValues() throws Exception {
        ByteBuf small = hex("8fce0004 11223344 00000000 52454d42 00140001");
        ByteBuf huge = hex("8fce0004 11223344 00000000 52454d42 00ffffff");
        try {
            assertEquals(32, Remb.parse(small, 0, 20).bitrate(), "mantissa 1, exp 5");
            assertEquals(Long.MAX_VALUE, Remb.parse(huge, 0, 20).bitrate(), "2^18-1 << 63 clamps");
        } finally {
            small.release();
            huge.release();
        }
    }

    @Test
    void routingPredicates() {
        ByteBuf buf = hex(REMB + TRANSPORT_CC + PLI + FIR + NACK);
        try {
            assertTrue(Rtcp.isRemb(buf, 0, 24));
            assertFalse(Rtcp.isTransportCc(buf, 0, 24));
            assertTrue(Rtcp.isTransportCc(buf, 24, 20));
            assertFalse(Rtcp.isRemb(buf, 24, 20));
            assertFalse(Rtcp.isNack(buf, 24, 20));
            assertTrue(Rtcp.isPli(buf, 44, 12));
            assertTrue(Rtcp.isKeyframeRequest(buf, 44, 12));
            assertTrue(Rtcp.isFir(buf, 56, 20));
            assertTrue(Rtcp.isKeyframeRequest(buf, 56, 20));
            assertTrue(Rtcp.isNack(buf, 76, 16));
            assertEquals(0x11223344L, Rtcp.senderSsrc(buf, 76));
            assertEquals(0x55667788L, Rtcp.mediaSsrc(buf, 76));
        } finally {
            buf.release();
        }
    }

    @Test
    void rembWithoutIdentifierIsNotRemb() {
        ByteBuf buf = hex("8fce0004 11223344 00000000 41424344 010edc6c");
        try {
            assertFalse(Rtcp.isRemb(buf, 0, 20));
            RtcpException e = assertThrows(RtcpException.class, () -> Remb.parse(buf, 0, 20));
            assertEquals(RtcpError.BAD_REMB_IDENTIFIER, e.error());
        } finally {
            buf.release();
        }
    }

    @Test
    void senderReportRewriteInPlace() throws Exception {
        ByteBuf buf = hex(SR);
        try {
            SenderReport.rewrite(buf, 0, 0xcafebabeL, 0xfffffff0L);
            SenderReport sr = SenderReport.parse(buf, 0, buf.readableBytes());
            assertEquals(0xcafebabeL, sr.ssrc());
            assertEquals(0xfffffff0L, sr.rtpTimestamp());
            assertEquals(0xe000000080000000L, SenderReport.ntpTimestamp(buf, 0));
            assertEquals(100, sr.packetCount());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource({
        "TOO_SHORT,           SR,   81c8",
        "TOO_SHORT,           SR,   80c80001 11223344",
        "BAD_VERSION,         SR,   41c8000c 11223344 e0000000 80000000 0001e240 00000064 00003e80",
        "BAD_PACKET_TYPE,     SR,   " + "81ce0002 11223344 55667788",
        "BAD_LENGTH,          PLI,  81ce0003 11223344 55667788",
        "BAD_COUNT,           RR,   82c90007 11223344 55667788 19fffffe 0001ffff 00000010 a0b0c0d0 00010000",
        "BAD_COUNT,           SR,   81c80006 11223344 e0000000 80000000 0001e240 00000064 00003e80",
        "BAD_PADDING,         PLI,  a1ce0002 11223344 55667700",
        "BAD_PADDING,         PLI,  a1ce0002 11223344 556677ff",
        "TOO_SHORT,           PLI,  a1ce0002 11223344 55667704",
        "BAD_FMT,             PLI,  84ce0004 11223344 00000000 55667788 07000000",
        "BAD_FMT,             FIR,  81ce0002 11223344 55667788",
        "BAD_LENGTH,          FIR,  84ce0003 11223344 00000000 55667788",
        "BAD_LENGTH,          NACK, 81cd0002 11223344 55667788",
        "TOO_SHORT,           REMB, 8fce0003 11223344 00000000 52454d42",
        "BAD_REMB_IDENTIFIER, REMB, 8fce0004 11223344 00000000 52454d41 010edc6c",
        "BAD_COUNT,           REMB, 8fce0004 11223344 00000000 52454d42 010edc6c",
        "BAD_SDES_ITEM,       SDES, 81ca0002 11223344 01056162",
        "BAD_SDES_ITEM,       SDES, 81ca0002 11223344 01026162",
        "BAD_COUNT,           SDES, 82ca0002 11223344 01016100",
        "BAD_COUNT,           BYE,  82cb0001 11223344",
        "BAD_BYE_REASON,      BYE,  81cb0002 11223344 09627965",
    })
    void namedErrors(RtcpError expected, String type, String packet) {
        ByteBuf buf = hex(packet);
        try {
            RtcpException e = assertThrows(RtcpException.class, () -> parser(type).parse(buf, 0, buf.readableBytes()));
            assertEquals(expected, e.error());
        } finally {
            buf.release();
        }
    }

    @Test
    void lengthBeyondBufferIsTooShortForRecords() {
        ByteBuf buf = hex(PLI);
        try {
            RtcpException e = assertThrows(RtcpException.class, () -> Pli.parse(buf, 4, 12));
            assertEquals(RtcpError.TOO_SHORT, e.error());
        } finally {
            buf.release();
        }
    }

    static Parser parser(String type) {
        return switch (type) {
            case "SR" -> SenderReport::parse;
            case "RR" -> ReceiverReport::parse;
            case "SDES" -> Sdes::parse;
            case "BYE" -> Bye::parse;
            case "PLI" -> Pli::parse;
            case "FIR" -> Fir::parse;
            case "NACK" -> Nack::parse;
            case "REMB" -> Remb::parse;
            case "TWCC" -> TransportCcFeedback::parse;
            default -> throw new IllegalArgumentException(type);
        };
    }

    @Test
    void paddedPacketParsesWithoutItsPadding() throws Exception {
        // PLI with P=1 and 4 bytes of padding (length covers it).
        ByteBuf buf = hex("a1ce0003 11223344 55667788 00000004");
        try {
            assertEquals(new Pli(0x11223344L, 0x55667788L), Pli.parse(buf, 0, 16));
            assertNull(RtcpCompound.check(buf));
        } finally {
            buf.release();
        }
    }
}

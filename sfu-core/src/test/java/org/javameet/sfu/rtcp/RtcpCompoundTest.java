package org.javameet.sfu.rtcp;

import static org.javameet.sfu.rtcp.RtcpRecordsTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtcpCompoundTest {
    private static final String SR_NO_BLOCKS = "80c80006 11223344 e0000000 80000000 0001e240 00000064 00003e80";

    @Test
    void senderReportPlusSdesAsChromiumSendsThem() throws Exception {
        // Packet starts after a 2-byte prefix: offsets handed out are absolute buffer indices.
        ByteBuf buf = hex("ffff" + SR_NO_BLOCKS + RtcpRecordsTest.SDES);
        buf.readerIndex(2);
        try {
            List<String> seen = new ArrayList<>();
            List<Object> parsed = new ArrayList<>();
            RtcpError err = RtcpCompound.forEach(buf, (pt, count, off, len) -> {
                seen.add(pt + "/" + count + "@" + off + "+" + len);
                try {
                    parsed.add(pt == RtcpHeader.SR ? SenderReport.parse(buf, off, len) : Sdes.parse(buf, off, len));
                } catch (RtcpException e) {
                    throw new AssertionError(e);
                }
            });
            assertNull(err);
            assertEquals(List.of("200/0@2+28", "202/1@30+16"), seen);
            assertEquals(new SenderReport(0x11223344L, 0xe000000080000000L, 123456, 100, 16000, List.of()), parsed.get(0));
            assertEquals(Sdes.cname(0x11223344L, "abc"), parsed.get(1));
        } finally {
            buf.release();
        }
    }

    @Test
    void builtCompoundRoundTrips() {
        ByteBuf buf = Unpooled.buffer();
        try {
            new ReceiverReport(1, List.of()).marshalTo(buf);
            Sdes.cname(1, "javameet-sfu").marshalTo(buf);
            Nack.of(1, 2, new int[] {65535, 0, 3}).marshalTo(buf);
            new Remb(1, 2_000_000, List.of(2L, 3L)).marshalTo(buf);
            new Bye(List.of(1L), "shutdown").marshalTo(buf);
            List<Integer> types = new ArrayList<>();
            assertNull(RtcpCompound.forEach(buf, (pt, count, off, len) -> types.add(pt * 100 + count)));
            assertEquals(List.of(20100, 20201, 20501, 20615, 20301), types);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "EMPTY,                ''",
        "TOO_SHORT,            80c8",
        "TOO_SHORT,            " + "80c80006 11223344 e0000000 80000000 0001e240 00000064 00003e80 81ca",
        "BAD_VERSION,          40c80000",
        "BAD_VERSION,          80c80000 c0ca0000",
        "LENGTH_BEYOND_BUFFER, 80c80006 11223344",
        "LENGTH_BEYOND_BUFFER, 80c80000 81ca0003 11223344 01036162",
        "BAD_PADDING,          a0c80001 00000000",
        "BAD_PADDING,          a0c80001 00000005",
    })
    void namedErrors(RtcpError expected, String compound) {
        ByteBuf buf = hex(compound);
        try {
            List<Integer> visited = new ArrayList<>();
            assertEquals(expected, RtcpCompound.forEach(buf, (pt, count, off, len) -> visited.add(pt)));
            assertTrue(visited.isEmpty(), "nothing of a malformed compound is visited");
        } finally {
            buf.release();
        }
    }

    @Test
    void zeroLengthFieldIsAValidHeaderOnlyPacket() {
        // RFC 3550 §6.4.1: the length is in words minus one, so 0 is a legal 4-byte packet (e.g. BYE, SC=0).
        ByteBuf buf = hex("80cb0000 80c90001 11223344");
        try {
            List<String> seen = new ArrayList<>();
            assertNull(RtcpCompound.forEach(buf, (pt, count, off, len) -> seen.add(pt + "+" + len)));
            assertEquals(List.of("203+4", "201+8"), seen);
            assertEquals("80cb0000", ByteBufUtil.hexDump(buf, 0, 4));
        } finally {
            buf.release();
        }
    }
}

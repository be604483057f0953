package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketKindTest {
    /** RFC 7983 §7 ranges at and around every boundary; RTCP decided by the second byte (RFC 5761 §4). */
    @ParameterizedTest(name = "first={0} second={1} len={2} -> {3}")
    @CsvSource({
        "0,   1,   20, STUN",
        "3,   1,   20, STUN",
        "4,   1,   20, OTHER",
        "16,  1,   20, OTHER",
        "19,  1,   20, OTHER",
        "20,  254, 20, DTLS",
        "22,  254, 20, DTLS",
        "63,  1,   20, DTLS",
        "64,  1,   20, OTHER",
        "79,  1,   20, OTHER",
        "127, 1,   20, OTHER",
        "128, 111, 20, RTP",
        "144, 239, 20, RTP",
        "128, 191, 20, RTP",
        "128, 192, 20, RTCP",
        "129, 200, 20, RTCP",
        "143, 206, 20, RTCP",
        "128, 223, 20, RTCP",
        "128, 224, 20, RTP",
        "191, 96,  20, RTP",
        "192, 200, 20, OTHER",
        "255, 1,   20, OTHER",
        "128, 200, 3,  RTPORRTCP_SHORT",
        "128, 111, 11, RTPORRTCP_SHORT",
        "128, 200, 4,  RTCP",
    })
    void demux(int first, int second, int len, String expected) {
        byte[] b = new byte[len];
        b[0] = (byte) first;
        if (len > 1) {
            b[1] = (byte) second;
        }
        // Packet starts at a non-zero readerIndex, as it does after a framing prefix.
        ByteBuf buf = Unpooled.buffer(len + 3);
        buf.writeBytes(new byte[] {(byte) 0x80, (byte) 200, 0});
        buf.writeBytes(b);
        buf.readerIndex(3);
        try {
            String actual;
            if (PacketKind.isStun(buf)) {
                actual = "STUN";
            } else if (PacketKind.isDtls(buf)) {
                actual = "DTLS";
            } else if (PacketKind.isRtcp(buf)) {
                actual = "RTCP";
            } else if (PacketKind.isRtp(buf)) {
                actual = "RTP";
            } else if (PacketKind.isRtpOrRtcp(buf)) {
                actual = "RTPORRTCP_SHORT";
            } else {
                actual = "OTHER";
            }
            assertEquals(expected, actual);
        } finally {
            buf.release();
        }
    }

    @Test
    void emptyIsNothing() {
        ByteBuf buf = Unpooled.buffer(0);
        try {
            assertEquals(false, PacketKind.isStun(buf) || PacketKind.isDtls(buf) || PacketKind.isRtpOrRtcp(buf)
                    || PacketKind.isRtcp(buf) || PacketKind.isRtp(buf));
        } finally {
            buf.release();
        }
    }
}

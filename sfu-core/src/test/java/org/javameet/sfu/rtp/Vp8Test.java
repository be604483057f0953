package org.javameet.sfu.rtp;

import static org.javameet.sfu.rtp.RtpHeaderTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Vp8Test {
    /** RTP header (PT 96, one one-byte extension so the payload offset is not the fixed 12) + VP8 payload. */
    private static final String RTP = "90e00001 00000000 00000001 bede0001 10010000 ";

    /**
     * Descriptor cases from RFC 7741 §4.2; the byte after the descriptor is the VP8 payload header whose low
     * bit P is 0 for a key frame (§4.3; a key frame's tag is followed by the start code 9d 01 2a). A key frame for the forwarder means S=1, PID=0 and P=0.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name,                           payload,                      keyframe, start, pictureId
        "minimal key frame,                10 502f009d012a,                    true,  true,  -1",
        "minimal delta frame,              10 51e100,                    false, true,  -1",
        "continuation (S=0),               00 502f009d012a,                    false, false, -1",
        "start of partition 1,             11 502f009d012a,                    false, false, -1",
        "X+I 7-bit picture id key,         90 80 05 502f009d012a,              true,  true,  5",
        "X+I 15-bit picture id key,        90 80 81 23 502f009d012a,           true,  true,  291",
        "X+I+L+T+K all fields key,         90 f0 ff fe 07 40 502f009d012a,     true,  true,  32766",
        "X+I+L+T+K all fields delta,       90 f0 ff fe 07 40 51e100,     false, true,  32766",
        "X+L only key,                     90 40 07 502f009d012a,              true,  true,  -1",
        "X+K only (T/K share a byte) key,  90 10 40 502f009d012a,              true,  true,  -1",
        "X no optional fields delta,       90 00 01,                     false, true,  -1",
        "truncated picture id,             90 80 81,                     false, false, -1",
        "descriptor without payload hdr,   90 80 05,                     false, true,  5",
        "empty payload,                    '',                           false, false, -1",
    })
    void descriptor(String name, String payload, boolean keyframe, boolean start, int pictureId) {
        ByteBuf p = hex(RTP + payload);
        try {
            assertEquals(keyframe, Vp8.isKeyframe(p), "keyframe");
            assertEquals(start, Vp8.isStartOfFrame(p), "start of frame");
            assertEquals(pictureId, Vp8.pictureId(p), "picture id");
        } finally {
            p.release();
        }
    }
}

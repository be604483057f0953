package org.javameet.sfu.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.javameet.sfu.webrtc.PublishNegotiation;

/**
 * Jazzer fuzzing of the SDP parser and the publish negotiation a client's offer goes through: only SdpException,
 * and what parses prints to text that parses to the same text. CI runs the committed corpus (SdpFuzzTestInputs/:
 * the captured Chromium, Firefox and webrtcbin offers and small cases) as regression tests.
 */
class SdpFuzzTest {
    private static final LocalTransportParams LOCAL = new LocalTransportParams("ufrg", "passwordOf24CharsAbcdefg",
            "sha-256", "83:D0:CF:7E:AD:DE:9A:DA:46:71:4A:25:C4:52:A6:D4:F3:F9:93:3F:EB:94:BC:2F:CE:29:09:BC:18:64:AD:D3",
            List.of(new InetSocketAddress("192.0.2.1", 10000)));

    @FuzzTest(maxDuration = "10m")
    void offer(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(text);
        } catch (SdpException expected) {
            return;
        }
        String printed = sdp.toString();
        try {
            assertEquals(printed, SessionDescription.parse(printed).toString(), "print and parse must agree");
        } catch (SdpException e) {
            throw new AssertionError("our own output does not parse: " + e.getMessage(), e);
        }
        try {
            PublishNegotiation.answer(text, LOCAL, 1, 1);
        } catch (SdpException expected) {
            // refused by name
        }
    }
}

package org.javameet.sfu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.sdp.SimulcastException;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Negotiation of a real simulcast offer. {@code sdp/chromium-156-simulcast-offer.sdp} was captured like the
 * plain offer (see {@link ChromiumOfferTest}) from {@code sdp/capture-simulcast-offer.html}: the camera
 * transceiver with three {@code sendEncodings} (rid r0/r1/r2, scaleResolutionDownBy 4/2/1, L1T3). Chromium
 * writes {@code a=rid}/{@code a=simulcast} and no {@code a=ssrc} for the video section. CRLF kept.
 */
class SimulcastOfferTest {
    private static final LocalTransportParams LOCAL = new LocalTransportParams("sfuUfrag", "sfuPasswordOf24CharsAbcd",
            "sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            List.of());

    static String simulcastOffer() throws IOException {
        try (InputStream in = SimulcastOfferTest.class.getResourceAsStream("/sdp/chromium-156-simulcast-offer.sdp")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void chromiumSimulcastOfferIsAnsweredWithItsLayers() throws Exception {
        PublishNegotiation.Result r = PublishNegotiation.answer(simulcastOffer(), LOCAL, 7, 1);

        PublishedTrack video = r.tracks().get(1);
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(List.of("r0", "r1", "r2"), video.rids(), "lowest first, as the encodings were given");
        assertEquals(0, video.mediaSsrc(), "no a=ssrc: learnt from the rid extension");
        assertEquals(0, video.rtxSsrc());
        assertEquals(10, video.ridExtId());
        assertEquals(11, video.repairedRidExtId());
        assertEquals(4, video.midExtId());
        assertEquals(List.of(), r.tracks().get(0).rids(), "audio has no layers");

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        MediaDescription m = answer.media().get(1);
        assertEquals(List.of("r0 recv", "r1 recv", "r2 recv"), m.attributes("rid"));
        assertEquals("recv r0;r1;r2", m.attribute("simulcast"));
        List<HeaderExtension> exts = HeaderExtension.of(m);
        assertEquals(10, HeaderExtension.idOf(exts, HeaderExtension.RID));
        assertEquals(11, HeaderExtension.idOf(exts, HeaderExtension.REPAIRED_RID));
        assertEquals(4, HeaderExtension.idOf(exts, HeaderExtension.MID));
        assertEquals("recvonly", m.direction());
        assertTrue(m.formats().containsAll(List.of("96", "97")), "VP8 and its RTX: RTX per layer via repaired rid");

        MediaDescription audio = answer.media().get(0);
        assertEquals(List.of(), audio.attributes("rid"));
        assertEquals(0, HeaderExtension.idOf(HeaderExtension.of(audio), HeaderExtension.RID),
                "rid is negotiated only where simulcast is");
    }

    @Test
    void withoutSimulcastNoRidExtensionIsNegotiated() throws Exception {
        PublishNegotiation.Result r = PublishNegotiation.answer(ChromiumOfferTest.chromiumOffer(), LOCAL, 7, 1);
        MediaDescription video = SessionDescription.parse(r.answerSdp()).media().get(1);
        assertEquals(0, HeaderExtension.idOf(HeaderExtension.of(video), HeaderExtension.RID));
        assertEquals(null, video.attribute("simulcast"));
        assertEquals(List.of(), r.tracks().get(1).rids());
    }

    /** An offer edit (replace {@code from} by {@code to}, in order) and the words the refusal must contain. */
    static Stream<Arguments> refusedSimulcast() {
        return Stream.of(
                Arguments.of("four layers", List.of("a=rid:r2 send\r\n", "a=rid:r2 send\r\na=rid:r3 send\r\n",
                        "a=simulcast:send r0;r1;r2", "a=simulcast:send r0;r1;r2;r3"), "offers 4 simulcast layers; at most 3"),
                Arguments.of("undeclared rid", List.of("a=rid:r2 send\r\n", ""),
                        "names rid 'r2' without an a=rid:r2 send line"),
                Arguments.of("malformed rid", List.of("a=rid:r2 send", "a=rid:r+2 send",
                        "a=simulcast:send r0;r1;r2", "a=simulcast:send r0;r1;r+2"), "malformed rid 'r+2'"),
                Arguments.of("rid twice", List.of("a=simulcast:send r0;r1;r2", "a=simulcast:send r0;r1;r1"),
                        "names rid 'r1' twice"),
                Arguments.of("no rid extension", List.of("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n", ""),
                        "without the urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id header extension"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedSimulcast")
    void simulcastTheSfuCannotReceiveIsRefusedByName(String name, List<String> edits, String message) throws Exception {
        String offer = simulcastOffer();
        for (int i = 0; i < edits.size(); i += 2) {
            assertTrue(offer.contains(edits.get(i)), "the fixture has " + edits.get(i));
            offer = offer.replace(edits.get(i), edits.get(i + 1));
        }
        String edited = offer;
        SimulcastException e = assertThrows(SimulcastException.class,
                () -> PublishNegotiation.answer(edited, LOCAL, 7, 1));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("m-section 1"), e.getMessage());
    }
}

package org.javameet.signaling.room;

import static org.javameet.signaling.room.WsClient.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.signaling.JavameetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The publisher side of simulcast over real WebSockets: a publisher whose camera layers nobody receives is told
 * to stop encoding all but the lowest ({@code layersPaused}), and to start them again the moment someone
 * subscribes.
 */
class LayersPausedTest {
    private static JavameetServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.loopback());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Chromium 156's publish offer with a three-layer simulcast camera (mid 1, rids r0/r1/r2), from sfu-core. */
    private static String simulcastOffer() throws Exception {
        try (InputStream in = LayersPausedTest.class.getResourceAsStream("/sdp/chromium-156-simulcast-offer.sdp")) {
            assertNotNull(in, "sfu-core's test fixture");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What a browser answers to a subscribe offer: every mid accepted, recvonly. */
    private static String answer(String offerSdp) throws Exception {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        for (MediaDescription m : SessionDescription.parse(offerSdp).media()) {
            sb.append("m=").append(m.media()).append(" 9 UDP/TLS/RTP/SAVPF ").append(m.formats().get(0))
                    .append("\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(m.mid())
                    .append("\r\na=ice-ufrag:brow\r\na=ice-pwd:browserpasswordbrowserpw\r\n")
                    .append("a=fingerprint:sha-256 01:02:03\r\na=setup:active\r\na=recvonly\r\n");
        }
        return sb.toString();
    }

    @Test
    void layersNobodyReceivesArePausedAndResumedWhenSomeoneSubscribes() throws Exception {
        try (WsClient ada = WsClient.joined(server, "layers", "Ada")) {
            ada.send(msg("publishOffer", "sdp", simulcastOffer()));
            ada.next("publishAnswer");
            assertEquals("[]", ada.next("layersPaused").path("tracks").toString(), "every layer on at first");
            long before = System.nanoTime();
            JsonNode paused = ada.next("layersPaused");
            long afterMs = (System.nanoTime() - before) / 1_000_000;
            assertEquals("[{\"mid\":\"1\",\"rids\":[\"r1\",\"r2\"]}]", paused.path("tracks").toString(),
                    "alone in the room: only the lowest layer");
            System.out.printf("[layers] paused %d ms after the first report%n", afterMs);

            try (WsClient bob = WsClient.joined(server, "layers", "Bob")) {
                JsonNode offer = bob.next("subscribeOffer", m -> m.path("tracks").size() > 0);
                long joined = System.nanoTime();
                bob.send(msg("subscribeAnswer", "sdp", answer(offer.path("sdp").asText()),
                        "version", offer.path("version").asInt()));
                assertEquals("[]", ada.next("layersPaused").path("tracks").toString(),
                        "Bob shows no tile size yet: every layer, at once");
                long resumedMs = (System.nanoTime() - joined) / 1_000_000;
                System.out.printf("[layers] resumed %d ms after Bob's answer%n", resumedMs);
                assertEquals(true, resumedMs < 2_000, "at once (the next 200 ms layer tick), not after a delay: " + resumedMs);
            }
        }
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.signaling.JavameetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A meeting of two Java participants keeps going while the server is fed garbage: unknown UDP senders, STUN
 * with bad credentials, SRTP that does not authenticate, and malformed signaling. Every drop is counted by
 * reason on the real {@code /metrics}, every bad message answered with its documented error code, and no
 * state is created for strangers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROOM = "bad-input";
    private static TwoPartyMeeting meeting;
    private static JavameetServer server;
    private static PeerRuntime runtime;
    private static ServerMetrics metrics;
    private static URI ws;
    private static InetSocketAddress media;
    private static Participant ada;
    private static Participant bob;

    @BeforeAll
    static void meeting() throws Exception {
        meeting = TwoPartyMeeting.start("BadInputTest", ROOM, WAIT);
        server = meeting.server;
        runtime = meeting.runtime;
        metrics = meeting.metrics;
        ws = meeting.ws;
        media = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.mediaAddress().getPort());
        ada = meeting.ada;
        bob = meeting.bob;
    }

    @AfterAll
    static void end() {
        if (meeting != null) {
            meeting.close();
        }
    }

    @AfterEach
    void meetingStillGoesOn() {
        assertMeetingGoesOn();
    }

    static void assertMeetingGoesOn() {
        meeting.assertGoesOn();
    }

    /** Waits for each reason's counter to grow by exactly the given amount (and not more). */
    private static void assertDropsGrow(Map<String, Double> before, Map<String, Integer> expected) throws Exception {
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            double want = before.get(e.getKey()) + e.getValue();
            Eventually.await("dropped{reason=" + e.getKey() + "} to reach " + want, WAIT,
                    () -> metrics.dropped(e.getKey()) >= want, () -> "now " + metrics.dropped(e.getKey()));
        }
        Thread.sleep(100);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertEquals(before.get(e.getKey()) + e.getValue(), metrics.dropped(e.getKey()), e.getKey());
        }
    }

    private static Map<String, Double> drops(String... reasons) {
        String page = metrics.scrape();
        java.util.HashMap<String, Double> m = new java.util.HashMap<>();
        for (String r : reasons) {
            m.put(r, ServerMetrics.value(page, "javameet_media_dropped_packets_total", "reason", r));
        }
        return m;
    }

    @Test
    void garbageFromStrangersIsDroppedCountedAndCreatesNoState() throws Exception {
        int transports = server.media().registry().size();
        Map<String, Double> before = drops("unknown_address", "unknown_protocol", "stun_malformed");
        Random random = new Random(7);
        byte[] noise = new byte[200];
        random.nextBytes(noise);
        noise[0] = (byte) 0xF3; // outside every RFC 7983 range
        byte[] dtlsLooking = new byte[60];
        random.nextBytes(dtlsLooking);
        dtlsLooking[0] = 22; // a handshake record from nobody
        byte[] truncatedStun = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2};
        byte[] rtpLooking = new byte[172];
        random.nextBytes(rtpLooking);
        rtpLooking[0] = (byte) 0x80;
        rtpLooking[1] = 96;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] d : List.of(noise, dtlsLooking, truncatedStun, rtpLooking)) {
                s.send(new DatagramPacket(d, d.length, media));
            }
            assertDropsGrow(before, Map.of("unknown_protocol", 1, "unknown_address", 2, "stun_malformed", 1));
            assertNoAnswer(s);
        }
        assertEquals(transports, server.media().registry().size(), "no transport created for a stranger");
    }

    @Test
    void stunWithBadCredentialsIsNotAnswered() throws Exception {
        String knownUfrag = ada.publishConnection().remote().iceUfrag();
        Map<String, Double> before = drops("stun_bad_integrity", "stun_unknown_ufrag");
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            send(s, bindingRequest(knownUfrag + ":intruder", "not-the-ice-pwd-of-this-transport"));
            send(s, bindingRequest("nosuchufrag:intruder", "whatever-password-at-all"));
            assertDropsGrow(before, Map.of("stun_bad_integrity", 1, "stun_unknown_ufrag", 1));
            assertNoAnswer(s);
        }
    }

    static byte[] bindingRequest(String username, String password) {
        ByteBuf b = Unpooled.buffer();
        try {
            StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId()).username(username)
                    .priority(0x6e7f1eff).iceControlling(42).useCandidate()
                    .messageIntegrity(password.getBytes(StandardCharsets.UTF_8)).fingerprint().writeTo(b);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    private static void send(DatagramSocket s, byte[] d) throws Exception {
        s.send(new DatagramPacket(d, d.length, media));
    }

    private static void assertNoAnswer(DatagramSocket s) throws Exception {
        s.setSoTimeout(300);
        byte[] buf = new byte[1500];
        assertThrows(SocketTimeoutException.class, () -> s.receive(new DatagramPacket(buf, buf.length)),
                "the server must not answer");
    }

    @Test
    void srtpGarbageFromAKnownAddressIsDroppedAndMediaContinues() throws Exception {
        Map<String, Double> before = drops("srtp_auth_failed");
        Random random = new Random(11);
        for (int i = 0; i < 5; i++) {
            byte[] rtp = new byte[200];
            random.nextBytes(rtp);
            rtp[0] = (byte) 0x80;
            rtp[1] = 96;
            rtp[8] = (byte) 0xDE; // an SSRC of its own, not the real stream's
            rtp[9] = (byte) 0xAD;
            rtp[10] = (byte) 0xBE;
            rtp[11] = (byte) 0xEF;
            ada.publishConnection().sendRaw(rtp);
        }
        byte[] rtcp = new byte[80];
        random.nextBytes(rtcp);
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 200;
        rtcp[2] = 0;
        rtcp[3] = 6;
        bob.subscribeConnection().sendRaw(rtcp);
        assertDropsGrow(before, Map.of("srtp_auth_failed", 6));
    }

    @Test
    void malformedSignalingGetsDocumentedErrorsAndTheSocketSurvives() throws Exception {
        try (SignalingClient raw = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            expectError(raw, "{", "bad-json");
            expectError(raw, "[]", "bad-json");
            expectError(raw, "{\"type\":42}", "bad-message");
            expectError(raw, "{\"type\":\"nope\"}", "bad-message");
            expectError(raw, "{\"type\":\"publishOffer\",\"sdp\":\"garbage\"}", "not-joined");
            expectError(raw, "{\"type\":\"join\",\"room\":\"../x\"}", "bad-room");
            ping(raw);

            CompletableFuture<JsonNode> joined = raw.awaitType("joined");
            CompletableFuture<JsonNode> offer = raw.awaitType("subscribeOffer");
            raw.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"displayName\":\"Mallory\"}");
            joined.get(5, TimeUnit.SECONDS);
            long version = offer.get(5, TimeUnit.SECONDS).path("version").asLong();
            expectError(raw, "{\"type\":\"publishOffer\",\"sdp\":\"garbage\"}", "bad-sdp");
            expectError(raw, "{\"type\":\"subscribeAnswer\",\"sdp\":\"v=0\",\"version\":" + (version + 7) + "}",
                    "stale-answer");
            expectError(raw, "{\"type\":\"join\",\"room\":\"" + ROOM + "\"}", "already-joined");
            ping(raw);
            assertTrue(raw.isOpen(), "the socket survives every bad message");
            assertEquals(3, server.rooms().participantCount());
        }
    }

    @Test
    void aPublishOfferWithSectionsTheSfuCannotCarryIsAnsweredWithTheRestAndSaysWhy() throws Exception {
        // Firefox's real offer, with its camera made H.264-only and a data channel added: the audio must still be
        // answered, the two sections rejected with their reasons in publishAnswer, counted and logged.
        String firefox;
        try (var in = BadInputTest.class.getResourceAsStream("/sdp/firefox-153-publish-offer.sdp")) {
            firefox = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String offer = firefox
                .replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
                .replace("m=video 0 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 119", "m=video 0 UDP/TLS/RTP/SAVPF 126")
                .replaceAll("a=(rtpmap|fmtp|rtcp-fb):(120|124|121|125|99|100|123|122|119) [^\r]*\r\n", "")
                .replace("a=ssrc-group:FID 3212736605 4178717613\r\n", "a=rtpmap:126 H264/90000\r\n"
                        + "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=bundle-only\r\n"
                        + "a=mid:2\r\na=sctp-port:5000\r\n");
        String page = metrics.scrape();
        double codecBefore = ServerMetrics.value(page, "javameet_sdp_rejected_sections_total", "reason", "no-supported-codec");
        double mediaBefore = ServerMetrics.value(page, "javameet_sdp_rejected_sections_total", "reason", "unsupported-media");
        try (SignalingClient raw = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<JsonNode> joined = raw.awaitType("joined");
            raw.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"displayName\":\"Fox\"}");
            joined.get(5, TimeUnit.SECONDS);
            CompletableFuture<JsonNode> answer = raw.awaitType("publishAnswer");
            ObjectNode publish = SignalingClient.message("publishOffer");
            publish.put("sdp", offer);
            raw.send(publish);
            JsonNode a = answer.get(5, TimeUnit.SECONDS);
            assertTrue(a.path("sdp").asText().contains("a=group:BUNDLE 0\r\n"), a.path("sdp").asText());
            assertEquals("[{\"mid\":\"1\",\"media\":\"video\",\"reason\":\"no-supported-codec\","
                    + "\"detail\":\"offers H264; javameet forwards VP8\"},{\"mid\":\"2\",\"media\":\"application\","
                    + "\"reason\":\"unsupported-media\",\"detail\":\"m=application is not carried (audio and video only)\"}]",
                    a.path("rejected").toString());
        }
        page = metrics.scrape();
        assertEquals(codecBefore + 1,
                ServerMetrics.value(page, "javameet_sdp_rejected_sections_total", "reason", "no-supported-codec"));
        assertEquals(mediaBefore + 1,
                ServerMetrics.value(page, "javameet_sdp_rejected_sections_total", "reason", "unsupported-media"));
    }

    private static void expectError(SignalingClient c, String text, String code) throws Exception {
        CompletableFuture<JsonNode> error = c.awaitType("error");
        c.sendText(text);
        JsonNode e = error.get(5, TimeUnit.SECONDS);
        assertEquals(code, e.path("code").asText(), "reply to " + text + ": " + e);
        System.out.println("[integration] " + text + " -> error " + code + ": " + e.path("message").asText());
    }

    private static void ping(SignalingClient c) throws Exception {
        CompletableFuture<JsonNode> pong = c.awaitType("pong");
        c.send(SignalingClient.message("ping"));
        pong.get(5, TimeUnit.SECONDS);
    }
}

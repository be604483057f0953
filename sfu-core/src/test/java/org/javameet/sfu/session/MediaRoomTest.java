package org.javameet.sfu.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media session as signaling drives it: publish, subscribe offers one at a time, answers, leaving. Runs over
 * a real media server on a loopback port, but without any browser, WebSocket or HTTP.
 */
class MediaRoomTest {
    private static final TrackLabeler<RuntimeException> DEFAULT_LABELS = tracks -> {
        Map<String, String> out = new HashMap<>();
        for (TrackRef t : tracks) {
            out.put(t.mid(), t.audio() ? "microphone" : "camera");
        }
        return out;
    };

    private MediaServer server;
    private MediaRoom room;
    private final BlockingQueue<String> closedTransports = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = new MediaServer(new MediaServer.Options(lo, 0, List.of(lo)),
                MediaMetrics.noop(), DtlsCertificate.generate());
        server.start();
        room = new MediaRooms(server).create("test",
                (participant, transport, reason) -> closedTransports.add(participant + " " + transport + ": " + reason));
    }

    @AfterEach
    void stop() {
        if (room != null) {
            room.close();
        }
        server.close();
    }

    static String chromiumOffer() throws IOException {
        try (InputStream in = MediaRoomTest.class.getResourceAsStream("/sdp/chromium-156-publish-offer.sdp")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Chromium's offer with a three-layer simulcast camera (see SimulcastOfferTest). */
    static String simulcastOffer() throws IOException {
        try (InputStream in = MediaRoomTest.class.getResourceAsStream("/sdp/chromium-156-simulcast-offer.sdp")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The same offer with its video m-section no longer sending (the camera track was removed). */
    static String audioOnlyOffer() throws IOException {
        String sdp = chromiumOffer();
        int video = sdp.indexOf("m=video");
        return sdp.substring(0, video) + sdp.substring(video).replaceFirst("a=sendonly", "a=inactive");
    }

    /** What a browser answers to a subscribe offer: every mid accepted, recvonly, DTLS client. */
    static String answer(SubscribeOffer offer) throws Exception {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        for (MediaDescription m : SessionDescription.parse(offer.sdp()).media()) {
            sb.append("m=").append(m.media()).append(" 9 UDP/TLS/RTP/SAVPF ").append(m.formats().get(0))
                    .append("\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(m.mid())
                    .append("\r\na=ice-ufrag:brow\r\na=ice-pwd:browserpasswordbrowserpw\r\n")
                    .append("a=fingerprint:sha-256 01:02:03\r\na=setup:active\r\na=recvonly\r\n");
        }
        return sb.toString();
    }

    private static List<String> summary(SubscribeOffer offer) {
        return offer.tracks().stream()
                .map(t -> t.mid() + " " + t.publisherId() + " " + t.kind() + " " + (t.active() ? "active" : "inactive")
                        + " " + t.label())
                .toList();
    }

    /** Ada publishes her camera and microphone; Bob's first subscribe offer for them is answered. */
    private void bobReceivesAda() throws Exception {
        room.join("ada");
        room.join("bob");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer first = room.nextSubscribeOffer("bob");
        room.acceptSubscribeAnswer("bob", answer(first), first.version());
    }

    @Test
    void publishingOffersTheTracksToEveryoneElseButThePublisher() throws Exception {
        room.join("ada");
        room.join("bob");
        PublishResult r = room.publish("ada", chromiumOffer(), DEFAULT_LABELS);

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        assertEquals("recvonly", answer.media().get(0).direction());
        assertEquals(Map.of("0", "microphone", "1", "camera"), r.labels());
        assertNull(room.nextSubscribeOffer("ada"), "nothing to receive yet");

        SubscribeOffer offer = room.nextSubscribeOffer("bob");
        assertEquals(1, offer.version());
        assertEquals(List.of("0 ada audio active microphone", "1 ada video active camera"), summary(offer));
        SessionDescription sd = SessionDescription.parse(offer.sdp());
        assertEquals("BUNDLE 0 1", sd.attribute("group"));
        assertEquals("ada ada-video-1", sd.media().get(1).attribute("msid"));
        assertNull(room.nextSubscribeOffer("bob"), "nothing changed since");
    }

    @Test
    void oneOfferAtATimeAndChangesQueueBehindIt() throws Exception {
        room.join("ada");
        room.join("bob");
        room.join("cy");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer first = room.nextSubscribeOffer("cy");
        room.publish("bob", chromiumOffer(), DEFAULT_LABELS);
        assertNull(room.nextSubscribeOffer("cy"), "the first offer still waits for its answer");

        MediaSessionException stale = assertThrows(MediaSessionException.class,
                () -> room.acceptSubscribeAnswer("cy", answer(first), first.version() + 1));
        assertEquals(MediaSessionException.Reason.STALE_ANSWER, stale.reason());
        assertEquals("no subscribe offer with version 2 is pending (pending: 1)", stale.getMessage());

        room.acceptSubscribeAnswer("cy", answer(first), first.version());
        SubscribeOffer second = room.nextSubscribeOffer("cy");
        assertEquals(2, second.version());
        assertEquals(List.of("0 ada audio active microphone", "1 ada video active camera",
                "2 bob audio active microphone", "3 bob video active camera"), summary(second));

        MediaSessionException again = assertThrows(MediaSessionException.class,
                () -> room.acceptSubscribeAnswer("cy", answer(first), first.version()));
        assertEquals(MediaSessionException.Reason.STALE_ANSWER, again.reason());
    }

    @Test
    void aLateJoinerIsOfferedWhatIsAlreadyPublished() throws Exception {
        room.join("ada");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        room.join("bob");
        assertEquals(List.of("0 ada audio active microphone", "1 ada video active camera"),
                summary(room.nextSubscribeOffer("bob")));
    }

    @Test
    void aRemovedTrackStaysInactiveAndItsMidIsNotReused() throws Exception {
        bobReceivesAda();

        PublishResult r = room.publish("ada", audioOnlyOffer(), DEFAULT_LABELS);
        assertEquals(Map.of("0", "microphone"), r.labels());
        SubscribeOffer second = room.nextSubscribeOffer("bob");
        assertEquals(List.of("0 ada audio active microphone", "1 ada video inactive camera"), summary(second));
        room.acceptSubscribeAnswer("bob", answer(second), second.version());

        room.publish("ada", chromiumOffer(), DEFAULT_LABELS); // the camera is back: a new m-section
        assertEquals(List.of("0 ada audio active microphone", "1 ada video inactive camera",
                "2 ada video active camera"), summary(room.nextSubscribeOffer("bob")));
    }

    @Test
    void relabellingATrackSendsANewOffer() throws Exception {
        bobReceivesAda();

        PublishResult r = room.publish("ada", chromiumOffer(), tracks -> Map.of("0", "microphone", "1", "screen"));
        assertEquals("screen", r.labels().get("1"));
        assertEquals(List.of("0 ada audio active microphone", "1 ada video active screen"),
                summary(room.nextSubscribeOffer("bob")));
    }

    @Test
    void leavingMakesTheTracksInactiveForTheOthers() throws Exception {
        bobReceivesAda();

        room.remove("ada");
        room.remove("ada"); // idempotent
        assertEquals(List.of("0 ada audio inactive microphone", "1 ada video inactive camera"),
                summary(room.nextSubscribeOffer("bob")));
        assertNull(room.nextSubscribeOffer("ada"), "not a member any more");
    }

    @Test
    void subscribeOffersStopGrowingAtTheirLimit() throws Exception {
        room.close();
        room = new MediaRooms(server, new MediaLimits(8, 64, 3)).create("small", (p, t, r) -> { });
        bobReceivesAda(); // two sections in Bob's subscribe offer
        room.publish("ada", audioOnlyOffer(), DEFAULT_LABELS); // the camera goes: its section stays, inactive
        SubscribeOffer second = room.nextSubscribeOffer("bob");
        room.acceptSubscribeAnswer("bob", answer(second), second.version());
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS); // back: a third section
        SubscribeOffer third = room.nextSubscribeOffer("bob");
        room.acceptSubscribeAnswer("bob", answer(third), third.version());
        room.publish("ada", audioOnlyOffer(), DEFAULT_LABELS);
        SubscribeOffer fourth = room.nextSubscribeOffer("bob");
        room.acceptSubscribeAnswer("bob", answer(fourth), fourth.version());

        MediaSessionException e = assertThrows(MediaSessionException.class,
                () -> room.publish("ada", chromiumOffer(), DEFAULT_LABELS)); // would be Bob's fourth section
        assertEquals(MediaSessionException.Reason.TOO_MANY_TRACKS, e.reason());
        assertNull(room.nextSubscribeOffer("bob"), "nothing changed for Bob");
    }

    @Test
    void aRefusedOfferChangesNothing() throws Exception {
        room.join("ada");
        room.join("bob");
        MediaSessionException bad = assertThrows(MediaSessionException.class,
                () -> room.publish("ada", "v=0\r\nnonsense", DEFAULT_LABELS));
        assertEquals(MediaSessionException.Reason.BAD_SDP, bad.reason());
        assertTrue(bad.getMessage().startsWith("publish offer: "), bad.getMessage());

        IllegalArgumentException refused = new IllegalArgumentException("no such label");
        assertSame(refused, assertThrows(IllegalArgumentException.class,
                () -> room.publish("ada", chromiumOffer(), tracks -> { throw refused; })));
        assertNull(room.nextSubscribeOffer("bob"), "no track was added");
    }

    @Test
    void aSimulcastOfferBeyondTheLimitsIsRefusedAsBadSimulcast() throws Exception {
        room.join("ada");
        room.join("bob");
        String fourLayers = simulcastOffer()
                .replace("a=rid:r2 send\r\n", "a=rid:r2 send\r\na=rid:r3 send\r\n")
                .replace("a=simulcast:send r0;r1;r2", "a=simulcast:send r0;r1;r2;r3");
        MediaSessionException bad = assertThrows(MediaSessionException.class,
                () -> room.publish("ada", fourLayers, DEFAULT_LABELS));
        assertEquals(MediaSessionException.Reason.BAD_SIMULCAST, bad.reason());
        assertNull(room.nextSubscribeOffer("bob"), "nothing changed");

        PublishResult ok = room.publish("ada", simulcastOffer(), DEFAULT_LABELS);
        assertTrue(ok.answerSdp().contains("a=simulcast:recv r0;r1;r2"));
        SubscribeOffer offer = room.nextSubscribeOffer("bob");
        assertEquals(2, offer.tracks().size(), "subscribers see one video track, whatever its layers");
    }

    @Test
    void tileHeightsAreAppliedToTheTracksTheMemberReceives() throws Exception {
        bobReceivesAda();
        assertEquals(1, room.setTileHeights("bob", Map.of("ada-video-1", 180, "gone-video-9", 720)),
                "the one known track; an unknown id is no error (it may have just left)");
        assertEquals(0, room.setTileHeights("bob", Map.of()));
    }

    @Test
    void tileHeightsAreGivenToTheConsumer() throws Exception {
        bobReceivesAda();
        assertEquals(0, room.consumerTileHeight("bob", "ada-video-1").get(5, TimeUnit.SECONDS), "not said yet");
        room.setTileHeights("bob", Map.of("ada-video-1", 180));
        assertEquals(180, room.consumerTileHeight("bob", "ada-video-1").get(5, TimeUnit.SECONDS));
        room.setTileHeights("bob", Map.of("ada-video-1", 0));
        assertEquals(0, room.consumerTileHeight("bob", "ada-video-1").get(5, TimeUnit.SECONDS), "0 lifts it");
    }

    @Test
    void forwardedVideoDescribesEachVideoConsumerOfTheMember() throws Exception {
        bobReceivesAda();
        room.setTileHeights("bob", Map.of("ada-video-1", 180));
        List<ForwardedVideo> bob = room.forwardedVideo("bob").get(5, TimeUnit.SECONDS);
        assertEquals(1, bob.size(), "ada's video; audio has no layers");
        ForwardedVideo v = bob.get(0);
        assertEquals("ada", v.publisherId());
        assertEquals(-1, v.layer(), "nothing forwarded yet");
        assertEquals(0, v.layerHeight());
        assertEquals(180, v.tileHeight());
        assertEquals(List.of(), room.forwardedVideo("nobody").get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTileHeightReportedBeforeTheAnswerIsKeptForTheConsumerTheAnswerCreates() throws Exception {
        room.join("ada");
        room.join("bob");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer offer = room.nextSubscribeOffer("bob");
        // the client measured its new tile before its answer reached the server
        assertEquals(1, room.setTileHeights("bob", Map.of("ada-video-1", 90)));
        assertEquals(-1, room.consumerTileHeight("bob", "ada-video-1").get(5, TimeUnit.SECONDS), "no consumer yet");
        room.acceptSubscribeAnswer("bob", answer(offer), offer.version());
        assertEquals(90, room.consumerTileHeight("bob", "ada-video-1").get(5, TimeUnit.SECONDS),
                "the consumer starts with the reported tile, not unconstrained");
    }

    @Test
    void aBadSubscribeAnswerKeepsTheOfferPending() throws Exception {
        room.join("ada");
        room.join("bob");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer offer = room.nextSubscribeOffer("bob");
        MediaSessionException bad = assertThrows(MediaSessionException.class,
                () -> room.acceptSubscribeAnswer("bob", "v=0\r\n", offer.version()));
        assertEquals(MediaSessionException.Reason.BAD_SDP, bad.reason());
        assertTrue(bad.getMessage().startsWith("subscribe answer: "), bad.getMessage());
        room.acceptSubscribeAnswer("bob", answer(offer), offer.version());
        assertNull(room.nextSubscribeOffer("bob"), "answered: nothing due");
    }

    @Test
    void aTransportClosingOnItsOwnIsReportedWithItsParticipant() throws Exception {
        room.join("ada");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        server.close(); // closes every transport, as a consent timeout closes one
        assertEquals("ada test/ada/publish: server shutting down", closedTransports.poll(5, TimeUnit.SECONDS));
        room = null; // its media loop is gone: nothing left to close
    }

    // --- ICE restart: new credentials on the same transport (RFC 8445 §9)

    private static String attr(String sdp, String name) throws Exception {
        return SessionDescription.parse(sdp).media().get(0).attribute(name);
    }

    @Test
    void aPublishOfferWithANewUfragRestartsIceOnTheSameTransport() throws Exception {
        bobReceivesAda();
        String offer = chromiumOffer();
        PublishResult first = room.publish("ada", offer, DEFAULT_LABELS);
        String ufrag = attr(offer, "ice-ufrag");
        PublishResult same = room.publish("ada", offer, DEFAULT_LABELS);
        assertEquals(attr(first.answerSdp(), "ice-ufrag"), attr(same.answerSdp(), "ice-ufrag"),
                "a renegotiation without a restart keeps the credentials");

        String restarted = offer.replace("a=ice-ufrag:" + ufrag, "a=ice-ufrag:rest")
                .replace("a=ice-pwd:" + attr(offer, "ice-pwd"), "a=ice-pwd:restartedrestartedrestarted");
        PublishResult answer = room.publish("ada", restarted, DEFAULT_LABELS);
        assertNotEquals(attr(first.answerSdp(), "ice-ufrag"), attr(answer.answerSdp(), "ice-ufrag"));
        assertNotEquals(attr(first.answerSdp(), "ice-pwd"), attr(answer.answerSdp(), "ice-pwd"));
        assertEquals(attr(first.answerSdp(), "fingerprint"), attr(answer.answerSdp(), "fingerprint"));
        assertEquals(1, server.registry().all().stream().filter(t -> t.id().equals("test/ada/publish")).count(),
                "the same transport: DTLS and SRTP go on");
        assertSame(server.registry().byUfrag(attr(first.answerSdp(), "ice-ufrag")),
                server.registry().byUfrag(attr(answer.answerSdp(), "ice-ufrag")),
                "the old credentials stay valid until the new ones check out");
        assertNull(room.nextSubscribeOffer("bob"), "a restart changes no track");
    }

    @Test
    void aPublishOfferWithANewCertificateIsRefused() throws Exception {
        room.join("ada");
        String offer = chromiumOffer();
        room.publish("ada", offer, DEFAULT_LABELS);
        String fp = attr(offer, "fingerprint");
        String other = fp.substring(0, fp.length() - 2) + (fp.endsWith("00") ? "01" : "00");
        MediaSessionException e = assertThrows(MediaSessionException.class,
                () -> room.publish("ada", offer.replace(fp, other), DEFAULT_LABELS));
        assertEquals(MediaSessionException.Reason.BAD_SDP, e.reason());
        assertTrue(e.getMessage().contains("fingerprint changed"), e.getMessage());
    }

    @Test
    void aSubscribeIceRestartSendsAnOfferWithNewCredentials() throws Exception {
        room.join("ada");
        assertFalse(room.restartSubscribeIce("ada"), "no subscribe connection yet");
        room.join("bob");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer first = room.nextSubscribeOffer("bob");
        room.acceptSubscribeAnswer("bob", answer(first), first.version());

        assertTrue(room.restartSubscribeIce("bob"));
        SubscribeOffer restart = room.nextSubscribeOffer("bob");
        assertNotNull(restart, "the restart is an offer");
        assertEquals(first.version() + 1, restart.version());
        assertNotEquals(attr(first.sdp(), "ice-ufrag"), attr(restart.sdp(), "ice-ufrag"));
        assertEquals(summary(first), summary(restart), "the same tracks");
        room.acceptSubscribeAnswer("bob", answer(restart), restart.version());
        assertNull(room.nextSubscribeOffer("bob"));
    }

    @Test
    void afterAResumeThePendingOfferIsSentAgainUnderANewVersion() throws Exception {
        room.join("ada");
        room.join("bob");
        room.publish("ada", chromiumOffer(), DEFAULT_LABELS);
        SubscribeOffer lost = room.nextSubscribeOffer("bob"); // sent on a socket that then dropped
        room.resendSubscribeState("bob");
        SubscribeOffer again = room.nextSubscribeOffer("bob");
        assertNotNull(again);
        assertEquals(lost.version() + 1, again.version());
        assertEquals(summary(lost), summary(again));
        assertEquals(MediaSessionException.Reason.STALE_ANSWER, assertThrows(MediaSessionException.class,
                () -> room.acceptSubscribeAnswer("bob", answer(lost), lost.version())).reason());
        room.acceptSubscribeAnswer("bob", answer(again), again.version());
        room.resendSubscribeState("bob");
        SubscribeOffer third = room.nextSubscribeOffer("bob");
        assertEquals(again.version() + 1, third.version(), "a client that resumes gets a fresh offer either way");
    }
}

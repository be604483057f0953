package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.LocalTrackStats;
import org.javameet.peer.Participant;
import org.javameet.peer.ParticipantStats;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java participants (real ICE, DTLS, SRTP over loopback UDP, built from the same codecs) meet through the
 * real server: media flows both ways with the SFU's rewriting, feedback reaches the right end, and a
 * departure is signalled and stops that participant's media. Prints join-to-first-video figures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JavaParticipantsMeetTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static long startNanos;
    private static LoopbackServer loopback;
    private final List<Participant> participants = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        startNanos = System.nanoTime();
        loopback = LoopbackServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (loopback != null) {
            loopback.close();
        }
        HostLoad.print("JavaParticipantsMeetTest", startNanos);
    }

    @AfterEach
    void leaveAll() {
        participants.forEach(Participant::close);
    }

    private Participant join(String room, String name, Participant.Options options) throws Exception {
        Participant p = loopback.join(room, name, options);
        participants.add(p);
        return p;
    }

    private Participant join(String room, String name) throws Exception {
        return join(room, name, Participant.Options.defaults());
    }

    /** Waits until {@code receiver} has audio and video from each of {@code senders}. */
    private static void awaitMedia(Participant receiver, List<Participant> senders) {
        Eventually.await(receiver.displayName() + " receiving audio and video", WAIT, () -> {
            ParticipantStats s = receiver.stats();
            for (Participant from : senders) {
                for (MediaKind k : MediaKind.values()) {
                    RemoteTrackStats t = s.received(from.id(), k);
                    if (t == null || t.packets() < 5) {
                        return false;
                    }
                }
            }
            return true;
        }, () -> receiver.stats().received().toString());
    }

    /** The rewriting contract for one received track. */
    private static void assertForwarded(Participant receiver, Participant sender) {
        ParticipantStats rs = receiver.stats();
        ParticipantStats ss = sender.stats();
        for (MediaKind k : MediaKind.values()) {
            RemoteTrackStats t = rs.received(sender.id(), k);
            LocalTrackStats published = ss.published(k);
            String what = receiver.displayName() + " <- " + sender.displayName() + " " + k + ": " + t;
            assertNotNull(t, what);
            assertTrue(t.active(), what);
            assertTrue(t.packets() > 0, what);
            assertEquals(t.offeredSsrc(), t.lastSsrc(), "packets carry the SSRC of the subscribe offer: " + what);
            assertNotEquals(published.ssrc(), t.lastSsrc(), "the SFU rewrote the publisher's SSRC: " + what);
            assertEquals(k == MediaKind.VIDEO ? 96 : 111, t.lastPayloadType(), what);
            assertEquals(0, t.lost(), "no gaps on loopback: " + what);
            assertEquals(0, t.duplicates(), what);
            assertEquals(0, t.offsetChanges(), "sequence numbers and timestamps rewritten by one constant: " + what);
            assertEquals(0, t.unknownSenderIds(), "the stamp names the publisher: " + what);
            if (k == MediaKind.VIDEO) {
                assertEquals(Boolean.TRUE, t.firstPacketKeyframe(), "video starts with a keyframe: " + what);
                assertTrue(t.keyframes() >= 1, what);
            }
        }
        assertEquals(0, rs.unknownSsrcPackets(), "every SSRC was announced");
    }

    private static void printFigures(Participant receiver, Participant sender) {
        ParticipantStats rs = receiver.stats();
        RemoteTrackStats v = rs.received(sender.id(), MediaKind.VIDEO);
        RemoteTrackStats a = rs.received(sender.id(), MediaKind.AUDIO);
        long start = Math.max(rs.joinStartNanos(), sender.stats().joinStartNanos());
        System.out.printf("[integration] %s <- %s: join to first video packet %.1f ms (first audio %.1f ms); "
                        + "added latency video p50 %.2f ms p99 %.2f ms, audio p50 %.2f ms p99 %.2f ms%n",
                receiver.displayName(), sender.displayName(), (v.firstPacketNanos() - start) / 1e6,
                (a.firstPacketNanos() - start) / 1e6, v.latencyQuantile(0.5) / 1e6, v.latencyQuantile(0.99) / 1e6,
                a.latencyQuantile(0.5) / 1e6, a.latencyQuantile(0.99) / 1e6);
        java.util.Map<String, Long> steps = receiver.timeline().sinceStart();
        StringBuilder line = new StringBuilder();
        steps.forEach((step, nanos) -> line.append(String.format(" %s %.1f", step, nanos / 1e6)));
        System.out.println("[integration] " + receiver.displayName() + " join steps (ms):" + line);
        assertJoinStepsInOrder(receiver.displayName(), steps);
    }

    /** Each connection's steps in the order they must happen (the harness's join breakdown relies on them). */
    private static void assertJoinStepsInOrder(String who, java.util.Map<String, Long> steps) {
        List<List<String>> chains = List.of(
                List.of("joined", "subscribe.offerReceived", "subscribe.answerSent", "subscribe.checksStarted",
                        "subscribe.iceConnected", "subscribe.dtlsConnected"),
                List.of("joined", "publish.answerReceived", "publish.checksStarted", "publish.iceConnected",
                        "publish.dtlsConnected"));
        for (List<String> chain : chains) {
            for (int i = 0; i < chain.size(); i++) {
                assertNotNull(steps.get(chain.get(i)), who + ": no step " + chain.get(i) + " in " + steps);
                assertTrue(steps.get(chain.get(i)) > 0, who + ": " + steps);
                if (i > 0) {
                    assertTrue(steps.get(chain.get(i - 1)) <= steps.get(chain.get(i)),
                            who + ": " + chain.get(i - 1) + " after " + chain.get(i) + " in " + steps);
                }
            }
        }
    }

    @Test
    void twoThenThreeParticipantsExchangeMediaAndOneLeaves() throws Exception {
        Participant ada = join("meet-1", "Ada");
        Participant bob = join("meet-1", "Bob");
        awaitMedia(ada, List.of(bob));
        awaitMedia(bob, List.of(ada));
        assertForwarded(ada, bob);
        assertForwarded(bob, ada);
        printFigures(ada, bob);
        printFigures(bob, ada);
        // every connection's DTLS handshake is timed: at least Ada's and Bob's two each (the server is shared)
        String page = loopback.server.meterRegistry().scrape();
        double handshakes = ServerMetrics.value(page, "javameet_media_dtls_handshake_duration_seconds_count", null, null);
        double seconds = ServerMetrics.value(page, "javameet_media_dtls_handshake_duration_seconds_sum", null, null);
        System.out.printf("[meet] %.0f DTLS handshakes, %.1f ms each on average%n", handshakes, 1000 * seconds / handshakes);
        assertTrue(handshakes >= 4, "handshakes timed: " + handshakes);
        assertTrue(seconds > 0 && seconds / handshakes < 30, "mean handshake time: " + seconds / handshakes + " s");

        Participant cy = join("meet-1", "Cy");
        for (Participant p : List.of(ada, bob, cy)) {
            List<Participant> others = new ArrayList<>(List.of(ada, bob, cy));
            others.remove(p);
            awaitMedia(p, others);
            for (Participant o : others) {
                assertForwarded(p, o);
            }
        }
        printFigures(cy, ada);
        printFigures(ada, cy);
        assertEquals(3, loopback.server.rooms().participantCount());

        // Cy leaves: the others hear of it, get an offer with Cy's m-lines inactive, and Cy's packets stop
        CompletableFuture<JsonNode> adaLeft = ada.signaling().findOrAwait(
                m -> "participantLeft".equals(m.path("type").asText()) && cy.id().equals(m.path("participantId").asText()));
        List<CompletableFuture<JsonNode>> inactiveOffers = new ArrayList<>();
        for (Participant p : List.of(ada, bob)) {
            inactiveOffers.add(p.signaling().awaitMessage(m -> "subscribeOffer".equals(m.path("type").asText())
                    && hasInactiveTracksOf(m, cy.id())));
        }
        // Cy says leave but its media keeps running: the server, not Cy, must stop the forwarding
        cy.signaling().send(org.javameet.peer.SignalingClient.message("leave"));
        assertEquals("left", adaLeft.get(5, TimeUnit.SECONDS).path("reason").asText());
        bob.signaling().findOrAwait(m -> "participantLeft".equals(m.path("type").asText())
                && cy.id().equals(m.path("participantId").asText())).get(5, TimeUnit.SECONDS);
        for (CompletableFuture<JsonNode> offer : inactiveOffers) {
            JsonNode o = offer.get(5, TimeUnit.SECONDS);
            SessionDescription sdp = SessionDescription.parse(o.path("sdp").asText());
            for (JsonNode t : o.path("tracks")) {
                if (cy.id().equals(t.path("participantId").asText())) {
                    MediaDescription m = sdp.media().get(Integer.parseInt(t.path("mid").asText()));
                    assertEquals("inactive", m.direction(), "m-line " + t.path("mid").asText() + " of the leaver");
                }
            }
        }
        for (Participant p : List.of(ada, bob)) {
            Eventually.await(p.displayName() + " sees Cy's tracks inactive", WAIT,
                    () -> !p.stats().received(cy.id(), MediaKind.VIDEO).active());
        }
        long[] last = {-1};
        Eventually.await("Cy's packets stop arriving", WAIT, () -> {
            long now = cyPackets(ada, cy) + cyPackets(bob, cy);
            boolean stable = now == last[0];
            last[0] = now;
            sleep(500);
            return stable;
        });
        assertTrue(cy.stats().published(MediaKind.VIDEO).packetsSent() > 0);
        long sentBefore = cy.stats().published(MediaKind.AUDIO).packetsSent();
        Eventually.await("Cy still sending", WAIT, () -> cy.stats().published(MediaKind.AUDIO).packetsSent() > sentBefore
                || cy.publishConnection().state() != org.javameet.peer.PeerConnection.State.CONNECTED);
        assertEquals(last[0], cyPackets(ada, cy) + cyPackets(bob, cy), "no packets from Cy after leaving");
        cy.close();
        assertEquals(2, loopback.server.rooms().participantCount());

        // and the two who stayed still hear and see each other
        long adaVideo = bob.stats().received(ada.id(), MediaKind.VIDEO).packets();
        Eventually.await("Bob still receiving Ada", WAIT,
                () -> bob.stats().received(ada.id(), MediaKind.VIDEO).packets() > adaVideo + 10);
    }

    private static boolean hasInactiveTracksOf(JsonNode offer, String participantId) {
        int inactive = 0;
        for (JsonNode t : offer.path("tracks")) {
            if (participantId.equals(t.path("participantId").asText()) && !t.path("active").asBoolean(true)) {
                inactive++;
            }
        }
        return inactive == 2;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long cyPackets(Participant receiver, Participant cy) {
        ParticipantStats s = receiver.stats();
        return s.received(cy.id(), MediaKind.AUDIO).packets() + s.received(cy.id(), MediaKind.VIDEO).packets();
    }

    @Test
    void nackIsAnsweredWithRtxAndPlisAreThrottled() throws Exception {
        Participant.Options onlyOnRequest = Participant.Options.defaults().withKeyframeInterval(Duration.ZERO);
        Participant ada = join("meet-2", "Ada", onlyOnRequest);
        Participant bob = join("meet-2", "Bob", onlyOnRequest);
        awaitMedia(bob, List.of(ada));

        // NACK for a packet Bob already has: the SFU answers from its cache, on the RTX stream
        RemoteTrackStats video = bob.stats().received(ada.id(), MediaKind.VIDEO);
        int seq = (int) ((video.highestSeq() - 3) & 0xFFFF);
        bob.nack(ada.id(), MediaKind.VIDEO, seq);
        Eventually.await("RTX for seq " + seq, WAIT,
                () -> bob.stats().received(ada.id(), MediaKind.VIDEO).recentRtxOsns().contains(seq),
                () -> bob.stats().received(ada.id(), MediaKind.VIDEO).toString());
        RemoteTrackStats after = bob.stats().received(ada.id(), MediaKind.VIDEO);
        assertEquals(1, after.retransmissions());
        assertEquals(0, after.lost());

        // PLI storm from Bob: Ada hears of it, but the SFU lets through only a few requests
        Thread.sleep(400); // let the keyframe request of Bob's consumer age past the throttle
        long plisBefore = ada.stats().published(MediaKind.VIDEO).plisReceived();
        long plisSentBefore = bob.stats().received(ada.id(), MediaKind.VIDEO).plisSent();
        long keyframesBefore = bob.stats().received(ada.id(), MediaKind.VIDEO).keyframes();
        long stormStart = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            bob.requestKeyframe(ada.id());
            Thread.sleep(10);
        }
        long stormMs = (System.nanoTime() - stormStart) / 1_000_000;
        Eventually.await("Ada receives a PLI", WAIT,
                () -> ada.stats().published(MediaKind.VIDEO).plisReceived() > plisBefore,
                () -> ada.stats().published(MediaKind.VIDEO) + " / " + bob.stats().received(ada.id(), MediaKind.VIDEO)
                        + " / keyframe requests " + loopback.server.meterRegistry().get("javameet.media.keyframe.requests").counter().count()
                        + " / " + bob.subscribeConnection().stats() + " / " + ada.publishConnection().stats()
                        + " / " + loopback.server.meterRegistry().getMeters().stream()
                                .filter(m -> m.getId().getName().startsWith("javameet.media"))
                                .map(m -> m.getId().getName() + m.getId().getTags() + "=" + m.measure().iterator().next().getValue())
                                .filter(x -> !x.endsWith("=0.0")).toList());
        Eventually.await("Bob receives the new keyframe", WAIT,
                () -> bob.stats().received(ada.id(), MediaKind.VIDEO).keyframes() > keyframesBefore);
        Thread.sleep(500);
        long plis = ada.stats().published(MediaKind.VIDEO).plisReceived() - plisBefore;
        System.out.printf("[integration] 20 PLIs from a subscriber in %d ms became %d keyframe request(s) at the publisher%n",
                stormMs, plis);
        // one per 300 ms window the storm touched, and a request inside the last window is deferred to its end
        // (unless a keyframe came first): one more; on a busy machine 20 sleeps of 10 ms can take far longer
        long allowed = 2 + stormMs / 300;
        assertTrue(plis >= 1 && plis <= allowed, "throttled to at most one per 300 ms (" + allowed + " in "
                + stormMs + " ms), got " + plis);
        assertEquals(20, bob.stats().received(ada.id(), MediaKind.VIDEO).plisSent() - plisSentBefore);
    }

    @Test
    void reportsAreTranslatedAndPublishersGetFeedback() throws Exception {
        Participant ada = join("meet-3", "Ada");
        Participant bob = join("meet-3", "Bob");
        awaitMedia(bob, List.of(ada));

        for (MediaKind k : MediaKind.values()) {
            Eventually.await("a sender report for " + k, WAIT,
                    () -> bob.stats().received(ada.id(), k).senderReports() > 0);
            RemoteTrackStats t = bob.stats().received(ada.id(), k);
            assertEquals(t.offeredSsrc(), t.lastSenderReportSsrc(), "SR rewritten to the consumer SSRC");
            LocalTrackStats.SentReport original = null;
            for (LocalTrackStats.SentReport r : ada.stats().published(k).recentSenderReports()) {
                if (r.ntpTimestamp() == t.lastSenderReportNtp()) {
                    original = r;
                }
            }
            assertNotNull(original, "the SR Bob got was one Ada sent (same NTP time)");
            assertEquals((original.rtpTimestamp() + t.timestampOffset()) & 0xFFFFFFFFL, t.lastSenderReportRtpTimestamp(),
                    "SR RTP time moved into the consumer's timestamp space by the same offset as its packets");
        }

        Eventually.await("receiver reports and REMB at the publisher", WAIT, () -> {
            ParticipantStats s = ada.stats();
            return s.published(MediaKind.AUDIO).receiverReports() > 0 && s.published(MediaKind.VIDEO).receiverReports() > 0
                    && s.published(MediaKind.VIDEO).rembs() > 0;
        });
        LocalTrackStats v = ada.stats().published(MediaKind.VIDEO);
        assertEquals(Router.DEFAULT_MAX_INCOMING_BITRATE, v.lastRembBitrate());
        assertEquals(0, v.lastCumulativeLost());
        assertFalse(ada.stats().published(MediaKind.AUDIO).rembs() > 0, "REMB names video SSRCs only");
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.MediaReceiver;
import org.javameet.peer.Participant;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.peer.Voice;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java participants send transport-cc feedback as a browser does, and the server's send-side estimate follows what
 * each one's downlink carries: a subscriber whose receive is capped at 250 kbit/s (queueing, then loss, like a
 * {@code tc tbf} link) is told a much lower estimate than one that takes all of a 600 kbit/s publisher.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TransportCcFeedbackTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long CAP = 250_000;

    /** The latest {@code bandwidthEstimate} the participant was sent, -1 before any. */
    private static long latestEstimate(Participant p) {
        long latest = -1;
        for (JsonNode m : p.signaling().history()) {
            if ("bandwidthEstimate".equals(m.path("type").asText())) {
                latest = m.path("bitrate").asLong();
            }
        }
        return latest;
    }

    @Test
    void theEstimateAppearsAndIsLowerForACappedDownlink() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            Participant ada = loopback.join("tcc", "Ada", Participant.Options.defaults().withVideo(600_000, 15)
                    .withVoice(Voice.SILENT).withTimeout(Duration.ofSeconds(90)));
            Participant bob = loopback.join("tcc", "Bob", Participant.Options.defaults().withMedia(false, false));
            Participant cy = loopback.join("tcc", "Cy", Participant.Options.defaults().withMedia(false, false));
            cy.setReceiveRateCap(CAP);
            Participant untracked = loopback.join("tcc", "Dee", Participant.Options.defaults().withMedia(false, false)
                    .withTransportCc(false));

            Eventually.await("Bob and Cy receive Ada's video", WAIT, () -> videoPackets(bob, ada) > 100
                    && videoPackets(cy, ada) > 100 && videoPackets(untracked, ada) > 100);
            Eventually.await("an estimate for Bob above the rate he receives and one for Cy well below it", WAIT,
                    () -> latestEstimate(bob) >= 600_000 && latestEstimate(cy) > 0
                            && latestEstimate(cy) <= 2 * CAP && latestEstimate(cy) * 2 <= latestEstimate(bob),
                    () -> "Bob " + latestEstimate(bob) + ", Cy " + latestEstimate(cy) + " bit/s; Cy's cap dropped "
                            + cy.subscribeConnection().receiveCapDropped());

            long bobVideo = videoPackets(bob, ada);
            MediaReceiver.TransportCcStats bobTcc = bob.transportCcStats();
            MediaReceiver.TransportCcStats cyTcc = cy.transportCcStats();
            assertTrue(bobTcc.feedbackSent() > 20, bobTcc.toString());
            assertTrue(bobTcc.packets() >= bobVideo, "every packet carried a transport-wide number");
            assertEquals(0, untracked.transportCcStats().packets(), "an answer without transport-cc gets no numbers");
            assertEquals(-1, latestEstimate(untracked), "and no estimate");
            double feedback = ServerMetrics.value(loopback.metrics().scrape(),
                    "javameet_media_transport_cc_feedback_total", null, null);
            assertTrue(feedback >= bobTcc.feedbackSent() / 2.0, "the server parsed the feedback: " + feedback);
            System.out.printf("[tcc] estimate: Bob %d bit/s (uncapped), Cy %d bit/s (capped at %d); feedback sent "
                            + "Bob %d, Cy %d; Cy's cap dropped %d packets%n", latestEstimate(bob), latestEstimate(cy),
                    CAP, bobTcc.feedbackSent(), cyTcc.feedbackSent(), cy.subscribeConnection().receiveCapDropped());
            for (Participant p : new Participant[] {ada, bob, cy, untracked}) {
                p.close();
            }
        }
    }

    private static long videoPackets(Participant receiver, Participant from) {
        RemoteTrackStats t = receiver.stats().received(from.id(), MediaKind.VIDEO);
        return t == null ? 0 : t.packets();
    }
}

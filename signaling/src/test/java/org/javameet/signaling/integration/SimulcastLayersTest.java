package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.LocalTrackStats;
import org.javameet.peer.Participant;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.peer.Voice;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java participant publishes its camera as three simulcast layers (320x180, 640x360, 1280x720) and two others
 * receive it: each gets the layer its tile needs ({@code tileSizes}), a tile change switches layers only at a
 * keyframe of the new layer, the stream each receives stays one clean stream across the switches (sequence
 * numbers without a gap left, timestamps never going back, PictureIDs one apart), and a layer nobody needs is
 * paused in the publisher ({@code layersPaused}) and comes back when a tile needs it again.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SimulcastLayersTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static RemoteTrackStats video(Participant receiver, Participant from) {
        return receiver.stats().received(from.id(), MediaKind.VIDEO);
    }

    /** Waits until the keyframes {@code receiver} gets of {@code from}'s video are {@code height} tall. */
    private static void receivesLayer(Participant receiver, Participant from, int height) {
        Eventually.await(receiver.displayName() + " receiving the " + height + "p layer", WAIT, () -> {
            RemoteTrackStats t = video(receiver, from);
            return t != null && t.keyframeHeight() == height;
        }, () -> String.valueOf(video(receiver, from)) + " last keyframe " + keyframe(video(receiver, from)));
    }

    /** The {@code bandwidthEstimate}s the participant was sent, oldest first. */
    private static java.util.List<Long> estimates(Participant p) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode m : p.signaling().history()) {
            if ("bandwidthEstimate".equals(m.path("type").asText())) {
                out.add(m.path("bitrate").asLong());
            }
        }
        return out;
    }

    private static String keyframe(RemoteTrackStats t) {
        return t == null ? "-" : t.keyframeWidth() + "x" + t.keyframeHeight();
    }

    private static LocalTrackStats layer(Participant publisher, String rid) {
        for (LocalTrackStats t : publisher.stats().published()) {
            if (rid.equals(t.rid())) {
                return t;
            }
        }
        throw new AssertionError("no layer " + rid + " in " + publisher.stats().published());
    }

    /** One clean stream: no gap left, timestamps monotonic, PictureIDs continuous, every switch at a keyframe. */
    private static RemoteTrackStats assertContinuous(Participant receiver, Participant from) {
        Eventually.await(receiver.displayName() + "'s gaps repaired", WAIT, () -> video(receiver, from).lost() == 0,
                () -> video(receiver, from).toString());
        RemoteTrackStats t = video(receiver, from);
        String what = receiver.displayName() + ": " + t + ", switches " + t.offsetChanges() + " ("
                + t.offsetChangesAtKeyframe() + " at a keyframe), PictureID jumps " + t.pictureIdJumps()
                + ", timestamps back " + t.timestampBackwards() + ", NACKs " + t.nacksSent();
        assertEquals(t.offsetChanges(), t.offsetChangesAtKeyframe(), "every layer switch began at a keyframe: " + what);
        assertEquals(0, t.timestampBackwards(), "timestamps never went back: " + what);
        assertTrue(t.pictureIdJumps() <= t.nacksSent(), "PictureIDs one apart, but where a packet went missing: " + what);
        assertEquals(Boolean.TRUE, t.firstPacketKeyframe(), what);
        System.out.println("[simulcast] " + what);
        return t;
    }

    @Test
    void eachReceiverGetsTheLayerItsTileNeedsSwitchingCleanlyAtKeyframes() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            Participant ada = loopback.join("simulcast", "Ada", Participant.Options.defaults()
                    .withSimulcast(3).withSize(1280, 720).withVideo(800_000, 15).withVoice(Voice.SILENT)
                    .withTimeout(Duration.ofSeconds(90)));
            // no transport-cc: the layer follows the tile alone (the estimate's part is TransportCcFeedbackTest's
            // and the allocator's unit tests')
            Participant.Options receiver = Participant.Options.defaults().withMedia(false, false).withTransportCc(false);
            Participant bob = loopback.join("simulcast", "Bob", receiver);
            Participant cy = loopback.join("simulcast", "Cy", receiver);
            Eventually.await("Cy offered Ada's video", WAIT, () -> cy.showVideo(ada.id(), 180));

            // a receiver that reports no tile gets the top layer, a thumbnail the lowest
            receivesLayer(bob, ada, 720);
            receivesLayer(cy, ada, 180);

            // Cy's tile grows: up to the top layer, at its keyframe
            cy.showVideo(ada.id(), 720);
            receivesLayer(cy, ada, 720);
            // both shrink to 360: down at once, and nobody needs 720p, so after 5 s Ada stops encoding it
            bob.showVideo(ada.id(), 360);
            cy.showVideo(ada.id(), 360);
            receivesLayer(bob, ada, 360);
            receivesLayer(cy, ada, 360);
            Eventually.await("Ada told to pause r2", WAIT, () -> layer(ada, "r2").paused(),
                    () -> ada.stats().published().toString());
            long r2Frames = layer(ada, "r2").framesSent();
            Thread.sleep(1000);
            assertEquals(r2Frames, layer(ada, "r2").framesSent(), "a paused layer is not sent");
            assertTrue(!layer(ada, "r1").paused() && !layer(ada, "r0").paused());

            // Bob's tile grows again: r2 comes back and Bob climbs to it (on a busy machine r2 may have been paused
            // and resumed once already, while Ada waited alone for more than 5 s)
            long resumesBefore = layer(ada, "r2").layerResumes();
            bob.showVideo(ada.id(), 720);
            receivesLayer(bob, ada, 720);
            assertEquals(resumesBefore + 1, layer(ada, "r2").layerResumes(), "r2 resumed");

            RemoteTrackStats atBob = assertContinuous(bob, ada);
            RemoteTrackStats atCy = assertContinuous(cy, ada);
            assertTrue(atBob.offsetChanges() >= 2, "Bob switched 720 -> 360 -> 720: " + atBob.offsetChanges());
            assertTrue(atCy.offsetChanges() >= 2, "Cy switched 180 -> 720 -> 360: " + atCy.offsetChanges());
            for (Participant p : new Participant[] {ada, bob, cy}) {
                p.close();
            }
        }
    }

    /**
     * With transport-cc, the layer also follows the receiver's estimate: a receiver whose downlink is capped at
     * 100 kbit/s (the 800 kbit/s top layer and the 200 kbit/s middle one cannot pass, nor the middle one's base
     * temporal layer, ~40 % of it, beside the audio: at 150 kbit/s the allocator could rightly settle on 360p at a
     * quarter of the frame rate, and the test failed 3 times in ~6 runs) is moved from the top layer to the lowest, while the publisher keeps sending the top layer to another receiver. That one runs without
     * transport-cc: on a busy two-core host (hundreds of ms of queueing in the JVMs) its own delay-based estimate
     * can collapse too, and once on the lowest layer it could not climb back — see docs/architecture.md,
     * "Differences from the starting design": without probing, an estimate bounded by 1.5 x what is acknowledged
     * cannot reach a layer four times the rate of the one received, so the allocator tries the next rung now and
     * then (LayerAllocator): once the cap is lifted Cy climbs back to the top layer.
     */
    @Test
    void aReceiverWithACappedDownlinkGetsTheLowestLayer() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            Participant ada = loopback.join("simulcast-bwe", "Ada", Participant.Options.defaults()
                    .withSimulcast(3).withSize(1280, 720).withVideo(800_000, 15).withVoice(Voice.SILENT)
                    .withTimeout(Duration.ofSeconds(90)));
            Participant.Options receiver = Participant.Options.defaults().withMedia(false, false);
            Participant bob = loopback.join("simulcast-bwe", "Bob", receiver.withTransportCc(false));
            Participant cy = loopback.join("simulcast-bwe", "Cy", receiver);
            receivesLayer(bob, ada, 720);
            receivesLayer(cy, ada, 720);

            cy.setReceiveRateCap(100_000);
            Eventually.await("Cy on the lowest layer", WAIT, () -> video(cy, ada).keyframeHeight() == 180,
                    () -> "Cy on " + keyframe(video(cy, ada)) + " (estimates " + estimates(cy) + "), Bob on "
                            + keyframe(video(bob, ada)) + " (estimates " + estimates(bob) + "); the server sends Cy "
                            + serverView(loopback, "simulcast-bwe", cy) + "; Cy's track " + video(cy, ada));
            RemoteTrackStats atCy = video(cy, ada);
            assertEquals(720, video(bob, ada).keyframeHeight(), "Bob still gets the top layer");
            assertTrue(estimates(bob).isEmpty(), "no estimate without transport-cc");
            System.out.printf("[simulcast-bwe] Cy capped at 100 kbit/s: on %s, estimates %s; Bob on %s%n",
                    keyframe(atCy), estimates(cy), keyframe(video(bob, ada)));
            // the cap drops packets for good, so gaps may stay and a switch's first packet may be lost: what holds
            // whatever was dropped is that the stream did not go back in time
            assertEquals(0, atCy.timestampBackwards(), atCy.toString());
            assertTrue(atCy.offsetChanges() >= 1, "Cy's stream switched layers: " + atCy);

            // the cap is lifted: the estimate alone (1.5 x what Cy acknowledges) could never reach a layer four
            // times the rate; the allocator's trials (LayerAllocator) find the room again, rung by rung
            long lifted = System.nanoTime();
            cy.setReceiveRateCap(0);
            Eventually.await("Cy back on the top layer", Duration.ofSeconds(60),
                    () -> video(cy, ada).keyframeHeight() == 720,
                    () -> "Cy on " + keyframe(video(cy, ada)) + " (estimates " + estimates(cy) + ")");
            System.out.printf("[simulcast-bwe] cap lifted: Cy back on 720p after %d ms, estimates %s%n",
                    (System.nanoTime() - lifted) / 1_000_000, estimates(cy));
            assertEquals(0, video(cy, ada).timestampBackwards(), video(cy, ada).toString());
            for (Participant p : new Participant[] {ada, bob, cy}) {
                p.close();
            }
        }
    }

    /** What the server forwards to {@code viewer} (its own view of each consumer), for failure messages. */
    private static String serverView(LoopbackServer loopback, String room, Participant viewer) {
        try {
            return org.javameet.signaling.room.RoomProbe.forwardedVideo(loopback.server, room, viewer.id()).toString();
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }
}

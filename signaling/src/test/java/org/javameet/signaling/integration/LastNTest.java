package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.peer.Voice;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * lastN = 1 with Java participants: of three publishers, a fourth receives only the dominant speaker's video
 * (before anyone spoke, the first to join), is told which of its tracks are paused, and a speaker who takes the
 * floor again resumes at a keyframe with no gap in the sequence numbers.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LastNTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LoopbackServer loopback;
    private final List<Participant> participants = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        loopback = LoopbackServer.start(c -> c.lastN(1));
    }

    @AfterAll
    static void stopServer() {
        if (loopback != null) {
            loopback.close();
        }
    }

    @AfterEach
    void leaveAll() {
        participants.forEach(Participant::close);
    }

    private Participant join(String name, boolean publish) throws Exception {
        Participant p = Participant.join(loopback.ws, "last-n", name, Participant.Options.defaults().withMedia(publish, publish)
                .withVideo(150_000, 10) // light: four participants on a shared two-core machine
                .withVoice(Voice.SILENT).withTimeout(Duration.ofSeconds(90)).withRuntime(loopback.runtime))
                .get(100, TimeUnit.SECONDS);
        participants.add(p);
        return p;
    }

    private static long videoPackets(Participant receiver, Participant from) {
        RemoteTrackStats t = receiver.stats().received(from.id(), MediaKind.VIDEO);
        return t == null ? 0 : t.packets();
    }

    /**
     * Waits until {@code receiver} gets {@code speaker}'s video and nobody else's: over one second the speaker's
     * packets keep coming and no other publisher's arrive (what was in flight at the switch may land first: on a
     * busy machine that takes a while, so this is a wait, not a single look).
     */
    private static void onlyVideoOf(Participant receiver, Participant speaker, List<Participant> publishers) {
        Eventually.await(receiver.displayName() + " receiving " + speaker.displayName() + "'s video and no other",
                WAIT, () -> {
                    List<Long> before = new ArrayList<>();
                    for (Participant p : publishers) {
                        before.add(videoPackets(receiver, p));
                    }
                    sleep(1000);
                    for (int i = 0; i < publishers.size(); i++) {
                        long now = videoPackets(receiver, publishers.get(i));
                        boolean grew = now > before.get(i) + 5;
                        if (grew != (publishers.get(i) == speaker)) {
                            return false;
                        }
                    }
                    return true;
                }, () -> receiver.stats().received().toString());
    }

    /** The mids of {@code receiver}'s video tracks from {@code publishers}. */
    private static List<String> videoMids(Participant receiver, List<Participant> publishers) {
        List<String> mids = new ArrayList<>();
        for (Participant p : publishers) {
            mids.add(receiver.stats().received(p.id(), MediaKind.VIDEO).mid());
        }
        return mids;
    }

    private static List<String> lastPausedMids(Participant p) {
        JsonNode last = null;
        for (JsonNode m : p.signaling().history()) {
            if ("videoPaused".equals(m.path("type").asText())) {
                last = m;
            }
        }
        List<String> mids = new ArrayList<>();
        if (last != null) {
            last.path("mids").forEach(n -> mids.add(n.asText()));
        }
        return mids;
    }

    @Test
    void onlyTheDominantSpeakersVideoReachesASubscriberAndASwitchResumesAtAKeyframe() throws Exception {
        Participant ada = join("Ada", true);
        Participant bob = join("Bob", true);
        Participant cy = join("Cy", true);
        Participant dee = join("Dee", false);
        List<Participant> publishers = List.of(ada, bob, cy);

        // nobody has spoken: the first to join
        onlyVideoOf(dee, ada, publishers);
        assertEquals(0, videoPackets(dee, bob));
        assertEquals(0, videoPackets(dee, cy));
        assertEquals(videoMids(dee, List.of(bob, cy)), lastPausedMids(dee), "Dee is told Bob's and Cy's are paused");

        cy.voice(Voice.SPEAKING);
        onlyVideoOf(dee, cy, publishers);
        Eventually.await("Dee told Ada's and Bob's video are paused", WAIT,
                () -> lastPausedMids(dee).equals(videoMids(dee, List.of(ada, bob))));
        cy.voice(Voice.SILENT);

        bob.voice(Voice.SPEAKING);
        onlyVideoOf(dee, bob, publishers);
        bob.voice(Voice.SILENT);

        cy.voice(Voice.SPEAKING); // Cy's video comes back
        onlyVideoOf(dee, cy, publishers);
        RemoteTrackStats cyVideo = dee.stats().received(cy.id(), MediaKind.VIDEO);
        assertTrue(cyVideo.resumes() >= 1, cyVideo.toString());
        assertEquals(cyVideo.resumes(), cyVideo.resumesAtKeyframe(), "every resume began with a keyframe: " + cyVideo);
        assertEquals(Boolean.TRUE, cyVideo.firstPacketKeyframe());
        assertEquals(0, cyVideo.lost(), "the pause left no gap in the sequence numbers: " + cyVideo);
        // a publisher receives the speaker too (its own video is never counted)
        onlyVideoOf(ada, cy, List.of(bob, cy));
        System.out.printf("[lastN] Dee <- Cy video: %d packets, %d resumes (%d at a keyframe), %d lost%n",
                cyVideo.packets(), cyVideo.resumes(), cyVideo.resumesAtKeyframe(), cyVideo.lost());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

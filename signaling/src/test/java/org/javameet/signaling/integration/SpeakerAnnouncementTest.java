package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.Voice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dominant speaker end to end: Java participants send RFC 6464 levels (silent, or speaking), the server's
 * detection picks who speaks and every member hears of it in {@code dominantSpeaker}; a newcomer learns it in
 * {@code joined}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpeakerAnnouncementTest {
    private static LoopbackServer loopback;
    private final List<Participant> participants = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        loopback = LoopbackServer.start();
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

    private Participant join(String room, String name) throws Exception {
        Participant p = Participant.join(loopback.ws, room, name, Participant.Options.defaults().withMedia(true, false)
                .withVoice(Voice.SILENT).withRuntime(loopback.runtime)).get(40, TimeUnit.SECONDS);
        participants.add(p);
        return p;
    }

    private static boolean names(JsonNode m, String speakerId) {
        return "dominantSpeaker".equals(m.path("type").asText()) && speakerId.equals(m.path("participantId").asText());
    }

    /** The latest dominantSpeaker message {@code p} got, or null. */
    private static JsonNode latest(Participant p) {
        JsonNode last = null;
        for (JsonNode m : p.signaling().history()) {
            if ("dominantSpeaker".equals(m.path("type").asText())) {
                last = m;
            }
        }
        return last;
    }

    @Test
    void whoeverSpeaksIsAnnouncedToEveryoneAndTheFloorPassesOn() throws Exception {
        Participant ada = join("speakers-1", "Ada");
        Participant bob = join("speakers-1", "Bob");
        Participant cy = join("speakers-1", "Cy");
        Thread.sleep(1500); // all silent: nobody is announced
        for (Participant p : participants) {
            assertEquals(null, latest(p), p.displayName() + " heard of a speaker in a silent room");
        }

        bob.voice(Voice.SPEAKING);
        for (Participant p : participants) {
            p.signaling().findOrAwait(m -> names(m, bob.id())).get(10, TimeUnit.SECONDS);
        }
        // Bob stops: silence keeps him as the speaker
        bob.voice(Voice.SILENT);
        Thread.sleep(2000);
        assertEquals(bob.id(), latest(ada).path("participantId").asText());

        cy.voice(Voice.SPEAKING);
        for (Participant p : participants) {
            JsonNode m = p.signaling().findOrAwait(x -> names(x, cy.id())).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(cy.id(), bob.id()), ids(m.path("recent")), m.toString());
        }

        // a newcomer learns who speaks when joining
        Participant dee = join("speakers-1", "Dee");
        JsonNode joined = dee.signaling().findOrAwait(m -> "joined".equals(m.path("type").asText())).get(5, TimeUnit.SECONDS);
        assertEquals(cy.id(), joined.path("dominantSpeaker").path("participantId").asText(), joined.toString());

        // the speaker leaves: everyone is told nobody holds the floor, and the recent list forgets them
        cy.leave().get(10, TimeUnit.SECONDS);
        for (Participant p : List.of(ada, bob, dee)) {
            JsonNode m = p.signaling().findOrAwait(x -> "dominantSpeaker".equals(x.path("type").asText())
                    && x.path("participantId").isNull()).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(bob.id()), ids(m.path("recent")), m.toString());
        }
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

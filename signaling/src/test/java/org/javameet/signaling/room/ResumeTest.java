package org.javameet.signaling.room;

import static org.javameet.signaling.room.WsClient.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.LimitsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket resume (docs/protocol.md, "Resuming"): a dropped socket keeps the participant for the grace period,
 * {@code resume} with the token continues them on a new socket, and a wrong, used or late token is refused by name.
 */
class ResumeTest {
    private static JavameetServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.loopback().toBuilder().limits(LimitsConfig.defaults().withResumeGraceSeconds(2)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String tokenOf(JsonNode joinedOrResumed) {
        String token = joinedOrResumed.path("resumeToken").asText();
        assertTrue(token.length() >= 22, "128 random bits: " + joinedOrResumed);
        return token;
    }

    private static double removed(String reason) {
        return server.meterRegistry().get("javameet.participants.removed").tag("reason", reason).functionCounter()
                .count();
    }

    @Test
    void aDroppedSocketIsResumedUnderTheSameIdWithRoleAndHand() {
        WsClient ada = WsClient.connect(server);
        ada.send(WsClient.join("blip2", "Ada"));
        JsonNode joined = ada.next("joined");
        ada.id = joined.path("you").path("id").asText();
        assertEquals(2, joined.path("resumeGraceSeconds").asInt());
        String token = tokenOf(joined);
        try (WsClient bob = WsClient.joined(server, "blip2", "Bob")) {
            ada.send(msg("raiseHand", "raised", true));
            bob.next("participantUpdated", m -> m.path("participant").path("handRaised").asBoolean());
            ada.drop();
            JsonNode badge = bob.next("participantUpdated", m -> m.path("participant").path("reconnecting").asBoolean());
            assertEquals(ada.id, badge.path("participant").path("id").asText());
            bob.send(msg("chat", "text", "said while Ada was away"));
            bob.next("chat");

            try (WsClient again = WsClient.connect(server)) {
                again.send(msg("resume", "token", token));
                JsonNode resumed = again.next("resumed");
                assertEquals(ada.id, resumed.path("you").path("id").asText(), "the same participant");
                assertTrue(resumed.path("you").path("moderator").asBoolean(), "the first one in stays moderator");
                assertTrue(resumed.path("you").path("handRaised").asBoolean(), "the hand stays up");
                assertFalse(resumed.path("you").path("reconnecting").asBoolean());
                assertEquals(List.of(bob.id), ids(resumed.path("participants")));
                assertNotEquals(token, tokenOf(resumed), "a token is used once");
                JsonNode missed = resumed.path("chatHistory").get(resumed.path("chatHistory").size() - 1);
                assertEquals("said while Ada was away", missed.path("text").asText(), "what she missed: " + resumed);
                assertEquals(bob.id, missed.path("from").asText());
                again.next("roomUpdated");
                JsonNode back = bob.next("participantUpdated", m -> !m.path("participant").path("reconnecting").asBoolean());
                assertEquals(ada.id, back.path("participant").path("id").asText());
                for (JsonNode m : bob.drain()) {
                    assertNotEquals("participantLeft", m.path("type").asText(), "nobody saw them leave: " + m);
                }
                // the resumed connection acts as the participant
                again.send(msg("chat", "text", "back"));
                assertEquals(ada.id, bob.next("chat").path("from").asText());

                try (WsClient thief = WsClient.connect(server)) {
                    thief.send(msg("resume", "token", token));
                    assertTrue(thief.error("resume-failed").path("message").asText().contains("resume token"));
                    thief.send(WsClient.join("blip2", "Thief")); // then a normal join works
                    assertNotEquals(ada.id, thief.next("joined").path("you").path("id").asText());
                }
            }
        }
    }

    @Test
    void aNewcomerIsGivenTheChatSoFar() {
        try (WsClient ada = WsClient.joined(server, "history", "Ada")) {
            ada.send(msg("chat", "text", "before Bob came"));
            ada.next("chat");
            try (WsClient bob = WsClient.connect(server)) {
                bob.send(WsClient.join("history", "Bob"));
                JsonNode history = bob.next("joined").path("chatHistory");
                assertEquals(1, history.size(), history.toString());
                assertEquals("before Bob came", history.get(0).path("text").asText());
                assertEquals("Ada", history.get(0).path("displayName").asText());
                assertEquals(ada.id, history.get(0).path("from").asText());
            }
        }
    }

    @Test
    void afterTheGracePeriodTheParticipantIsRemovedAndCounted() {
        double before = removed("resume_expired");
        try (WsClient bob = WsClient.joined(server, "gone", "Bob")) {
            WsClient ada = WsClient.connect(server);
            ada.send(WsClient.join("gone", "Ada"));
            JsonNode joined = ada.next("joined");
            String adaId = joined.path("you").path("id").asText();
            ada.drop();
            bob.next("participantUpdated", m -> m.path("participant").path("reconnecting").asBoolean());
            JsonNode left = bob.next("participantLeft"); // within WsClient.WAIT (10 s) of a 2 s grace
            assertEquals(adaId, left.path("participantId").asText());
            assertEquals("disconnected", left.path("reason").asText());
            assertEquals(before + 1, removed("resume_expired"));
            try (WsClient late = WsClient.connect(server)) {
                late.send(msg("resume", "token", tokenOf(joined)));
                late.error("resume-failed");
            }
        }
    }

    @Test
    void aCleanCloseLeavesAtOnce() {
        double before = removed("resume_expired");
        try (WsClient bob = WsClient.joined(server, "bye", "Bob")) {
            WsClient ada = WsClient.joined(server, "bye", "Ada");
            ada.close(); // a close frame with 1000: the page meant to go
            JsonNode left = bob.next("participantLeft");
            assertEquals(ada.id, left.path("participantId").asText());
            for (JsonNode m : bob.drain()) {
                assertFalse(m.path("participant").path("reconnecting").asBoolean(), "no badge for a leave: " + m);
            }
            assertEquals(before, removed("resume_expired"));
        }
    }

    @Test
    void badResumeAndRestartRequestsAreNamed() {
        try (WsClient c = WsClient.connect(server)) {
            c.send(msg("resume"));
            c.error("bad-message");
            c.send(msg("resume", "token", "x".repeat(100)));
            c.error("bad-message");
            c.send(msg("restartIce", "connection", "subscribe"));
            c.error("not-joined");
        }
        try (WsClient c = WsClient.joined(server, "restart", "C")) {
            c.send(msg("resume", "token", "whatever"));
            c.error("already-joined");
            c.send(msg("restartIce", "connection", "publish"));
            c.error("bad-message");
            c.send(msg("restartIce", "connection", "subscribe")); // no subscribe connection yet: nothing to do
            assertTrue(c.drain().isEmpty());
        }
    }

    private static List<String> ids(JsonNode participants) {
        return java.util.stream.StreamSupport.stream(participants.spliterator(), false)
                .map(p -> p.path("id").asText()).toList();
    }
}

package org.javameet.signaling.room;

import static org.javameet.signaling.room.WsClient.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.javameet.signaling.JavameetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Moderation, hands and track sources, over real WebSockets against the real server. */
class ModerationTest {
    private static JavameetServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.loopback());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyModeratorRequestFromANonModeratorIsRefusedAndChangesNothing() {
        try (WsClient mod = WsClient.joined(server, "forbidden", "Mod");
             WsClient guest = WsClient.joined(server, "forbidden", "Guest");
             WsClient waiter = WsClient.connect(server)) {
            // a real lobby request, so lobbyDecision has something it could wrongly decide
            mod.send(msg("setLobby", "enabled", true));
            guest.next("roomUpdated", m -> m.path("lobbyEnabled").asBoolean());
            waiter.send(WsClient.join("forbidden", "Waiter"));
            waiter.next("lobbyWaiting");
            String requestId = mod.next("lobbyRequest").path("requestId").asText();
            mod.drain();

            List<ObjectNode> forbidden = List.of(
                    msg("muteParticipant", "participantId", mod.id, "kind", "audio"),
                    msg("muteAll", "kind", "video"),
                    msg("kick", "participantId", mod.id),
                    msg("setPassword", "password", "hijack"),
                    msg("setLobby", "enabled", false),
                    msg("lobbyDecision", "requestId", requestId, "admit", true),
                    msg("grantModerator", "participantId", guest.id));
            for (ObjectNode m : forbidden) {
                guest.send(m);
                JsonNode e = guest.error("not-moderator");
                assertEquals(m.path("type").asText(), e.path("requestType").asText());
            }
            // nothing reached the moderator, the waiter, or the room's state
            Set<String> seen = mod.drain().stream().map(m -> m.path("type").asText()).collect(Collectors.toSet());
            assertEquals(Set.of(), seen);
            assertTrue(waiter.drain().isEmpty());
            Room room = TestServers.room(server, "forbidden");
            synchronized (room) {
                assertFalse(room.password().locked());
                assertTrue(room.lobby().enabled());
                assertEquals(1, room.lobby().pending().size());
            }
            Map<String, Participant> byId = room.participants().stream()
                    .collect(Collectors.toMap(Participant::id, p -> p));
            assertEquals(2, byId.size());
            assertFalse(byId.get(mod.id).audioMuted());
            assertTrue(byId.get(mod.id).moderator());
            assertFalse(byId.get(guest.id).moderator());
            assertFalse(byId.get(guest.id).videoMuted());
        }
    }

    @Test
    void muteOneAndMuteAll() {
        try (WsClient a = WsClient.joined(server, "mute", "A");
             WsClient b = WsClient.joined(server, "mute", "B");
             WsClient c = WsClient.joined(server, "mute", "C")) {
            a.send(msg("muteParticipant", "participantId", b.id, "kind", "audio"));
            JsonNode request = b.next("muteRequest");
            assertEquals("audio", request.path("kind").asText());
            assertEquals(a.id, request.path("by").asText());
            for (WsClient x : List.of(a, b, c)) {
                JsonNode u = x.next("participantUpdated", m -> m.path("participant").path("id").asText().equals(b.id));
                assertTrue(u.path("participant").path("audioMuted").asBoolean());
            }
            assertTrue(c.drain().stream().noneMatch(m -> m.path("type").asText().equals("muteRequest")));

            a.send(msg("muteAll", "kind", "video"));
            for (WsClient x : List.of(b, c)) {
                JsonNode r = x.next("muteRequest");
                assertEquals("video", r.path("kind").asText());
                assertEquals(a.id, r.path("by").asText());
            }
            assertTrue(a.drain().stream().noneMatch(m -> m.path("type").asText().equals("muteRequest")));
            for (Participant p : TestServers.room(server, "mute").participants()) {
                assertEquals(!p.id().equals(a.id), p.videoMuted(), p.toString());
            }

            a.send(msg("muteParticipant", "participantId", "pdoesnotexist", "kind", "audio"));
            a.error("unknown-participant");
            a.send(msg("muteParticipant", "participantId", b.id, "kind", "screen"));
            a.error("bad-message");
        }
    }

    @Test
    void kickRemovesTheTargetAndItsMedia() throws Exception {
        try (WsClient a = WsClient.joined(server, "kick", "A");
             WsClient b = WsClient.joined(server, "kick", "B");
             WsClient c = WsClient.joined(server, "kick", "C")) {
            b.send(msg("publishOffer", "sdp", ChromiumOffer.of(1)));
            b.next("publishAnswer");
            a.next("subscribeOffer");
            c.next("subscribeOffer");
            int withB = server.media().registry().size(); // b's publish transport, a's and c's subscribe ones

            a.send(msg("kick", "participantId", b.id));
            JsonNode kicked = b.next("kicked");
            assertEquals(a.id, kicked.path("by").asText());
            assertEquals(4001, b.awaitClose());
            for (WsClient x : List.of(a, c)) {
                JsonNode left = x.next("participantLeft");
                assertEquals(b.id, left.path("participantId").asText());
                assertEquals("kicked", left.path("reason").asText());
            }
            Room room = TestServers.room(server, "kick");
            assertEquals(2, room.size());
            TestServers.await("b's transport closed", () -> server.media().registry().size() == withB - 1);

            a.send(msg("kick", "participantId", a.id));
            a.error("bad-message");
        }
    }

    @Test
    void moderatorRightsPassOnWithPendingLobbyRequests() {
        try (WsClient a = WsClient.joined(server, "handover", "A");
             WsClient b = WsClient.joined(server, "handover", "B");
             WsClient c = WsClient.joined(server, "handover", "C");
             WsClient waiter = WsClient.connect(server)) {
            a.send(msg("setLobby", "enabled", true));
            b.next("roomUpdated", m -> m.path("lobbyEnabled").asBoolean());
            waiter.send(WsClient.join("handover", "W"));
            waiter.next("lobbyWaiting");
            String requestId = a.next("lobbyRequest").path("requestId").asText();
            assertTrue(b.drain().stream().noneMatch(m -> m.path("type").asText().equals("lobbyRequest")));

            a.send(msg("leave"));
            JsonNode update = c.next("participantUpdated", m -> m.path("participant").path("id").asText().equals(b.id));
            assertTrue(update.path("participant").path("moderator").asBoolean());
            assertEquals(requestId, b.next("lobbyRequest").path("requestId").asText());
            b.send(msg("lobbyDecision", "requestId", requestId, "admit", true));
            waiter.next("joined");
            assertTrue(c.drain().stream().noneMatch(m -> m.path("type").asText().equals("lobbyRequest")));
        }
    }

    @Test
    void grantedModeratorsMayModerate() {
        try (WsClient a = WsClient.joined(server, "grant", "A");
             WsClient b = WsClient.joined(server, "grant", "B")) {
            a.send(msg("grantModerator", "participantId", b.id));
            JsonNode u = a.next("participantUpdated", m -> m.path("participant").path("id").asText().equals(b.id));
            assertTrue(u.path("participant").path("moderator").asBoolean());
            b.send(msg("muteParticipant", "participantId", a.id, "kind", "audio"));
            assertEquals(b.id, a.next("muteRequest").path("by").asText());
            a.send(msg("grantModerator", "participantId", "nobody"));
            a.error("unknown-participant");
        }
    }

    @Test
    void passwordRefusesWithoutStateAndAdmitsTheRightOne() {
        try (WsClient a = WsClient.joined(server, "locked", "A");
             WsClient intruder = WsClient.connect(server)) {
            a.send(msg("setPassword", "password", "s3cret"));
            a.next("roomUpdated", m -> m.path("locked").asBoolean());
            Room room = TestServers.room(server, "locked");
            int transports = server.media().registry().size();
            int participants = server.rooms().participantCount();

            intruder.send(WsClient.join("locked", "I"));
            intruder.error("password-required");
            ObjectNode wrong = WsClient.join("locked", "I");
            wrong.put("password", "s3cret ");
            intruder.send(wrong);
            intruder.error("wrong-password");
            assertEquals(1, room.size());
            assertEquals(participants, server.rooms().participantCount());
            assertEquals(transports, server.media().registry().size());
            assertTrue(a.drain().isEmpty(), "the room hears nothing of refused joins");

            ObjectNode right = WsClient.join("locked", "I");
            right.put("password", "s3cret");
            intruder.send(right);
            intruder.next("joined");
            assertTrue(intruder.next("roomUpdated").path("locked").asBoolean());

            a.send(msg("setPassword", "password", NullNode.getInstance()));
            intruder.next("roomUpdated", m -> !m.path("locked").asBoolean());
            a.send(msg("setPassword"));
            a.error("bad-message");
            a.send(msg("setPassword", "password", ""));
            a.error("bad-message");
        }
    }

    @Test
    void lobbyAdmitDenyAndWaiterLeaving() {
        try (WsClient mod = WsClient.joined(server, "lobby", "Mod");
             WsClient other = WsClient.joined(server, "lobby", "Other")) {
            mod.send(msg("setLobby", "enabled", true));
            other.next("roomUpdated", m -> m.path("lobbyEnabled").asBoolean());

            try (WsClient w = WsClient.connect(server)) {
                w.send(WsClient.join("lobby", "Wanda"));
                assertEquals("lobby", w.next("lobbyWaiting").path("room").asText());
                JsonNode request = mod.next("lobbyRequest");
                assertEquals("Wanda", request.path("displayName").asText());
                assertEquals(2, TestServers.room(server, "lobby").size(), "a waiter is not a participant");
                assertTrue(other.drain().stream().noneMatch(m -> m.path("type").asText().startsWith("participant")));
                w.send(msg("chat", "text", "let me in"));
                w.error("not-joined");

                mod.send(msg("lobbyDecision", "requestId", request.path("requestId").asText(), "admit", true));
                JsonNode joined = w.next("joined");
                assertEquals(2, joined.path("participants").size());
                assertEquals("Wanda", other.next("participantJoined").path("participant").path("displayName").asText());
                JsonNode resolved = mod.next("lobbyResolved");
                assertTrue(resolved.path("admitted").asBoolean());
                assertEquals(mod.id, resolved.path("by").asText());
                w.send(msg("chat", "text", "thanks"));
                other.next("chat");

                mod.send(msg("lobbyDecision", "requestId", request.path("requestId").asText(), "admit", true));
                mod.error("unknown-request");
            }

            try (WsClient w = WsClient.connect(server)) {
                w.send(WsClient.join("lobby", "Mallory"));
                w.next("lobbyWaiting");
                String id = mod.next("lobbyRequest").path("requestId").asText();
                mod.send(msg("lobbyDecision", "requestId", id, "admit", false));
                w.error("lobby-denied");
                assertEquals(4003, w.awaitClose());
                assertFalse(mod.next("lobbyResolved").path("admitted").asBoolean());
            }

            WsClient leaver = WsClient.connect(server);
            leaver.send(WsClient.join("lobby", "Leaver"));
            leaver.next("lobbyWaiting");
            String id = mod.next("lobbyRequest").path("requestId").asText();
            leaver.close();
            JsonNode gone = mod.next("lobbyResolved");
            assertEquals(id, gone.path("requestId").asText());
            assertFalse(gone.path("admitted").asBoolean());
            assertTrue(gone.path("by").isMissingNode());
        }
    }

    @Test
    void turningTheLobbyOffLetsEveryoneIn() {
        try (WsClient mod = WsClient.joined(server, "lobby-off", "Mod");
             WsClient w = WsClient.connect(server)) {
            mod.send(msg("setLobby", "enabled", true));
            mod.next("roomUpdated", m -> m.path("lobbyEnabled").asBoolean());
            w.send(WsClient.join("lobby-off", "W"));
            w.next("lobbyWaiting");
            mod.next("lobbyRequest");
            mod.send(msg("setLobby", "enabled", false));
            w.next("joined");
            assertTrue(mod.next("lobbyResolved").path("admitted").asBoolean());
        }
    }

    @Test
    void enableLobbyStartsNewRoomsWithTheLobbyOnAndEveryoneLeavingSendsWaitersAway() throws Exception {
        var config = TestServers.loopback();
        config = config.toBuilder().client(new org.javameet.signaling.config.ClientConfig(true, false, false, false, false, true, true, "all")).build();
        try (JavameetServer lobbyServer = TestServers.start(config);
             WsClient first = WsClient.joined(lobbyServer, "waiting-room", "First");
             WsClient second = WsClient.connect(lobbyServer)) {
            assertTrue(first.next("roomUpdated").path("lobbyEnabled").asBoolean());
            second.send(WsClient.join("waiting-room", "Second"));
            second.next("lobbyWaiting");
            first.next("lobbyRequest");
            first.send(msg("leave"));
            assertTrue(second.error("lobby-denied").path("message").asText().contains("everyone left"));
            assertEquals(4003, second.awaitClose());
            TestServers.await("room closed", () -> lobbyServer.rooms().roomCount() == 0);
        }
    }

    @Test
    void raiseHandIsBroadcast() {
        try (WsClient a = WsClient.joined(server, "hands", "A");
             WsClient b = WsClient.joined(server, "hands", "B")) {
            b.send(msg("raiseHand", "raised", true));
            for (WsClient x : List.of(a, b)) {
                JsonNode u = x.next("participantUpdated");
                assertEquals(b.id, u.path("participant").path("id").asText());
                assertTrue(u.path("participant").path("handRaised").asBoolean());
            }
            b.send(msg("raiseHand"));
            b.error("bad-message");
        }
    }

    @Test
    void publishedSourcesReachSubscribersAsTrackInfoSource() {
        try (WsClient a = WsClient.joined(server, "sources", "A");
             WsClient b = WsClient.joined(server, "sources", "B")) {
            // defaults: audio → microphone, first video → camera, the next → screen
            a.send(msg("publishOffer", "sdp", ChromiumOffer.of(2)));
            a.next("publishAnswer");
            JsonNode sharing = b.next("participantUpdated", m -> m.path("participant").path("id").asText().equals(a.id));
            assertTrue(sharing.path("participant").path("screenSharing").asBoolean());
            assertEquals(Map.of("microphone", "audio", "camera", "video", "screen", "video"),
                    sourcesOf(b.next("subscribeOffer")));

            // a late joiner sees the same; explicit labels win over the defaults
            try (WsClient c = WsClient.joined(server, "sources", "C")) {
                assertEquals(Map.of("microphone", "audio", "camera", "video", "screen", "video"),
                        sourcesOf(c.next("subscribeOffer")));
                c.send(msg("publishOffer", "sdp", ChromiumOffer.of(1), "sources", Map.of("1", "screen")));
                c.next("publishAnswer");
                JsonNode offer = a.next("subscribeOffer");
                assertEquals("screen", offer.path("tracks").get(1).path("source").asText());
                c.send(msg("publishOffer", "sdp", ChromiumOffer.of(1), "sources", Map.of("0", "camera")));
                c.error("bad-message");
                c.send(msg("publishOffer", "sdp", ChromiumOffer.of(1), "sources", Map.of("1", "webcam")));
                c.error("bad-message");
            }
        }
    }

    private static Map<String, String> sourcesOf(JsonNode subscribeOffer) {
        JsonNode tracks = subscribeOffer.path("tracks");
        assertNotNull(tracks);
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode t : tracks) {
            out.put(t.path("source").asText(), t.path("kind").asText());
        }
        return out;
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.SignalingClient;
import org.javameet.signaling.config.LimitsConfig;
import org.javameet.signaling.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15: 5,000 idle WebSockets from one address created 5,000 rooms in 5 s, and lobby waiters counted toward
 * nothing. Rooms per address and in total, participants per room and lobby waiters per room and per address are now
 * capped; each refusal is a named error and a counter, and the meeting of Ada and Bob keeps its media throughout.
 * Clients pose as users behind the local reverse proxy ({@code X-Real-IP} from loopback), which is how the server
 * tells addresses apart in the NixOS deployment.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOM = "limits";
    private static final int MAX_ROOMS = 6;
    private static final int MAX_ROOMS_PER_ADDRESS = 3;
    private static TwoPartyMeeting meeting;
    private final List<SignalingClient> clients = new ArrayList<>();

    @BeforeAll
    static void meeting() throws Exception {
        LimitsConfig limits = ServerConfig.parse("{\"limits\": {\"maxRooms\": " + MAX_ROOMS + ", \"maxRoomsPerAddress\": "
                + MAX_ROOMS_PER_ADDRESS + ", \"maxOccupants\": 3, \"maxLobbyWaiters\": 2, "
                + "\"maxLobbyWaitersPerAddress\": 1}}", "test").limits();
        meeting = TwoPartyMeeting.start("RoomLimitsTest", ROOM, WAIT, c -> c.limits(limits));
    }

    @AfterAll
    static void end() {
        if (meeting != null) {
            meeting.close();
        }
    }

    @AfterEach
    void meetingGoesOnAndOthersLeave() {
        clients.forEach(SignalingClient::close);
        meeting.assertGoesOn();
        Eventually.await("the test's rooms to close", WAIT, () -> meeting.server.rooms().roomCount() == 1);
    }

    private SignalingClient connectFrom(String address) throws Exception {
        SignalingClient c = SignalingClient.connect(meeting.runtime.httpClient(), meeting.ws,
                Map.of("X-Real-IP", address)).get(10, TimeUnit.SECONDS);
        clients.add(c);
        return c;
    }

    /** Sends {@code join} and returns the answer: {@code joined}, {@code lobbyWaiting} or {@code error}. */
    private static JsonNode join(SignalingClient c, String room) throws Exception {
        Set<String> answers = Set.of("joined", "lobbyWaiting", "error");
        CompletableFuture<JsonNode> reply = c.awaitMessage(m -> answers.contains(m.path("type").asText()));
        c.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"x\"}");
        return reply.get(10, TimeUnit.SECONDS);
    }

    private static String outcome(JsonNode reply) {
        return reply.path("type").asText().equals("error") ? reply.path("code").asText() : reply.path("type").asText();
    }

    private static double errors(String code) {
        return ServerMetrics.value(meeting.metrics.scrape(), "javameet_signaling_errors_total", "code", code);
    }

    @Test
    void roomsAreLimitedPerAddressAndInTotal() throws Exception {
        double perAddressBefore = errors("too-many-rooms");
        double totalBefore = errors("server-full");
        List<SignalingClient> alices = new ArrayList<>();
        for (int i = 0; i < MAX_ROOMS_PER_ADDRESS; i++) {
            SignalingClient c = connectFrom("203.0.113.7");
            assertEquals("joined", outcome(join(c, "alice-" + i)));
            alices.add(c);
        }
        JsonNode refused = join(connectFrom("203.0.113.7"), "alice-more");
        assertEquals("too-many-rooms", outcome(refused), refused.toString());
        // joining a room that exists is no creation: the same address still may
        assertEquals("joined", outcome(join(connectFrom("203.0.113.7"), "alice-0")));

        // another address creates rooms until the server holds MAX_ROOMS
        int open = meeting.server.rooms().roomCount();
        for (int i = 0; open < MAX_ROOMS; i++, open++) {
            assertEquals("joined", outcome(join(connectFrom("203.0.113.8"), "bob-" + i)));
        }
        refused = join(connectFrom("203.0.113.8"), "bob-more");
        assertEquals("server-full", outcome(refused), refused.toString());
        assertEquals(MAX_ROOMS, meeting.server.rooms().roomCount(), "a refused join made no room");

        // a room that closes gives its place back, to its creator's address and to the server
        alices.get(1).close();
        Eventually.await("alice-1 to close", WAIT, () -> meeting.server.rooms().roomCount() == MAX_ROOMS - 1);
        assertEquals("joined", outcome(join(connectFrom("203.0.113.8"), "bob-more")));
        assertEquals(perAddressBefore + 1, errors("too-many-rooms"));
        assertEquals(totalBefore + 1, errors("server-full"));
    }

    @Test
    void aFullRoomRefusesTheNextParticipant() throws Exception {
        double before = errors("room-full");
        assertEquals("joined", outcome(join(connectFrom("203.0.113.9"), ROOM))); // Ada, Bob and this one
        JsonNode refused = join(connectFrom("203.0.113.10"), ROOM);
        assertEquals("room-full", outcome(refused), refused.toString());
        assertEquals(3, meeting.server.rooms().participantCount());
        assertEquals(before + 1, errors("room-full"));
    }

    @Test
    void lobbyWaitersAreLimitedPerRoomAndPerAddress() throws Exception {
        double fullBefore = errors("lobby-full");
        double perAddressBefore = errors("too-many-waiting");
        SignalingClient owner = connectFrom("127.0.0.1");
        assertEquals("joined", outcome(join(owner, "lobbied")));
        CompletableFuture<JsonNode> lobbyOn = owner.awaitMessage(m -> m.path("type").asText().equals("roomUpdated")
                && m.path("lobbyEnabled").asBoolean());
        owner.sendText("{\"type\":\"setLobby\",\"enabled\":true}");
        lobbyOn.get(10, TimeUnit.SECONDS);

        SignalingClient first = connectFrom("203.0.113.7");
        assertEquals("lobbyWaiting", outcome(join(first, "lobbied")));
        JsonNode refused = join(connectFrom("203.0.113.7"), "lobbied");
        assertEquals("too-many-waiting", outcome(refused), refused.toString());
        assertEquals("lobbyWaiting", outcome(join(connectFrom("203.0.113.8"), "lobbied")));
        refused = join(connectFrom("203.0.113.9"), "lobbied");
        assertEquals("lobby-full", outcome(refused), refused.toString());

        // a waiter who leaves frees both places
        CompletableFuture<JsonNode> withdrawn = owner.awaitType("lobbyResolved");
        first.close();
        withdrawn.get(10, TimeUnit.SECONDS);
        assertEquals("lobbyWaiting", outcome(join(connectFrom("203.0.113.7"), "lobbied")));
        assertEquals(fullBefore + 1, errors("lobby-full"));
        assertEquals(perAddressBefore + 1, errors("too-many-waiting"));
        assertTrue(owner.isOpen());
    }
}

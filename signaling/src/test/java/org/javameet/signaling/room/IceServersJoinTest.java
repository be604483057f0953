package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.TurnConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each participant gets TURN credentials of its own in {@code joined}, and fresh ones when it asks. */
class IceServersJoinTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final List<String> URLS = List.of("turn:192.0.2.1:3478?transport=udp", "turns:192.0.2.1:5349?transport=tcp");

    @TempDir
    Path dir;

    @Test
    void joinedCarriesCredentialsForThisParticipantAndRefreshGivesFreshOnes() throws Exception {
        Path secret = Files.writeString(dir.resolve("turn-secret"), SECRET + "\n");
        var config = TestServers.loopback().toBuilder().turn(new TurnConfig(URLS, secret.toString(), 600)).build();
        try (JavameetServer server = TestServers.start(config);
             WsClient ada = WsClient.connect(server);
             WsClient bob = WsClient.joined(server, "turn-room", "Bob")) {
            ada.send(WsClient.msg("refreshIceServers"));
            ada.error("not-joined");

            long before = System.currentTimeMillis() / 1000;
            ada.send(WsClient.join("turn-room", "Ada"));
            JsonNode joined = ada.next("joined");
            String id = joined.path("you").path("id").asText();
            assertEquals(600, joined.path("iceServersTtl").asInt());
            JsonNode server0 = joined.path("iceServers").get(0);
            assertEquals(URLS, List.of(server0.path("urls").get(0).asText(), server0.path("urls").get(1).asText()));
            checkCredentials(server0, id, before);

            ada.send(WsClient.msg("refreshIceServers"));
            JsonNode refreshed = ada.next("iceServers");
            assertEquals(600, refreshed.path("iceServersTtl").asInt());
            checkCredentials(refreshed.path("iceServers").get(0), id, before);

            // Bob's are his own: coturn accounts usage by the name after the colon
            bob.send(WsClient.msg("refreshIceServers"));
            assertTrue(bob.next("iceServers").path("iceServers").get(0).path("username").asText().endsWith(":" + bob.id));
        }
    }

    @Test
    void withoutTurnTheListIsEmpty() throws Exception {
        try (JavameetServer server = TestServers.start(TestServers.loopback());
             WsClient ada = WsClient.connect(server)) {
            ada.send(WsClient.join("no-turn", "Ada"));
            JsonNode joined = ada.next("joined");
            assertEquals("[]", joined.path("iceServers").toString());
            assertTrue(joined.path("iceServersTtl").isMissingNode());
        }
    }

    /** username = expiry:id with expiry ≈ now + TTL; credential = base64(HMAC-SHA1(secret, username)). */
    private static void checkCredentials(JsonNode server, String id, long before) throws Exception {
        String username = server.path("username").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertEquals(":" + id, username.substring(username.indexOf(':')));
        long after = System.currentTimeMillis() / 1000;
        assertTrue(expiry >= before + 600 && expiry <= after + 600, username);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(), "HmacSHA1"));
        assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes())), server.path("credential").asText());
    }
}

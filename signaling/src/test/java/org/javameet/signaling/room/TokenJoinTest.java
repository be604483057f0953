package org.javameet.signaling.room;

import static org.javameet.signaling.room.WsClient.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.auth.Tokens;
import org.javameet.signaling.config.AuthConfig;
import org.javameet.signaling.config.AuthConfig.Algorithm;
import org.javameet.signaling.config.AuthConfig.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token authentication over real WebSockets: join.jwt and ?jwt=, HS256 and RS256, every refusal, token-create. */
class TokenJoinTest {

    private static JavameetServer hs256(Mode mode) throws Exception {
        return TestServers.start(TestServers.loopback().toBuilder()
                .auth(new AuthConfig(mode, Algorithm.HS256, Tokens.SECRET, null, null, null, null,
                        AuthConfig.DEFAULT_MAX_LIFETIME_SECONDS)).build());
    }

    private static ObjectNode joinWith(String room, String name, String jwt) {
        ObjectNode j = WsClient.join(room, name);
        j.put("jwt", jwt);
        return j;
    }

    @Test
    void hs256TokensNameTheHolderAndMakeModerators() throws Exception {
        try (JavameetServer server = hs256(Mode.TOKEN)) {
            String first = Tokens.hs256(Tokens.claims("team", "\"context\":{\"user\":{\"name\":\"Guest One\"}}"));
            try (WsClient a = WsClient.connect(server, "?jwt=" + first)) {
                a.send(WsClient.join("team", "ignored"));
                JsonNode you = a.next("joined").path("you");
                assertEquals("Guest One", you.path("displayName").asText());
                assertTrue(you.path("moderator").asBoolean(), "the first one in is moderator anyway");

                String plain = Tokens.hs256(Tokens.claims("team", ""));
                try (WsClient b = WsClient.connect(server)) {
                    b.send(joinWith("team", "Bea", plain));
                    JsonNode bYou = b.next("joined").path("you");
                    assertFalse(bYou.path("moderator").asBoolean());
                    assertEquals("Bea", bYou.path("displayName").asText());
                }
                String mod = Tokens.hs256(Tokens.claims("TEAM", "\"moderator\":true"));
                try (WsClient c = WsClient.connect(server)) {
                    c.send(joinWith("team", "Cy", mod));
                    assertTrue(c.next("joined").path("you").path("moderator").asBoolean());
                }
            }
        }
    }

    /**
     * A live session ends when its token expires (with the same 30 s leeway as at join): {@code tokenExpired}, the
     * others see it leave, the socket closes with 4006. Joined with a token that expired 25 s ago, it ends in ~5 s.
     */
    @Test
    void aSessionEndsWhenItsTokenExpires() throws Exception {
        try (JavameetServer server = hs256(Mode.NONE);
             WsClient host = WsClient.joined(server, "expiry", "Host");
             WsClient guest = WsClient.connect(server)) {
            long now = System.currentTimeMillis() / 1000;
            guest.send(joinWith("expiry", "Guest", Tokens.hs256("{\"room\":\"expiry\",\"exp\":" + (now - 25) + "}")));
            String guestId = guest.next("joined").path("you").path("id").asText();
            JsonNode notice = guest.next("tokenExpired");
            assertEquals(java.time.Instant.ofEpochSecond(now - 25).toString(), notice.path("expiredAt").asText());
            assertEquals(4006, guest.closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
            JsonNode left = host.next("participantLeft");
            assertEquals(guestId, left.path("participantId").asText());
            assertEquals("token-expired", left.path("reason").asText());
            assertEquals(1, server.rooms().participantCount(), "the host's meeting goes on");
            assertTrue(server.meterRegistry().scrape()
                    .contains("javameet_signaling_sessions_ended_total{reason=\"token-expired\"} 1.0"));
        }
    }

    /**
     * A participant who resumes on a new socket keeps their token's expiry: the session still ends at expiry, on the
     * new socket (the old one's timer died with it). Joined with a token that expired 26 s ago (ends in ~4 s), the
     * socket drops at once and the participant resumes with the resume token.
     */
    @Test
    void aResumedSessionStillEndsWhenItsTokenExpires() throws Exception {
        try (JavameetServer server = hs256(Mode.NONE);
             WsClient host = WsClient.joined(server, "expiry-resume", "Host")) {
            long now = System.currentTimeMillis() / 1000;
            WsClient guest = WsClient.connect(server);
            guest.send(joinWith("expiry-resume", "Guest", Tokens.hs256("{\"room\":\"expiry-resume\",\"exp\":"
                    + (now - 26) + "}")));
            JsonNode joined = guest.next("joined");
            String guestId = joined.path("you").path("id").asText();
            guest.drop();
            host.next("participantUpdated", m -> m.path("participant").path("reconnecting").asBoolean());
            try (WsClient again = WsClient.connect(server)) {
                again.send(msg("resume", "token", joined.path("resumeToken").asText()));
                assertEquals(guestId, again.next("resumed").path("you").path("id").asText());
                JsonNode notice = again.next("tokenExpired");
                assertEquals(java.time.Instant.ofEpochSecond(now - 26).toString(), notice.path("expiredAt").asText());
                assertEquals(4006, again.closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
                JsonNode left = host.next("participantLeft");
                assertEquals(guestId, left.path("participantId").asText());
                assertEquals("token-expired", left.path("reason").asText());
                assertEquals(1, server.rooms().participantCount(), "the host's meeting goes on");
            }
        }
    }

    @Test
    void aTokenValidForTooLongIsRefused() throws Exception {
        try (JavameetServer server = hs256(Mode.TOKEN);
             WsClient c = WsClient.connect(server)) {
            long now = System.currentTimeMillis() / 1000;
            c.send(joinWith("r", "x", Tokens.hs256("{\"room\":\"r\",\"iat\":" + now + ",\"exp\":"
                    + (now + 400 * 86_400) + "}")));
            assertTrue(c.error("bad-token").path("message").asText().startsWith("token lifetime too long"));
            assertEquals(0, server.rooms().roomCount());
        }
    }

    @Test
    void refusedTokensCreateNothing() throws Exception {
        try (JavameetServer server = hs256(Mode.TOKEN);
             WsClient c = WsClient.connect(server)) {
            long now = System.currentTimeMillis() / 1000;
            c.send(WsClient.join("r", "x"));
            assertTrue(c.error("auth-required").path("message").asText().contains("token"));

            c.send(joinWith("r", "x", Tokens.hs256("{\"room\":\"r\",\"exp\":" + (now - 120) + "}")));
            assertTrue(c.error("bad-token").path("message").asText().startsWith("token expired"));

            String forged = Tokens.hmac("not-the-server-secret-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                    "{\"alg\":\"HS256\"}", Tokens.claims("r", "\"moderator\":true"));
            c.send(joinWith("r", "x", forged));
            assertTrue(c.error("bad-token").path("message").asText().startsWith("token bad signature"));

            c.send(joinWith("r", "x", Tokens.hs256(Tokens.claims("another-room", ""))));
            assertTrue(c.error("bad-token").path("message").asText().startsWith("token wrong room"));

            String none = Tokens.b64("{\"alg\":\"none\"}") + "." + Tokens.b64(Tokens.claims("r", "\"moderator\":true")) + ".";
            c.send(joinWith("r", "x", none));
            assertTrue(c.error("bad-token").path("message").asText().startsWith("token unsupported alg"));

            assertEquals(0, server.rooms().roomCount());
            assertEquals(0, server.media().registry().size());

            c.send(joinWith("r", "x", Tokens.hs256(Tokens.claims("r", ""))));
            c.next("joined");
        }
    }

    @Test
    void rs256AndAlgorithmConfusion(@TempDir Path dir) throws Exception {
        KeyPair rsa = Tokens.rsaKeyPair();
        Path pem = Files.writeString(dir.resolve("jwt.pem"), Tokens.pem(rsa.getPublic()));
        try (JavameetServer server = TestServers.start(TestServers.loopback().toBuilder().auth(
                new AuthConfig(Mode.TOKEN, Algorithm.RS256, null, null, pem.toString(), null, null,
                        AuthConfig.DEFAULT_MAX_LIFETIME_SECONDS)).build());
             WsClient c = WsClient.connect(server)) {
            // HS256 "signed" with the public key file's bytes: the attack RS256 servers must refuse
            String confused = Tokens.hmac(Files.readAllBytes(pem), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                    Tokens.claims("rsa", "\"moderator\":true"));
            c.send(joinWith("rsa", "x", confused));
            assertTrue(c.error("bad-token").path("message").asText().contains("accepts only RS256"));
            assertEquals(0, server.rooms().roomCount());

            c.send(joinWith("rsa", "x", Tokens.rs256(rsa.getPrivate(),
                    Tokens.claims("rsa", "\"context\":{\"user\":{\"name\":\"Rosa\",\"moderator\":\"true\"}}"))));
            JsonNode you = c.next("joined").path("you");
            assertEquals("Rosa", you.path("displayName").asText());
            assertTrue(you.path("moderator").asBoolean());
        }
    }

    @Test
    void tokenCreateModeLetsGuestsJoinOnlyExistingRooms() throws Exception {
        try (JavameetServer server = hs256(Mode.TOKEN_CREATE);
             WsClient guest = WsClient.connect(server)) {
            guest.send(WsClient.join("board", "Guest"));
            guest.error("auth-required");
            assertNull(server.rooms().room("board"));
            assertEquals(0, server.media().registry().size());

            try (WsClient host = WsClient.connect(server, "?jwt=" + Tokens.hs256(Tokens.claims("board", "\"moderator\":true")))) {
                host.send(WsClient.join("board", "Host"));
                host.next("joined");
                guest.send(WsClient.join("Board", "Guest"));
                assertFalse(guest.next("joined").path("you").path("moderator").asBoolean());
                host.next("participantJoined");
            }
        }
    }

    @Test
    void tokenHoldersSkipPasswordAndLobby() throws Exception {
        try (JavameetServer server = hs256(Mode.NONE);
             WsClient mod = WsClient.joined(server, "vip", "Mod")) {
            mod.send(msg("setPassword", "password", "pw"));
            mod.send(msg("setLobby", "enabled", true));
            mod.next("roomUpdated", m -> m.path("lobbyEnabled").asBoolean());
            try (WsClient guest = WsClient.connect(server);
                 WsClient holder = WsClient.connect(server)) {
                guest.send(WsClient.join("vip", "Guest"));
                guest.next("lobbyWaiting"); // lobby on: without a password, wait
                holder.send(joinWith("vip", "Holder", Tokens.hs256(Tokens.claims("vip", ""))));
                holder.next("joined");
                // with mode none, a bad token is still refused rather than ignored
                try (WsClient liar = WsClient.connect(server)) {
                    liar.send(joinWith("vip", "Liar", Tokens.hs256(Tokens.claims("other", "\"moderator\":true"))));
                    liar.error("bad-token");
                }
            }
        }
    }

    /**
     * Jitsi's {@code context.features.recording} claim decides who may record: false forbids even a moderator
     * ({@code recording-forbidden}), true lets a participant who is not one start and stop it; without the claim
     * only moderators may ({@code not-moderator}).
     */
    @Test
    void theRecordingClaimAllowsOrForbidsRecording(@TempDir Path dir) throws Exception {
        try (JavameetServer server = TestServers.start(TestServers.loopback().toBuilder()
                .auth(new AuthConfig(Mode.NONE, Algorithm.HS256, Tokens.SECRET, null, null, null, null,
                        AuthConfig.DEFAULT_MAX_LIFETIME_SECONDS))
                .recording(new org.javameet.signaling.config.RecordingConfig(true, dir.toString(), false, null, 4, 0))
                .build());
             WsClient mod = WsClient.connect(server);
             WsClient recorder = WsClient.connect(server)) {
            mod.send(joinWith("claims", "Mod", Tokens.hs256(Tokens.claims("claims",
                    "\"moderator\":true,\"context\":{\"features\":{\"recording\":false}}"))));
            assertTrue(mod.next("joined").path("you").path("moderator").asBoolean());
            WsClient guest = WsClient.joined(server, "claims", "Guest"); // second in: no moderator
            mod.send(msg("startRecording"));
            mod.error("recording-forbidden");

            guest.send(msg("startRecording"));
            guest.error("not-moderator");

            recorder.send(joinWith("claims", "Rec", Tokens.hs256(Tokens.claims("claims",
                    "\"context\":{\"features\":{\"recording\":\"true\"}}"))));
            assertFalse(recorder.next("joined").path("you").path("moderator").asBoolean());
            recorder.send(msg("startRecording"));
            JsonNode started = recorder.next("recordingState");
            assertTrue(started.path("active").asBoolean(), started.toString());
            assertTrue(guest.next("recordingState").path("active").asBoolean(), "everyone is told");
            mod.send(msg("stopRecording"));
            mod.error("recording-forbidden"); // the claim holds for stopping too
            recorder.send(msg("stopRecording"));
            JsonNode stopped = recorder.next("recordingState", m -> !m.path("active").asBoolean());
            assertEquals("stopped", stopped.path("reason").asText(), stopped.toString());
            guest.close();
        }
    }
}

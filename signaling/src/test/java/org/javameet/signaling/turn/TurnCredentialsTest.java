package org.javameet.signaling.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {
    private static final String SECRET = "north-wind-shared-secret";

    /**
     * Computed independently of this code, the way coturn checks it:
     * {@code printf %s 1700000000:p1234abcd | openssl dgst -sha1 -hmac north-wind-shared-secret -binary | base64}.
     */
    @Test
    void passwordIsBase64HmacSha1OfTheUsernameAsOpensslComputesIt() {
        TurnCredentials.Issued issued = new TurnCredentials(SECRET).issue("p1234abcd", 1_700_000_000L);
        assertEquals("1700000000:p1234abcd", issued.username());
        assertEquals("S0m/vWR33dubV401/yge1wISMxA=", issued.credential());
        assertEquals(1_700_000_000L, issued.expiresAtEpochSeconds());
    }

    @Test
    void anotherSecretGivesAnotherPassword() {
        assertFalse(new TurnCredentials(SECRET + "x").issue("p1234abcd", 1_700_000_000L).credential()
                .equals("S0m/vWR33dubV401/yge1wISMxA="));
    }

    @Test
    void theSecretIsNeverShown() {
        assertFalse(new TurnCredentials(SECRET).toString().contains(SECRET));
    }

    @Test
    void aColonInTheIdIsRefusedBecauseCoturnSplitsTheUsernameThere() {
        assertThrows(IllegalArgumentException.class, () -> new TurnCredentials(SECRET).issue("a:b", 1L));
    }

    @Test
    void iceServersExpireTtlSecondsFromNow() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_699_996_400L), ZoneOffset.UTC);
        IceServers servers = new IceServers(List.of("turn:192.0.2.1:3478?transport=udp",
                "turns:turn.example.com:5349?transport=tcp"), new TurnCredentials(SECRET), 3600, clock);
        assertEquals("[{\"urls\":[\"turn:192.0.2.1:3478?transport=udp\",\"turns:turn.example.com:5349?transport=tcp\"],"
                + "\"username\":\"1700000000:p1234abcd\",\"credential\":\"S0m/vWR33dubV401/yge1wISMxA=\"}]",
                servers.forParticipant("p1234abcd").toString());
        assertEquals(3600, servers.ttlSeconds());
    }

    @Test
    void withoutTurnThereAreNoIceServers() {
        assertEquals("[]", IceServers.none().forParticipant("p1").toString());
        assertEquals(0, IceServers.none().ttlSeconds());
    }
}

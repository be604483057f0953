package org.javameet.signaling.auth;

import static org.javameet.signaling.auth.Tokens.b64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.crypto.spec.SecretKeySpec;
import org.javameet.signaling.auth.TokenException.Reason;
import org.javameet.signaling.config.AuthConfig.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-made tokens against {@link TokenVerifier}, with a fixed clock. */
class TokenVerifierTest {
    private static final long NOW = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final byte[] SECRET = Tokens.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final TokenVerifier HS = new TokenVerifier(Algorithm.HS256,
            new SecretKeySpec(SECRET, "HmacSHA256"), null, null, CLOCK);
    private static final KeyPair RSA = Tokens.rsaKeyPair();
    private static final TokenVerifier RS = new TokenVerifier(Algorithm.RS256, RSA.getPublic(), null, null, CLOCK);

    private static String claims(String extra) {
        return "{\"room\":\"Standup\",\"exp\":" + (NOW + 60) + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void validHs256TokenGivesNameAndModerator() throws TokenException {
        String t = Tokens.hs256(claims("\"moderator\":true,\"context\":{\"user\":{\"name\":\"Ada\"}}"));
        assertEquals(new VerifiedToken("Ada", true, "Standup", Instant.ofEpochSecond(NOW + 60)), HS.verify(t, "Standup"));
    }

    @ParameterizedTest(name = "[{index}] {0} → moderator {1}")
    @CsvSource(delimiter = '|', textBlock = """
        "moderator":true                                | true
        "moderator":false                               | false
        "moderator":"true"                              | true
        "context":{"user":{"moderator":true}}           | true
        "context":{"user":{"moderator":"true"}}         | true
        "context":{"user":{"moderator":"false"}}        | false
        "context":{"user":{"moderator":1}}              | false
        "context":{"user":{"name":"Bo"}}                | false
        """)
    void moderatorClaimAsJitsiWritesIt(String extra, boolean moderator) throws TokenException {
        assertEquals(moderator, HS.verify(Tokens.hs256(claims(extra)), "standup").moderator());
    }

    @Test
    void roomIsCaseInsensitiveAndStarMeansAny() throws TokenException {
        assertEquals("Standup", HS.verify(Tokens.hs256(claims("")), "STANDUP").room());
        String any = Tokens.hs256("{\"room\":\"*\",\"exp\":" + (NOW + 60) + "}");
        assertEquals("*", HS.verify(any, "whatever").room());
        assertEquals(Reason.WRONG_ROOM, reason(HS, Tokens.hs256(claims("")), "standup2"));
    }

    @Test
    void expAndNbfHaveThirtySecondsOfLeeway() throws TokenException {
        HS.verify(Tokens.hs256("{\"room\":\"a\",\"exp\":" + (NOW - 29) + "}"), "a");
        assertEquals(Reason.EXPIRED, reason(HS, Tokens.hs256("{\"room\":\"a\",\"exp\":" + (NOW - 31) + "}"), "a"));
        HS.verify(Tokens.hs256("{\"room\":\"a\",\"exp\":" + (NOW + 99) + ",\"nbf\":" + (NOW + 29) + "}"), "a");
        assertEquals(Reason.NOT_YET_VALID,
                reason(HS, Tokens.hs256("{\"room\":\"a\",\"exp\":" + (NOW + 99) + ",\"nbf\":" + (NOW + 31) + "}"), "a"));
        TokenException e = assertThrows(TokenException.class,
                () -> HS.verify(Tokens.hs256("{\"room\":\"a\",\"exp\":" + (NOW - 3600) + "}"), "a"));
        assertEquals("token expired: expired at 2027-01-15T07:00:00Z", e.getMessage());
    }

    /** Lifetime = exp minus nbf, else iat, else now; at most the configured maximum (an hour here). */
    @ParameterizedTest(name = "[{index}] {0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
        "exp":NOW+3600                          | ok
        "exp":NOW+3601                          | TOO_LONG_LIVED
        "exp":NOW+600,"iat":NOW-3000            | ok
        "exp":NOW+600,"iat":NOW-3001            | TOO_LONG_LIVED
        "exp":NOW+7200,"iat":NOW+3600           | ok
        "exp":NOW+3600,"nbf":NOW,"iat":NOW-9999 | ok
        "exp":NOW+3600,"nbf":NOW-1              | TOO_LONG_LIVED
        "exp":NOW+60,"iat":"yesterday"          | MALFORMED
        """)
    void lifetimeIsCapped(String times, String outcome) {
        TokenVerifier hourAtMost = new TokenVerifier(Algorithm.HS256, new SecretKeySpec(SECRET, "HmacSHA256"), null,
                null, 3600, CLOCK);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("NOW([+-]\\d+)?").matcher(times);
        String claims = "{\"room\":\"a\"," + m.replaceAll(r -> String.valueOf(NOW + (r.group(1) == null ? 0 : Long.parseLong(r.group(1))))) + "}";
        String token = Tokens.hs256(claims);
        if (outcome.equals("ok")) {
            org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> hourAtMost.verify(token, "a"));
        } else {
            assertEquals(Reason.valueOf(outcome), reason(hourAtMost, token, "a"), claims);
        }
    }

    @Test
    void aTooLongLifetimeSaysSo() {
        TokenException e = assertThrows(TokenException.class, () -> HS.verify(
                Tokens.hs256("{\"room\":\"a\",\"iat\":" + NOW + ",\"exp\":" + (NOW + 365 * 86_400) + "}"), "a"));
        assertEquals("token lifetime too long: valid for 31536000 s (from iat to exp); this server accepts at most"
                + " 86400 s", e.getMessage());
    }

    @Test
    void badSignatures() {
        String good = Tokens.hs256(claims(""));
        String otherKey = Tokens.hmac("another-secret-that-is-32-bytes!".getBytes(StandardCharsets.UTF_8),
                "{\"alg\":\"HS256\"}", claims(""));
        assertEquals(Reason.BAD_SIGNATURE, reason(HS, otherKey, "standup"));
        // claims changed after signing
        String[] p = good.split("\\.");
        String tampered = p[0] + "." + b64(claims("\"moderator\":true")) + "." + p[2];
        assertEquals(Reason.BAD_SIGNATURE, reason(HS, tampered, "standup"));
        assertEquals(Reason.BAD_SIGNATURE, reason(HS, p[0] + "." + p[1] + "." + b64("short"), "standup"));
    }

    @Test
    void algNoneIsRefused() {
        String unsigned = b64("{\"alg\":\"none\"}") + "." + b64(claims("\"moderator\":true")) + ".";
        TokenException e = assertThrows(TokenException.class, () -> HS.verify(unsigned, "standup"));
        assertEquals(Reason.UNSUPPORTED_ALG, e.reason());
        assertEquals("token unsupported alg: alg \"none\": unsigned tokens are never accepted", e.getMessage());
        assertEquals(Reason.UNSUPPORTED_ALG, reason(HS, b64("{\"alg\":\"NONE\"}") + "." + b64(claims("")) + ".x", "standup"));
    }

    @Test
    void algorithmConfusionIsRefused() {
        // the classic attack: an HS256 token whose HMAC key is the server's RSA public key
        byte[] publicPem = Tokens.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII);
        String confused = Tokens.hmac(publicPem, "{\"alg\":\"HS256\"}", claims("\"moderator\":true"));
        TokenException e = assertThrows(TokenException.class, () -> RS.verify(confused, "standup"));
        assertEquals(Reason.UNSUPPORTED_ALG, e.reason());
        assertEquals("token unsupported alg: alg \"HS256\", this server accepts only RS256", e.getMessage());
        // and the other way round
        assertEquals(Reason.UNSUPPORTED_ALG, reason(HS, Tokens.rs256(RSA.getPrivate(), claims("")), "standup"));
        assertEquals(Reason.UNSUPPORTED_ALG, reason(HS, Tokens.hmac(SECRET, "{\"alg\":\"HS512\"}", claims("")), "standup"));
        assertEquals(Reason.UNSUPPORTED_ALG,
                reason(HS, Tokens.hmac(SECRET, "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", claims("")), "standup"));
    }

    @Test
    void rs256() throws TokenException {
        String t = Tokens.rs256(RSA.getPrivate(), claims("\"context\":{\"user\":{\"name\":\"Grace\",\"moderator\":\"true\"}}"));
        assertEquals(new VerifiedToken("Grace", true, "Standup", Instant.ofEpochSecond(NOW + 60)), RS.verify(t, "standup"));
        KeyPair other = Tokens.rsaKeyPair();
        assertEquals(Reason.BAD_SIGNATURE, reason(RS, Tokens.rs256(other.getPrivate(), claims("")), "standup"));
    }

    @Test
    void audienceAndIssuerWhenConfigured() throws TokenException {
        TokenVerifier v = new TokenVerifier(Algorithm.HS256, new SecretKeySpec(SECRET, "HmacSHA256"), "meet", "portal", CLOCK);
        v.verify(Tokens.hs256(claims("\"aud\":\"meet\",\"iss\":\"portal\"")), "standup");
        v.verify(Tokens.hs256(claims("\"aud\":[\"x\",\"meet\"],\"iss\":\"portal\"")), "standup");
        assertEquals(Reason.WRONG_AUDIENCE, reason(v, Tokens.hs256(claims("\"aud\":\"other\",\"iss\":\"portal\"")), "standup"));
        assertEquals(Reason.WRONG_AUDIENCE, reason(v, Tokens.hs256(claims("\"iss\":\"portal\"")), "standup"));
        assertEquals(Reason.WRONG_ISSUER, reason(v, Tokens.hs256(claims("\"aud\":\"meet\",\"iss\":\"evil\"")), "standup"));
        // not configured: not checked
        HS.verify(Tokens.hs256(claims("\"aud\":\"anything\",\"iss\":\"anyone\"")), "standup");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
        two.parts                          | token malformed: not three dot-separated parts (JWS compact form)
        a.b.c.d                            | token malformed: not three dot-separated parts (JWS compact form)
        ''                                 | token malformed: empty
        !!!.e30.x                          | token malformed: header is not base64url
        bm90IGpzb24.e30.x                  | token malformed: header is not JSON
        W10.e30.x                          | token malformed: header is not a JSON object
        e30.e30.x                          | token malformed: header has no "alg"
        """)
    void malformed(String token, String message) {
        TokenException e = assertThrows(TokenException.class, () -> HS.verify(token, "a"));
        assertEquals(Reason.MALFORMED, e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void malformedClaims() {
        assertEquals("token malformed: no \"exp\" claim (tokens must expire)",
                message(HS, Tokens.hs256("{\"room\":\"a\"}")));
        assertEquals("token malformed: \"exp\" is not a number",
                message(HS, Tokens.hs256("{\"room\":\"a\",\"exp\":\"soon\"}")));
        assertEquals("token malformed: no \"room\" claim (use \"*\" for any room)",
                message(HS, Tokens.hs256("{\"exp\":" + (NOW + 60) + "}")));
        assertEquals("token malformed: payload is not JSON (duplicate field)",
                message(HS, Tokens.hs256("{\"room\":\"b\",\"room\":\"a\",\"exp\":" + (NOW + 60) + "}")));
        assertEquals("token malformed: longer than 8192 characters", message(HS, "a".repeat(8193)));
    }

    @Test
    void messagesNeverContainTheToken() {
        String t = Tokens.hs256(claims(""));
        for (String room : new String[] {"other"}) {
            assertFalse(message(HS, t, room).contains(t.split("\\.")[1]));
        }
        assertTrue(message(HS, t + "x", "standup").startsWith("token bad signature"));
    }

    private static Reason reason(TokenVerifier v, String token, String room) {
        return assertThrows(TokenException.class, () -> v.verify(token, room)).reason();
    }

    private static String message(TokenVerifier v, String token) {
        return message(v, token, "a");
    }

    private static String message(TokenVerifier v, String token, String room) {
        return assertThrows(TokenException.class, () -> v.verify(token, room)).getMessage();
    }
}

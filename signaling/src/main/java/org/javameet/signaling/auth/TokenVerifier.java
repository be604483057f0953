package org.javameet.signaling.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.javameet.signaling.auth.TokenException.Reason;
import org.javameet.signaling.config.AuthConfig;
import org.javameet.signaling.config.AuthConfig.Algorithm;
import org.javameet.signaling.config.ConfigException;

/**
 * Checks a JSON Web Token (RFC 7519) in JWS compact form (RFC 7515) the way Jitsi Meet's token
 * authentication does: one configured algorithm, HS256 (RFC 7518 §3.2) with a shared secret or RS256
 * (§3.3) with a public key; {@code exp} required and {@code nbf} honoured with 30 s of leeway; the
 * {@code room} claim names the room (case-insensitive, like room names) or is {@code *}; {@code aud} and
 * {@code iss} checked when configured.
 *
 * <p>The header's {@code alg} must equal the configured algorithm before any key is used, so neither an
 * unsigned {@code alg: none} token nor an HS256 token "signed" with the RS256 public key (algorithm
 * confusion) gets through. The signature is checked before the claims are read. Thread-safe.
 */
public final class TokenVerifier {
    /** Clock skew tolerated on {@code exp} and {@code nbf}. */
    public static final long LEEWAY_SECONDS = 30;
    /** Far above any real token; stops a client from making the server decode megabytes. */
    static final int MAX_TOKEN_CHARS = 8192;

    /** Made on the first token, not when the class loads: a server without tokens never builds a mapper at start. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // one meaning per claim, whoever parses it
                .build();
    }

    private final Algorithm algorithm;
    private final Key key;
    private final String audience;
    private final String issuer;
    private final Clock clock;
    private final long maxLifetimeSeconds;

    /** With the default maximum lifetime ({@link AuthConfig#DEFAULT_MAX_LIFETIME_SECONDS}). */
    public TokenVerifier(Algorithm algorithm, Key key, String audience, String issuer, Clock clock) {
        this(algorithm, key, audience, issuer, AuthConfig.DEFAULT_MAX_LIFETIME_SECONDS, clock);
    }

    /**
     * @param key a {@link SecretKey} for HS256, a {@link PublicKey} (RSA) for RS256
     * @param audience required {@code aud}, or null; likewise {@code issuer}
     * @param maxLifetimeSeconds the longest lifetime a token may declare
     */
    public TokenVerifier(Algorithm algorithm, Key key, String audience, String issuer, long maxLifetimeSeconds,
            Clock clock) {
        if (maxLifetimeSeconds < 1) {
            throw new IllegalArgumentException("maxLifetimeSeconds must be positive");
        }
        this.maxLifetimeSeconds = maxLifetimeSeconds;
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.key = Objects.requireNonNull(key, "key");
        if (algorithm == Algorithm.HS256 ? !(key instanceof SecretKey) : !(key instanceof PublicKey)) {
            throw new IllegalArgumentException(algorithm + " needs a " + (algorithm == Algorithm.HS256 ? "secret" : "public") + " key");
        }
        this.audience = audience;
        this.issuer = issuer;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The verifier the config describes, or null when it names no key (then tokens cannot be checked). */
    public static TokenVerifier fromConfig(AuthConfig auth, String sourceName) throws ConfigException {
        Key key = auth.loadKey(sourceName);
        return key == null ? null
                : new TokenVerifier(auth.jwtAlgorithm(), key, auth.jwtAudience(), auth.jwtIssuer(),
                        auth.jwtMaxLifetimeSeconds(), Clock.systemUTC());
    }

    /** Verifies {@code token} for a join to {@code roomName}. */
    public VerifiedToken verify(String token, String roomName) throws TokenException {
        if (token == null || token.isEmpty()) {
            throw new TokenException(Reason.MALFORMED, "empty");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenException(Reason.MALFORMED, "longer than " + MAX_TOKEN_CHARS + " characters");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            throw new TokenException(Reason.MALFORMED, "not three dot-separated parts (JWS compact form)");
        }
        JsonNode header = jsonPart(token.substring(0, dot1), "header");
        checkAlgorithm(header);
        byte[] signature = base64Url(token.substring(dot2 + 1), "signature");
        byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        if (!signatureValid(signingInput, signature)) {
            throw new TokenException(Reason.BAD_SIGNATURE, "the signature does not verify with the configured key");
        }
        JsonNode claims = jsonPart(token.substring(dot1 + 1, dot2), "payload");
        double exp = checkTimes(claims);
        checkIssuerAndAudience(claims);
        String room = checkRoom(claims, roomName);
        return new VerifiedToken(displayName(claims), moderator(claims), room, Instant.ofEpochMilli((long) (exp * 1000)),
                recording(claims));
    }

    private void checkAlgorithm(JsonNode header) throws TokenException {
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw new TokenException(Reason.MALFORMED, "header has no \"alg\"");
        }
        String name = alg.textValue();
        if (name.equalsIgnoreCase("none")) {
            throw new TokenException(Reason.UNSUPPORTED_ALG, "alg \"none\": unsigned tokens are never accepted");
        }
        if (!name.equals(algorithm.name())) {
            throw new TokenException(Reason.UNSUPPORTED_ALG, "alg \"" + printable(name) + "\", this server accepts only "
                    + algorithm.name());
        }
        if (header.has("crit")) { // RFC 7515 §4.1.11: extensions we do not understand must be refused
            throw new TokenException(Reason.UNSUPPORTED_ALG, "header \"crit\" extensions are not supported");
        }
    }

    private boolean signatureValid(byte[] signingInput, byte[] signature) throws TokenException {
        try {
            if (algorithm == Algorithm.HS256) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return MessageDigest.isEqual(mac.doFinal(signingInput), signature); // constant time
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify((PublicKey) key);
            rsa.update(signingInput);
            return rsa.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // e.g. a signature of the wrong length
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + algorithm, e);
        }
    }

    /** Checks {@code exp}, {@code nbf} and the lifetime; returns {@code exp}. */
    private double checkTimes(JsonNode claims) throws TokenException {
        double now = clock.millis() / 1000.0;
        JsonNode exp = claims.get("exp");
        if (exp == null) {
            throw new TokenException(Reason.MALFORMED, "no \"exp\" claim (tokens must expire)");
        }
        if (!exp.isNumber()) {
            throw new TokenException(Reason.MALFORMED, "\"exp\" is not a number");
        }
        if (now > exp.doubleValue() + LEEWAY_SECONDS) {
            throw new TokenException(Reason.EXPIRED, "expired at " + instant(exp.doubleValue()));
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null) {
            if (!nbf.isNumber()) {
                throw new TokenException(Reason.MALFORMED, "\"nbf\" is not a number");
            }
            if (now + LEEWAY_SECONDS < nbf.doubleValue()) {
                throw new TokenException(Reason.NOT_YET_VALID, "valid from " + instant(nbf.doubleValue()));
            }
        }
        JsonNode iat = claims.get("iat");
        if (iat != null && !iat.isNumber()) {
            throw new TokenException(Reason.MALFORMED, "\"iat\" is not a number");
        }
        double start = nbf != null ? nbf.doubleValue() : iat != null ? iat.doubleValue() : now;
        double lifetime = exp.doubleValue() - start;
        if (lifetime > maxLifetimeSeconds) {
            throw new TokenException(Reason.TOO_LONG_LIVED, "valid for " + (long) lifetime + " s (from "
                    + (nbf != null ? "nbf" : iat != null ? "iat" : "now") + " to exp); this server accepts at most "
                    + maxLifetimeSeconds + " s");
        }
        return exp.doubleValue();
    }

    private void checkIssuerAndAudience(JsonNode claims) throws TokenException {
        if (issuer != null) {
            JsonNode iss = claims.get("iss");
            if (iss == null || !iss.isTextual() || !iss.textValue().equals(issuer)) {
                throw new TokenException(Reason.WRONG_ISSUER, "\"iss\" is not the configured issuer");
            }
        }
        if (audience != null) {
            JsonNode aud = claims.get("aud");
            boolean ok = aud != null && aud.isTextual() && aud.textValue().equals(audience);
            if (aud != null && aud.isArray()) { // RFC 7519 §4.1.3: a string or an array of strings
                for (JsonNode a : aud) {
                    ok |= a.isTextual() && a.textValue().equals(audience);
                }
            }
            if (!ok) {
                throw new TokenException(Reason.WRONG_AUDIENCE, "\"aud\" does not name this server");
            }
        }
    }

    private static String checkRoom(JsonNode claims, String roomName) throws TokenException {
        JsonNode room = claims.get("room");
        if (room == null || !room.isTextual()) {
            throw new TokenException(Reason.MALFORMED, "no \"room\" claim (use \"*\" for any room)");
        }
        String r = room.textValue();
        if (!r.equals("*") && !r.equalsIgnoreCase(roomName)) {
            throw new TokenException(Reason.WRONG_ROOM, "the token is for another room");
        }
        return r;
    }

    private static String displayName(JsonNode claims) {
        JsonNode name = claims.path("context").path("user").path("name");
        return name.isTextual() ? name.textValue() : null;
    }

    private static boolean moderator(JsonNode claims) {
        return isTrue(claims.get("moderator")) || isTrue(claims.path("context").path("user").get("moderator"));
    }

    /** {@code context.features.recording}: a bool or the strings "true"/"false"; null when absent or neither. */
    private static Boolean recording(JsonNode claims) {
        JsonNode n = claims.path("context").path("features").get("recording");
        if (n == null || !(n.isBoolean() || n.isTextual())) {
            return null;
        }
        if (n.isTextual() && !n.textValue().equalsIgnoreCase("true") && !n.textValue().equalsIgnoreCase("false")) {
            return null;
        }
        return isTrue(n);
    }

    /** Jitsi's token generators write the flag as a JSON bool or as the string "true". */
    private static boolean isTrue(JsonNode n) {
        return n != null && (n.isBoolean() ? n.booleanValue() : n.isTextual() && n.textValue().equalsIgnoreCase("true"));
    }

    private static JsonNode jsonPart(String part, String what) throws TokenException {
        byte[] bytes = base64Url(part, what);
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TokenException(Reason.MALFORMED, what + " is not JSON" + (e.getOriginalMessage().startsWith("Duplicate")
                    ? " (duplicate field)" : ""));
        } catch (java.io.IOException e) {
            throw new TokenException(Reason.MALFORMED, what + " is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new TokenException(Reason.MALFORMED, what + " is not a JSON object");
        }
        return n;
    }

    private static byte[] base64Url(String part, String what) throws TokenException {
        if (part.isEmpty()) {
            throw new TokenException(Reason.MALFORMED, what + " is empty");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new TokenException(Reason.MALFORMED, what + " is not base64url");
        }
    }

    private static String instant(double epochSeconds) {
        return Instant.ofEpochMilli((long) (epochSeconds * 1000)).toString();
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}

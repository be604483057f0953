package org.javameet.signaling.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived TURN credentials in the "TURN REST API" scheme (draft-uberti-behave-turn-rest-00 §2.2) that
 * coturn checks with {@code use-auth-secret}: the username is {@code <expiry unix seconds>:<participant id>},
 * the password is base64(HMAC-SHA1(shared secret, username)). coturn recomputes the password from the
 * username and refuses a username whose expiry has passed, so the server never talks to coturn.
 *
 * <p>The secret stays inside this object: {@link #toString()} does not show it.
 */
public final class TurnCredentials {
    /** One issued pair, as an RTCIceServer wants it. */
    public record Issued(String username, String credential, long expiresAtEpochSeconds) {}

    private final SecretKeySpec key;

    /** @param secret coturn's {@code static-auth-secret}: its bytes (UTF-8) are the HMAC key, as coturn uses them */
    public TurnCredentials(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("empty TURN secret");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    /** Credentials for {@code participantId} valid until {@code expiresAtEpochSeconds}. */
    public Issued issue(String participantId, long expiresAtEpochSeconds) {
        if (participantId.indexOf(':') >= 0) {
            // coturn takes everything before the first ':' as the expiry
            throw new IllegalArgumentException("participant id contains ':'");
        }
        String username = expiresAtEpochSeconds + ":" + participantId;
        return new Issued(username, password(username), expiresAtEpochSeconds);
    }

    /** base64(HMAC-SHA1(secret, username)). */
    String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e); // every JVM must have it
        }
    }

    @Override
    public String toString() {
        return "TurnCredentials[secret=(hidden)]";
    }
}

package org.javameet.signaling.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A room's password, set by a moderator. Only its SHA-256 is kept, and a guess is compared hash to hash
 * with {@link MessageDigest#isEqual} (constant time), so neither the content nor the length of the password
 * shows in how long a wrong guess takes. Guarded by the room's monitor.
 */
final class RoomPassword {
    static final int MAX_LENGTH = 64;

    private byte[] hash;

    boolean locked() {
        return hash != null;
    }

    /** Null removes the password. */
    void set(String password) {
        hash = password == null ? null : sha256(password);
    }

    /** Passes when the room is not locked or {@code given} is its password. */
    void check(String given) throws SignalingException {
        if (hash == null) {
            return;
        }
        if (given == null) {
            throw new SignalingException("password-required", "this room is locked with a password");
        }
        if (!MessageDigest.isEqual(hash, sha256(given))) {
            throw new SignalingException("wrong-password", "wrong password for this room");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

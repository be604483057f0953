package org.javameet.signaling.auth;

/**
 * What javameet takes from a valid token.
 *
 * @param displayName {@code context.user.name}, or null
 * @param moderator   {@code moderator} (or Jitsi's {@code context.user.moderator}, bool or "true")
 * @param room        the {@code room} claim: a room name or {@code *}
 * @param expiresAt   {@code exp}: a session joined with the token ends then (plus the leeway)
 * @param recording   Jitsi's {@code context.features.recording} (bool or "true"/"false"): true lets its holder
 *                    record, false forbids it even to a moderator; null when the claim is absent (moderators may)
 */
public record VerifiedToken(String displayName, boolean moderator, String room, java.time.Instant expiresAt,
        Boolean recording) {
    public VerifiedToken(String displayName, boolean moderator, String room, java.time.Instant expiresAt) {
        this(displayName, moderator, room, expiresAt, null);
    }
}

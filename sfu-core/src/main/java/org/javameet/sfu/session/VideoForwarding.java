package org.javameet.sfu.session;

import java.util.Set;

/**
 * Whose video each member receives.
 *
 * @param lastN camera video from at most this many others, the most recent dominant speakers (then the others in
 *              the order they joined); -1: everyone's (Jitsi's lastN)
 * @param alwaysForwardedLabels tracks with these labels (the caller's vocabulary, see {@link TrackLabeler}: its
 *                              screen shares) reach everyone whatever lastN says
 */
public record VideoForwarding(int lastN, Set<String> alwaysForwardedLabels) {
    public VideoForwarding {
        if (lastN < -1) {
            throw new IllegalArgumentException("lastN must be -1 (no limit) or more, got " + lastN);
        }
        alwaysForwardedLabels = Set.copyOf(alwaysForwardedLabels);
    }

    /** Everyone's video to everyone. */
    public static VideoForwarding all() {
        return new VideoForwarding(-1, Set.of());
    }
}

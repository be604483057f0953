package org.javameet.signaling.room;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resume tokens of every participant on the server (docs/protocol.md, "Resuming"): 128 random bits each, sent only
 * to the participant in {@code joined}/{@code resumed}. A token is used once (a resume issues a new one) and dies
 * with its participant, so a wrong, used or expired token finds nobody.
 */
final class ResumeTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Participant> byToken = new ConcurrentHashMap<>();
    private final java.time.Duration grace;
    private final java.util.concurrent.ScheduledExecutorService timer;

    /** @param timer runs the removals at the end of grace periods (short tasks that take a room's lock) */
    ResumeTokens(java.time.Duration grace, java.util.concurrent.ScheduledExecutorService timer) {
        this.grace = grace;
        this.timer = timer;
    }

    java.time.Duration grace() {
        return grace;
    }

    /** Runs {@code task} once the grace period is over. */
    java.util.concurrent.ScheduledFuture<?> afterGrace(Runnable task) {
        return timer.schedule(task, grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A new token for {@code p}, replacing (and voiding) the one it had. */
    String issue(Participant p) {
        revoke(p);
        byte[] b = new byte[16];
        String token;
        do {
            RANDOM.nextBytes(b);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (byToken.putIfAbsent(token, p) != null);
        p.resumeToken(token);
        return token;
    }

    /** The participant holding {@code token}, whose token it then revokes (one use); null when none does. */
    Participant take(String token) {
        Participant p = token == null ? null : byToken.remove(token);
        if (p != null) {
            p.resumeToken(null);
        }
        return p;
    }

    void revoke(Participant p) {
        String t = p.resumeToken();
        if (t != null) {
            byToken.remove(t, p);
            p.resumeToken(null);
        }
    }

    int size() {
        return byToken.size();
    }
}

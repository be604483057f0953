package org.javameet.signaling.room;

/**
 * Per-connection and per-address limits of the signaling protocol (config {@code limits.*}).
 *
 * @param messagesPerSecond WebSocket messages a connection may send per second (burst: 3 s worth)
 * @param chatPerSecond chat messages a connection may send per second (burst: 5 s worth, at least 5)
 * @param passwordAttempts wrong room passwords an address may try before it must wait (1 s, doubling to 60 s)
 * @param resumeGrace how long a participant whose socket dropped (or whose media consent expired) is kept for a
 *                    {@code resume} before being removed
 */
public record SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts,
                              java.time.Duration resumeGrace) {
    public static final java.time.Duration DEFAULT_RESUME_GRACE = java.time.Duration.ofSeconds(30);

    public SignalingLimits {
        if (messagesPerSecond < 1 || chatPerSecond < 1 || passwordAttempts < 1 || resumeGrace.isNegative()
                || resumeGrace.isZero()) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts) {
        this(messagesPerSecond, chatPerSecond, passwordAttempts, DEFAULT_RESUME_GRACE);
    }

    public static SignalingLimits defaults() {
        return new SignalingLimits(20, 2, 5);
    }

    public SignalingLimits withResumeGrace(java.time.Duration grace) {
        return new SignalingLimits(messagesPerSecond, chatPerSecond, passwordAttempts, grace);
    }
}

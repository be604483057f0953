package org.javameet.signaling.room;

/**
 * Per-connection and per-address limits of the signaling protocol (config {@code limits.*}).
 *
 * @param messagesPerSecond WebSocket messages a connection may send per second (burst: 3 s worth)
 * @param chatPerSecond chat messages a connection may send per second (burst: 5 s worth, at least 5)
 * @param passwordAttempts wrong room passwords an address may try before it must wait (1 s, doubling to 60 s)
 */
public record SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts) {
    public SignalingLimits {
        if (messagesPerSecond < 1 || chatPerSecond < 1 || passwordAttempts < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static SignalingLimits defaults() {
        return new SignalingLimits(20, 2, 5);
    }
}

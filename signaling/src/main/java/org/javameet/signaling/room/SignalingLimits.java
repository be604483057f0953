package org.javameet.signaling.room;

/**
 * Per-connection, per-address and per-room limits of the signaling protocol (config {@code limits.*}).
 *
 * @param messagesPerSecond WebSocket messages a connection may send per second (burst: 3 s worth)
 * @param chatPerSecond chat messages a connection may send per second (burst: 5 s worth, at least 5)
 * @param passwordAttempts wrong room passwords an address may try before it must wait (1 s, doubling to 60 s)
 * @param maxRooms open rooms on the server ({@code server-full} for the next new room)
 * @param maxRoomsPerAddress open rooms one client address created ({@code too-many-rooms})
 * @param maxOccupants participants in one room ({@code room-full}; Prosody/Jitsi: {@code muc_max_occupants})
 * @param maxLobbyWaiters people waiting in one room's lobby ({@code lobby-full})
 * @param maxLobbyWaitersPerAddress lobby places one client address holds, over all rooms ({@code too-many-waiting})
 * @param resumeGrace how long a participant whose socket dropped (or whose media consent expired) is kept for a
 *                    {@code resume} before being removed
 */
public record SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts, int maxRooms,
        int maxRoomsPerAddress, int maxOccupants, int maxLobbyWaiters, int maxLobbyWaitersPerAddress,
        java.time.Duration resumeGrace) {
    public static final java.time.Duration DEFAULT_RESUME_GRACE = java.time.Duration.ofSeconds(30);

    public SignalingLimits {
        if (messagesPerSecond < 1 || chatPerSecond < 1 || passwordAttempts < 1 || maxRooms < 1
                || maxRoomsPerAddress < 1 || maxOccupants < 1 || maxLobbyWaiters < 1 || maxLobbyWaitersPerAddress < 1
                || resumeGrace.isNegative() || resumeGrace.isZero()) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts, int maxRooms,
            int maxRoomsPerAddress, int maxOccupants, int maxLobbyWaiters, int maxLobbyWaitersPerAddress) {
        this(messagesPerSecond, chatPerSecond, passwordAttempts, maxRooms, maxRoomsPerAddress, maxOccupants,
                maxLobbyWaiters, maxLobbyWaitersPerAddress, DEFAULT_RESUME_GRACE);
    }

    public SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts) {
        this(messagesPerSecond, chatPerSecond, passwordAttempts, 1000, 10, 100, 50, 5);
    }

    public static SignalingLimits defaults() {
        return new SignalingLimits(20, 2, 5, 1000, 10, 100, 50, 5);
    }

    public SignalingLimits withResumeGrace(java.time.Duration grace) {
        return new SignalingLimits(messagesPerSecond, chatPerSecond, passwordAttempts, maxRooms, maxRoomsPerAddress,
                maxOccupants, maxLobbyWaiters, maxLobbyWaitersPerAddress, grace);
    }
}

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
 */
public record SignalingLimits(int messagesPerSecond, int chatPerSecond, int passwordAttempts, int maxRooms,
        int maxRoomsPerAddress, int maxOccupants, int maxLobbyWaiters, int maxLobbyWaitersPerAddress) {
    public SignalingLimits {
        if (messagesPerSecond < 1 || chatPerSecond < 1 || passwordAttempts < 1 || maxRooms < 1
                || maxRoomsPerAddress < 1 || maxOccupants < 1 || maxLobbyWaiters < 1 || maxLobbyWaitersPerAddress < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static SignalingLimits defaults() {
        return new SignalingLimits(20, 2, 5, 1000, 10, 100, 50, 5);
    }
}

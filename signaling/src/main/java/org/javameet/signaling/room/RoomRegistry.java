package org.javameet.signaling.room;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.javameet.sfu.net.MediaServer;
import org.javameet.signaling.http.WebSocketSession;

/** All rooms by name. A room is created by its first join and closed when its last participant leaves. */
public final class RoomRegistry {
    /** The characters of an unreserved URL path segment, so a room name is its own URL. */
    public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger participantCount = new AtomicInteger();
    private final MediaServer media;
    private final RoomEvents events = new RoomEvents() {
        @Override
        public void participantCountChanged(int delta) {
            participantCount.addAndGet(delta);
        }

        @Override
        public void roomClosed(Room room) {
            rooms.remove(room.name(), room);
        }
    };

    public RoomRegistry(MediaServer media) {
        this.media = media;
    }

    /** Room names are case-insensitive, as people type them: "Standup" and "standup" are one meeting. */
    static String key(String roomName) {
        return roomName.toLowerCase(java.util.Locale.ROOT);
    }

    Participant join(String roomName, WebSocketSession session, String displayName, boolean audioMuted,
                     boolean videoMuted) throws SignalingException {
        if (!ROOM_NAME.matcher(roomName).matches()) {
            throw new SignalingException("bad-room", "room name must be 1-64 characters of A-Z a-z 0-9 . _ ~ -");
        }
        String key = key(roomName);
        while (true) {
            Room room = rooms.computeIfAbsent(key, k -> new Room(k, media, events));
            Participant p = room.join(session, displayName, audioMuted, videoMuted);
            if (p != null) {
                return p;
            }
            rooms.remove(key, room); // it closed between look-up and join; make a fresh one
        }
    }

    Room room(String roomName) {
        return rooms.get(key(roomName));
    }

    public int roomCount() {
        return rooms.size();
    }

    public int participantCount() {
        return participantCount.get();
    }

    public Collection<Room> rooms() {
        return List.copyOf(rooms.values());
    }
}

package org.javameet.signaling.room;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.signaling.http.WebSocketSession;
import org.javameet.signaling.recording.Recordings;

/** All rooms by name. A room is created by its first join and closed when its last participant leaves. */
public final class RoomRegistry {
    /** The characters of an unreserved URL path segment, so a room name is its own URL. */
    private final SignalingLimits limits;
    private final PasswordGuard passwords;

    public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger participantCount = new AtomicInteger();
    private final MediaRooms media;
    private final AccessPolicy access;
    private final Recordings recordings;
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

    /** Open to everyone, no lobby. */
    public RoomRegistry(MediaRooms media) {
        this(media, AccessPolicy.open());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access) {
        this(media, access, SignalingLimits.defaults());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits) {
        this(media, access, limits, Recordings.disabled());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits, Recordings recordings) {
        this.recordings = recordings;
        this.limits = limits;
        this.passwords = new PasswordGuard(limits.passwordAttempts());
        this.media = media;
        this.access = access;
    }

    /** Room names are case-insensitive, as people type them: "Standup" and "standup" are one meeting. */
    static String key(String roomName) {
        return roomName.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Checks the token (if any) against the server's auth mode, then joins the room or waits in its lobby. A
     * room is created only for someone allowed to create one; a refused join creates nothing.
     *
     * @param bind receives the participant before its {@code joined} is sent (later, for a lobby admission)
     */
    Room.JoinResult join(JoinRequest request, WebSocketSession session, Consumer<Participant> bind)
            throws SignalingException {
        if (!ROOM_NAME.matcher(request.room()).matches()) {
            throw new SignalingException("bad-room", "room name must be 1-64 characters of A-Z a-z 0-9 . _ ~ -");
        }
        AccessPolicy.Admission admission = access.admit(request);
        String key = key(request.room());
        while (true) {
            Room room = admission.mayCreateRoom()
                    ? rooms.computeIfAbsent(key, k -> new Room(k, media, events, access.lobbyForNewRooms(), recordings))
                    : rooms.get(key);
            if (room == null) {
                throw new SignalingException("auth-required", "room " + request.room() + " has not started yet, and"
                        + " only participants with a token may start a meeting");
            }
            Room.JoinResult result = guardedJoin(room, session, request, admission, bind);
            if (result != null) {
                return result;
            }
            rooms.remove(key, room); // it closed between look-up and join; make a fresh one
        }
    }

    /** A join whose password guesses are limited per client address (PasswordGuard). */
    private Room.JoinResult guardedJoin(Room room, WebSocketSession session, JoinRequest request,
            AccessPolicy.Admission admission, Consumer<Participant> bind) throws SignalingException {
        InetAddress from = session.remoteAddress() == null ? null : session.remoteAddress().getAddress();
        long now = System.nanoTime();
        if (from != null && request.password() != null) {
            passwords.check(from, now);
        }
        try {
            Room.JoinResult result = room.join(session, request, admission, bind);
            if (from != null && request.password() != null && result != null) {
                passwords.succeeded(from);
            }
            return result;
        } catch (SignalingException e) {
            if (from != null && e.code().equals("wrong-password")) {
                passwords.failed(from, now);
            }
            throw e;
        }
    }

    SignalingLimits limits() {
        return limits;
    }

    Room room(String roomName) {
        return rooms.get(key(roomName));
    }

    public int roomCount() {
        return rooms.size();
    }

    public Recordings recordings() {
        return recordings;
    }

    public int participantCount() {
        return participantCount.get();
    }

    public Collection<Room> rooms() {
        return List.copyOf(rooms.values());
    }
}

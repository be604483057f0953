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
import org.javameet.signaling.turn.IceServers;
import org.javameet.signaling.recording.Recordings;

/** All rooms by name. A room is created by its first join and closed when its last participant leaves. */
public final class RoomRegistry {
    /** lastN as the media session takes it: screen shares are always forwarded (our label for them). */
    public static org.javameet.sfu.session.VideoForwarding videoForwarding(int lastN) {
        return new org.javameet.sfu.session.VideoForwarding(lastN, java.util.Set.of(TrackSources.SCREEN));
    }

    /** The characters of an unreserved URL path segment, so a room name is its own URL. */
    private final SignalingLimits limits;
    private final PasswordGuard passwords;
    private final AddressQuota roomsByAddress;
    private final AddressQuota lobbyPlacesByAddress;
    /** Held while checking the room caps and adding a room, so two creations cannot both take the last place. */
    private final Object creation = new Object();

    public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger participantCount = new AtomicInteger();
    private final MediaRooms media;
    private final AccessPolicy access;
    private final IceServers iceServers;
    private final Recordings recordings;
    private final RoomEvents events = new RoomEvents() {
        @Override
        public void participantCountChanged(int delta) {
            participantCount.addAndGet(delta);
        }

        @Override
        public void roomClosed(Room room) {
            if (rooms.remove(room.name(), room)) {
                roomsByAddress.release(room.creator());
            }
        }

        @Override
        public void participantRemoved(String reason) {
            removals.computeIfAbsent(reason, r -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
    };
    /** The labels of {@code javameet_participants_removed_total}. */
    static final List<String> REMOVAL_REASONS = List.of("left", "kicked", "resume_expired", "consent_expired",
            "media_failed", "disconnected");
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> removals = new ConcurrentHashMap<>();
    private final ResumeTokens resumeTokens;
    private static final java.util.concurrent.ScheduledExecutorService GRACE_TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "resume-grace");
                t.setDaemon(true);
                return t;
            });

    /** Open to everyone, no lobby. */
    public RoomRegistry(MediaRooms media) {
        this(media, AccessPolicy.open());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access) {
        this(media, access, SignalingLimits.defaults());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits) {
        this(media, access, limits, IceServers.none(), Recordings.disabled());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits, IceServers iceServers) {
        this(media, access, limits, iceServers, Recordings.disabled());
    }

    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits, Recordings recordings) {
        this(media, access, limits, IceServers.none(), recordings);
    }

    /**
     * @param iceServers the TURN servers and credentials each participant gets in {@code joined}
     * @param recordings where and how rooms record (config {@code recording})
     */
    public RoomRegistry(MediaRooms media, AccessPolicy access, SignalingLimits limits, IceServers iceServers,
            Recordings recordings) {
        this.iceServers = iceServers;
        this.recordings = recordings;
        this.limits = limits;
        this.resumeTokens = new ResumeTokens(limits.resumeGrace(), GRACE_TIMER);
        this.passwords = new PasswordGuard(limits.passwordAttempts());
        this.roomsByAddress = new AddressQuota(limits.maxRoomsPerAddress());
        this.lobbyPlacesByAddress = new AddressQuota(limits.maxLobbyWaitersPerAddress());
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
        InetAddress from = Lobby.addressOf(session);
        long now = System.nanoTime();
        if (from != null && request.password() != null) {
            passwords.check(from, now); // before a room is made for it
        }
        String key = key(request.room());
        while (true) {
            Room room = rooms.get(key);
            if (room == null && admission.mayCreateRoom()) {
                room = create(key, from);
            }
            if (room == null) {
                throw new SignalingException("auth-required", "room " + request.room() + " has not started yet, and"
                        + " only participants with a token may start a meeting");
            }
            Room.JoinResult result = guardedJoin(room, from, now, request, session, admission, bind);
            if (result != null) {
                return result;
            }
            rooms.remove(key, room); // it closed between look-up and join; make a fresh one
        }
    }

    /**
     * A {@code resume}: the participant holding {@code token} continues on {@code session}. A wrong, used or expired
     * token is {@code resume-failed}; the client then joins as a new participant.
     */
    void resume(String token, WebSocketSession session, Consumer<Participant> bind) throws SignalingException {
        Participant p = resumeTokens.take(token);
        if (p == null) {
            throw new SignalingException("resume-failed", "unknown, already used or expired resume token; join again");
        }
        p.room().reconnects().resume(p, session, bind);
    }

    long removals(String reason) {
        java.util.concurrent.atomic.LongAdder a = removals.get(reason);
        return a == null ? 0 : a.sum();
    }

    /**
     * The room {@code key}, made for {@code from} unless there are {@code limits.maxRooms} rooms ({@code server-full})
     * or {@code from} created {@code limits.maxRoomsPerAddress} of the open ones ({@code too-many-rooms}).
     */
    private Room create(String key, InetAddress from) throws SignalingException {
        synchronized (creation) {
            Room existing = rooms.get(key);
            if (existing != null) {
                return existing;
            }
            if (rooms.size() >= limits.maxRooms()) {
                throw new SignalingException("server-full", "this server holds " + limits.maxRooms()
                        + " meetings already; try again later");
            }
            if (!roomsByAddress.tryTake(from)) {
                throw new SignalingException("too-many-rooms", "your address has started " + limits.maxRoomsPerAddress()
                        + " meetings that are still open");
            }
            Room room = new Room(key, media, events, access.lobbyForNewRooms(), limits, lobbyPlacesByAddress, from,
                    resumeTokens, iceServers, recordings);
            rooms.put(key, room);
            return room;
        }
    }

    /** A join whose password guesses are limited per client address (PasswordGuard). */
    private Room.JoinResult guardedJoin(Room room, InetAddress from, long now, JoinRequest request,
            WebSocketSession session, AccessPolicy.Admission admission, Consumer<Participant> bind)
            throws SignalingException {
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
            room.closeIfEmpty(); // a room made for a refused first join does not stay
            throw e;
        }
    }

    IceServers iceServers() {
        return iceServers;
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

    /** Participants whose most indirect connection is {@code kind}; read on each scrape, one room lock at a time. */
    int participantsConnectedAs(ConnectionKind kind) {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.countConnectedAs(kind);
        }
        return n;
    }

    /** Server shutdown: every room closes, releasing its media (a participant kept for a resume included). */
    public void closeAll() {
        for (Room room : rooms()) {
            room.closeForShutdown();
        }
    }

    public Collection<Room> rooms() {
        return List.copyOf(rooms.values());
    }
}

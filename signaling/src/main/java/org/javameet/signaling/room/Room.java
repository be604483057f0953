package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.javameet.sfu.session.MediaRoom;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.signaling.http.WebSocketSession;
import org.javameet.signaling.recording.Recordings;
import org.javameet.signaling.turn.IceServers;

/**
 * One meeting: membership, lobby, moderation and messages. Its parts hold the rest: {@link RoomMedia}
 * (negotiation and what the media loop reports, over the sfu's {@link MediaRoom}), {@link RoomRecording},
 * {@link ReconnectGrace} (dropped connections, resumes), {@link Moderation} and {@link Lobby}.
 *
 * <p>Locking: the room's monitor guards the signaling state of the room and of all its parts; every part's
 * signaling entry point takes it, and the rest runs with it held. The MediaRoom queues media work onto the media
 * loop without blocking, so the lock is never held across a wait; the media loop itself takes it only when a
 * transport closes ({@link ReconnectGrace#mediaFailed}), and hands everything else off ({@link RoomMedia}).
 */
public final class Room {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    private final String name;
    /** The client address that created the room, for {@code limits.maxRoomsPerAddress}; null if unknown. */
    private final InetAddress creator;
    private final int maxOccupants;
    private final RoomMedia media;
    private final RoomEvents events;
    private final IceServers iceServers;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private final RoomPassword password = new RoomPassword();
    private final Lobby lobby;
    private final Moderation moderation = new Moderation(this);
    private final ResumeTokens resume;
    private final RoomRecording recording;
    private final ReconnectGrace reconnects;
    private final ChatHistory chatHistory = new ChatHistory(ChatHistory.MAX_MESSAGES, ChatHistory.MAX_TEXT_CHARS);
    private boolean closed;

    Room(String name, MediaRooms mediaRooms, RoomEvents events, boolean lobbyEnabled, SignalingLimits limits,
            AddressQuota lobbyPlaces, InetAddress creator, ResumeTokens resume, IceServers iceServers,
            Recordings recordings) {
        this.name = name;
        this.creator = creator;
        this.maxOccupants = limits.maxOccupants();
        this.resume = resume;
        this.iceServers = iceServers;
        this.lobby = new Lobby(this, lobbyEnabled, limits.maxLobbyWaiters(), lobbyPlaces);
        this.events = events;
        this.media = new RoomMedia(this, mediaRooms);
        this.recording = new RoomRecording(this, this.media.session(), recordings);
        this.reconnects = new ReconnectGrace(this, resume, media);
    }

    public String name() { return name; }

    InetAddress creator() { return creator; }

    public synchronized int size() { return participants.size(); }


    /** What a join led to: a participant, or a place in the lobby. */
    sealed interface JoinResult permits Joined, Waiting {
    }

    /** @param tokenExpiresAt when the participant's token expires (their session then ends), or null */
    record Joined(Participant participant, java.time.Instant tokenExpiresAt) implements JoinResult {
    }

    record Waiting(Lobby.Waiter waiter) implements JoinResult {
    }

    /**
     * Joins, or queues in the lobby; returns null when the room closed meanwhile (the registry then makes a new
     * one). Password and room-full refusals are thrown before anything is created. A token holder, and the first
     * one in, skip password and lobby; with the lobby on, a correct password skips the lobby (as in Jitsi Meet).
     *
     * @param bind called with the participant before {@code joined} is sent, on whatever thread admits it
     */
    synchronized JoinResult join(WebSocketSession session, JoinRequest request, AccessPolicy.Admission admission,
                                 Consumer<Participant> bind) throws SignalingException {
        if (closed) {
            return null;
        }
        boolean first = participants.isEmpty();
        if (!first && !admission.tokenHolder()) {
            boolean passwordGiven = request.password() != null;
            if (password.locked() && (passwordGiven || !lobby.enabled())) {
                password.check(request.password());
            } else if (lobby.enabled()) {
                requireRoomForOneMore();
                Lobby.Waiter w = lobby.add(session, request, admission.displayName(), bind);
                ObjectNode waiting = Messages.message("lobbyWaiting");
                waiting.put("room", name);
                session.send(waiting.toString());
                toModerators(Lobby.request(w));
                LOG.info(() -> "room " + name + ": " + w.requestId + " waits in the lobby");
                return new Waiting(w);
            }
        }
        Participant p = addParticipant(session, admission.displayName(), request.audioMuted(), request.videoMuted(),
                first || admission.moderator(), admission.recordingClaim(), bind);
        p.tokenExpiresAt(admission.tokenExpiresAt()); // kept with them: a resume on another socket re-arms it
        return new Joined(p, admission.tokenExpiresAt());
    }

    private void requireRoomForOneMore() throws SignalingException {
        if (participants.size() >= maxOccupants) {
            throw new SignalingException("room-full", "room " + name + " has reached " + maxOccupants + " participants");
        }
    }

    private Participant addParticipant(WebSocketSession session, String displayName, boolean audioMuted,
                                       boolean videoMuted, boolean moderator, Boolean recordingClaim,
                                       Consumer<Participant> bind) throws SignalingException {
        requireRoomForOneMore();
        String id;
        do {
            id = "p" + Long.toHexString(ThreadLocalRandom.current().nextLong(0x10000000L, 0xFFFFFFFFL));
        } while (participants.containsKey(id));
        Participant p = new Participant(id, this, session, displayName, audioMuted, videoMuted);
        p.moderator(moderator);
        p.recordingClaim(recordingClaim);

        // told before anything of theirs is published, so before their media can be recorded
        ObjectNode joined = welcomeBack("joined", p, resume.issue(p));
        recording.named(p);
        ObjectNode announce = Messages.message("participantJoined");
        announce.set("participant", Messages.participant(p));
        broadcast(announce, null);
        participants.put(id, p);
        bind.accept(p);
        p.send(joined);
        p.send(roomUpdated());
        if (moderator) {
            sendLobbyRequests(p);
        }

        media.joined(p);
        events.participantCountChanged(1);
        LOG.info(() -> "room " + name + ": " + p + " joined (" + participants.size() + " in room)");
        return p;
    }

    /** {@code joined} or {@code resumed}: who you are, who else is here, and your resume token. */
    ObjectNode welcomeBack(String type, Participant p, String token) {
        ObjectNode n = Messages.message(type);
        n.put("room", name);
        n.set("you", Messages.participant(p));
        ArrayNode others = n.putArray("participants");
        for (Participant o : participants.values()) {
            if (o != p) {
                others.add(Messages.participant(o));
            }
        }
        n.put("resumeToken", token);
        n.put("resumeGraceSeconds", resume.grace().toSeconds());
        Messages.putIceServers(n, iceServers, p.id()); // fresh TURN credentials on resume too
        n.set("recording", recording.state(null, null));
        n.set("chatHistory", chatHistory.toJson());
        media.describeTo(n, p);
        return n;
    }

    /** A moderator let a waiter in: they join as anyone else does (caller holds the lock). */
    void admit(Lobby.Waiter w, Participant by) {
        if (!w.session.isOpen()) {
            toModerators(Lobby.resolved(w, false, by));
            return;
        }
        try {
            addParticipant(w.session, w.displayName, w.request.audioMuted(), w.request.videoMuted(), false, null, p -> {
                w.admittedAs = p;
                w.onAdmitted.accept(p);
            });
        } catch (SignalingException e) {
            w.session.send(Messages.error(e.code(), e.getMessage(), "join", null).toString());
            w.session.close(Lobby.CLOSE_DENIED, e.code());
            toModerators(Lobby.resolved(w, false, by));
            return;
        }
        toModerators(Lobby.resolved(w, true, by));
    }

    /** A waiter's socket closed: moderators learn the request is void. */
    synchronized void lobbyLeft(Lobby.Waiter w) {
        if (lobby.remove(w)) {
            toModerators(Lobby.resolved(w, false, null));
        } else if (w.admittedAs != null) {
            leave(w.admittedAs, "disconnected"); // admitted while its socket was closing
        }
    }

    synchronized void updateMedia(Participant p, Boolean audioMuted, Boolean videoMuted) throws SignalingException {
        requireMember(p);
        if (audioMuted != null) {
            p.audioMuted(audioMuted);
        }
        if (videoMuted != null) {
            p.videoMuted(videoMuted);
        }
        announceUpdate(p);
    }

    synchronized void setDisplayName(Participant p, String displayName) throws SignalingException {
        requireMember(p);
        p.displayName(displayName);
        recording.named(p);
        announceUpdate(p);
    }

    synchronized void raiseHand(Participant p, boolean raised) throws SignalingException {
        requireMember(p);
        p.handRaised(raised);
        announceUpdate(p);
    }

    void announceUpdate(Participant p) {
        ObjectNode n = Messages.message("participantUpdated");
        n.set("participant", Messages.participant(p));
        broadcastDroppable(n);
    }

    synchronized void chat(Participant p, String text) throws SignalingException {
        requireMember(p);
        ObjectNode n = Messages.message("chat");
        n.put("from", p.id());
        n.put("displayName", p.displayName());
        n.put("text", text);
        n.put("ts", System.currentTimeMillis());
        broadcastDroppable(n);
        chatHistory.add(n);
    }

    /** Removes the participant and their media; idempotent. */
    synchronized void leave(Participant p, String reason) {
        remove(p, reason, reason);
    }

    /**
     * Removes the participant (caller holds the lock).
     * @param label why, for the removal counter: left, kicked, disconnected, resume_expired, consent_expired
     */
    void remove(Participant p, String reason, String label) {
        if (participants.get(p.id()) != p) {
            return;
        }
        participants.remove(p.id());
        resume.revoke(p);
        p.cancelRemoval();
        events.participantRemoved(label);
        media.removed(p);
        ObjectNode left = Messages.message("participantLeft");
        left.put("participantId", p.id());
        left.put("reason", reason);
        broadcast(left, null);
        if (p.moderator() && !participants.isEmpty()
                && participants.values().stream().noneMatch(Participant::moderator)) {
            // moderator rights pass on to the longest-present participant, with the lobby's pending requests
            makeModerator(participants.values().iterator().next());
        }
        for (Participant o : participants.values()) {
            media.renegotiate(o);
        }
        events.participantCountChanged(-1);
        LOG.info(() -> "room " + name + ": " + p + " left (" + reason + "), " + participants.size() + " remain");
        if (participants.isEmpty()) {
            close();
        }
    }

    /**
     * Server shutdown: the room ends whoever is in it (their sockets are closing anyway). Its media is released
     * (the producers' packet caches), and a running recording is stopped ({@code server-shutdown}) and handed to
     * finalizing, which the server's shutdown waits for ({@link Recordings#close}).
     */
    synchronized void closeForShutdown() {
        if (!closed) {
            recording.roomClosing("server-shutdown", "the server is shutting down");
            close();
        }
    }

    synchronized void closeIfEmpty() {
        if (!closed && participants.isEmpty()) {
            close();
        }
    }

    private void close() {
        for (Lobby.Waiter w : lobby.takeAll()) {
            Lobby.deny(w, "everyone left the meeting");
        }
        recording.roomClosing("room-closed", "everyone left the meeting");
        closed = true;
        media.close();
        events.roomClosed(this);
    }

    /** How many participants count as {@code kind} (their most indirect connection); for {@code /metrics}. */
    synchronized int countConnectedAs(ConnectionKind kind) {
        int n = 0;
        for (Participant p : participants.values()) {
            if (p.connectionKind() == kind) {
                n++;
            }
        }
        return n;
    }

    void requireMember(Participant p) throws SignalingException {
        if (participants.get(p.id()) != p) {
            throw new SignalingException("not-joined", "not in room " + name);
        }
    }

    /** Chat and presence: a client too slow to read them loses them, not its connection. */
    private void broadcastDroppable(ObjectNode message) {
        String text = message.toString();
        for (Participant o : participants.values()) {
            if (o.session().isOpen()) {
                o.session().sendDroppable(text);
            }
        }
    }

    void broadcast(ObjectNode message, Participant except) {
        String text = message.toString();
        for (Participant o : participants.values()) {
            if (o != except && o.session().isOpen()) {
                o.session().send(text);
            }
        }
    }

    synchronized List<Participant> participants() {
        return List.copyOf(participants.values());
    }

    // ---- for the room's parts (Moderation, Lobby, RoomMedia, RoomRecording, ReconnectGrace), which hold the lock ----

    Moderation moderation() {
        return moderation;
    }

    RoomPassword password() {
        return password;
    }

    Lobby lobby() {
        return lobby;
    }

    /** The participant with this id; {@code unknown-participant} if there is none. */
    Participant member(String participantId) throws SignalingException {
        Participant p = participants.get(participantId);
        if (p == null) {
            throw new SignalingException("unknown-participant", "no participant " + abbreviate(participantId) + " in this room");
        }
        return p;
    }

    Collection<Participant> members() {
        return participants.values();
    }

    void makeModerator(Participant p) {
        if (!p.moderator()) {
            p.moderator(true);
            announceUpdate(p);
            sendLobbyRequests(p);
        }
    }

    void sendLobbyRequests(Participant moderator) {
        for (Lobby.Waiter w : lobby.pending()) {
            moderator.send(Lobby.request(w));
        }
    }

    void toModerators(ObjectNode message) {
        String text = message.toString();
        for (Participant o : participants.values()) {
            if (o.moderator() && o.session().isOpen()) {
                o.session().send(text);
            }
        }
    }

    ObjectNode roomUpdated() {
        ObjectNode n = Messages.message("roomUpdated");
        n.put("locked", password.locked());
        n.put("lobbyEnabled", lobby.enabled());
        n.put("recording", recording.active());
        return n;
    }

    /** The meeting's media: negotiation and what the media loop reports. */
    RoomMedia media() {
        return media;
    }

    /** Who is reconnecting, and resumes on a new socket. */
    ReconnectGrace reconnects() {
        return reconnects;
    }

    /** The meeting's recording. */
    RoomRecording recording() {
        return recording;
    }

    /** For /metrics and tests. */
    synchronized boolean isRecording() {
        return recording.active();
    }

    /** The participant with this id, or null (caller holds the lock). */
    Participant participant(String participantId) {
        return participants.get(participantId);
    }

    /** Whether the room closed: everyone left, or the server shut down (caller holds the lock). */
    boolean isClosed() {
        return closed;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}

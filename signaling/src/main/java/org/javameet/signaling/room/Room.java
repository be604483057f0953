package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.javameet.sfu.session.MediaRoom;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.sfu.session.MediaSessionException;
import org.javameet.sfu.session.PublishResult;
import org.javameet.sfu.session.SubscribeOffer;
import org.javameet.signaling.http.WebSocketSession;
import org.javameet.sfu.session.RecordingFailure;
import org.javameet.signaling.recording.RecordingException;
import org.javameet.signaling.recording.Recordings;
import org.javameet.signaling.turn.IceServers;

/**
 * One meeting: membership, lobby, moderation and messages; its media is a {@link MediaRoom}. Signaling
 * state is guarded by the room's monitor; the MediaRoom queues its media work onto the media loop without
 * blocking, so the lock is never held across a wait.
 */
public final class Room {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    private final String name;
    /** The client address that created the room, for {@code limits.maxRoomsPerAddress}; null if unknown. */
    private final InetAddress creator;
    private final int maxOccupants;
    private final MediaRoom media;
    private final RoomEvents events;
    private final IceServers iceServers;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private final RoomPassword password = new RoomPassword();
    private final Lobby lobby;
    private final Moderation moderation = new Moderation(this);
    private final ResumeTokens resume;
    private final Recordings recordings;
    private ActiveRecording recording;
    private boolean closed;
    /** The media loop's latest dominant speaker; written there, read when announcing. */
    private volatile SpeakerState latestSpeaker = SpeakerState.NONE;
    /** Per participant, the media loop's latest last-N paused video mids; written there, read when telling them. */
    private final Map<String, List<String>> latestPausedVideo = new java.util.concurrent.ConcurrentHashMap<>();
    /** What each participant was last told in {@code videoPaused}. Guarded by this. */
    private final Map<String, List<String>> toldPausedVideo = new java.util.HashMap<>();
    /** The dominant speaker as last announced to the room. Guarded by this. */
    private SpeakerState announcedSpeaker = SpeakerState.NONE;

    /** Who holds the floor (null: nobody yet) and who held it before, most recent first. */
    private record SpeakerState(String participantId, List<String> recent) {
        static final SpeakerState NONE = new SpeakerState(null, List.of());
    }

    /** The recording running now: its place, who started it, and everyone's name while it ran (for the manifest). */
    private static final class ActiveRecording {
        final Recordings.Slot slot;
        final String startedBy;
        final long startedAtMs = System.currentTimeMillis();
        final Map<String, String> names = new LinkedHashMap<>();

        ActiveRecording(Recordings.Slot slot, String startedBy) {
            this.slot = slot;
            this.startedBy = startedBy;
        }
    }

    Room(String name, MediaRooms media, RoomEvents events, boolean lobbyEnabled, SignalingLimits limits,
            AddressQuota lobbyPlaces, InetAddress creator, ResumeTokens resume, IceServers iceServers,
            Recordings recordings) {
        this.name = name;
        this.creator = creator;
        this.maxOccupants = limits.maxOccupants();
        this.resume = resume;
        this.iceServers = iceServers;
        this.recordings = recordings;
        this.lobby = new Lobby(this, lobbyEnabled, limits.maxLobbyWaiters(), lobbyPlaces);
        this.events = events;
        this.media = media.create(name, new MediaRoom.Listener() {
            @Override
            public void onTransportClosed(String participantId, String transportId, String reason) {
                Room.this.onTransportClosed(participantId, transportId, reason);
            }

            @Override
            public void onBandwidthEstimate(String participantId, long bitsPerSecond) {
                Room.this.onBandwidthEstimate(participantId, bitsPerSecond);
            }

            @Override
            public void onDominantSpeaker(String participantId, List<String> recent) {
                // the media loop only records it; the broadcast runs off the loop (the room's lock may be held),
                // and announces whatever is latest then, so runs that overtake each other announce nothing stale
                latestSpeaker = new SpeakerState(participantId, recent);
                java.util.concurrent.ForkJoinPool.commonPool().execute(Room.this::announceDominantSpeaker);
            }

            @Override
            public void onVideoPaused(String participantId, List<String> pausedMids) {
                // as for the speaker: recorded here, sent off the loop, the latest then
                latestPausedVideo.put(participantId, pausedMids);
                java.util.concurrent.ForkJoinPool.commonPool().execute(() -> Room.this.announcePausedVideo(participantId));
            }

            @Override
            public void onConnectionChanged(String participantId) {
                // off the media loop: the room's lock may be held by a signaling thread, and a broadcast is no
                // media work. Each run reads the current state, so the order of runs does not matter.
                java.util.concurrent.ForkJoinPool.commonPool().execute(() -> Room.this.onConnectionChanged(participantId));
            }
        });
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
        if (recording != null) {
            recording.names.put(id, displayName);
        }
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

        media.join(p.id()); // queues everything already published for the newcomer's first subscribe offer
        renegotiate(p);
        events.participantCountChanged(1);
        LOG.info(() -> "room " + name + ": " + p + " joined (" + participants.size() + " in room)");
        return p;
    }

    /** {@code joined} or {@code resumed}: who you are, who else is here, and your resume token. */
    private ObjectNode welcomeBack(String type, Participant p, String token) {
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
        n.set("recording", recordingState(null, null));
        if (announcedSpeaker.participantId() != null) {
            n.set("dominantSpeaker", dominantSpeaker(announcedSpeaker));
        }
        List<String> paused = toldPausedVideo.get(p.id());
        if (paused != null) { // a resume: what was told on the old socket may not have arrived
            paused.forEach(n.putArray("videoPaused")::add);
        }
        return n;
    }

    /** Tells everyone who the dominant speaker is now, if that changed since the last announcement. */
    private synchronized void announceDominantSpeaker() {
        SpeakerState s = latestSpeaker;
        if (closed || s.equals(announcedSpeaker)) {
            return;
        }
        announcedSpeaker = s;
        broadcast(dominantSpeaker(s), null);
    }

    /** Tells a participant which of their video tracks last-N pauses now, if that changed since they were told. */
    private synchronized void announcePausedVideo(String participantId) {
        Participant p = participants.get(participantId);
        List<String> mids = latestPausedVideo.get(participantId);
        if (closed || p == null || mids == null || mids.equals(toldPausedVideo.get(participantId))) {
            return;
        }
        toldPausedVideo.put(participantId, mids);
        ObjectNode m = Messages.message("videoPaused");
        mids.forEach(m.putArray("mids")::add);
        p.send(m);
    }

    /** {@code dominantSpeaker}: the participant (or null) and the recent speakers still in the room. */
    private ObjectNode dominantSpeaker(SpeakerState s) {
        ObjectNode m = Messages.message("dominantSpeaker");
        if (s.participantId() != null) {
            m.put("participantId", s.participantId());
        } else {
            m.putNull("participantId");
        }
        ArrayNode recent = m.putArray("recent");
        for (String id : s.recent()) {
            if (participants.containsKey(id)) {
                recent.add(id);
            }
        }
        return m;
    }

    /**
     * The participant's socket closed without {@code leave}: they stay (their media too, if it can) and others see
     * them "reconnecting" until they {@link #resume} or the grace period ends. A socket that a resume already
     * replaced changes nothing.
     */
    synchronized void disconnected(Participant p, WebSocketSession session) {
        if (participants.get(p.id()) != p || p.session() != session) {
            return;
        }
        LOG.info(() -> "room " + name + ": " + p + ": signaling connection lost, kept for "
                + resume.grace().toSeconds() + " s");
        markReconnecting(p, "resume_expired");
    }

    private void markReconnecting(Participant p, String removalReason) {
        if (!p.reconnecting()) {
            p.reconnecting(true);
            announceUpdate(p);
        }
        if (!p.removalScheduled()) {
            p.scheduleRemoval(resume.afterGrace(() -> removalDue(p)), removalReason);
        }
    }

    private synchronized void removalDue(Participant p) {
        if (participants.get(p.id()) != p || !p.removalScheduled()) {
            return;
        }
        String label = p.removalReason();
        LOG.info(() -> "room " + name + ": " + p + " did not come back within " + resume.grace().toSeconds()
                + " s (" + label + ")");
        if (p.session().isOpen()) {
            p.session().close(CLOSE_REMOVED, label);
        }
        remove(p, "disconnected", label);
    }

    /** WebSocket close status for a participant removed because they did not come back in time. */
    static final int CLOSE_REMOVED = 4004;

    /**
     * Takes a participant over on a new connection with its (one-use) token: same id, role, hand, tracks and media.
     * They are sent {@code resumed} and the room state, and a fresh subscribe offer; the old socket, if still open,
     * is closed. Throws {@code resume-failed} if they were removed meanwhile.
     */
    synchronized void resume(Participant p, WebSocketSession session, Consumer<Participant> bind)
            throws SignalingException {
        if (closed || participants.get(p.id()) != p) {
            throw new SignalingException("resume-failed", "the participant was removed; join again");
        }
        WebSocketSession old = p.session();
        p.session(session);
        boolean mediaLost = p.mediaFailure() != null;
        if (!mediaLost) {
            p.cancelRemoval();
            p.reconnecting(false);
        }
        bind.accept(p);
        p.send(welcomeBack("resumed", p, resume.issue(p)));
        p.send(roomUpdated());
        if (p.moderator()) {
            sendLobbyRequests(p);
        }
        announceUpdate(p);
        if (mediaLost) {
            // its transports are gone: the client leaves and joins anew
            p.send(Messages.error("media-failed", "media connection closed: " + p.mediaFailure(), null, null));
        } else {
            media.resendSubscribeState(p.id()); // what was sent on the old socket may never have arrived
            renegotiate(p);
        }
        if (old != session && old.isOpen()) {
            old.close(CLOSE_RESUMED, "resumed on another connection");
        }
        LOG.info(() -> "room " + name + ": " + p + " resumed");
    }

    /** WebSocket close status for a connection whose participant resumed on another one. */
    static final int CLOSE_RESUMED = 4005;

    /** The client's subscribe connection failed: ICE restarts on it with the next subscribe offer. */
    /** The participant's tile heights by received track id (checked by {@link TileSizes}). */
    synchronized void setTileHeights(Participant p, Map<String, Integer> heights) throws SignalingException {
        requireMember(p);
        media.setTileHeights(p.id(), heights);
    }

    synchronized void restartSubscribeIce(Participant p) throws SignalingException {
        requireMember(p);
        if (media.restartSubscribeIce(p.id())) {
            renegotiate(p);
        }
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

    /**
     * @param sources mid → camera / microphone / screen, as the client labelled them (may be empty)
     * @return the reason codes of the m-sections the answer rejected, for the caller's metrics
     */
    synchronized List<String> publishOffer(Participant p, String sdp, Map<String, String> sources) throws SignalingException {
        requireMember(p);
        boolean wasSharing = p.screenSharing();
        PublishResult result;
        try {
            result = media.publish(p.id(), sdp, tracks -> TrackSources.assign(tracks, sources));
        } catch (MediaSessionException e) {
            throw signalingError(e);
        }
        p.trackSources(result.labels());
        ObjectNode answer = Messages.message("publishAnswer");
        answer.put("sdp", result.answerSdp());
        List<String> rejectedReasons = new ArrayList<>();
        if (!result.rejected().isEmpty()) {
            ArrayNode rejected = answer.putArray("rejected");
            for (PublishResult.RejectedSection r : result.rejected()) {
                rejected.addObject().put("mid", r.mid()).put("media", r.media()).put("reason", r.reason())
                        .put("detail", r.detail());
                rejectedReasons.add(r.reason());
                LOG.info(() -> "room " + name + ": " + p + ": publish m-section " + r.mid() + " (" + r.media()
                        + ") rejected: " + r.reason() + ": " + r.detail());
            }
        }
        p.send(answer);
        if (p.screenSharing() != wasSharing) {
            announceUpdate(p);
        }
        for (Participant o : participants.values()) {
            if (o != p) {
                renegotiate(o);
            }
        }
        return rejectedReasons;
    }

    /** Sends the next subscribe offer if something changed and no offer is outstanding. */
    private void renegotiate(Participant p) {
        SubscribeOffer offer = media.nextSubscribeOffer(p.id());
        if (offer == null) {
            return;
        }
        p.send(Messages.subscribeOffer(offer));
    }

    synchronized void subscribeAnswer(Participant p, String sdp, long version) throws SignalingException {
        requireMember(p);
        try {
            media.acceptSubscribeAnswer(p.id(), sdp, version);
        } catch (MediaSessionException e) {
            throw signalingError(e);
        }
        renegotiate(p);
    }

    private static SignalingException signalingError(MediaSessionException e) {
        String code = switch (e.reason()) {
            case BAD_SDP -> "bad-sdp";
            case STALE_ANSWER -> "stale-answer";
            case TOO_MANY_TRACKS -> "too-many-tracks";
            case BAD_SIMULCAST -> "bad-simulcast";
        };
        return new SignalingException(code, e.getMessage());
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
        if (recording != null) {
            recording.names.put(p.id(), displayName);
        }
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
    }

    /** Removes the participant and their media; idempotent. */
    synchronized void leave(Participant p, String reason) {
        remove(p, reason, reason);
    }

    /** @param label why, for the removal counter: left, kicked, disconnected, resume_expired, consent_expired */
    private void remove(Participant p, String reason, String label) {
        if (participants.get(p.id()) != p) {
            return;
        }
        participants.remove(p.id());
        latestPausedVideo.remove(p.id());
        toldPausedVideo.remove(p.id());
        resume.revoke(p);
        p.cancelRemoval();
        events.participantRemoved(label);
        media.remove(p.id());
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
            renegotiate(o);
        }
        events.participantCountChanged(-1);
        LOG.info(() -> "room " + name + ": " + p + " left (" + reason + "), " + participants.size() + " remain");
        if (participants.isEmpty()) {
            close();
        }
    }

    /** A room whose first join was refused (it was created for it) closes, so it holds no quota. */
    /**
     * Server shutdown: the room ends whoever is in it (their sockets are closing anyway). Its media is released
     * (the producers' packet caches), and a running recording is stopped ({@code server-shutdown}) and handed to
     * finalizing, which the server's shutdown waits for ({@link Recordings#close}).
     */
    synchronized void closeForShutdown() {
        if (!closed) {
            if (recording != null) {
                finishRecording("server-shutdown", "the server is shutting down");
            }
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
        if (recording != null) {
            finishRecording("room-closed", "everyone left the meeting");
        }
        closed = true;
        media.close();
        events.roomClosed(this);
    }

    private void onTransportClosed(String participantId, String transportId, String reason) {
        synchronized (this) {
            Participant p = participants.get(participantId);
            if (p == null) {
                return;
            }
            LOG.info(() -> "room " + name + ": " + p + ": media transport " + transportId + " closed: " + reason);
            p.mediaFailure(reason);
            p.send(Messages.error("media-failed", "media connection closed: " + reason, null, null));
            // a live client leaves and joins anew at once; one that is gone is removed after the grace period
            markReconnecting(p, reason.startsWith("ICE consent expired") ? "consent_expired" : "media_failed");
        }
    }

    /**
     * Tells the participant what the server estimates it can receive, for its connection info: when it moved by
     * a tenth or more, else every {@value Participant#ESTIMATE_REFRESH_MS} ms. Droppable: the next one replaces it.
     */
    private void onBandwidthEstimate(String participantId, long bitsPerSecond) {
        synchronized (this) {
            Participant p = participants.get(participantId);
            if (p == null || !p.session().isOpen() || !p.estimateWorthSending(bitsPerSecond, System.nanoTime())) {
                return;
            }
            ObjectNode m = Messages.message("bandwidthEstimate");
            m.put("bitrate", bitsPerSecond);
            p.session().sendDroppable(m.toString());
        }
    }

    /** ICE picked a path for one of a participant's transports: tell everyone when how they connect changed. */
    private void onConnectionChanged(String participantId) {
        synchronized (this) {
            Participant p = participants.get(participantId);
            if (p != null) {
                refreshConnection(p);
            }
        }
    }

    /**
     * The client's {@code mediaPath} report for one of its connections (docs/protocol.md): whether it goes through
     * the TURN server, which only the client knows. Display and metrics only.
     */
    synchronized void reportMediaPath(Participant p, MediaPathReport report) throws SignalingException {
        requireMember(p);
        p.pathReport(report);
        refreshConnection(p);
    }

    /**
     * Combines the server's view of each connection's path with the client's reports ({@link ConnectionKind#of})
     * and announces a change (caller holds the lock). Before ICE selected any path nothing is shown.
     */
    private void refreshConnection(Participant p) {
        org.javameet.sfu.session.TransportPaths paths = media.paths(p.id());
        java.util.EnumSet<ConnectionKind> kinds = java.util.EnumSet.noneOf(ConnectionKind.class);
        for (ConnectionKind k : new ConnectionKind[] {ConnectionKind.of(paths.publish(), p.pathReport("publish")),
                ConnectionKind.of(paths.subscribe(), p.pathReport("subscribe"))}) {
            if (k != null) {
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            return; // ICE has not selected a path yet: nothing to show, and a report is kept for when it has
        }
        String label = String.join("+", kinds.stream().map(ConnectionKind::label).toList());
        ConnectionKind mostIndirect = java.util.Collections.max(kinds);
        if (p.connection(label, mostIndirect)) {
            announceUpdate(p);
        }
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

    // ---- for Moderation, which holds the lock when calling these ----

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

    private void sendLobbyRequests(Participant moderator) {
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
        n.put("recording", recording != null);
        return n;
    }

    // ---- recording (docs/protocol.md, "Recording") ----

    /**
     * Starts recording every track of the meeting. Who may: with a token carrying {@code context.features.recording},
     * that claim decides; otherwise moderators.
     */
    synchronized void startRecording(Participant by) throws SignalingException {
        requireMayRecord(by);
        if (recording != null) {
            throw new SignalingException("already-recording", "this meeting is already being recorded");
        }
        Recordings.Slot slot;
        try {
            slot = recordings.reserve(name);
        } catch (RecordingException e) {
            throw new SignalingException(e.code(), e.getMessage());
        }
        try {
            media.startRecording(slot.directory(), recordings.minFreeBytes(), failure -> onRecordingFailed(slot, failure));
        } catch (RuntimeException e) {
            recordings.release(slot);
            LOG.log(java.util.logging.Level.WARNING, "room " + name + ": recording could not start", e);
            throw new SignalingException("recording-failed", "the recording could not start (see the server log)");
        }
        recording = new ActiveRecording(slot, by.id());
        for (Participant p : participants.values()) {
            recording.names.put(p.id(), p.displayName());
        }
        LOG.info(() -> "room " + name + ": recording " + slot.id() + " started by " + by);
        broadcast(recordingState(by.id(), null), null);
        broadcast(roomUpdated(), null);
    }

    synchronized void stopRecording(Participant by) throws SignalingException {
        requireMayRecord(by);
        if (recording == null) {
            throw new SignalingException("not-recording", "this meeting is not being recorded");
        }
        LOG.info(() -> "room " + name + ": recording " + recording.slot.id() + " stopped by " + by);
        finishRecording("stopped", null);
    }

    private void requireMayRecord(Participant p) throws SignalingException {
        requireMember(p);
        Boolean claim = p.recordingClaim();
        if (Boolean.FALSE.equals(claim)) {
            throw new SignalingException("recording-forbidden", "your token does not allow recording");
        }
        if (claim == null && !p.moderator()) {
            throw new SignalingException("not-moderator", "only a moderator may start or stop recording");
        }
    }

    /** The recorder stopped by itself (disk low or full, a write error); recorder thread. */
    private void onRecordingFailed(Recordings.Slot slot, RecordingFailure failure) {
        synchronized (this) {
            if (recording != null && recording.slot == slot) {
                finishRecording(failure.code(), failure.message());
            }
        }
    }

    /** Stops the media recording, hands it to finalizing, and tells everyone (caller holds the lock). */
    private void finishRecording(String why, String message) {
        ActiveRecording r = recording;
        recording = null;
        recordings.stopped(why);
        Map<String, String> names = new LinkedHashMap<>(r.names);
        recordings.finish(r.slot, media.stopRecording(why), names, r.startedBy, this::onFinalized);
        if (!why.equals("stopped") && !why.equals("room-closed") && !why.equals("server-shutdown")) {
            LOG.warning("room " + name + ": recording " + r.slot.id() + " stopped: " + message);
        }
        ObjectNode state = recordingState(null, why);
        if (message != null) {
            state.put("message", message);
        }
        broadcast(state, null);
        broadcast(roomUpdated(), null);
    }

    /** Manifest, compose and finalize script ran: the moderators learn how it went. Finalize thread. */
    private void onFinalized(Recordings.FinalizeReport report) {
        synchronized (this) {
            ObjectNode n = Messages.message("recordingFinalized");
            n.put("recordingId", report.recordingId());
            n.put("ok", report.problems().isEmpty());
            n.put("composed", report.composed());
            ArrayNode problems = n.putArray("problems");
            report.problems().forEach(problems::add);
            toModerators(n);
        }
    }

    /** {@code recordingState}: whether the meeting is recorded now; {@code by} on a start, {@code reason} on a stop. */
    private ObjectNode recordingState(String by, String reason) {
        ObjectNode n = Messages.message("recordingState");
        n.put("active", recording != null);
        if (recording != null) {
            n.put("since", recording.startedAtMs);
        }
        if (by != null) {
            n.put("by", by);
        }
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }

    /** For /metrics and tests. */
    synchronized boolean isRecording() {
        return recording != null;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}

package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.router.Producer;
import org.javameet.sfu.router.Publisher;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.router.Subscriber;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.PublishNegotiation;
import org.javameet.sfu.webrtc.PublishedTrack;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.javameet.sfu.webrtc.SubscribeNegotiation;
import org.javameet.signaling.http.WebSocketSession;

/**
 * One meeting: its participants and the Router carrying their media. Signaling state is guarded by the
 * room's monitor; media objects are created and closed on the media loop through {@link Router#execute},
 * which never blocks, so the lock is never held across a wait.
 */
public final class Room {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());
    static final int MAX_PARTICIPANTS = 100;

    private final String name;
    private final MediaServer media;
    private final Router router;
    private final RoomEvents events;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final RoomPassword password = new RoomPassword();
    private final Lobby lobby;
    private final Moderation moderation = new Moderation(this);
    private boolean closed;

    Room(String name, MediaServer media, RoomEvents events, boolean lobbyEnabled) {
        this.name = name;
        this.lobby = new Lobby(this, lobbyEnabled);
        this.media = media;
        this.events = events;
        this.router = new Router(name, media.loop(), this::onTransportClosed, Router.DEFAULT_MAX_INCOMING_BITRATE);
    }

    public String name() { return name; }

    public synchronized int size() { return participants.size(); }


    /** What a join led to: a participant, or a place in the lobby. */
    sealed interface JoinResult permits Joined, Waiting {
    }

    record Joined(Participant participant) implements JoinResult {
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
                first || admission.moderator(), bind);
        return new Joined(p);
    }

    private void requireRoomForOneMore() throws SignalingException {
        if (participants.size() >= MAX_PARTICIPANTS) {
            throw new SignalingException("room-full", "room " + name + " has reached " + MAX_PARTICIPANTS + " participants");
        }
    }

    private Participant addParticipant(WebSocketSession session, String displayName, boolean audioMuted,
                                       boolean videoMuted, boolean moderator, Consumer<Participant> bind)
            throws SignalingException {
        requireRoomForOneMore();
        String id;
        do {
            id = "p" + Long.toHexString(ThreadLocalRandom.current().nextLong(0x10000000L, 0xFFFFFFFFL));
        } while (participants.containsKey(id));
        Participant p = new Participant(id, this, session, displayName, audioMuted, videoMuted);
        p.moderator(moderator);

        ObjectNode joined = Messages.message("joined");
        joined.put("room", name);
        joined.set("you", Messages.participant(p));
        ArrayNode others = joined.putArray("participants");
        for (Participant o : participants.values()) {
            others.add(Messages.participant(o));
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

        // show the newcomer everything already published
        for (Participant o : participants.values()) {
            if (o != p) {
                for (Map.Entry<String, PublishedTrack> e : o.publishedTracks.entrySet()) {
                    p.subscribe.add(o.producerId(e.getKey()), o.id(), e.getValue().kind(), trackId(o, e.getValue()),
                            o.trackSources.get(e.getKey()));
                }
            }
        }
        renegotiate(p);
        events.participantCountChanged(1);
        LOG.info(() -> "room " + name + ": " + p + " joined (" + participants.size() + " in room)");
        return p;
    }

    /** A moderator let a waiter in: they join as anyone else does (caller holds the lock). */
    void admit(Lobby.Waiter w, Participant by) {
        if (!w.session.isOpen()) {
            toModerators(Lobby.resolved(w, false, by));
            return;
        }
        try {
            addParticipant(w.session, w.displayName, w.request.audioMuted(), w.request.videoMuted(), false, p -> {
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
        if (p.publishTransport == null) {
            WebRtcTransport t = media.createTransport(name + "/" + p.id() + "/publish");
            p.publishTransport = t;
            router.execute(() -> router.createPublisher(p.id(), t));
        }
        PublishNegotiation.Result result;
        try {
            result = PublishNegotiation.answer(sdp, p.publishTransport.local(), sdpSessionId, ++p.publishSdpVersion);
        } catch (SdpException e) {
            throw new SignalingException("bad-sdp", "publish offer: " + e.getMessage());
        }
        Map<String, String> sourceByMid = TrackSources.assign(result.tracks(), sources);
        p.publishTransport.setRemote(result.remote());
        boolean wasSharing = p.screenSharing();

        Map<String, PublishedTrack> now = new LinkedHashMap<>();
        for (PublishedTrack t : result.tracks()) {
            now.put(t.mid(), t);
        }
        List<String> removed = new ArrayList<>();
        for (String mid : p.publishedTracks.keySet()) {
            PublishedTrack old = p.publishedTracks.get(mid);
            PublishedTrack nu = now.get(mid);
            if (nu == null || nu.mediaSsrc() != old.mediaSsrc()) {
                removed.add(mid);
            }
        }
        List<PublishedTrack> added = new ArrayList<>();
        for (PublishedTrack t : now.values()) {
            PublishedTrack old = p.publishedTracks.get(t.mid());
            if (old == null || old.mediaSsrc() != t.mediaSsrc() || removed.contains(t.mid())) {
                added.add(t);
            }
        }
        for (String mid : removed) {
            String producerId = p.producerId(mid);
            p.publishedTracks.remove(mid);
            p.trackSources.remove(mid);
            router.execute(() -> {
                Producer pr = router.producer(producerId);
                if (pr != null) {
                    router.closeProducer(pr);
                }
            });
            for (Participant o : participants.values()) {
                if (o != p) {
                    o.subscribe.deactivate(producerId);
                }
            }
        }
        for (PublishedTrack t : now.values()) {
            String source = sourceByMid.get(t.mid());
            if (!added.contains(t) && !source.equals(p.trackSources.put(t.mid(), source))) {
                for (Participant o : participants.values()) { // relabelled, e.g. a camera track now shows a screen
                    o.subscribe.relabel(p.producerId(t.mid()), source);
                }
            }
        }
        for (PublishedTrack t : added) {
            p.publishedTracks.put(t.mid(), t);
            p.trackSources.put(t.mid(), sourceByMid.get(t.mid()));
            String producerId = p.producerId(t.mid());
            router.execute(() -> {
                Publisher pub = router.publisher(p.id());
                if (pub != null) {
                    router.createProducer(pub, producerId, t);
                }
            });
            for (Participant o : participants.values()) {
                if (o != p) {
                    o.subscribe.add(producerId, p.id(), t.kind(), trackId(p, t), sourceByMid.get(t.mid()));
                }
            }
        }
        ObjectNode answer = Messages.message("publishAnswer");
        answer.put("sdp", result.answerSdp());
        List<String> rejectedReasons = new ArrayList<>();
        if (!result.rejected().isEmpty()) {
            ArrayNode rejected = answer.putArray("rejected");
            for (PublishNegotiation.Rejection r : result.rejected()) {
                rejected.addObject().put("mid", r.mid()).put("media", r.media()).put("reason", r.reason().code())
                        .put("detail", r.detail());
                rejectedReasons.add(r.reason().code());
                LOG.info(() -> "room " + name + ": " + p + ": publish m-section " + r.mid() + " (" + r.media()
                        + ") rejected: " + r.reason().code() + ": " + r.detail());
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

    private static String trackId(Participant owner, PublishedTrack t) {
        return owner.id() + "-" + t.kind().sdpName() + "-" + t.mid();
    }

    /** Sends the next subscribe offer if something changed and no offer is outstanding. */
    private void renegotiate(Participant p) {
        SubscribeState s = p.subscribe;
        if (!s.dirty || s.pendingVersion != 0 || s.slots.isEmpty()) {
            return;
        }
        if (s.transport == null) {
            WebRtcTransport t = media.createTransport(name + "/" + p.id() + "/subscribe");
            s.transport = t;
            router.execute(() -> router.createSubscriber(p.id(), t));
        }
        s.dirty = false;
        s.version++;
        s.pendingVersion = s.version;
        s.pendingTracks = s.tracks();
        ObjectNode offer = Messages.message("subscribeOffer");
        offer.put("sdp", SubscribeNegotiation.offer(s.transport.local(), sdpSessionId, s.version, s.pendingTracks));
        offer.put("version", s.version);
        offer.set("tracks", s.pendingTrackInfos());
        p.send(offer);
    }

    synchronized void subscribeAnswer(Participant p, String sdp, long version) throws SignalingException {
        requireMember(p);
        SubscribeState s = p.subscribe;
        if (s.pendingVersion == 0 || version != s.pendingVersion) {
            throw new SignalingException("stale-answer", "no subscribe offer with version " + version + " is pending"
                    + (s.pendingVersion == 0 ? "" : " (pending: " + s.pendingVersion + ")"));
        }
        RemoteTransportParams remote;
        try {
            remote = SubscribeNegotiation.readAnswer(sdp, s.pendingTracks);
        } catch (SdpException e) {
            throw new SignalingException("bad-sdp", "subscribe answer: " + e.getMessage());
        }
        if (!s.remoteSet) {
            s.transport.setRemote(remote);
            s.remoteSet = true;
        }
        s.pendingVersion = 0;
        // consumers start only now that the browser knows their SSRCs, so their first keyframe is not lost
        Set<String> offeredMids = new HashSet<>();
        for (SubscribeNegotiation.Track t : s.pendingTracks) {
            if (t.active()) {
                offeredMids.add(t.mid());
            }
        }
        for (SubscribeState.Slot slot : s.slots) {
            if (!slot.consumerCreated && slot.track.active() && offeredMids.contains(slot.track.mid())) {
                slot.consumerCreated = true;
                SubscribeNegotiation.Track t = slot.track;
                String producerId = slot.producerId;
                router.execute(() -> {
                    Producer pr = router.producer(producerId);
                    Subscriber sub = router.subscriber(p.id());
                    if (pr != null && sub != null) {
                        router.createConsumer(sub, pr, t.mid(), t.ssrc(), t.rtxSsrc());
                    }
                });
            }
        }
        renegotiate(p);
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
        broadcast(n, null);
    }

    synchronized void chat(Participant p, String text) throws SignalingException {
        requireMember(p);
        ObjectNode n = Messages.message("chat");
        n.put("from", p.id());
        n.put("displayName", p.displayName());
        n.put("text", text);
        n.put("ts", System.currentTimeMillis());
        broadcast(n, null);
    }

    /** Removes the participant and their media; idempotent. */
    synchronized void leave(Participant p, String reason) {
        if (participants.remove(p.id()) == null) {
            return;
        }
        router.execute(() -> router.closeParticipant(p.id()));
        for (String producerId : p.producerIds()) {
            for (Participant o : participants.values()) {
                o.subscribe.deactivate(producerId);
            }
        }
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
            for (Lobby.Waiter w : lobby.takeAll()) {
                Lobby.deny(w, "everyone left the meeting");
            }
            closed = true;
            router.execute(router::close);
            events.roomClosed(this);
        }
    }

    private void onTransportClosed(String participantId, WebRtcTransport t, String reason) {
        synchronized (this) {
            Participant p = participants.get(participantId);
            if (p == null) {
                return;
            }
            LOG.info(() -> "room " + name + ": " + p + ": media transport " + t.id() + " closed: " + reason);
            p.send(Messages.error("media-failed", "media connection closed: " + reason, null, null));
        }
    }

    void requireMember(Participant p) throws SignalingException {
        if (participants.get(p.id()) != p) {
            throw new SignalingException("not-joined", "not in room " + name);
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
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}

package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.logging.Logger;
import org.javameet.sfu.session.MediaRoom;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.sfu.session.MediaSessionException;
import org.javameet.sfu.session.PublishResult;
import org.javameet.sfu.session.SubscribeOffer;
import org.javameet.sfu.session.TransportPaths;

/**
 * The meeting's side of its {@link MediaRoom}: publish and subscribe negotiation, what the media loop reports
 * (dominant speaker, last-N pauses, bandwidth estimates, connection paths) and the clients' {@code mediaPath}
 * reports. Part of its {@link Room}: signaling state is guarded by the room's monitor. The signaling entry points
 * take it; the rest is called with it held.
 *
 * <p>The media loop never takes the room's lock (a signaling thread may hold it while it queues work onto that
 * loop): each report is recorded in a concurrent field and handled {@link #OFF_LOOP}, where the handler reads the
 * latest value, so handlers that overtake each other never send anything stale.
 */
final class RoomMedia {
    private static final Logger LOG = Logger.getLogger(RoomMedia.class.getName());
    /** Where the media loop's reports become messages: off the loop, as they need the room's lock. */
    private static final Executor OFF_LOOP = ForkJoinPool.commonPool();

    private final Room room;
    private final MediaRoom media;
    /** The media loop's latest dominant speaker; written there, read when announcing. */
    private volatile SpeakerState latestSpeaker = SpeakerState.NONE;
    /** The dominant speaker as last announced to the room. Guarded by the room. */
    private SpeakerState announcedSpeaker = SpeakerState.NONE;
    /** Per participant, the media loop's latest last-N paused video mids; written there, read when telling them. */
    private final Map<String, List<String>> latestPausedVideo = new ConcurrentHashMap<>();
    /** What each participant was last told in {@code videoPaused}. Guarded by the room. */
    private final Map<String, List<String>> toldPausedVideo = new HashMap<>();
    /** Per participant, the media loop's latest simulcast layers to pause (mid → rids); written there. */
    private final Map<String, Map<String, List<String>>> latestPausedLayers = new ConcurrentHashMap<>();
    /** What each participant was last told in {@code layersPaused}. Guarded by the room. */
    private final Map<String, Map<String, List<String>>> toldPausedLayers = new HashMap<>();
    /** Per participant, the media loop's latest estimate not yet handled; present while a handler is queued. */
    private final Map<String, Long> pendingEstimates = new ConcurrentHashMap<>();

    /** Who holds the floor (null: nobody yet) and who held it before, most recent first. */
    private record SpeakerState(String participantId, List<String> recent) {
        static final SpeakerState NONE = new SpeakerState(null, List.of());
    }

    RoomMedia(Room room, MediaRooms mediaRooms) {
        this.room = room;
        this.media = mediaRooms.create(room.name(), new MediaRoom.Listener() {
            @Override
            public void onTransportClosed(String participantId, String transportId, String reason) {
                // it takes the room's lock: never on the media loop, which must not wait for a signaling thread
                OFF_LOOP.execute(() -> room.reconnects().mediaFailed(participantId, transportId, reason));
            }

            @Override
            public void onBandwidthEstimate(String participantId, long bitsPerSecond) {
                if (pendingEstimates.put(participantId, bitsPerSecond) == null) {
                    OFF_LOOP.execute(() -> sendEstimate(participantId));
                }
            }

            @Override
            public void onDominantSpeaker(String participantId, List<String> recent) {
                latestSpeaker = new SpeakerState(participantId, recent);
                OFF_LOOP.execute(RoomMedia.this::announceDominantSpeaker);
            }

            @Override
            public void onVideoPaused(String participantId, List<String> pausedMids) {
                latestPausedVideo.put(participantId, pausedMids);
                OFF_LOOP.execute(() -> announcePausedVideo(participantId));
            }

            @Override
            public void onLayersPaused(String participantId, Map<String, List<String>> pausedRidsByMid) {
                latestPausedLayers.put(participantId, pausedRidsByMid);
                OFF_LOOP.execute(() -> announcePausedLayers(participantId));
            }

            @Override
            public void onConnectionChanged(String participantId) {
                // each run reads the current paths, so the order of runs does not matter
                OFF_LOOP.execute(() -> connectionChanged(participantId));
            }
        });
    }

    /** The façade itself, for the recording. */
    MediaRoom session() {
        return media;
    }

    // ---- negotiation (signaling entry points) ----

    /**
     * @param sources mid → camera / microphone / screen, as the client labelled them (may be empty)
     * @return the reason codes of the m-sections the answer rejected, for the caller's metrics
     */
    List<String> publishOffer(Participant p, String sdp, Map<String, String> sources) throws SignalingException {
        synchronized (room) {
            room.requireMember(p);
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
                    LOG.info(() -> "room " + room.name() + ": " + p + ": publish m-section " + r.mid() + " ("
                            + r.media() + ") rejected: " + r.reason() + ": " + r.detail());
                }
            }
            p.send(answer);
            if (p.screenSharing() != wasSharing) {
                room.announceUpdate(p);
            }
            for (Participant o : room.members()) {
                if (o != p) {
                    renegotiate(o);
                }
            }
            return rejectedReasons;
        }
    }

    void subscribeAnswer(Participant p, String sdp, long version) throws SignalingException {
        synchronized (room) {
            room.requireMember(p);
            try {
                media.acceptSubscribeAnswer(p.id(), sdp, version);
            } catch (MediaSessionException e) {
                throw signalingError(e);
            }
            renegotiate(p);
        }
    }

    /** The client's subscribe connection failed: ICE restarts on it with the next subscribe offer. */
    void restartSubscribeIce(Participant p) throws SignalingException {
        synchronized (room) {
            room.requireMember(p);
            if (media.restartSubscribeIce(p.id())) {
                renegotiate(p);
            }
        }
    }

    /** The participant's tile heights by received track id (checked by {@link TileSizes}). */
    void setTileHeights(Participant p, Map<String, Integer> heights) throws SignalingException {
        synchronized (room) {
            room.requireMember(p);
            media.setTileHeights(p.id(), heights);
        }
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

    // ---- membership changes (caller holds the room's lock) ----

    /** Sends the next subscribe offer if something changed and no offer is outstanding. */
    void renegotiate(Participant p) {
        SubscribeOffer offer = media.nextSubscribeOffer(p.id());
        if (offer != null) {
            p.send(Messages.subscribeOffer(offer));
        }
    }

    /** A newcomer: everything already published is queued for their first subscribe offer, which goes out. */
    void joined(Participant p) {
        media.join(p.id());
        renegotiate(p);
    }

    /** A resume on a new socket: what was sent on the old one may never have arrived, so it is offered again. */
    void resumed(Participant p) {
        media.resendSubscribeState(p.id());
        renegotiate(p);
    }

    void removed(Participant p) {
        latestPausedVideo.remove(p.id());
        toldPausedVideo.remove(p.id());
        latestPausedLayers.remove(p.id());
        toldPausedLayers.remove(p.id());
        media.remove(p.id());
    }

    void close() {
        media.close();
    }

    /** What {@code joined} and {@code resumed} carry of the media state: the dominant speaker and paused video. */
    void describeTo(ObjectNode welcome, Participant p) {
        if (announcedSpeaker.participantId() != null) {
            welcome.set("dominantSpeaker", dominantSpeaker(announcedSpeaker));
        }
        List<String> paused = toldPausedVideo.get(p.id());
        if (paused != null) { // a resume: what was told on the old socket may not have arrived
            paused.forEach(welcome.putArray("videoPaused")::add);
        }
        Map<String, List<String>> layers = toldPausedLayers.get(p.id());
        if (layers != null) {
            welcome.set("layersPaused", layersPaused(layers).get("tracks"));
        }
    }

    // ---- the media loop's reports, handled off the loop ----

    /** Tells everyone who the dominant speaker is now, if that changed since the last announcement. */
    private void announceDominantSpeaker() {
        synchronized (room) {
            SpeakerState s = latestSpeaker;
            if (room.isClosed() || s.equals(announcedSpeaker)) {
                return;
            }
            announcedSpeaker = s;
            room.broadcast(dominantSpeaker(s), null);
        }
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
            if (room.participant(id) != null) {
                recent.add(id);
            }
        }
        return m;
    }

    /** Tells a participant which of their video tracks last-N pauses now, if that changed since they were told. */
    private void announcePausedVideo(String participantId) {
        synchronized (room) {
            Participant p = room.participant(participantId);
            List<String> mids = latestPausedVideo.get(participantId);
            if (room.isClosed() || p == null || mids == null || mids.equals(toldPausedVideo.get(participantId))) {
                return;
            }
            toldPausedVideo.put(participantId, mids);
            ObjectNode m = Messages.message("videoPaused");
            mids.forEach(m.putArray("mids")::add);
            p.send(m);
        }
    }

    /** Tells a publisher which simulcast layers of its tracks to stop encoding, if that changed since it was told. */
    private void announcePausedLayers(String participantId) {
        synchronized (room) {
            Participant p = room.participant(participantId);
            Map<String, List<String>> layers = latestPausedLayers.get(participantId);
            if (room.isClosed() || p == null || layers == null || layers.equals(toldPausedLayers.get(participantId))) {
                return;
            }
            toldPausedLayers.put(participantId, layers);
            p.send(layersPaused(layers));
        }
    }

    /** {@code layersPaused}: per publish mid with something to pause, the rids to stop. */
    private static ObjectNode layersPaused(Map<String, List<String>> layers) {
        ObjectNode m = Messages.message("layersPaused");
        ArrayNode tracks = m.putArray("tracks");
        layers.forEach((mid, rids) -> {
            ObjectNode t = tracks.addObject().put("mid", mid);
            rids.forEach(t.putArray("rids")::add);
        });
        return m;
    }

    /**
     * Tells the participant what the server estimates it can receive, for its connection info: when it moved by
     * a tenth or more, else every {@value Participant#ESTIMATE_REFRESH_MS} ms. Droppable: the next one replaces it.
     */
    private void sendEstimate(String participantId) {
        synchronized (room) {
            Long bitsPerSecond = pendingEstimates.remove(participantId);
            Participant p = room.participant(participantId);
            if (bitsPerSecond == null || p == null || !p.session().isOpen()
                    || !p.estimateWorthSending(bitsPerSecond, System.nanoTime())) {
                return;
            }
            ObjectNode m = Messages.message("bandwidthEstimate");
            m.put("bitrate", bitsPerSecond);
            p.session().sendDroppable(m.toString());
        }
    }

    /** ICE picked a path for one of a participant's transports: tell everyone when how they connect changed. */
    private void connectionChanged(String participantId) {
        synchronized (room) {
            Participant p = room.participant(participantId);
            if (p != null) {
                refreshConnection(p);
            }
        }
    }

    // ---- how each participant connects ----

    /**
     * The client's {@code mediaPath} report for one of its connections (docs/protocol.md): whether it goes through
     * the TURN server, which only the client knows. Display and metrics only.
     */
    void reportMediaPath(Participant p, MediaPathReport report) throws SignalingException {
        synchronized (room) {
            room.requireMember(p);
            p.pathReport(report);
            refreshConnection(p);
        }
    }

    /**
     * Combines the server's view of each connection's path with the client's reports ({@link ConnectionKind#of})
     * and announces a change (caller holds the lock). Before ICE selected any path nothing is shown.
     */
    private void refreshConnection(Participant p) {
        TransportPaths paths = media.paths(p.id());
        EnumSet<ConnectionKind> kinds = EnumSet.noneOf(ConnectionKind.class);
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
        ConnectionKind mostIndirect = Collections.max(kinds);
        if (p.connection(label, mostIndirect)) {
            room.announceUpdate(p);
        }
    }
}

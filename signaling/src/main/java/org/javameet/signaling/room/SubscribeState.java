package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.SubscribeNegotiation;

/**
 * The server-offered side of one participant's subscribe connection: the m-sections so far (never
 * removed, only made inactive, so mids are not reused) and where the offer/answer exchange stands.
 * At most one offer is outstanding; changes while one is pending are sent after its answer.
 */
final class SubscribeState {
    /** One m-section: {@code track} as offered, and the producer it shows. */
    static final class Slot {
        SubscribeNegotiation.Track track;
        final String producerId;
        final String publisherId;
        /** camera, microphone or screen: TrackSources */
        String source;
        boolean consumerCreated;

        Slot(SubscribeNegotiation.Track track, String producerId, String publisherId, String source) {
            this.track = track;
            this.producerId = producerId;
            this.publisherId = publisherId;
            this.source = source;
        }
    }

    WebRtcTransport transport;
    boolean remoteSet;
    final List<Slot> slots = new ArrayList<>();
    private final Map<String, Slot> byProducer = new HashMap<>();
    private final Set<Long> usedSsrcs = new HashSet<>();
    long version;
    /** The version of the offer awaiting an answer, or 0. */
    long pendingVersion;
    /** Tracks as they were in the pending offer (the answer is checked against these). */
    List<SubscribeNegotiation.Track> pendingTracks = List.of();
    boolean dirty;

    Slot add(String producerId, String publisherId, MediaKind kind, String trackId, String source) {
        Slot existing = byProducer.get(producerId);
        if (existing != null) {
            return existing;
        }
        String mid = Integer.toString(slots.size());
        long ssrc = newSsrc();
        long rtx = kind == MediaKind.VIDEO ? newSsrc() : 0;
        Slot s = new Slot(new SubscribeNegotiation.Track(mid, kind, true, ssrc, rtx, publisherId, trackId),
                producerId, publisherId, source);
        slots.add(s);
        byProducer.put(producerId, s);
        dirty = true;
        return s;
    }

    /** Marks the producer's m-section inactive; returns false if it had none. */
    boolean deactivate(String producerId) {
        Slot s = byProducer.remove(producerId);
        if (s == null) {
            return false;
        }
        SubscribeNegotiation.Track t = s.track;
        s.track = new SubscribeNegotiation.Track(t.mid(), t.kind(), false, t.ssrc(), t.rtxSsrc(), t.streamId(), t.trackId());
        dirty = true;
        return true;
    }

    /** The producer's track now shows another source; the next offer's {@code tracks} say so. */
    void relabel(String producerId, String source) {
        Slot s = byProducer.get(producerId);
        if (s != null && !source.equals(s.source)) {
            s.source = source;
            dirty = true;
        }
    }

    List<SubscribeNegotiation.Track> tracks() {
        List<SubscribeNegotiation.Track> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            out.add(s.track);
        }
        return out;
    }

    /** The pending offer's TrackInfo list (docs/protocol.md), one per m-section. */
    ArrayNode pendingTrackInfos() {
        ArrayNode tracks = Messages.array();
        for (int i = 0; i < pendingTracks.size(); i++) { // pendingTracks are the slots' tracks, in order
            SubscribeNegotiation.Track t = pendingTracks.get(i);
            ObjectNode n = tracks.addObject();
            n.put("mid", t.mid());
            n.put("participantId", t.streamId());
            n.put("kind", t.kind().sdpName());
            n.put("active", t.active());
            n.put("source", slots.get(i).source);
        }
        return tracks;
    }

    private long newSsrc() {
        while (true) {
            long s = ThreadLocalRandom.current().nextLong(1, 0x1_0000_0000L);
            if (usedSsrcs.add(s)) {
                return s;
            }
        }
    }
}

package org.javameet.sfu.session;

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
 * Guarded by the MediaRoom's lock.
 */
final class SubscribeSession {
    /** One m-section: {@code track} as offered, and the producer it shows. */
    static final class Slot {
        SubscribeNegotiation.Track track;
        final String producerId;
        final String publisherId;
        /** what the track shows, as the publisher labelled it */
        String label;
        boolean consumerCreated;
        /**
         * The height of the tile the member shows this track in (their last {@code tileSizes} for it), 0 when not
         * said. Kept here because a report may come before the answer that creates the consumer.
         */
        int tileHeight;

        Slot(SubscribeNegotiation.Track track, String producerId, String publisherId, String label) {
            this.track = track;
            this.producerId = producerId;
            this.publisherId = publisherId;
            this.label = label;
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

    Slot add(String producerId, String publisherId, MediaKind kind, String trackId, String label) {
        Slot existing = byProducer.get(producerId);
        if (existing != null) {
            return existing;
        }
        String mid = Integer.toString(slots.size());
        long ssrc = newSsrc();
        long rtx = kind == MediaKind.VIDEO ? newSsrc() : 0;
        Slot s = new Slot(new SubscribeNegotiation.Track(mid, kind, true, ssrc, rtx, publisherId, trackId),
                producerId, publisherId, label);
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

    /** The producer's track now shows something else; the next offer's tracks say so. */
    void relabel(String producerId, String label) {
        Slot s = byProducer.get(producerId);
        if (s != null && !label.equals(s.label)) {
            s.label = label;
            dirty = true;
        }
    }

    /** True when an offer should go out now: something changed and none is outstanding. */
    boolean offerDue() {
        return dirty && pendingVersion == 0 && !slots.isEmpty();
    }

    /** Starts the next offer: bumps the version and freezes the tracks the answer will be checked against. */
    void beginOffer() {
        dirty = false;
        version++;
        pendingVersion = version;
        pendingTracks = tracks();
    }

    private List<SubscribeNegotiation.Track> tracks() {
        List<SubscribeNegotiation.Track> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            out.add(s.track);
        }
        return out;
    }

    /** The pending offer's tracks as the caller sees them, one per m-section. */
    List<SubscribeOffer.OfferedTrack> pendingOfferedTracks() {
        List<SubscribeOffer.OfferedTrack> out = new ArrayList<>(pendingTracks.size());
        for (int i = 0; i < pendingTracks.size(); i++) { // pendingTracks are the slots' tracks, in order
            SubscribeNegotiation.Track t = pendingTracks.get(i);
            out.add(new SubscribeOffer.OfferedTrack(t.mid(), t.streamId(), t.kind().sdpName(), t.active(),
                    slots.get(i).label));
        }
        return List.copyOf(out);
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

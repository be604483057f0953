package org.javameet.sfu.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.net.MediaLoop;
import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.router.Consumer;
import org.javameet.sfu.router.Producer;
import org.javameet.sfu.router.Publisher;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.router.Subscriber;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.sdp.SimulcastException;
import org.javameet.sfu.transport.ConnectionType;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.PublishNegotiation;
import org.javameet.sfu.webrtc.PublishedTrack;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.javameet.sfu.webrtc.SubscribeNegotiation;

/**
 * The media side of one meeting, as signaling needs it: members publish (offer → answer), receive
 * subscribe offers one at a time and answer them, and leave. Everything about transports, routers and SDP
 * stays behind this class.
 *
 * <p>Threading: any thread. Its own state is guarded by its monitor; router work is queued onto the media
 * loop with {@link Router#execute}, which never blocks, so a caller may hold its own lock while calling in.
 * The listener is called on the media loop without this monitor held.
 */
public final class MediaRoom {
    public interface Listener {
        /** A member's transport closed on its own (consent expired, DTLS failed). Media loop. */
        void onTransportClosed(String participantId, String transportId, String reason);

        /**
         * A member's send-side bandwidth estimate for what they receive (bits per second), about once a second
         * while their subscribe connection runs transport-cc. Media loop: must not block.
         */
        default void onBandwidthEstimate(String participantId, long bitsPerSecond) {
        }

        /** ICE selected a path for one of a member's transports: {@link #paths} may have changed. Media loop. */
        default void onConnectionChanged(String participantId) {
        }

        /**
         * The room's dominant speaker changed, from the audio levels (RFC 6464) its members send: null when they
         * left and nobody has spoken since; {@code recent} is who held the floor, most recent first. Media loop:
         * must not block.
         */
        default void onDominantSpeaker(String participantId, List<String> recent) {
        }

        /**
         * With a lastN limit: the member's subscribe-connection video tracks (by mid) that are not forwarded to
         * them now (their publishers are not among the last N speakers); the client shows an avatar for those.
         * Called when that set changes. Media loop: must not block.
         */
        default void onVideoPaused(String participantId, List<String> pausedMids) {
        }

        /**
         * The simulcast layers of a member's published video that nobody needs now: by mid on their publish
         * connection, the rids their client should stop encoding (mids with nothing to pause are left out, so an
         * empty map resumes everything). Called when that changes. Media loop: must not block.
         */
        default void onLayersPaused(String participantId, Map<String, List<String>> pausedRidsByMid) {
        }
    }

    /** One member's media: their publish side and their subscribe side. */
    private static final class Member {
        final String id;
        WebRtcTransport publishTransport;
        /** The browser's publish ICE ufrag and DTLS fingerprint as last offered: a new ufrag is an ICE restart. */
        RemoteTransportParams publishRemote;
        long publishSdpVersion;
        /** Published tracks by mid, in the order the publisher offered them. */
        final Map<String, PublishedTrack> publishedTracks = new LinkedHashMap<>();
        /** The publisher's label of each track, by mid. */
        final Map<String, String> labels = new HashMap<>();
        final SubscribeSession subscribe = new SubscribeSession();

        Member(String id) {
            this.id = id;
        }

        /** Producer ids are "{participantId}/{mid}". */
        String producerId(String mid) {
            return id + "/" + mid;
        }

        String trackId(PublishedTrack t) {
            return id + "-" + t.kind().sdpName() + "-" + t.mid();
        }
    }

    private final String name;
    /** The media loop this room runs on: its transports, router and recorder all live there. */
    private final MediaLoop media;
    private final Router router;
    private final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final MediaLimits limits;
    private final VideoForwarding forwarding;
    private final Listener listener;
    private boolean closed;
    private RoomRecording recording;

    MediaRoom(String name, MediaServer media, Listener listener, MediaLimits limits) {
        this(name, media, listener, limits, VideoForwarding.all());
    }

    MediaRoom(String name, MediaServer media, Listener listener, MediaLimits limits, VideoForwarding forwarding) {
        this(name, media, listener, limits, forwarding, Router.DEFAULT_MAX_INCOMING_BITRATE);
    }

    /** {@code maxPublisherBitrate}: the most any publisher is told in REMB (bit/s), whatever its receivers need. */
    MediaRoom(String name, MediaServer media, Listener listener, MediaLimits limits, VideoForwarding forwarding,
            long maxPublisherBitrate) {
        this.name = name;
        this.forwarding = forwarding;
        this.limits = limits;
        this.media = media.assignLoop();
        this.listener = listener;
        this.router = new Router(name, this.media.loop(), new Router.Listener() {
            @Override
            public void onLinkClosed(String participantId, MediaLink link, String reason) {
                listener.onTransportClosed(participantId, link.id(), reason);
            }

            @Override
            public void onBandwidthEstimate(String participantId, long bitsPerSecond) {
                listener.onBandwidthEstimate(participantId, bitsPerSecond);
            }

            @Override
            public void onDominantSpeaker(String participantId, List<String> recent) {
                listener.onDominantSpeaker(participantId, recent);
            }

            @Override
            public void onVideoPaused(String participantId, List<String> pausedMids) {
                listener.onVideoPaused(participantId, pausedMids);
            }

            @Override
            public void onLayersPaused(String participantId, Map<String, List<String>> pausedRidsByProducer) {
                Map<String, List<String>> byMid = new LinkedHashMap<>();
                String prefix = participantId + "/"; // producer ids are Member.producerId(mid)
                pausedRidsByProducer.forEach((producerId, rids) -> {
                    if (producerId.startsWith(prefix)) {
                        byMid.put(producerId.substring(prefix.length()), List.copyOf(rids));
                    }
                });
                listener.onLayersPaused(participantId, byMid);
            }
        }, maxPublisherBitrate);
        if (forwarding.lastN() >= 0) {
            router.execute(() -> router.lastN(forwarding.lastN()));
        }
    }

    public String name() { return name; }

    /**
     * Adds a member; what the others already publish is queued for their first subscribe offer
     * ({@link #nextSubscribeOffer}). Ids are the caller's and must be unique.
     */
    public synchronized void join(String participantId) {
        if (closed || members.containsKey(participantId)) {
            throw new IllegalStateException("cannot join " + participantId + " to media room " + name);
        }
        Member m = new Member(participantId);
        for (Member o : members.values()) {
            for (PublishedTrack t : o.publishedTracks.values()) {
                m.subscribe.add(o.producerId(t.mid()), o.id, t.kind(), o.trackId(t), o.labels.get(t.mid()));
            }
        }
        members.put(participantId, m);
    }

    /**
     * Answers a member's publish offer and updates what they publish: tracks gone (or with a new SSRC) are
     * closed and made inactive in every other member's subscribe connection, new ones are added there.
     * Afterwards the others may have a subscribe offer due.
     *
     * @param labeler names each offered track; it runs before anything changes, and what it throws refuses the offer
     */
    public synchronized <E extends Exception> PublishResult publish(String participantId, String offerSdp,
                                                                    TrackLabeler<E> labeler)
            throws MediaSessionException, E {
        Member p = member(participantId);
        checkSectionCounts(offerSdp); // before anything is created or changed
        if (p.publishTransport == null) {
            WebRtcTransport t = media.createTransport(name + "/" + p.id + "/publish");
            t.onPathSelected(x -> listener.onConnectionChanged(p.id));
            p.publishTransport = t;
            router.execute(() -> router.createPublisher(p.id, t));
        }
        PublishNegotiation.Result result;
        try {
            result = PublishNegotiation.answer(offerSdp, p.publishTransport.local(), sdpSessionId, p.publishSdpVersion + 1);
            RemoteTransportParams before = p.publishRemote;
            if (before != null && result.remote() != null) {
                if (!before.fingerprintHex().equals(result.remote().fingerprintHex())) {
                    // a new certificate means a new DTLS association: that is a new connection, not a restart
                    throw new MediaSessionException(MediaSessionException.Reason.BAD_SDP, "publish offer: the DTLS "
                            + "fingerprint changed; an ICE restart keeps the DTLS association (RFC 8839 §4.4.1.1.1)");
                }
                if (!before.iceUfrag().equals(result.remote().iceUfrag())) {
                    // the browser restarted ICE (RFC 8445 §9): answer with new credentials, keep DTLS and SRTP
                    result = PublishNegotiation.answer(offerSdp, p.publishTransport.restartIce(), sdpSessionId,
                            p.publishSdpVersion + 1);
                }
            }
        } catch (SimulcastException e) {
            throw new MediaSessionException(MediaSessionException.Reason.BAD_SIMULCAST, "publish offer: " + e.getMessage());
        } catch (SdpException e) {
            throw new MediaSessionException(MediaSessionException.Reason.BAD_SDP, "publish offer: " + e.getMessage());
        }
        p.publishSdpVersion++;
        List<TrackRef> refs = new ArrayList<>();
        for (PublishedTrack t : result.tracks()) {
            refs.add(new TrackRef(t.mid(), t.kind().sdpName()));
        }
        int newTracks = 0;
        for (PublishedTrack t : result.tracks()) {
            PublishedTrack old = p.publishedTracks.get(t.mid());
            if (old == null || !sameSource(old, t)) {
                newTracks++;
            }
        }
        for (Member o : members.values()) {
            if (o != p && o.subscribe.slots.size() + newTracks > limits.maxSubscribeSections()) {
                throw new MediaSessionException(MediaSessionException.Reason.TOO_MANY_TRACKS, "publish offer: "
                        + newTracks + " new tracks would give other participants more than "
                        + limits.maxSubscribeSections() + " m-sections to receive");
            }
        }
        Map<String, String> labelByMid = labeler.label(List.copyOf(refs));
        p.publishTransport.setRemote(result.remote());
        int transportCcExtId = result.transportCcExtId();
        if (transportCcExtId != 0) {
            // the publisher's own congestion control then measures its uplink from our feedback
            router.execute(() -> {
                Publisher pub = router.publisher(p.id);
                if (pub != null) {
                    pub.enableTransportCc(transportCcExtId);
                }
            });
        }
        if (result.remote() != null) {
            p.publishRemote = result.remote();
        }

        Map<String, PublishedTrack> now = new LinkedHashMap<>();
        for (PublishedTrack t : result.tracks()) {
            now.put(t.mid(), t);
        }
        List<String> removed = new ArrayList<>();
        for (String mid : p.publishedTracks.keySet()) {
            PublishedTrack old = p.publishedTracks.get(mid);
            PublishedTrack nu = now.get(mid);
            if (nu == null || !sameSource(old, nu)) {
                removed.add(mid);
            }
        }
        List<PublishedTrack> added = new ArrayList<>();
        for (PublishedTrack t : now.values()) {
            PublishedTrack old = p.publishedTracks.get(t.mid());
            if (old == null || !sameSource(old, t) || removed.contains(t.mid())) {
                added.add(t);
            }
        }
        for (String mid : removed) {
            String producerId = p.producerId(mid);
            p.publishedTracks.remove(mid);
            p.labels.remove(mid);
            router.execute(() -> {
                Producer pr = router.producer(producerId);
                if (pr != null) {
                    router.closeProducer(pr);
                }
            });
            for (Member o : members.values()) {
                if (o != p) {
                    o.subscribe.deactivate(producerId);
                }
            }
            if (recording != null) {
                recording.endTrack(producerId);
            }
        }
        for (PublishedTrack t : now.values()) {
            String label = labelByMid.get(t.mid());
            if (!added.contains(t) && !label.equals(p.labels.put(t.mid(), label))) {
                for (Member o : members.values()) { // relabelled, e.g. a camera track now shows a screen
                    o.subscribe.relabel(p.producerId(t.mid()), label);
                }
                String producerId = p.producerId(t.mid());
                boolean always = forwarding.alwaysForwardedLabels().contains(label);
                router.execute(() -> {
                    Producer pr = router.producer(producerId);
                    if (pr != null) {
                        pr.screenShare(SCREEN.equals(label));
                    }
                    router.alwaysForward(producerId, always);
                });
            }
        }
        for (PublishedTrack t : added) {
            p.publishedTracks.put(t.mid(), t);
            p.labels.put(t.mid(), labelByMid.get(t.mid()));
            String producerId = p.producerId(t.mid());
            boolean screen = SCREEN.equals(labelByMid.get(t.mid()));
            boolean always = forwarding.alwaysForwardedLabels().contains(labelByMid.get(t.mid()));
            router.execute(() -> {
                Publisher pub = router.publisher(p.id);
                if (pub != null) {
                    router.createProducer(pub, producerId, ForwardingParams.producer(t)).screenShare(screen);
                    router.alwaysForward(producerId, always);
                }
            });
            for (Member o : members.values()) {
                if (o != p) {
                    o.subscribe.add(producerId, p.id, t.kind(), p.trackId(t), labelByMid.get(t.mid()));
                }
            }
            if (recording != null) {
                recording.addTrack(producerId, p.id, t.kind(), labelByMid.get(t.mid()));
            }
        }
        List<PublishResult.RejectedSection> rejected = new ArrayList<>();
        for (PublishNegotiation.Rejection r : result.rejected()) {
            rejected.add(new PublishResult.RejectedSection(r.mid(), r.media(), r.reason().code(), r.detail()));
        }
        return new PublishResult(result.answerSdp(), Map.copyOf(p.labels), List.copyOf(rejected));
    }

    /** The same stream as before: same announced SSRC and, for simulcast, the same layers. */
    private static boolean sameSource(PublishedTrack old, PublishedTrack nu) {
        return old.mediaSsrc() == nu.mediaSsrc() && old.rids().equals(nu.rids());
    }

    /** Refuses an offer with more sections or sending tracks than the limits allow, from a cheap parse. */
    private void checkSectionCounts(String offerSdp) throws MediaSessionException {
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(offerSdp);
        } catch (SdpException e) {
            throw new MediaSessionException(MediaSessionException.Reason.BAD_SDP, "publish offer: " + e.getMessage());
        }
        int sections = offer.media().size();
        if (sections > limits.maxPublishSections()) {
            throw new MediaSessionException(MediaSessionException.Reason.TOO_MANY_TRACKS, "publish offer has "
                    + sections + " m-sections; at most " + limits.maxPublishSections() + " are accepted");
        }
        int sending = 0;
        for (MediaDescription m : offer.media()) {
            String dir = m.direction();
            if (MediaKind.ofSdp(m.media()) != null && !m.isRejected()
                    && (dir.equals("sendonly") || dir.equals("sendrecv"))) {
                sending++;
            }
        }
        if (sending > limits.maxTracksPerParticipant()) {
            throw new MediaSessionException(MediaSessionException.Reason.TOO_MANY_TRACKS, "publish offer sends "
                    + sending + " tracks; at most " + limits.maxTracksPerParticipant() + " per participant");
        }
    }

    /**
     * The member's next subscribe offer, or null when nothing changed since the last one, one is still
     * awaiting its answer, or there is nothing to receive yet. Creates the subscribe transport with the first offer.
     */
    public synchronized SubscribeOffer nextSubscribeOffer(String participantId) {
        Member p = members.get(participantId);
        if (p == null) {
            return null;
        }
        SubscribeSession s = p.subscribe;
        if (!s.offerDue()) {
            return null;
        }
        if (s.transport == null) {
            WebRtcTransport t = media.createTransport(name + "/" + p.id + "/subscribe");
            t.onPathSelected(x -> listener.onConnectionChanged(p.id));
            s.transport = t;
            router.execute(() -> router.createSubscriber(p.id, t));
        }
        s.beginOffer();
        String sdp = SubscribeNegotiation.offer(s.transport.local(), sdpSessionId, s.version, s.pendingTracks);
        return new SubscribeOffer(sdp, s.version, s.pendingOfferedTracks());
    }

    /**
     * The browser's answer to the outstanding subscribe offer. Consumers for its new m-sections start only
     * now, once the browser knows their SSRCs, so their first keyframe is not lost. Afterwards another offer
     * may be due.
     */
    public synchronized void acceptSubscribeAnswer(String participantId, String answerSdp, long version)
            throws MediaSessionException {
        Member p = member(participantId);
        SubscribeSession s = p.subscribe;
        if (s.pendingVersion == 0 || version != s.pendingVersion) {
            throw new MediaSessionException(MediaSessionException.Reason.STALE_ANSWER,
                    "no subscribe offer with version " + version + " is pending"
                            + (s.pendingVersion == 0 ? "" : " (pending: " + s.pendingVersion + ")"));
        }
        RemoteTransportParams remote;
        int transportCcId;
        try {
            remote = SubscribeNegotiation.readAnswer(answerSdp, s.pendingTracks);
            transportCcId = SubscribeNegotiation.transportCcExtensionId(answerSdp);
        } catch (SdpException e) {
            throw new MediaSessionException(MediaSessionException.Reason.BAD_SDP, "subscribe answer: " + e.getMessage());
        }
        if (!s.remoteSet) {
            s.transport.setRemote(remote);
            s.remoteSet = true;
        }
        if (transportCcId != 0) {
            // queued before the consumers below, so their first packet is already stamped
            router.execute(() -> {
                Subscriber sub = router.subscriber(p.id);
                if (sub != null) {
                    sub.enableTransportCc(transportCcId);
                }
            });
        }
        s.pendingVersion = 0;
        Set<String> offeredMids = new HashSet<>();
        for (SubscribeNegotiation.Track t : s.pendingTracks) {
            if (t.active()) {
                offeredMids.add(t.mid());
            }
        }
        for (SubscribeSession.Slot slot : s.slots) {
            if (!slot.consumerCreated && slot.track.active() && offeredMids.contains(slot.track.mid())) {
                slot.consumerCreated = true;
                SubscribeNegotiation.Track t = slot.track;
                String producerId = slot.producerId;
                int tileHeight = slot.tileHeight;
                router.execute(() -> {
                    Producer pr = router.producer(producerId);
                    Subscriber sub = router.subscriber(p.id);
                    if (pr != null && sub != null) {
                        router.createConsumer(sub, pr, ForwardingParams.consumer(t, pr.params()), tileHeight);
                    }
                });
            }
        }
    }

    /**
     * The member shows these tracks (subscribe track ids, as in their subscribe offers' msid) in tiles this many
     * pixels tall: none of them is sent a simulcast layer taller than its tile needs. A track left out keeps what
     * it had; 0 lifts its constraint. Unknown track ids are ignored (the track may have just gone). Heights must
     * already be checked (1 to {@link #MAX_TILE_HEIGHT}, or 0). A height for a track offered but not answered
     * yet is kept and given to its consumer when the answer creates it (the client measures its tiles as soon
     * as the offer gives it the track, and the two messages may cross).
     *
     * @return how many of the ids named a track the member receives
     */
    public synchronized int setTileHeights(String participantId, Map<String, Integer> heightByTrackId) {
        Member p = member(participantId);
        int known = 0;
        for (SubscribeSession.Slot slot : p.subscribe.slots) {
            Integer height = heightByTrackId.get(slot.track.trackId());
            if (height == null || !slot.track.active()) {
                continue;
            }
            if (height < 0 || height > MAX_TILE_HEIGHT) {
                throw new IllegalArgumentException("tile height " + height + " outside 0.." + MAX_TILE_HEIGHT);
            }
            known++;
            slot.tileHeight = height;
            if (!slot.consumerCreated) {
                continue; // acceptSubscribeAnswer hands it to the consumer it creates
            }
            String producerId = slot.producerId;
            int h = height;
            router.execute(() -> {
                Producer pr = router.producer(producerId);
                Subscriber sub = router.subscriber(p.id);
                if (pr != null && sub != null) {
                    sub.constrain(pr, h);
                }
            });
        }
        return known;
    }

    /**
     * For tests: the tile height the member's consumer of {@code trackId} works with, read on the media loop;
     * -1 while there is no such consumer.
     */
    CompletableFuture<Integer> consumerTileHeight(String participantId, String trackId) {
        CompletableFuture<Integer> out = new CompletableFuture<>();
        String producerId = null;
        synchronized (this) {
            for (SubscribeSession.Slot slot : member(participantId).subscribe.slots) {
                if (slot.track.trackId().equals(trackId)) {
                    producerId = slot.producerId;
                }
            }
        }
        String id = producerId;
        router.execute(() -> {
            Producer pr = id == null ? null : router.producer(id);
            Subscriber sub = router.subscriber(participantId);
            Consumer c = pr == null || sub == null ? null : sub.consumerOf(pr);
            out.complete(c == null ? -1 : c.maxHeight());
        });
        return out;
    }

    /**
     * The member's send-side estimate with its parts (delay-based rate, loss cap, acknowledged rate, detector
     * state, loss, round trip), read on the media loop; null without transport-cc or for a non-member. For
     * operators' and browser tests' eyes.
     */
    public CompletableFuture<String> bandwidthEstimateDetails(String participantId) {
        CompletableFuture<String> out = new CompletableFuture<>();
        router.execute(() -> {
            Subscriber sub = router.subscriber(participantId);
            out.complete(sub == null ? null : sub.bandwidthEstimateDetails());
        });
        return out;
    }

    /**
     * What the member is sent of each video it receives, read on the media loop: the simulcast layer forwarded
     * (and its height), the one chosen for the next keyframe, the highest temporal layer and the tile height the
     * choice works with. For operators' and browser tests' eyes; empty for a non-member.
     */
    public CompletableFuture<List<ForwardedVideo>> forwardedVideo(String participantId) {
        CompletableFuture<List<ForwardedVideo>> out = new CompletableFuture<>();
        Map<String, String> publisherByProducer = new LinkedHashMap<>();
        synchronized (this) {
            Member m = members.get(participantId);
            if (m == null) {
                return CompletableFuture.completedFuture(List.of());
            }
            for (SubscribeSession.Slot slot : m.subscribe.slots) {
                if (slot.consumerCreated && slot.track.active()) {
                    publisherByProducer.put(slot.producerId, slot.publisherId);
                }
            }
        }
        router.execute(() -> {
            List<ForwardedVideo> list = new ArrayList<>();
            Subscriber sub = router.subscriber(participantId);
            publisherByProducer.forEach((producerId, publisherId) -> {
                Producer pr = router.producer(producerId);
                Consumer c = pr == null || sub == null || !pr.video() ? null : sub.consumerOf(pr);
                if (c != null) {
                    int layer = c.currentLayer();
                    list.add(new ForwardedVideo(publisherId, producerId, layer,
                            layer < 0 ? 0 : pr.layerHeight(layer), c.targetLayer(), c.maxTemporalLayer(),
                            c.maxHeight(), c.pausedByLastN(), c.layerSwitches(),
                            pr.highestActiveLayer(System.nanoTime())));
                }
            });
            out.complete(list);
        });
        return out;
    }

    /** The tallest tile a client may report: 8K. Anything above is a client bug, not a screen. */
    public static final int MAX_TILE_HEIGHT = 4320;

    /** The label of a screen-share track (TrackLabeler): first in line for a subscriber's bandwidth. */
    private static final String SCREEN = "screen";

    /**
     * ICE restart of the member's subscribe connection (the client asks for it when that connection failed):
     * its transport gets new local credentials, keeping DTLS and SRTP, and the next subscribe offer carries them.
     * Returns false when there is no subscribe connection yet (nothing to restart).
     */
    public synchronized boolean restartSubscribeIce(String participantId) {
        Member p = member(participantId);
        SubscribeSession s = p.subscribe;
        if (s.transport == null) {
            return false;
        }
        s.transport.restartIce();
        s.dirty = true;
        return true;
    }

    /**
     * The member's signaling connection was replaced (a resume): an offer sent on the old one may never have
     * arrived or been answered, so it is forgotten and the next {@link #nextSubscribeOffer} describes everything
     * again under a new version.
     */
    public synchronized void resendSubscribeState(String participantId) {
        Member p = member(participantId);
        SubscribeSession s = p.subscribe;
        if (s.version > 0) {
            s.pendingVersion = 0;
            s.dirty = true;
        }
    }

    /** Closes the member's media and makes their tracks inactive for everyone else; idempotent. */
    public synchronized void remove(String participantId) {
        Member p = members.remove(participantId);
        if (p == null) {
            return;
        }
        router.execute(() -> router.closeParticipant(participantId));
        for (String mid : p.publishedTracks.keySet()) {
            for (Member o : members.values()) {
                o.subscribe.deactivate(p.producerId(mid));
            }
            if (recording != null) {
                recording.endTrack(p.producerId(mid));
            }
        }
    }

    /**
     * Starts recording every track of the room, now and later, into {@code directory} (which must exist): one
     * live WebM file per participant and track, on one meeting clock. Each video consumer asks its publisher
     * for a keyframe as it starts.
     *
     * @param minFreeBytes below this much free space in the directory the recording stops by itself
     * @param onFailure told (on the recorder's thread) when the recording stopped by itself: disk low or full, a
     *                  write error; {@link #stopRecording} then still returns what was written
     * @throws IllegalStateException when the room is closed or already recording
     */
    public synchronized void startRecording(java.nio.file.Path directory, long minFreeBytes,
                                            java.util.function.Consumer<RecordingFailure> onFailure) {
        if (closed || recording != null) {
            throw new IllegalStateException("media room " + name + (closed ? " is closed" : " is already recording"));
        }
        recording = new RoomRecording(name, media, router, directory, minFreeBytes, onFailure);
        for (Member m : members.values()) {
            for (PublishedTrack t : m.publishedTracks.values()) {
                recording.addTrack(m.producerId(t.mid()), m.id, t.kind(), m.labels.get(t.mid()));
            }
        }
    }

    /** True between {@link #startRecording} and {@link #stopRecording}. */
    public synchronized boolean recording() {
        return recording != null;
    }

    /**
     * Stops the recording; the future completes once every file is closed, with what was written.
     *
     * @param why the summary's {@code stoppedBy} (e.g. "stopped", "room-closed"), unless it had failed already
     * @throws IllegalStateException when not recording
     */
    public synchronized java.util.concurrent.CompletableFuture<RecordingSummary> stopRecording(String why) {
        if (recording == null) {
            throw new IllegalStateException("media room " + name + " is not recording");
        }
        RoomRecording r = recording;
        recording = null;
        return r.stop(why);
    }

    /** Closes every transport; the room cannot be used afterwards. Idempotent. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        media.roomClosed();
        members.clear();
        if (recording != null) {
            recording.stop("room-closed"); // the files close on their own; the caller stops recordings it cares about first
            recording = null;
        }
        router.execute(router::close);
    }

    /**
     * How a member's media reaches the server, for operators: the {@code ConnectionType} label of the selected path
     * of their publish and of their subscribe transport; {@link TransportPaths#NONE} for a non-member.
     */
    public synchronized TransportPaths paths(String participantId) {
        Member m = members.get(participantId);
        if (m == null) {
            return TransportPaths.NONE;
        }
        return new TransportPaths(label(m.publishTransport), label(m.subscribe.transport));
    }

    private static String label(WebRtcTransport t) {
        ConnectionType type = t == null ? null : t.connectionType();
        return type == null ? null : type.label();
    }

    private Member member(String participantId) {
        Member m = members.get(participantId);
        if (m == null) {
            throw new IllegalStateException(participantId + " is not a member of media room " + name);
        }
        return m;
    }
}

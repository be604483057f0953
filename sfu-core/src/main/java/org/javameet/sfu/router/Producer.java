package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.rtp.AudioLevel;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.speaker.SpeakerActivity;

/**
 * One incoming track: receives a publisher's RTP and hands each packet to every Consumer. A simulcast track
 * has several layers ({@link ProducerLayer}, lowest first), each its own RTP stream; a consumer picks which to
 * forward. Media loop only. Closing a producer closes its consumers (mediasoup's cascade).
 */
public final class Producer {
    /** Chromium answers a PLI with a keyframe in ~100 ms; asking more often only wastes its bits. */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 300_000_000L;
    /** A layer that sent nothing for this long is off (the publisher's encoder paused it, or it is not up yet). */
    static final long LAYER_IDLE_NANOS = 1_000_000_000L;
    /** How long a simulcast layer is not wanted by any consumer before the publisher is asked to pause it. */
    static final long PAUSE_UNWANTED_AFTER_NANOS = 5_000_000_000L;

    private final String id;
    private final String ownerId;
    private final ProducerParams params;
    private final MediaLink link;
    private final long senderSsrc;
    private final List<Consumer> consumers = new ArrayList<>();
    private final ProducerLayer[] layers;
    /** Where this audio track's levels go (dominant speaker detection); null for video or without the extension. */
    private SpeakerActivity speech;
    /** A screen share (or whatever the session says must always reach everyone): last-N never pauses it. */
    private boolean alwaysForwarded;
    private boolean screenShare;
    private boolean closed;
    /** The highest layer the publisher is asked to send (layers above it are paused); all of them at first. */
    private int sentTop;
    /** Since when fewer layers than {@link #sentTop} were wanted (0: not), and the most wanted since then. */
    private long wantedLessSinceNanos;
    private int wantedLessTop;

    Producer(String id, String ownerId, ProducerParams params, MediaLink link, long senderSsrc) {
        this.id = id;
        this.ownerId = ownerId;
        this.params = params;
        this.link = link;
        this.senderSsrc = senderSsrc;
        this.layers = new ProducerLayer[params.layerCount()];
        for (int i = 0; i < layers.length; i++) {
            boolean simulcast = !params.rids().isEmpty();
            layers[i] = new ProducerLayer(this, i, simulcast ? params.rids().get(i) : null,
                    simulcast ? 0 : params.ssrc(), simulcast ? 0 : params.rtxSsrc(), params.video(), params.clockRate());
        }
        this.sentTop = layers.length - 1; // a publisher starts sending every layer it offered
    }

    public String id() { return id; }
    public String ownerId() { return ownerId; }
    public boolean video() { return params.video(); }
    public ProducerParams params() { return params; }
    /** The SSRC of the lowest (or only) layer, 0 until known. */
    public long ssrc() { return layers[0].ssrc; }
    List<Consumer> consumers() { return consumers; }
    ProducerLayer[] layers() { return layers; }
    public int layerCount() { return layers.length; }
    /** True for a track published with simulcast (its layers named by rids). */
    boolean simulcast() { return !params.rids().isEmpty(); }

    /** A screen share comes first when a subscriber's bandwidth is shared out (text must stay legible). */
    boolean screenShare() { return screenShare; }

    public void screenShare(boolean screenShare) { this.screenShare = screenShare; }

    /**
     * The layer a tile {@code height} pixels tall needs: the lowest whose keyframes are at least that tall. A
     * layer not measured yet is taken as half the height of the one above (scaleResolutionDownBy 2); the top
     * layer when none is tall enough, or for {@code height <= 0} (no constraint).
     */
    int layerForHeight(int height) {
        int top = layers.length - 1;
        if (height <= 0) {
            return top;
        }
        for (int i = 0; i < top; i++) {
            int h = knownOrAssumedHeight(i);
            if (h == 0) {
                return top; // sizes unknown: no basis to hold back
            }
            if (h >= height) {
                return i;
            }
        }
        return top;
    }

    /**
     * The height of layer {@code index}: from its last keyframe, else half the one above per layer
     * (scaleResolutionDownBy 2), else 0 (the top layer's is not known yet).
     */
    int knownOrAssumedHeight(int index) {
        int top = layers.length - 1;
        int topHeight = layers[top].height;
        return layers[index].height > 0 ? layers[index].height : topHeight > 0 ? topHeight >> (top - index) : 0;
    }

    /** The highest layer the publisher is asked to send now (see {@link #updateWantedLayers}). */
    int sentTop() {
        return sentTop;
    }

    /**
     * What the publisher should send of a simulcast track, from what its consumers show it in (Jitsi's sender
     * video constraints, LiveKit's dynacast): up to the layer the largest tile needs, every layer for a consumer
     * without a tile report (or the recorder), the lowest layer when nobody watches. A layer wanted again is
     * asked for at once; one no longer wanted is paused only after {@link #PAUSE_UNWANTED_AFTER_NANOS}, so a
     * layout that changes for a moment does not make the publisher's encoder stop and restart it. Layers above
     * the chosen one are {@link #pausedRids()}. Media loop; returns true when that changed.
     */
    boolean updateWantedLayers(long nowNanos) {
        if (!params.video() || layers.length < 2) {
            return false;
        }
        int wanted = 0;
        for (int i = 0; i < consumers.size(); i++) {
            Consumer c = consumers.get(i);
            if (!c.pausedByLastN()) {
                wanted = Math.max(wanted, layerForHeight(c.maxHeight()));
            }
        }
        if (wanted >= sentTop) {
            wantedLessSinceNanos = 0;
            boolean more = wanted > sentTop;
            sentTop = wanted;
            return more;
        }
        if (wantedLessSinceNanos == 0) {
            wantedLessSinceNanos = nowNanos;
            wantedLessTop = wanted;
            return false;
        }
        wantedLessTop = Math.max(wantedLessTop, wanted);
        if (nowNanos - wantedLessSinceNanos < PAUSE_UNWANTED_AFTER_NANOS) {
            return false;
        }
        sentTop = wantedLessTop;
        wantedLessSinceNanos = 0;
        return true;
    }

    /** The rids of the layers the publisher need not send now (see {@link #updateWantedLayers}), highest last. */
    List<String> pausedRids() {
        List<String> out = new ArrayList<>();
        for (int i = sentTop + 1; i < layers.length; i++) {
            out.add(layers[i].rid);
        }
        return out;
    }

    /** The height layer {@code index}'s last keyframe announced (VP8), 0 before one was seen. */
    public int layerHeight(int index) {
        return layers[index].height;
    }

    /** The layer with this rid, or null. */
    ProducerLayer layer(String rid) {
        for (ProducerLayer l : layers) {
            if (rid.equals(l.rid)) {
                return l;
            }
        }
        return null;
    }

    public boolean alwaysForwarded() {
        return alwaysForwarded;
    }

    void alwaysForwarded(boolean always) {
        alwaysForwarded = always;
    }

    /** From now on the RFC 6464 level of each packet goes to {@code activity} (audio has one layer: all of them). */
    void speech(SpeakerActivity activity) {
        this.speech = activity;
    }

    /** The SSRC of layer {@code index}, 0 until known. */
    public long layerSsrc(int index) {
        return layers[index].ssrc;
    }

    /**
     * The highest layer that sent media within {@link #LAYER_IDLE_NANOS}, or -1 when none did: a publisher's
     * encoder drops its top layers while its own estimate is low (Chromium starts that way).
     */
    public int highestActiveLayer(long nowNanos) {
        for (int i = layers.length - 1; i >= 0; i--) {
            if (layers[i].active(nowNanos)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The highest layer that has not stopped, or -1 before any packet: a layer has stopped when another layer went
     * on sending for {@link #LAYER_IDLE_NANOS} after its last packet (the encoder dropped it: its own CPU or
     * bandwidth adaptation, or a pause). Judged against the other layers, not the clock, so a publisher that
     * stalls, or a media loop that ran late and has not read what waits in the socket, stops no layer.
     */
    int highestSendingLayer() {
        long newest = 0;
        for (ProducerLayer l : layers) {
            newest = Math.max(newest, l.lastPacketNanos);
        }
        for (int i = layers.length - 1; i >= 0; i--) {
            if (layers[i].lastPacketNanos != 0 && newest - layers[i].lastPacketNanos < LAYER_IDLE_NANOS) {
                return i;
            }
        }
        return -1;
    }

    /** One decrypted RTP packet of {@code layer} (or restored from its RTX); the producer owns it and releases it. */
    void onRtp(ByteBuf packet, ProducerLayer layer) {
        try {
            int seq = RtpHeader.sequenceNumber(packet);
            long now = System.nanoTime();
            if (layer.cache != null) {
                if (layer.cache.get(seq) != null) {
                    return; // a duplicate (e.g. RTX for a packet that arrived after all): forward once
                }
                layer.cache.put(packet);
                if (layer.nacks.onPacket(seq, now)) {
                    requestKeyframe(layer.index);
                }
                int[] lost = layer.nacks.due(now);
                if (lost.length > 0) {
                    sendNack(layer, lost);
                }
            }
            layer.onPacket(packet, now);
            if (layer.keyframeRequestDeferred && now - layer.lastKeyframeRequestNanos >= KEYFRAME_REQUEST_INTERVAL_NANOS) {
                requestKeyframe(layer.index);
            }
            if (speech != null) {
                readAudioLevel(packet);
            }
            for (int i = 0; i < consumers.size(); i++) {
                consumers.get(i).forward(packet, layer.index, now);
            }
        } finally {
            packet.release();
        }
    }

    private void readAudioLevel(ByteBuf packet) {
        int data = AudioLevel.read(packet, params.audioLevelExtId());
        if (data >= 0) {
            speech.onLevel(AudioLevel.level(data));
        } else if (data == AudioLevel.MALFORMED) {
            link.metrics().audioLevelMalformed.increment();
        }
    }

    /** Asks the publisher to resend packets lost on its uplink (RFC 4585 generic NACK). */
    private void sendNack(ProducerLayer layer, int[] lost) {
        if (!link.isConnected() || layer.ssrc == 0) {
            return;
        }
        link.metrics().nacksSent.increment();
        link.sendRtcp(RtcpSend.nack(link.alloc(), senderSsrc, layer.ssrc, lost));
    }

    ByteBuf cached(int layer, int sequenceNumber) {
        PacketCache cache = layers[layer].cache;
        return cache == null ? null : cache.get(sequenceNumber);
    }

    /**
     * Asks the publisher for a keyframe on {@code layer}'s SSRC with a PLI (RFC 4585 §6.3.1), at most once per
     * interval per layer: a simulcast encoder can key one layer without the others.
     */
    void requestKeyframe(int layer) {
        ProducerLayer l = layers[layer];
        if (closed || !params.video() || l.ssrc == 0 || !link.isConnected()) {
            return;
        }
        long now = System.nanoTime();
        if (l.lastKeyframeRequestNanos != 0 && now - l.lastKeyframeRequestNanos < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            // too soon to ask again, but not forgotten: the keyframe already asked for may have gone by before
            // this requester (a new consumer, a recorder after loss) was ready, so ask once the interval is up
            // unless a keyframe arrives first
            l.keyframeRequestDeferred = true;
            return;
        }
        l.lastKeyframeRequestNanos = now;
        l.keyframeRequestDeferred = false;
        link.metrics().keyframeRequests.increment();
        link.sendRtcp(RtcpSend.pli(link.alloc(), senderSsrc, l.ssrc));
        link.flush();
    }

    void onSenderReport(ProducerLayer layer, long ntpTimestamp, long rtpTimestamp) {
        layer.stats.onSenderReport(ntpTimestamp, System.nanoTime());
        for (int i = 0; i < consumers.size(); i++) {
            consumers.get(i).onSenderReport(layer.index, ntpTimestamp, rtpTimestamp);
        }
    }

    void addConsumer(Consumer c) {
        consumers.add(c);
    }

    void removeConsumer(Consumer c) {
        consumers.remove(c);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Consumer c : List.copyOf(consumers)) {
            c.close();
        }
        consumers.clear();
        for (ProducerLayer l : layers) {
            if (l.cache != null) {
                l.cache.clear();
            }
        }
    }

    @Override
    public String toString() {
        return "producer " + id + " (" + (params.video() ? "video" : "audio") + " of " + ownerId + ")";
    }
}

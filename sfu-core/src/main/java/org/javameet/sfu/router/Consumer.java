package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.RtpRewriter;
import org.javameet.sfu.rtp.SequenceNumbers;
import org.javameet.sfu.rtp.StreamRewriter;
import org.javameet.sfu.rtp.TransportWideSequence;
import org.javameet.sfu.rtp.Vp8Descriptor;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * One subscriber's copy of one Producer. It rewrites SSRC, payload type, sequence number, timestamp and (VP8)
 * PictureID/TL0PICIDX to its own values ({@link ConsumerParams}, as announced to the subscriber), so the
 * subscriber sees one continuous stream while the source changes: of a simulcast producer it forwards one layer
 * at a time, switching to its {@link #targetLayer} only at a keyframe of that layer, and it may leave out VP8
 * temporal layers above {@link #maxTemporalLayer}. Media loop only.
 */
public final class Consumer {
    /** Every temporal layer. */
    static final int ALL_TEMPORAL_LAYERS = ProducerLayer.TEMPORAL_LAYERS - 1;

    private final Producer producer;
    private final Subscriber subscriber;
    private final MediaLink link;
    private final String mid;
    private final long ssrc;
    private final long rtxSsrc;
    private final int payloadType;
    private final int rtxPayloadType;
    private final int[] extensionsFrom;
    private final int[] extensionsTo;
    /** Null for audio: no keyframe gate. */
    private final KeyframeDetector keyframes;
    private final StreamRewriter rewriter;

    private int targetLayer;
    private int maxTemporalLayer = ALL_TEMPORAL_LAYERS;
    /** The height of the receiver's tile for this track, 0 when it has not said. */
    private int maxHeight;
    private boolean waitingForKeyframe;
    /** Last-N left this video out for the subscriber: nothing is forwarded (see {@link LastN}). */
    private boolean pausedByLastN;
    /**
     * Resumed after a pause: forwarding starts again at a keyframe of the target layer, through the rewriter's
     * {@link StreamRewriter#switchSource} like a layer switch, so sequence numbers, timestamps and PictureIDs
     * continue from the last ones sent and the subscriber sees no gap.
     */
    private boolean resumeAtKeyframe;
    /** Resumed, its keyframe not asked for yet: that waits for the layer choice ({@link #askResumeKeyframe}). */
    private boolean keyframeOnResume;
    private int rtxSeq = ThreadLocalRandom.current().nextInt(0x10000);
    private long packetsSent;
    private long octetsSent;
    private long layerSwitches;
    private boolean closed;
    private final RetransmissionLimiter retransmissions = new RetransmissionLimiter();
    /** The last SRs sent to the subscriber: their LSR (middle 32 bits of the NTP timestamp) and when, for the RTT. */
    private final long[] srLsr = new long[SR_HISTORY];
    private final long[] srSentNanos = new long[SR_HISTORY];
    private int srNext;

    Consumer(Producer producer, Subscriber subscriber, ConsumerParams params) {
        this.producer = producer;
        this.subscriber = subscriber;
        this.link = subscriber.link();
        this.mid = params.mid();
        this.ssrc = params.ssrc();
        this.rtxSsrc = params.rtxSsrc();
        this.payloadType = params.payloadType();
        this.rtxPayloadType = params.rtxPayloadType();
        this.extensionsFrom = params.extensionsFrom().clone();
        this.extensionsTo = params.extensionsTo().clone();
        this.keyframes = params.keyframes();
        this.waitingForKeyframe = keyframes != null;
        this.rewriter = new StreamRewriter(producer.params().clockRate(), producer.video());
        this.targetLayer = producer.layerCount() - 1;
    }

    public String mid() { return mid; }
    public long ssrc() { return ssrc; }
    public long rtxSsrc() { return rtxSsrc; }
    public Producer producer() { return producer; }
    Subscriber subscriber() { return subscriber; }

    /** The layer being forwarded, or -1 before the first packet went out. */
    public int currentLayer() {
        return rewriter.source();
    }

    /** The layer this consumer switches to at its next keyframe. */
    public int targetLayer() {
        return targetLayer;
    }

    /** How often the forwarded layer changed (the first layer not counted). */
    public long layerSwitches() {
        return layerSwitches;
    }

    /** Sets the layer to forward from its next keyframe on (clamped to the producer's layers). */
    void targetLayer(int layer) {
        targetLayer = Math.max(0, Math.min(layer, producer.layerCount() - 1));
    }

    /** The highest VP8 temporal layer forwarded; higher ones are left out, the stream closing up behind them. */
    public int maxTemporalLayer() {
        return maxTemporalLayer;
    }

    /** The height in pixels of the tile the subscriber shows this track in, 0 when unknown (no constraint). */
    public int maxHeight() {
        return maxHeight;
    }

    void maxHeight(int height) {
        maxHeight = Math.max(0, height);
    }

    void maxTemporalLayer(int tid) {
        maxTemporalLayer = Math.max(0, Math.min(tid, ALL_TEMPORAL_LAYERS));
    }

    /** True while last-N leaves this video out for its subscriber. */
    public boolean pausedByLastN() {
        return pausedByLastN;
    }

    /**
     * Last-N's word: stop forwarding (the subscriber shows an avatar), or forward again, from a keyframe of the
     * target layer (asked for once the subscriber's layers are chosen anew) and with sequence numbers continuing
     * where they stopped. Layer selection leaves a paused consumer out. Returns true if that changed anything.
     */
    boolean pauseByLastN(boolean paused) {
        if (paused == pausedByLastN) {
            return false;
        }
        pausedByLastN = paused;
        if (!paused) {
            resumeAtKeyframe = rewriter.source() >= 0;
            if (keyframes != null) {
                waitingForKeyframe = true;
                keyframeOnResume = true; // once the layer is chosen: askResumeKeyframe
            }
        }
        return true;
    }

    /**
     * Asks for the keyframe a resumed consumer waits for, of its target layer; called once layers were chosen,
     * so the request names the layer it will get (a paused consumer keeps no layer choice up to date).
     */
    void askResumeKeyframe() {
        if (keyframeOnResume && !pausedByLastN && !closed) {
            keyframeOnResume = false;
            producer.requestKeyframe(targetLayer);
        }
    }

    /**
     * Forwards one packet of the producer's layer {@code layer}; does not take ownership of {@code src}. Called by
     * the producer; public so the forwarding benchmark can drive the real thing.
     */
    public void forward(ByteBuf src, int layer) {
        forward(src, layer, System.nanoTime());
    }

    /**
     * {@code now}: when the packet arrived, for the timestamp a switch to its layer continues with (the producer
     * reads the clock once for all its consumers).
     */
    void forward(ByteBuf src, int layer, long now) {
        if (closed || pausedByLastN || !link.isConnected()) {
            return;
        }
        if (layer != rewriter.source() || resumeAtKeyframe) {
            if (!switchesAt(src, layer)) {
                return;
            }
            if (rewriter.source() >= 0 && layer != rewriter.source()) {
                layerSwitches++;
                link.metrics().layerSwitches.increment();
            }
            // also after a last-N pause on the same layer: the stream continues right after the last packet sent
            rewriter.switchSource(layer, src, now);
            resumeAtKeyframe = false;
            waitingForKeyframe = false;
        } else if (waitingForKeyframe) {
            if (!keyframes.isKeyframe(src)) {
                link.metrics().drop(DropReason.WAITING_FOR_KEYFRAME);
                producer.requestKeyframe(layer);
                return;
            }
            waitingForKeyframe = false;
        }
        if (keyframes != null && maxTemporalLayer < ALL_TEMPORAL_LAYERS
                && Vp8Descriptor.temporalLayerId(Vp8Descriptor.parse(src)) > maxTemporalLayer) {
            rewriter.skip(src);
            return;
        }
        int transportCcId = subscriber.transportCcExtensionId();
        ByteBuf out = RtpRewriter.copyWithExtensions(link.alloc(), src, extensionsFrom, extensionsTo,
                transportCcId, transportCcId != 0 ? TransportWideSequence.LENGTH : 0, SrtpSession.MAX_TRAILER);
        if (!rewriter.rewrite(out, now)) {
            out.release(); // from before the last switch or skip: its number may be taken
            return;
        }
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        int payloadOctets = out.readableBytes() - RtpHeader.headerLength(out);
        int bytes = out.readableBytes();
        if (subscriber.send(out, this, layer, keyframes != null)) {
            retransmissions.onForwarded(bytes);
            packetsSent++;
            octetsSent += payloadOctets;
            link.metrics().rtpForwarded.increment();
        } else if (keyframes != null) {
            // the socket is backed up: rather than a broken frame, skip to the next keyframe
            waitingForKeyframe = true;
            producer.requestKeyframe(layer);
        }
    }

    /**
     * A recorder's choice, instead of the {@link LayerAllocator}'s (a file has no downlink or tile to fit): the
     * highest layer the publisher sends, all its temporal layers, and that layer kept until it stops
     * ({@link Producer#highestSendingLayer}: judged against the other layers, so a stalled publisher or a late
     * media loop switches nothing, where a 1 s silence by the clock would send the recorder down and back up, each
     * time asking a busy publisher for a keyframe). When the layer being recorded has stopped, recording goes on
     * from the lower layer's last keyframe if that came after the stopped layer's last packet — an encoder that
     * drops a layer keys the ones it keeps at that moment, a second before the drop shows — replayed from the
     * producer's cache; else from the next keyframe of that layer, asked for now, not after a wait.
     */
    void keepTopLayer() {
        if (keyframes == null || closed) {
            return;
        }
        int top = producer.highestSendingLayer();
        if (top < 0) {
            return;
        }
        maxTemporalLayer = ALL_TEMPORAL_LAYERS;
        targetLayer(top);
        int current = rewriter.source();
        if (current <= top || pausedByLastN || !link.isConnected()) {
            return; // recording the top layer, or climbing to it at its next keyframe
        }
        ProducerLayer stopped = producer.layers()[current];
        ProducerLayer next = producer.layers()[top];
        if (next.lastKeyframeSeq >= 0 && next.lastKeyframeNanos >= stopped.lastPacketNanos - KEYFRAME_BEFORE_STOP_NANOS
                && producer.cached(top, next.lastKeyframeSeq) != null) {
            replayFrom(top, next.lastKeyframeSeq, next.highestSeq(), next.lastKeyframeNanos);
        }
        if (rewriter.source() != top) {
            producer.requestKeyframe(top);
        }
    }

    /**
     * How long before the stopped layer's last packet the lower layer's keyframe may have come and still be the one
     * the encoder made when it dropped the layer (the two leave the encoder together but may arrive apart).
     */
    static final long KEYFRAME_BEFORE_STOP_NANOS = 200_000_000L;

    /** Forwards {@code layer}'s cached packets from {@code fromSeq} to {@code toSeq}: the first one switches. */
    private void replayFrom(int layer, int fromSeq, int toSeq, long keyframeArrivalNanos) {
        int count = SequenceNumbers.forwardDistance(fromSeq, toSeq) + 1;
        if (count > PacketCache.SIZE) {
            return; // not all of it is held any more
        }
        for (int i = 0; i < count; i++) {
            ByteBuf p = producer.cached(layer, SequenceNumbers.add(fromSeq, i));
            if (p != null) {
                // the keyframe's arrival times the switch (it was sent then, not now); a packet lost on the way
                // leaves a gap, as it would live
                forward(p, layer, i == 0 ? keyframeArrivalNanos : System.nanoTime());
            }
            if (i == 0 && rewriter.source() != layer) {
                return; // did not switch after all
            }
        }
    }

    /**
     * The link refused a packet the pacer held (the socket is backed up): like a refused packet sent at once,
     * video skips to the next keyframe rather than show a broken frame.
     */
    void onPacedSendFailed(int layer) {
        if (keyframes != null && !closed && layer >= 0) {
            waitingForKeyframe = true;
            producer.requestKeyframe(layer);
        }
    }

    boolean closed() {
        return closed;
    }

    /**
     * Whether a packet of {@code layer}, not the one being forwarded (or any, after a last-N pause), starts the
     * forwarding of that layer: audio starts with any packet; video at a keyframe of the target layer (asked for
     * when missing), or before anything was sent, at a keyframe of any lower layer, since a lower layer now beats
     * none.
     */
    private boolean switchesAt(ByteBuf src, int layer) {
        if (keyframes == null) {
            return true;
        }
        boolean nothingSent = rewriter.source() < 0;
        if (layer != targetLayer && !(nothingSent && layer < targetLayer)) {
            return false;
        }
        if (keyframes.isKeyframe(src)) {
            return true;
        }
        if (layer == targetLayer) {
            if (nothingSent || resumeAtKeyframe) {
                link.metrics().drop(DropReason.WAITING_FOR_KEYFRAME);
            }
            producer.requestKeyframe(layer);
        }
        return false;
    }

    /**
     * Subscriber's NACK (RFC 4585 §6.2.1) for our sequence numbers: resend from the producer's cache, with the
     * values each packet was first sent with, within the {@link RetransmissionLimiter}'s rules so NACKs cannot
     * amplify.
     */
    void onNack(int[] lostSequenceNumbers) {
        if (rewriter.source() < 0 || closed) {
            return;
        }
        long now = System.nanoTime();
        for (int outSeq : lostSequenceNumbers) {
            long sent = rewriter.sentAs(outSeq);
            if (sent < 0) {
                continue;
            }
            ByteBuf original = producer.cached((int) (sent >>> 16), (int) (sent & 0xFFFF));
            if (original == null) {
                continue;
            }
            switch (retransmissions.tryResend(outSeq, original.readableBytes(), now)) {
                case TOO_SOON -> {
                    link.metrics().retransmissionsTooSoon.increment();
                    continue;
                }
                case OVER_BUDGET -> {
                    link.metrics().retransmissionsOverBudget.increment();
                    continue;
                }
                case SEND -> { }
            }
            int transportCcId = subscriber.transportCcExtensionId();
            ByteBuf packet;
            if (rtxSsrc != 0) {
                ByteBuf copy = rewrittenCopy(original, outSeq, 0);
                packet = RtxPacket.wrap(link.alloc(), copy, outSeq, rtxSeq++ & 0xFFFF, rtxPayloadType, rtxSsrc, 0,
                        transportCcId);
                copy.release();
            } else {
                packet = rewrittenCopy(original, outSeq, transportCcId);
            }
            if (subscriber.send(packet, this, (int) (sent >>> 16), true)) { // the layer it was first sent from
                link.metrics().retransmissions.increment();
            }
        }
        link.flush();
    }

    /**
     * Whether {@link #paddingPacket} would make a packet now: an RTX stream, a layer being forwarded (its timestamp
     * to borrow), not paused, transport-cc on.
     */
    boolean canCarryPadding(int transportCcId) {
        return rtxSsrc != 0 && rewriter.source() >= 0 && !closed && !pausedByLastN && transportCcId != 0;
    }

    /**
     * A padding-only packet on this consumer's RTX stream (RFC 3550 §5.1 padding, RFC 4588 stream): what bandwidth
     * probes are made of. The receiver counts it in its transport-cc feedback and drops it, as it does libwebrtc's
     * own padding. Null when this consumer cannot carry one: no RTX negotiated, nothing sent yet (the RTX stream's
     * timestamp would be a guess), closed or paused.
     *
     * @param paddingBytes 1..255 bytes of padding
     */
    ByteBuf paddingPacket(int paddingBytes, int transportCcId) {
        if (!canCarryPadding(transportCcId)) {
            return null;
        }
        int extension = TransportWideSequence.blockSize(transportCcId);
        ByteBuf out = link.alloc().heapBuffer(12 + extension + paddingBytes + SrtpSession.MAX_TRAILER);
        out.writeByte(0xB0); // V=2, P, X, no CSRC
        out.writeByte(rtxPayloadType);
        out.writeShort(rtxSeq++ & 0xFFFF);
        out.writeInt((int) rewriter.lastTimestamp());
        out.writeInt((int) rtxSsrc);
        TransportWideSequence.writeBlock(out, transportCcId);
        out.writeZero(paddingBytes - 1);
        out.writeByte(paddingBytes);
        return out;
    }

    /** The packet as first sent under {@code outSeq}: our SSRC and payload type, its sequence number, timestamp, PictureID. */
    private ByteBuf rewrittenCopy(ByteBuf original, int outSeq, int transportCcId) {
        ByteBuf out = RtpRewriter.copyWithExtensions(link.alloc(), original, extensionsFrom, extensionsTo,
                transportCcId, transportCcId != 0 ? TransportWideSequence.LENGTH : 0, SrtpSession.MAX_TRAILER);
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        rewriter.rewriteRetransmission(out, outSeq);
        return out;
    }

    /** The subscriber asked for a keyframe: of the layer it gets, or, before any, of the one it is to get. */
    void onKeyframeRequest() {
        if (!pausedByLastN) { // a paused track's decoder may ask; it gets a keyframe when it resumes
            producer.requestKeyframe(rewriter.source() >= 0 && !resumeAtKeyframe ? rewriter.source() : targetLayer);
        }
    }

    /** Called when the subscriber's link connects: start from a keyframe. */
    void onLinkConnected() {
        if (keyframes != null && !pausedByLastN) {
            waitingForKeyframe = true;
            onKeyframeRequest();
        }
    }

    /**
     * Translates the publisher's SR (RFC 3550 §6.4.1) for the layer being forwarded into our SSRC and timestamp
     * space, so lip sync holds; other layers' SRs describe streams the subscriber does not get.
     */
    void onSenderReport(int layer, long ntpTimestamp, long rtpTimestamp) {
        if (layer != rewriter.source() || closed || !link.isConnected()) {
            return;
        }
        link.sendRtcp(RtcpSend.senderReport(link.alloc(), ssrc, ntpTimestamp,
                (rtpTimestamp + rewriter.timestampDelta()) & 0xFFFFFFFFL, packetsSent, octetsSent, producer.ownerId()));
        link.flush();
        srLsr[srNext] = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        srSentNanos[srNext] = System.nanoTime();
        srNext = (srNext + 1) % SR_HISTORY;
    }

    /**
     * The subscriber's reception report on our stream (RFC 3550 §6.4.1): LSR names the SR of ours it last got,
     * DLSR how long it held it (1/65536 s). The SRs carry the publisher's NTP clock, not ours, so the RTT is our
     * own send time of that SR to now, minus DLSR; it sets how soon a packet may be resent.
     */
    void onReceptionReport(long lsr, long dlsr, long nowNanos) {
        if (lsr == 0 || closed) {
            return; // no SR received yet
        }
        for (int i = 0; i < SR_HISTORY; i++) {
            if (srLsr[i] == lsr && srSentNanos[i] != 0) {
                long rtt = nowNanos - srSentNanos[i] - dlsr * 1_000_000_000L / 65536;
                retransmissions.onRtt(rtt);
                return;
            }
        }
    }

    /** The smoothed RTT to the subscriber, or -1 before it was measured. */
    long rttNanos() {
        return retransmissions.smoothedRttNanos();
    }

    private static final int SR_HISTORY = 8;

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.removeConsumer(this);
    }
}

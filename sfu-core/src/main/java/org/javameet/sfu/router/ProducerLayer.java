package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.rtp.Vp8Descriptor;

/**
 * One encoding of a Producer: a simulcast layer (named by its rid) or the one stream of a track sent without
 * simulcast. Each layer is its own RTP stream on the wire, so each has its own SSRCs, packet cache (sequence
 * numbers of different layers collide), reception statistics, NACK state and keyframe-request throttle.
 * Media loop only.
 */
final class ProducerLayer {
    final Producer producer;
    /** 0 is the lowest layer. */
    final int index;
    /** The layer's rid, or null for a track without simulcast. */
    final String rid;
    /** 0 until announced or learnt. */
    long ssrc;
    /** 0 until announced or learnt (or without RTX). */
    long rtxSsrc;
    /** Null for audio. */
    final PacketCache cache;
    final ReceiveStats stats;
    /** Null for audio. */
    final NackGenerator nacks;
    long lastKeyframeRequestNanos;
    /** A keyframe request came inside the throttle interval: sent when it ends, dropped if a keyframe comes first. */
    boolean keyframeRequestDeferred;
    /** When the last media packet arrived, 0 before the first. */
    long lastPacketNanos;
    /**
     * The sequence number of the last keyframe's first packet and when it arrived (-1 and 0 before one): a
     * recorder whose layer stops continues on a lower layer from there ({@link Consumer#keepTopLayer}).
     */
    int lastKeyframeSeq = -1;
    long lastKeyframeNanos;
    /** The height the last keyframe announced (VP8), 0 before one was seen. */
    int height;
    /**
     * Bytes of the last keyframe (its packets: those with its RTP timestamp), 0 before one was seen: a switch up to
     * this layer starts with one, and the allocator makes room for it.
     */
    long keyframeBytes;
    private long keyframeTimestamp = -1;
    /**
     * Bits per second over the last full window, cumulative by temporal layer: [t] = layers 0..t together. Without
     * keyframes (see {@link #keyframeBytes}).
     */
    final long[] bitrateUpToTemporal = new long[TEMPORAL_LAYERS];
    private final long[] windowBytes = new long[TEMPORAL_LAYERS];
    private long windowStartNanos;

    /** VP8 temporal layers told apart (L1T3: TID 0, 1, 2); a higher TID counts with the top one. */
    static final int TEMPORAL_LAYERS = 3;
    private static final long BITRATE_WINDOW_NANOS = 1_000_000_000L;

    ProducerLayer(Producer producer, int index, String rid, long ssrc, long rtxSsrc, boolean video, int clockRate) {
        this.producer = producer;
        this.index = index;
        this.rid = rid;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        this.cache = video ? new PacketCache() : null;
        this.stats = new ReceiveStats(clockRate);
        this.nacks = video ? new NackGenerator() : null;
    }

    /** Accounts one media packet (statistics, activity, bitrate, keyframe size). */
    void onPacket(ByteBuf packet, long nowNanos) {
        int seq = RtpHeader.sequenceNumber(packet);
        long timestamp = RtpHeader.timestamp(packet);
        stats.onPacket(seq, timestamp, nowNanos);
        lastPacketNanos = nowNanos;
        boolean video = cache != null;
        long vp8 = video ? Vp8Descriptor.parse(packet) : Vp8Descriptor.INVALID;
        int tid = Vp8Descriptor.temporalLayerId(vp8);
        boolean keyframe = Vp8Descriptor.isKeyframe(vp8);
        if (!keyframe && timestamp != keyframeTimestamp) {
            // The rate is what the layer costs between keyframes; a keyframe is a burst, accounted in keyframeBytes
            // and made room for by the allocator on a step up. Counted in the rate, the keyframe a switch asked for
            // made the new rung look too dear for the next second, and the consumer stepped straight back down.
            windowBytes[Math.min(Math.max(tid, 0), TEMPORAL_LAYERS - 1)] += packet.readableBytes();
        }
        if (windowStartNanos == 0) {
            windowStartNanos = nowNanos;
        } else if (nowNanos - windowStartNanos >= BITRATE_WINDOW_NANOS) {
            long elapsed = nowNanos - windowStartNanos;
            long sum = 0;
            for (int t = 0; t < TEMPORAL_LAYERS; t++) {
                sum += windowBytes[t];
                bitrateUpToTemporal[t] = sum * 8 * 1_000_000_000L / elapsed;
                windowBytes[t] = 0;
            }
            windowStartNanos = nowNanos;
        }
        if (keyframe) {
            keyframeRequestDeferred = false; // whoever asked since the last request gets this one
            lastKeyframeSeq = seq;
            lastKeyframeNanos = nowNanos;
            keyframeTimestamp = timestamp;
            keyframeBytes = packet.readableBytes();
        } else if (timestamp == keyframeTimestamp) {
            keyframeBytes += packet.readableBytes(); // the keyframe's later packets
        }
        int size = keyframe ? Vp8.keyframeDimensions(packet) : -1;
        if (size > 0) {
            height = size & 0xFFFF;
        }
    }

    /** The newest sequence number received (what the receiver reports count from), -1 before the first packet. */
    int highestSeq() {
        return stats.hasData() ? (int) (stats.extendedHighestSeq() & 0xFFFF) : -1;
    }

    /** Sent media within {@link Producer#LAYER_IDLE_NANOS}. */
    boolean active(long nowNanos) {
        return lastPacketNanos != 0 && nowNanos - lastPacketNanos < Producer.LAYER_IDLE_NANOS;
    }

    @Override
    public String toString() {
        return producer + " layer " + index + (rid == null ? "" : " (rid " + rid + ")");
    }
}

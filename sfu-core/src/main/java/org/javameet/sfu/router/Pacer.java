package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;

/**
 * Spreads one subscriber's video over time at a multiple of its send-side estimate (libwebrtc's pacer in small),
 * so a keyframe or a run of retransmissions leaves as a train the path can carry, not as one burst that fills a
 * router's queue and comes back as delay and loss. A byte budget refills at the pacing rate; a packet goes now
 * while nothing waits and the budget is positive, else it queues (in order) and {@link #drain} sends what the
 * budget allows. Audio is never queued but spends the budget, so video yields to it. A packet that waited
 * {@link #MAX_WAIT_NANOS} goes regardless: pacing must not become latency. Without an estimate nothing is paced.
 *
 * <p>The rate is {@link #PACING_FACTOR} × the larger of the estimate and what the layer allocator chose to forward
 * (measured). The two differ when the allocator cannot cut down to the estimate: one-encoding publishers (Firefox,
 * simulcast off, a screen share) or everything already on its lowest layer. Paced below that, the queue grew by
 * the difference until every packet waited the full {@link #MAX_WAIT_NANOS} (the load harness's p99 of 501 ms,
 * issue 13); the path gets those packets either way, so holding them only added latency. libwebrtc's pacer never
 * meets this (its encoder follows the estimate) and raises its rate to drain a long queue within a time limit.
 *
 * <p>Queued packets are owned here until sent or {@link #clear}ed. Media loop only; no allocation per packet.
 */
final class Pacer {
    /** libwebrtc paces at 2.5 × its target: headroom for the encoder's own variation. */
    static final double PACING_FACTOR = 2.5;
    /** Never slower than this, whatever the estimate: a very low estimate must not hold up every packet. */
    static final long MIN_RATE_BPS = 200_000;
    /** The budget holds at most this much sending time: a short run may go at once. */
    static final long MAX_BURST_NANOS = 40_000_000L;
    /** A packet never waits longer than this; then the queue goes at once. */
    static final long MAX_WAIT_NANOS = 500_000_000L;
    /** How often a non-empty queue is drained. */
    static final long DRAIN_INTERVAL_NANOS = 5_000_000L;
    static final int CAPACITY = 4096;

    /** Where a queued packet goes when its turn comes (it owns the packet: stamps and sends it, or releases it). */
    interface Sink {
        void send(ByteBuf packet, Consumer owner, int layer);
    }

    private final ByteBuf[] packets = new ByteBuf[CAPACITY];
    private final Consumer[] owners = new Consumer[CAPACITY];
    private final int[] layers = new int[CAPACITY];
    private final long[] queuedAt = new long[CAPACITY];
    private int head;
    private int size;
    /** 0: not pacing. */
    private long rateBitsPerSecond;
    private double budgetBytes;
    private long lastRefillNanos;
    private long packetsQueued;
    private long overdueReleases;

    /** Paces at {@link #PACING_FACTOR} × {@code estimate} from now on; an estimate ≤ 0 turns pacing off. */
    void setEstimate(long estimateBitsPerSecond, long nowNanos) {
        setEstimate(estimateBitsPerSecond, 0, nowNanos);
    }

    /**
     * Paces at {@link #PACING_FACTOR} × the larger of {@code estimate} and {@code chosen} from now on: sustained media
     * the allocator chose (it cannot choose less) never queues here, bursts on top of it are still spread. An
     * estimate ≤ 0 turns pacing off.
     *
     * @param chosenBitsPerSecond the measured bitrate of what the subscriber's consumers forward, 0 when unknown
     */
    void setEstimate(long estimateBitsPerSecond, long chosenBitsPerSecond, long nowNanos) {
        long rate = estimateBitsPerSecond <= 0 ? 0
                : Math.max(MIN_RATE_BPS, (long) (Math.max(estimateBitsPerSecond, chosenBitsPerSecond) * PACING_FACTOR));
        if (rateBitsPerSecond == 0 && rate > 0) {
            budgetBytes = rate / 8.0 * MAX_BURST_NANOS / 1e9; // pacing starts with a full budget
            lastRefillNanos = nowNanos;
        } else {
            refill(nowNanos); // what the old rate earned until now
        }
        rateBitsPerSecond = rate;
    }

    long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /**
     * Whether {@code packet} may be sent now (the caller sends it, and its bytes are spent). When false the packet
     * was queued and belongs to the pacer until {@link #drain} hands it to the sink.
     */
    boolean admit(ByteBuf packet, Consumer owner, int layer, long nowNanos) {
        if (rateBitsPerSecond == 0) {
            return true;
        }
        refill(nowNanos);
        if (size == 0 && budgetBytes > 0) {
            budgetBytes -= packet.readableBytes();
            return true;
        }
        if (size == CAPACITY) {
            budgetBytes -= packet.readableBytes(); // a queue that long is already late: no worse to send
            return true;
        }
        int i = (head + size) % CAPACITY;
        packets[i] = packet;
        owners[i] = owner;
        layers[i] = layer;
        queuedAt[i] = nowNanos;
        size++;
        packetsQueued++;
        return false;
    }

    /** Audio (or anything sent unpaced) spends the budget too. */
    void spent(int bytes, long nowNanos) {
        if (rateBitsPerSecond != 0) {
            refill(nowNanos);
            budgetBytes -= bytes;
        }
    }

    /**
     * Hands the sink what the budget allows (and whatever waited too long), in order. Returns how many packets
     * still wait.
     */
    int drain(long nowNanos, Sink sink) {
        refill(nowNanos);
        while (size > 0) {
            boolean overdue = nowNanos - queuedAt[head] >= MAX_WAIT_NANOS || rateBitsPerSecond == 0;
            if (!overdue && budgetBytes <= 0) {
                break;
            }
            if (overdue) {
                overdueReleases++;
            }
            ByteBuf p = packets[head];
            Consumer owner = owners[head];
            int layer = layers[head];
            packets[head] = null;
            owners[head] = null;
            head = (head + 1) % CAPACITY;
            size--;
            budgetBytes -= p.readableBytes();
            sink.send(p, owner, layer);
        }
        return size;
    }

    int queued() {
        return size;
    }

    /** Packets that ever had to wait. */
    long packetsQueued() {
        return packetsQueued;
    }

    /** Packets sent past their turn because they waited {@link #MAX_WAIT_NANOS}. */
    long overdueReleases() {
        return overdueReleases;
    }

    /** Releases everything queued (the subscriber closed). */
    void clear() {
        while (size > 0) {
            packets[head].release();
            packets[head] = null;
            owners[head] = null;
            head = (head + 1) % CAPACITY;
            size--;
        }
    }

    private void refill(long nowNanos) {
        if (rateBitsPerSecond == 0) {
            lastRefillNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            budgetBytes = Math.min(maxBudget(), budgetBytes + rateBitsPerSecond / 8.0 * elapsed / 1e9);
            lastRefillNanos = nowNanos;
        }
    }

    private double maxBudget() {
        return rateBitsPerSecond / 8.0 * MAX_BURST_NANOS / 1e9;
    }
}

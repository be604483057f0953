package org.javameet.peer;

import java.util.ArrayDeque;

/**
 * Fault injection: a downlink of limited capacity, as {@code tc tbf} makes one. Incoming RTP datagrams pass at
 * most at {@code bitsPerSecond} (a token bucket with a burst of one MTU); what comes faster waits in a
 * FIFO and is handed on when the bucket allows, and what would make the queue hold more than
 * {@link #QUEUE_MILLIS} of the rate is dropped. So a sender that sends faster than the cap sees what a real
 * bottleneck shows: growing delay first, then loss. RTCP is not capped (the feedback that lets a sender adapt
 * is small, and loss of it is another test). Loop only.
 */
final class ReceiveRateCap {
    /** The queue holds at most this much time of the rate (tbf's latency), at least {@link #MIN_QUEUE_BYTES}. */
    static final long QUEUE_MILLIS = 200;
    static final long MIN_QUEUE_BYTES = 16 * 1500;

    private final long bitsPerSecond;
    private final long queueLimitBytes;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Bytes the link may pass now (may go negative by one datagram). */
    private double tokens;
    private long lastRefillNanos;
    private long dropped;

    /** @param bitsPerSecond the capacity, &gt; 0 */
    ReceiveRateCap(long bitsPerSecond, long nowNanos) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("receive rate cap must be > 0, got " + bitsPerSecond);
        }
        this.bitsPerSecond = bitsPerSecond;
        this.queueLimitBytes = Math.max(MIN_QUEUE_BYTES, bitsPerSecond / 8 * QUEUE_MILLIS / 1000);
        this.lastRefillNanos = nowNanos;
    }

    long bitsPerSecond() {
        return bitsPerSecond;
    }

    /** Datagrams dropped because the queue was full. */
    long dropped() {
        return dropped;
    }

    /** A datagram arrived: queued behind the others, or dropped (false) when the queue is full. */
    boolean offer(byte[] datagram, long nowNanos) {
        if (queuedBytes + datagram.length > queueLimitBytes) {
            dropped++;
            return false;
        }
        queue.addLast(datagram);
        queuedBytes += datagram.length;
        return true;
    }

    /** The next datagram the link lets through now, or null (then {@link #nanosUntilNext} says when to ask again). */
    byte[] poll(long nowNanos) {
        refill(nowNanos);
        byte[] head = queue.peekFirst();
        if (head == null || tokens <= 0) {
            return null;
        }
        queue.pollFirst();
        queuedBytes -= head.length;
        tokens -= head.length;
        return head;
    }

    /** Empties the queue whatever the bucket says (the cap is lifted). */
    java.util.List<byte[]> takeAll() {
        java.util.List<byte[]> all = new java.util.ArrayList<>(queue);
        queue.clear();
        queuedBytes = 0;
        return all;
    }

    /** How long until the head of the queue may pass; -1 when the queue is empty. */
    long nanosUntilNext(long nowNanos) {
        if (queue.isEmpty()) {
            return -1;
        }
        refill(nowNanos);
        if (tokens > 0) {
            return 0;
        }
        return (long) Math.ceil((-tokens + 1) * 8 * 1_000_000_000.0 / bitsPerSecond);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed <= 0) {
            return;
        }
        lastRefillNanos = nowNanos;
        // the bucket holds at most one MTU: the cap holds over any few milliseconds, as a shaped link's does
        tokens = Math.min(1500, tokens + elapsed * bitsPerSecond / 8.0 / 1_000_000_000.0);
    }
}

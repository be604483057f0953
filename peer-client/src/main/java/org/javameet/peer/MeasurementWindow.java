package org.javameet.peer;

/**
 * The span of send times a load measurement counts ({@link System#nanoTime}, same JVM clock as every
 * {@link MediaStamp}). Senders count the media packets they send inside it; receivers count the packets whose
 * stamp says they were sent inside it, so a packet is counted at both ends or at neither, and one that arrives
 * after the window closed still counts once it arrives. Unset, the window holds every moment (a participant
 * outside a load run counts everything); a load run says {@link #countNothing} before its participants join. One per {@link PeerRuntime}; set from any thread (before the span
 * starts, so no packet is judged by two windows), read on the media loops.
 */
public final class MeasurementWindow {
    private record Span(long fromNanos, long toNanos) {
    }

    private volatile Span span = new Span(Long.MIN_VALUE, Long.MAX_VALUE);

    /** Counts send times in {@code [fromNanos, toNanos)} from now on. */
    public void set(long fromNanos, long toNanos) {
        if (toNanos <= fromNanos) {
            throw new IllegalArgumentException("window ends before it starts");
        }
        span = new Span(fromNanos, toNanos);
    }

    /** Counts nothing until {@link #set}: what a load run does before its window is known. */
    public void countNothing() {
        span = new Span(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    public boolean contains(long sendNanos) {
        Span s = span;
        return sendNanos >= s.fromNanos && sendNanos < s.toNanos;
    }

    public long fromNanos() {
        return span.fromNanos;
    }

    public long toNanos() {
        return span.toNanos;
    }
}

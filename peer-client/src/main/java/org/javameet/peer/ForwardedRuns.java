package org.javameet.peer;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Which of a publisher's streams an SFU forwarded on one received m-line, and when: the load harness's view of
 * simulcast. The SFU rewrites every layer into one outgoing stream (one SSRC, sequence numbers that continue
 * across switches), so what the receiver sees is cut into <em>runs</em>: stretches of packets in order of one
 * layer (the {@link MediaStamp}'s) under one rewrite (outgoing minus original sequence number). A run ends where
 * the layer or the rewrite changes: a simulcast switch, or a resume after a pause.
 *
 * <p>A run spans outgoing sequence numbers, received or not: its first packet's to the last's, plus the numbers
 * missing between it and the next run (the SFU numbers the new layer's first packet right after the last one it
 * sent, so those were packets of this run, lost on the way). So {@link ForwardedRun#packets} is what the SFU sent of that
 * layer in the run, and the harness compares it with the packets the publisher sent of that layer in its
 * measurement window ({@link LocalTrackStats#windowFirstSeq}): packets of the layer the receiver was given,
 * sent inside the window.
 *
 * <p>Only packets stamped near the runtime's {@link MeasurementWindow} (from {@link #MARGIN_NANOS} before it to
 * as long after) make runs, so a run is bounded by the window and the harness's arithmetic on 16-bit sequence
 * numbers stays near the window's edges. Loop only.
 */
final class ForwardedRuns {
    /** How far before and after the measurement window packets still make runs. */
    static final long MARGIN_NANOS = 1_000_000_000L;
    /** Runs kept (the newest): far more than the switches of a bounded run. */
    static final int MAX_RUNS = 512;


    private final MeasurementWindow window;
    private final ArrayDeque<ForwardedRun> closed = new ArrayDeque<>();
    private long dropped;
    private boolean open;
    private int layer;
    private int rewrite;
    private int firstOriginalSeq;
    private long firstOutgoing;
    private long lastOutgoing;
    private long firstSendNanos;
    private long lastSendNanos;

    ForwardedRuns(MeasurementWindow window) {
        this.window = window;
    }

    /**
     * A packet in order (a new highest outgoing sequence number).
     *
     * @param outgoing its extended outgoing sequence number (the receiver's, wrap-free)
     */
    void onInOrder(long outgoing, MediaStamp stamp) {
        if (!nearWindow(stamp.sendNanos())) {
            return;
        }
        int rw = ((int) outgoing - stamp.originalSeq()) & 0xFFFF;
        if (open && stamp.layer() == layer && rw == rewrite) {
            lastOutgoing = outgoing;
            lastSendNanos = stamp.sendNanos();
            return;
        }
        if (open) {
            lastOutgoing = Math.max(lastOutgoing, outgoing - 1); // the numbers in between were this run's
            close();
        }
        open = true;
        layer = stamp.layer();
        rewrite = rw;
        firstOriginalSeq = stamp.originalSeq();
        firstOutgoing = outgoing;
        lastOutgoing = outgoing;
        firstSendNanos = stamp.sendNanos();
        lastSendNanos = firstSendNanos;
    }

    private boolean nearWindow(long sendNanos) {
        long from = window.fromNanos();
        long to = window.toNanos();
        long lo = from == Long.MIN_VALUE ? Long.MIN_VALUE : from - MARGIN_NANOS;
        long hi = to == Long.MAX_VALUE ? Long.MAX_VALUE : to + MARGIN_NANOS;
        return sendNanos >= lo && sendNanos < hi;
    }

    private ForwardedRun current() {
        return new ForwardedRun(layer, firstOriginalSeq, lastOutgoing - firstOutgoing + 1, firstSendNanos, lastSendNanos);
    }

    private void close() {
        closed.addLast(current());
        if (closed.size() > MAX_RUNS) {
            closed.removeFirst();
            dropped++;
        }
    }

    /** Every run so far, oldest first, the open one last. */
    List<ForwardedRun> runs() {
        List<ForwardedRun> out = new java.util.ArrayList<>(closed);
        if (open) {
            out.add(current());
        }
        return List.copyOf(out);
    }

    /** Runs forgotten beyond {@link #MAX_RUNS}. */
    long dropped() {
        return dropped;
    }
}

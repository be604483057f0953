package org.javameet.sfu.bwe;

import org.javameet.sfu.rtcp.TransportCcFeedback;

/**
 * What was sent on one transport, by transport-wide sequence number: send time and size in a preallocated
 * ring of {@link #CAPACITY} packets (at 2,000 packets a second, four seconds — feedback comes within a few
 * hundred milliseconds), so registering a packet allocates nothing. Feedback is matched against it into a
 * {@link FeedbackReport}: each packet is reported once (a later feedback repeating it is ignored); packets
 * the ring no longer holds, or never held, are counted as unmatched.
 */
public final class SendHistory {
    public static final int CAPACITY = 8192;
    private static final int MASK = CAPACITY - 1;

    /** Unwrapped sequence number held in each slot, -1 when empty. */
    private final long[] seqs = new long[CAPACITY];
    private final long[] sendMicros = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private final int[] clusters = new int[CAPACITY];
    private final boolean[] reported = new boolean[CAPACITY];
    /** The next unwrapped sequence number; the wire carries its low 16 bits. */
    private long next;
    private boolean hasReference;
    private int lastReferenceTime;
    private long referenceTicks;
    private long unmatched;

    public SendHistory() {
        java.util.Arrays.fill(seqs, -1);
    }

    /** Registers a packet about to be sent; returns the 16-bit transport-wide sequence number to stamp on it. */
    public int register(long nowMicros, int size) {
        return register(nowMicros, size, FeedbackReport.NO_CLUSTER);
    }

    /** Like {@link #register(long, int)} for a packet sent as part of bandwidth probe cluster {@code cluster}. */
    public int register(long nowMicros, int size, int cluster) {
        long seq = next++;
        int slot = (int) (seq & MASK);
        seqs[slot] = seq;
        sendMicros[slot] = nowMicros;
        sizes[slot] = size;
        clusters[slot] = cluster;
        reported[slot] = false;
        return (int) (seq & 0xFFFF);
    }

    /**
     * Fills {@code out} (cleared first) with the packets {@code feedback} reports that this history holds and had
     * not reported yet, in sequence order, arrival times in µs of the receiver's clock made continuous across
     * feedback packets (the 24-bit reference time is unwrapped).
     *
     * @return how many of the feedback's packets were matched
     */
    public int match(TransportCcFeedback feedback, FeedbackReport out) {
        out.clear();
        if (next == 0) {
            unmatched += feedback.packetCount();
            return 0;
        }
        int ref = feedback.referenceTime();
        if (!hasReference) {
            referenceTicks = ref;
            hasReference = true;
        } else {
            referenceTicks += TransportCcFeedback.referenceTimeDelta(lastReferenceTime, ref);
        }
        lastReferenceTime = ref;
        long base = referenceTicks * TransportCcFeedback.REFERENCE_TIME_MICROS;
        long newest = next - 1;
        // the unwrapped number of the base: the one at or before the newest sent with the same low 16 bits
        long first = newest - ((newest - feedback.baseSequence()) & 0xFFFF);
        int matched = 0;
        long arrivalOffset = 0;
        int received = 0;
        for (int i = 0; i < feedback.packetCount(); i++) {
            boolean arrived = feedback.received(i);
            if (arrived) {
                arrivalOffset += (long) feedback.delta(received++) * TransportCcFeedback.DELTA_MICROS;
            }
            long seq = first + i;
            int slot = (int) (seq & MASK);
            if (seq > newest || seq < 0 || seqs[slot] != seq) {
                unmatched++;
                continue;
            }
            if (reported[slot]) {
                continue;
            }
            reported[slot] = true;
            out.add(sendMicros[slot], arrived ? base + arrivalOffset : FeedbackReport.LOST, sizes[slot], clusters[slot]);
            matched++;
        }
        return matched;
    }

    /** Feedback entries for packets this history did not hold (too old, or never sent), since creation. */
    public long unmatched() {
        return unmatched;
    }

    /** How many packets were registered. */
    public long sent() {
        return next;
    }
}

package org.javameet.sfu.router;

import java.util.Arrays;
import org.javameet.sfu.rtp.SequenceNumbers;

/**
 * Notices sequence gaps in a publisher's video stream and decides which sequence numbers to NACK
 * (RFC 4585 §6.2.1), so a packet lost on the publisher's uplink is repaired once for every subscriber.
 * Each missing packet is asked for up to {@link #MAX_TRIES} times, {@link #RETRY_NANOS} apart; gaps older
 * than the cache horizon are given up (a keyframe request repairs those). Media loop only; no allocation
 * per packet.
 */
final class NackGenerator {
    static final int MAX_TRIES = 3;
    /** Roughly one round trip on a poor link; a retransmission takes at least that. */
    static final long RETRY_NANOS = 100_000_000L;
    /** Larger gaps are a stream restart or a long outage: NACKing hundreds of packets would only add load. */
    static final int MAX_GAP = 256;
    private static final int CAPACITY = 512;

    private final int[] seqs = new int[CAPACITY];
    private final long[] nextSend = new long[CAPACITY];
    private final byte[] tries = new byte[CAPACITY];
    private int size;
    private boolean started;
    private int highest;
    private final int[] due = new int[CAPACITY];

    /** Records an arriving packet. Returns true when it opened a gap that asks for a keyframe instead. */
    boolean onPacket(int seq, long nowNanos) {
        if (!started) {
            started = true;
            highest = seq;
            return false;
        }
        int delta = SequenceNumbers.forwardDistance(highest, seq);
        if (delta == 0) {
            return false;
        }
        if (SequenceNumbers.isNewer(seq, highest)) {
            // newer than anything so far: everything between is missing (for now)
            int previous = highest;
            highest = seq;
            if (delta - 1 > MAX_GAP) {
                size = 0;
                return true;
            }
            for (int i = 1; i < delta; i++) {
                add(SequenceNumbers.add(previous, i), nowNanos);
            }
        } else {
            remove(seq); // a late or retransmitted packet fills its hole
        }
        return false;
    }

    private void add(int seq, long nowNanos) {
        if (size == CAPACITY) {
            // drop the oldest: it is the least likely to arrive in time anyway
            System.arraycopy(seqs, 1, seqs, 0, size - 1);
            System.arraycopy(nextSend, 1, nextSend, 0, size - 1);
            System.arraycopy(tries, 1, tries, 0, size - 1);
            size--;
        }
        seqs[size] = seq;
        // a reordered packet usually arrives within a few ms: wait a little before the first NACK
        nextSend[size] = nowNanos + 5_000_000L;
        tries[size] = 0;
        size++;
    }

    private void remove(int seq) {
        for (int i = 0; i < size; i++) {
            if (seqs[i] == seq) {
                removeAt(i);
                return;
            }
        }
    }

    private void removeAt(int i) {
        System.arraycopy(seqs, i + 1, seqs, i, size - i - 1);
        System.arraycopy(nextSend, i + 1, nextSend, i, size - i - 1);
        System.arraycopy(tries, i + 1, tries, i, size - i - 1);
        size--;
    }

    /** Sequence numbers to NACK now (in sending order), or an empty array; advances their retry state. */
    int[] due(long nowNanos) {
        int n = 0;
        for (int i = 0; i < size; ) {
            if (nextSend[i] <= nowNanos) {
                due[n++] = seqs[i];
                tries[i]++;
                if (tries[i] >= MAX_TRIES) {
                    removeAt(i);
                    continue;
                }
                nextSend[i] = nowNanos + RETRY_NANOS;
            }
            i++;
        }
        return n == 0 ? EMPTY : Arrays.copyOf(due, n);
    }

    int missing() {
        return size;
    }

    private static final int[] EMPTY = new int[0];
}

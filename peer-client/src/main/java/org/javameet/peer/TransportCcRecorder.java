package org.javameet.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.javameet.sfu.rtcp.TransportCcFeedback;

/**
 * The receiving half of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * remembers when each transport-wide sequence number arrived and turns what arrived since the last report into
 * feedback packets, as Chromium's receiver does every 50–100 ms. Every number from the one after the last report
 * up to the highest seen is reported once, as received (with its arrival time) or not; a packet that arrives after
 * its number was reported is too late and only counted. Loop only.
 */
final class TransportCcRecorder {
    /** Numbers kept between reports: far more than a report interval of any rate we receive. */
    static final int WINDOW = 8192;
    /** Most numbers in one feedback packet (Chromium keeps them near this size, under the MTU). */
    static final int MAX_PER_FEEDBACK = 1000;
    /** A feedback delta is 16 signed bits of 250 µs (±8.19 s): a longer step starts a new packet. */
    private static final long MAX_DELTA_MICROS = 8_000_000;

    /** Arrival per unwrapped sequence number (slot = number mod WINDOW), with the number it belongs to. */
    private final long[] arrivalMicros = new long[WINDOW];
    private final long[] slotSeq = new long[WINDOW];
    /** Highest unwrapped number seen, -1 before the first. */
    private long highest = -1;
    /** First unwrapped number the next feedback reports. */
    private long nextToReport = -1;
    private int feedbackCount;
    private long packets;
    private long late;
    private long feedbackSent;

    TransportCcRecorder() {
        Arrays.fill(slotSeq, -1);
    }

    /** A packet carrying transport-wide number {@code seq} (16 bits) arrived at {@code arrivalMicros} (&gt;= 0). */
    void onPacket(int seq, long arrivalMicros) {
        packets++;
        long unwrapped;
        if (highest < 0) {
            unwrapped = (1L << 16) + (seq & 0xFFFF); // room below for reordered first packets
            nextToReport = unwrapped;
        } else {
            int diff = (short) ((seq & 0xFFFF) - (int) (highest & 0xFFFF)); // signed 16-bit distance
            unwrapped = highest + diff;
        }
        if (unwrapped < nextToReport) {
            late++; // reported as lost already, or from before the first we saw
            return;
        }
        if (unwrapped > highest) {
            highest = unwrapped;
            if (highest - nextToReport >= WINDOW) { // a stall: what fell out of the window is never reported
                nextToReport = highest - WINDOW + 1;
            }
        }
        int slot = (int) (unwrapped % WINDOW);
        slotSeq[slot] = unwrapped;
        this.arrivalMicros[slot] = arrivalMicros;
    }

    /**
     * Feedback for every number since the last call up to the highest seen, in packets of at most
     * {@link #MAX_PER_FEEDBACK} numbers; empty when nothing new arrived.
     */
    List<TransportCcFeedback> takeFeedback(long senderSsrc, long mediaSsrc) {
        List<TransportCcFeedback> out = new ArrayList<>();
        if (highest < 0 || nextToReport > highest) {
            return out;
        }
        long from = nextToReport;
        while (from <= highest) {
            int n = (int) Math.min(MAX_PER_FEEDBACK, highest - from + 1);
            long[] arrivals = new long[n];
            long previous = -1;
            int count = 0;
            for (; count < n; count++) {
                long a = arrivalAt(from + count);
                if (a != TransportCcFeedback.LOST) {
                    if (previous >= 0 && Math.abs(a - previous) > MAX_DELTA_MICROS) {
                        break; // this one starts the next packet
                    }
                    previous = a;
                }
                arrivals[count] = a;
            }
            if (previous >= 0) { // a run of losses only is not sent: the sender never hears of it
                out.add(TransportCcFeedback.of(senderSsrc, mediaSsrc, (int) (from & 0xFFFF), feedbackCount++,
                        count == n ? arrivals : Arrays.copyOf(arrivals, count)));
                feedbackSent++;
            }
            from += count;
        }
        nextToReport = highest + 1;
        return out;
    }

    private long arrivalAt(long unwrapped) {
        int slot = (int) (unwrapped % WINDOW);
        return slotSeq[slot] == unwrapped ? arrivalMicros[slot] : TransportCcFeedback.LOST;
    }

    /** Packets that carried a transport-wide number. */
    long packets() {
        return packets;
    }

    /** Packets whose number was already reported (or older than the first seen). */
    long late() {
        return late;
    }

    /** Feedback packets built. */
    long feedbackSent() {
        return feedbackSent;
    }
}

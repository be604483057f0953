package org.javameet.sfu.bwe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.javameet.sfu.rtcp.TransportCcFeedback;

/**
 * The receiving half of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * remembers when each transport-wide sequence number arrived and turns what arrived since the last report into
 * feedback packets, as Chromium's receiver does every 50–100 ms. Every number from the one after the last report
 * up to the highest seen is reported once, as received (with its arrival time) or not; a packet that arrives after
 * its number was reported is too late and only counted. Used by the server for what publishers send
 * ({@code router.Publisher}) and by peer-client's receiver. Bounded: {@link #WINDOW} numbers, whatever arrives.
 *
 * <p>Bad input: a number more than {@link #MAX_JUMP} from the highest seen (a sender that renumbered, a stray
 * packet) is a {@link Arrival#JUMP}: counted, not recorded, and the numbers in between are not reported as lost (a
 * loss report of thousands would make the sender's estimator collapse). When the next number continues from it, the
 * sender really moved on, and reporting starts again there. One thread only.
 */
public final class TransportCcRecorder {
    /** What became of one arrival. */
    public enum Arrival {
        /** Kept for the next feedback. */
        RECORDED,
        /** Its number was already reported (as lost), or is older than the first seen: counted only. */
        LATE,
        /** Its number is more than {@link #MAX_JUMP} away from the highest seen: counted only (see the class). */
        JUMP
    }

    /** A step of the 16-bit number larger than this (either way) is a {@link Arrival#JUMP}, not loss or reordering. */
    public static final int MAX_JUMP = 4096;
    /** A number within this of the jumped-to one confirms the jump: the sender's numbering moved. */
    private static final int JUMP_CONFIRM = 100;
    /** Numbers kept between reports: far more than a report interval of any rate we receive. */
    public static final int WINDOW = 8192;
    /** Most numbers in one feedback packet (Chromium keeps them near this size, under the MTU). */
    public static final int MAX_PER_FEEDBACK = 1000;
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
    private long jumps;
    private long feedbackSent;
    /** The 16-bit number the last {@link Arrival#JUMP} went to, -1 when the last arrival was no jump. */
    private int jumpedTo = -1;

    public TransportCcRecorder() {
        Arrays.fill(slotSeq, -1);
    }

    /** A packet carrying transport-wide number {@code seq} (16 bits) arrived at {@code arrivalMicros} (&gt;= 0). */
    public Arrival onPacket(int seq, long arrivalMicros) {
        packets++;
        seq &= 0xFFFF;
        long unwrapped;
        if (highest < 0) {
            unwrapped = (1L << 16) + seq; // room below for reordered first packets
            nextToReport = unwrapped;
        } else {
            int diff = (short) (seq - (int) (highest & 0xFFFF)); // signed 16-bit distance
            if (Math.abs(diff) > MAX_JUMP) {
                jumps++;
                boolean confirmed = jumpedTo >= 0 && Math.abs((short) (seq - jumpedTo)) <= JUMP_CONFIRM;
                jumpedTo = seq;
                if (!confirmed) {
                    return Arrival.JUMP;
                }
                // the sender's numbers moved on: start reporting afresh at a number of the same low 16 bits,
                // above every slot in use, so nothing in between is reported as lost (what was not reported yet
                // before the jump, at most one interval's worth, is dropped with it)
                unwrapped = (highest & ~0xFFFFL) + (2L << 16) + seq;
                nextToReport = unwrapped;
            } else {
                unwrapped = highest + diff;
            }
        }
        jumpedTo = -1;
        if (unwrapped < nextToReport) {
            late++; // reported as lost already, or from before the first we saw
            return Arrival.LATE;
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
        return Arrival.RECORDED;
    }

    /**
     * Feedback for every number since the last call up to the highest seen, in packets of at most
     * {@link #MAX_PER_FEEDBACK} numbers; empty when nothing new arrived.
     */
    public List<TransportCcFeedback> takeFeedback(long senderSsrc, long mediaSsrc) {
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
    public long packets() {
        return packets;
    }

    /** Packets whose number was already reported (or older than the first seen). */
    public long late() {
        return late;
    }

    /** Packets whose number jumped more than {@link #MAX_JUMP} (see the class). */
    public long jumps() {
        return jumps;
    }

    /** Feedback packets built. */
    public long feedbackSent() {
        return feedbackSent;
    }
}

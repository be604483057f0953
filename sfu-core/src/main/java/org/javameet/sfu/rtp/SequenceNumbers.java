package org.javameet.sfu.rtp;

/**
 * Arithmetic on 16-bit RTP sequence numbers, which wrap (RFC 3550 §3, §A.1): one number is newer than
 * another when it is ahead by less than half the space. Every place that compares, subtracts or extends
 * sequence numbers uses these, so the wrap is handled once.
 */
public final class SequenceNumbers {
    private static final int HALF = 0x8000;

    private SequenceNumbers() {
    }

    /** How far {@code to} is ahead of {@code from}, modulo 2^16: 0..65535. */
    public static int forwardDistance(int from, int to) {
        return (to - from) & 0xFFFF;
    }

    /** The shortest signed step from {@code from} to {@code to}: -32768..32767 (negative: {@code to} is older). */
    public static int delta(int from, int to) {
        return (short) (to - from);
    }

    /** True when {@code seq} comes after {@code than} (equal is not newer). */
    public static boolean isNewer(int seq, int than) {
        int d = forwardDistance(than, seq);
        return d != 0 && d < HALF;
    }

    /** {@code seq + n}, wrapped to 16 bits; {@code n} may be negative. */
    public static int add(int seq, int n) {
        return (seq + n) & 0xFFFF;
    }

    /**
     * The extended (RFC 3550 §A.1, cycles counted) sequence number of {@code seq}: the one nearest to
     * {@code referenceExtended}, itself an extended number, e.g. the highest seen so far.
     */
    public static long extend(long referenceExtended, int seq) {
        return referenceExtended + delta((int) (referenceExtended & 0xFFFF), seq);
    }
}

package org.javameet.peer;

import org.javameet.sfu.rtp.SequenceNumbers;

/**
 * What a receiver knows of one stream's sequence numbers (RFC 3550 §A.1, §A.3): the extended highest and
 * base numbers, how many distinct ones arrived, and a window of the last 1024 that tells a duplicate from a
 * late packet filling a gap. Loss is expected minus distinct, so a retransmission that fills a gap repairs it.
 * Used by {@link InboundTrack}. Not thread-safe.
 */
public final class ReceiveWindow {
    public static final int WINDOW = 1024;
    /** Gaps larger than this are not NACKed (a stream restart, not loss). */
    public static final int MAX_NACK_GAP = 64;

    private final long[] window = new long[WINDOW / 64];
    private boolean started;
    private long baseSeq;
    private long maxSeq;
    private long distinct;
    private long duplicates;
    private long late;

    /**
     * Accounts one arrival; returns the sequence numbers a forward jump skipped (to NACK), or null. A
     * retransmission neither starts the stream, nor asks for NACKs, nor counts as a duplicate or late packet.
     */
    public int[] track(int seq, boolean retransmission) {
        if (!started) {
            if (retransmission) {
                return null;
            }
            started = true;
            baseSeq = seq;
            maxSeq = seq;
            mark(seq);
            distinct = 1;
            return null;
        }
        long ext = SequenceNumbers.extend(maxSeq, seq);
        if (ext > maxSeq) {
            int[] missing = null;
            long gap = ext - maxSeq - 1;
            if (gap > 0 && gap <= MAX_NACK_GAP && !retransmission) {
                missing = new int[(int) gap];
                for (int i = 0; i < gap; i++) {
                    missing[i] = (int) ((maxSeq + 1 + i) & 0xFFFF);
                }
            }
            for (long s = maxSeq + 1; s <= ext && s - maxSeq <= WINDOW; s++) {
                clear(s);
            }
            maxSeq = ext;
            mark(ext);
            distinct++;
            return missing;
        }
        if (maxSeq - ext >= WINDOW || ext < baseSeq) {
            return null; // too old to tell
        }
        if (isMarked(ext)) {
            if (!retransmission) {
                duplicates++;
            }
        } else {
            mark(ext);
            distinct++;
            if (!retransmission) {
                late++;
            }
        }
        return null;
    }

    public boolean started() {
        return started;
    }

    /** Expected minus distinct (RFC 3550 §A.3); 0 before the first packet. */
    public long lost() {
        return started ? maxSeq - baseSeq + 1 - distinct : 0;
    }

    /** The extended highest sequence number received. */
    public long highest() {
        return maxSeq;
    }

    /** Distinct sequence numbers received (from any stream, retransmissions included). */
    public long distinct() {
        return distinct;
    }

    /** Packets that arrived twice (retransmissions not counted). */
    public long duplicates() {
        return duplicates;
    }

    /** Packets that arrived after a later one and filled their gap (retransmissions not counted). */
    public long late() {
        return late;
    }

    private void mark(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        window[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        window[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isMarked(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        return (window[i >>> 6] & 1L << (i & 63)) != 0;
    }
}

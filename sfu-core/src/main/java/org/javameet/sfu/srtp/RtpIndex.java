package org.javameet.sfu.srtp;

/**
 * The 48-bit SRTP packet index of one RTP stream, {@code ROC * 2^16 + SEQ} (RFC 3711 §3.3.1), and, for a
 * receiver, the 64-packet replay window (§3.3.2). It behaves exactly as jitsi-srtp's {@code SrtpCryptoContext}
 * (which the round-trip tests run against): the first packet sets the highest sequence number {@code s_l}, ROC
 * starts at 0, a sender tracks wraps the same way a receiver does.
 *
 * <p>Use: {@link #estimate} the index of a packet (which also remembers the guessed ROC), then, receiving,
 * {@link #checkReplay}; only once the packet is authentic, {@link #update}. A receiver whose very first packet
 * fails calls {@link #forgetStart}, so a forged first packet leaves no state.
 */
final class RtpIndex {
    static final int REPLAY_WINDOW = 64;

    private int roc;
    /** Highest sequence number accepted so far ({@code s_l}). */
    private int highestSeq;
    private boolean started;
    /** Bit i set: the packet at index (highest - i) was accepted. */
    private long window;
    private int guessedRoc;
    /** Whether the last {@link #estimate} started the stream (so {@link #forgetStart} can undo it). */
    private boolean startedNow;

    /**
     * Estimates the packet's index: ROC - 1, ROC or ROC + 1, whichever puts it nearest the highest sequence number
     * (§3.3.1). On a stream's first packet, that packet starts the stream.
     *
     * @return the index; {@link #guessedRoc()} is its ROC (it may be -1 before a first wrap: such a packet is
     *         older than anything in the window, and a receiver refuses it)
     */
    long estimate(int seq) {
        startedNow = false;
        if (!started) {
            started = true;
            startedNow = true;
            highestSeq = seq;
        }
        if (highestSeq < 32768) {
            guessedRoc = seq - highestSeq > 32768 ? roc - 1 : roc;
        } else {
            guessedRoc = highestSeq - 32768 > seq ? roc + 1 : roc;
        }
        return ((long) guessedRoc << 16) | seq;
    }

    /** The ROC of the last {@link #estimate}. */
    int guessedRoc() {
        return guessedRoc;
    }

    /** Undoes the start of the stream by an {@link #estimate} whose packet then failed. */
    void forgetStart() {
        if (startedNow) {
            started = false;
            highestSeq = 0;
            startedNow = false;
        }
    }

    /** §3.3.2: {@link SrtpStatus#OK} if the index is new, else {@link SrtpStatus#REPLAY} (seen, or too old). */
    SrtpStatus checkReplay(long index) {
        long delta = index - current();
        if (delta > 0) {
            return SrtpStatus.OK;
        }
        if (-delta >= REPLAY_WINDOW) {
            return SrtpStatus.REPLAY;
        }
        return ((window >>> -delta) & 1) != 0 ? SrtpStatus.REPLAY : SrtpStatus.OK;
    }

    /** Records an authentic packet: the replay window, then the highest sequence number and ROC. */
    void update(int seq, long index) {
        long delta = index - current();
        if (delta >= REPLAY_WINDOW) {
            window = 1;
        } else if (delta > 0) {
            window = (window << delta) | 1;
        } else {
            window |= 1L << -delta;
        }
        if (guessedRoc == roc) {
            if (seq > highestSeq) {
                highestSeq = seq & 0xFFFF;
            }
        } else if (guessedRoc == roc + 1) {
            highestSeq = seq & 0xFFFF;
            roc = guessedRoc;
        }
    }

    int roc() {
        return roc;
    }

    private long current() {
        return ((long) roc << 16) | highestSeq;
    }
}

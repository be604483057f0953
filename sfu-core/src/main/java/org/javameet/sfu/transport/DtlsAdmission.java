package org.javameet.sfu.transport;

import java.net.InetAddress;

/**
 * How many DTLS handshakes may run at once, in total and per remote address. Each handshake holds a thread of
 * the bounded DTLS pool for up to its timeout (BouncyCastle's handshake blocks), so without a cap 400 sessions
 * with one valid STUN check each made 400 threads (issue 15), and under a task limit new meetings got no media.
 *
 * <p>A handshake that finds no room is not failed: its ClientHello is dropped and counted, and the browser's
 * retransmission (1 s, 2 s, …) tries again. Thread-safe; in practice called from the media loop.
 */
public final class DtlsAdmission {
    public enum Result { ADMITTED, BUSY, PER_ADDRESS }

    private final int maxTotal;
    private final int maxPerAddress;
    private final AddressCounts counts = new AddressCounts();

    public DtlsAdmission(int maxTotal, int maxPerAddress) {
        if (maxTotal < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    public int maxTotal() {
        return maxTotal;
    }

    public Result tryAcquire(InetAddress from) {
        return switch (counts.tryAdd(from, maxTotal, maxPerAddress)) {
            case NONE -> Result.ADMITTED;
            case TOTAL -> Result.BUSY;
            case PER_ADDRESS -> Result.PER_ADDRESS;
        };
    }

    public void release(InetAddress from) {
        counts.remove(from);
    }

    public int inFlight() {
        return counts.total();
    }
}

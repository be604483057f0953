package org.javameet.sfu.transport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

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
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int total;

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

    public synchronized Result tryAcquire(InetAddress from) {
        if (total >= maxTotal) {
            return Result.BUSY;
        }
        int n = byAddress.getOrDefault(from, 0);
        if (n >= maxPerAddress) {
            return Result.PER_ADDRESS;
        }
        byAddress.put(from, n + 1);
        total++;
        return Result.ADMITTED;
    }

    public synchronized void release(InetAddress from) {
        Integer n = byAddress.get(from);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            byAddress.remove(from);
        } else {
            byAddress.put(from, n - 1);
        }
        total--;
    }

    public synchronized int inFlight() {
        return total;
    }
}

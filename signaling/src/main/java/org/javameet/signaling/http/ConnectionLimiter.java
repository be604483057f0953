package org.javameet.signaling.http;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Open TCP connections, in total and per remote address (issue 15: 5,000 idle WebSockets from one address were
 * all accepted). Loopback peers are counted in the total only: on the NixOS deployment every connection comes
 * from the local nginx, which limits per client itself. Thread-safe.
 */
final class ConnectionLimiter {
    enum Result { ACCEPTED, TOTAL, PER_ADDRESS }

    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int total;

    ConnectionLimiter(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    synchronized Result tryOpen(InetAddress from) {
        if (total >= maxTotal) {
            return Result.TOTAL;
        }
        if (!from.isLoopbackAddress()) {
            int n = byAddress.getOrDefault(from, 0);
            if (n >= maxPerAddress) {
                return Result.PER_ADDRESS;
            }
            byAddress.put(from, n + 1);
        }
        total++;
        return Result.ACCEPTED;
    }

    synchronized void closed(InetAddress from) {
        total--;
        if (!from.isLoopbackAddress()) {
            Integer n = byAddress.get(from);
            if (n != null && n > 1) {
                byAddress.put(from, n - 1);
            } else {
                byAddress.remove(from);
            }
        }
    }

    synchronized int open() {
        return total;
    }
}

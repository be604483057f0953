package org.javameet.sfu.transport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Things held open in all and per remote address, under a cap on each: what ICE-TCP connections and DTLS
 * handshakes both count, so one address cannot take everything. Thread-safe.
 */
final class AddressCounts {
    enum Refusal { NONE, TOTAL, PER_ADDRESS }

    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private volatile int total;

    /** Counts one more from {@code from}, or says which cap refuses it (and counts nothing). */
    synchronized Refusal tryAdd(InetAddress from, int maxTotal, int maxPerAddress) {
        if (total >= maxTotal) {
            return Refusal.TOTAL;
        }
        int fromThere = byAddress.getOrDefault(from, 0);
        if (fromThere >= maxPerAddress) {
            return Refusal.PER_ADDRESS;
        }
        byAddress.put(from, fromThere + 1);
        total++;
        return Refusal.NONE;
    }

    /** One from {@code from} is gone; nothing if none was counted. */
    synchronized void remove(InetAddress from) {
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

    /** Counted now. Any thread. */
    int total() {
        return total;
    }
}

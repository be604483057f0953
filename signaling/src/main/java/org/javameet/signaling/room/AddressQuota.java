package org.javameet.signaling.room;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many of something (rooms created, lobby places) each client address holds, against a cap. The address is
 * the client's as the HTTP front resolved it (a loopback proxy's X-Real-IP); a loopback or unknown address is not
 * counted, as for connections: there it is a local proxy that sent no client address, whose clients it cannot tell
 * apart. Thread-safe; an address holding nothing takes no memory.
 */
final class AddressQuota {
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> held = new HashMap<>();

    AddressQuota(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes one place for {@code from}; false (nothing taken) when it holds the maximum already. */
    synchronized boolean tryTake(InetAddress from) {
        if (!counted(from)) {
            return true;
        }
        int n = held.getOrDefault(from, 0);
        if (n >= maxPerAddress) {
            return false;
        }
        held.put(from, n + 1);
        return true;
    }

    /** Gives back a place {@link #tryTake} gave. */
    synchronized void release(InetAddress from) {
        if (!counted(from)) {
            return;
        }
        Integer n = held.get(from);
        if (n == null || n <= 1) {
            held.remove(from);
        } else {
            held.put(from, n - 1);
        }
    }

    synchronized int held(InetAddress from) {
        return held.getOrDefault(from, 0);
    }

    int max() {
        return maxPerAddress;
    }

    private static boolean counted(InetAddress from) {
        return from != null && !from.isLoopbackAddress();
    }
}

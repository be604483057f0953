package org.javameet.signaling.room;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Room password guesses per client address (issue 15: 66k guesses a second over 4 connections). After
 * {@code freeFailures} wrong passwords an address must wait before its next attempt, 1 s doubling to 60 s
 * per further failure; a right password or 10 quiet minutes forget it. Attempts while waiting are refused with
 * {@code too-many-attempts} without checking the password. Bounded (oldest addresses forgotten). Thread-safe.
 */
final class PasswordGuard {
    private static final long FORGET_NANOS = 600_000_000_000L;
    private static final long MAX_BACKOFF_NANOS = 60_000_000_000L;
    private static final int MAX_ADDRESSES = 10_000;

    private static final class Failures {
        int count;
        long lastNanos;
        long notBeforeNanos;
    }

    private final int freeFailures;
    private final Map<InetAddress, Failures> byAddress = new LinkedHashMap<>(16, 0.75f, true);

    PasswordGuard(int freeFailures) {
        this.freeFailures = freeFailures;
    }

    /** Throws {@code too-many-attempts} when {@code from} must still wait. */
    synchronized void check(InetAddress from, long now) throws SignalingException {
        Failures f = byAddress.get(from);
        if (f == null) {
            return;
        }
        if (now - f.lastNanos > FORGET_NANOS) {
            byAddress.remove(from);
            return;
        }
        if (now - f.notBeforeNanos < 0) {
            long seconds = (f.notBeforeNanos - now + 999_999_999L) / 1_000_000_000L;
            throw new SignalingException("too-many-attempts",
                    "too many wrong passwords from your address; try again in " + seconds + " s");
        }
    }

    synchronized void failed(InetAddress from, long now) {
        Failures f = byAddress.computeIfAbsent(from, a -> new Failures());
        f.count++;
        f.lastNanos = now;
        int over = f.count - freeFailures;
        if (over > 0) {
            long backoff = Math.min(MAX_BACKOFF_NANOS, 1_000_000_000L << Math.min(over - 1, 6));
            f.notBeforeNanos = now + backoff;
        }
        if (byAddress.size() > MAX_ADDRESSES) {
            Iterator<InetAddress> oldest = byAddress.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized void succeeded(InetAddress from) {
        byAddress.remove(from);
    }
}

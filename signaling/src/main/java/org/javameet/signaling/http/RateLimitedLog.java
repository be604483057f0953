package org.javameet.signaling.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most one log line per interval for events an attacker can trigger at will (refusals): the counter in
 * {@code /metrics} has the numbers, the log only says that it happens and to whom, with how many were not logged.
 */
public final class RateLimitedLog {

    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log) {
        this.log = log;
    }

    public void info(Supplier<String> message) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        // logp: name the logger, not this class, as the line's source
        log.logp(Level.INFO, log.getName(), null,
                () -> LogText.escape(message.get()) + (skipped > 0 ? " (" + skipped + " more not logged)" : ""));
    }
}

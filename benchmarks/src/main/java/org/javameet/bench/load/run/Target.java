package org.javameet.bench.load.run;

import java.util.Locale;
import org.javameet.bench.load.targets.BaselineRelay;

/** What the emulated participants talk to. */
public enum Target {
    /** javameet's signaling and SFU, the system under test. */
    JAVAMEET,
    /**
     * javameet with every participant over ICE-TCP (RFC 6544) instead of UDP: run next to {@link #JAVAMEET} to
     * compare the server's CPU per forwarded packet over TCP and over UDP.
     */
    JAVAMEET_TCP,
    /** Janus 1.1.x VideoRoom over its WebSocket API, the reference SFU. */
    JANUS,
    /** {@link BaselineRelay}: a bare UDP fan-out without crypto, the physical floor. */
    BASELINE;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Target parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + s + "' (javameet, javameet-tcp, janus or baseline)");
        }
    }
}

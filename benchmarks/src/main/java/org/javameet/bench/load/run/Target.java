package org.javameet.bench.load.run;

import java.util.Locale;

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
    /** {@code BaselineRelay}: a bare UDP fan-out without crypto, the physical floor. */
    BASELINE,
    /** The same fan-out with AES-GCM SRTP, decrypted once and encrypted per receiver: the floor with the crypto. */
    BASELINE_GCM;

    /** The name on the command line and in reports: {@code javameet}, {@code janus}, {@code baseline-gcm}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Target parse(String s) {
        for (Target t : values()) {
            if (t.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + s + "' (javameet, javameet-tcp, janus, baseline or baseline-gcm)");
    }
}

package org.javameet.bench.load.run;

import java.util.Locale;
import org.javameet.bench.load.targets.BaselineRelay;

/** What the emulated participants talk to. */
public enum Target {
    /** javameet's signaling and SFU, the system under test. */
    JAVAMEET,
    /** Janus 1.1.x VideoRoom over its WebSocket API, the reference SFU. */
    JANUS,
    /** {@link BaselineRelay}: a bare UDP fan-out without crypto, the physical floor. */
    BASELINE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Target parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + s + "' (javameet, janus or baseline)");
        }
    }
}

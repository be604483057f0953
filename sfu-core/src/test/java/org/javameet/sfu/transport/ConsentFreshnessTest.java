package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 7675 consent as the ICE-lite side sees it, on a made-up clock (seconds as nanos × 1e9). */
class ConsentFreshnessTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aPeerThatChecksKeepsConsentOnlyWithChecks() {
        ConsentFreshness c = new ConsentFreshness(30 * S, 0);
        c.onCheck(1 * S, false);  // the checks that set the connection up
        c.onCheck(6 * S, true);   // a browser's consent check after DTLS: this peer does RFC 7675
        for (long t = 7; t <= 60; t++) {
            c.onAuthenticatedMedia(t * S); // media goes on (e.g. our own echo) ...
        }
        assertFalse(c.expired(36 * S));
        assertTrue(c.expired(37 * S), "... but 30 s without a check is the end (§5.1: media does not count)");
        c.onCheck(37 * S, true);
        assertFalse(c.expired(66 * S));
    }

    @Test
    void aPeerThatNeverChecksAfterConnectingIsKeptAliveByItsMedia() {
        // libnice without consent-freshness (GStreamer webrtcbin): checks only while connecting
        ConsentFreshness c = new ConsentFreshness(30 * S, 0);
        c.onCheck(1 * S, false);
        for (long t = 2; t <= 100; t++) {
            c.onAuthenticatedMedia(t * S);
        }
        assertFalse(c.expired(100 * S), "authenticated SRTP/SRTCP stands in for checks it never sends");
        assertTrue(c.expired(131 * S), "and once that stops too, it is gone");
    }

    @Test
    void nothingAtAllExpiresAfterTheTimeout() {
        ConsentFreshness c = new ConsentFreshness(30 * S, 0);
        assertFalse(c.expired(30 * S));
        assertTrue(c.expired(30 * S + 1));
    }
}

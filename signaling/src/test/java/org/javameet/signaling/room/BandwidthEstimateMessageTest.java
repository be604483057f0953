package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The server's estimate goes to the participant when it moved by a tenth, else every five seconds. */
class BandwidthEstimateMessageTest {
    private static final long MS = 1_000_000;

    @Test
    void sentWhenItMovesOrIsDue() {
        Participant p = new Participant("p1", null, null, "Ada", false, false);
        long t = 1_000 * MS;
        assertTrue(p.estimateWorthSending(1_000_000, t), "the first one");
        assertFalse(p.estimateWorthSending(1_050_000, t + 1_000 * MS), "5 % is noise");
        assertFalse(p.estimateWorthSending(950_000, t + 2_000 * MS));
        assertTrue(p.estimateWorthSending(1_100_000, t + 3_000 * MS), "10 % up");
        assertTrue(p.estimateWorthSending(900_000, t + 3_500 * MS), "and down from there");
        assertFalse(p.estimateWorthSending(900_000, t + 8_000 * MS));
        assertTrue(p.estimateWorthSending(900_000, t + 8_500 * MS), "unchanged, but five seconds on");
    }
}

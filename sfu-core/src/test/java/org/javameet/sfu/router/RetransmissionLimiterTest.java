package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.javameet.sfu.router.RetransmissionLimiter.Verdict;
import org.junit.jupiter.api.Test;

class RetransmissionLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void aPacketIsResentAtMostOncePerInterval() {
        RetransmissionLimiter l = new RetransmissionLimiter();
        assertEquals(Verdict.SEND, l.tryResend(7, 1000, 0));
        assertEquals(Verdict.TOO_SOON, l.tryResend(7, 1000, 99 * MS));
        assertEquals(Verdict.SEND, l.tryResend(8, 1000, 99 * MS), "another packet is not held back");
        assertEquals(Verdict.SEND, l.tryResend(7, 1000, 100 * MS));
        assertEquals(Verdict.SEND, l.tryResend(7 + PacketCache.SIZE, 1000, 101 * MS), "same slot, other packet");
    }

    @Test
    void retransmissionsAreBoundedByHalfOfWhatIsForwarded() {
        RetransmissionLimiter l = new RetransmissionLimiter();
        int sent = 0;
        long now = 0;
        // a NACK flood for distinct packets, 1,000 bytes each, while 1,000 bytes are forwarded per request
        for (int i = 0; i < 10_000; i++) {
            l.onForwarded(1000);
            now += MS;
            if (l.tryResend(i, 1000, now) == Verdict.SEND) {
                sent++;
            }
        }
        long budget = (long) (RetransmissionLimiter.INITIAL_TOKENS / 1000 + 10_000 * RetransmissionLimiter.SHARE);
        assertTrue(sent <= budget + 1, sent + " resent, budget " + budget);
        assertTrue(sent >= budget - 1, "the budget is usable: " + sent);
        assertEquals(Verdict.OVER_BUDGET, l.tryResend(20_000, 1000, now + 1));
    }

    @Test
    void theBurstIsCapped() {
        RetransmissionLimiter l = new RetransmissionLimiter();
        for (int i = 0; i < 1_000_000; i++) {
            l.onForwarded(1200);
        }
        int sent = 0;
        for (int i = 0; i < 10_000; i++) {
            if (l.tryResend(i, 1000, 0) == Verdict.SEND) {
                sent++;
            }
        }
        assertEquals(RetransmissionLimiter.MAX_TOKENS / 1000, sent);
    }
}

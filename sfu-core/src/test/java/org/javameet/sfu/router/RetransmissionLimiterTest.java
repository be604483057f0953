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

    /** The interval is the subscriber's smoothed RTT, bounded: 20 ms at least (a lie cannot lift it), 500 ms at most. */
    @Test
    void theIntervalFollowsTheMeasuredRttWithinBounds() {
        RetransmissionLimiter l = new RetransmissionLimiter();
        assertEquals(RetransmissionLimiter.DEFAULT_RESEND_INTERVAL_NANOS, l.resendIntervalNanos(), "unmeasured");
        l.onRtt(40 * MS);
        assertEquals(40 * MS, l.resendIntervalNanos(), "the first sample is taken as it is");
        assertEquals(Verdict.SEND, l.tryResend(7, 1000, 0));
        assertEquals(Verdict.TOO_SOON, l.tryResend(7, 1000, 39 * MS));
        assertEquals(Verdict.SEND, l.tryResend(7, 1000, 40 * MS), "one round trip later");
        l.onRtt(120 * MS);
        assertEquals(50 * MS, l.resendIntervalNanos(), "smoothed: 7/8 of 40 ms + 1/8 of 120 ms");
        for (int i = 0; i < 100; i++) {
            l.onRtt(0);
        }
        assertEquals(RetransmissionLimiter.MIN_RESEND_INTERVAL_NANOS, l.resendIntervalNanos(), "floor");
        for (int i = 0; i < 100; i++) {
            l.onRtt(5_000 * MS);
        }
        assertEquals(RetransmissionLimiter.MAX_RESEND_INTERVAL_NANOS, l.resendIntervalNanos(), "ceiling");
        l.onRtt(-5);
        assertEquals(RetransmissionLimiter.MAX_RESEND_INTERVAL_NANOS, l.resendIntervalNanos(), "a negative sample is no sample");
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

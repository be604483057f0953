package org.javameet.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.Test;

class SendHistoryTest {
    private static final long L = TransportCcFeedback.LOST;

    /** Feedback as it comes off the wire. */
    private static TransportCcFeedback wire(int base, int fbCount, long... arrivals) throws Exception {
        ByteBuf b = Unpooled.buffer();
        try {
            TransportCcFeedback.of(1, 2, base, fbCount, arrivals).marshalTo(b);
            return TransportCcFeedback.parse(b, 0, b.readableBytes());
        } finally {
            b.release();
        }
    }

    @Test
    void matchesAcrossTheSixteenBitWrapAndReportsEachPacketOnce() throws Exception {
        SendHistory h = new SendHistory();
        for (int i = 0; i < 65_534; i++) {
            h.register(i, 100);
        }
        assertEquals(65_534, h.register(1_000_000, 1200));
        assertEquals(65_535, h.register(1_001_000, 1201));
        assertEquals(0, h.register(1_002_000, 1202));
        FeedbackReport r = new FeedbackReport();
        assertEquals(3, h.match(wire(65_534, 0, 640_000, L, 642_000), r));
        assertEquals(1_001_000, r.sendTimeMicros(1));
        assertTrue(r.lost(1));
        assertEquals(1202, r.size(2));
        assertEquals(2_000, r.arrivalTimeMicros(2) - r.arrivalTimeMicros(0));
        // the same packets again (the receiver repeats itself): nothing new
        assertEquals(0, h.match(wire(65_534, 1, 640_000, 641_000, 642_000), r));
        assertEquals(0, r.count());
        assertEquals(0, h.unmatched());
    }

    @Test
    void packetsTheRingNoLongerHoldsAreUnmatched() throws Exception {
        SendHistory h = new SendHistory();
        for (int i = 0; i < SendHistory.CAPACITY + 10; i++) {
            h.register(i, 100);
        }
        FeedbackReport r = new FeedbackReport();
        // seqs 5..14: 5..9 were overwritten by 8197..8201
        assertEquals(5, h.match(wire(5, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000), r));
        assertEquals(5, h.unmatched());
        assertEquals(10, r.sendTimeMicros(0));
    }

    @Test
    void arrivalTimesStayContinuousAcrossTheReferenceTimeWrap() throws Exception {
        SendHistory h = new SendHistory();
        h.register(0, 100);
        h.register(1, 100);
        FeedbackReport r = new FeedbackReport();
        long lastTick = (TransportCcFeedback.REFERENCE_TIME_MODULO - 1L) * 64_000; // reference time 0xFFFFFF
        h.match(wire(0, 0, lastTick + 10_000), r);
        long first = r.arrivalTimeMicros(0);
        // the next feedback's reference time wrapped to 0: 64 ms later, not 17 minutes earlier
        h.match(wire(1, 1, TransportCcFeedback.REFERENCE_TIME_MODULO * 64_000L + 20_000), r);
        assertEquals(64_000 + 10_000, r.arrivalTimeMicros(0) - first);
    }
}

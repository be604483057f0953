package org.javameet.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeBitrateEstimatorTest {
    /** Ten 1,000-byte packets sent 1 ms apart (8 Mbit/s), arriving {@code arrivalSpacing} µs apart. */
    private static ProbeBitrateEstimator train(int cluster, long arrivalSpacing, int lostEvery) {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(cluster);
        for (int i = 0; i < 10; i++) {
            p.onSent(cluster);
        }
        p.finishSending(cluster);
        for (int i = 0; i < 10; i++) {
            boolean lost = lostEvery > 0 && i % lostEvery == 0;
            p.onReported(cluster, i * 1_000L, lost ? FeedbackReport.LOST : 50_000 + i * arrivalSpacing, 1000);
        }
        return p;
    }

    @Test
    void aTrainThatKeptUpMeasuresItsSendRate() {
        ProbeBitrateEstimator p = train(3, 1_000, 0);
        assertTrue(p.complete());
        assertEquals(8_000_000, p.takeResult(), 1);
        assertFalse(p.complete(), "a result is taken once");
    }

    @Test
    void aSaturatedPathGetsMostOfItsReceiveRate() {
        // arrived 4 ms apart: 2 Mbit/s; 0.95 of it
        assertEquals(1_900_000, train(3, 4_000, 0).takeResult(), 1);
    }

    @Test
    void tooManyLostOrABunchedUpTrainMeasureNothing() {
        assertEquals(0, train(3, 1_000, 3).takeResult(), "4 of 10 lost");
        assertEquals(0, train(3, 300, 0).takeResult(), "arrived over 3 x faster than sent");
    }

    @Test
    void waitsForTheWholeClusterAndIgnoresOthers() {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(7);
        p.onSent(7);
        p.onSent(8);
        p.onReported(7, 0, 10, 500);
        assertFalse(p.complete(), "still sending");
        p.finishSending(7);
        assertEquals(1, p.sent());
        assertTrue(p.complete());
        assertEquals(0, p.takeResult(), "one packet measures nothing");
    }
}

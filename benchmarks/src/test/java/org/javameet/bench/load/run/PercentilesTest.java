package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        long[] s = new long[100];
        for (int i = 0; i < 100; i++) {
            s[i] = i + 1;
        }
        assertEquals(50, Percentiles.quantile(s, 0.50));
        assertEquals(99, Percentiles.quantile(s, 0.99));
        assertEquals(100, Percentiles.quantile(s, 1.0));
        assertEquals(7, Percentiles.quantile(new long[] {7}, 0.99));
        assertTrue(Double.isNaN(Percentiles.quantile(new long[0], 0.5)));
    }

    @Test
    void ringIsUnrolledOldestFirst() {
        // capacity 4, 6 writes: slots hold 5 6 3 4, next write at 6 % 4 = 2
        assertArrayEquals(new long[] {3, 4, 5, 6}, Percentiles.unroll(new long[] {5, 6, 3, 4}, 6));
        assertArrayEquals(new long[] {1, 2}, Percentiles.unroll(new long[] {1, 2}, 2));
        assertArrayEquals(new long[] {5, 6}, Percentiles.last(new long[] {3, 4, 5, 6}, 2));
    }

    @Test
    void delayVariationIsMeanAbsoluteDifference() {
        assertEquals(2.0, Percentiles.meanDelayVariation(new long[] {10, 12, 10, 12}), 1e-9);
    }
}

package org.javameet.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrap-aware sequence-number arithmetic, at and around the wrap and the half-way point. */
class SequenceNumbersTest {
    @ParameterizedTest(name = "{0} → {1}: forward {2}, delta {3}, newer {4}")
    @CsvSource({
            "10, 11, 1, 1, true",
            "11, 10, 65535, -1, false",
            "65535, 0, 1, 1, true",
            "0, 65535, 65535, -1, false",
            "65530, 5, 11, 11, true",
            "7, 7, 0, 0, false",
            "0, 32767, 32767, 32767, true",
            "0, 32768, 32768, -32768, false", // exactly half-way: not newer
            "100, 32868, 32768, -32768, false",
    })
    void distancesAndOrder(int from, int to, int forward, int delta, boolean newer) {
        assertEquals(forward, SequenceNumbers.forwardDistance(from, to));
        assertEquals(delta, SequenceNumbers.delta(from, to));
        assertEquals(newer, SequenceNumbers.isNewer(to, from));
    }

    @ParameterizedTest
    @CsvSource({"65535, 1, 0", "0, -1, 65535", "100, 31000, 31100", "40000, 40000, 14464"})
    void addWraps(int seq, int n, int expected) {
        assertEquals(expected, SequenceNumbers.add(seq, n));
    }

    @ParameterizedTest(name = "extend({0}, {1}) = {2}")
    @CsvSource({
            "65535, 0, 65536",        // the first wrap starts a new cycle
            "65536, 65535, 65535",    // a late packet from the previous cycle
            "131071, 2, 131074",
            "70000, 4464, 70000",     // the same number
            "5, 65534, -2",           // before the first cycle: callers guard against going below their base
    })
    void extendPicksTheNearestCycle(long reference, int seq, long expected) {
        assertEquals(expected, SequenceNumbers.extend(reference, seq));
    }
}

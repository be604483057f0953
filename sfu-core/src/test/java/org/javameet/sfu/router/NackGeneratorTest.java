package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    private static final long MS = 1_000_000L;

    @Test
    void inOrderStreamNeedsNoNack() {
        NackGenerator g = new NackGenerator();
        for (int s = 0; s < 1000; s++) {
            assertFalse(g.onPacket(s & 0xFFFF, s * MS));
            assertEquals(0, g.due(s * MS).length);
        }
    }

    @Test
    void gapIsNackedAfterReorderGraceAndRetried() {
        NackGenerator g = new NackGenerator();
        g.onPacket(10, 0);
        g.onPacket(13, 0);
        assertEquals(2, g.missing());
        assertEquals(0, g.due(1 * MS).length, "reordering grace");
        assertArrayEquals(new int[] {11, 12}, g.due(6 * MS));
        assertEquals(0, g.due(50 * MS).length, "retry waits");
        assertArrayEquals(new int[] {11, 12}, g.due(110 * MS));
        assertArrayEquals(new int[] {11, 12}, g.due(220 * MS));
        assertEquals(0, g.due(400 * MS).length, "given up after " + NackGenerator.MAX_TRIES + " tries");
        assertEquals(0, g.missing());
    }

    @Test
    void lateOrRetransmittedPacketFillsItsHole() {
        NackGenerator g = new NackGenerator();
        g.onPacket(100, 0);
        g.onPacket(103, 0);
        g.onPacket(101, 1 * MS);
        assertArrayEquals(new int[] {102}, g.due(10 * MS));
    }

    @Test
    void gapAcrossSequenceWrap() {
        NackGenerator g = new NackGenerator();
        g.onPacket(65534, 0);
        g.onPacket(1, 0);
        assertArrayEquals(new int[] {65535, 0}, g.due(10 * MS));
    }

    @Test
    void hugeGapAsksForKeyframeInsteadOfNacks() {
        NackGenerator g = new NackGenerator();
        g.onPacket(0, 0);
        assertTrue(g.onPacket(5000, 0));
        assertEquals(0, g.missing());
    }
}

package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacer on a fake clock: what goes at once, what waits, in what order, and that nothing waits too long. */
class PacerTest {
    private static final long MS = 1_000_000L;
    private final Pacer pacer = new Pacer();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final Pacer.Sink sink = (p, owner, layer) -> sent.add(p);

    private static ByteBuf packet(int id) {
        ByteBuf b = Unpooled.buffer(1000);
        b.writeInt(id).writeZero(996); // 1,000 bytes
        return b;
    }

    @Test
    void withoutAnEstimateEverythingGoesAtOnce() {
        for (int i = 0; i < 100; i++) {
            ByteBuf p = packet(i);
            assertTrue(pacer.admit(p, null, 0, i));
            p.release();
        }
        assertEquals(0, pacer.queued());
    }

    @Test
    void aKeyframeBurstLeavesAtThePacingRateInOrder() {
        long t = 1_000 * MS;
        pacer.setEstimate(400_000, t); // paced at 1 Mbit/s: 125 bytes a millisecond, 5,000 bytes of burst
        int atOnce = 0;
        for (int i = 0; i < 40; i++) { // a 40 kB keyframe, all at the same instant
            ByteBuf p = packet(i);
            if (pacer.admit(p, null, 0, t)) {
                atOnce++;
                p.release();
            }
        }
        assertEquals(5, atOnce, "the 40 ms burst allowance goes at once");
        assertEquals(35, pacer.queued());

        assertEquals(35, pacer.drain(t, sink), "no budget left at the same instant");
        assertEquals(33, pacer.drain(t + 16 * MS, sink), "2,000 bytes earned in 16 ms");
        long end = t + 16 * MS;
        while (pacer.queued() > 0) {
            end += Pacer.DRAIN_INTERVAL_NANOS;
            pacer.drain(end, sink);
        }
        long tookMs = (end - t) / MS;
        assertTrue(tookMs >= 270 && tookMs <= 300, "35 kB at 1 Mbit/s take ~280 ms: " + tookMs);
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(5 + i, sent.get(i).getInt(0), "in order");
        }
        sent.forEach(ByteBuf::release);
        assertEquals(0, pacer.overdueReleases());
    }

    @Test
    void whileSomethingWaitsANewPacketQueuesBehindItAndAudioSpendsTheBudget() {
        long t = 5_000 * MS;
        pacer.setEstimate(400_000, t);
        pacer.spent(5_000, t); // audio took the whole burst allowance
        ByteBuf first = packet(1);
        assertFalse(pacer.admit(first, null, 0, t), "video yields to the audio sent before it");
        ByteBuf second = packet(2);
        assertFalse(pacer.admit(second, null, 0, t + 20 * MS),
                "2,500 bytes earned by now, but the first still waits: behind it");
        pacer.drain(t + 20 * MS, sink);
        assertEquals(2, sent.size());
        ByteBuf third = packet(3);
        assertTrue(pacer.admit(third, null, 0, t + 20 * MS), "nothing waits and 500 bytes are left: at once");
        sent.add(third);
        assertEquals(List.of(1, 2, 3), sent.stream().map(b -> b.getInt(0)).toList());
        sent.forEach(ByteBuf::release);
    }

    @Test
    void aPacketNeverWaitsLongerThanTheLimitAndALowEstimateIsFloored() {
        long t = 9_000 * MS;
        pacer.setEstimate(1_000, t); // absurdly low: paced at the floor, 200 kbit/s = 25 bytes/ms
        assertEquals(Pacer.MIN_RATE_BPS, pacer.rateBitsPerSecond());
        int queued = 0;
        for (int i = 0; i < 200; i++) { // 200 kB: 8 s at the floor
            ByteBuf p = packet(i);
            if (!pacer.admit(p, null, 0, t)) {
                queued++;
            } else {
                p.release();
            }
        }
        assertEquals(199, queued);
        pacer.drain(t + Pacer.MAX_WAIT_NANOS, sink);
        assertEquals(0, pacer.queued(), "after 500 ms the queue goes, paced or not");
        assertEquals(199, sent.size());
        assertTrue(pacer.overdueReleases() > 150);
        sent.forEach(ByteBuf::release);
    }

    @Test
    void clearReleasesWhatWaitsAndNoEstimateDrainsAll() {
        long t = 20_000 * MS;
        pacer.setEstimate(400_000, t);
        List<ByteBuf> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ByteBuf p = packet(i);
            if (!pacer.admit(p, null, 0, t)) {
                held.add(p);
            } else {
                p.release();
            }
        }
        pacer.setEstimate(-1, t + MS); // the estimate is gone (e.g. feedback stopped): nothing is held back
        pacer.drain(t + MS, sink);
        assertEquals(held.size(), sent.size());
        sent.forEach(ByteBuf::release);
        sent.clear();

        pacer.setEstimate(400_000, t + 2 * MS);
        pacer.spent(10_000, t + 2 * MS);
        ByteBuf waiting = packet(99);
        assertFalse(pacer.admit(waiting, null, 0, t + 2 * MS));
        pacer.clear();
        assertEquals(0, waiting.refCnt());
    }

    @Test
    void pastItsCapacityNothingMoreIsHeld() {
        long t = 30_000 * MS;
        pacer.setEstimate(400_000, t);
        pacer.spent(10_000, t);
        for (int i = 0; i < Pacer.CAPACITY; i++) {
            assertFalse(pacer.admit(Unpooled.buffer(16).writeZero(16), null, 0, t));
        }
        ByteBuf over = packet(1);
        assertTrue(pacer.admit(over, null, 0, t), "a queue that long is already late: sent, not held");
        over.release();
        assertEquals(Pacer.CAPACITY, pacer.queued());
        pacer.clear();
    }

    /**
     * 4 Mbit/s in 1,000-byte packets (one every 2 ms) for 5 s, drained every 5 ms, paced as for a 400 kbit/s estimate
     * and {@code chosen}. Returns the longest any packet waited, in ms.
     */
    private long longestWaitMs(long chosen) {
        long t = 40_000 * MS;
        pacer.setEstimate(400_000, chosen, t);
        long[] sentAt = new long[2500];
        long[] now = {t};
        Pacer.Sink timed = (p, owner, layer) -> {
            sentAt[p.getInt(0)] = now[0];
            p.release();
        };
        long[] admittedAt = new long[sentAt.length];
        for (int i = 0; i < sentAt.length; i++) {
            now[0] = t + i * 2 * MS;
            if (i % 5 == 0 && i > 0) {
                pacer.drain(now[0] - MS, timed); // the 5 ms drain task, between two arrivals
            }
            ByteBuf p = packet(i);
            admittedAt[i] = now[0];
            if (pacer.admit(p, null, 0, now[0])) {
                sentAt[i] = now[0];
                p.release();
            }
        }
        while (pacer.queued() > 0) {
            now[0] += Pacer.DRAIN_INTERVAL_NANOS;
            pacer.drain(now[0], timed);
        }
        long longest = 0;
        for (int i = 0; i < sentAt.length; i++) {
            longest = Math.max(longest, sentAt[i] - admittedAt[i]);
        }
        return longest / MS;
    }

    @Test
    void sustainedMediaTheAllocatorCannotCutDoesNotQueueBehindALowEstimate() {
        // 2.5 x a 400 kbit/s estimate is 1 Mbit/s: paced at that alone, 4 Mbit/s of one-encoding video that the
        // allocator could not cut queued until every packet waited the full limit
        long before = longestWaitMs(0);
        assertTrue(before >= Pacer.MAX_WAIT_NANOS / MS, "the estimate alone: the queue is the limit: " + before + " ms");
        assertTrue(pacer.overdueReleases() > 1000, "most packets overdue: " + pacer.overdueReleases());

        PacerTest fresh = new PacerTest();
        long longest = fresh.longestWaitMs(4_000_000);
        assertTrue(longest <= 5, "paced at 2.5 x what is chosen: nothing stands in the queue: " + longest + " ms");
        assertEquals(0, fresh.pacer.overdueReleases());
        assertEquals(10_000_000, fresh.pacer.rateBitsPerSecond());
    }

    @Test
    void aKeyframeOnTopOfWhatIsChosenIsStillSpread() {
        long t = 50_000 * MS;
        pacer.setEstimate(400_000, 600_000, t); // 2.5 x 600 kbit/s: 187.5 bytes a millisecond, 7,500 bytes of burst
        assertEquals(1_500_000, pacer.rateBitsPerSecond());
        int atOnce = 0;
        for (int i = 0; i < 40; i++) { // a 40 kB keyframe, all at once
            ByteBuf p = packet(i);
            if (pacer.admit(p, null, 0, t)) {
                atOnce++;
                p.release();
            }
        }
        assertEquals(8, atOnce, "the 40 ms burst allowance goes at once");
        long end = t;
        while (pacer.queued() > 0) {
            end += Pacer.DRAIN_INTERVAL_NANOS;
            pacer.drain(end, sink);
        }
        long tookMs = (end - t) / MS;
        assertTrue(tookMs >= 160 && tookMs <= 185, "32 kB at 1.5 Mbit/s take ~170 ms, not one burst: " + tookMs);
        sent.forEach(ByteBuf::release);
        assertEquals(0, pacer.overdueReleases());
    }
}

package org.javameet.sfu.rtp;

import static org.javameet.sfu.rtp.RtpHeaderTest.CHROMIUM_OPUS;
import static org.javameet.sfu.rtp.RtpHeaderTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.AbstractByteBufAllocator;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-subscriber copy allocates nothing of its own (issue 13: it made two scratch arrays per forwarded packet,
 * 32–48 B). Counted with the JVM's per-thread allocation counter, not timed; the destination buffer comes from an
 * allocator that hands out the same buffer again, so only what {@link RtpRewriter} itself allocates is counted.
 */
class RtpRewriterAllocationTest {
    private static final int COPIES = 20_000;

    /** Hands out one buffer over and over (cleared, one more reference), so a copy costs the pool nothing. */
    private static final class OneBuffer extends AbstractByteBufAllocator {
        // not leak-tracked: a tracked buffer records every retain and release, which is the test's own allocation
        final ByteBuf buffer = new UnpooledByteBufAllocator(true, true).directBuffer(2048);

        OneBuffer() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            throw new UnsupportedOperationException("the copy is direct: the socket sends from there");
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return buffer.clear().retain();
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void aCopyAllocatesNothingOfItsOwn() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        OneBuffer alloc = new OneBuffer();
        ByteBuf src = hex(CHROMIUM_OPUS);
        int[] from = {1, 2, 3};
        int[] to = {1, 3, 5};
        copies(alloc, src, from, to); // class loading, the per-thread scratch, the allocation counter's own first use
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        copies(alloc, src, from, to);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < COPIES / 4, allocated + " bytes for " + COPIES + " copies ("
                + (double) allocated / COPIES + " B per copy): the copy allocates again");
        assertEquals(1, alloc.buffer.refCnt());
        src.release();
        alloc.buffer.release();
    }

    private static void copies(OneBuffer alloc, ByteBuf src, int[] from, int[] to) {
        for (int i = 0; i < COPIES; i++) {
            RtpRewriter.copyWithExtensions(alloc, src, from, to, 5, 2, 16).release();
        }
    }
}

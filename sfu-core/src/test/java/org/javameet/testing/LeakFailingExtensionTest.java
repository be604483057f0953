package org.javameet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The leak check must not be able to pass by doing nothing: it is registered for this class, it owns the
 * ByteBuf detector, and a buffer dropped without release() really ends up in its records.
 */
class LeakFailingExtensionTest {

    @Test
    void extensionIsRegisteredForThisClass() {
        assertTrue(LeakFailingExtension.isChecking(LeakFailingExtensionTest.class),
                "LeakFailingExtension did not run: is junit.jupiter.extensions.autodetection.enabled set?");
    }

    @Test
    void ownsTheByteBufDetector() {
        assertTrue(LeakRecorder.isRecording(ByteBuf.class));
    }

    @Test
    void recordsAPooledBufferDroppedWithoutRelease() {
        assertLeakRecorded(PooledByteBufAllocator.DEFAULT, false);
    }

    @Test
    void recordsAnUnpooledDirectBufferDroppedWithoutRelease() {
        // (unpooled heap buffers are not tracked at all: the garbage collector frees them, so Netty never reports them)
        assertLeakRecorded(UnpooledByteBufAllocator.DEFAULT, true);
    }

    @Test
    void recordsABufferOfTheDefaultAllocatorDroppedWithoutRelease() {
        // what EmbeddedChannel and the server's channels allocate with unless told otherwise
        assertLeakRecorded(ByteBufAllocator.DEFAULT, false);
    }

    private static void assertLeakRecorded(ByteBufAllocator alloc, boolean direct) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // track this one buffer for sure
        String hint = LeakRecorder.EXPECTED_LEAK_HINT + UUID.randomUUID();
        try {
            leakOneBuffer(alloc, direct, hint);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
        List<LeakRecorder.Leak> found = List.of();
        for (int i = 0; i < 20 && found.isEmpty(); i++) {
            LeakRecorder.provokeDetection(1);
            // take only ours: a leak from another class stays recorded and fails that check
            found = LeakRecorder.take(l -> l.records().contains(hint));
        }
        assertEquals(1, found.size(), "the deliberately leaked buffer was not reported");
        assertTrue(found.get(0).records().contains("leakOneBuffer"), found.get(0).records());
    }

    /** Separate frame, so nothing on the caller's stack keeps the buffer reachable. */
    private static void leakOneBuffer(ByteBufAllocator alloc, boolean direct, String hint) {
        ByteBuf buf = direct ? alloc.directBuffer(64) : alloc.heapBuffer(64);
        buf.writeLong(42);
        buf.touch(hint);
    }
}

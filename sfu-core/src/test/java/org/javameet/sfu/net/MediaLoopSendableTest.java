package org.javameet.sfu.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** What the media socket is handed (issue 13): always direct memory, so the epoll channel never copies it itself. */
class MediaLoopSendableTest {
    @Test
    void aHeapPacketIsCopiedToADirectBufferAndReleased() {
        ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(64).writeBytes(new byte[] {1, 2, 3, 4, 5});
        heap.readerIndex(1);
        ByteBuf sent = MediaLoop.sendable(heap, PooledByteBufAllocator.DEFAULT);
        assertTrue(sent.isDirect());
        assertEquals(0, heap.refCnt(), "the heap packet is released once copied");
        assertArrayEquals(new byte[] {2, 3, 4, 5}, ByteBufUtil.getBytes(sent), "only the readable bytes");
        sent.release();
    }

    @Test
    void aDirectPacketGoesAsItIs() {
        ByteBuf direct = Unpooled.directBuffer(16).writeInt(42);
        assertSame(direct, MediaLoop.sendable(direct, PooledByteBufAllocator.DEFAULT));
        assertEquals(1, direct.refCnt());
        direct.release();
    }
}

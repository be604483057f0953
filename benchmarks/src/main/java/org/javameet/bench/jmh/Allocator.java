package org.javameet.bench.jmh;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * The allocator a per-consumer copy comes from. The server uses {@link PooledByteBufAllocator#DEFAULT}
 * (MediaServer), whose {@code buffer()} is direct; {@code POOLED_HEAP} is the same pool preferring heap
 * buffers, the case SrtpSession can encrypt without copying.
 */
public enum Allocator {
    POOLED(PooledByteBufAllocator.DEFAULT),
    UNPOOLED(UnpooledByteBufAllocator.DEFAULT),
    POOLED_HEAP(new PooledByteBufAllocator(false));

    final ByteBufAllocator alloc;

    Allocator(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }
}

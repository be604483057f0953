package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Where a packet's bytes live. SrtpSession works on a heap array directly and copies a direct buffer. */
public enum BufferKind {
    HEAP {
        @Override
        ByteBuf allocate(int capacity) {
            return Unpooled.buffer(capacity, capacity);
        }
    },
    DIRECT {
        @Override
        ByteBuf allocate(int capacity) {
            return Unpooled.directBuffer(capacity, capacity);
        }
    };

    abstract ByteBuf allocate(int capacity);
}

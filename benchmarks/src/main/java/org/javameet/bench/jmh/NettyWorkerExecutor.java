package org.javameet.bench.jmh;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark threads as Netty {@code FastThreadLocalThread}s, the kind the media event loop
 * runs on, so PooledByteBufAllocator's thread cache and the Recycler behave as they do in the server (on a
 * plain thread Netty 4.2 gives neither). JMH picks it up through {@code -Djmh.executor=CUSTOM
 * -Djmh.executor.class=...}, see {@link Jvm#EXECUTOR}.
 */
public final class NettyWorkerExecutor extends ThreadPoolExecutor {
    public NettyWorkerExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}

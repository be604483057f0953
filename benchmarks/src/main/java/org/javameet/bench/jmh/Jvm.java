package org.javameet.bench.jmh;

/** JVM options shared by the benchmark forks. */
final class Jvm {
    /**
     * The media event loop runs on Netty's FastThreadLocalThreads, which get a PooledByteBufAllocator thread
     * cache; JMH's worker is a plain thread, which in Netty 4.2 gets none by default and would go to the
     * shared arena on every allocation. This gives it the cache the server's threads have.
     */
    static final String NETTY_THREAD_CACHE = "-Dio.netty.allocator.useCacheForAllThreads=true";

    private Jvm() {
    }
}

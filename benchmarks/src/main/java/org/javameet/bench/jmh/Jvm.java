package org.javameet.bench.jmh;

/** JVM options of the benchmark forks. */
final class Jvm {
    /** Benchmark threads are Netty FastThreadLocalThreads, like the media event loop: see {@link NettyWorkerExecutor}. */
    static final String EXECUTOR = "-Djmh.executor=CUSTOM";
    static final String EXECUTOR_CLASS = "-Djmh.executor.class=org.javameet.bench.jmh.NettyWorkerExecutor";

    private Jvm() {
    }
}

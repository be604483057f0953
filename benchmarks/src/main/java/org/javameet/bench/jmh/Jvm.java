package org.javameet.bench.jmh;

/** JVM options of the benchmark forks. */
final class Jvm {
    /** Benchmark threads are Netty FastThreadLocalThreads, like the media event loop: see {@link NettyWorkerExecutor}. */
    static final String EXECUTOR = "-Djmh.executor=CUSTOM";
    static final String EXECUTOR_CLASS = "-Djmh.executor.class=org.javameet.bench.jmh.NettyWorkerExecutor";
    /** SRTP's AES-GCM through the foreign linker, as the server runs it (SrtpSession.RtpTransform.FOREIGN_GCM). */
    static final String FOREIGN_MODULE = "--add-modules=jdk.incubator.foreign";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private Jvm() {
    }
}

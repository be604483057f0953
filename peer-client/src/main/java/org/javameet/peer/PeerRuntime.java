package org.javameet.peer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * What every headless participant of one JVM shares, so hundreds of them cost a handful of threads: a small
 * Netty event loop group (each participant's UDP sockets, ICE, SRTP and media clocks live on one of its loops),
 * one bounded executor for DTLS handshakes (BouncyCastle's handshake blocks a thread for a round trip or two),
 * one JDK HttpClient for the WebSockets, and one DTLS certificate.
 *
 * <p>Create one per test class or load run and close it at the end; or use {@link #shared()}, a lazily
 * started daemon instance that lives as long as the JVM.
 */
public final class PeerRuntime implements AutoCloseable {
    static {
        // The project uses ice4j only as a STUN codec; its harvesters must never reach out to AWS/STUN.
        if (System.getProperty("ice4j.harvest.mapping.aws.enabled") == null) {
            System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        }
        if (System.getProperty("ice4j.harvest.mapping.stun.disabled") == null) {
            System.setProperty("ice4j.harvest.mapping.stun.disabled", "true");
        }
    }

    private static PeerRuntime shared;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final ExecutorService dtlsExecutor;
    private final HttpClient httpClient;
    private final DtlsCertificate certificate;
    /**
     * Plain heap buffers, freed by the GC and not tracked by Netty's leak detector: a participant is test and
     * load equipment, and the paranoid leak tracking the build runs to check the server must not slow the
     * client half of every measurement (it takes a stack trace on each buffer access). Buffers are still
     * released wherever their ownership ends.
     */
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    private final MeasurementWindow window = new MeasurementWindow();

    /**
     * @param eventLoops threads for sockets and media clocks (2 carry several hundred participants on loopback)
     * @param dtlsThreads most handshakes in progress at once; more wait in the queue
     */
    public PeerRuntime(int eventLoops, int dtlsThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(eventLoops, new DefaultThreadFactory("peer", true), io);
        ThreadPoolExecutor dtls = new ThreadPoolExecutor(dtlsThreads, dtlsThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("peer-dtls", true));
        dtls.allowCoreThreadTimeOut(true);
        this.dtlsExecutor = dtls;
        this.httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        // jitsi-srtp benchmarks its ciphers and ice4j loads its configuration on first use; pay that here, not on
        // an event loop
        SrtpSession.warmUp();
        IceCheck.warmUp();
        this.certificate = DtlsCertificate.generate();
    }

    /** Two event loops, eight DTLS threads. */
    public PeerRuntime() {
        this(2, 8);
    }

    /** A process-wide runtime with daemon threads, created on first use and never closed. */
    public static synchronized PeerRuntime shared() {
        if (shared == null) {
            shared = new PeerRuntime();
        }
        return shared;
    }

    /** One of the event loops, round robin: where a participant's connections and media clocks live. */
    public EventLoop nextLoop() {
        return group.next();
    }

    boolean epoll() {
        return epoll;
    }

    ExecutorService dtlsExecutor() {
        return dtlsExecutor;
    }

    public HttpClient httpClient() {
        return httpClient;
    }

    public DtlsCertificate certificate() {
        return certificate;
    }

    /** Unpooled heap buffers that the leak detector does not track (see the field). */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** The send-time span the participants of this runtime count in their window figures (all time until set). */
    public MeasurementWindow window() {
        return window;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        dtlsExecutor.shutdownNow();
    }
}

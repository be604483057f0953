package org.javameet.bench.load.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * Threads of the harness's own media engine (Janus and baseline targets), shaped like peer-client's
 * PeerRuntime: a few Netty event loops that carry every participant's sockets and media clocks, and a small
 * pool for blocking DTLS handshakes.
 */
public final class ClientLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean epoll = Epoll.isAvailable();
    private final ExecutorService dtls;
    public final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    public ClientLoops(int loops) {
        this.group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("load-peer", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.dtls = Executors.newFixedThreadPool(4, new DefaultThreadFactory("load-dtls", true));
        // jitsi-srtp benchmarks its ciphers on first use (seconds on a busy machine): pay that here, not on a loop
        SrtpSession.warmUp();
    }

    public EventLoop next() {
        return group.next();
    }

    public ExecutorService dtlsExecutor() {
        return dtls;
    }

    /** A UDP socket on 127.0.0.1 (ephemeral port) on {@code loop}. */
    public CompletableFuture<DatagramChannel> bind(EventLoop loop, ChannelHandler handler) {
        return bind(loop, handler, InetAddress.getLoopbackAddress());
    }

    /** A UDP socket on {@code address} (ephemeral port) on {@code loop}. */
    public CompletableFuture<DatagramChannel> bind(EventLoop loop, ChannelHandler handler, InetAddress address) {
        CompletableFuture<DatagramChannel> f = new CompletableFuture<>();
        new Bootstrap().group(loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(handler)
                .bind(new InetSocketAddress(address, 0))
                .addListener(cf -> {
                    if (cf.isSuccess()) {
                        f.complete((DatagramChannel) ((io.netty.channel.ChannelFuture) cf).channel());
                    } else {
                        f.completeExceptionally(cf.cause());
                    }
                });
        return f;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        dtls.shutdownNow();
    }
}

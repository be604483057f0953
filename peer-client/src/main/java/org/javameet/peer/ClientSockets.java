package org.javameet.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** What the client transports ({@link PeerConnection}, {@link UdpRtpTransport}) share: their socket and loss. */
final class ClientSockets {
    private ClientSockets() {
    }

    /** A UDP socket on {@code bind} (ephemeral port) on {@code loop}, 1 MB buffers, 2 KB datagrams. */
    static CompletableFuture<Channel> bind(PeerRuntime runtime, EventLoop loop, InetAddress bind, ChannelHandler handler) {
        CompletableFuture<Channel> bound = new CompletableFuture<>();
        new Bootstrap().group(loop)
                .channel(runtime.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(handler)
                .bind(new InetSocketAddress(bind, 0))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        bound.complete(((ChannelFuture) f).channel());
                    } else {
                        bound.completeExceptionally(f.cause());
                    }
                });
        return bound;
    }

    /**
     * Fault injection for tests and the load harness: a share of RTP packets dropped independently at random,
     * before encryption on send and before decryption on receive. RTCP is never dropped, so the NACKs and
     * reports that repair the loss get through.
     */
    static final class Loss {
        private volatile double fraction;

        void setPercent(double percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("loss percent must be 0..100, got " + percent);
            }
            fraction = percent / 100.0;
        }

        boolean drop() {
            double f = fraction;
            return f > 0 && ThreadLocalRandom.current().nextDouble() < f;
        }
    }
}

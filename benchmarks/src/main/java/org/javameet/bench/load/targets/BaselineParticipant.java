package org.javameet.bench.load.targets;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.javameet.bench.load.client.EmulatedPeer;
import org.javameet.bench.load.client.LossModel;
import org.javameet.bench.load.client.MediaLink;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.PeerRuntime;
import org.javameet.sfu.rtp.PacketKind;

/**
 * A participant of the baseline: the same synthetic media as everywhere, as plain RTP over one UDP socket
 * to the {@link BaselineRelay}; no ICE, DTLS, SRTP or feedback. Its socket and media clocks live on an event
 * loop of the same {@link PeerRuntime} kind as the other targets' participants.
 */
final class BaselineParticipant implements LoadParticipant, MediaLink {
    private final InetSocketAddress relay;
    private final String room;
    private final String name;
    private final boolean publisher;
    private final EmulatedPeer peer;
    private final LossModel loss;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private volatile DatagramChannel channel;

    BaselineParticipant(PeerRuntime runtime, InetSocketAddress relay, String room, String name, boolean publisher,
                        LoadOptions options) {
        this.relay = relay;
        this.room = room;
        this.name = name;
        this.publisher = publisher;
        this.peer = new EmulatedPeer(runtime.nextLoop(), runtime.alloc(), options.videoKbps(), options.fps(), false);
        this.loss = new LossModel(options.lossPercent());
    }

    @Override
    public String name() {
        return room + "/" + name;
    }

    @Override
    public boolean publishes() {
        return publisher;
    }

    @Override
    public CompletableFuture<?> join() {
        peer.joinStartNanos = System.nanoTime();
        return bind().thenCompose(ch -> {
            channel = ch;
            sendJoin(0);
            return joined;
        }).thenRun(() -> {
            peer.subscribeLink(this);
            if (publisher) {
                peer.startPublishing(this);
            }
        }).orTimeout(10, TimeUnit.SECONDS);
    }

    /** A UDP socket on 127.0.0.1 (ephemeral port) on the participant's loop. */
    private CompletableFuture<DatagramChannel> bind() {
        CompletableFuture<DatagramChannel> f = new CompletableFuture<>();
        new Bootstrap().group(peer.loop())
                .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(new Inbound())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addListener(cf -> {
                    if (cf.isSuccess()) {
                        f.complete((DatagramChannel) ((ChannelFuture) cf).channel());
                    } else {
                        f.completeExceptionally(cf.cause());
                    }
                });
        return f;
    }

    private void sendJoin(int attempt) {
        if (joined.isDone() || attempt > 50) {
            return;
        }
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("JOIN " + room, StandardCharsets.US_ASCII),
                relay));
        peer.loop().schedule(() -> sendJoin(attempt + 1), 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public void sendRtp(ByteBuf packet) {
        DatagramChannel ch = channel;
        if (ch == null || loss.drop() || !ch.isWritable()) {
            packet.release();
            return;
        }
        sent.incrementAndGet();
        ch.writeAndFlush(new DatagramPacket(packet, relay), ch.voidPromise());
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        packet.release(); // the relay forwards no feedback
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket dp) {
            ByteBuf b = dp.content();
            if (PacketKind.isRtpOrRtcp(b)) {
                received.incrementAndGet();
                if (!loss.drop()) {
                    peer.onRtp(b);
                }
            } else if (b.readableBytes() == 2 && b.getByte(b.readerIndex()) == 'O') {
                joined.complete(null);
            }
        }
    }

    @Override
    public Traffic traffic() {
        return new Traffic(sent.get(), received.get());
    }

    @Override
    public Snapshot snapshot() {
        return peer.snapshot();
    }

    @Override
    public void close() {
        peer.stop();
        DatagramChannel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("LEAVE", StandardCharsets.US_ASCII), relay))
                    .addListener(f -> ch.close());
        }
    }
}

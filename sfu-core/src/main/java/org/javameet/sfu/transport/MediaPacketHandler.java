package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.rtp.PacketKind;

/**
 * The media socket's only inbound handler: RFC 7983 demultiplexing, ICE-lite STUN answers, and
 * hand-off to the transport that owns the sender's address. Unknown senders never create state.
 *
 * <p>Buffer ownership: every datagram is released here; a transport gets its own copy (see {@link #ownCopy}).
 *
 * <p>Flushing: forwarding only writes; the end of each read batch ({@link #channelReadComplete}) flushes the socket
 * once, so the kernel gets one {@code sendmmsg} for everything the batch forwarded. While a batch runs,
 * {@link #inBatch()} is true and {@link org.javameet.sfu.transport.PacketSender#flush} callers can leave it to
 * the batch's end.
 */
@io.netty.channel.ChannelHandler.Sharable // by the UDP sockets of one loop: one thread, reads never interleave
public final class MediaPacketHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(MediaPacketHandler.class.getName());

    private final TransportRegistry registry;
    private final MediaMetrics metrics;
    /** Flushes ICE-TCP connections the batch wrote to (UDP is flushed here); null without ICE-TCP. */
    private final IceTcpAcceptor tcp;
    /** Between the first read of a batch and its channelReadComplete. Media loop only. */
    private boolean inBatch;
    /** Flushes every UDP socket of the loop: a batch read on one socket may have written to the others. */
    private Runnable udpFlush;

    /**
     * Which of its loop's UDP sockets a channel is (set at bind): a transport answers and sends on the socket its
     * peer's checks came in on. Absent on a loop's only socket.
     */
    public static final io.netty.util.AttributeKey<Integer> SOCKET_INDEX =
            io.netty.util.AttributeKey.valueOf("javameet.media.socket");

    public MediaPacketHandler(TransportRegistry registry, MediaMetrics metrics) {
        this(registry, metrics, null);
    }

    public MediaPacketHandler(TransportRegistry registry, MediaMetrics metrics, IceTcpAcceptor tcp) {
        this.registry = registry;
        this.metrics = metrics;
        this.tcp = tcp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket dp)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        inBatch = true;
        ByteBuf data = dp.content();
        InetSocketAddress from = dp.sender();
        metrics.packetsIn.increment();
        metrics.bytesIn.increment(data.readableBytes());
        try {
            if (PacketKind.isStun(data)) {
                handleStun(ctx, data, from);
                return;
            }
            WebRtcTransport t = registry.byAddress(from);
            if (t == null) {
                metrics.drop(PacketKind.isDtls(data) || PacketKind.isRtpOrRtcp(data)
                        ? DropReason.UNKNOWN_ADDRESS : DropReason.UNKNOWN_PROTOCOL);
                return;
            }
            if (!t.loop().inEventLoop()) {
                metrics.drop(DropReason.WRONG_MEDIA_PORT);
                return;
            }
            t.onPacket(ownCopy(data));
        } catch (RuntimeException e) {
            // one bad packet must never take the socket down
            LOG.log(Level.WARNING, "media packet from " + from + " failed", e);
        } finally {
            dp.release();
        }
    }

    /**
     * The datagram in a buffer of its own: on epoll the socket reads a batch of datagrams with one
     * {@code recvmmsg} into one large buffer, and each datagram is a slice of it. A slice kept (the producer's
     * packet cache keeps ~1 s of video) would keep the whole batch buffer alive, so the transport gets an
     * exact-size copy instead. Direct, as the datagram was: an exact-size heap copy let jitsi-srtp unprotect in
     * the pool's shared array with no room after the packet, and RecordingTest's loss repair then failed (not
     * understood yet; SrtpSession's scratch copy for direct buffers is the path that has always worked).
     */
    static ByteBuf ownCopy(ByteBuf data) {
        int len = data.readableBytes();
        ByteBuf copy = data.alloc().directBuffer(len, len);
        copy.writeBytes(data, data.readerIndex(), len);
        return copy;
    }

    /** What the end of a read batch flushes: every UDP socket of the loop (default: the socket the batch came on). */
    public void udpFlush(Runnable flushAll) {
        this.udpFlush = flushAll;
    }

    /** True while a read batch runs: whatever is written now is flushed at its end. Media loop only. */
    public boolean inBatch() {
        return inBatch;
    }

    private void handleStun(ChannelHandlerContext ctx, ByteBuf data, InetSocketAddress from) {
        IceChecks.ValidCheck check = IceChecks.validate(data, registry, metrics);
        if (check == null) {
            return;
        }
        if (!check.transport().loop().inEventLoop()) {
            metrics.drop(DropReason.WRONG_MEDIA_PORT); // its candidates name another loop's port: not answered here
            return;
        }
        DropReason refused = check.transport().checkRefusal(from, check.request().transactionId(),
                registry.byAddress(from));
        if (refused != null) {
            metrics.drop(refused); // unanswered: a replay or a spoofed source gets nothing to reflect
            return;
        }
        ByteBuf response = check.response(ctx.alloc(), from);
        int len = response.readableBytes();
        ctx.write(new DatagramPacket(response, from));
        metrics.packetsOut.increment();
        metrics.bytesOut.increment(len);
        Integer socket = ctx.channel().attr(SOCKET_INDEX).get();
        check.transport().onIceCheck(from, socket == null ? 0 : socket, check.request().useCandidate(), check.ufrag());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inBatch = false;
        Runnable all = udpFlush;
        if (all != null) {
            all.run();
        } else {
            ctx.flush();
        }
        if (tcp != null) {
            tcp.flushBatch(false); // packets from UDP publishers forwarded to subscribers over ICE-TCP
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP port unreachable surfaced as PortUnreachableException: a peer went away, not our problem
        LOG.log(Level.FINE, "media socket: " + cause);
    }
}

package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.metrics.TcpCloseReason;
import org.javameet.sfu.rtp.PacketKind;

/**
 * One connection to a passive ICE-TCP candidate (RFC 6544): packets framed by a 2-byte length (RFC 4571),
 * otherwise exactly what arrives on the UDP port, through the same checks into the same transports.
 *
 * <p>Until a binding request on it checks out, the connection is bound to nothing and may carry only that
 * request (RFC 6544 §7.1): anything else, an oversized frame, a failed check or silence past the handshake
 * timeout closes it, counted by {@link TcpCloseReason}. After that it is one ICE path of the transport the check
 * named, which sends on it when ICE selects it.
 *
 * <p>Outbound, a slow or dead peer costs at most the channel's write-buffer high-water mark: a packet that finds
 * the channel not writable is dropped and counted, never queued, so the media loop never waits for TCP.
 *
 * <p>Runs on the media event loop, like every transport. Buffer ownership: each frame is copied into its own
 * buffer (the producer's packet cache may keep it, and must not pin a whole read buffer); a frame handed to a
 * transport is the transport's, every other frame is released here.
 */
public final class IceTcpConnection extends ByteToMessageDecoder {
    private static final Logger LOG = Logger.getLogger(IceTcpConnection.class.getName());
    /** Before the first valid check only a binding request may arrive; Chromium's are about 100 bytes. */
    static final int MAX_UNCHECKED_FRAME = 1024;
    /** RTP, RTCP and DTLS records stay below the path MTU; nothing a browser sends over ICE-TCP comes near this. */
    static final int MAX_FRAME = 8192;

    private final IceTcpAcceptor acceptor;
    private final TransportRegistry registry;
    private final MediaMetrics metrics;
    private Channel channel;
    private InetSocketAddress remote;
    private WebRtcTransport transport;
    private long openedNanos;
    private long lastReadNanos;
    private ScheduledFuture<?> timer;
    private TcpCloseReason closedBecause;
    /** Written to since the last flush: the acceptor flushes it at the end of the inbound batch. */
    private boolean unflushed;

    IceTcpConnection(IceTcpAcceptor acceptor, TransportRegistry registry, MediaMetrics metrics) {
        this.acceptor = acceptor;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** The transport the first valid check bound this connection to, or null. */
    WebRtcTransport transport() {
        return transport;
    }

    boolean isOpen() {
        return closedBecause == null && channel != null && channel.isActive();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        remote = (InetSocketAddress) channel.remoteAddress();
        openedNanos = lastReadNanos = System.nanoTime();
        timer = ctx.executor().scheduleAtFixedRate(this::checkTimeouts, acceptor.tickMillis(), acceptor.tickMillis(),
                TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        if (transport == null) {
            if (now - openedNanos > acceptor.handshakeTimeoutNanos()) {
                close(TcpCloseReason.HANDSHAKE_TIMEOUT);
            }
        } else if (transport.state() == TransportState.CLOSED) {
            close(TcpCloseReason.TRANSPORT_CLOSED);
        } else if (now - lastReadNanos > acceptor.idleTimeoutNanos()) {
            close(TcpCloseReason.IDLE_TIMEOUT);
        }
    }

    /*
     * RFC 4571 §2:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * -----------------------------------------------------------------
     * |             LENGTH            |  RTP or RTCP packet ...       |
     * -----------------------------------------------------------------
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (closedBecause == null && in.readableBytes() >= 2) {
            int length = in.getUnsignedShort(in.readerIndex());
            if (length > (transport == null ? MAX_UNCHECKED_FRAME : MAX_FRAME)) {
                in.skipBytes(in.readableBytes());
                close(TcpCloseReason.FRAME_TOO_LARGE);
                return;
            }
            if (in.readableBytes() < 2 + length) {
                return; // the rest of the frame is on its way; the cumulation holds at most one frame
            }
            in.skipBytes(2);
            ByteBuf frame = ctx.alloc().buffer(Math.max(length, 1));
            in.readBytes(frame, length);
            onFrame(frame);
        }
        if (closedBecause != null) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** One framed packet; takes ownership. */
    private void onFrame(ByteBuf frame) {
        lastReadNanos = System.nanoTime();
        metrics.packetsIn.increment();
        metrics.bytesIn.increment(frame.readableBytes());
        try {
            if (PacketKind.isStun(frame)) {
                onStun(frame);
            } else if (transport == null) {
                metrics.drop(DropReason.UNKNOWN_ADDRESS);
                close(TcpCloseReason.NOT_STUN);
            } else if (transport.state() == TransportState.CLOSED) {
                metrics.drop(DropReason.NOT_CONNECTED);
                close(TcpCloseReason.TRANSPORT_CLOSED);
            } else {
                ByteBuf owned = frame;
                frame = null;
                transport.onPacket(owned);
            }
        } catch (RuntimeException e) {
            // one bad packet must never take the loop down
            LOG.log(Level.WARNING, "ICE-TCP frame from " + remote + " failed", e);
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    private void onStun(ByteBuf frame) {
        IceChecks.ValidCheck check = IceChecks.validate(frame, registry, metrics);
        if (check == null || (transport != null && check.transport() != transport)) {
            if (transport == null) {
                close(TcpCloseReason.CHECK_FAILED);
            } else if (check != null) {
                metrics.drop(DropReason.STUN_UNKNOWN_UFRAG); // a connection belongs to one transport for life
            }
            return;
        }
        if (!check.transport().loop().inEventLoop()) { // a transport of another media loop: not on this port
            metrics.drop(DropReason.WRONG_MEDIA_PORT);
            if (transport == null) {
                close(TcpCloseReason.CHECK_FAILED);
            }
            return;
        }
        DropReason refused = check.transport().checkRefusal(remote, check.request().transactionId(), null);
        if (refused != null) {
            metrics.drop(refused); // a replayed check: unanswered, as over UDP
            return;
        }
        transport = check.transport();
        ByteBuf response = check.response(channel.alloc(), remote);
        int length = response.readableBytes();
        if (send(response)) {
            metrics.packetsOut.increment();
            metrics.bytesOut.increment(length);
            flush();
        }
        transport.onIceCheck(remote, this, check.request().useCandidate(), check.ufrag());
    }

    /**
     * Queues one packet with its length prefix; takes ownership. Returns false (released, counted) when the
     * connection is closed or its outbound buffer is over the high-water mark. Packets sent are counted by the
     * caller (the transport), as for UDP.
     */
    boolean send(ByteBuf packet) {
        if (!isOpen()) {
            packet.release();
            metrics.drop(DropReason.PATH_CLOSED);
            return false;
        }
        if (!channel.isWritable()) {
            packet.release();
            metrics.drop(DropReason.TCP_SEND_BUFFER_FULL);
            return false;
        }
        int length = packet.readableBytes();
        ByteBuf prefix = channel.alloc().buffer(2).writeShort(length);
        channel.write(prefix, channel.voidPromise());
        channel.write(packet, channel.voidPromise());
        if (!unflushed) {
            unflushed = true;
            acceptor.unflushed(this);
        }
        return true;
    }

    void flush() {
        unflushed = false;
        if (channel != null) {
            channel.flush();
        }
    }

    /** The end of a read batch: what this read made the media loop send, on any connection or UDP, goes out. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        acceptor.flushBatch(true);
    }

    /** Closes once, counting the first reason. */
    void close(TcpCloseReason reason) {
        if (closedBecause != null) {
            return;
        }
        closedBecause = reason;
        metrics.tcpClosed(reason);
        LOG.fine(() -> "ICE-TCP connection from " + remote + " closed: " + reason.label());
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        close(TcpCloseReason.PEER_CLOSED);
        if (timer != null) {
            timer.cancel(false);
        }
        acceptor.release(remote);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "ICE-TCP connection from " + remote + ": " + cause);
        close(cause instanceof IOException ? TcpCloseReason.PEER_CLOSED : TcpCloseReason.ERROR);
    }

    @Override
    public String toString() {
        return "ICE-TCP connection from " + remote;
    }
}

package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;

/**
 * The SDP-less transport: one UDP socket talking to a fixed address, with no ICE and no DTLS. RTP goes out as it
 * is, or protected with SRTP keys both ends agreed beforehand ({@code keys}, e.g. the load harness's AES-GCM
 * baseline, whose keys ride in its join datagram). Datagrams that are neither RTP nor RTCP (RFC 7983: first
 * byte outside 128..191) go to the {@link ControlHandler}: the relay's own little protocol. Lives on one event
 * loop like a {@link PeerConnection}; methods may be called from any thread.
 */
public final class UdpRtpTransport implements RtpTransport, AutoCloseable {
    /** Non-RTP datagrams from the remote (on the loop; the buffer is released after the call). */
    public interface ControlHandler {
        void onControl(UdpRtpTransport transport, ByteBuf datagram);
    }

    private final EventLoop loop;
    private final InetSocketAddress remote;
    private final SrtpSession srtp;
    private final boolean sendRtcp;
    private final Handler handler;
    private final ControlHandler control;
    private final AtomicLong datagramsSent = new AtomicLong();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong srtpFailures = new AtomicLong();
    private final ClientSockets.Loss loss = new ClientSockets.Loss();
    private volatile Channel channel;

    private UdpRtpTransport(EventLoop loop, InetSocketAddress remote, SrtpKeys keys, boolean sendRtcp, Handler handler,
                            ControlHandler control) {
        this.loop = loop;
        this.remote = remote;
        this.srtp = keys == null ? null : new SrtpSession(keys);
        this.sendRtcp = sendRtcp;
        this.handler = handler;
        this.control = control;
    }

    /**
     * Binds a UDP socket on {@code bind} (ephemeral port) on {@code loop}; completes once bound.
     *
     * @param keys SRTP keys as this end sees them (local = what we send with), or null for plain RTP
     * @param sendRtcp false drops outgoing RTCP (a relay that forwards every RTP-range datagram would fan it out)
     */
    public static CompletableFuture<UdpRtpTransport> open(PeerRuntime runtime, EventLoop loop, InetAddress bind,
                                                          InetSocketAddress remote, SrtpKeys keys, boolean sendRtcp,
                                                          Handler handler, ControlHandler control) {
        UdpRtpTransport t = new UdpRtpTransport(loop, remote, keys, sendRtcp, handler, control);
        return ClientSockets.bind(runtime, loop, bind, t.new Inbound()).thenApply(ch -> {
            t.channel = ch;
            return t;
        });
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /** Fault injection as {@link PeerConnection#setLossPercent}: RTP dropped at random on send and on receive. */
    public void setLossPercent(double percent) {
        loss.setPercent(percent);
    }

    @Override
    public boolean sendRtp(ByteBuf packet) {
        if (loss.drop()) {
            packet.release();
            return true;
        }
        return send(packet, false);
    }

    @Override
    public boolean sendRtcp(ByteBuf packet) {
        if (!sendRtcp) {
            packet.release();
            return false;
        }
        return send(packet, true);
    }

    private boolean send(ByteBuf packet, boolean rtcp) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> send(packet, rtcp));
            return true;
        }
        if (srtp != null && (rtcp ? srtp.protectRtcp(packet) : srtp.protectRtp(packet)) != SrtpStatus.OK) {
            packet.release();
            return false;
        }
        return write(packet);
    }

    /** Sends bytes as they are (the relay's control messages). */
    public void sendControl(byte[] datagram) {
        loop.execute(() -> write(Unpooled.wrappedBuffer(datagram.clone())));
    }

    private boolean write(ByteBuf buf) {
        Channel ch = channel;
        if (ch == null || !ch.isActive() || !ch.isWritable()) {
            buf.release();
            return false;
        }
        datagramsSent.incrementAndGet();
        ch.writeAndFlush(new DatagramPacket(buf, remote), ch.voidPromise());
        return true;
    }

    public long datagramsSent() {
        return datagramsSent.get();
    }

    public long datagramsReceived() {
        return datagramsReceived.get();
    }

    /** Packets whose SRTP authentication failed (0 without keys). */
    public long srtpFailures() {
        return srtpFailures.get();
    }

    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket dp)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                if (remote.equals(dp.sender())) {
                    onDatagram(dp.content());
                }
            } finally {
                dp.release();
            }
        }
    }

    private void onDatagram(ByteBuf b) {
        datagramsReceived.incrementAndGet();
        if (!PacketKind.isRtpOrRtcp(b)) {
            control.onControl(this, b);
            return;
        }
        boolean rtcp = PacketKind.isRtcp(b);
        if (!rtcp && loss.drop()) {
            return;
        }
        ByteBuf p = b;
        if (srtp != null) {
            // SRTP works in place on a heap copy, as PeerConnection does
            p = Unpooled.buffer(b.readableBytes());
            p.writeBytes(b, b.readerIndex(), b.readableBytes());
            if ((rtcp ? srtp.unprotectRtcp(p) : srtp.unprotectRtp(p)) != SrtpStatus.OK) {
                srtpFailures.incrementAndGet();
                p.release();
                return;
            }
        }
        try {
            if (rtcp) {
                handler.onRtcp(this, p);
            } else {
                handler.onRtp(this, p);
            }
        } finally {
            if (p != b) {
                p.release();
            }
        }
    }

    /** Closes the socket; idempotent, any thread. */
    @Override
    public void close() {
        loop.execute(() -> {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
            if (srtp != null) {
                srtp.close();
            }
        });
    }
}

package org.javameet.sfu.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.transport.IceCredentials;
import org.javameet.sfu.transport.IceTcpAcceptor;
import org.javameet.sfu.transport.MediaPacketHandler;
import org.javameet.sfu.transport.PacketSender;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.LocalTransportParams;

/**
 * One media event loop with the ports it owns: its UDP port (one socket per announced address, or one wildcard
 * socket: see {@link MediaServer#start}) and (unless ICE-TCP is off) an ICE-TCP listener.
 * Every transport created here runs on this loop and announces only this loop's ports as its candidates, so
 * its packets arrive on this loop and nothing it touches needs a lock or a hand-off. A room's transports,
 * router and recorder all live on one loop ({@link MediaServer#assignLoop}): the loops share nothing per packet.
 */
public final class MediaLoop {
    private final MediaServer server;
    private final int index;
    private final EventLoop loop;
    private final MediaPacketHandler handler;
    private final IceTcpAcceptor tcpAcceptor;
    private final AtomicInteger rooms = new AtomicInteger();
    /** The loop's UDP sockets, all on one port; index = {@link MediaPacketHandler#SOCKET_INDEX}. */
    private List<Channel> udp = List.of();
    private Channel tcp;
    private List<InetSocketAddress> candidates = List.of();
    private List<InetSocketAddress> tcpCandidates = List.of();

    MediaLoop(MediaServer server, int index, EventLoop loop, MediaPacketHandler handler, IceTcpAcceptor tcpAcceptor) {
        this.server = server;
        this.index = index;
        this.loop = loop;
        this.handler = handler;
        this.tcpAcceptor = tcpAcceptor;
    }

    void bound(List<Channel> udp, Channel tcp, List<InetSocketAddress> candidates,
               List<InetSocketAddress> tcpCandidates) {
        this.udp = List.copyOf(udp);
        this.tcp = tcp;
        this.candidates = List.copyOf(candidates);
        this.tcpCandidates = List.copyOf(tcpCandidates);
        tcpAcceptor.udpFlush(this::flushUdp);
        if (this.udp.size() > 1) {
            handler.udpFlush(this::flushUdp);
        }
    }

    private void flushUdp() {
        for (Channel c : udp) {
            c.flush();
        }
    }

    /** 0 for the first loop (the one a single-loop server has). */
    public int index() { return index; }
    public EventLoop loop() { return loop; }
    public ByteBufAllocator alloc() { return server.alloc(); }
    public MediaMetrics metrics() { return server.metrics(); }
    public List<InetSocketAddress> candidates() { return candidates; }
    public List<InetSocketAddress> tcpCandidates() { return tcpCandidates; }
    public IceTcpAcceptor tcpAcceptor() { return tcpAcceptor; }
    MediaPacketHandler handler() { return handler; }
    List<Channel> udpChannels() { return udp; }
    Channel tcpChannel() { return tcp; }

    /** The first UDP socket's bound address (the port is every socket's). */
    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.get(0).localAddress();
    }

    /** The addresses the UDP sockets are bound to: one per announced address, or the wildcard. */
    public List<InetSocketAddress> udpAddresses() {
        return udp.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** Rooms placed on this loop and not yet closed. */
    public int rooms() { return rooms.get(); }

    void roomOpened() { rooms.incrementAndGet(); }

    /** A room placed here with {@link MediaServer#assignLoop} closed; idempotence is the caller's. */
    public void roomClosed() { rooms.decrementAndGet(); }

    /** A new transport on this loop, with fresh ICE credentials ({@link IceCredentials#random()}) and this loop's candidates. */
    public WebRtcTransport createTransport(String name) {
        while (true) {
            IceCredentials ice = IceCredentials.random();
            LocalTransportParams local = new LocalTransportParams(ice.ufrag(), ice.pwd(),
                    server.certificate().fingerprintAlgorithm(), server.certificate().fingerprintHex(), candidates,
                    tcpCandidates);
            WebRtcTransport t = server.newTransport(name, local, loop, sender);
            try {
                server.registry().register(t);
                return t;
            } catch (IllegalStateException collision) {
                // 48 random bits collided; try again
            }
        }
    }

    private final PacketSender sender = new PacketSender() {
        @Override
        public boolean send(ByteBuf data, InetSocketAddress to) {
            return send(data, to, 0);
        }

        @Override
        public boolean send(ByteBuf data, InetSocketAddress to, int socket) {
            Channel c = socket < udp.size() ? udp.get(socket) : udp.get(0);
            if (!c.isWritable()) {
                data.release();
                return false;
            }
            c.write(new DatagramPacket(sendable(data, server.alloc()), to), c.voidPromise());
            return true;
        }

        @Override
        public void flush() {
            if (!handler.inBatch()) { // inside a read batch, its end flushes once for all
                flushUdp();
            }
        }
    };

    /**
     * The packet in memory the socket can send from. Forwarded media is built direct and passes through; RTCP,
     * retransmissions, padding and STUN are built on the heap (SRTP runs in place on their arrays). Left as they
     * are, the epoll channel would copy each heap packet into a direct buffer of its own allocator through
     * two NIO views and a second {@code DatagramPacket}: ~100 B of garbage per packet sent, most of what a media
     * thread allocated in a harness run (issue 13, JFR). The same copy into our pooled direct buffer allocates nothing.
     * Takes over {@code data}: returns it, or releases it and returns the copy.
     */
    static ByteBuf sendable(ByteBuf data, ByteBufAllocator alloc) {
        if (data.hasMemoryAddress() || data.isDirect()) {
            return data;
        }
        ByteBuf direct = alloc.directBuffer(data.readableBytes());
        try {
            direct.writeBytes(data, data.readerIndex(), data.readableBytes());
        } catch (RuntimeException e) {
            direct.release();
            throw e;
        } finally {
            data.release();
        }
        return direct;
    }

    @Override
    public String toString() {
        return "media loop " + index + (udp.isEmpty() ? "" : " (udp " + udpAddress().getPort() + ")");
    }
}

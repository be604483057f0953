package org.javameet.sfu.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.transport.ConnectionType;
import org.javameet.sfu.transport.DtlsAdmission;
import org.javameet.sfu.transport.IceCredentials;
import org.javameet.sfu.transport.IceTcpAcceptor;
import org.javameet.sfu.transport.MediaPacketHandler;
import org.javameet.sfu.transport.PacketSender;
import org.javameet.sfu.transport.TransportRegistry;
import org.javameet.sfu.transport.TransportState;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.LocalTransportParams;

/**
 * The single UDP media port shared by every participant (ICE-lite, RFC 7983 demux). One event loop owns
 * the socket and every transport's state, so the forwarding path takes no locks.
 */
public final class MediaServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MediaServer.class.getName());

    /**
     * @param bindAddress null binds every interface
     * @param announcedAddresses what goes into ICE candidates; empty = this machine's addresses
     * @param tcpPort the ICE-TCP port: {@link #TCP_SAME_AS_UDP}, {@link #TCP_DISABLED} or a port number
     * @param tcpLimits caps and timeouts of ICE-TCP connections
     */
    public record Options(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                          int maxDtlsHandshakes, int maxDtlsHandshakesPerAddress, int tcpPort,
                          IceTcpAcceptor.Limits tcpLimits) {
        public static final int DEFAULT_MAX_DTLS_HANDSHAKES = 32;
        public static final int DEFAULT_MAX_DTLS_HANDSHAKES_PER_ADDRESS = 8;
        /** ICE-TCP on the same port number as UDP (with port 0: the number the UDP socket got, if free). */
        public static final int TCP_SAME_AS_UDP = -1;
        public static final int TCP_DISABLED = 0;

        public Options {
            if (tcpPort < TCP_SAME_AS_UDP || tcpPort > 65535) {
                throw new IllegalArgumentException("tcpPort must be -1 (same as UDP), 0 (off) or a port, got " + tcpPort);
            }
        }

        public Options(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                       int maxDtlsHandshakes, int maxDtlsHandshakesPerAddress) {
            this(bindAddress, port, announcedAddresses, maxDtlsHandshakes, maxDtlsHandshakesPerAddress,
                    TCP_SAME_AS_UDP, IceTcpAcceptor.Limits.defaults());
        }

        public Options(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses) {
            this(bindAddress, port, announcedAddresses, DEFAULT_MAX_DTLS_HANDSHAKES,
                    DEFAULT_MAX_DTLS_HANDSHAKES_PER_ADDRESS);
        }

        /** ICE-TCP on {@code tcpPort} with these connection caps and the default timeouts. */
        public Options withTcp(int tcpPort, int maxConnections, int maxConnectionsPerAddress) {
            return withTcp(tcpPort, IceTcpAcceptor.Limits.of(maxConnections, maxConnectionsPerAddress));
        }

        public Options withTcp(int tcpPort, IceTcpAcceptor.Limits tcpLimits) {
            return new Options(bindAddress, port, announcedAddresses, maxDtlsHandshakes, maxDtlsHandshakesPerAddress,
                    tcpPort, tcpLimits);
        }
    }

    /** The largest datagram read in full (WebRTC keeps packets under ~1,200 bytes; a larger one is cut and fails SRTP). */
    static final int MAX_DATAGRAM = 2048;
    /** Datagrams one recvmmsg call may return. */
    static final int RECV_BATCH = 16;
    /**
     * Datagrams read before the batch ends and its forwarding is flushed: larger batches mean fewer, larger
     * sendmmsg calls, but the first packet of a batch waits for the whole batch's fan-out (~2 µs per copy).
     */
    static final int MAX_READS_PER_BATCH = 32;

    private final Options options;
    private MediaPacketHandler handler;
    private final MediaMetrics metrics;
    private final DtlsCertificate certificate;
    private final TransportRegistry registry = new TransportRegistry();
    private final EventLoopGroup group;
    private final ThreadPoolExecutor dtlsExecutor;
    private final DtlsAdmission dtlsAdmission;
    private final boolean epoll;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final IceTcpAcceptor tcpAcceptor;
    private Channel channel;
    private Channel tcpChannel;
    private List<InetSocketAddress> candidates = List.of();
    private List<InetSocketAddress> tcpCandidates = List.of();

    public MediaServer(Options options, MediaMetrics metrics, DtlsCertificate certificate) {
        this.options = options;
        this.metrics = metrics;
        this.certificate = certificate;
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("media", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.dtlsAdmission = new DtlsAdmission(options.maxDtlsHandshakes(), options.maxDtlsHandshakesPerAddress());
        // One blocking handshake per thread, at most maxDtlsHandshakes at once (DtlsAdmission). The queue only
        // holds a handshake whose slot was freed a moment before its thread returned, and short post-handshake
        // reads; idle threads go after 30 s.
        this.dtlsExecutor = new ThreadPoolExecutor(options.maxDtlsHandshakes(), options.maxDtlsHandshakes(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new DefaultThreadFactory("dtls", true));
        this.dtlsExecutor.allowCoreThreadTimeOut(true);
        this.tcpAcceptor = new IceTcpAcceptor(registry, metrics, options.tcpLimits());
        metrics.gauge("javameet.media.tcp.connections.open", "ICE-TCP connections open on the media TCP port",
                tcpAcceptor::openConnections);
        for (ConnectionType type : ConnectionType.values()) {
            metrics.gauge("javameet.media.transports", "Transports (peer connections) by how their selected ICE path "
                    + "reaches the participant", () -> countTransports(type), "type", type.label());
        }
    }

    private int countTransports(ConnectionType type) {
        int n = 0;
        for (WebRtcTransport t : registry.all()) {
            if (t.connectionType() == type && t.state() != TransportState.CLOSED) {
                n++;
            }
        }
        return n;
    }

    /** Binds the port; returns the bound address (port 0 in options picks a free one, for tests). */
    public InetSocketAddress start() throws InterruptedException {
        handler = new MediaPacketHandler(registry, metrics, tcpAcceptor);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(2 * 1024 * 1024, 8 * 1024 * 1024))
                .handler(handler);
        if (epoll) {
            // recvmmsg: a read takes up to RECV_BATCH datagrams in one system call, each in its MAX_DATAGRAM slot of
            // one buffer; a read batch (then one flush) is at most MAX_READS_PER_BATCH datagrams
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_BATCH * MAX_DATAGRAM)
                            .maxMessagesPerRead(MAX_READS_PER_BATCH));
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM)
                    .maxMessagesPerRead(MAX_READS_PER_BATCH));
        }
        InetSocketAddress bind = options.bindAddress() == null
                ? new InetSocketAddress(options.port()) : new InetSocketAddress(options.bindAddress(), options.port());
        try {
            channel = b.bind(bind).sync().channel();
            Channel udp = channel;
            tcpAcceptor.udpFlush(udp::flush);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on udp " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + " (media port): " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        List<InetAddress> announced = options.announcedAddresses().isEmpty()
                ? defaultAddresses() : options.announcedAddresses();
        List<InetSocketAddress> c = new ArrayList<>();
        for (InetAddress a : announced) {
            c.add(new InetSocketAddress(a, bound.getPort()));
        }
        candidates = List.copyOf(c);
        if (options.tcpPort() != Options.TCP_DISABLED) {
            InetSocketAddress tcpBound = startTcp(bind.getAddress(), bound.getPort());
            List<InetSocketAddress> t = new ArrayList<>();
            for (InetAddress a : announced) {
                t.add(new InetSocketAddress(a, tcpBound.getPort()));
            }
            tcpCandidates = List.copyOf(t);
        }
        group.next().scheduleAtFixedRate(this::expireTransports, 1, 1, TimeUnit.SECONDS);
        LOG.info("media listening on udp " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                + (tcpChannel == null ? ", ICE-TCP off" : " and tcp " + tcpAddress().getPort())
                + " (" + (epoll ? "epoll" : "nio") + ", ICE-lite candidates " + describe(candidates) + ")");
        return bound;
    }

    /**
     * The ICE-TCP listener, on the media loop (its connections reach transports without a hand-off). Same
     * number as UDP by default; when UDP took an ephemeral port (tests) and that number is taken for TCP,
     * any free port.
     */
    private InetSocketAddress startTcp(InetAddress bindAddress, int udpPort) throws InterruptedException {
        boolean same = options.tcpPort() == Options.TCP_SAME_AS_UDP;
        int port = same ? udpPort : options.tcpPort();
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // per connection: the most a slow peer's unsent packets hold; past it packets are dropped
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(tcpAcceptor);
        try {
            tcpChannel = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        } catch (Exception e) {
            if (same && options.port() == 0) {
                tcpChannel = b.bind(new InetSocketAddress(bindAddress, 0)).sync().channel();
            } else {
                throw new IllegalStateException("cannot listen on tcp " + bindAddress.getHostAddress() + ":" + port
                        + " (ICE-TCP media port; 0 turns it off): " + e.getMessage(), e);
            }
        }
        return (InetSocketAddress) tcpChannel.localAddress();
    }

    /** The ICE-TCP listener's address, or null when ICE-TCP is off. */
    public InetSocketAddress tcpAddress() {
        return tcpChannel == null ? null : (InetSocketAddress) tcpChannel.localAddress();
    }

    public IceTcpAcceptor tcpAcceptor() {
        return tcpAcceptor;
    }

    private static String describe(List<InetSocketAddress> cs) {
        List<String> out = new ArrayList<>();
        for (InetSocketAddress a : cs) {
            out.add(a.getAddress().getHostAddress() + ":" + a.getPort());
        }
        return String.join(", ", out);
    }

    /** Every up, non-loopback address of the machine (IPv4 first), then 127.0.0.1 for local use. */
    public static List<InetAddress> defaultAddresses() {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback() || ni.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()) {
                        continue;
                    }
                    (a instanceof Inet4Address ? v4 : v6).add(a);
                }
            }
        } catch (SocketException e) {
            LOG.warning("cannot list network interfaces: " + e.getMessage());
        }
        List<InetAddress> out = new ArrayList<>(v4);
        out.addAll(v6);
        out.add(InetAddress.getLoopbackAddress());
        return out;
    }

    public EventLoop loop() {
        return channel.eventLoop();
    }

    public List<InetSocketAddress> candidates() {
        return candidates;
    }

    public TransportRegistry registry() {
        return registry;
    }

    /** Where media buffers are allocated. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    public MediaMetrics metrics() {
        return metrics;
    }

    /** A new transport with fresh ICE credentials ({@link IceCredentials#random()}). */
    public WebRtcTransport createTransport(String name) {
        while (true) {
            IceCredentials ice = IceCredentials.random();
            LocalTransportParams local = new LocalTransportParams(ice.ufrag(), ice.pwd(),
                    certificate.fingerprintAlgorithm(), certificate.fingerprintHex(), candidates, tcpCandidates);
            WebRtcTransport t = new WebRtcTransport(name, local, loop(), sender, registry, certificate, dtlsExecutor,
                    dtlsAdmission, metrics, alloc);
            try {
                registry.register(t);
                return t;
            } catch (IllegalStateException collision) {
                // 48 random bits collided; try again
            }
        }
    }

    private final PacketSender sender = new PacketSender() {
        @Override
        public boolean send(ByteBuf data, InetSocketAddress to) {
            if (!channel.isWritable()) {
                data.release();
                return false;
            }
            channel.write(new DatagramPacket(data, to), channel.voidPromise());
            return true;
        }

        @Override
        public void flush() {
            if (!handler.inBatch()) { // inside a read batch, its end flushes once for all
                channel.flush();
            }
        }
    };

    private void expireTransports() {
        long now = System.nanoTime();
        for (WebRtcTransport t : registry.all()) {
            if (t.consentExpiredNow(now)) {
                metrics.consentExpired.increment();
                t.close("ICE consent expired (no valid STUN check for 30 s)");
            }
        }
    }

    @Override
    public void close() {
        for (WebRtcTransport t : registry.all()) {
            t.close("server shutting down");
        }
        if (tcpChannel != null) {
            tcpChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        dtlsExecutor.shutdownNow();
    }
}

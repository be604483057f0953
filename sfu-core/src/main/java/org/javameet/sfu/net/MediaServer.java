package org.javameet.sfu.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.transport.ConnectionType;
import org.javameet.sfu.transport.DtlsAdmission;

import org.javameet.sfu.transport.IceTcpAcceptor;
import org.javameet.sfu.transport.MediaPacketHandler;
import org.javameet.sfu.transport.PacketSender;
import org.javameet.sfu.transport.TransportRegistry;
import org.javameet.sfu.transport.TransportState;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.LocalTransportParams;

/**
 * The media ports: one or more media event loops ({@link MediaLoop}), each with its own UDP port (ICE-lite,
 * RFC 7983 demux) and ICE-TCP port, and the transport registry they share. A room runs on one loop
 * ({@link #assignLoop}), so the forwarding path takes no locks; several loops let rooms use several cores.
 * Loop {@code i} listens on {@code port + i} (and the ICE-TCP port {@code + i}).
 */
public final class MediaServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MediaServer.class.getName());
    /** More loops than this is a configuration mistake, not a bigger server. */
    public static final int MAX_LOOPS = 64;

    /**
     * @param bindAddress null binds every interface
     * @param announcedAddresses what goes into ICE candidates; empty = this machine's addresses
     * @param tcpPort the ICE-TCP port: {@link #TCP_SAME_AS_UDP}, {@link #TCP_DISABLED} or a port number
     * @param tcpLimits caps and timeouts of ICE-TCP connections
     * @param loops media event loops, each with its own ports ({@code port}, {@code port + 1}, ...)
     */
    public record Options(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                          int maxDtlsHandshakes, int maxDtlsHandshakesPerAddress, int tcpPort,
                          IceTcpAcceptor.Limits tcpLimits, int loops) {
        public static final int DEFAULT_MAX_DTLS_HANDSHAKES = 32;
        public static final int DEFAULT_MAX_DTLS_HANDSHAKES_PER_ADDRESS = 8;
        /** ICE-TCP on the same port number as UDP (with port 0: the number the UDP socket got, if free). */
        public static final int TCP_SAME_AS_UDP = -1;
        public static final int TCP_DISABLED = 0;

        public Options {
            if (tcpPort < TCP_SAME_AS_UDP || tcpPort > 65535) {
                throw new IllegalArgumentException("tcpPort must be -1 (same as UDP), 0 (off) or a port, got " + tcpPort);
            }
            if (loops < 1 || loops > MAX_LOOPS) {
                throw new IllegalArgumentException("media loops must be 1 to " + MAX_LOOPS + ", got " + loops);
            }
            if (port != 0 && port + loops - 1 > 65535 || tcpPort > 0 && tcpPort + loops - 1 > 65535) {
                throw new IllegalArgumentException(loops + " media loops need ports up to " + (Math.max(port, tcpPort)
                        + loops - 1) + ", past 65535");
            }
        }

        public Options(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                       int maxDtlsHandshakes, int maxDtlsHandshakesPerAddress, int tcpPort,
                       IceTcpAcceptor.Limits tcpLimits) {
            this(bindAddress, port, announcedAddresses, maxDtlsHandshakes, maxDtlsHandshakesPerAddress, tcpPort,
                    tcpLimits, 1);
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
                    tcpPort, tcpLimits, loops);
        }

        /** {@code loops} media event loops, on ports {@code port} to {@code port + loops - 1}. */
        public Options withLoops(int loops) {
            return new Options(bindAddress, port, announcedAddresses, maxDtlsHandshakes, maxDtlsHandshakesPerAddress,
                    tcpPort, tcpLimits, loops);
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
    private final MediaMetrics metrics;
    /** Generated beside the rest of start-up ({@link DtlsCertificate#generateInBackground}); see {@link #certificate()}. */
    private final CompletableFuture<DtlsCertificate> certificate;
    private final TransportRegistry registry = new TransportRegistry();
    private final EventLoopGroup group;
    private final ThreadPoolExecutor dtlsExecutor;
    private final DtlsAdmission dtlsAdmission;
    private final boolean epoll;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final List<MediaLoop> loops = new ArrayList<>();

    public MediaServer(Options options, MediaMetrics metrics, DtlsCertificate certificate) {
        this(options, metrics, CompletableFuture.completedFuture(certificate));
    }

    /**
     * With a certificate that may still be being generated: binding the ports does not need it, the first
     * transport (a publish answer's fingerprint, minutes or milliseconds later) waits for it.
     */
    public MediaServer(Options options, MediaMetrics metrics, CompletableFuture<DtlsCertificate> certificate) {
        this.options = options;
        this.metrics = metrics;
        this.certificate = certificate;
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(options.loops(), new DefaultThreadFactory("media", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.dtlsAdmission = new DtlsAdmission(options.maxDtlsHandshakes(), options.maxDtlsHandshakesPerAddress());
        // One blocking handshake per thread, at most maxDtlsHandshakes at once (DtlsAdmission). The queue only
        // holds a handshake whose slot was freed a moment before its thread returned, and short post-handshake
        // reads; idle threads go after 30 s.
        this.dtlsExecutor = new ThreadPoolExecutor(options.maxDtlsHandshakes(), options.maxDtlsHandshakes(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new DefaultThreadFactory("dtls", true));
        this.dtlsExecutor.allowCoreThreadTimeOut(true);
        // every loop's ICE-TCP listener counts against the same caps
        IceTcpAcceptor.Counts tcpCounts = new IceTcpAcceptor.Counts();
        int index = 0;
        for (io.netty.util.concurrent.EventExecutor e : group) {
            IceTcpAcceptor acceptor = new IceTcpAcceptor(registry, metrics, options.tcpLimits(), tcpCounts);
            loops.add(new MediaLoop(this, index++, (EventLoop) e, new MediaPacketHandler(registry, metrics, acceptor),
                    acceptor));
        }
        metrics.gauge("javameet.media.tcp.connections.open", "ICE-TCP connections open on the media TCP ports",
                tcpCounts::open);
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

    /**
     * Binds every loop's ports; returns the first loop's UDP address (port 0 in options picks free ones, for tests).
     */
    public InetSocketAddress start() throws InterruptedException {
        InetAddress bindAddress = options.bindAddress();
        List<InetAddress> announced = options.announcedAddresses().isEmpty()
                ? defaultAddresses() : options.announcedAddresses();
        List<String> ports = new ArrayList<>();
        for (MediaLoop l : loops) {
            int port = options.port() == 0 ? 0 : options.port() + l.index();
            List<Channel> udp = bindUdpSockets(l, bindAddress, announced, port);
            int udpPort = ((InetSocketAddress) udp.get(0).localAddress()).getPort();
            Channel tcp = null;
            List<InetSocketAddress> tcpCandidates = List.of();
            if (options.tcpPort() != Options.TCP_DISABLED) {
                tcp = startTcp(l, bindAddress == null ? new InetSocketAddress(0).getAddress() : bindAddress, udpPort);
                tcpCandidates = withPort(announced, ((InetSocketAddress) tcp.localAddress()).getPort());
            }
            l.bound(udp, tcp, withPort(announced, udpPort), tcpCandidates);
            l.loop().scheduleAtFixedRate(() -> expireTransports(l), 1, 1, TimeUnit.SECONDS);
            ports.add(udpPort + (tcp == null ? "" : "/tcp " + ((InetSocketAddress) tcp.localAddress()).getPort()));
        }
        InetSocketAddress bound = loops.get(0).udpAddress();
        LOG.info("media listening on " + describeUdp(loops.get(0)) + " udp "
                + String.join(", ", ports) + (options.tcpPort() == Options.TCP_DISABLED ? ", ICE-TCP off" : "")
                + " (" + loops.size() + " media loop" + (loops.size() == 1 ? "" : "s") + ", "
                + (epoll ? "epoll" : "nio") + ", ICE-lite candidates " + describe(loops.get(0).candidates())
                + (loops.size() == 1 ? "" : " and the same addresses on the other loops' ports") + ")");
        return bound;
    }

    /**
     * A loop's UDP sockets. Bound to the wildcard, a socket's replies leave from whatever source address the kernel
     * picks for the destination, and on a host with several addresses that is often not the address the browser
     * sent its check to: the browser drops the answer as from an unknown candidate, and falls back to ICE-TCP or
     * fails. Netty cannot choose a datagram's source per packet, so without a {@code bindAddress} each announced
     * address gets a socket of its own on the same port, and a transport answers and sends on the socket its checks
     * came in on. When an announced address is not on this host (a public address in front of a 1:1 NAT), one
     * wildcard socket as before: behind a NAT the source is rewritten anyway.
     */
    private List<Channel> bindUdpSockets(MediaLoop l, InetAddress bindAddress, List<InetAddress> announced, int port)
            throws InterruptedException {
        if (bindAddress != null) {
            return List.of(bindUdp(l, new InetSocketAddress(bindAddress, port), 0));
        }
        List<Channel> bound = new ArrayList<>();
        int p = port;
        try {
            for (InetAddress a : new java.util.LinkedHashSet<>(announced)) {
                Channel c = bindUdp(l, new InetSocketAddress(a, p), bound.size());
                p = ((InetSocketAddress) c.localAddress()).getPort();
                bound.add(c);
            }
            if (!bound.isEmpty()) {
                return bound;
            }
        } catch (IllegalStateException notHere) {
            for (Channel c : bound) {
                c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (l.index() == 0) {
                LOG.info("media: one wildcard UDP socket per loop: an announced address is not on this host (a "
                        + "public address in front of a NAT?): " + notHere.getMessage() + ". On a host with several "
                        + "addresses of its own, set localAddress if browsers fall back to ICE-TCP (docs/operations.md)");
            }
        }
        return List.of(bindUdp(l, new InetSocketAddress(port), 0));
    }

    private static String describeUdp(MediaLoop l) {
        List<InetSocketAddress> a = l.udpAddresses();
        if (a.size() == 1 && a.get(0).getAddress().isAnyLocalAddress()) {
            return "*";
        }
        return String.join(" ", a.stream().map(s -> s.getAddress().getHostAddress()).toList());
    }

    private Channel bindUdp(MediaLoop l, InetSocketAddress bind, int socketIndex) throws InterruptedException {
        Bootstrap b = new Bootstrap()
                .group(l.loop())
                .attr(MediaPacketHandler.SOCKET_INDEX, socketIndex)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                // the pooled allocator for the receive batches too (Netty 4.2's default is the adaptive one): a
                // datagram's own copy (MediaPacketHandler.ownCopy) from one pooled direct buffer into another is a
                // plain memory copy, where the adaptive buffer made two NIO views per received datagram
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(2 * 1024 * 1024, 8 * 1024 * 1024))
                .handler(l.handler());
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
        try {
            return b.bind(bind).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on udp " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + " (media port" + (l.index() == 0 ? "" : " of media loop " + l.index()) + "): "
                    + e.getMessage(), e);
        }
    }

    private static List<InetSocketAddress> withPort(List<InetAddress> addresses, int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /**
     * A loop's ICE-TCP listener, on that loop (its connections reach transports without a hand-off). Same
     * number as the loop's UDP port by default; when UDP took an ephemeral port (tests) and that number is taken
     * for TCP, any free port.
     */
    private Channel startTcp(MediaLoop l, InetAddress bindAddress, int udpPort) throws InterruptedException {
        boolean same = options.tcpPort() == Options.TCP_SAME_AS_UDP;
        int port = same ? udpPort : options.tcpPort() + l.index();
        ServerBootstrap b = new ServerBootstrap()
                .group(l.loop(), l.loop())
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // per connection: the most a slow peer's unsent packets hold; past it packets are dropped
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(l.tcpAcceptor());
        try {
            return b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        } catch (Exception e) {
            if (same && options.port() == 0) {
                return b.bind(new InetSocketAddress(bindAddress, 0)).sync().channel();
            }
            throw new IllegalStateException("cannot listen on tcp " + bindAddress.getHostAddress() + ":" + port
                    + " (ICE-TCP media port; 0 turns it off): " + e.getMessage(), e);
        }
    }

    /** The first loop's ICE-TCP listener's address, or null when ICE-TCP is off. */
    public InetSocketAddress tcpAddress() {
        Channel tcp = loops.get(0).tcpChannel();
        return tcp == null ? null : (InetSocketAddress) tcp.localAddress();
    }

    /** The first loop's ICE-TCP acceptor (its open-connection count is every loop's). */
    public IceTcpAcceptor tcpAcceptor() {
        return loops.get(0).tcpAcceptor();
    }

    /** Every media loop, in port order. */
    public List<MediaLoop> loops() {
        return List.copyOf(loops);
    }

    /**
     * The loop a new room runs on: the one with the fewest open rooms (the first of equals). The room tells it
     * {@link MediaLoop#roomClosed} when it closes. Rooms, not transports, are what is placed: a room's fan-out
     * then never crosses loops.
     */
    public synchronized MediaLoop assignLoop() {
        MediaLoop best = loops.get(0);
        for (MediaLoop l : loops) {
            if (l.rooms() < best.rooms()) {
                best = l;
            }
        }
        best.roomOpened();
        return best;
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

    /** The first media loop's event loop. */
    public EventLoop loop() {
        return loops.get(0).loop();
    }

    /** The first media loop's candidates. */
    public List<InetSocketAddress> candidates() {
        return loops.get(0).candidates();
    }

    /**
     * The DTLS certificate; waits for it if it is still being generated (only a transport made in the first few
     * hundred milliseconds after start does, on the signaling thread that makes it, never on a media loop).
     */
    DtlsCertificate certificate() {
        try {
            return certificate.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("no DTLS certificate: " + e.getCause().getMessage(), e.getCause());
        }
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

    /** A new transport on the first media loop ({@link MediaLoop#createTransport}). */
    public WebRtcTransport createTransport(String name) {
        return loops.get(0).createTransport(name);
    }

    WebRtcTransport newTransport(String name, LocalTransportParams local, EventLoop loop, PacketSender sender) {
        return new WebRtcTransport(name, local, loop, sender, registry, certificate(), dtlsExecutor, dtlsAdmission,
                metrics, alloc);
    }

    /** On loop {@code l}: closes its transports whose peers' consent lapsed. */
    private void expireTransports(MediaLoop l) {
        long now = System.nanoTime();
        for (WebRtcTransport t : registry.all()) {
            if (t.loop() == l.loop() && t.consentExpiredNow(now)) {
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
        for (MediaLoop l : loops) {
            if (l.tcpChannel() != null) {
                l.tcpChannel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            for (Channel udp : l.udpChannels()) {
                udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        dtlsExecutor.shutdownNow();
    }
}

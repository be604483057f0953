package org.javameet.signaling.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The server's HTTP + WebSocket listener (Netty): the web client's files, {@code /<room>}, {@code /ws},
 * {@code /metrics} and {@code /healthz}. See {@link HttpRequestRouter} for the routes.
 *
 * <p>Uses native epoll when available, NIO otherwise. {@link #start()} binds; {@link #close()} closes every
 * WebSocket with 1001, waits briefly for the clients' answers and stops the event loops.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HttpServer.class.getName());
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);

    static final String GATE = "gate";
    /** Requests waiting for the previous responses to drain before the connection is closed; browsers send one. */
    static final int MAX_PIPELINED = 16;
    /** Longest wait for any one shutdown step: a wedged event loop must not keep the process from exiting. */
    private static final long STEP_TIMEOUT_MILLIS = 2_000;

    private final HttpServerOptions opts;
    private final StaticFiles files;
    private final MetricsEndpoint metricsEndpoint;
    private final HttpMetrics metrics;
    private final WebSocketUpgrader upgrader;
    private final Set<WebSocketConnection> sessions = ConcurrentHashMap.newKeySet();
    private final ConnectionLimiter connections;
    private final ChannelGroup channels = new DefaultChannelGroup("javameet-http", GlobalEventExecutor.INSTANCE);

    private EventLoopGroup group;
    private Channel serverChannel;

    public HttpServer(HttpServerOptions opts, StaticFiles files, WebSocketEndpoint ws, MetricsEndpoint metrics) {
        this(opts, files, ws, metrics, HttpMetrics.unregistered());
    }

    /** @param httpMetrics this server's own meters, e.g. {@code new HttpMetrics(prometheusRegistry)} */
    public HttpServer(HttpServerOptions opts, StaticFiles files, WebSocketEndpoint ws, MetricsEndpoint metrics,
            HttpMetrics httpMetrics) {
        this.opts = Objects.requireNonNull(opts, "opts");
        this.files = Objects.requireNonNull(files, "files");
        this.metricsEndpoint = Objects.requireNonNull(metrics, "metrics");
        this.metrics = Objects.requireNonNull(httpMetrics, "httpMetrics");
        this.connections = new ConnectionLimiter(opts.maxConnections(), opts.maxConnectionsPerAddress());
        this.upgrader = new WebSocketUpgrader(opts, Objects.requireNonNull(ws, "ws"), httpMetrics, this::track);
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound address (with the real port when the options asked for port 0)
     * @throws IllegalStateException if the address cannot be bound (the cause says why) or it is already started
     */
    public synchronized InetSocketAddress start() {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        int threads = opts.ioThreads() > 0 ? opts.ioThreads() : Runtime.getRuntime().availableProcessors();
        group = new MultiThreadIoEventLoopGroup(threads, io);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress from = ch.remoteAddress().getAddress();
                        ConnectionLimiter.Result r = connections.tryOpen(from);
                        if (r != ConnectionLimiter.Result.ACCEPTED) {
                            boolean total = r == ConnectionLimiter.Result.TOTAL;
                            metrics.refused(total ? HttpMetrics.REFUSED_CONNECTIONS
                                    : HttpMetrics.REFUSED_CONNECTIONS_PER_ADDRESS);
                            REFUSED_LOG.info(() -> "refused HTTP connection from " + from.getHostAddress() + ": "
                                    + (total ? opts.maxConnections() + " connections open"
                                    : opts.maxConnectionsPerAddress() + " connections open from that address"));
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.closed(from));
                        channels.add(ch);
                        initPipeline(ch.pipeline());
                    }
                });
        var bound = b.bind(opts.bindAddress(), opts.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group = null;
            throw new IllegalStateException("cannot listen on " + opts.bindAddress() + ":" + opts.port()
                    + ": " + bound.cause(), bound.cause());
        }
        serverChannel = bound.channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("HTTP listening on http://" + hostPort(address) + " (WebSocket " + HttpServerOptions.WEBSOCKET_PATH
                + ", metrics /metrics, " + (epoll ? "epoll" : "nio") + "; web client from " + files + ")");
        return address;
    }

    void initPipeline(ChannelPipeline p) {
        RequestDeadline deadline = new RequestDeadline(opts.requestTimeout().toNanos(), metrics);
        p.addLast(RequestDeadline.START, deadline.start());
        p.addLast(WebSocketUpgrader.IDLE_HANDLER,
                new IdleStateHandler(0, 0, opts.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        p.addLast("http", new HttpServerCodec());
        p.addLast("headers", new SecurityHeadersHandler(metrics));
        p.addLast("aggregator", new HttpObjectAggregator(opts.maxRequestBytes()));
        p.addLast(RequestDeadline.DONE, deadline.done());
        p.addLast(GATE, new PipelineGate(MAX_PIPELINED, metrics));
        p.addLast("router", new HttpRequestRouter(files, metricsEndpoint, opts.metricsAccess(), metrics, upgrader));
    }

    /** Open TCP connections (HTTP and WebSocket). */
    public int openConnections() {
        return connections.open();
    }

    /** Number of WebSocket sessions currently open. */
    public int openSessions() {
        return metrics.openSessions();
    }

    private void track(WebSocketConnection connection) {
        sessions.add(connection);
        connection.closeFuture().addListener(f -> sessions.remove(connection));
    }

    /** Closes every WebSocket with 1001, then every connection, then the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        if (!serverChannel.close().awaitUninterruptibly(STEP_TIMEOUT_MILLIS)) {
            LOG.warning("HTTP listener did not close in " + STEP_TIMEOUT_MILLIS + " ms; stopping anyway");
        }
        for (WebSocketConnection s : sessions) {
            s.close(1001, "server shutting down");
        }
        long deadline = System.nanoTime() + Math.min(opts.closeTimeout().toNanos(), TimeUnit.SECONDS.toNanos(2));
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!channels.close().awaitUninterruptibly(STEP_TIMEOUT_MILLIS)) {
            LOG.warning("HTTP connections did not close in " + STEP_TIMEOUT_MILLIS + " ms; stopping anyway");
        }
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(2 * STEP_TIMEOUT_MILLIS)) {
            LOG.warning("HTTP event loops did not stop in " + 2 * STEP_TIMEOUT_MILLIS + " ms; exiting anyway");
        }
        group = null;
        LOG.info("HTTP server stopped");
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}

package org.javameet.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.session.MediaLimits;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.signaling.config.ConfigException;
import org.javameet.signaling.config.LimitsConfig;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.config.TurnConfig;
import org.javameet.signaling.http.HttpMetrics;
import org.javameet.signaling.http.HttpServer;
import org.javameet.signaling.http.HttpServerOptions;
import org.javameet.signaling.http.MetricsAccess;
import org.javameet.signaling.http.StaticFiles;
import org.javameet.signaling.recording.Recordings;
import org.javameet.signaling.room.AccessPolicy;
import org.javameet.signaling.room.Messages;
import org.javameet.signaling.room.RoomRegistry;
import org.javameet.signaling.room.SignalingConnection;
import org.javameet.signaling.room.SignalingLimits;
import org.javameet.signaling.room.SignalingMetrics;
import org.javameet.signaling.turn.IceServers;
import org.javameet.signaling.turn.TurnCredentials;

/** The whole server in one object: media socket, rooms, HTTP/WebSocket and metrics. Used by Main and by tests. */
public final class JavameetServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JavameetServer.class.getName());
    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final Path webRoot;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile MediaServer media;
    private volatile HttpServer http; // made and bound on a start-up thread
    private volatile RoomRegistry rooms;
    private InetSocketAddress httpAddress;
    private InetSocketAddress mediaAddress;

    /** @param webRoot serve the web client from this directory instead of the jar (development), or null */
    public JavameetServer(ServerConfig config, Path webRoot) {
        this.config = config;
        this.webRoot = webRoot;
    }

    /**
     * Time from the operating system starting this process (JVM start-up, class loading and {@code main} included)
     * to now, for the "ready" line: what an operator waits for after a restart (docs/performance.md, Start-up).
     */
    static String sinceProcessStart() {
        OptionalLong age = ProcessAge.millis();
        return age.isPresent() ? age.getAsLong() + " ms" : "unknown";
    }

    /**
     * Binds the media ports and the HTTP port, then logs "ready". The start is two halves on the two cores
     * (docs/performance.md, Start-up): this thread brings Netty up, makes the media server and the rooms and binds
     * the media ports; a start-up thread reads the web client's files from the jar (and hashes them), then makes
     * the HTTP server and binds its port once the rooms exist, so no request meets a half-made server. What only
     * the first participant needs (the welcome message, the DTLS certificate, jitsi-srtp's warm-up) is made after
     * "ready" ({@link #warmUp}); the first WebSocket, publish answer and DTLS handshake wait for it if need be.
     */
    public JavameetServer start() throws Exception {
        long t0 = System.nanoTime();
        AccessPolicy access = AccessPolicy.fromConfig(config, "(at start)"); // reads key files: fail before binding
        IceServers iceServers = iceServers(config); // reads the TURN secret, likewise
        String metricsToken = config.readMetricsBearerToken("(at start)");
        CompletableFuture<StaticFiles> files = onThread("start-web-files",
                () -> webRoot == null ? StaticFiles.classpath() : new StaticFiles(webRoot));
        // Made once the ports are bound (after "ready", below): the welcome (the first use of Jackson's ObjectMapper),
        // the DTLS certificate and jitsi-srtp's warm-up are ~2 s of CPU between them, which on two cores would
        // double the time to bind. The first WebSocket, publish answer and DTLS handshake wait for them.
        CompletableFuture<String> welcome = new CompletableFuture<>();
        CompletableFuture<DtlsCertificate> certificate = new CompletableFuture<>();
        LimitsConfig limits = config.limits();
        media = new MediaServer(new MediaServer.Options(address(config.localAddress()), config.mediaPort(),
                addresses(config.publicAddresses()), limits.maxDtlsHandshakes(), limits.maxDtlsHandshakesPerAddress())
                .withTcp(config.effectiveMediaTcpPort(), limits.maxTcpMediaConnections(),
                        limits.maxTcpMediaConnectionsPerAddress())
                .withLoops(config.mediaLoops()),
                new MediaMetrics(registry), certificate);
        RoomRegistry madeRooms = new RoomRegistry(new MediaRooms(media, new MediaLimits(limits.maxTracksPerParticipant(),
                limits.maxPublishSections(), limits.maxSubscribeSections()), RoomRegistry.videoForwarding(config.lastN()),
                config.maxPublisherBitrateKbps() * 1000L),
                access,
                new SignalingLimits(limits.maxMessagesPerSecond(), limits.maxChatMessagesPerSecond(),
                        limits.maxPasswordAttempts(), limits.maxRooms(), limits.maxRoomsPerAddress(),
                        limits.maxOccupants(), limits.maxLobbyWaiters(), limits.maxLobbyWaitersPerAddress(),
                        Duration.ofSeconds(limits.resumeGraceSeconds())), iceServers,
                new Recordings(config.recording(), registry));
        rooms = madeRooms;
        SignalingMetrics signalingMetrics = new SignalingMetrics(registry, madeRooms);
        HttpServerOptions httpOptions = HttpServerOptions.defaults().withBind(config.httpAddress(), config.httpPort())
                .withAllowedOrigins(config.allowedOrigins())
                .withMetricsAccess(metricsToken == null ? MetricsAccess.loopbackOnly()
                        : MetricsAccess.loopbackOrBearer(metricsToken))
                .withConnectionLimits(Duration.ofSeconds(limits.requestTimeoutSeconds()),
                        limits.maxConnections(), limits.maxConnectionsPerAddress());
        CompletableFuture<InetSocketAddress> httpBound = files.thenApplyAsync(f -> {
            http = new HttpServer(httpOptions, f,
                    session -> new SignalingConnection(session, madeRooms, welcome.join(), signalingMetrics),
                    registry::scrape, new HttpMetrics(registry));
            return http.start();
        }, JavameetServer::startThread);
        try {
            mediaAddress = media.start();
        } catch (Exception | Error e) {
            httpBound.exceptionally(f -> null).join(); // so that close() sees the HTTP server, bound or not
            throw e;
        }
        httpAddress = await(httpBound);
        LOG.info(String.format("javameet %s ready in %d ms (%s since the process started): open http://%s:%d/<room>",
                VERSION, (System.nanoTime() - t0) / 1_000_000, sinceProcessStart(), displayHost(httpAddress),
                httpAddress.getPort()));
        warmUp(welcome, certificate);
        return this;
    }

    /**
     * What the first participant needs and the ports did not, in the order a join needs it, on one thread: run side
     * by side they took both cores, and the first page request, loading its own classes on the HTTP loop, waited
     * twice as long (docs/performance.md, Start-up).
     */
    private void warmUp(CompletableFuture<String> welcome, CompletableFuture<DtlsCertificate> certificate) {
        startThread("start-warm-up", () -> {
            try {
                welcome.complete(welcomeText(config));
            } catch (Throwable e) {
                welcome.completeExceptionally(e);
            }
            // the first transport (its fingerprint goes into the first publish answer) waits for the certificate
            try {
                DtlsCertificate c = DtlsCertificate.generate();
                LOG.info("DTLS certificate " + c.fingerprintAlgorithm() + " " + c.fingerprintHex());
                certificate.complete(c);
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "cannot generate the DTLS certificate: no media can connect", e);
                certificate.completeExceptionally(e);
            }
            // jitsi-srtp builds a BouncyCastle provider and benchmarks its AES back-ends on first use (1–2 s); the
            // first DTLS handshake waits for it on its handshake thread, never on a media loop
            try {
                SrtpSession.warmUp();
                LOG.info("SRTP: " + SrtpSession.RtpTransform.describeBest());
            } catch (RuntimeException e) { // the first handshake tries again, and says why if it fails
                LOG.log(Level.WARNING, "SRTP warm-up failed", e);
            }
        });
    }

    /** The {@code welcome} every WebSocket gets first (docs/protocol.md): the server's version and the client config. */
    private static String welcomeText(ServerConfig config) {
        ObjectNode welcome = Messages.message("welcome");
        welcome.put("serverVersion", VERSION);
        welcome.set("config", config.client().toJson(Messages.JSON));
        welcome.set("interfaceConfig", config.interfaceConfig().toJson(Messages.JSON));
        return welcome.toString();
    }

    /** {@code work} on a daemon thread of its own, started now: a part of the start that can run beside the rest. */
    private static <T> CompletableFuture<T> onThread(String name, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        startThread(name, () -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static void startThread(Runnable task) {
        startThread("start-http", task);
    }

    private static void startThread(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    /** The future's value; its failure thrown as it was thrown, so the start's error names the real cause. */
    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** TURN URLs and credentials from the turn section; the secret is read here, once, and never logged. */
    private static IceServers iceServers(ServerConfig config) throws ConfigException {
        TurnConfig turn = config.turn();
        if (!turn.enabled()) {
            return IceServers.none();
        }
        IceServers servers = new IceServers(turn.urls(), new TurnCredentials(turn.loadSecret("(at start)")),
                turn.credentialTtlSeconds(), Clock.systemUTC());
        LOG.info("TURN for clients: " + turn.urls() + ", credentials valid " + turn.credentialTtlSeconds() + " s");
        return servers;
    }

    private static String displayHost(InetSocketAddress a) {
        return a.getAddress().isAnyLocalAddress() ? "localhost" : a.getAddress().getHostAddress();
    }

    private static InetAddress address(String literal) throws UnknownHostException {
        return literal == null || literal.isEmpty() ? null : InetAddress.getByName(literal);
    }

    private static List<InetAddress> addresses(List<String> literals) throws UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        for (String s : literals) {
            out.add(InetAddress.getByName(s));
        }
        return out;
    }

    public InetSocketAddress httpAddress() { return httpAddress; }
    public InetSocketAddress mediaAddress() { return mediaAddress; }
    public RoomRegistry rooms() { return rooms; }
    public MediaServer media() { return media; }
    public PrometheusMeterRegistry meterRegistry() { return registry; }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        if (rooms != null) {
            rooms.closeAll(); // before the media loop stops: releases every producer's packet cache
            // the recordings the rooms just stopped close their files (on the media loop, still running) and
            // finalize: manifest always, compose and script within Recordings.SHUTDOWN_BUDGET
            rooms.recordings().close();
        }
        if (media != null) {
            media.close();
        }
        LOG.info("javameet stopped");
    }
}

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
import java.util.concurrent.CompletableFuture;
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
    private MediaServer media;
    private HttpServer http;
    private RoomRegistry rooms;
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

    public JavameetServer start() throws Exception {
        long t0 = System.nanoTime();
        AccessPolicy access = AccessPolicy.fromConfig(config, "(at start)"); // reads key files: fail before binding
        IceServers iceServers = iceServers(config); // reads the TURN secret, likewise
        String metricsToken = config.readMetricsBearerToken("(at start)");
        // jitsi-srtp builds a BouncyCastle provider and benchmarks its AES back-ends on first use (1–2 s):
        // start that now beside the rest of start-up; the first DTLS handshake waits for it, never a media loop
        SrtpSession.warmUpInBackground();
        // likewise the certificate: binding and serving pages do not need it, the first publish answer waits for it
        CompletableFuture<DtlsCertificate> certificate = DtlsCertificate.generateInBackground();
        certificate.whenComplete((c, failure) -> {
            if (c != null) {
                LOG.info("DTLS certificate " + c.fingerprintAlgorithm() + " " + c.fingerprintHex());
            } else {
                LOG.log(Level.SEVERE, "cannot generate the DTLS certificate: no media can connect", failure);
            }
        });
        LimitsConfig limits = config.limits();
        media = new MediaServer(new MediaServer.Options(address(config.localAddress()), config.mediaPort(),
                addresses(config.publicAddresses()), limits.maxDtlsHandshakes(), limits.maxDtlsHandshakesPerAddress())
                .withTcp(config.effectiveMediaTcpPort(), limits.maxTcpMediaConnections(),
                        limits.maxTcpMediaConnectionsPerAddress())
                .withLoops(config.mediaLoops()),
                new MediaMetrics(registry), certificate);
        mediaAddress = media.start();
        rooms = new RoomRegistry(new MediaRooms(media, new MediaLimits(limits.maxTracksPerParticipant(),
                limits.maxPublishSections(), limits.maxSubscribeSections()), RoomRegistry.videoForwarding(config.lastN()),
                config.maxPublisherBitrateKbps() * 1000L),
                access,
                new SignalingLimits(limits.maxMessagesPerSecond(), limits.maxChatMessagesPerSecond(),
                        limits.maxPasswordAttempts(), limits.maxRooms(), limits.maxRoomsPerAddress(),
                        limits.maxOccupants(), limits.maxLobbyWaiters(), limits.maxLobbyWaitersPerAddress(),
                        Duration.ofSeconds(limits.resumeGraceSeconds())), iceServers,
                new Recordings(config.recording(), registry));
        SignalingMetrics signalingMetrics = new SignalingMetrics(registry, rooms);
        ObjectNode welcome = Messages.message("welcome");
        welcome.put("serverVersion", VERSION);
        welcome.set("config", config.client().toJson(Messages.JSON));
        welcome.set("interfaceConfig", config.interfaceConfig().toJson(Messages.JSON));
        StaticFiles files = webRoot == null ? StaticFiles.classpath() : new StaticFiles(webRoot);
        http = new HttpServer(HttpServerOptions.defaults().withBind(config.httpAddress(), config.httpPort())
                        .withAllowedOrigins(config.allowedOrigins())
                        .withMetricsAccess(metricsToken == null ? MetricsAccess.loopbackOnly()
                                : MetricsAccess.loopbackOrBearer(metricsToken))
                        .withConnectionLimits(Duration.ofSeconds(limits.requestTimeoutSeconds()),
                                limits.maxConnections(), limits.maxConnectionsPerAddress()), files,
                session -> new SignalingConnection(session, rooms, welcome, signalingMetrics),
                registry::scrape, new HttpMetrics(registry));
        httpAddress = http.start();
        LOG.info(String.format("javameet %s ready in %d ms (%s since the process started): open http://%s:%d/<room>",
                VERSION, (System.nanoTime() - t0) / 1_000_000, sinceProcessStart(), displayHost(httpAddress),
                httpAddress.getPort()));
        return this;
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

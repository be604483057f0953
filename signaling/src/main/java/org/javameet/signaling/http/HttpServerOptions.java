package org.javameet.signaling.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the HTTP + WebSocket listener. Start from {@link #defaults()} and change what you need with the
 * {@code with…} methods.
 *
 * @param bindAddress host name or IP literal to bind, e.g. {@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1}
 * @param port TCP port; 0 picks an ephemeral port (tests)
 * @param ioThreads event loop threads; 0 means one per available processor
 * @param maxRequestBytes largest HTTP request (headers excluded) before 413
 * @param maxWebSocketMessageBytes largest WebSocket message; larger ones get a {@code too-large} error and 1009
 * @param maxPendingOutboundBytes WebSocket bytes waiting for a slow client before the session is closed with 1008
 * @param pingInterval a WebSocket ping is sent this often
 * @param idleTimeout a WebSocket with no inbound traffic (pongs included) for this long is closed; an HTTP
 *     keep-alive connection with no traffic at all for this long is closed too
 * @param closeTimeout how long a server-initiated WebSocket close waits for its close frame to be written
 * @param allowedOrigins origins ({@code https://meet.example.com}) a browser's WebSocket may come from; empty
 *     means the served host only (the Origin's host equals the request's Host). Requests without Origin (not a
 *     browser) are not checked.
 * @param requestTimeout an HTTP request's headers and body must arrive within this from its first byte (slowloris)
 * @param maxConnections open TCP connections in total (HTTP and WebSocket); more are closed at once
 * @param maxConnectionsPerAddress open TCP connections from one non-loopback address (a local reverse proxy,
 *     the NixOS deployment, is not limited here: nginx's {@code limit_conn} does it per client)
 * @param metricsAccess who may read {@code /metrics}: loopback peers, and with a token whoever presents it
 */
public record HttpServerOptions(
        String bindAddress,
        int port,
        int ioThreads,
        int maxRequestBytes,
        int maxWebSocketMessageBytes,
        int maxPendingOutboundBytes,
        Duration pingInterval,
        Duration idleTimeout,
        Duration closeTimeout,
        List<String> allowedOrigins,
        Duration requestTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        MetricsAccess metricsAccess) {

    public static final String WEBSOCKET_PATH = "/ws";

    public HttpServerOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(metricsAccess, "metricsAccess");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("connection limits and the request timeout must be positive");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (ioThreads < 0 || maxRequestBytes <= 0 || maxWebSocketMessageBytes <= 0 || maxPendingOutboundBytes <= 0) {
            throw new IllegalArgumentException("sizes and thread counts must be positive");
        }
        if (pingInterval.isNegative() || pingInterval.isZero() || idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("need 0 < pingInterval < idleTimeout");
        }
    }

    public static HttpServerOptions defaults() {
        return new HttpServerOptions("0.0.0.0", 8080, 0, 64 * 1024, 256 * 1024, 4 * 1024 * 1024,
                Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(5), List.of(), Duration.ofSeconds(10),
                10_000, 100, MetricsAccess.loopbackOnly());
    }

    public HttpServerOptions withBind(String address, int port) {
        return new HttpServerOptions(address, port, ioThreads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, allowedOrigins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withIoThreads(int threads) {
        return new HttpServerOptions(bindAddress, port, threads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, allowedOrigins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withLimits(int requestBytes, int webSocketMessageBytes, int pendingOutboundBytes) {
        return new HttpServerOptions(bindAddress, port, ioThreads, requestBytes, webSocketMessageBytes,
                pendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, allowedOrigins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withAllowedOrigins(List<String> origins) {
        return new HttpServerOptions(bindAddress, port, ioThreads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, origins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withConnectionLimits(Duration request, int connections, int connectionsPerAddress) {
        return new HttpServerOptions(bindAddress, port, ioThreads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, allowedOrigins, request, connections,
                connectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withTimeouts(Duration ping, Duration idle) {
        return new HttpServerOptions(bindAddress, port, ioThreads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, ping, idle, closeTimeout, allowedOrigins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, metricsAccess);
    }

    public HttpServerOptions withMetricsAccess(MetricsAccess access) {
        return new HttpServerOptions(bindAddress, port, ioThreads, maxRequestBytes, maxWebSocketMessageBytes,
                maxPendingOutboundBytes, pingInterval, idleTimeout, closeTimeout, allowedOrigins, requestTimeout, maxConnections,
                maxConnectionsPerAddress, access);
    }
}

package org.javameet.signaling.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a {@code GET /ws} request into a {@link WebSocketSession}: performs the handshake, swaps the HTTP handlers
 * for the WebSocket ones and hands the session to the {@link WebSocketEndpoint}.
 */
final class WebSocketUpgrader {

    private static final Logger LOG = Logger.getLogger(WebSocketUpgrader.class.getName());
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    static final String IDLE_HANDLER = "idle";

    private final HttpServerOptions opts;
    private final WebSocketEndpoint endpoint;
    private final HttpMetrics metrics;
    private final WebSocketDecoderConfig decoderConfig;
    private final Consumer<WebSocketConnection> registry; // told of every opened session (the server's shutdown list)

    WebSocketUpgrader(HttpServerOptions opts, WebSocketEndpoint endpoint, HttpMetrics metrics,
            Consumer<WebSocketConnection> registry) {
        this.opts = opts;
        this.endpoint = endpoint;
        this.metrics = metrics;
        this.registry = registry;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                // Frames may be fragmented; the aggregator enforces the same limit on the whole message.
                .maxFramePayloadLength(opts.maxWebSocketMessageBytes())
                .allowExtensions(false) // no permessage-deflate: signaling messages are small
                // We answer violations ourselves so a too-large message first gets its "too-large" error frame.
                .closeOnProtocolViolation(false)
                .build();
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!HttpMethod.GET.equals(req.method())
                || !req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            FullHttpResponse res = HttpResponses.text(HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket only",
                    HttpResponses.isHead(req));
            res.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            HttpResponses.send(ctx, req, res);
            return;
        }
        String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin, host)) {
            metrics.refused(HttpMetrics.REFUSED_ORIGIN);
            REFUSED_LOG.info(() -> "refused WebSocket from " + ctx.channel().remoteAddress() + ": Origin " + origin
                    + " is not " + (opts.allowedOrigins().isEmpty() ? "this host (" + host + ")"
                    : "in allowedOrigins"));
            FullHttpResponse res = HttpResponses.text(HttpResponseStatus.FORBIDDEN, "origin not allowed", false);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpResponses.send(ctx, req, res);
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + host + HttpServerOptions.WEBSOCKET_PATH, null, decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(ctx.channel(), newId(),
                ClientAddress.of((InetSocketAddress) ctx.channel().remoteAddress(), req.headers()),
                queryParameters(req.uri()), opts, metrics);
        try {
            handshaker.handshake(ctx.channel(), req).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.log(Level.FINE, () -> "WebSocket " + connection.id() + " handshake failed: " + f.cause());
                    ctx.channel().close();
                }
            });
        } catch (RuntimeException e) { // a request Netty refuses, e.g. without Sec-WebSocket-Key
            LOG.log(Level.FINE, () -> "bad WebSocket upgrade from " + ctx.channel().remoteAddress() + ": " + e);
            FullHttpResponse res = HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "bad WebSocket upgrade", false);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpResponses.send(ctx, req, res);
            return;
        }
        // The handshake removed the HTTP aggregator and put the frame codec in front of the HTTP codec (which
        // goes once the 101 is written). Replace the HTTP-only handlers with the WebSocket ones.
        ChannelPipeline p = ctx.pipeline();
        WebSocketFrameHandler frames = new WebSocketFrameHandler(connection, endpoint, opts, metrics);
        if (p.get(IDLE_HANDLER) != null) {
            p.replace(IDLE_HANDLER, IDLE_HANDLER,
                    new IdleStateHandler(opts.pingInterval().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        }
        for (String httpOnly : new String[] {HttpServer.GATE, RequestDeadline.START, RequestDeadline.DONE}) {
            if (p.get(httpOnly) != null) {
                p.remove(httpOnly); // WebSocket sessions bound their own queue and have their own idle timeout
            }
        }
        p.replace(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(opts.maxWebSocketMessageBytes()));
        p.addLast("ws-session", frames);
        registry.accept(connection);
        frames.open(p.context(frames));
    }

    /**
     * Cross-site WebSocket hijacking protection: a browser always sends Origin, and a page of another site must
     * not drive a meeting with its visitor's cookies or network position. Without configured origins the Origin's
     * host must be the host the request was sent to (ports are not compared: a proxy may change them).
     */
    boolean originAllowed(String origin, String hostHeader) {
        if (!opts.allowedOrigins().isEmpty()) {
            for (String allowed : opts.allowedOrigins()) {
                if (allowed.equalsIgnoreCase(origin) || allowed.equals("*")) {
                    return true;
                }
            }
            return false;
        }
        String originHost;
        try {
            originHost = java.net.URI.create(origin).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return originHost != null && originHost.equalsIgnoreCase(hostOnly(hostHeader));
    }

    /** {@code example.com:8080} → {@code example.com}; {@code [::1]:8080} → {@code [::1]}. */
    private static String hostOnly(String hostHeader) {
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    private static Map<String, String> queryParameters(String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : new QueryStringDecoder(uri).parameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey(), e.getValue().get(0));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static String newId() {
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }
}

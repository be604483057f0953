package org.javameet.signaling.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers every HTTP request: {@code /ws} upgrades, {@code /healthz}, {@code /metrics}, the web client's files,
 * and {@code /<room>} with the client's index page. Only GET and HEAD are served; anything else is 405.
 */
final class HttpRequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = Logger.getLogger(HttpRequestRouter.class.getName());
    private static final String NO_CACHE = "no-cache";
    /** A year, the longest RFC 9111 suggests; immutable: not even a reload revalidates (RFC 8246). */
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final StaticFiles files;
    private final MetricsEndpoint metricsEndpoint;
    private final HttpMetrics metrics;
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);
    private final WebSocketUpgrader upgrader; // null: /ws is 404 (tests of the static routes)
    private final MetricsAccess metricsAccess;

    HttpRequestRouter(StaticFiles files, MetricsEndpoint metricsEndpoint, HttpMetrics metrics,
            WebSocketUpgrader upgrader) {
        this(files, metricsEndpoint, MetricsAccess.loopbackOnly(), metrics, upgrader);
    }

    HttpRequestRouter(StaticFiles files, MetricsEndpoint metricsEndpoint, MetricsAccess metricsAccess,
            HttpMetrics metrics, WebSocketUpgrader upgrader) {
        this.metricsAccess = metricsAccess;
        this.files = files;
        this.metricsEndpoint = metricsEndpoint;
        this.metrics = metrics;
        this.upgrader = upgrader;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            malformed(ctx, req.decoderResult().cause());
            return;
        }
        boolean head = HttpResponses.isHead(req);
        if (!head && !HttpMethod.GET.equals(req.method())) {
            FullHttpResponse res = HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", false);
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            HttpResponses.send(ctx, req, res);
            return;
        }
        Optional<List<String>> path = RequestPath.segments(req.uri());
        if (path.isEmpty()) {
            HttpResponses.send(ctx, req, HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "bad path", head));
            return;
        }
        List<String> segments = path.get();
        if (segments.size() == 1) {
            switch (segments.get(0)) {
                case "ws" -> {
                    if (upgrader != null) {
                        upgrader.upgrade(ctx, req);
                        return;
                    }
                }
                case "healthz" -> {
                    HttpResponses.send(ctx, req, noCache(HttpResponses.text(HttpResponseStatus.OK, "ok", head)));
                    return;
                }
                case "metrics" -> {
                    HttpResponses.send(ctx, req, metricsAccess.allows(ctx.channel().remoteAddress(), req.headers())
                            ? metricsPage(head) : metricsRefused(ctx, head));
                    return;
                }
                default -> { }
            }
        }
        HttpResponses.send(ctx, req, staticResponse(req, segments, head));
    }

    private FullHttpResponse staticResponse(FullHttpRequest req, List<String> segments, boolean head) {
        boolean immutable = false;
        boolean versioned = segments.size() > 2 && segments.get(0).equals(StaticFiles.VERSIONED);
        if (versioned) {
            // /v/<version>/<file>: immutable when it is this build's version; another version's page (open
            // across an upgrade) still gets the file, revalidated, so nothing wrong is cached under its name
            immutable = segments.get(1).equals(files.version());
            segments = segments.subList(2, segments.size());
        }
        Optional<StaticFiles.File> file = segments.isEmpty() ? files.index() : files.find(segments);
        if (file.isEmpty() && !versioned && segments.size() == 1 && RequestPath.isRoom(segments.get(0))) {
            file = files.index(); // /<room>: the client reads the room from location.pathname
        }
        if (file.isEmpty()) {
            return HttpResponses.notFoundPage(head);
        }
        StaticFiles.File f = file.get();
        FullHttpResponse res;
        if (etagMatches(req.headers().get(HttpHeaderNames.IF_NONE_MATCH), f.etag())) {
            res = HttpResponses.of(HttpResponseStatus.NOT_MODIFIED, f.contentType(), new byte[0], true);
            res.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            res.headers().remove(HttpHeaderNames.CONTENT_TYPE);
        } else {
            res = HttpResponses.of(HttpResponseStatus.OK, f.contentType(), f.bytes(), head);
        }
        res.headers().set(HttpHeaderNames.ETAG, f.etag());
        if (immutable) {
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE);
            return res;
        }
        // Unversioned paths (index.html, /images/… named from scripts, a --web-root directory): a cached copy
        // could outlive a server upgrade. Revalidation costs one 304.
        return noCache(res);
    }

    /** 401 with a bearer challenge when a token is configured (the scraper forgot it), else 403. */
    private FullHttpResponse metricsRefused(ChannelHandlerContext ctx, boolean head) {
        metrics.refused(HttpMetrics.REFUSED_METRICS);
        REFUSED_LOG.info(() -> "refused /metrics to " + ctx.channel().remoteAddress() + ": "
                + (metricsAccess.tokenConfigured() ? "no or wrong bearer token" : "not loopback"));
        if (!metricsAccess.tokenConfigured()) {
            return HttpResponses.text(HttpResponseStatus.FORBIDDEN, "metrics are served to loopback only", head);
        }
        FullHttpResponse res = HttpResponses.text(HttpResponseStatus.UNAUTHORIZED, "bearer token required", head);
        res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"javameet metrics\"");
        return res;
    }

    private FullHttpResponse metricsPage(boolean head) {
        String body;
        try {
            body = metricsEndpoint.scrape();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metrics scrape failed", e);
            return HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics unavailable", head);
        }
        return noCache(HttpResponses.of(HttpResponseStatus.OK, ContentTypes.PROMETHEUS,
                body.getBytes(StandardCharsets.UTF_8), head));
    }

    /** If-None-Match with the weak comparison RFC 9110 §13.1.2 asks for. */
    static boolean etagMatches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static FullHttpResponse noCache(FullHttpResponse res) {
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
        return res;
    }

    private void malformed(ChannelHandlerContext ctx, Throwable cause) {
        metrics.malformedRequest();
        LOG.log(Level.FINE, () -> "malformed HTTP request from " + ctx.channel().remoteAddress() + ": " + cause);
        FullHttpResponse res = HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "bad request", false);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpResponses.send(ctx, null, res);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // an idle keep-alive connection
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            metrics.malformedRequest();
            LOG.log(Level.FINE, () -> "bad HTTP input from " + ctx.channel().remoteAddress() + ": " + cause);
        } else if (cause instanceof IOException) {
            LOG.log(Level.FINE, () -> "HTTP connection " + ctx.channel().remoteAddress() + ": " + cause);
        } else {
            LOG.log(Level.WARNING, "HTTP connection " + ctx.channel().remoteAddress() + " failed", cause);
        }
        ctx.close();
    }
}

package org.javameet.signaling.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.regex.Pattern;

/**
 * Adds the security headers to every HTTP response that leaves the connection (including the 413 written by the
 * aggregator and the 101 of a WebSocket upgrade) and counts responses by status class.
 *
 * <p>It sits right after the HTTP codec. The CSP names {@code ws://host} and {@code wss://host} of the request's
 * Host header besides {@code 'self'}, because older Safari versions do not let {@code 'self'} match WebSocket
 * URLs.
 */
final class SecurityHeadersHandler extends ChannelDuplexHandler {

    static final String PERMISSIONS_POLICY = "camera=(self), microphone=(self), display-capture=(self)";

    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    private final HttpMetrics metrics;
    private String host; // of the request being answered; event loop only

    SecurityHeadersHandler(HttpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            String h = req.headers().get(HttpHeaderNames.HOST);
            host = h != null && SAFE_HOST.matcher(h).matches() ? h : null;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            addTo(res.headers(), host);
            metrics.response(res.status().code());
        }
        ctx.write(msg, promise);
    }

    static void addTo(HttpHeaders h, String host) {
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Permissions-Policy", PERMISSIONS_POLICY);
        h.set("Content-Security-Policy", contentSecurityPolicy(host));
    }

    static String contentSecurityPolicy(String host) {
        String connect = host == null ? "'self'" : "'self' ws://" + host + " wss://" + host;
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                + "media-src 'self' blob:; font-src 'self'; connect-src " + connect + "; "
                + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }
}

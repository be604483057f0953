package org.javameet.signaling.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Building and writing complete HTTP responses. */
final class HttpResponses {

    private HttpResponses() {}

    /** A response with {@code body}, or with only its Content-Length when {@code head} (a HEAD request). */
    static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] body, boolean head) {
        ByteBuf content = head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return res;
    }

    static FullHttpResponse text(HttpResponseStatus status, String text, boolean head) {
        return of(status, ContentTypes.TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), head);
    }

    static FullHttpResponse notFoundPage(boolean head) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                + "<body><h1>404 Not found</h1><p>There is nothing at this address. "
                + "<a href=\"/\">Start or join a meeting</a>.</p></body></html>\n";
        return of(HttpResponseStatus.NOT_FOUND, ContentTypes.HTML, html.getBytes(StandardCharsets.UTF_8), head);
    }

    static boolean isHead(HttpRequest req) {
        return HttpMethod.HEAD.equals(req.method());
    }

    /** Writes {@code res}, keeping the connection open only when the request allowed it. */
    static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req)
                && !res.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        if (keepAlive) {
            if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

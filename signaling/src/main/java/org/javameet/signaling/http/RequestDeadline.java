package org.javameet.signaling.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Slowloris protection: a request's headers and body must arrive within a deadline from its first byte (issue 15:
 * 1,000 connections dribbling header bytes all stayed open, since any byte reset the only timer, the idle one).
 * {@link #start()} goes first in the pipeline and arms the deadline on the first bytes of a request; {@link
 * #done()} goes after the aggregator and disarms it when the whole request is there. On expiry the connection is
 * closed and counted. The WebSocket upgrade removes both.
 */
final class RequestDeadline {
    static final String START = "deadline-start";
    static final String DONE = "deadline-done";

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class.getName());
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);

    private final long timeoutNanos;
    private final HttpMetrics metrics;
    private ScheduledFuture<?> timer; // event loop only

    RequestDeadline(long timeoutNanos, HttpMetrics metrics) {
        this.timeoutNanos = timeoutNanos;
        this.metrics = metrics;
    }

    ChannelInboundHandlerAdapter start() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (timer == null && msg instanceof ByteBuf b && b.isReadable()) {
                    timer = ctx.executor().schedule(() -> expired(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                disarm();
                ctx.fireChannelInactive();
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                disarm();
            }
        };
    }

    ChannelInboundHandlerAdapter done() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof FullHttpRequest) {
                    disarm(); // the next request's first bytes arm it again
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        metrics.refused(HttpMetrics.REFUSED_REQUEST_TIMEOUT);
        REFUSED_LOG.info(() -> "closing HTTP connection " + ctx.channel().remoteAddress() + ": request not complete "
                + "within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        ctx.channel().close();
    }
}

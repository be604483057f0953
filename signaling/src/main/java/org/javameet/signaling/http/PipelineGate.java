package org.javameet.signaling.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * Back-pressure for HTTP keep-alive connections: a client that pipelines requests without reading the responses
 * must not make the server buffer responses without bound (issue 15: 23.6 MB of pipelined GETs took RSS from
 * 175 to 942 MB and wedged an event loop). While the channel is not writable, reading stops and requests already
 * decoded wait here; more than {@code maxQueued} waiting requests close the connection (browsers never pipeline).
 *
 * <p>Sits between the aggregator and the router; the WebSocket upgrade removes it.
 */
final class PipelineGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(PipelineGate.class.getName());
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG);

    private final int maxQueued;
    private final HttpMetrics metrics;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean refused;

    PipelineGate(int maxQueued, HttpMetrics metrics) {
        this.maxQueued = maxQueued;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (refused) {
            req.release();
            return;
        }
        if (queued.isEmpty() && ctx.channel().isWritable()) {
            ctx.fireChannelRead(req);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        if (queued.size() >= maxQueued) {
            refused = true;
            req.release();
            releaseQueued();
            metrics.refused(HttpMetrics.REFUSED_PIPELINING);
            REFUSED_LOG.info(() -> "closing HTTP connection " + ctx.channel().remoteAddress()
                    + ": more than " + maxQueued + " pipelined requests with unread responses");
            ctx.close();
            return;
        }
        queued.add(req);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drain(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void drain(ChannelHandlerContext ctx) {
        while (!queued.isEmpty() && ctx.channel().isWritable() && !refused) {
            ctx.fireChannelRead(queued.poll());
        }
        if (!refused && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(queued.isEmpty() && ctx.channel().isWritable());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false); // a response filled the buffer: read no more until it drains
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseQueued() {
        FullHttpRequest r;
        while ((r = queued.poll()) != null) {
            ReferenceCountUtil.release(r);
        }
    }
}

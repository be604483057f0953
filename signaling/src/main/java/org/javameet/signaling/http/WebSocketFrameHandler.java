package org.javameet.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The inbound side of a session, last in the pipeline: delivers text messages to the application's handler,
 * answers pings, keeps the connection alive and reports the close exactly once.
 */
final class WebSocketFrameHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(WebSocketFrameHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocketConnection connection;
    private final WebSocketEndpoint endpoint;
    private final HttpMetrics metrics;
    private final int maxMessageBytes;
    private final long idleTimeoutNanos;

    // event loop only
    private WebSocketSession.Handler handler;
    private boolean closeReported;
    private long lastInboundNanos = System.nanoTime();

    WebSocketFrameHandler(WebSocketConnection connection, WebSocketEndpoint endpoint, HttpServerOptions opts,
            HttpMetrics metrics) {
        this.connection = connection;
        this.endpoint = endpoint;
        this.metrics = metrics;
        this.maxMessageBytes = opts.maxWebSocketMessageBytes();
        this.idleTimeoutNanos = opts.idleTimeout().toNanos();
    }

    /** Asks the endpoint for the handler; called on the event loop right after the handshake started. */
    void open(ChannelHandlerContext ctx) {
        metrics.sessionOpened();
        try {
            handler = endpoint.onOpen(connection);
            if (handler == null) {
                throw new NullPointerException("WebSocketEndpoint.onOpen returned null");
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            metrics.handlerError();
            LOG.log(Level.WARNING, "WebSocket " + connection.id() + ": onOpen failed", e);
            connection.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error");
        }
        if (!ctx.channel().isActive()) { // gone before this handler was added: no channelInactive will come
            reportClose();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastInboundNanos = System.nanoTime();
        try {
            if (msg instanceof TextWebSocketFrame text) {
                if (connection.isOpen() && handler != null) {
                    metrics.frameIn();
                    deliver(text.text());
                }
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                connection.onPeerClose(close.statusCode(), close.reasonText());
            } else if (msg instanceof BinaryWebSocketFrame) {
                connection.close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(), "text frames only");
            }
            // pongs only refresh lastInboundNanos
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void deliver(String text) {
        try {
            handler.onText(text);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            metrics.handlerError();
            String message = "internal server error (session " + connection.id() + ")";
            LOG.log(Level.WARNING, "WebSocket " + connection.id() + ": " + message, e);
            sendError("internal", message);
        }
    }

    private void sendError(String code, String message) {
        ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", code).put("message", message);
        connection.send(error.toString());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) { // nothing read for one ping interval
            if (System.nanoTime() - lastInboundNanos >= idleTimeoutNanos) {
                LOG.fine(() -> "WebSocket " + connection.id() + ": idle timeout");
                connection.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "idle timeout",
                        WebSocketConnection.CloseMode.AFTER_WRITE);
            } else if (connection.isOpen()) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException c
                && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            if (connection.isOpen()) {
                sendError("too-large", "messages are limited to " + maxMessageBytes + " bytes");
            }
            connection.close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too large",
                    WebSocketConnection.CloseMode.AFTER_WRITE);
        } else if (cause instanceof CorruptedWebSocketFrameException c) {
            LOG.fine(() -> "WebSocket " + connection.id() + ": " + c.getMessage());
            connection.close(c.closeStatus().code(), c.closeStatus().reasonText(),
                    WebSocketConnection.CloseMode.AFTER_WRITE);
        } else if (cause instanceof IOException) {
            LOG.fine(() -> "WebSocket " + connection.id() + ": " + cause);
            ctx.close();
        } else {
            LOG.log(Level.WARNING, "WebSocket " + connection.id() + " failed", cause);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reportClose();
        ctx.fireChannelInactive();
    }

    private void reportClose() {
        connection.markClosed();
        if (!closeReported) {
            closeReported = true;
            metrics.sessionClosed();
            if (handler != null) {
                try {
                    handler.onClose(connection.closeStatus(), connection.closeReason());
                } catch (RuntimeException e) {
                    metrics.handlerError();
                    LOG.log(Level.WARNING, "WebSocket " + connection.id() + ": onClose failed", e);
                }
            }
        }
    }
}

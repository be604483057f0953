package org.javameet.signaling.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link WebSocketSession} over one Netty channel: the outbound side (send, close) and the close status that
 * {@link WebSocketFrameHandler} reports in {@code onClose}.
 *
 * <p>{@code send} and {@code close} may run on any thread; Netty queues writes from other threads in order.
 * The close status fields are touched on the event loop only.
 */
final class WebSocketConnection implements WebSocketSession {

    /** How a close proceeds after the close frame is queued. */
    enum CloseMode {
        /** Wait for the client's close frame (or the close timeout), then close TCP: a clean close. */
        AWAIT_PEER,
        /** Close TCP once the close frame is written: the peer's input is not being read any more. */
        AFTER_WRITE,
        /** Close TCP at once: the peer does not read (slow consumer), the frame would only queue. */
        NOW
    }

    private static final int MAX_REASON_BYTES = 123; // RFC 6455 §5.5: control frame payload ≤ 125

    private final Channel channel;
    private final String id;
    private final InetSocketAddress remoteAddress;
    private final Map<String, String> queryParameters;
    private final HttpMetrics metrics;
    private final long maxPendingBytes;
    private final long closeTimeoutNanos;

    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong pendingBytes = new AtomicLong();

    // event loop only
    private int closeStatus = WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
    private String closeReason = "connection lost";
    private boolean closeStatusKnown;
    private volatile boolean closedByClient;

    WebSocketConnection(Channel channel, String id, InetSocketAddress remoteAddress,
            Map<String, String> queryParameters, HttpServerOptions opts, HttpMetrics metrics) {
        this.channel = channel;
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.queryParameters = queryParameters;
        this.metrics = metrics;
        this.maxPendingBytes = opts.maxPendingOutboundBytes();
        this.closeTimeoutNanos = opts.closeTimeout().toNanos();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Map<String, String> queryParameters() {
        return queryParameters;
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && channel.isActive();
    }

    @Override
    public void send(String text) {
        if (closing.get()) {
            metrics.droppedMessage();
            return;
        }
        ByteBuf buf = ByteBufUtil.writeUtf8(channel.alloc(), text);
        int size = buf.readableBytes();
        if (pendingBytes.addAndGet(size) > maxPendingBytes) {
            pendingBytes.addAndGet(-size);
            buf.release();
            metrics.droppedMessage();
            close(WebSocketCloseStatus.POLICY_VIOLATION.code(), "client too slow", CloseMode.NOW);
            return;
        }
        metrics.frameOut();
        channel.writeAndFlush(new TextWebSocketFrame(buf)).addListener(f -> pendingBytes.addAndGet(-size));
    }

    @Override
    public void sendDroppable(String text) {
        if (pendingBytes.get() > maxPendingBytes / 4) {
            metrics.droppedMessage();
            metrics.refused(HttpMetrics.REFUSED_SLOW_READER);
            return;
        }
        send(text);
    }

    @Override
    public void schedule(Runnable task, java.time.Duration delay) {
        var timer = channel.eventLoop().schedule(() -> {
            if (isOpen()) {
                task.run();
            }
        }, Math.max(0, delay.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(f -> timer.cancel(false));
    }

    @Override
    public void close(int statusCode, String reason) {
        close(statusCode, reason, CloseMode.AWAIT_PEER);
    }

    /** Completes when the connection's channel is closed. */
    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Bytes of text frames queued but not yet written to the socket. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    void close(int statusCode, String reason, CloseMode mode) {
        if (!WebSocketCloseStatus.isValidStatusCode(statusCode) || statusCode == 1005 || statusCode == 1006
                || statusCode == 1015) {
            throw new IllegalArgumentException("a server may not send close status " + statusCode);
        }
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            closeOnLoop(statusCode, reason == null ? "" : reason, mode);
        } else {
            channel.eventLoop().execute(() -> closeOnLoop(statusCode, reason == null ? "" : reason, mode));
        }
    }

    private void closeOnLoop(int statusCode, String reason, CloseMode mode) {
        recordCloseStatus(statusCode, reason);
        if (!channel.isActive()) {
            return;
        }
        ChannelFuture written = channel.writeAndFlush(new CloseWebSocketFrame(statusCode, truncate(reason)));
        switch (mode) {
            case NOW -> channel.close();
            case AFTER_WRITE -> written.addListener(ChannelFutureListener.CLOSE);
            case AWAIT_PEER -> { }
        }
        if (mode != CloseMode.NOW) {
            channel.eventLoop().schedule(() -> channel.close(), closeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The client sent a close frame. If we had not started closing, echo its status (RFC 6455 §5.5.1) and close
     * TCP once that is written; if we had, this is the answer we waited for.
     */
    void onPeerClose(int statusCode, String reason) {
        if (closing.compareAndSet(false, true)) {
            closedByClient = true;
            int status = statusCode < 0 ? WebSocketCloseStatus.EMPTY.code() : statusCode;
            recordCloseStatus(status, reason == null ? "" : reason);
            CloseWebSocketFrame echo = statusCode < 0 || !WebSocketCloseStatus.isValidStatusCode(statusCode)
                    ? new CloseWebSocketFrame()
                    : new CloseWebSocketFrame(statusCode, "");
            channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public boolean closedByClient() {
        return closedByClient;
    }

    /** Marks the session closed when the channel went away without a close handshake. */
    void markClosed() {
        closing.set(true);
    }

    int closeStatus() {
        return closeStatus;
    }

    String closeReason() {
        return closeReason;
    }

    private void recordCloseStatus(int status, String reason) {
        if (!closeStatusKnown) {
            closeStatusKnown = true;
            closeStatus = status;
            closeReason = reason;
        }
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) { // do not cut a UTF-8 sequence
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WebSocketSession " + id + " from " + remoteAddress;
    }
}

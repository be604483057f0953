package org.javameet.sfu.router;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.MediaMetrics;

/**
 * A link that keeps a copy of what is sent through it; tests flip {@code connected} and {@code writable}.
 * Public for the recorder's tests, which put a real publisher in front of it.
 */
public final class FakeLink implements MediaLink {
    private final String id;
    private final MediaMetrics metrics = new MediaMetrics(new SimpleMeterRegistry());
    private Listener listener;
    boolean connected = true;
    boolean writable = true;
    String closedReason;
    int flushes;
    final List<byte[]> rtp = new ArrayList<>();
    public final List<byte[]> rtcp = new ArrayList<>();

    public FakeLink(String id) {
        this.id = id;
    }

    /** The publisher (or subscriber) behind this link sends us a packet; the listener owns it. */
    public void deliverRtp(ByteBuf packet) {
        listener.onRtp(this, packet);
    }

    public void deliverRtcp(ByteBuf packet) {
        listener.onRtcp(this, packet);
    }

    void connect() {
        connected = true;
        listener.onConnected(this);
    }

    @Override
    public String id() { return id; }

    @Override
    public boolean isConnected() { return connected; }

    @Override
    public boolean sendRtp(ByteBuf packet) {
        return send(packet, rtp);
    }

    @Override
    public boolean sendRtcp(ByteBuf packet) {
        return send(packet, rtcp);
    }

    private boolean send(ByteBuf packet, List<byte[]> sent) {
        try {
            if (!connected || !writable) {
                return false;
            }
            sent.add(ByteBufUtil.getBytes(packet));
            return true;
        } finally {
            packet.release();
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public MediaMetrics metrics() {
        return metrics;
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void close(String reason) {
        if (closedReason != null) {
            return;
        }
        closedReason = reason;
        connected = false;
        if (listener != null) {
            listener.onClosed(this, reason);
        }
    }
}

package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;

/**
 * A link that does what a connected WebRtcTransport does to a packet short of the socket: SRTP protect,
 * then release (the channel releases after the socket write; the write is the load harness's business).
 * With no SRTP session it stands for a publisher link that is not connected.
 */
final class BenchLink implements MediaLink {
    private final SrtpSession srtp;
    private final ByteBufAllocator alloc;
    private final MediaMetrics metrics = MediaMetrics.noop();
    /** Bytes of the last packet sent, for the benchmark to return. */
    int lastLength;

    BenchLink(SrtpSession srtp, ByteBufAllocator alloc) {
        this.srtp = srtp;
        this.alloc = alloc;
    }

    @Override
    public String id() { return "bench"; }

    @Override
    public boolean isConnected() { return srtp != null; }

    @Override
    public boolean sendRtp(ByteBuf packet) {
        try {
            SrtpStatus status = srtp.protectRtp(packet);
            if (status != SrtpStatus.OK) {
                throw new IllegalStateException("protect: " + status);
            }
            lastLength = packet.readableBytes();
            return true;
        } finally {
            packet.release();
        }
    }

    @Override
    public boolean sendRtcp(ByteBuf packet) {
        packet.release();
        return false;
    }

    @Override
    public void flush() {
    }

    @Override
    public ByteBufAllocator alloc() { return alloc; }

    @Override
    public MediaMetrics metrics() { return metrics; }

    @Override
    public void listener(Listener listener) {
    }

    @Override
    public void close(String reason) {
    }
}

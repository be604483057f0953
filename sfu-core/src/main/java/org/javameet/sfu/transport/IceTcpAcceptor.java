package org.javameet.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.metrics.TcpCloseReason;

/**
 * Admits connections to the ICE-TCP media port: at most {@code maxConnections} in all and
 * {@code maxPerAddress} from one remote address; a connection over either cap is closed at once (counted).
 * An admitted one gets an {@link IceTcpConnection}, which holds no transport state until a valid check.
 *
 * <p>Runs on its media event loop (the TCP server and its connections share that loop's UDP socket); the
 * counts behind the caps ({@link Counts}) are shared by every loop's acceptor, so they are synchronized (once
 * per connection, never per packet). {@link #openConnections()} is read by the metrics scraper.
 */
public final class IceTcpAcceptor extends ChannelInitializer<Channel> {
    /**
     * @param maxConnections open connections in all
     * @param maxPerAddress open connections from one remote IP address (a NAT may hide a whole office)
     * @param handshakeTimeout a connection without a valid binding request by then is closed
     * @param idleTimeout a connection that received nothing for this long is closed
     */
    public record Limits(int maxConnections, int maxPerAddress, Duration handshakeTimeout, Duration idleTimeout) {
        public static final int DEFAULT_MAX_CONNECTIONS = 2048;
        public static final int DEFAULT_MAX_PER_ADDRESS = 256;

        public Limits {
            if (maxConnections < 1 || maxPerAddress < 1) {
                throw new IllegalArgumentException("ICE-TCP connection limits must be positive");
            }
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative()
                    || idleTimeout.isZero()) {
                throw new IllegalArgumentException("ICE-TCP timeouts must be positive");
            }
        }

        /** Caps as given; 10 s to the first valid check, 30 s idle (RFC 7675 consent). */
        public static Limits of(int maxConnections, int maxPerAddress) {
            return new Limits(maxConnections, maxPerAddress, Duration.ofSeconds(10),
                    Duration.ofNanos(WebRtcTransport.CONSENT_TIMEOUT_NANOS));
        }

        public static Limits defaults() {
            return of(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_ADDRESS);
        }
    }

    private final TransportRegistry registry;
    private final MediaMetrics metrics;
    private final Limits limits;
    private final Counts counts;
    /** Connections written to since the last batch flush (media loop only). */
    private final java.util.ArrayList<IceTcpConnection> unflushed = new java.util.ArrayList<>();
    /** Flushes the UDP socket: forwarding writes without flushing, and a TCP read batch may have fed UDP peers. */
    private volatile Runnable udpFlush = () -> { };

    /** Open connections in all and per remote address, shared by the acceptors of every media loop. */
    public static final class Counts {
        private final AddressCounts counts = new AddressCounts();

        /** Counts a new connection from {@code from}, or says which cap refuses it. */
        TcpCloseReason admit(InetAddress from, Limits limits) {
            return switch (counts.tryAdd(from, limits.maxConnections(), limits.maxPerAddress())) {
                case NONE -> null;
                case TOTAL -> TcpCloseReason.LIMIT_TOTAL;
                case PER_ADDRESS -> TcpCloseReason.LIMIT_PER_ADDRESS;
            };
        }

        void release(InetAddress from) {
            counts.remove(from);
        }

        /** Admitted connections still open. Any thread. */
        public int open() {
            return counts.total();
        }
    }

    public IceTcpAcceptor(TransportRegistry registry, MediaMetrics metrics, Limits limits) {
        this(registry, metrics, limits, new Counts());
    }

    /** @param counts shared with the other media loops' acceptors, so the caps hold for the server as a whole */
    public IceTcpAcceptor(TransportRegistry registry, MediaMetrics metrics, Limits limits, Counts counts) {
        this.registry = registry;
        this.metrics = metrics;
        this.limits = limits;
        this.counts = counts;
    }

    @Override
    protected void initChannel(Channel ch) {
        metrics.tcpAccepted.increment();
        InetAddress from = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        TcpCloseReason refused = counts.admit(from, limits);
        if (refused != null) {
            metrics.tcpClosed(refused);
            ch.close();
            return;
        }
        ch.pipeline().addLast(new IceTcpConnection(this, registry, metrics));
    }

    /** Set by the media server: flushes its UDP socket. */
    public void udpFlush(Runnable flush) {
        this.udpFlush = flush;
    }

    /** A connection queued a packet that nobody flushed yet. */
    void unflushed(IceTcpConnection c) {
        unflushed.add(c);
    }

    /**
     * Ends an inbound batch (a UDP read or an ICE-TCP read): pushes what forwarding queued on every ICE-TCP
     * connection, and on the UDP socket. Forwarding writes without flushing, once per packet and consumer;
     * this is the one flush per batch, as MediaPacketHandler does for UDP alone. Media loop only.
     */
    public void flushBatch(boolean udpToo) {
        for (int i = 0; i < unflushed.size(); i++) {
            unflushed.get(i).flush();
        }
        unflushed.clear();
        if (udpToo) {
            udpFlush.run();
        }
    }

    /** An admitted connection closed. */
    void release(InetSocketAddress remote) {
        if (remote == null) {
            return;
        }
        counts.release(remote.getAddress());
    }

    /** Admitted connections still open, on every media loop. Any thread. */
    public int openConnections() {
        return counts.open();
    }

    long handshakeTimeoutNanos() {
        return limits.handshakeTimeout().toNanos();
    }

    long idleTimeoutNanos() {
        return limits.idleTimeout().toNanos();
    }

    /** How often a connection looks at its timeouts: often enough for a short test timeout, at most every second. */
    long tickMillis() {
        return Math.max(50, Math.min(1000, limits.handshakeTimeout().toMillis() / 4));
    }
}

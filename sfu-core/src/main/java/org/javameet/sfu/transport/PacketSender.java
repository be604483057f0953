package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** The media sockets of one loop as transports see them. Implemented over Netty UDP channels; faked in tests. */
public interface PacketSender {
    /**
     * Queues one datagram on the loop's first socket; takes ownership of {@code data}. Returns false (and releases
     * {@code data}) when the socket's outbound buffer is full.
     */
    boolean send(ByteBuf data, InetSocketAddress to);

    /**
     * Queues one datagram on socket {@code socket} of the loop (the one a check came in on, so replies leave from
     * the address the peer sent to: see {@code MediaServer}'s one socket per announced address). A sender with one
     * socket ignores the index.
     */
    default boolean send(ByteBuf data, InetSocketAddress to, int socket) {
        return send(data, to);
    }

    /** Pushes queued datagrams to the kernel. Called once per batch, not per packet. */
    void flush();
}

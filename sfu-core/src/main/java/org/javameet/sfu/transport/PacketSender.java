package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** The media socket as transports see it. Implemented over the Netty UDP channel; faked in tests. */
public interface PacketSender {
    /**
     * Queues one datagram; takes ownership of {@code data}. Returns false (and releases {@code data})
     * when the socket's outbound buffer is full.
     */
    boolean send(ByteBuf data, InetSocketAddress to);

    /** Pushes queued datagrams to the kernel. Called once per batch, not per packet. */
    void flush();
}

package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.rtp.RtpHeader;

/**
 * The last packets of one video producer, indexed by sequence number, so subscribers' NACKs can be
 * answered without asking the publisher. Holds one reference to each stored packet (retained on put,
 * released on overwrite and on {@link #clear()}). Media loop only.
 */
final class PacketCache {
    /** ~1 s of 2.5 Mbps video in 1,200-byte packets: enough for a NACK round trip on any usable link. */
    static final int SIZE = 512;

    private final ByteBuf[] packets = new ByteBuf[SIZE];

    /** Stores a reference to {@code packet} (retains it). */
    void put(ByteBuf packet) {
        int slot = RtpHeader.sequenceNumber(packet) % SIZE;
        ByteBuf old = packets[slot];
        packets[slot] = packet.retain();
        if (old != null) {
            old.release();
        }
    }

    /** The stored packet with this sequence number, or null; the cache keeps ownership. */
    ByteBuf get(int sequenceNumber) {
        ByteBuf p = packets[sequenceNumber % SIZE];
        return p != null && RtpHeader.sequenceNumber(p) == sequenceNumber ? p : null;
    }

    void clear() {
        for (int i = 0; i < SIZE; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
    }
}

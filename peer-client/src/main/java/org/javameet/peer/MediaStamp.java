package org.javameet.peer;

import io.netty.buffer.ByteBuf;

/**
 * The 20 bytes every synthetic payload carries so a receiver in the same JVM can measure what the SFU did
 * to the packet: who sent it, when ({@link System#nanoTime}), and the sequence number and RTP timestamp it
 * left the publisher with (so rewriting can be checked end to end).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      'J'      |      'M'      |     original sequence number  |
 * |                         sender id                             |
 * |                    send time (nanoTime, 64 bits)              |
 * |                                                               |
 * |                    original RTP timestamp                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MediaStamp(int senderId, long sendNanos, int originalSeq, long originalTimestamp) {
    public static final int SIZE = 20;
    private static final int MAGIC = 0x4A4D; // "JM"

    /** Writes the stamp at {@code buf}'s writerIndex. */
    public static void write(ByteBuf buf, int senderId, long sendNanos, int seq, long timestamp) {
        buf.writeShort(MAGIC);
        buf.writeShort(seq);
        buf.writeInt(senderId);
        buf.writeLong(sendNanos);
        buf.writeInt((int) timestamp);
    }

    /** Reads a stamp at an absolute index; null when the bytes there are not one. */
    public static MediaStamp read(ByteBuf buf, int at) {
        if (at < 0 || at + SIZE > buf.writerIndex() || buf.getUnsignedShort(at) != MAGIC) {
            return null;
        }
        return new MediaStamp(buf.getInt(at + 4), buf.getLong(at + 8), buf.getUnsignedShort(at + 2),
                buf.getUnsignedInt(at + 16));
    }
}

package org.javameet.peer;

import io.netty.buffer.ByteBuf;

/**
 * The 20 bytes every synthetic payload carries so a receiver in the same JVM can measure what the SFU did
 * to the packet: who sent it, when ({@link System#nanoTime}), the sequence number and RTP timestamp it
 * left the publisher with (so rewriting can be checked end to end), and which simulcast layer it belongs to (so
 * the load harness can tell which layer a receiver was forwarded: the SFU rewrites every layer to one stream).
 * The layer rides in the second magic byte, {@code 'M' + layer}: a stream without simulcast is layer 0, whose
 * stamp is what it always was.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      'J'      |  'M' + layer  |     original sequence number  |
 * |                         sender id                             |
 * |                    send time (nanoTime, 64 bits)              |
 * |                                                               |
 * |                    original RTP timestamp                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MediaStamp(int senderId, long sendNanos, int originalSeq, long originalTimestamp, int layer) {
    public static final int SIZE = 20;
    private static final int MAGIC = 0x4A4D; // "JM"
    /** Layers a stamp can name: {@link MediaSender#MAX_SIMULCAST_LAYERS}, with room to spare. */
    static final int MAX_LAYERS = 8;

    /** Writes the stamp of a packet without simulcast (layer 0) at {@code buf}'s writerIndex. */
    public static void write(ByteBuf buf, int senderId, long sendNanos, int seq, long timestamp) {
        write(buf, senderId, sendNanos, seq, timestamp, 0);
    }

    /** Writes the stamp at {@code buf}'s writerIndex; {@code layer} is the simulcast layer, 0 the lowest. */
    public static void write(ByteBuf buf, int senderId, long sendNanos, int seq, long timestamp, int layer) {
        if (layer < 0 || layer >= MAX_LAYERS) {
            throw new IllegalArgumentException("layer 0.." + (MAX_LAYERS - 1) + ", got " + layer);
        }
        buf.writeShort(MAGIC + layer);
        buf.writeShort(seq);
        buf.writeInt(senderId);
        buf.writeLong(sendNanos);
        buf.writeInt((int) timestamp);
    }

    /** Reads a stamp at an absolute index; null when the bytes there are not one. */
    public static MediaStamp read(ByteBuf buf, int at) {
        if (at < 0 || at + SIZE > buf.writerIndex()) {
            return null;
        }
        int layer = buf.getUnsignedShort(at) - MAGIC;
        if (layer < 0 || layer >= MAX_LAYERS) {
            return null;
        }
        return new MediaStamp(buf.getInt(at + 4), buf.getLong(at + 8), buf.getUnsignedShort(at + 2),
                buf.getUnsignedInt(at + 16), layer);
    }
}

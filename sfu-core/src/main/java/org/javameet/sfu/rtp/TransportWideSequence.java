package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * The transport-wide sequence number header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2):
 * one counter across every RTP stream of a transport, so the receiver's feedback can name each packet. In the
 * one-byte form (RFC 8285 §4.2):
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=1   |transport-wide sequence number |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * and in the two-byte form (§4.3) {@code ID (8 bits) | L=2 (8 bits) | sequence number (16 bits)}. Reads and
 * writes go through {@link HeaderExtensions#find}, so both forms work alike.
 */
public final class TransportWideSequence {
    /** Data bytes of the element. */
    public static final int LENGTH = 2;

    private TransportWideSequence() {
    }

    /** @return the 16-bit sequence number, or -1 if the packet has no element {@code id} of two bytes */
    public static int get(ByteBuf pkt, int id) {
        long loc = HeaderExtensions.find(pkt, id);
        if (loc < 0 || HeaderExtensions.lengthOf(loc) != LENGTH) {
            return -1;
        }
        return pkt.getUnsignedShort(pkt.readerIndex() + HeaderExtensions.offsetOf(loc));
    }

    /** Writes {@code seq} into the packet's element {@code id}; false (nothing written) if it has none of two bytes. */
    public static boolean set(ByteBuf pkt, int id, int seq) {
        long loc = HeaderExtensions.find(pkt, id);
        if (loc < 0 || HeaderExtensions.lengthOf(loc) != LENGTH) {
            return false;
        }
        pkt.setShort(pkt.readerIndex() + HeaderExtensions.offsetOf(loc), seq);
        return true;
    }

    /** Bytes {@link #writeBlock} writes for {@code id}: 8 either way (4 of block header, element, padding). */
    public static int blockSize(int id) {
        return 8;
    }

    /**
     * Writes an extension block holding only this element with the value 0 at dst's writerIndex: one-byte
     * form for ids 1..14, two-byte form for 15..255. The caller sets the X bit.
     *
     * @return bytes written
     */
    public static int writeBlock(ByteBuf dst, int id) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id " + id);
        }
        if (id <= 14) {
            dst.writeShort(HeaderExtensions.ONE_BYTE_PROFILE);
            dst.writeShort(1);
            dst.writeByte(id << 4 | (LENGTH - 1));
            dst.writeShort(0);
            dst.writeByte(0);
        } else {
            dst.writeShort(HeaderExtensions.TWO_BYTE_PROFILE);
            dst.writeShort(1);
            dst.writeByte(id);
            dst.writeByte(LENGTH);
            dst.writeShort(0);
        }
        return 8;
    }
}

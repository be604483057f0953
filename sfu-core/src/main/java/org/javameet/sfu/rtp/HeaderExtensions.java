package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RTP header extensions in the RFC 8285 general mechanism: finding an element by its negotiated id
 * (one- or two-byte form) and writing a new block with a chosen subset, as the SFU does when it copies
 * a publisher's packet per subscriber with the subscriber's own ids.
 *
 * <p>Locations are packed in a long, {@code dataOffset << 16 | dataLength}, where dataOffset counts
 * from the packet start (readerIndex), so a lookup allocates nothing. Reads are bounded by the readable
 * bytes even when the packet was not {@link RtpHeader#check checked}; a malformed element ends the walk.
 *
 * <p>RFC 8285 §4.2, one-byte header (profile 0xBEDE; ID 0 is a padding byte, ID 15 stops the walk,
 * L is length - 1):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0xBE    |    0xDE       |           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          data                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * RFC 8285 §4.3, two-byte header (profile 0x100 + 4 app bits; an ID 0 byte is padding; length may be 0):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0x10    |    0x00       |           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ID       |     L=0       |     ID        |     L=1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       data    |    0 (pad)    |       ID      |      L=4      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          data                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class HeaderExtensions {
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** Two-byte profile with the 4 appbits masked off (RFC 8285 §4.3: 0x100 followed by appbits). */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    /** Receives each element of an extension block in wire order. */
    @FunctionalInterface
    public interface ExtensionVisitor {
        /** dataOffset counts from the packet start; dataLength may be 0 for two-byte elements. */
        void visit(int id, int dataOffset, int dataLength);
    }

    private HeaderExtensions() {
    }

    public static int offsetOf(long packedLocation) {
        return (int) (packedLocation >>> 16);
    }

    public static int lengthOf(long packedLocation) {
        return (int) (packedLocation & 0xFFFF);
    }

    public static long pack(int dataOffset, int dataLength) {
        return ((long) dataOffset << 16) | dataLength;
    }

    /** @return the element's packed location, or -1 if the packet has no such element */
    public static long find(ByteBuf pkt, int id) {
        return walk(pkt, id, null);
    }

    /** Visits every element; nothing if the packet has no (well-formed) extension block. */
    public static void forEach(ByteBuf pkt, ExtensionVisitor v) {
        walk(pkt, -1, v);
    }

    private static long walk(ByteBuf pkt, int wanted, ExtensionVisitor v) {
        int start = pkt.readerIndex();
        int len = pkt.readableBytes();
        if (len < RtpHeader.FIXED_HEADER_LENGTH || !RtpHeader.hasExtension(pkt, start)) {
            return -1;
        }
        int x = RtpHeader.FIXED_HEADER_LENGTH + 4 * RtpHeader.csrcCount(pkt, start);
        if (x + 4 > len) {
            return -1;
        }
        int profile = pkt.getUnsignedShort(start + x);
        int end = x + 4 + 4 * pkt.getUnsignedShort(start + x + 2);
        if (end > len) {
            return -1;
        }
        int p = x + 4;
        if (profile == ONE_BYTE_PROFILE) {
            while (p < end) {
                int b = pkt.getUnsignedByte(start + p);
                int id = b >>> 4;
                if (id == 0) {
                    p++;
                    continue;
                }
                if (id == 15) {
                    break;
                }
                int dataLen = (b & 0x0F) + 1;
                if (p + 1 + dataLen > end) {
                    break;
                }
                if (v != null) {
                    v.visit(id, p + 1, dataLen);
                } else if (id == wanted) {
                    return pack(p + 1, dataLen);
                }
                p += 1 + dataLen;
            }
        } else if ((profile & 0xFFF0) == TWO_BYTE_PROFILE) {
            while (p < end) {
                int id = pkt.getUnsignedByte(start + p);
                if (id == 0) {
                    p++;
                    continue;
                }
                if (p + 2 > end) {
                    break;
                }
                int dataLen = pkt.getUnsignedByte(start + p + 1);
                if (p + 2 + dataLen > end) {
                    break;
                }
                if (v != null) {
                    v.visit(id, p + 2, dataLen);
                } else if (id == wanted) {
                    return pack(p + 2, dataLen);
                }
                p += 2 + dataLen;
            }
        }
        return -1;
    }

    /**
     * True if the elements can use the one-byte form: ids 1..14 and data lengths 1..16 (RFC 8285 §4.2).
     */
    public static boolean fitsOneByte(int[] ids, long[] locations, int count) {
        return fitsOneByte(ids, locations, count, 0, 0);
    }

    /** Like {@link #fitsOneByte(int[], long[], int)}, counting one more element {@code reservedId} (0: none). */
    public static boolean fitsOneByte(int[] ids, long[] locations, int count, int reservedId, int reservedLength) {
        for (int i = 0; i < count; i++) {
            int l = lengthOf(locations[i]);
            if (ids[i] < 1 || ids[i] > 14 || l < 1 || l > 16) {
                return false;
            }
        }
        return reservedId == 0 || (reservedId <= 14 && reservedLength >= 1 && reservedLength <= 16);
    }

    /**
     * Bytes {@link #writeBlock} will write: the 4-byte block header, the elements, and zero padding to a
     * 32-bit boundary. 0 for no elements (no block at all).
     */
    public static int blockSize(int[] ids, long[] locations, int count) {
        return blockSize(ids, locations, count, 0, 0);
    }

    /** Like {@link #blockSize(int[], long[], int)} with the reserved element of {@link #writeBlock(ByteBuf, int[], ByteBuf, long[], int, int, int)}. */
    public static int blockSize(int[] ids, long[] locations, int count, int reservedId, int reservedLength) {
        if (count == 0 && reservedId == 0) {
            return 0;
        }
        int perElement = fitsOneByte(ids, locations, count, reservedId, reservedLength) ? 1 : 2;
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += perElement + lengthOf(locations[i]);
        }
        if (reservedId != 0) {
            n += perElement + reservedLength;
        }
        return 4 + ((n + 3) & ~3);
    }

    /**
     * Writes an extension block at dst's writerIndex whose i-th element has id {@code ids[i]} and the data
     * found in {@code src} (packet starting at src's readerIndex) at {@code locations[i]}. Uses the
     * one-byte form if every element fits, otherwise the two-byte form (appbits 0).
     *
     * @return bytes written, equal to {@link #blockSize}
     * @throws IllegalArgumentException if an id is outside 1..255 or a length above 255
     */
    public static int writeBlock(ByteBuf dst, int[] ids, ByteBuf src, long[] locations, int count) {
        return writeBlock(dst, ids, src, locations, count, 0, 0);
    }

    /**
     * Like {@link #writeBlock(ByteBuf, int[], ByteBuf, long[], int)}, then, when {@code reservedId} is not 0, one
     * more element with that id and {@code reservedLength} zero bytes, for the sender to fill in just before
     * sending (the transport-wide sequence number). Taking it as arguments keeps the caller's arrays as they are.
     */
    public static int writeBlock(ByteBuf dst, int[] ids, ByteBuf src, long[] locations, int count, int reservedId,
                                 int reservedLength) {
        if (count == 0 && reservedId == 0) {
            return 0;
        }
        boolean oneByte = fitsOneByte(ids, locations, count, reservedId, reservedLength);
        int size = blockSize(ids, locations, count, reservedId, reservedLength);
        int begin = dst.writerIndex();
        dst.writeShort(oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
        dst.writeShort((size - 4) / 4);
        int srcStart = src.readerIndex();
        for (int i = 0; i < count; i++) {
            int l = lengthOf(locations[i]);
            writeElementHeader(dst, oneByte, ids[i], l);
            dst.writeBytes(src, srcStart + offsetOf(locations[i]), l);
        }
        if (reservedId != 0) {
            writeElementHeader(dst, oneByte, reservedId, reservedLength);
            dst.writeZero(reservedLength);
        }
        dst.writeZero(size - (dst.writerIndex() - begin));
        return size;
    }

    private static void writeElementHeader(ByteBuf dst, boolean oneByte, int id, int length) {
        if (oneByte) {
            dst.writeByte(id << 4 | (length - 1));
        } else {
            if (id < 1 || id > 255 || length > 255) {
                throw new IllegalArgumentException("extension id " + id + " length " + length);
            }
            dst.writeByte(id);
            dst.writeByte(length);
        }
    }
}

package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * One reception report block, shared by SR and RR. RFC 3550 §6.4.1:
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 * Unsigned 32-bit fields are held in longs; cumulativeLost is signed 24-bit (RFC 3550 §6.4.1 allows it to go
 * negative with duplicates).
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSeq, long jitter,
        long lsr, long dlsr) {
    public static final int SIZE = 24;

    /** Reads a block at an absolute offset; the caller has checked that 24 bytes are there. */
    public static ReportBlock parse(ByteBuf buf, int off) {
        int lostWord = buf.getInt(off + 4);
        int cumulative = (lostWord << 8) >> 8;
        return new ReportBlock(buf.getUnsignedInt(off), lostWord >>> 24, cumulative,
                buf.getUnsignedInt(off + 8), buf.getUnsignedInt(off + 12), buf.getUnsignedInt(off + 16),
                buf.getUnsignedInt(off + 20));
    }

    public int marshalSize() {
        return SIZE;
    }

    public void marshalTo(ByteBuf dst) {
        dst.writeInt((int) ssrc);
        dst.writeInt((fractionLost & 0xFF) << 24 | (cumulativeLost & 0xFFFFFF));
        dst.writeInt((int) highestSeq);
        dst.writeInt((int) jitter);
        dst.writeInt((int) lsr);
        dst.writeInt((int) dlsr);
    }
}

package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.javameet.sfu.rtp.SequenceNumbers;

/**
 * Generic NACK (RFC 4585 §6.2.1), PT=205 FMT=1. Each FCI item names a lost packet (PID) and a bitmask of
 * the 16 following ones (BLP, bit i = PID+i+1 lost):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The value keeps the items as they were on the wire ({@code PID << 16 | BLP}), so parse and marshal are
 * byte-exact; {@link #of} packs a list of lost sequence numbers and {@link #lostSequenceNumbers} expands.
 */
public record Nack(long senderSsrc, long mediaSsrc, int[] items) {
    public Nack {
        items = items.clone();
    }

    /**
     * Packs lost sequence numbers, given in sending order (ascending modulo 2^16, so 65534, 65535, 0, 1 is
     * sorted), into as few PID/BLP items as that order allows. Duplicates are dropped; a number that goes
     * backwards starts a new item, so none is ever lost from the request.
     */
    public static Nack of(long senderSsrc, long mediaSsrc, int[] lostSeqs) {
        int[] out = new int[lostSeqs.length];
        int n = 0;
        int pid = -1;
        int blp = 0;
        for (int s : lostSeqs) {
            int seq = s & 0xFFFF;
            if (pid >= 0) {
                int diff = SequenceNumbers.forwardDistance(pid, seq);
                if (diff == 0) {
                    continue;
                }
                if (diff <= 16) {
                    blp |= 1 << (diff - 1);
                    continue;
                }
                out[n++] = pid << 16 | blp;
            }
            pid = seq;
            blp = 0;
        }
        if (pid >= 0) {
            out[n++] = pid << 16 | blp;
        }
        return new Nack(senderSsrc, mediaSsrc, Arrays.copyOf(out, n));
    }

    public static Nack parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = Rtcp.checkFeedback(buf, off, length, RtcpHeader.RTPFB, Rtcp.FMT_NACK);
        int n = (content - 12) / 4;
        if (n == 0 || (content - 12) % 4 != 0) {
            throw new RtcpException(RtcpError.BAD_LENGTH);
        }
        int[] items = new int[n];
        for (int i = 0; i < n; i++) {
            items[i] = buf.getInt(off + 12 + 4 * i);
        }
        return new Nack(buf.getUnsignedInt(off + 4), buf.getUnsignedInt(off + 8), items);
    }

    /** Every sequence number the items name, item by item, each PID before its BLP bits. */
    public int[] lostSequenceNumbers() {
        int count = 0;
        for (int item : items) {
            count += 1 + Integer.bitCount(item & 0xFFFF);
        }
        int[] seqs = new int[count];
        int k = 0;
        for (int item : items) {
            int pid = item >>> 16;
            seqs[k++] = pid;
            for (int bit = 0; bit < 16; bit++) {
                if ((item & (1 << bit)) != 0) {
                    seqs[k++] = (pid + bit + 1) & 0xFFFF;
                }
            }
        }
        return seqs;
    }

    public int marshalSize() {
        return 12 + 4 * items.length;
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, Rtcp.FMT_NACK, RtcpHeader.RTPFB, marshalSize());
        dst.writeInt((int) senderSsrc);
        dst.writeInt((int) mediaSsrc);
        for (int item : items) {
            dst.writeInt(item);
        }
    }

    @Override
    public int[] items() {
        return items.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nack other && other.senderSsrc == senderSsrc && other.mediaSsrc == mediaSsrc
                && Arrays.equals(other.items, items);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(senderSsrc) * 31 + Long.hashCode(mediaSsrc) * 17 + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return "Nack[senderSsrc=" + senderSsrc + ", mediaSsrc=" + mediaSsrc + ", lost="
                + Arrays.toString(lostSequenceNumbers()) + "]";
    }
}

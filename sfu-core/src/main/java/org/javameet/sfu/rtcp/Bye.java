package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Goodbye: sources leaving, so the router can end their producers early. RFC 3550 §6.6:
 * <pre>
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The reason is padded with zeros to a 32-bit boundary.
 */
public record Bye(List<Long> ssrcs, String reason) {
    public Bye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException("at most 31 sources");
        }
    }

    public static Bye parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = RtcpHeader.checkPacket(buf, off, length, RtcpHeader.BYE, 4);
        int sc = RtcpHeader.count(buf, off);
        int p = off + 4 + 4 * sc;
        if (p > off + content) {
            throw new RtcpException(RtcpError.BAD_COUNT);
        }
        List<Long> ssrcs = new ArrayList<>(sc);
        for (int i = 0; i < sc; i++) {
            ssrcs.add(buf.getUnsignedInt(off + 4 + 4 * i));
        }
        String reason = null;
        if (p < off + content) {
            int len = buf.getUnsignedByte(p);
            if (p + 1 + len > off + content) {
                throw new RtcpException(RtcpError.BAD_BYE_REASON);
            }
            reason = buf.toString(p + 1, len, StandardCharsets.UTF_8);
        }
        return new Bye(ssrcs, reason);
    }

    private byte[] reasonBytes() {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) {
            throw new IllegalArgumentException("reason longer than 255 bytes");
        }
        return b;
    }

    public int marshalSize() {
        int n = 4 + 4 * ssrcs.size();
        if (reason != null) {
            n += (1 + reasonBytes().length + 3) & ~3;
        }
        return n;
    }

    public void marshalTo(ByteBuf dst) {
        int size = marshalSize();
        int begin = dst.writerIndex();
        RtcpHeader.write(dst, ssrcs.size(), RtcpHeader.BYE, size);
        for (long s : ssrcs) {
            dst.writeInt((int) s);
        }
        if (reason != null) {
            byte[] b = reasonBytes();
            dst.writeByte(b.length);
            dst.writeBytes(b);
            dst.writeZero(size - (dst.writerIndex() - begin));
        }
    }
}

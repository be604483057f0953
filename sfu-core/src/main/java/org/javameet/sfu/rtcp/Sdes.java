package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Source description, reduced to what the SFU needs: the CNAME of each chunk (RFC 3550 §6.5.1), which it
 * sends in its own compounds and may read for lip-sync grouping. Other items are skipped when parsing.
 *
 * <p>RFC 3550 §6.5:
 * <pre>
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                           SDES items                          |
 *        |                              ...                              |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 * Each item is type (8 bits), length (8 bits), text; a chunk's item list ends with one to four zero octets
 * that also pad the chunk to a 32-bit boundary.
 */
public record Sdes(List<Chunk> chunks) {
    public static final int CNAME = 1;

    /** One chunk: its source and CNAME (null if the chunk carried none). */
    public record Chunk(long ssrc, String cname) {
    }

    public Sdes {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException("at most 31 chunks");
        }
    }

    /** An SDES with a single CNAME chunk, the minimum RFC 3550 §6.1 asks of each compound. */
    public static Sdes cname(long ssrc, String cname) {
        return new Sdes(List.of(new Chunk(ssrc, cname)));
    }

    public static Sdes parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = RtcpHeader.checkPacket(buf, off, length, RtcpHeader.SDES, 4);
        int sc = RtcpHeader.count(buf, off);
        int end = off + content;
        int p = off + 4;
        List<Chunk> chunks = new ArrayList<>(sc);
        for (int i = 0; i < sc; i++) {
            if (p + 4 > end) {
                throw new RtcpException(RtcpError.BAD_COUNT);
            }
            long ssrc = buf.getUnsignedInt(p);
            p += 4;
            String cname = null;
            while (true) {
                if (p >= end) {
                    throw new RtcpException(RtcpError.BAD_SDES_ITEM);
                }
                int type = buf.getUnsignedByte(p);
                if (type == 0) {
                    break;
                }
                if (p + 2 > end || p + 2 + buf.getUnsignedByte(p + 1) > end) {
                    throw new RtcpException(RtcpError.BAD_SDES_ITEM);
                }
                int len = buf.getUnsignedByte(p + 1);
                if (type == CNAME && cname == null) {
                    cname = buf.toString(p + 2, len, StandardCharsets.UTF_8);
                }
                p += 2 + len;
            }
            // The null item, then zero octets up to the next 32-bit boundary (relative to the packet).
            p = off + ((p - off) / 4 + 1) * 4;
            if (p > end) {
                throw new RtcpException(RtcpError.BAD_SDES_ITEM);
            }
            chunks.add(new Chunk(ssrc, cname));
        }
        return new Sdes(chunks);
    }

    private static int chunkSize(Chunk c) {
        int items = c.cname() == null ? 0 : 2 + cnameBytes(c).length;
        return 4 + (items / 4 + 1) * 4;
    }

    private static byte[] cnameBytes(Chunk c) {
        byte[] b = c.cname().getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        return b;
    }

    public int marshalSize() {
        int n = 4;
        for (Chunk c : chunks) {
            n += chunkSize(c);
        }
        return n;
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, chunks.size(), RtcpHeader.SDES, marshalSize());
        for (Chunk c : chunks) {
            int begin = dst.writerIndex();
            dst.writeInt((int) c.ssrc());
            if (c.cname() != null) {
                byte[] b = cnameBytes(c);
                dst.writeByte(CNAME);
                dst.writeByte(b.length);
                dst.writeBytes(b);
            }
            dst.writeZero(chunkSize(c) - (dst.writerIndex() - begin));
        }
    }
}

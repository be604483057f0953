package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/** How the fuzz tests hand Jazzer's bytes to a parser. */
public final class FuzzInput {
    /** Bytes before the packet: a parser that reads from index 0 instead of readerIndex reads these. */
    public static final int PREFIX = 3;

    private FuzzInput() {
    }

    /**
     * The packet after {@link #PREFIX} filler bytes, in a buffer whose capacity ends exactly at the packet end, so a
     * read past the packet throws instead of reading slack. The caller releases it.
     */
    public static ByteBuf wrap(byte[] packet) {
        byte[] all = new byte[PREFIX + packet.length];
        Arrays.fill(all, 0, PREFIX, (byte) 0xA5);
        System.arraycopy(packet, 0, all, PREFIX, packet.length);
        ByteBuf buf = Unpooled.wrappedBuffer(all);
        buf.readerIndex(PREFIX);
        return buf;
    }
}

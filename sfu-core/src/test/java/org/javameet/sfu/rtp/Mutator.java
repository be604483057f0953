package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of valid packets for the parser fuzz tests: the result is wrapped in a buffer whose
 * capacity ends exactly at the packet end and whose readerIndex is past a random prefix, so a read past the
 * packet throws IndexOutOfBoundsException instead of silently reading slack.
 */
public final class Mutator {
    private final Random rnd;
    private final List<byte[]> seeds;

    public Mutator(long seed, List<String> hexSeeds) {
        this.rnd = new Random(seed);
        this.seeds = hexSeeds.stream().map(s -> ByteBufUtil.decodeHexDump(s.replaceAll("\\s", ""))).toList();
    }

    public Random random() {
        return rnd;
    }

    public byte[] next() {
        if (rnd.nextInt(20) == 0) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            return b;
        }
        byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
        int mutations = 1 + rnd.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            switch (rnd.nextInt(6)) {
                case 0, 1 -> {
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 2 -> {
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 4 -> {
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + rnd.nextInt(8));
                    for (int j = old; j < b.length; j++) {
                        b[j] = (byte) rnd.nextInt(256);
                    }
                }
                default -> {
                    // Interesting values in length-like positions: 0, 0xFF, small.
                    if (b.length > 0) {
                        int[] v = {0, 0xFF, 1, 4, 0x7F, 0x80};
                        b[rnd.nextInt(b.length)] = (byte) v[rnd.nextInt(v.length)];
                    }
                }
            }
        }
        return b;
    }

    /** Wraps a packet after a random 0..7 byte prefix; capacity ends at the packet end. The caller releases it. */
    public ByteBuf wrap(byte[] packet) {
        int prefix = rnd.nextInt(8);
        byte[] all = new byte[prefix + packet.length];
        Arrays.fill(all, 0, prefix, (byte) 0xA5);
        System.arraycopy(packet, 0, all, prefix, packet.length);
        ByteBuf buf = Unpooled.wrappedBuffer(all);
        buf.readerIndex(prefix);
        return buf;
    }
}

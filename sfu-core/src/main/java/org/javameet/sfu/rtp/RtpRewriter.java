package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Per-subscriber copies of a publisher's RTP packet. Copying is needed only when the bytes must differ
 * per receiver: here the header extensions, which carry the subscriber's negotiated ids.
 */
public final class RtpRewriter {
    /**
     * The kept elements' new ids and source locations, per thread: one pair of arrays per forwarded packet was
     * 32–48 B of garbage on every copy. A copy finishes before its thread makes the next, so one pair per thread
     * suffices (on the media loop, a {@code FastThreadLocalThread}, the look-up is an array index).
     */
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private static final class Scratch {
        int[] ids = new int[8];
        long[] locations = new long[8];

        Scratch fit(int n) {
            if (ids.length < n) {
                ids = new int[n];
                locations = new long[n];
            }
            return this;
        }
    }

    private RtpRewriter() {
    }

    /**
     * Copies {@code src} (packet at its readerIndex, left untouched) into a new buffer: fixed header with
     * CSRCs, then only the extensions whose ids appear in {@code keepIdsFrom}, renumbered to the id at the
     * same index of {@code keepIdsTo} and in that order, then payload and padding. One-byte form when every
     * kept element fits, else two-byte; with nothing kept the X bit is cleared and no block is written.
     *
     * @param tailRoom writable bytes left after the packet, e.g. for the SRTP auth tag
     * @return a new buffer owned by the caller
     * @throws IllegalArgumentException if {@code src} fails {@link RtpHeader#check} or the id arrays differ in length
     */
    public static ByteBuf copyWithExtensions(ByteBufAllocator alloc, ByteBuf src, int[] keepIdsFrom,
            int[] keepIdsTo, int tailRoom) {
        return copyWithExtensions(alloc, src, keepIdsFrom, keepIdsTo, 0, 0, tailRoom);
    }

    /**
     * Like {@link #copyWithExtensions(ByteBufAllocator, ByteBuf, int[], int[], int)}, and when {@code addId} is
     * not 0 one more element, last, with id {@code addId} and {@code addLength} zero bytes: room for a value
     * the sender writes just before sending (the transport-wide sequence number).
     */
    public static ByteBuf copyWithExtensions(ByteBufAllocator alloc, ByteBuf src, int[] keepIdsFrom,
            int[] keepIdsTo, int addId, int addLength, int tailRoom) {
        RtpError err = RtpHeader.check(src);
        if (err != null) {
            throw new IllegalArgumentException("not a valid RTP packet: " + err);
        }
        if (keepIdsFrom.length != keepIdsTo.length) {
            throw new IllegalArgumentException("keepIdsFrom and keepIdsTo differ in length");
        }
        int start = src.readerIndex();
        Scratch scratch = SCRATCH.get().fit(keepIdsFrom.length);
        int[] ids = scratch.ids;
        long[] locations = scratch.locations;
        int count = 0;
        for (int i = 0; i < keepIdsFrom.length; i++) {
            long loc = HeaderExtensions.find(src, keepIdsFrom[i]);
            if (loc >= 0) {
                ids[count] = keepIdsTo[i];
                locations[count] = loc;
                count++;
            }
        }
        int fixed = RtpHeader.FIXED_HEADER_LENGTH + 4 * RtpHeader.csrcCount(src, start);
        int bodyStart = RtpHeader.headerLength(src, start);
        int body = src.readableBytes() - bodyStart;
        int block = HeaderExtensions.blockSize(ids, locations, count, addId, addLength);
        int size = fixed + block + body;
        // direct: the socket sends only from direct memory, and a heap copy cost a second pooled buffer and a copy
        // into it before sending (MediaLoop.sendable); SRTP's cipher takes arrays, so it goes through a scratch
        // array instead: one copy more, one pool allocation fewer, ~5 % less server CPU (docs/performance.md)
        ByteBuf dst = alloc.directBuffer(size + tailRoom);
        try {
            dst.writeBytes(src, start, fixed);
            int b0 = src.getUnsignedByte(start);
            dst.setByte(0, block > 0 ? b0 | 0x10 : b0 & ~0x10);
            HeaderExtensions.writeBlock(dst, ids, src, locations, count, addId, addLength);
            dst.writeBytes(src, start + bodyStart, body);
            return dst;
        } catch (RuntimeException e) {
            dst.release();
            throw e;
        }
    }
}

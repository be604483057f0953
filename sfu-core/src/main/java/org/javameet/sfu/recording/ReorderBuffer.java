package org.javameet.sfu.recording;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.SequenceNumbers;

/**
 * Puts one stream's packets back in sequence order before depacketising. The router forwards a packet lost on
 * the publisher's uplink when its retransmission (RTX after the producer's NACK) arrives, so it comes late and
 * out of order; a gap is held open for {@link #maxWaitNanos} (or until {@link #CAPACITY} packets wait behind it)
 * and then skipped, after which the VP8 depacketiser waits for a keyframe.
 *
 * <p>Holds a reference to each packet it keeps and releases it when it is emitted (the sink must not release)
 * or dropped. Writer thread only.
 */
final class ReorderBuffer {
    /** Packets held behind a gap at most: ~2 s of 2.5 Mbps video. */
    static final int CAPACITY = 512;

    private final ByteBuf[] slots = new ByteBuf[CAPACITY];
    private final long[] arrivals = new long[CAPACITY];
    private final long maxWaitNanos;
    private int next = -1;
    private int held;
    private long duplicates;
    private long late;
    private long skipped;

    ReorderBuffer(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * Takes {@code packet} (ownership passes to the buffer) and emits to {@code sink} what is now in order;
     * the sink borrows each packet. Returns the sequence numbers newly found missing (to NACK), or an empty array.
     */
    int[] push(ByteBuf packet, long arrivalNanos, Consumer<ByteBuf> sink) {
        int seq = RtpHeader.sequenceNumber(packet);
        if (next < 0) {
            next = seq;
        }
        int ahead = SequenceNumbers.forwardDistance(next, seq);
        if (ahead >= 0x8000) { // behind next: already emitted or skipped
            late++;
            packet.release();
            return new int[0];
        }
        if (ahead >= CAPACITY) { // far ahead: the stream jumped; give up on what is missing
            skipTo(seq, sink);
            ahead = 0;
        }
        int slot = seq % CAPACITY;
        if (slots[slot] != null) {
            duplicates++;
            packet.release();
            return new int[0];
        }
        int highestBefore = highestHeld();
        slots[slot] = packet;
        arrivals[slot] = arrivalNanos;
        held++;
        int[] missing = new int[0];
        if (ahead > 0 && ahead > highestBefore) {
            // new gap between what was held (or next) and this packet
            int from = Math.max(highestBefore + 1, 0);
            int n = ahead - from;
            missing = new int[n];
            for (int i = 0; i < n; i++) {
                missing[i] = SequenceNumbers.add(next, from + i);
            }
        }
        emitInOrder(sink);
        return missing;
    }

    /** Skips gaps that have waited too long (by the age of the oldest packet held behind them). */
    void expire(long nowNanos, Consumer<ByteBuf> sink) {
        while (held > 0) {
            int oldest = oldestHeldOffset();
            if (nowNanos - arrivals[SequenceNumbers.add(next, oldest) % CAPACITY] < maxWaitNanos) {
                return;
            }
            skipTo(SequenceNumbers.add(next, oldest), sink);
        }
    }

    /** Emits everything held, gaps and all (the stream ended). */
    void flush(Consumer<ByteBuf> sink) {
        while (held > 0) {
            skipTo(SequenceNumbers.add(next, oldestHeldOffset()), sink);
        }
    }

    /** Releases everything held without emitting it. */
    void clear() {
        for (int i = 0; i < CAPACITY; i++) {
            if (slots[i] != null) {
                slots[i].release();
                slots[i] = null;
            }
        }
        held = 0;
    }

    private void skipTo(int seq, Consumer<ByteBuf> sink) {
        // emit what is held before seq (with its gaps), then continue from seq
        int distance = SequenceNumbers.forwardDistance(next, seq);
        for (int i = 0; i < Math.min(distance, CAPACITY) && held > 0; i++) {
            int s = SequenceNumbers.add(next, i);
            ByteBuf p = slots[s % CAPACITY];
            if (p != null) {
                slots[s % CAPACITY] = null;
                held--;
                emit(p, sink);
            } else {
                skipped++;
            }
        }
        next = seq;
        emitInOrder(sink);
    }

    private void emitInOrder(Consumer<ByteBuf> sink) {
        while (held > 0) {
            int slot = next % CAPACITY;
            ByteBuf p = slots[slot];
            if (p == null || RtpHeader.sequenceNumber(p) != next) {
                return;
            }
            slots[slot] = null;
            held--;
            next = SequenceNumbers.add(next, 1);
            emit(p, sink);
        }
    }

    private static void emit(ByteBuf p, Consumer<ByteBuf> sink) {
        try {
            sink.accept(p);
        } finally {
            p.release();
        }
    }

    /** Offset from next of the highest packet held, or -1. */
    private int highestHeld() {
        if (held == 0) {
            return -1;
        }
        for (int i = CAPACITY - 1; i >= 0; i--) {
            if (slots[SequenceNumbers.add(next, i) % CAPACITY] != null) {
                return i;
            }
        }
        return -1;
    }

    private int oldestHeldOffset() {
        for (int i = 0; i < CAPACITY; i++) {
            if (slots[SequenceNumbers.add(next, i) % CAPACITY] != null) {
                return i;
            }
        }
        return -1;
    }

    int held() { return held; }
    long duplicates() { return duplicates; }
    long late() { return late; }
    /** Sequence numbers given up on: never arrived in time. */
    long skipped() { return skipped; }
}

package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtp.RtpHeader;
import org.junit.jupiter.api.Test;

/** Packets back in sequence order; gaps named once for a NACK, held open for a while, then skipped. */
class ReorderBufferTest {
    private static final long WAIT = 300_000_000L;
    private final List<Integer> out = new ArrayList<>();
    private final List<ByteBuf> all = new ArrayList<>();

    private ByteBuf packet(int seq) {
        ByteBuf b = Unpooled.buffer(13);
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(0).writeInt(1).writeByte(0);
        all.add(b);
        return b;
    }

    private int[] push(ReorderBuffer r, int seq, long at) {
        return r.push(packet(seq), at, p -> out.add(RtpHeader.sequenceNumber(p)));
    }

    @Test
    void aLatePacketFillsItsGapAndEverythingComesOutInOrder() {
        ReorderBuffer r = new ReorderBuffer(WAIT);
        assertArrayEquals(new int[0], push(r, 65534, 0));
        assertArrayEquals(new int[] {65535, 0}, push(r, 1, 1), "the gap across the wrap, named once");
        assertArrayEquals(new int[0], push(r, 2, 2), "not named again");
        assertEquals(List.of(65534), out);
        assertArrayEquals(new int[0], push(r, 0, 3));
        assertArrayEquals(new int[0], push(r, 65535, 4));
        assertEquals(List.of(65534, 65535, 0, 1, 2), out);
        assertEquals(0, r.held());
        assertArrayEquals(new int[0], push(r, 65535, 5), "a packet already written is dropped");
        assertEquals(1, r.late());
        all.forEach(b -> assertEquals(0, b.refCnt(), "every packet released"));
    }

    @Test
    void aGapThatStaysOpenIsSkippedAfterTheWait() {
        ReorderBuffer r = new ReorderBuffer(WAIT);
        push(r, 10, 0);
        push(r, 12, 1_000);
        push(r, 13, 2_000);
        r.expire(WAIT, p -> out.add(RtpHeader.sequenceNumber(p)));
        assertEquals(List.of(10), out, "still waiting: the oldest held packet is just under the wait");
        r.expire(WAIT + 1_000, p -> out.add(RtpHeader.sequenceNumber(p)));
        assertEquals(List.of(10, 12, 13), out);
        assertEquals(1, r.skipped());
        push(r, 11, WAIT + 2_000);
        assertEquals(List.of(10, 12, 13), out, "too late now");
        all.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void aJumpBeyondTheCapacityGivesUpOnTheGap() {
        ReorderBuffer r = new ReorderBuffer(WAIT);
        push(r, 100, 0);
        push(r, 102, 0);
        push(r, 100 + ReorderBuffer.CAPACITY + 5, 0);
        assertEquals(List.of(100, 102, 100 + ReorderBuffer.CAPACITY + 5), out);
        push(r, 100 + ReorderBuffer.CAPACITY + 6, 0);
        assertEquals(0, r.held());
        all.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void flushWritesWhatIsHeldAndClearReleasesIt() {
        ReorderBuffer r = new ReorderBuffer(WAIT);
        push(r, 1, 0);
        push(r, 3, 0);
        r.flush(p -> out.add(RtpHeader.sequenceNumber(p)));
        assertEquals(List.of(1, 3), out);
        push(r, 6, 0);
        r.clear();
        assertEquals(0, r.held());
        all.forEach(b -> assertEquals(0, b.refCnt()));
    }
}

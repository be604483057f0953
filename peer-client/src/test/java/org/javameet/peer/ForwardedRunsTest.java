package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a receiver cuts what the SFU forwarded into runs of one layer under one rewrite (the harness's simulcast view). */
class ForwardedRunsTest {
    private static final long MS = 1_000_000L;

    private static MediaStamp stamp(int layer, int originalSeq, long sendNanos) {
        return new MediaStamp(7, sendNanos, originalSeq & 0xFFFF, 0, layer);
    }

    @Test
    void oneLayerWithoutSwitchesIsOneRunEvenAcrossTheOriginalSequenceNumbersWrap() {
        ForwardedRuns runs = new ForwardedRuns(new MeasurementWindow());
        for (int i = 0; i < 100; i++) {
            runs.onInOrder(1000 + i, stamp(2, 65_500 + i, i * MS)); // original numbers wrap at 65,536
        }
        assertEquals(List.of(new ForwardedRun(2, 65_500, 100, 0, 99 * MS)), runs.runs());
    }

    @Test
    void aSwitchStartsARunAndTheNumbersLostJustBeforeItBelongToTheRunItEnded() {
        ForwardedRuns runs = new ForwardedRuns(new MeasurementWindow());
        for (int i = 0; i < 10; i++) {
            runs.onInOrder(500 + i, stamp(2, 100 + i, i * MS));
        }
        // outgoing 510 and 511 (layer 2's 110 and 111) are lost; 512 is layer 0's keyframe, its original 4000
        for (int i = 0; i < 5; i++) {
            runs.onInOrder(512 + i, stamp(0, 4000 + i, (20 + i) * MS));
        }
        assertEquals(List.of(new ForwardedRun(2, 100, 12, 0, 9 * MS), new ForwardedRun(0, 4000, 5, 20 * MS, 24 * MS)),
                runs.runs());
    }

    @Test
    void aGapInsideARunIsPartOfIt() {
        ForwardedRuns runs = new ForwardedRuns(new MeasurementWindow());
        runs.onInOrder(10, stamp(1, 50, 0));
        runs.onInOrder(15, stamp(1, 55, 5 * MS)); // 11..14 lost: same layer, same rewrite
        assertEquals(List.of(new ForwardedRun(1, 50, 6, 0, 5 * MS)), runs.runs());
    }

    @Test
    void theSameLayerUnderANewRewriteIsANewRun() {
        // a resume (last-N) or a switch back to the layer: the SFU's offset changed, so the numbers skipped between
        // are not this receiver's
        ForwardedRuns runs = new ForwardedRuns(new MeasurementWindow());
        runs.onInOrder(10, stamp(1, 50, 0));
        runs.onInOrder(11, stamp(1, 51, MS));
        runs.onInOrder(12, stamp(1, 90, 40 * MS));
        assertEquals(List.of(new ForwardedRun(1, 50, 2, 0, MS), new ForwardedRun(1, 90, 1, 40 * MS, 40 * MS)),
                runs.runs());
    }

    @Test
    void onlyPacketsStampedNearTheWindowMakeRuns() {
        MeasurementWindow window = new MeasurementWindow();
        window.countNothing();
        ForwardedRuns runs = new ForwardedRuns(window);
        runs.onInOrder(1, stamp(0, 1, 0));
        assertEquals(List.of(), runs.runs(), "nothing before the window is known");
        long from = 10_000 * MS;
        window.set(from, from + 5_000 * MS);
        runs.onInOrder(2, stamp(0, 2, from - ForwardedRuns.MARGIN_NANOS - 1));
        runs.onInOrder(3, stamp(0, 3, from - ForwardedRuns.MARGIN_NANOS));
        runs.onInOrder(4, stamp(0, 4, from + 5_000 * MS + ForwardedRuns.MARGIN_NANOS - 1));
        runs.onInOrder(5, stamp(0, 5, from + 5_000 * MS + ForwardedRuns.MARGIN_NANOS));
        assertEquals(List.of(new ForwardedRun(0, 3, 2, from - ForwardedRuns.MARGIN_NANOS,
                from + 5_000 * MS + ForwardedRuns.MARGIN_NANOS - 1)), runs.runs());
    }

    @Test
    void theStampCarriesTheLayerAndALayerZeroStampIsTheOldOne() {
        ByteBuf b = Unpooled.buffer();
        MediaStamp.write(b, 42, 123, 65_535, 0xFFFF_FFFFL, 2);
        assertEquals(new MediaStamp(42, 123, 65_535, 0xFFFF_FFFFL, 2), MediaStamp.read(b, 0));
        ByteBuf old = Unpooled.buffer();
        MediaStamp.write(old, 42, 123, 7, 9);
        assertEquals('J', old.getByte(0));
        assertEquals('M', old.getByte(1));
        assertEquals(0, MediaStamp.read(old, 0).layer());
        old.setByte(1, 'M' + MediaStamp.MAX_LAYERS);
        assertNull(MediaStamp.read(old, 0), "not a stamp");
        assertThrows(IllegalArgumentException.class, () -> MediaStamp.write(Unpooled.buffer(), 1, 1, 1, 1, -1));
        b.release();
        old.release();
    }
}

package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness's simulcast accounting on synthetic runs: a receiver expects the packets of the layers it was
 * forwarded that the publisher sent inside the window, whatever it lost of them.
 */
class SimulcastWindowMathTest {
    private static final long MS = 1_000_000L;
    /** The window: send times 10 s to 20 s. */
    private static final WindowMath.Window W = new WindowMath.Window(10_000 * MS, 20_000 * MS);

    /** Three layers; in the window layer k sent {@code sent[k]} packets from sequence number {@code first[k]}. */
    private static List<LoadParticipant.LayerWindow> layers(int[] first, long[] sent) {
        return List.of(new LoadParticipant.LayerWindow(0, first[0], sent[0]),
                new LoadParticipant.LayerWindow(1, first[1], sent[1]),
                new LoadParticipant.LayerWindow(2, first[2], sent[2]));
    }

    private static LoadParticipant.Run run(int layer, int firstSeq, long packets, long fromMs, long toMs) {
        return new LoadParticipant.Run(layer, firstSeq, packets, fromMs * MS, toMs * MS);
    }

    @Test
    void oneLayerThroughTheWholeWindowExpectsThatLayersWindowPacketsOnly() {
        // the top layer sent 1,000 packets in the window from 65,000 (wrapping); the run starts 50 packets before
        // it and ends 30 after it, all within the runs' margin
        var v = WindowMath.simulcastVideo(List.of(run(2, 64_950, 1_080, 9_500, 20_300)),
                layers(new int[] {100, 200, 65_000}, new long[] {300, 500, 1_000}), W);
        assertEquals(1_000, v.expected(), 1e-9);
        assertArrayEquals(new long[] {0, 0, 10_000 * MS}, v.layerNanos());
        assertEquals(0, v.switches());
        assertEquals(2, v.lastLayer());
    }

    @Test
    void aSwitchDownMidWindowExpectsEachLayersPacketsOfItsOwnStretch() {
        // top layer from before the window to 15 s (its window packets 5,000.. : 500 of them up to the switch),
        // then the lowest layer from its window packet 1,150 (the window's 1,000 + 150) to past the end
        var v = WindowMath.simulcastVideo(List.of(
                        run(2, 4_990, 510, 9_950, 14_990),
                        run(0, 1_150, 160, 15_000, 20_500)),
                layers(new int[] {1_000, 3_000, 5_000}, new long[] {300, 500, 1_000}), W);
        // 500 of the top layer (5,000..5,499) + 150 of the lowest (1,150..1,299; 10 more after the window)
        assertEquals(650, v.expected(), 1e-9);
        assertEquals(1, v.switches());
        assertEquals(0, v.lastLayer());
        assertArrayEquals(new long[] {5_000 * MS, 0, 4_990 * MS}, v.layerNanos());
    }

    @Test
    void packetsLostRightAtTheWindowsStartStillCountAsExpected() {
        // the receiver's first packet in order came before the window, the next ones inside it: the run spans the
        // numbers in between, so what was lost at the edge is expected, not forgotten
        var v = WindowMath.simulcastVideo(List.of(run(1, 2_990, 520, 9_990, 20_100)),
                layers(new int[] {0, 3_000, 0}, new long[] {0, 500, 0}), W);
        assertEquals(500, v.expected(), 1e-9);
    }

    @Test
    void aRunOfALayerThePublisherDidNotSendInTheWindowExpectsNothing() {
        var v = WindowMath.simulcastVideo(List.of(run(2, 10, 5, 9_000, 9_100), run(0, 100, 300, 9_100, 20_500)),
                layers(new int[] {120, -1, -1}, new long[] {250, 0, 0}), W);
        assertEquals(250, v.expected(), 1e-9, "only the lowest layer, from its first window packet");
    }

    @Test
    void whereNothingWasForwardedTheLowestLayerIsExpected() {
        // no run for the last 4 s of the window (a stalled video): 40 % of the lowest layer's window packets
        var v = WindowMath.simulcastVideo(List.of(run(0, 100, 300, 9_500, 16_000)),
                layers(new int[] {150, 3_000, 5_000}, new long[] {400, 500, 1_000}), W);
        assertEquals(250 + 0.4 * 400, v.expected(), 1e-9);
        var none = WindowMath.simulcastVideo(List.of(), layers(new int[] {150, 3_000, 5_000},
                new long[] {400, 500, 1_000}), W);
        assertEquals(400, none.expected(), 1e-9, "a video never forwarded expects the lowest layer throughout");
        assertEquals(-1, none.lastLayer());
    }

    @Test
    void aReceiversExpectedPacketsOfASimulcastPublisherAreItsLayersNotAllOfThem() {
        // publisher 1 sends audio (100 in the window) and three layers (100, 200, 400); receiver 2 got the top
        // layer throughout and lost 40 of it; receiver 3 got the lowest layer and all of it
        LoadParticipant.Snapshot pub = new LoadParticipant.Snapshot(1, 0, 1, 2_000, 800, 0, 0, 0, List.of(),
                layers(new int[] {10, 20, 30}, new long[] {100, 200, 400}));
        LoadParticipant.Snapshot top = new LoadParticipant.Snapshot(0, 0, 1, 0, 0, 0, 0, 0, List.of(
                new LoadParticipant.TrackSnapshot("1/audio", 1, false, 1, 200, 100, 100, 0, 0, 0, new long[0], 10_000,
                        List.of()),
                new LoadParticipant.TrackSnapshot("1/video", 1, true, 1, 900, 360, 360, 0, 0, 0, new long[0], 400_000,
                        List.of(run(2, 20, 420, 9_800, 20_200)))));
        LoadParticipant.Snapshot low = new LoadParticipant.Snapshot(0, 0, 1, 0, 0, 0, 0, 0, List.of(
                new LoadParticipant.TrackSnapshot("1/audio", 1, false, 1, 200, 100, 100, 0, 0, 0, new long[0], 10_000,
                        List.of()),
                new LoadParticipant.TrackSnapshot("1/video", 1, true, 1, 300, 100, 100, 0, 0, 0, new long[0], 40_000,
                        List.of(run(0, 5, 110, 9_900, 20_100)))));
        List<LoadParticipant.Snapshot> end = List.of(pub, top, low);
        List<LoadParticipant.Snapshot> start = List.of(LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY,
                LoadParticipant.Snapshot.EMPTY);
        WindowMath.Result r = WindowMath.compute(new int[] {0, 0, 0}, new boolean[] {true, true, true}, start, end, W);
        assertEquals(800, r.sent());
        assertEquals(100 + 400 + 100 + 100, r.expected(), 1e-9);
        assertEquals(460 + 200, r.delivered());
        WindowMath.Receiver topReceiver = r.receivers().get(1);
        assertEquals(500, topReceiver.expected(), 1e-9);
        assertEquals(8.0, topReceiver.lossPercent(), 1e-9);
        assertEquals(410_000, topReceiver.windowBytes());
        assertArrayEquals(new int[] {0, 0, 1}, topReceiver.layersAtEnd());
        assertEquals(0.0, r.receivers().get(2).lossPercent(), 1e-9);
        assertArrayEquals(new int[] {1, 0, 0}, r.receivers().get(2).layersAtEnd());
        assertEquals(100.0 * 40 / 700, r.lossPercent(), 1e-9);
    }

    @Test
    void aReceiversLayersReadTopFirst() {
        assertEquals("r2 x4, r0 x1", LoadRun.layerCounts(new int[] {1, 0, 4}));
        assertEquals("–", LoadRun.layerCounts(new int[0]));
        assertEquals("r2 75 %, r0 25 %", LoadRun.layerShares(new long[] {1, 0, 3}));
        assertEquals("–", LoadRun.layerShares(new long[] {0, 0, 0}));
    }

    @Test
    void theServersEstimateIsAStepFunctionAveragedOverTheWindow() {
        EstimateSamples e = new EstimateSamples();
        e.add(5_000 * MS, 1_000_000);   // holds until 12 s: 2 s of the window
        e.add(12_000 * MS, 300_000);    // 12..18 s: 6 s
        e.add(18_000 * MS, 600_000);    // 18..20 s: 2 s
        e.add(25_000 * MS, 2_000_000);  // after the window
        double[] m = e.meanAndLast(W.fromNanos(), W.toNanos());
        assertEquals((2 * 1_000_000 + 6 * 300_000 + 2 * 600_000) / 10.0, m[0], 1e-6);
        assertEquals(600_000, m[1], 1e-9);
        assertEquals(Double.NaN, new EstimateSamples().meanAndLast(0, 1)[0]);
    }
}

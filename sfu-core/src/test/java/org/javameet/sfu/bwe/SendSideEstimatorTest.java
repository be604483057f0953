package org.javameet.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Replays synthetic feedback traces ({@link PathSimulator}) and checks the estimate converges within stated
 * bounds and times. The bounds follow from the algorithm, not from one run: on overuse the rate drops to 0.85 ×
 * what got through, so a saturated link settles between about 0.7 and 1.1 × its capacity; growth far from the
 * last congestion point is 8 % a second (1.08^20 ≈ 4.7, so 20 s carries 400 kbit/s back past 1.5 Mbit/s);
 * overuse is detected after about 20 groups of rising delay (the trendline window), well within 2 s.
 */
class SendSideEstimatorTest {
    private static final long S = 1_000_000;

    private static SendSideEstimator estimator() {
        return new SendSideEstimator(new SendSideEstimator.Config(300_000, 50_000, 20_000_000));
    }

    private static void print(String name, PathSimulator sim, SendSideEstimator est) {
        System.out.println(name + ": " + sim.trace());
        System.out.println(name + ": final " + est);
    }

    @Test
    void convergesOnAConstantCapacity() {
        PathSimulator sim = new PathSimulator();
        SendSideEstimator est = estimator();
        sim.run(est, 40 * S);
        print("constant 2.5 Mbit/s", sim, est);
        // from 300 kbit/s at 8 %/s: past 2 Mbit/s within 25 s
        long reached = sim.firstTime(0, e -> e >= 2_000_000);
        assertTrue(reached > 0 && reached <= 25 * S, "reached 2 Mbit/s at " + reached);
        assertTrue(sim.min(30 * S, 40 * S) >= 1_600_000, "held at or above 0.65 C: " + sim.min(30 * S, 40 * S));
        assertTrue(sim.max(30 * S, 40 * S) <= 3_000_000, "never far above C: " + sim.max(30 * S, 40 * S));
    }

    @Test
    void followsACapacityStepDownAndBackUp() {
        PathSimulator sim = new PathSimulator();
        sim.capacityBps = t -> t >= 30 * S && t < 60 * S ? 400_000 : 2_500_000;
        SendSideEstimator est = estimator();
        sim.run(est, 90 * S);
        print("2.5 -> 0.4 -> 2.5 Mbit/s", sim, est);
        long before = sim.mean(25 * S, 30 * S);
        assertTrue(before >= 1_600_000, "converged before the step: " + before);
        long down = sim.firstTime(30 * S, e -> e <= 600_000);
        assertTrue(down > 0 && down <= 32 * S, "below 600 kbit/s within 2 s of the step, at " + down);
        assertTrue(sim.max(40 * S, 60 * S) <= 560_000, "stays near 400 kbit/s: max " + sim.max(40 * S, 60 * S));
        assertTrue(sim.min(40 * S, 60 * S) >= 200_000, "but does not collapse: min " + sim.min(40 * S, 60 * S));
        long up = sim.firstTime(60 * S, e -> e >= 1_500_000);
        assertTrue(up > 0 && up <= 85 * S, "back above 1.5 Mbit/s within 25 s of the capacity returning, at " + up);
    }

    @Test
    void backsOffWhenQueueDelayRises() {
        PathSimulator sim = new PathSimulator();
        sim.capacityBps = t -> 20_000_000;
        sim.sourceBps = 1_500_000;
        // a competing queue: one-way delay grows 100 ms a second for 3 s from 30 s on, then stays
        sim.extraDelayMicros = t -> t < 30 * S ? 0 : Math.min(t - 30 * S, 3 * S) / 10;
        SendSideEstimator est = estimator();
        sim.run(est, 60 * S);
        print("rising queue delay", sim, est);
        long before = sim.min(25 * S, 30 * S);
        assertTrue(before >= 1_500_000, "at the source rate or above before: " + before);
        long cut = sim.firstTime(30 * S, e -> e < before * 0.9);
        assertTrue(cut > 0 && cut <= 31 * S, "cut within 1 s of the delay starting to rise, at " + cut);
        assertTrue(sim.min(30 * S, 34 * S) <= 700_000, "and keeps cutting while it rises: " + sim.min(30 * S, 34 * S));
        long recovered = sim.firstTime(33 * S, e -> e >= 1_000_000);
        assertTrue(recovered > 0 && recovered <= 53 * S, "above 1 Mbit/s within 20 s of the delay levelling, at " + recovered);
    }

    @Test
    void lossBurstsCutTheEstimateAndLowLossDoesNot() {
        PathSimulator sim = new PathSimulator();
        sim.capacityBps = t -> 20_000_000;
        sim.sourceBps = 1_500_000;
        // 1 % background loss throughout; 30 % between 30 s and 33 s
        sim.lossProbability = t -> t >= 30 * S && t < 33 * S ? 0.30 : 0.01;
        SendSideEstimator est = estimator();
        sim.run(est, 60 * S);
        print("loss bursts", sim, est);
        long before = sim.min(25 * S, 30 * S);
        assertTrue(before >= 1_500_000, "1 % loss does not hold the estimate down: " + before);
        long during = sim.min(30 * S, 33_500_000);
        assertTrue(during <= before / 2, "30 % loss for 3 s at least halves it: " + during + " from " + before);
        long recovered = sim.firstTime(33 * S, e -> e >= 1_500_000);
        assertTrue(recovered > 0 && recovered <= 58 * S, "back above 1.5 Mbit/s within 25 s of the burst, at " + recovered);
    }

    /**
     * Today's SFU cannot send less than its publishers do (no layers to choose yet): 1 Mbit/s into a 300 kbit/s
     * bottleneck, with 70 % loss from the overflowing queue. The estimate must settle near what gets through,
     * not collapse to the minimum, so it says something true about the downlink.
     */
    @Test
    void aSenderThatCannotAdaptGetsThePathsThroughputNotTheMinimum() {
        PathSimulator sim = new PathSimulator();
        sim.followsEstimate = false;
        sim.sourceBps = 1_000_000;
        sim.capacityBps = t -> 300_000;
        SendSideEstimator est = estimator();
        sim.run(est, 30 * S);
        print("1 Mbit/s into 300 kbit/s, not adapting", sim, est);
        assertTrue(sim.min(10 * S, 30 * S) >= 150_000, "at least half the throughput: " + sim.min(10 * S, 30 * S));
        assertTrue(sim.max(10 * S, 30 * S) <= 450_000, "at most 1.5 x the capacity: " + sim.max(10 * S, 30 * S));
    }

    @Test
    void reorderingIsNotCongestion() {
        PathSimulator sim = new PathSimulator();
        sim.reorderProbability = 0.05;
        SendSideEstimator est = estimator();
        sim.run(est, 40 * S);
        print("5 % reordered", sim, est);
        assertTrue(sim.min(30 * S, 40 * S) >= 1_600_000, "as on a clean path: " + sim.min(30 * S, 40 * S));
        assertTrue(sim.max(30 * S, 40 * S) <= 3_000_000, "never far above C: " + sim.max(30 * S, 40 * S));
    }

    /** A sender with only {@code sourceBps} to send on a path of {@code capacityBps}, probing every interval (0: never). */
    private static PathSimulator applicationLimited(long sourceBps, long capacityBps, long probeIntervalMicros) {
        PathSimulator sim = new PathSimulator();
        sim.sourceBps = sourceBps;
        sim.capacityBps = t -> capacityBps;
        sim.probeIntervalMicros = probeIntervalMicros;
        return sim;
    }

    @Test
    void probesLiftAnApplicationLimitedEstimateToWhatThePathCarries() {
        // a subscriber held on a 300 kbit/s layer of a 3 Mbit/s path: acknowledged 300, so 1.5 x that is the ceiling
        PathSimulator unprobed = applicationLimited(300_000, 3_000_000, 0);
        SendSideEstimator plain = estimator();
        unprobed.run(plain, 20 * S);
        print("300 kbit/s of media on 3 Mbit/s, no probes", unprobed, plain);
        assertTrue(unprobed.max(0, 20 * S) <= 470_000, "without probes, never past 1.5 x acknowledged: "
                + unprobed.max(0, 20 * S));

        PathSimulator sim = applicationLimited(300_000, 3_000_000, S);
        SendSideEstimator est = estimator();
        sim.run(est, 20 * S);
        print("300 kbit/s of media on 3 Mbit/s, a probe at 2 x a second", sim, est);
        // each probe doubles the estimate while the path keeps up: 300 -> 600 -> 1,200 -> 2,400 kbit/s by 4 s
        long reached = sim.firstTime(0, e -> e >= 2_000_000);
        assertTrue(reached > 0 && reached <= 5 * S, "past 2 Mbit/s within 5 s, at " + reached);
        assertTrue(sim.max(0, 20 * S) <= 3_300_000, "never past the capacity: " + sim.max(0, 20 * S));
        assertTrue(sim.min(8 * S, 20 * S) >= 2_000_000, "and stays near it: " + sim.min(8 * S, 20 * S));
    }

    @Test
    void probesOnANarrowPathMeasureItAndLiftNothing() {
        PathSimulator sim = applicationLimited(300_000, 400_000, S);
        SendSideEstimator est = estimator();
        sim.run(est, 30 * S);
        print("300 kbit/s of media on 400 kbit/s, a probe at 2 x a second", sim, est);
        assertTrue(est.probeResults() >= 20, "probes measured: " + est.probeResults());
        assertTrue(est.lastProbeResult() > 0 && est.lastProbeResult() <= 420_000,
                "a probe measures the path's capacity: " + est.lastProbeResult());
        assertTrue(sim.max(5 * S, 30 * S) <= 560_000, "the estimate stays near 400 kbit/s: " + sim.max(5 * S, 30 * S));
        assertTrue(sim.min(5 * S, 30 * S) >= 200_000, "and does not collapse: " + sim.min(5 * S, 30 * S));
    }
}

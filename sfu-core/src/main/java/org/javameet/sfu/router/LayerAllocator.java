package org.javameet.sfu.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses, for one subscriber, which spatial and temporal layer each of its video consumers forwards
 * (mediasoup's and LiveKit's per-transport allocation, in small):
 * <ol>
 *   <li>the budget is the subscriber's send-side estimate (unlimited without transport-cc), less what its audio
 *       takes;</li>
 *   <li>consumers are served in priority order: screen share first, then the larger tiles (the receiver's
 *       reported height; a consumer without a report counts as large);</li>
 *   <li>each gets the best (layer, temporal layer) whose measured bitrate fits what is left, never above the
 *       smallest layer at least as tall as its tile (so a thumbnail never gets the top layer); fewer temporal
 *       layers of a layer come before a lower layer, so frame rate goes before resolution; when nothing fits,
 *       the lowest layer's base temporal layer, so the video keeps going;</li>
 *   <li>going down happens at once; going up one rung of that ladder at a time, at most every {@link #STEP_UP_HOLD_NANOS} per subscriber, and not for
 *       {@link #STEP_UP_AFTER_STEP_DOWN_NANOS} after a step down to a lower spatial layer (after one that only took
 *       temporal layers off, which costs no keyframe either way, the ordinary hold): the estimate cannot exceed 1.5 × what is
 *       acknowledged, so a subscriber climbs as its estimate follows what it is sent, and a step the path cannot
 *       carry shows up in the estimate before the next;</li>
 *   <li>a step up to a higher spatial layer begins with that layer's keyframe, several frames' worth in one go:
 *       it needs room for the layer's rate plus its last keyframe spread over {@link #KEYFRAME_SPREAD_NANOS}
 *       (a rung that fits on average but not with its keyframe went up and down every second under a
 *       400 kbit/s link);</li>
 *   <li>a consumer still waiting for the keyframe of a layer it was moved to is not moved up: the estimate has
 *       not seen the decision yet.</li>
 * </ol>
 * A step down within {@link #OSCILLATION_WINDOW_NANOS} of a step up the estimate allowed is an oscillation, counted
 * ({@link #oscillations()}).
 * Video consumers last-N pauses take no part: they keep their last target, chosen anew when they resume.
 * Media loop only; time is passed in.
 */
final class LayerAllocator {
    static final long STEP_UP_HOLD_NANOS = 1_000_000_000L;
    /**
     * No ordinary step up this long after a step down to a lower spatial layer: the estimate that just fell must
     * show the path recovered, and each spatial switch costs a keyframe. A rung's measured rate swings by a keyframe
     * from one 1 s window to the next, so temporal layers come off in brief dips; after those only
     * {@link #STEP_UP_HOLD_NANOS} (each dip cost ShapedDownlinkBrowserTest's climb back 4 s).
     */
    static final long STEP_UP_AFTER_STEP_DOWN_NANOS = 4_000_000_000L;
    /**
     * The temporal layers being forwarded are kept while the rung's rate is at most what is left times this: a
     * layer's measured rate swings by ~10 % from one 1 s window to the next, and with the estimate just about it,
     * ShapedDownlinkBrowserTest's viewer took T2 off and put it back every second or two, each dip putting the
     * next trial off. Only within the spatial layer being forwarded: a tolerance on a step down to a lower spatial
     * layer once held a capped receiver on a target whose keyframe the cap could not pass (SimulcastLayersTest).
     */
    static final double TEMPORAL_KEEP_TOLERANCE = 1.1;
    /** A step up to a new spatial layer needs room for the layer's last keyframe sent over this long. */
    static final long KEYFRAME_SPREAD_NANOS = 1_000_000_000L;
    /** A step down this soon after a step up undoes it: an oscillation. */
    static final long OSCILLATION_WINDOW_NANOS = 4_000_000_000L;
    /** What an audio consumer is counted at before its producer's rate is measured. */
    static final long AUDIO_BITRATE = 40_000;
    /**
     * What a video layer is counted at before it is measured, by distance from the top layer (top, one below,
     * two below): roughly what Chromium gives 720p, 360p and 180p.
     */
    private static final long[] UNMEASURED_LAYER_BITRATE = {1_200_000, 400_000, 120_000};
    /** Of a layer's rate, what its temporal layers 0, 0-1 and 0-2 take before measured (libwebrtc's L1T3 split). */
    private static final double[] UNMEASURED_TEMPORAL_SHARE = {0.4, 0.6, 1.0};

    /** The first trial waits this long after the last step down; each failed trial doubles it, up to the max. */
    static final long TRIAL_BACKOFF_MIN_NANOS = 4_000_000_000L;
    static final long TRIAL_BACKOFF_MAX_NANOS = 16_000_000_000L;
    /**
     * A trial rung is kept while the estimate does not fall below this share of its highest value since the trial
     * began: no complaint from the path (delay growth, loss) means it carries the rung, even while the estimate,
     * which grows by a few percent a second, has not caught up with the rung's rate yet.
     */
    static final double TRIAL_ABANDON_SHARE = 0.9;
    /** A step down this soon after a trial started means the path could not carry it. */
    static final long TRIAL_FAILS_WITHIN_NANOS = 4_000_000_000L;

    private long lastStepUpNanos = Long.MIN_VALUE / 2;
    private long lastStepDownNanos = Long.MIN_VALUE / 2;
    /** The last step down to a lower spatial layer (a keyframe's cost each way), not just fewer temporal layers. */
    private long lastSpatialStepDownNanos = Long.MIN_VALUE / 2;
    /** The last step up the estimate allowed (not a trial). */
    private long lastOrdinaryStepUpNanos = Long.MIN_VALUE / 2;
    private long oscillations;
    private long trialBackoffNanos = TRIAL_BACKOFF_MIN_NANOS;
    /** No trial before this; pushed on by every step down (the path just said no). */
    private long nextTrialNanos = Long.MIN_VALUE / 2;
    /** When the last trial started, or MIN while none is being judged. */
    private long trialStartedNanos = Long.MIN_VALUE;
    private long trials;
    /** The consumer on trial, the rung it was given, and the highest estimate since the trial began. */
    private Consumer trialConsumer;
    private int trialRung;
    private long trialEstimate;

    /**
     * The order consumers get the budget in: screen shares first, then the tallest tiles (no constraint counts as
     * tallest). Compares ints, where a {@code thenComparing} key extractor boxed one per comparison.
     */
    private static final Comparator<Consumer> SHARE_FIRST_THEN_TALLEST_TILE = (a, b) -> {
        boolean shareA = a.producer().screenShare();
        if (shareA != b.producer().screenShare()) {
            return shareA ? -1 : 1;
        }
        return Integer.compare(tileHeight(b), tileHeight(a));
    };

    private static int tileHeight(Consumer c) {
        return c.maxHeight() <= 0 ? Integer.MAX_VALUE : c.maxHeight();
    }

    /**
     * Chooses every consumer's layer. Returns the measured bitrate of what was chosen (audio and the video rungs;
     * unmeasured ones count 0): above the estimate when even the lowest rungs do not fit, and the pacer must not
     * hold back sustained media the allocator cannot cut ({@link Pacer}).
     */
    long allocate(List<Consumer> consumers, long estimate, long nowNanos) {
        long remaining = estimate < 0 ? Long.MAX_VALUE : estimate;
        long chosen = 0;
        long wanted = 0;
        List<Consumer> video = new ArrayList<>();
        for (int i = 0; i < consumers.size(); i++) {
            Consumer c = consumers.get(i);
            if (c.producer().video()) {
                if (!c.pausedByLastN()) { // sends nothing: no layer, no share of the budget
                    video.add(c);
                }
            } else {
                long audio = c.producer().layers()[0].bitrateUpToTemporal[ProducerLayer.TEMPORAL_LAYERS - 1];
                remaining -= audio > 0 ? audio : AUDIO_BITRATE;
                chosen += audio;
                wanted += audio > 0 ? audio : AUDIO_BITRATE;
            }
        }
        video.sort(SHARE_FIRST_THEN_TALLEST_TILE);
        boolean mayStepUp = nowNanos - lastStepUpNanos >= STEP_UP_HOLD_NANOS
                && nowNanos - lastStepDownNanos >= STEP_UP_HOLD_NANOS
                && nowNanos - lastSpatialStepDownNanos >= STEP_UP_AFTER_STEP_DOWN_NANOS;
        boolean steppedUp = false;
        boolean steppedDown = false;
        boolean steppedDownSpatially = false;
        boolean mayTry = estimate >= 0 && mayStepUp && nowNanos >= nextTrialNanos;
        for (Consumer c : video) {
            Producer p = c.producer();
            int cap = p.layerForHeight(c.maxHeight());
            List<Integer> ladder = new ArrayList<>(); // rungs, best first: layer * TEMPORAL_LAYERS + temporal layer
            for (int layer = cap; layer >= 0; layer--) {
                if (p.layers()[layer].active(nowNanos)) {
                    for (int t = ProducerLayer.TEMPORAL_LAYERS - 1; t >= 0; t--) {
                        ladder.add(layer * ProducerLayer.TEMPORAL_LAYERS + t);
                    }
                }
            }
            if (ladder.isEmpty()) {
                continue; // the publisher sends nothing now: keep the target, resume where it was
            }
            wanted += need(p, ladder.get(0));
            int current = c.targetLayer() * ProducerLayer.TEMPORAL_LAYERS + c.maxTemporalLayer();
            int best = ladder.get(ladder.size() - 1);
            for (int rung : ladder) {
                if (need(p, rung) + keyframeAllowance(p, rung, c.targetLayer()) <= remaining) {
                    best = rung;
                    break;
                }
            }
            // switched to a layer whose keyframe has not come yet: what the estimate sees is not the decision
            boolean switchPending = c.currentLayer() >= 0 && c.currentLayer() != c.targetLayer();
            if (best < current && best / ProducerLayer.TEMPORAL_LAYERS == current / ProducerLayer.TEMPORAL_LAYERS
                    && !switchPending && c != trialConsumer && ladder.contains(current)
                    && need(p, current) <= remaining * TEMPORAL_KEEP_TOLERANCE) {
                best = current; // a swing of the measured rate, not a path that says no: keep the temporal layers
            }
            if (c == trialConsumer) {
                trialEstimate = Math.max(trialEstimate, estimate);
                if (best >= trialRung) {
                    trialConsumer = null; // the estimate caught up: the trial succeeded
                    trialBackoffNanos = TRIAL_BACKOFF_MIN_NANOS;
                    trialStartedNanos = Long.MIN_VALUE;
                    // the path has room again: the next trial (to the next spatial layer, which the estimate cannot
                    // reach by itself) need not wait out the interval set when this one began, backed off
                    nextTrialNanos = Math.min(nextTrialNanos, nowNanos + TRIAL_BACKOFF_MIN_NANOS);
                } else if (estimate >= trialEstimate * TRIAL_ABANDON_SHARE && ladder.contains(trialRung)) {
                    best = trialRung; // on trial, and the path has not complained: keep it
                } else {
                    trialConsumer = null; // the estimate fell: the step down below judges the trial
                }
            }
            if (best > current && ladder.contains(current) && estimate >= 0) { // no estimate: nothing to climb
                if (mayStepUp && !steppedUp && !switchPending) {
                    best = ladder.get(ladder.indexOf(current) - 1); // one rung up
                    steppedUp = true;
                    lastOrdinaryStepUpNanos = nowNanos;
                    if (best / ProducerLayer.TEMPORAL_LAYERS > current / ProducerLayer.TEMPORAL_LAYERS) {
                        // the estimate allows a higher spatial layer, keyframe and all: the path has room again, as
                        // after a successful trial, so trials are no longer backed off
                        trialBackoffNanos = TRIAL_BACKOFF_MIN_NANOS;
                        nextTrialNanos = Math.min(nextTrialNanos, nowNanos + TRIAL_BACKOFF_MIN_NANOS);
                    }
                } else {
                    best = current;
                }
            } else if (best == current && mayTry && !steppedUp && !switchPending && ladder.indexOf(current) > 0) {
                // The estimate cannot exceed 1.5 x what is acknowledged, and rungs can be further apart than that
                // (r0 to r1 is ~3x): a subscriber held below what its tile wants would never learn the path has
                // room again. So once in a while try the next rung anyway: sending it is the probe. If the path
                // cannot carry it, the estimate falls and the next pass steps down, and the next trial waits twice
                // as long (up to TRIAL_BACKOFF_MAX_NANOS).
                best = ladder.get(ladder.indexOf(current) - 1);
                steppedUp = true;
                trialConsumer = c;
                trialRung = best;
                trialEstimate = estimate;
                trialStartedNanos = nowNanos;
                nextTrialNanos = nowNanos + trialBackoffNanos;
                trials++;
            } else if (best < current) {
                steppedDown = true;
                if (best / ProducerLayer.TEMPORAL_LAYERS < current / ProducerLayer.TEMPORAL_LAYERS) {
                    steppedDownSpatially = true;
                }
            }
            c.targetLayer(best / ProducerLayer.TEMPORAL_LAYERS);
            c.maxTemporalLayer(best % ProducerLayer.TEMPORAL_LAYERS);
            remaining -= need(p, best);
            chosen += measured(p, best);
        }
        if (steppedUp) {
            lastStepUpNanos = nowNanos;
        }
        if (steppedDown) {
            if (nowNanos - lastOrdinaryStepUpNanos <= OSCILLATION_WINDOW_NANOS) {
                oscillations++; // the last step up was undone (a failed trial is not counted: it was a probe)
            }
            lastStepDownNanos = nowNanos;
            if (steppedDownSpatially) {
                lastSpatialStepDownNanos = nowNanos;
            }
            if (trialStartedNanos != Long.MIN_VALUE && nowNanos - trialStartedNanos <= TRIAL_FAILS_WITHIN_NANOS) {
                trialBackoffNanos = Math.min(TRIAL_BACKOFF_MAX_NANOS, trialBackoffNanos * 2); // the trial failed
                trialStartedNanos = Long.MIN_VALUE;
                trialConsumer = null;
            }
            nextTrialNanos = Math.max(nextTrialNanos, nowNanos + trialBackoffNanos);
        }
        wantedBitrate = wanted;
        return chosen;
    }

    private long wantedBitrate;

    /**
     * What the last {@link #allocate} would have given with an unlimited estimate: audio and every video consumer's
     * best rung its tile allows (measured, or assumed until measured). Above the estimate, the subscriber is held
     * back by it, and a bandwidth probe may find the path has room ({@link Prober}).
     */
    long wantedBitrate() {
        return wantedBitrate;
    }

    /** Step downs that came within {@link #OSCILLATION_WINDOW_NANOS} of a step up the estimate allowed (not a trial). */
    long oscillations() {
        return oscillations;
    }

    /**
     * What a step to {@code rung} must leave room for besides its rate: nothing within {@code fromLayer}, else the
     * new layer's keyframe (last measured; until then, a quarter second of the layer's rate) over
     * {@link #KEYFRAME_SPREAD_NANOS}.
     */
    static long keyframeAllowance(Producer p, int rung, int fromLayer) {
        int layer = rung / ProducerLayer.TEMPORAL_LAYERS;
        if (layer <= fromLayer) {
            return 0;
        }
        long bytes = p.layers()[layer].keyframeBytes;
        long bits = bytes > 0 ? bytes * 8 : need(p, layer * ProducerLayer.TEMPORAL_LAYERS + ProducerLayer.TEMPORAL_LAYERS - 1) / 4;
        return bits * 1_000_000_000L / KEYFRAME_SPREAD_NANOS;
    }

    /** Rungs tried above what the estimate allowed (see {@link #allocate}). */
    long trials() {
        return trials;
    }

    /** The measured bitrate of {@code rung} (layer and temporal layers up to it), 0 until measured. */
    static long measured(Producer p, int rung) {
        return p.layers()[rung / ProducerLayer.TEMPORAL_LAYERS].bitrateUpToTemporal[rung % ProducerLayer.TEMPORAL_LAYERS];
    }

    /** The bitrate of {@code rung} (layer and temporal layers up to it): measured, or assumed until measured. */
    static long need(Producer p, int rung) {
        int layer = rung / ProducerLayer.TEMPORAL_LAYERS;
        int t = rung % ProducerLayer.TEMPORAL_LAYERS;
        long measured = p.layers()[layer].bitrateUpToTemporal[t];
        if (measured > 0) {
            return measured;
        }
        int fromTop = Math.min(p.layerCount() - 1 - layer, UNMEASURED_LAYER_BITRATE.length - 1);
        return (long) (UNMEASURED_LAYER_BITRATE[fromTop] * UNMEASURED_TEMPORAL_SHARE[t]);
    }
}

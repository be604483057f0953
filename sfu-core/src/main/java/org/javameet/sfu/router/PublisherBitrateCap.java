package org.javameet.sfu.router;

import java.util.List;

/**
 * The bitrate a publisher is told in REMB: what its receivers need of its tracks, not a fixed ceiling. Chromium
 * honours the least of its own estimate and the REMB for the whole connection, so this is a ceiling on everything
 * the publisher sends; its own congestion control (transport-cc) still decides below it.
 * <ul>
 *   <li>a simulcast camera needs the layers it is asked to send ({@link Producer#sentTop()}: the same decision
 *       as {@code layersPaused}, so the REMB never contradicts it), each at the most libwebrtc ever gives a
 *       stream of that height ({@link #maxBitrateForHeight}), or at what it is measured at if more;</li>
 *   <li>a camera of one encoding needs, when every receiver shows it smaller than it is sent, what a stream of
 *       the largest tile's height needs (its encoder then lowers quality or scales down); otherwise everything;</li>
 *   <li>a consumer without a tile report, and the recorder, want everything; a consumer last-N pauses wants
 *       nothing; a camera nobody watches keeps its lowest layer (a new receiver starts at once);</li>
 *   <li>a screen share is not capped by tiles: a publisher with one gets the ceiling (one REMB covers the
 *       whole connection);</li>
 *   <li>audio counts at its measured rate; the sum gets {@link #HEADROOM} (REMB counts packet overhead, the
 *       rates here are RTP payload and header), never falls below {@link #FLOOR_VIDEO} plus the audio (the
 *       lowest layer keeps going; an audio-only publisher gets no REMB at all), and never exceeds the
 *       configured ceiling.</li>
 * </ul>
 * Pure apart from reading the producers' state; media loop only.
 */
final class PublisherBitrateCap {
    /** On top of what the layers need: packet overhead (IP, UDP, SRTP) and encoder overshoot. */
    static final double HEADROOM = 1.2;
    /** libwebrtc's lowest simulcast rung (320x180 and below): never less than this for video. */
    static final long FLOOR_VIDEO = 200_000;

    /**
     * The most libwebrtc gives a simulcast stream of a height (its {@code kSimulcastFormats} table, maximum
     * column), tallest first: no encoder of ours asks more for a stream that tall.
     */
    private static final int[] HEIGHTS = {1080, 720, 540, 360, 270, 180};
    private static final long[] MAX_BITRATES = {5_000_000, 2_500_000, 900_000, 700_000, 450_000, 200_000};

    private PublisherBitrateCap() {
    }

    /** The REMB for a publisher with {@code producers}, at most {@code ceiling}. */
    static long of(List<Producer> producers, long ceiling) {
        long audio = 0;
        long video = 0;
        boolean hasVideo = false;
        for (int i = 0; i < producers.size(); i++) {
            Producer p = producers.get(i);
            if (!p.video()) {
                long measured = p.layers()[0].bitrateUpToTemporal[ProducerLayer.TEMPORAL_LAYERS - 1];
                audio += measured > 0 ? measured : LayerAllocator.AUDIO_BITRATE;
                continue;
            }
            hasVideo = true;
            long need = p.screenShare() ? -1 : videoNeed(p);
            if (need < 0) {
                return ceiling; // wants everything
            }
            video += need;
        }
        // every video track needs at least the lowest rung (the table's least), so this holds the floor too
        long wanted = (long) ((Math.max(video, hasVideo ? FLOOR_VIDEO : 0) + audio) * HEADROOM);
        return Math.min(ceiling, wanted);
    }

    /** What one video track's receivers need of it, or -1 for everything (no basis to hold it back). */
    static long videoNeed(Producer p) {
        ProducerLayer[] layers = p.layers();
        if (p.layerCount() > 1) {
            long sum = 0;
            int top = p.sentTop();
            for (int i = 0; i <= top; i++) {
                int h = p.knownOrAssumedHeight(i);
                if (h <= 0) {
                    return -1;
                }
                long measured = layers[i].bitrateUpToTemporal[ProducerLayer.TEMPORAL_LAYERS - 1];
                sum += Math.max(maxBitrateForHeight(h), measured);
            }
            return sum;
        }
        int tile = wantedTileHeight(p);
        if (tile == 0) {
            return FLOOR_VIDEO; // nobody watches: keep it going at the least, for whoever comes
        }
        int sent = layers[0].height;
        if (tile < 0 || sent <= 0 || tile >= sent) {
            return -1;
        }
        return maxBitrateForHeight(tile);
    }

    /**
     * The tallest tile any consumer that receives the track shows it in: -1 when one wants everything (no tile
     * report, or the recorder), 0 when nobody receives it.
     */
    static int wantedTileHeight(Producer p) {
        int tallest = 0;
        List<Consumer> consumers = p.consumers();
        for (int i = 0; i < consumers.size(); i++) {
            Consumer c = consumers.get(i);
            if (c.pausedByLastN()) {
                continue;
            }
            if (c.maxHeight() <= 0 || c.subscriber().receivesAllVideo()) {
                return -1;
            }
            tallest = Math.max(tallest, c.maxHeight());
        }
        return tallest;
    }

    /** The most libwebrtc gives a stream {@code height} pixels tall: the rung of the shortest format at least as tall. */
    static long maxBitrateForHeight(int height) {
        long rate = MAX_BITRATES[0];
        for (int i = 0; i < HEIGHTS.length; i++) {
            if (HEIGHTS[i] >= height) {
                rate = MAX_BITRATES[i];
            }
        }
        return rate;
    }
}

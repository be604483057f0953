package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.javameet.sfu.session.ForwardedVideo;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.room.RoomProbe;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * A weak downlink with real Chromium (issue 11): a publisher sends a detailed 720p clip
 * ({@link Browsers#detailedCameraClip()}) as three simulcast layers, one viewer watches over test.sh's veth, the
 * other from a {@link ShapedNamespace}, all of whose traffic crosses one veth; media goes over UDP (asserted: over
 * ICE-TCP, TCP's own congestion control would meet the shaping). Both get the top layer (their windows are large
 * enough that the tile asks for it); then the veth towards the shaped viewer is narrowed to {@value #SHAPED_RATE}
 * (tc tbf, its queue dropping what would wait over 200 ms), which carries audio and the 180p or 360p layer but
 * not the top one (~1-1.5 Mbit/s): within 10 s the server sends that viewer a lower spatial layer (by the
 * server's own view of its consumer), and it keeps decoding (at least a quarter of the unshaped viewer's frames:
 * a busy machine slows every browser; frozen at most half the time) with few layer switches (the first step
 * down and a trial up and back per trial backoff), while the other viewer keeps the top layer; the link at full
 * speed again, the shaped viewer gets the top layer back within 20 s. Prints the figures: the publisher's layers
 * and their rates on the wire, layers forwarded and every change of them, estimates (and their parts),
 * Chromium's freeze counters, switches, times.
 *
 * <p>The shaping is certain to be on the viewer's path (the namespace has no other way out), unlike a filter by
 * port on loopback. Waits are the bounds, as the server sees them: its estimate and allocator run on the
 * media loop, not in the busy browsers.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class ShapedDownlinkBrowserTest {
    private static final String SHAPED_RATE = "400kbit";
    /** LayerAllocator.TRIAL_BACKOFF_MAX_NANOS: under the cap, trials come at most this often once backed off. */
    private static final double TRIAL_BACKOFF_MAX_SECONDS = 16;
    private static final long CLOCK_ZERO = System.nanoTime();
    private static final String ROOM = "Downlink-room";
    /**
     * The top layer: the highest the publisher sends now (r2, 720p, unless a busy machine made its encoder drop
     * it: Chromium's CPU adaptation scales every layer down, to 540p/270p/135p, and then stops r2; a viewer can
     * have no more than there is). By index, as heights change with that adaptation.
     */
    private static final Predicate<ForwardedVideo> TOP_LAYER = v -> v != null && v.layer() >= 0
            && v.layer() == v.highestActiveLayer() && v.targetLayer() == v.layer();
    /** The top layer with all its temporal layers (full frame rate). */
    private static final Predicate<ForwardedVideo> WHOLE_TOP_LAYER = v -> TOP_LAYER.test(v)
            && v.maxTemporalLayer() == 2;
    /** A spatial layer below the publisher's top one being forwarded, and chosen. */
    private static final Predicate<ForwardedVideo> LOWER_LAYER = v -> v != null && v.layer() >= 0
            && v.layer() < v.highestActiveLayer() && v.targetLayer() < v.highestActiveLayer();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * The viewers' windows: wide enough that the publisher's tile (16:9, one of a 2 x 2 grid) is over 360 px high
     * (~395), so the tile asks for the 720p layer; at 1280x800 it is 348 px, 360p is all a viewer is given and
     * the publisher is told to pause its 720p encoding. No larger: drawing big windows costs the two cores.
     */
    private static final int VIEWER_WIDTH = 1440;
    private static final int VIEWER_HEIGHT = 900;

    @Test
    void aViewerBehindANarrowLinkGetsTheLowLayerAndTheTopOneBackWhenItWidens() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(ChromiumNamespace.missingPrerequisite());
        try (ShapedNamespace shapedNet = new ShapedNamespace()) {
            // HTTP on every address of the test's namespace: loopback for two browsers, the veth for the third
            ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("0.0.0.0").httpPort(FreePorts.tcp())
                    .mediaPort(FreePorts.udp())
                    .publicAddresses(hostCandidates()).build();
            try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
                int port = server.httpAddress().getPort();
                String hash = "#config.prejoinPageEnabled=false";
                WebDriver publisher = browsers.open(Browsers.detailedCameraClip());
                publisher.get("http://127.0.0.1:" + port + "/" + ROOM + hash
                        + "&config.disableSimulcast=false&userInfo.displayName=%22Publisher%22");
                Browsers.awaitState(publisher, "joined", WAIT);
                // the viewers' cameras are off: only the publisher's video matters, and two cores encode less
                WebDriver loopback = browsers.open(VIEWER_WIDTH, VIEWER_HEIGHT);
                loopback.get("http://127.0.0.1:" + port + "/" + ROOM + hash
                        + "&config.startWithVideoMuted=true&userInfo.displayName=%22Loopback%22");
                String shapedOrigin = "http://" + ShapedNamespace.HOST_ADDRESS + ":" + port;
                WebDriver shaped = shapedNet.openChromium(shapedOrigin, VIEWER_WIDTH, VIEWER_HEIGHT);
                shaped.get(shapedOrigin + "/" + ROOM + hash
                        + "&config.startWithVideoMuted=true&userInfo.displayName=%22Shaped%22");
                String publisherId = (String) Browsers.js(publisher, "return window.javameet.participantId");
                for (WebDriver viewer : List.of(loopback, shaped)) {
                    Browsers.awaitState(viewer, "joined", WAIT);
                    Browsers.await("a viewer decoding the publisher", WAIT,
                            () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(viewer), List.of(publisherId)));
                }
                // media over UDP, as in the field: over ICE-TCP the shaping would meet TCP's own congestion control.
                // On a busy machine a browser may nominate its ICE-TCP pair first when a UDP check answer comes late
                // (seen in CI, as in ThreeBrowserMeetingTest); it moves to the better UDP pair once that one is
                // writable, which is what must happen.
                for (WebDriver viewer : List.of(loopback, shaped)) {
                    String name = viewer == shaped ? "shaped" : "loopback";
                    long udpCheck = System.nanoTime();
                    Browsers.await("the " + name + " viewer's subscribe path over UDP (now "
                                    + IceTcpBrowserTest.selectedPairs(viewer) + ")", Duration.ofSeconds(30),
                            () -> "udp".equals(IceTcpBrowserTest.pair(IceTcpBrowserTest.selectedPairs(viewer),
                                    "subscribe").get("remote")));
                    System.out.printf("[downlink] selected pairs %s %s (UDP %.1f s after the check began)%n", name,
                            IceTcpBrowserTest.selectedPairs(viewer), (System.nanoTime() - udpCheck) / 1e9);
                }
                String loopbackId = idOf(loopback);
                String shapedId = idOf(shaped);
                // every change of what the server sends either viewer, with the publisher's highest active layer:
                // a lower layer while the top one is active was the allocator's choice, else the publisher's
                try (LayerLog layerLog = new LayerLog(server, publisherId, Map.of("loopback", loopbackId,
                        "shaped", shapedId))) {
                    try {
                        // 720p (r2): the publisher sends it once its own estimate allows (a busy server slows
                        // that ramp), and the shaping must take the viewer off it
                        awaitLayer(server, loopbackId, publisherId, "the loopback viewer on the top layer", WAIT,
                                v -> TOP_LAYER.test(v) && v.layer() == 2);
                        awaitLayer(server, shapedId, publisherId, "the shaped viewer on the top layer, whole, before shaping",
                                WAIT, v -> WHOLE_TOP_LAYER.test(v) && v.layer() == 2);
                    } finally {
                        print("unshaped", server, publisher, loopback, shaped, publisherId);
                    }

                    // On the wire (measured, docs/performance.md): 720p ~1.0-1.2 Mbit/s, 360p ~300-370 kbit/s, 180p
                    // ~120-130, audio ~50. SHAPED_RATE carries audio and 360p (at fewer temporal layers) or 180p,
                    // never the top layer, even at its base temporal layer (~40 % of it).
                    System.out.println("[downlink] publisher sends (kbit/s on the wire) " + wireRates(publisher));
                    String rate = SHAPED_RATE;
                    ForwardedVideo beforeShaping = forwarded(server, shapedId, publisherId);
                    long switchesBefore = beforeShaping == null ? 0 : beforeShaping.layerSwitches();
                    shapedNet.shapeDownlink(rate);
                    long shapedAt = System.nanoTime();
                    System.out.println("[downlink] the shaped viewer's link narrowed to " + rate);
                    String stats;
                    try {
                        awaitLayer(server, shapedId, publisherId, "the shaped viewer on a lower layer",
                                Duration.ofSeconds(10), LOWER_LAYER);
                        System.out.printf("[downlink] lower layer after %.1f s%n", (System.nanoTime() - shapedAt) / 1e9);
                        // it keeps decoding, below the top layer, while the loopback viewer keeps the top one
                        Map<String, Object> before = SimulcastBrowserTest.camera(shaped, "Publisher");
                        Map<String, Object> beforeLoopback = SimulcastBrowserTest.camera(loopback, "Publisher");
                        long watchStart = System.nanoTime();
                        for (int i = 0; i < 4; i++) {
                            Thread.sleep(3000);
                            print("shaped " + rate, server, publisher, loopback, shaped, publisherId);
                        }
                        double watched = (System.nanoTime() - watchStart) / 1e9;
                        Map<String, Object> after = SimulcastBrowserTest.camera(shaped, "Publisher");
                        double decoded = num(after, "framesDecoded") - num(before, "framesDecoded");
                        double frozen = num(after, "totalFreezesDuration") - num(before, "totalFreezesDuration");
                        ForwardedVideo low = forwarded(server, shapedId, publisherId);
                        long switches = low == null ? -1 : low.layerSwitches() - switchesBefore;
                        System.out.printf("[downlink] shaped: %.0f frames decoded in %.1f s, %.0f freezes (%.2f s),"
                                + " %d layer switches since the shaping began, %.0f oscillations in the server%n",
                                decoded, watched, num(after, "freezeCount") - num(before, "freezeCount"), frozen,
                                switches, Browsers.metric(server, "javameet_media_layer_oscillations_total"));
                        // a busy machine slows every browser's decoding: the unshaped viewer's pace is the yardstick
                        double decodedUnshaped = num(SimulcastBrowserTest.camera(loopback, "Publisher"), "framesDecoded")
                                - num(beforeLoopback, "framesDecoded");
                        System.out.printf("[downlink] the unshaped viewer decoded %.0f frames meanwhile%n", decodedUnshaped);
                        assertTrue(decoded >= Math.max(12, decodedUnshaped / 4), "the shaped viewer stopped decoding: "
                                + decoded + " frames in " + watched + " s (the unshaped one " + decodedUnshaped + ")");
                        assertTrue(frozen <= watched / 2, "the shaped viewer was frozen " + frozen + " s of " + watched);
                        assertTrue(LOWER_LAYER.test(low), "the server sends the shaped viewer " + low);
                        // the first step down, then at most a trial (up and down) per LayerAllocator trial backoff
                        long allowed = 2 + 2 * (long) Math.ceil(watched / TRIAL_BACKOFF_MAX_SECONDS + 1);
                        assertTrue(switches <= allowed, switches + " layer switches under the cap in " + watched
                                + " s; at most " + allowed);
                        // The unshaped viewer gets the top layer. Its own estimate dips on a busy machine too (its
                        // browser stamps arrivals late while three Chromiums decode: seen at 739 kbit/s in one CI
                        // run), so what must hold is that it is on the top layer or climbs back to it, not that
                        // no dip happened at the moment of this check.
                        long topCheck = System.nanoTime();
                        awaitLayer(server, loopbackId, publisherId, "the unshaped viewer on the top layer",
                                Duration.ofSeconds(20), TOP_LAYER);
                        System.out.printf("[downlink] the unshaped viewer on the top layer (%.1f s after the check"
                                + " began)%n", (System.nanoTime() - topCheck) / 1e9);
                    } finally {
                        stats = shapedNet.unshape();
                    }
                    long liftedAt = System.nanoTime();
                    System.out.println("[downlink] shaping lifted; it was: " + stats);
                    assertTrue(stats.matches(".*qdisc tbf .*?Sent [1-9]\\d* bytes.*"), "the shaping saw none of the media: "
                            + stats);
                    awaitLayer(server, shapedId, publisherId, "the shaped viewer back on the top layer",
                            Duration.ofSeconds(20), TOP_LAYER);
                    System.out.printf("[downlink] top layer again after %.1f s%n", (System.nanoTime() - liftedAt) / 1e9);
                    Browsers.await("the shaped viewer decoding what the unshaped one does (the top layer) again", WAIT,
                            () -> num(SimulcastBrowserTest.camera(shaped, "Publisher"), "frameHeight")
                                    == num(SimulcastBrowserTest.camera(loopback, "Publisher"), "frameHeight"));
                    print("unshaped again", server, publisher, loopback, shaped, publisherId);
                }
            }
        }
    }

    /**
     * Polls what the server forwards to each viewer every 250 ms and keeps each change (layer forwarded, target,
     * temporal layers, the publisher's highest active layer) with its time and the server's estimate then, to tell
     * the allocator's steps from a publisher that stopped a layer.
     */
    private static final class LayerLog implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService poller =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        private final Map<String, List<String>> changes = new java.util.concurrent.ConcurrentHashMap<>();

        LayerLog(JavameetServer server, String publisherId, Map<String, String> viewers) {
            viewers.keySet().forEach(name -> changes.put(name, java.util.Collections.synchronizedList(new ArrayList<>())));
            poller.scheduleWithFixedDelay(() -> viewers.forEach((name, id) -> {
                ForwardedVideo v = forwarded(server, id, publisherId);
                String state = v == null ? "none" : "layer " + v.layer() + " (" + v.layerHeight() + "p) T"
                        + v.maxTemporalLayer() + " target " + v.targetLayer() + ", publisher's top active "
                        + v.highestActiveLayer();
                List<String> list = changes.get(name);
                if (list.isEmpty() || !list.get(list.size() - 1).contains(state)) {
                    String estimate;
                    try {
                        estimate = RoomProbe.bandwidthEstimate(server, ROOM, id);
                    } catch (Exception e) {
                        estimate = "estimate unknown: " + e;
                    }
                    list.add(String.format("%.2f s: %s [%s]", (System.nanoTime() - CLOCK_ZERO) / 1e9, state, estimate));
                }
            }), 0, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void print() {
            changes.forEach((name, list) -> {
                synchronized (list) {
                    System.out.println("[downlink] " + name + " viewer, every change: " + list);
                }
            });
        }

        @Override
        public void close() {
            poller.shutdownNow();
            print(); // passed or failed
        }
    }

    /**
     * The browsers outside gather on test.sh's veth (192.0.2.1, see {@link Browsers#HOST_CANDIDATES}); the shaped
     * one reaches the server only through its own veth, at {@link ShapedNamespace#HOST_ADDRESS}.
     */
    private static List<String> hostCandidates() {
        List<String> addresses = new ArrayList<>(Browsers.HOST_CANDIDATES);
        addresses.add(ShapedNamespace.HOST_ADDRESS);
        return addresses;
    }

    /** Waits until what the server forwards to the viewer passes {@code test}, printing what it saw meanwhile. */
    private static void awaitLayer(JavameetServer server, String viewerId, String publisherId, String what,
            Duration timeout, Predicate<ForwardedVideo> test) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        try {
            Browsers.await(what, timeout, () -> {
                ForwardedVideo v = forwarded(server, viewerId, publisherId);
                String rung = v == null ? "none" : v.layerHeight() + "p T" + v.maxTemporalLayer() + " (target layer "
                        + v.targetLayer() + ", " + v.layerSwitches() + " switches, tile " + v.tileHeight() + " px)";
                if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(rung)) {
                    seen.add(String.format("%.1f s: %s", (System.nanoTime() - CLOCK_ZERO) / 1e9, rung));
                }
                return v != null && test.test(v);
            });
        } finally {
            System.out.println("[downlink]   " + what + ": " + seen);
        }
    }

    /** What the server forwards of the publisher's camera to the viewer; null if its media loop did not say in 5 s. */
    private static ForwardedVideo forwarded(JavameetServer server, String viewerId, String publisherId) {
        try {
            return RoomProbe.forwardedVideo(server, ROOM, viewerId, publisherId);
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println("[downlink] the media loop did not answer within 5 s");
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per viewer: the layer the server sends, what the browser decodes, the server's estimate. */
    private static void print(String phase, JavameetServer server, WebDriver publisher, WebDriver loopback,
            WebDriver shaped, String publisherId) throws Exception {
        System.out.println("[downlink] " + phase + ", publisher sends " + outboundLayers(publisher) + "; its estimate "
                + (long) (ShapedUplinkBrowserTest.estimate(publisher) / 1000) + " kbit/s, the server's REMB to it at most "
                + (long) Browsers.metric(server, "javameet_media_publisher_remb_bits_per_second_max") + " bit/s");
        for (WebDriver viewer : List.of(loopback, shaped)) {
            String id = idOf(viewer);
            Map<String, Object> in = SimulcastBrowserTest.camera(viewer, "Publisher");
            ForwardedVideo v = forwarded(server, id, publisherId);
            Object estimate = Browsers.js(viewer, "const me = window.javameet.participants().find(p => p.local);"
                    + "return me && me.downlinkBps != null ? me.downlinkBps : 0");
            System.out.printf("[downlink] %s, %s: server layer %s (%sp, T%s), estimate %d kbit/s; browser %dx%d %d fps,"
                    + " %d frames, %d freezes (%.2f s), %d kB received, %d lost%n", phase, viewer == shaped ? "shaped" : "loopback",
                    v == null ? "-" : v.layer(), v == null ? "-" : v.layerHeight(), v == null ? "-" : v.maxTemporalLayer(),
                    (long) (num(Map.of("e", estimate), "e") / 1000), (int) num(in, "frameWidth"),
                    (int) num(in, "frameHeight"), (int) num(in, "framesPerSecond"), (long) num(in, "framesDecoded"),
                    (long) num(in, "freezeCount"), num(in, "totalFreezesDuration"),
                    (long) (num(in, "bytesReceived") / 1000), (long) num(in, "packetsLost"));
        }
        for (WebDriver viewer : List.of(loopback, shaped)) {
            String estimate;
            try {
                estimate = RoomProbe.bandwidthEstimate(server, ROOM, idOf(viewer));
            } catch (java.util.concurrent.TimeoutException e) {
                estimate = "(the media loop did not answer within 5 s)";
            }
            System.out.println("[downlink]   server's estimate for the " + (viewer == shaped ? "shaped" : "loopback")
                    + " viewer: " + estimate);
        }
        server.meterRegistry().scrape().lines()
                .filter(l -> l.startsWith("javameet_media_dropped") || l.startsWith("javameet_media_retrans")
                        || l.startsWith("javameet_media_keyframe") || l.startsWith("javameet_media_layer")
                        || l.startsWith("javameet_media_paced") || l.startsWith("javameet_media_bwe"))
                .filter(l -> !l.endsWith(" 0.0"))
                .forEach(l -> System.out.println("[downlink]   server " + l));
    }

    /** Each encoding the publisher sends: rid, size, frame rate, its encoder's target and what limits it. */
    @SuppressWarnings("unchecked")
    private static List<String> outboundLayers(WebDriver publisher) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) Browsers.stats(publisher).getOrDefault("outbound", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (!"audio".equals(m.get("kind"))) {
                out.add(m.get("rid") + " " + (int) num(m, "frameWidth") + "x" + (int) num(m, "frameHeight") + " "
                        + (int) num(m, "framesPerSecond") + " fps, target " + (long) (num(m, "targetBitrate") / 1000)
                        + " kbit/s, limited by " + m.get("qualityLimitationReason"));
            }
        }
        return out;
    }

    /**
     * What the publisher sends, kbit/s on the wire over the next 2 s (payload and RTP headers, plus ~40 bytes a
     * packet of SRTP tag and IP/UDP), by camera rid ("r1", "r2") and "audio".
     */
    @SuppressWarnings("unchecked")
    static Map<String, Double> wireRates(WebDriver publisher) throws InterruptedException {
        Map<String, Double> before = wireBytes(publisher);
        long t0 = System.nanoTime();
        Thread.sleep(2000);
        Map<String, Double> after = wireBytes(publisher);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> out.put(k, (double) Math.round((v - before.getOrDefault(k, v)) * 8 / seconds / 1000)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> wireBytes(WebDriver publisher) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (Object o : (List<Object>) Browsers.stats(publisher).getOrDefault("outbound", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o;
            String key = "audio".equals(m.get("kind")) ? "audio" : (String) m.get("rid");
            if (key != null) {
                out.merge(key, num(m, "bytesSent") + num(m, "packetsSent") * (12 + 8 + 40), Double::sum);
            }
        }
        return out;
    }


    private static double num(Map<String, Object> m, String key) {
        return m == null ? 0 : ThreeBrowserMeetingTest.num(m.get(key));
    }

    private static String idOf(WebDriver d) {
        return (String) Browsers.js(d, "return window.javameet.participantId");
    }
}

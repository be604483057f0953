package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * A weak uplink with real Chromium (issue 11, publisher side): the publisher runs in a {@link ShapedNamespace},
 * a viewer on loopback. Publish connections negotiate transport-cc, so the server's feedback lets Chromium's own
 * estimator measure the uplink: first its estimate climbs well above {@value #SHAPED_RATE}, then, once the
 * namespace's side of the veth sends through {@value #SHAPED_RATE} (tc tbf on the publisher's egress), its
 * encoder's target (summed over the simulcast layers it still sends) falls below that rate, and the viewer keeps
 * decoding. Prints the figures.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class ShapedUplinkBrowserTest {
    private static final String SHAPED_RATE = "200kbit";
    private static final long SHAPED_BPS = 200_000;
    /** The publisher's side of ShapedNamespace's veth: its egress is the publisher's uplink. */
    private static final String PUBLISHER_INTERFACE = "jmshp1";
    private static final String ROOM = "Uplink-room";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aPublisherBehindANarrowUplinkLowersItsTargetAndTheViewerKeepsDecoding() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(ChromiumNamespace.missingPrerequisite());
        try (ShapedNamespace publisherNet = new ShapedNamespace()) {
            ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("0.0.0.0").httpPort(FreePorts.tcp())
                    .mediaPort(FreePorts.udp())
                    .publicAddresses(List.of("127.0.0.1", ShapedNamespace.HOST_ADDRESS)).build();
            try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
                int port = server.httpAddress().getPort();
                String hash = "#config.prejoinPageEnabled=false";
                String origin = "http://" + ShapedNamespace.HOST_ADDRESS + ":" + port;
                WebDriver publisher = publisherNet.openChromium(origin);
                publisher.get(origin + "/" + ROOM + hash + "&userInfo.displayName=%22Publisher%22");
                Browsers.awaitState(publisher, "joined", WAIT);
                WebDriver viewer = browsers.open();
                viewer.get("http://127.0.0.1:" + port + "/" + ROOM + hash
                        + "&config.startWithVideoMuted=true&userInfo.displayName=%22Viewer%22");
                Browsers.awaitState(viewer, "joined", WAIT);
                String publisherId = (String) Browsers.js(publisher, "return window.javameet.participantId");
                Browsers.await("the viewer decoding the publisher", WAIT,
                        () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(viewer), List.of(publisherId)));

                // a 360p camera in ALR climbs slowly (on a busy machine the server's arrival times jitter too)
                long start = System.nanoTime();
                long above = SHAPED_BPS * 3 / 2;
                Browsers.await("the publisher's estimate above 1.5 x the rate it will be shaped to", WAIT, () -> {
                    print("unshaped", server, publisher, viewer);
                    return estimate(publisher) > above;
                });
                System.out.printf("[uplink] estimate above %d kbit/s after %.1f s%n", above / 1000,
                        (System.nanoTime() - start) / 1e9);
                assertTrue(Browsers.metric(server, "javameet_media_transport_cc_feedback_sent_total") > 0,
                        "the server sent the publisher transport-cc feedback");

                publisherNet.inside("tc", "qdisc", "replace", "dev", PUBLISHER_INTERFACE, "root", "tbf", "rate",
                        SHAPED_RATE, "burst", "8kb", "latency", "200ms");
                long shapedAt = System.nanoTime();
                System.out.println("[uplink] the publisher's uplink narrowed to " + SHAPED_RATE);
                String qdisc;
                try {
                    Browsers.await("the publisher's video target below " + SHAPED_RATE, Duration.ofSeconds(20), () -> {
                        print("shaped " + SHAPED_RATE, server, publisher, viewer);
                        double target = cameraTarget(sendingLayers(publisher));
                        return target > 0 && target < SHAPED_BPS;
                    });
                    double after = (System.nanoTime() - shapedAt) / 1e9;
                    System.out.printf("[uplink] target below %s after %.1f s%n", SHAPED_RATE, after);

                    Map<String, Object> before = viewed(viewer);
                    for (int i = 0; i < 4; i++) {
                        Thread.sleep(2000);
                        lastPrintNanos = 0;
                        print("shaped " + SHAPED_RATE, server, publisher, viewer);
                    }
                    Map<String, Object> later = viewed(viewer);
                    double decoded = num(later, "framesDecoded") - num(before, "framesDecoded");
                    System.out.printf("[uplink] viewer: %.0f frames decoded in 8 s under shaping, %.0f freezes (%.2f s)%n",
                            decoded, num(later, "freezeCount") - num(before, "freezeCount"),
                            num(later, "totalFreezesDuration") - num(before, "totalFreezesDuration"));
                    assertTrue(decoded >= 16, "the viewer stopped decoding: " + decoded + " frames in 8 s");
                    List<Map<String, Object>> layers = sendingLayers(publisher);
                    assertTrue(cameraTarget(layers) < SHAPED_BPS * 1.2,
                            "the publisher's target stays near the shaped rate: " + layers);
                } finally {
                    qdisc = publisherNet.inside("tc", "-s", "qdisc", "show", "dev", PUBLISHER_INTERFACE).trim()
                            .replaceAll("\\s+", " ");
                    publisherNet.inside("tc", "qdisc", "del", "dev", PUBLISHER_INTERFACE, "root");
                }
                System.out.println("[uplink] shaping lifted; it was: " + qdisc);
            }
        }
    }

    /**
     * The publisher's camera encodings that its encoder is feeding now (outbound-rtp with a target above 0). With
     * simulcast (the default) Chromium stops the layers its estimate cannot carry: their entries stay, with the
     * bytes they sent before and a target of 0, so no single entry stands for the camera.
     */
    private static List<Map<String, Object>> sendingLayers(WebDriver publisher) {
        List<Map<String, Object>> layers = new ArrayList<>();
        if (Browsers.stats(publisher).get("outbound") instanceof List<?> l) {
            for (Object o : l) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                if ("video".equals(m.get("kind")) && num(m, "targetBitrate") > 0) {
                    layers.add(m);
                }
            }
        }
        layers.sort(Comparator.comparingDouble(m -> num(m, "frameWidth")));
        return layers;
    }

    /** Chromium's estimate of the publish connection's uplink (on every outbound-rtp entry), bits per second. */
    static double estimate(WebDriver publisher) {
        if (Browsers.stats(publisher).get("outbound") instanceof List<?> l) {
            return l.stream().mapToDouble(o -> num((Map<?, ?>) o, "availableOutgoingBitrate")).max().orElse(0);
        }
        return 0;
    }

    /** The camera's target over all its sending layers, bits per second. */
    private static double cameraTarget(List<Map<String, Object>> layers) {
        return layers.stream().mapToDouble(m -> num(m, "targetBitrate")).sum();
    }

    /** The viewer's inbound-rtp of the publisher's camera, or null. */
    private static Map<String, Object> viewed(WebDriver viewer) {
        return SimulcastBrowserTest.camera(viewer, "Publisher");
    }

    private static long lastPrintNanos;

    /** One line of figures, at most once a second (the waits poll five times as often). */
    private static void print(String phase, JavameetServer server, WebDriver publisher, WebDriver viewer) {
        if (System.nanoTime() - lastPrintNanos < 1_000_000_000L) {
            return;
        }
        lastPrintNanos = System.nanoTime();
        List<Map<String, Object>> layers = sendingLayers(publisher);
        Map<String, Object> out = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        Map<String, Object> in = viewed(viewer);
        System.out.printf("[uplink] %s: publisher target %d kbit/s on %d layer(s), estimate %d kbit/s, top %dx%d; viewer %dx%d, %d frames,"
                        + " %d freezes, %d lost; server REMB %d kbit/s, %d transport-cc feedback sent%n", phase,
                (long) cameraTarget(layers) / 1000, layers.size(), (long) estimate(publisher) / 1000,
                (int) num(out, "frameWidth"), (int) num(out, "frameHeight"), (int) num(in, "frameWidth"),
                (int) num(in, "frameHeight"), (long) num(in, "framesDecoded"), (long) num(in, "freezeCount"),
                (long) num(in, "packetsLost"), (long) Browsers.metric(server, "javameet_media_publisher_remb_bits_per_second_max") / 1000,
                (long) Browsers.metric(server, "javameet_media_transport_cc_feedback_sent_total"));
    }


    private static double num(Map<?, ?> m, String key) {
        return m == null ? 0 : ThreeBrowserMeetingTest.num(m.get(key));
    }
}

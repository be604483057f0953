package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.session.ForwardedVideo;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.room.RoomProbe;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * Simulcast from Firefox ESR (issue 11): the web client asks Firefox for the same layers as Chromium (r0, r1, r2
 * of its 1280x720 fake camera: 320x180, 640x360, 1280x720), the server takes Firefox's offer (its
 * {@code a=simulcast}, rid and repaired-rid extensions, RTX per layer) as one producer with three layers, and each
 * Chromium viewer gets the layer its tile needs: 360p in the test's window, 180p when the window shrinks to a
 * phone's, 360p again when it grows back, decoding throughout. No tile needs 720p, so the server pauses r2 and
 * Firefox stops encoding it ({@code layersPaused}, {@code active = false}). Checked in the browsers' stats
 * (Firefox's outbound layers, the viewers' decoded frame height) and the server's own view of each consumer.
 * Prints the figures.
 *
 * <p>Firefox gathers host candidates only on an interface a default route points to (see
 * {@link FirefoxMeetingTest}): the server announces the namespace's own addresses.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class FirefoxSimulcastBrowserTest {
    private static final String ROOM = "Firefox-simulcast-room";
    /** The layer a tile of the test window's size (about 350 px tall) needs of a 720p camera: r1. */
    private static final int LARGE = 360;
    /** The layer a phone's tile (about 140 px tall) needs: r0. */
    private static final int SMALL = 180;
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    void firefoxPublishesLayersAndEachChromiumViewerGetsTheOneItsTileNeeds() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(FirefoxParticipant.missingPrerequisite());
        ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("127.0.0.1").httpPort(FreePorts.tcp())
                .mediaPort(FreePorts.udp()).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/" + ROOM
                    + "#config.prejoinPageEnabled=false";
            // Firefox's fake camera takes the size the client asks for: 1280x720, so three layers
            try (FirefoxParticipant fox = new FirefoxParticipant("publisher", base + "&userInfo.displayName=%22Fox%22")) {
                fox.awaitLoaded();
                Browsers.await("Firefox joined", Duration.ofSeconds(30), () -> "joined".equals(fox.state()));
                // the viewers' cameras are off: only Firefox's video matters, and two cores encode less
                WebDriver large = browsers.open();
                large.get(base + "&config.startWithVideoMuted=true&userInfo.displayName=%22Large%22");
                WebDriver small = browsers.open();
                small.get(base + "&config.startWithVideoMuted=true&userInfo.displayName=%22Small%22");
                try {
                    Browsers.await("Firefox sending its camera as 320x180 and 640x360", SETTLE,
                            () -> outboundLayers(fox).containsAll(List.of("r0 320x180", "r1 640x360")));
                } finally {
                    System.out.println("[firefox-simulcast] Firefox sends " + outboundLayers(fox));
                }

                SimulcastBrowserTest.awaitHeight(large, "Fox", "the large viewer on the 360p layer", h -> h == LARGE);
                awaitServerLayer(server, large, fox, "the server forwarding the 360p layer to the large viewer", LARGE);
                System.out.println("[firefox-simulcast] large viewer's tiles "
                        + Browsers.js(large, "return JSON.stringify(window.javameet.tileSizes)"));

                SimulcastBrowserTest.phone(small, 240, 480);
                SimulcastBrowserTest.awaitHeight(small, "Fox", "the phone on the 180p layer", h -> h == SMALL);
                awaitServerLayer(server, small, fox, "the server forwarding the 180p layer to the phone", SMALL);
                keepsDecoding(small, "the phone");
                awaitServerLayer(server, large, fox, "the server still forwarding the 360p layer to the large viewer",
                        LARGE);

                SimulcastBrowserTest.phone(small, 0, 0);
                SimulcastBrowserTest.awaitHeight(small, "Fox", "the viewer back on the 360p layer", h -> h == LARGE);
                awaitServerLayer(server, small, fox, "the server forwarding the 360p layer to the viewer again", LARGE);
                keepsDecoding(small, "the viewer back on the 360p layer");

                // No tile needs 720p: the server pauses r2 (layersPaused) and Firefox stops encoding it
                long before = framesEncoded(fox, "r2");
                Thread.sleep(3_000);
                long after = framesEncoded(fox, "r2");
                System.out.println("[firefox-simulcast] Firefox sends " + outboundLayers(fox) + "; r2 frames "
                        + before + " then " + after + " 3 s later");
                assertEquals(before, after, "Firefox kept encoding r2, which the server paused");
            }
        }
    }

    /** The viewer's frames of Fox's camera keep coming: more decoded 2 s later. */
    private static void keepsDecoding(WebDriver viewer, String who) throws InterruptedException {
        double first = ThreeBrowserMeetingTest.num(SimulcastBrowserTest.camera(viewer, "Fox").get("framesDecoded"));
        Thread.sleep(2_000);
        Map<String, Object> in = SimulcastBrowserTest.camera(viewer, "Fox");
        double later = ThreeBrowserMeetingTest.num(in.get("framesDecoded"));
        System.out.printf("[firefox-simulcast] %s decoded %.0f frames in 2 s; %s freezes (%s s) so far%n", who,
                later - first, in.get("freezeCount"), in.get("totalFreezesDuration"));
        assertTrue(later > first, who + " decoded no frame in 2 s");
    }

    private static long framesEncoded(FirefoxParticipant fox, String rid) throws Exception {
        for (JsonNode o : fox.eval("window.javameet.stats()").path("outbound")) {
            if (rid.equals(o.path("rid").asText())) {
                return o.path("framesEncoded").asLong();
            }
        }
        return 0;
    }

    private static void awaitServerLayer(JavameetServer server, WebDriver viewer, FirefoxParticipant publisher,
            String what, int height) throws Exception {
        String viewerId = (String) Browsers.js(viewer, "return window.javameet.participantId");
        String publisherId = publisher.eval("window.javameet.participantId").asText();
        Browsers.await(what, SETTLE, () -> {
            ForwardedVideo v = forwarded(server, viewerId, publisherId);
            return v != null && v.layerHeight() == height;
        });
        System.out.println("[firefox-simulcast] " + what + ": " + forwarded(server, viewerId, publisherId));
    }

    private static ForwardedVideo forwarded(JavameetServer server, String viewerId, String publisherId) {
        try {
            return RoomProbe.forwardedVideo(server, ROOM, viewerId, publisherId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Firefox's camera encodings that have encoded frames, as "rid WxH" (Firefox reports 0x0 before a frame). */
    private static List<String> outboundLayers(FirefoxParticipant fox) {
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode o : fox.eval("window.javameet.stats()").path("outbound")) {
                if ("video".equals(o.path("kind").asText()) && o.hasNonNull("rid") && o.path("framesEncoded").asLong() > 0) {
                    out.add(o.path("rid").asText() + " " + o.path("frameWidth").asInt() + "x" + o.path("frameHeight").asInt());
                }
            }
        } catch (Exception e) {
            out.add("(" + e.getMessage() + ")");
        }
        return out;
    }
}

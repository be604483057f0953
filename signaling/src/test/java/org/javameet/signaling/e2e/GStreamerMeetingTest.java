package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * A non-browser WebRTC stack publishes and subscribes: GStreamer webrtcbin participants (max-bundle, so their
 * video is offered bundle-only; before that was understood they sent nothing at all) join before and after
 * a Chromium. Every participant must decode the others' video and receive their audio.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class GStreamerMeetingTest {

    @Test
    void webrtcbinJoiningBeforeAndAfterChromiumSeesAndIsSeen() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(GStreamerParticipant.missingPrerequisite());
        // No publicAddresses: libnice, like Firefox, pairs its host candidate (the namespace's 192.0.2.1, see
        // test.sh) only with a non-loopback one, so the server announces the namespace's addresses.
        ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("127.0.0.1").httpPort(FreePorts.tcp())
                .mediaPort(FreePorts.udp()).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            int port = server.httpAddress().getPort();
            String ws = "ws://127.0.0.1:" + port + "/ws";
            try (GStreamerParticipant before = new GStreamerParticipant(ws, "Gst-room", "Gst-before")) {
                Browsers.await("webrtcbin (before) joined and published", Duration.ofSeconds(30),
                        () -> before.status().path("published").asBoolean());
                WebDriver chromium = browsers.open();
                chromium.get("http://127.0.0.1:" + port + "/Gst-room#config.prejoinPageEnabled=false"
                        + "&userInfo.displayName=%22Chromium%22");
                Browsers.await("Chromium joined", Duration.ofSeconds(30),
                        () -> "joined".equals(Browsers.js(chromium, "return window.javameet && window.javameet.state")));
                String chromiumId = (String) Browsers.js(chromium, "return window.javameet.participantId");
                try (GStreamerParticipant after = new GStreamerParticipant(ws, "Gst-room", "Gst-after")) {
                    Browsers.await("webrtcbin (after) joined and published", Duration.ofSeconds(30),
                            () -> after.status().path("published").asBoolean());
                    List<String> ids = List.of(chromiumId, before.participantId(), after.participantId());
                    assertEquals(3, ids.stream().distinct().count(), ids.toString());

                    awaitOrDump("Chromium decoding and hearing both webrtcbin participants", server,
                            () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(chromium),
                                    List.of(before.participantId(), after.participantId())),
                            () -> "Chromium: " + Browsers.stats(chromium));
                    awaitOrDump("webrtcbin (before) decoding and hearing Chromium and the other", server,
                            () -> before.receivesAll(List.of(chromiumId, after.participantId())),
                            () -> "before: " + before.status());
                    awaitOrDump("webrtcbin (after) decoding and hearing Chromium and the other", server,
                            () -> after.receivesAll(List.of(chromiumId, before.participantId())),
                            () -> "after: " + after.status());
                    for (Map<String, Object> in : ThreeBrowserMeetingTest.inbound(Browsers.stats(chromium))) {
                        System.out.printf("[e2e] Chromium receives %s %s: %s frames decoded (%sx%s), %s packets%n",
                                in.get("participantId"), in.get("kind"), in.get("framesDecoded"), in.get("frameWidth"),
                                in.get("frameHeight"), in.get("packetsReceived"));
                    }
                    System.out.println("[e2e] webrtcbin before: " + before.status());
                    System.out.println("[e2e] webrtcbin after: " + after.status());
                }
            }
        }
    }

    private static void awaitOrDump(String what, JavameetServer server, java.util.function.Supplier<Boolean> condition,
                                    java.util.function.Supplier<String> state) throws InterruptedException {
        try {
            Browsers.await(what, Duration.ofSeconds(45), condition);
        } catch (AssertionError e) {
            System.out.println("[e2e] at timeout: " + state.get());
            server.meterRegistry().scrape().lines()
                    .filter(l -> (l.startsWith("javameet_media") || l.startsWith("javameet_sdp")) && !l.endsWith(" 0.0"))
                    .forEach(l -> System.out.println("[e2e] server " + l));
            throw e;
        }
    }
}

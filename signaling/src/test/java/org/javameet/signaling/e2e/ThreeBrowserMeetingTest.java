package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The meeting slice end to end: three real Chromium participants (fake camera and microphone) meet
 * through the real server; each decodes the other two's video and receives their audio; when one leaves,
 * the others' tiles for them disappear. Prints join-to-first-frame time, bitrate and resolution.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class ThreeBrowserMeetingTest {

    @Test
    void threeBrowsersSeeAndHearEachOther() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        ServerConfig config = LoopbackConfig.builder().publicAddresses(Browsers.HOST_CANDIDATES).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/E2E-room";
            List<WebDriver> peers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                WebDriver d = browsers.open();
                d.get(base + "#config.prejoinPageEnabled=false&userInfo.displayName=%22Browser" + i + "%22");
                peers.add(d);
            }
            List<String> ids = new ArrayList<>();
            for (WebDriver d : peers) {
                Browsers.await("joined", Duration.ofSeconds(20), () -> "joined".equals(Browsers.js(d, "return window.javameet && window.javameet.state")));
                ids.add((String) Browsers.js(d, "return window.javameet.participantId"));
            }
            assertEquals(3, ids.stream().distinct().count());

            // each decodes both others' video and receives their audio
            for (int i = 0; i < peers.size(); i++) {
                WebDriver d = peers.get(i);
                List<String> others = new ArrayList<>(ids);
                others.remove(ids.get(i));
                try {
                    Browsers.await("browser " + i + " decoding video and receiving audio of " + others,
                            Duration.ofSeconds(30), () -> receivesAll(Browsers.stats(d), others));
                } catch (AssertionError e) {
                    System.out.println("[e2e] browser " + i + " stats at timeout: " + Browsers.stats(d));
                    for (int j = 0; j < peers.size(); j++) {
                        System.out.println("[e2e] page " + j + ": " + Browsers.describe(peers.get(j)));
                        System.out.println("[e2e]   " + Browsers.icePairs(peers.get(j)).replace("\n", "\n[e2e]   "));
                        Browsers.consoleWarnings(peers.get(j), 20)
                                .forEach(l -> System.out.println("[e2e]   console " + l));
                    }
                    server.meterRegistry().scrape().lines()
                            .filter(l -> l.startsWith("javameet_media") && !l.endsWith(" 0.0"))
                            .forEach(l -> System.out.println("[e2e] server " + l));
                    throw e;
                }
            }
            for (Map<String, Object> in : inbound(Browsers.stats(peers.get(0)))) {
                if ("video".equals(in.get("kind"))) {
                    System.out.printf("[e2e] browser 0 receives %s: %sx%s, %s frames decoded%n", in.get("participantId"),
                            in.get("frameWidth"), in.get("frameHeight"), in.get("framesDecoded"));
                }
            }
            for (int i = 0; i < peers.size(); i++) {
                Object out = Browsers.stats(peers.get(i)).get("outbound");
                System.out.println("[e2e] browser " + i + " sends: " + out);
            }
            for (int i = 0; i < peers.size(); i++) {
                Object firstFrame = Browsers.js(peers.get(i),
                        "const j = window.javameet; return j.firstFrameAt && j.joinedAt ? j.firstFrameAt - j.joinedAt : null");
                System.out.println("[e2e] browser " + i + " join to first remote frame: " + firstFrame + " ms");
            }
            server.meterRegistry().scrape().lines()
                    .filter(l -> l.startsWith("javameet_media") && !l.endsWith(" 0.0"))
                    .forEach(l -> System.out.println("[e2e] server " + l));
            // All six connections over UDP, as in the field (ICE-TCP is for networks that drop UDP). On a busy machine
            // a browser may nominate its ICE-TCP pair first when a UDP check answer comes late (seen once in CI: 5 of
            // 6); it moves to the better UDP pair once that one is writable, which is what must happen.
            long udpCheck = System.nanoTime();
            java.util.function.DoubleSupplier overUdp =
                    () -> server.meterRegistry().get("javameet.media.transports").tag("type", "udp").gauge().value();
            Browsers.await("all six connections over UDP (now " + overUdp.getAsDouble() + ")", Duration.ofSeconds(30),
                    () -> overUdp.getAsDouble() == 6.0);
            System.out.printf("[e2e] all six connections over UDP (%.1f s after the check began)%n",
                    (System.nanoTime() - udpCheck) / 1e9);

            // one leaves: the others' tiles for them are gone within 5 s
            String leaver = ids.get(2);
            browsers.close(peers.remove(2));
            for (WebDriver d : peers) {
                Browsers.await("tile of " + leaver + " removed", Duration.ofSeconds(5),
                        () -> d.findElements(By.id("tile-" + leaver)).isEmpty());
                Browsers.await("participant list without " + leaver, Duration.ofSeconds(5),
                        () -> !String.valueOf(Browsers.js(d, "return JSON.stringify(window.javameet.participants())")).contains(leaver));
            }
            assertTrue(server.rooms().participantCount() == 2, "server counts 2 participants");
        }
    }

    /**
     * Bandwidth feedback: the SFU's receiver reports and REMB must let a publisher send at a real bitrate.
     * The publisher's camera is a clip of moving noise (the built-in pattern compresses to ~300 kbps
     * whatever the network allows); the viewer, which joins second, must receive >= 500 kbps of it over
     * some 3 s window within 30 s. Also measures join to first decoded frame for a newcomer.
     * The publisher sends one encoding: with simulcast the top layer of a 360p camera is capped by design at
     * libwebrtc's maximum for its height (PublisherBitrateCap, 700 kbit/s), which noise at 360p fills only in part;
     * layers under simulcast are SimulcastBrowserTest's and ShapedDownlinkBrowserTest's subject.
     */
    @Test
    void publisherReachesARealBitrateThroughTheSfu() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        ServerConfig config = LoopbackConfig.builder().publicAddresses(Browsers.HOST_CANDIDATES).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/Bitrate-room";
            WebDriver publisher = browsers.open(true);
            publisher.get(base + "#config.prejoinPageEnabled=false&config.disableSimulcast=true"
                    + "&userInfo.displayName=%22Publisher%22");
            Browsers.await("publisher joined", Duration.ofSeconds(20),
                    () -> "joined".equals(Browsers.js(publisher, "return window.javameet && window.javameet.state")));
            String publisherId = (String) Browsers.js(publisher, "return window.javameet.participantId");
            WebDriver viewer = browsers.open();
            viewer.get(base + "#config.prejoinPageEnabled=false&config.startWithVideoMuted=true"
                    + "&userInfo.displayName=%22Viewer%22");
            Browsers.await("viewer decoding the publisher", Duration.ofSeconds(30),
                    () -> receivesAll(Browsers.stats(viewer), List.of(publisherId)));
            System.out.println("[e2e] newcomer join to first remote frame: " + Browsers.js(viewer,
                    "const j = window.javameet; return j.firstFrameAt && j.joinedAt ? j.firstFrameAt - j.joinedAt : null") + " ms");

            double best = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (best < 500 && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                double before = videoBytes(viewer).getOrDefault(publisherId, 0.0);
                Thread.sleep(3000);
                double kbps = (videoBytes(viewer).getOrDefault(publisherId, 0.0) - before) * 8
                        / ((System.nanoTime() - t0) / 1e9) / 1000;
                best = Math.max(best, kbps);
                System.out.printf("[e2e] viewer receives %.0f kbps%n", kbps);
            }
            for (Map<String, Object> in : inbound(Browsers.stats(viewer))) {
                if ("video".equals(in.get("kind"))) {
                    System.out.printf("[e2e] viewer decodes %sx%s, %s frames%n", in.get("frameWidth"),
                            in.get("frameHeight"), in.get("framesDecoded"));
                }
            }
            System.out.println("[e2e] publisher sends: " + Browsers.stats(publisher).get("outbound"));
            assertTrue(best >= 500, "video reached only " + best + " kbps");
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> inbound(Map<String, Object> stats) {
        Object in = stats.get("inbound");
        return in instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static boolean receivesAll(Map<String, Object> stats, List<String> others) {
        for (String other : others) {
            boolean video = false;
            boolean audio = false;
            for (Map<String, Object> in : inbound(stats)) {
                if (!other.equals(in.get("participantId"))) {
                    continue;
                }
                if ("video".equals(in.get("kind")) && num(in.get("framesDecoded")) > 0) {
                    video = true;
                }
                if ("audio".equals(in.get("kind")) && num(in.get("packetsReceived")) > 0
                        && num(in.get("totalSamplesReceived")) > 0) {
                    audio = true;
                }
            }
            if (!video || !audio) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Double> videoBytes(WebDriver d) {
        Map<String, Double> out = new HashMap<>();
        for (Map<String, Object> in : inbound(Browsers.stats(d))) {
            if ("video".equals(in.get("kind"))) {
                out.put((String) in.get("participantId"), num(in.get("bytesReceived")));
            }
        }
        return out;
    }
}

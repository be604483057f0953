package org.javameet.signaling.e2e;

import static org.javameet.signaling.e2e.Browsers.js;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 13: where a newcomer's join goes, from navigation start to the first decoded remote video frame, with
 * one participant already in and the prejoin page skipped. The newcomer's page records the first time each step
 * happens ({@code window.javameet.joinMarks}, joinmarks.js) and this test prints them for several joins, the
 * first ones with Chromium's HTTP cache cleared (a first visit) and the rest warm (a returning visitor), and
 * the median of each. It asserts only that the steps come in a sane order and that a frame arrives: the timing
 * goal (≤ 1 s) is measured here and recorded in docs/performance.md, never asserted, because this machine is
 * shared and busy.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class JoinTimeBrowserTest {
    private static final int JOINS = Integer.getInteger("javameet.joinTimeRuns", 6);
    private static final int COLD = Math.min(JOINS, Integer.getInteger("javameet.joinTimeColdRuns", 2));
    private static final Duration WAIT = Duration.ofSeconds(40);

    /** Marks in print order; {@code htmlLoaded} comes from the Navigation Timing entry, the rest from the page. */
    private static final List<String> STEPS = List.of("htmlLoaded", "scriptsLoaded", "wsOpen", "welcome", "mediaReady",
            "joinSent", "joined", "meetingShown", "subscribe.offerReceived", "subscribe.answerSent", "publish.offerSent",
            "publish.answerApplied", "subscribe.firstCandidate", "subscribe.iceChecking", "publish.firstCandidate",
            "publish.iceChecking", "subscribe.iceConnected", "subscribe.dtlsConnected", "publish.iceConnected",
            "publish.dtlsConnected", "firstRemotePacket", "firstRemoteFrame");

    /** Pairs that must come in this order in every join: each connection's own sequence, and the page's. */
    private static final List<String[]> ORDER = List.of(
            new String[] {"htmlLoaded", "scriptsLoaded"}, new String[] {"scriptsLoaded", "wsOpen"},
            new String[] {"wsOpen", "welcome"}, new String[] {"welcome", "joinSent"},
            new String[] {"joinSent", "joined"}, new String[] {"joined", "meetingShown"},
            new String[] {"joined", "subscribe.offerReceived"},
            new String[] {"subscribe.offerReceived", "subscribe.answerSent"},
            new String[] {"subscribe.answerSent", "subscribe.iceConnected"},
            new String[] {"subscribe.iceConnected", "subscribe.dtlsConnected"},
            new String[] {"mediaReady", "publish.offerSent"}, new String[] {"publish.offerSent", "publish.answerApplied"},
            new String[] {"publish.offerSent", "publish.iceConnected"},
            new String[] {"publish.iceConnected", "publish.dtlsConnected"},
            new String[] {"subscribe.iceConnected", "firstRemotePacket"});
    // firstRemotePacket (the track's unmute event) and firstRemoteFrame (a video frame callback) reach the page by
    // different routes; on a busy machine the frame callback was seen 8 ms before the unmute event, so their
    // order is not asserted. The same holds for the DTLS state change and the unmute event: over UDP the first
    // packet follows the handshake's last flight at once, and the unmute event came 0.3 ms before the connection
    // state event in one CI run; ICE connecting comes a handshake earlier and stays asserted.

    @Test
    void newcomerJoinBreakdown() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        ServerConfig config = LoopbackConfig.builder().publicAddresses(Browsers.HOST_CANDIDATES).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/join-time"
                    + "#config.prejoinPageEnabled=false&userInfo.displayName=";
            WebDriver ada = browsers.open();
            ada.get(base + "%22Ada%22");
            Browsers.awaitState(ada, "joined", WAIT);
            Browsers.awaitJs(ada, "Ada sending video", WAIT,
                    "const pc = window.javameet.publishPc; return !!pc && pc.connectionState === 'connected'");

            WebDriver newcomer = browsers.open();
            List<Map<String, Double>> runs = new ArrayList<>();
            for (int i = 0; i < JOINS; i++) {
                long cycleStart = System.nanoTime();
                if (i < COLD) {
                    ((ChromeDriver) newcomer).executeCdpCommand("Network.clearBrowserCache", Map.of());
                }
                newcomer.get(base + "%22Newcomer%22");
                try {
                    Browsers.awaitJs(newcomer, "the newcomer's first frame of Ada", WAIT,
                            "const m = window.javameet && window.javameet.joinMarks;"
                                    + " return !!m && m.firstRemoteFrame != null");
                } catch (AssertionError e) {
                    System.out.println("[join-time] marks at timeout: " + js(newcomer, "return window.javameet && window.javameet.joinMarks"));
                    throw e;
                }
                // the publish connection is not on the way to the first frame and may connect after it: its steps
                // are printed when they came within a few more seconds (other tests check that publishing works)
                try {
                    Browsers.awaitJs(newcomer, "the newcomer's publish connection", Duration.ofSeconds(10),
                            "return window.javameet.joinMarks['publish.dtlsConnected'] != null");
                } catch (AssertionError e) {
                    System.out.println("[join-time] join " + (i + 1) + ": publish connection not up yet, printed as -");
                }
                Map<String, Double> marks = marks(newcomer);
                runs.add(marks);
                assertOrdered(i, marks);
                leave(server, newcomer);
                System.out.printf("[join-time] join %d: first frame at %.0f ms; the whole cycle (browser driving, leaving)"
                        + " took %.1f s%n", i + 1, marks.get("firstRemoteFrame"), (System.nanoTime() - cycleStart) / 1e9);
            }
            print(runs);
            // the server's side of the DTLS steps: from each verified ClientHello to the keys (Ada's two included)
            double handshakes = Browsers.metric(server, "javameet_media_dtls_handshake_duration_seconds_count");
            System.out.printf("[join-time] server: %.0f DTLS handshakes, mean %.0f ms, longest %.0f ms%n", handshakes,
                    1000 * Browsers.metric(server, "javameet_media_dtls_handshake_duration_seconds_sum") / handshakes,
                    1000 * Browsers.metric(server, "javameet_media_dtls_handshake_duration_seconds_max"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> marks(WebDriver d) {
        Map<String, Object> raw = (Map<String, Object>) js(d, "const m = Object.assign({}, window.javameet.joinMarks);"
                + " const nav = performance.getEntriesByType('navigation')[0];"
                + " if (nav) m.htmlLoaded = nav.responseEnd; return m;");
        Map<String, Double> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }

    private static void assertOrdered(int run, Map<String, Double> marks) {
        for (String step : STEPS) {
            // publish steps and mediaReady are off the first frame's path; Chromium may skip the 'checking' state
            if (!step.startsWith("publish.") && !step.equals("mediaReady") && !step.endsWith(".iceChecking")) {
                assertNotNull(marks.get(step), "join " + run + ": no mark " + step + " in " + marks);
            }
        }
        for (String[] pair : ORDER) {
            if (marks.get(pair[0]) == null || marks.get(pair[1]) == null) {
                continue; // a publish step still to come
            }
            assertTrue(marks.get(pair[0]) <= marks.get(pair[1]),
                    "join " + run + ": " + pair[0] + " after " + pair[1] + " in " + marks);
        }
    }

    /** Leaves with the button, as a person would, and waits until the server has only Ada left. */
    private static void leave(JavameetServer server, WebDriver d) throws InterruptedException {
        Browsers.click(d, By.id("leave-button"), WAIT);
        Browsers.awaitState(d, "left", WAIT);
        Browsers.await("the newcomer gone from the server", WAIT, () -> server.rooms().participantCount() == 1);
        d.get("about:blank");
    }

    private static void print(List<Map<String, Double>> runs) {
        StringBuilder head = new StringBuilder(String.format("%-26s", "ms since navigation start"));
        for (int i = 0; i < runs.size(); i++) {
            head.append(String.format("%8s", (i < COLD ? "cold" : "warm") + (i + 1)));
        }
        head.append(String.format("%9s%9s", "median", "warm med"));
        System.out.println("[join-time] " + head);
        for (String step : STEPS) {
            StringBuilder row = new StringBuilder(String.format("%-26s", step));
            List<Double> all = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                Double v = runs.get(i).get(step);
                row.append(v == null ? String.format("%8s", "-") : String.format("%8.0f", v));
                if (v != null) {
                    all.add(v);
                    if (i >= COLD) {
                        warm.add(v);
                    }
                }
            }
            row.append(String.format("%9s%9s", all.isEmpty() ? "-" : String.format("%.0f", median(all)),
                    warm.isEmpty() ? "-" : String.format("%.0f", median(warm))));
            System.out.println("[join-time] " + row);
        }
        assertEquals(JOINS, runs.size());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

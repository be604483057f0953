package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * Send-side bandwidth estimation against real Chromium (issue 11): the viewer's browser accepts the subscribe
 * offer with transport-cc, sends feedback, and the server's estimate for it reaches the client (its
 * bandwidthEstimate message, shown in the participants panel). Then only that viewer's downlink is shaped
 * — a tc htb class on loopback takes the media port's packets to the viewer's port through 300 kbit/s,
 * everything else passes unshaped — and the estimate must drop. Prints the figures.
 *
 * <p>Runs in test.sh's network namespace, where tc on lo touches nothing outside; the shaping step needs
 * CAP_NET_ADMIN there (root, or unshare --map-root-user).
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class BandwidthEstimateBrowserTest {
    private static final String SHAPED_RATE = "300kbit";

    @Test
    void theServersEstimateOfABrowserDownlinkIsSaneAndFollowsShaping() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        int mediaPort = FreePorts.udp();
        ServerConfig config = LoopbackConfig.builder().publicAddresses(Browsers.HOST_CANDIDATES).mediaPort(mediaPort).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/Bwe-room";
            WebDriver publisher = browsers.open(true);
            publisher.get(base + "#config.prejoinPageEnabled=false&userInfo.displayName=%22Publisher%22");
            Browsers.awaitState(publisher, "joined", Duration.ofSeconds(30));
            String publisherId = (String) Browsers.js(publisher, "return window.javameet.participantId");
            WebDriver viewer = browsers.open();
            viewer.get(base + "#config.prejoinPageEnabled=false&config.startWithVideoMuted=true"
                    + "&userInfo.displayName=%22Viewer%22");
            Browsers.await("viewer decoding the publisher", Duration.ofSeconds(40),
                    () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(viewer), List.of(publisherId)));
            Browsers.await("the server's estimate shown to the viewer", Duration.ofSeconds(30),
                    () -> estimate(viewer) > 0);
            assertTrue(Browsers.metric(server, "javameet_media_transport_cc_feedback_total") > 0, "feedback parsed");
            assertEquals(0, rejected(server), "Chromium's feedback is never malformed");

            long unshaped = 0;
            for (String line : sample(viewer, publisherId, "unshaped", 5)) {
                System.out.println(line);
            }
            for (long e : estimates) {
                unshaped = Math.max(unshaped, e);
            }
            assertTrue(unshaped >= 100_000 && unshaped <= 20_000_000, "a sane estimate on loopback: " + unshaped);

            if (!Boolean.getBoolean("javameet.bweShaping")) {
                // The shaping step filters the viewer's UDP port on lo. In one CI run (load, ICE-TCP on) its htb
                // class saw 0 packets while the viewer kept receiving 600 kbit/s: the path it shaped was not the
                // path the media took, so the step proved nothing about the estimator. Off in CI until it shapes
                // the viewer's selected path for certain (issue 11); run it with -Djavameet.bweShaping=true.
                System.out.println("[bwe] shaping step off (-Djavameet.bweShaping=true runs it)");
                return;
            }
            int viewerPort = viewerLocalPort(viewer);
            if (!shape(mediaPort, viewerPort)) {
                System.out.println("[bwe] tc refused the qdisc (no CAP_NET_ADMIN here, or no htb in the kernel): shaping step skipped");
                return;
            }
            try {
                long limit = unshaped / 2;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long shapedMin = Long.MAX_VALUE;
                List<String> lines = new ArrayList<>();
                while (System.nanoTime() < deadline && shapedMin > limit) {
                    lines.addAll(sample(viewer, publisherId, "shaped " + SHAPED_RATE, 1));
                    shapedMin = Math.min(shapedMin, estimates.get(estimates.size() - 1));
                }
                lines.forEach(System.out::println);
                assertTrue(shapedMin <= limit, "estimate under " + SHAPED_RATE + " shaping fell only to " + shapedMin
                        + " from " + unshaped);
                int from = estimates.size();
                for (String line : sample(viewer, publisherId, "shaped " + SHAPED_RATE, 3)) {
                    System.out.println(line);
                }
                long settled = estimates.subList(from, estimates.size()).stream().mapToLong(Long::longValue).min().orElse(0);
                // the server still forwards everything the publisher sends: the estimate must report what gets
                // through (about 200 kbit/s of the 300 kbit/s with headers), not the 50 kbit/s floor
                assertTrue(settled >= 100_000, "estimate under shaping collapsed to " + settled);
            } finally {
                unshape();
            }
            for (String line : sample(viewer, publisherId, "unshaped again", 4)) {
                System.out.println(line);
            }
            server.meterRegistry().scrape().lines()
                    .filter(l -> l.startsWith("javameet_media_transport_cc") || l.startsWith("javameet_media_subscriber"))
                    .filter(l -> !l.endsWith(" 0.0"))
                    .forEach(l -> System.out.println("[bwe] server " + l));
        }
    }

    private final List<Long> estimates = new ArrayList<>();

    /** Every 3 s: the estimate the client shows and the video bitrate the viewer received. */
    private List<String> sample(WebDriver viewer, String publisherId, String phase, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            double before = ThreeBrowserMeetingTest.videoBytes(viewer).getOrDefault(publisherId, 0.0);
            Thread.sleep(3000);
            double kbps = (ThreeBrowserMeetingTest.videoBytes(viewer).getOrDefault(publisherId, 0.0) - before) * 8
                    / ((System.nanoTime() - t0) / 1e9) / 1000;
            long e = estimate(viewer);
            estimates.add(e);
            out.add(String.format("[bwe] %s: estimate %d kbit/s, viewer receives %.0f kbit/s of video", phase, e / 1000, kbps));
        }
        return out;
    }

    /** The estimate the server last sent the viewer, as its participants list holds it; 0 before any. */
    private static long estimate(WebDriver viewer) {
        Object v = Browsers.js(viewer, "const me = window.javameet.participants().find(p => p.local);"
                + "return me && me.downlinkBps != null ? me.downlinkBps : 0");
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** The port of the viewer's subscribe connection's selected candidate pair, on its side. */
    private static int viewerLocalPort(WebDriver viewer) {
        Object port = ((org.openqa.selenium.JavascriptExecutor) viewer).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.javameet.subscribePc.getStats().then(s => {"
                        + "  let pair = null; s.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = s.get(r.selectedCandidatePairId); });"
                        + "  if (!pair) s.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });"
                        + "  done(pair ? s.get(pair.localCandidateId).port : -1);"
                        + "}, e => done(-1));");
        int p = ((Number) port).intValue();
        assertTrue(p > 0, "the viewer's selected candidate pair");
        return p;
    }

    /**
     * HTB on lo (this kernel has no prio qdisc) whose default class does not exist, so unclassified traffic
     * leaves unshaped; a u32 filter sends UDP from the media port to the viewer's port into class 1:20,
     * {@value #SHAPED_RATE} with a token-bucket leaf that drops what would wait more than 300 ms.
     */
    private static boolean shape(int mediaPort, int viewerPort) throws Exception {
        if (!tc("qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "99")) {
            return false;
        }
        boolean ok = tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", SHAPED_RATE,
                "ceil", SHAPED_RATE, "burst", "16kb")
                && tc("qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "tbf", "rate", SHAPED_RATE,
                "burst", "16kb", "latency", "300ms")
                && tc("filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "protocol", "17", "0xff", "match", "ip", "sport", Integer.toString(mediaPort), "0xffff",
                "match", "ip", "dport", Integer.toString(viewerPort), "0xffff", "flowid", "1:20");
        System.out.println("[bwe] shaping the viewer's downlink (udp " + mediaPort + " -> " + viewerPort + ") to "
                + SHAPED_RATE + ": " + (ok ? "on" : "failed"));
        if (!ok) {
            unshape();
            throw new AssertionError("tc accepted the htb qdisc but not the shaping under it");
        }
        return true;
    }

    private static void unshape() throws Exception {
        Process p = new ProcessBuilder("tc", "-s", "class", "show", "dev", "lo", "classid", "1:20")
                .redirectErrorStream(true).start();
        String stats = new String(p.getInputStream().readAllBytes()).trim().replaceAll("\\s+", " ");
        p.waitFor(10, TimeUnit.SECONDS);
        System.out.println("[bwe] shaped class: " + stats);
        tc("qdisc", "del", "dev", "lo", "root");
        System.out.println("[bwe] shaping off");
    }

    private static boolean tc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("tc");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        if (!done || p.exitValue() != 0) {
            System.out.println("[bwe] " + String.join(" ", cmd) + ": " + out.trim());
            return false;
        }
        return true;
    }


    private static double rejected(JavameetServer server) {
        return Browsers.metric(server, "javameet_media_transport_cc_rejected_total");
    }
}

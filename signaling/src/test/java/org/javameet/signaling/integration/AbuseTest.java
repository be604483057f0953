package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacks of issue 15, each bounded in time and size, on loopback, against a server carrying a meeting of
 * two Java participants with real media. Each attack must be refused (and counted on the real {@code /metrics}),
 * and the meeting must keep going during and after it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AbuseTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOM = "abuse";
    private static long startNanos;
    private static JavameetServer server;
    private static PeerRuntime runtime;
    private static ServerMetrics metrics;
    private static URI ws;
    private static Participant ada;
    private static Participant bob;

    @BeforeAll
    static void meeting() throws Exception {
        startNanos = System.nanoTime();
        ServerConfig config = ServerConfig.defaults().withHttpAddress("127.0.0.1").withHttpPort(FreePorts.tcp())
                .withMediaPort(FreePorts.udp()).withPublicAddresses(List.of("127.0.0.1"));
        server = new JavameetServer(config, null).start();
        runtime = new PeerRuntime(2, 4);
        metrics = new ServerMetrics(server.httpAddress().getPort());
        ws = URI.create("ws://127.0.0.1:" + server.httpAddress().getPort() + "/ws");
        Participant.Options o = Participant.Options.defaults().withRuntime(runtime);
        ada = Participant.join(ws, ROOM, "Ada", o).get(40, TimeUnit.SECONDS);
        bob = Participant.join(ws, ROOM, "Bob", o).get(40, TimeUnit.SECONDS);
        assertMeetingGoesOn();
    }

    @AfterAll
    static void end() {
        for (Participant p : new Participant[] {ada, bob}) {
            if (p != null) {
                p.close();
            }
        }
        if (runtime != null) {
            runtime.close();
        }
        if (server != null) {
            server.close();
        }
        HostLoad.print("AbuseTest", startNanos);
    }

    @AfterEach
    void meetingStillGoesOn() {
        assertMeetingGoesOn();
    }

    /** Both receive fresh audio and video from each other. */
    static void assertMeetingGoesOn() {
        for (Participant[] pair : new Participant[][] {{ada, bob}, {bob, ada}}) {
            Participant to = pair[0];
            Participant from = pair[1];
            for (MediaKind k : MediaKind.values()) {
                var t = to.stats().received(from.id(), k);
                long before = t == null ? 0 : t.packets();
                Eventually.await(to.displayName() + " keeps receiving " + from.displayName() + "'s " + k, WAIT,
                        () -> {
                            var now = to.stats().received(from.id(), k);
                            return now != null && now.packets() >= before + 5;
                        });
            }
        }
    }

    private static double refused(String reason) {
        return ServerMetrics.value(metrics.scrape(), "javameet_http_refused_total", "reason", reason);
    }

    /**
     * Issue 15's worst find: pipelined GETs whose responses are never read made the server buffer every response
     * (RSS 175 → 942 MB, an event loop stuck, SIGTERM ignored). Now reading stops while the connection is not
     * writable and a client that keeps pipelining is disconnected.
     */
    @Test
    void pipelinedRequestsWithUnreadResponsesAreCutOff() throws Exception {
        double before = refused("pipelining");
        byte[] request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int requests = 50_000; // 1.8 MB of requests, ~100x that in responses
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // and never read
            s.connect(server.httpAddress());
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                int sent = 0;
                try {
                    OutputStream out = s.getOutputStream();
                    for (; sent < requests; sent++) {
                        out.write(request);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: expected
                }
                return sent;
            });
            Eventually.await("the pipelining client to be refused", WAIT, () -> refused("pipelining") > before,
                    () -> "sent " + (writer.isDone() ? writer.join() : "(still writing)"));
            s.close();
            writer.get(30, TimeUnit.SECONDS);
        }
        // The server still answers a well-behaved client.
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(refused("pipelining") >= before + 1);
    }

    /**
     * NACK amplification: 27 kB/s of NACKs drew 87k retransmissions/s (94 MB/s out, ×3,500). A subscriber that
     * NACKs the last 100 packets of a video stream 200 times a second now gets each packet at most once per
     * 100 ms and at most half its forwarded bytes as retransmissions; the rest is refused and counted.
     */
    @Test
    void aNackFloodIsNotAmplified() throws Exception {
        Participant eve = Participant.join(ws, ROOM, "Eve",
                Participant.Options.defaults().withRuntime(runtime).withMedia(false, false))
                .get(40, TimeUnit.SECONDS);
        try {
            Eventually.await("Eve receives Ada's video", WAIT, () -> {
                var t = eve.stats().received(ada.id(), MediaKind.VIDEO);
                return t != null && t.packets() > 20;
            });
            String page = metrics.scrape();
            double retransmittedBefore = ServerMetrics.value(page, "javameet_media_retransmissions_total", null, null);
            double forwardedBefore = ServerMetrics.value(page, "javameet_media_rtp_forwarded_total", null, null);
            long nacks = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                int highest = (int) (eve.stats().received(ada.id(), MediaKind.VIDEO).highestSeq() & 0xFFFF);
                int[] seqs = new int[100];
                for (int i = 0; i < seqs.length; i++) {
                    seqs[i] = (highest - i) & 0xFFFF;
                }
                eve.nack(ada.id(), MediaKind.VIDEO, seqs);
                nacks += seqs.length;
                Thread.sleep(5);
            }
            long asked = nacks;
            Eventually.await("the flood's refusals to be counted", WAIT, () -> ServerMetrics.value(metrics.scrape(),
                    "javameet_media_retransmissions_refused_total", "reason", "too_soon") > 0);
            page = metrics.scrape();
            double retransmitted = ServerMetrics.value(page, "javameet_media_retransmissions_total", null, null)
                    - retransmittedBefore;
            double forwarded = ServerMetrics.value(page, "javameet_media_rtp_forwarded_total", null, null)
                    - forwardedBefore;
            double refused = ServerMetrics.value(page, "javameet_media_retransmissions_refused_total", "reason",
                    "too_soon") + ServerMetrics.value(page, "javameet_media_retransmissions_refused_total", "reason",
                    "over_budget");
            System.out.printf("[abuse] NACK flood: %d packets asked for, %.0f resent, %.0f refused, %.0f forwarded%n",
                    asked, retransmitted, refused, forwarded);
            // without limits every request that hits the cache is resent: ~20x the forwarded packets
            assertTrue(retransmitted <= forwarded, retransmitted + " resent vs " + forwarded + " forwarded");
            assertTrue(refused > retransmitted, refused + " refused vs " + retransmitted + " resent");
        } finally {
            eve.close();
        }
    }
}

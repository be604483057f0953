package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.JavameetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ICE-TCP port under abuse while a two-party meeting (over UDP) goes on: garbage, a frame length of 64 KiB
 * followed by silence, and 5,000 idle connections. Each connection is refused or closed with its reason counted
 * on the real {@code /metrics}, none creates a transport, and the meeting keeps its media flowing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IceTcpBadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TwoPartyMeeting meeting;
    private static JavameetServer server;
    private static ServerMetrics metrics;
    private static InetSocketAddress tcp;
    private static int transportsBefore;

    @BeforeAll
    static void meeting() throws Exception {
        meeting = TwoPartyMeeting.start("IceTcpBadInputTest", "ice-tcp-bad-input", WAIT);
        server = meeting.server;
        metrics = meeting.metrics;
        tcp = new InetSocketAddress("127.0.0.1", server.media().tcpAddress().getPort());
        transportsBefore = server.media().registry().size();
    }

    @AfterAll
    static void end() {
        if (meeting != null) {
            meeting.close();
        }
    }

    @AfterEach
    void meetingGoesOnWithNoStateForStrangers() {
        meeting.assertGoesOn();
        assertEquals(transportsBefore, server.media().registry().size(), "no transport was created");
    }

    @Test
    void garbageIsClosedAndCounted() throws Exception {
        double before = closed("not_stun") + closed("frame_too_large");
        Random random = new Random(6544);
        for (int i = 0; i < 20; i++) {
            try (Socket s = connect()) {
                byte[] junk = new byte[100 + random.nextInt(3000)];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    // a plausible frame length, so the payload itself is judged: RTP-like, not STUN
                    junk[0] = 0;
                    junk[1] = 40;
                    junk[2] = (byte) (0x80 | junk[2]);
                } else {
                    junk[0] |= 0x08; // the first two bytes read as a length over 2 KiB: refused on the length
                }
                s.getOutputStream().write(junk);
                s.getOutputStream().flush();
                assertClosedByServer(s);
            }
        }
        Eventually.await("20 garbage connections counted", WAIT,
                () -> closed("not_stun") + closed("frame_too_large") >= before + 20, metrics::scrape);
        assertTrue(closed("not_stun") >= 10, metrics.scrape());
    }

    @Test
    void httpRequestOnTheMediaPortIsClosed() throws Exception {
        double before = closed("frame_too_large");
        try (Socket s = connect()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: meet\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(s);
        }
        Eventually.await("frame_too_large counted", WAIT, () -> closed("frame_too_large") == before + 1);
    }

    @Test
    void lengthOf64KiBThenStallingIsClosedAtOnce() throws Exception {
        double before = closed("frame_too_large");
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(0xFFFF);
            out.write(new byte[512]);
            out.flush();
            long t0 = System.nanoTime();
            assertClosedByServer(s);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "closed on the length, not on a timeout");
        }
        Eventually.await("frame_too_large counted", WAIT, () -> closed("frame_too_large") == before + 1);
    }

    /**
     * 5,000 connections that never send a byte, held open together: at most
     * {@code limits.maxTcpMediaConnectionsPerAddress} (256) are admitted at a time and closed by the 10 s handshake
     * timeout (which frees their slots: on a busy machine opening 5,000 takes longer than that), the rest are
     * refused at once; nothing stays behind.
     */
    @Test
    void fiveThousandIdleConnectionsAreRefusedOrTimedOut() throws Exception {
        double refusedBefore = closed("limit_per_address") + closed("limit_total");
        double timedOutBefore = closed("handshake_timeout");
        int n = 5_000;
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(tcp, 10_000);
            }
            meeting.assertGoesOn(); // while all of them are open
            double open = ServerMetrics.value(metrics.scrape(), "javameet_media_tcp_connections_open", null, null);
            assertTrue(open <= 256, "admitted at most the per-address limit, got " + open);
            Eventually.await("every connection refused or timed out", Duration.ofSeconds(40),
                    () -> closed("limit_per_address") + closed("limit_total") - refusedBefore
                            + closed("handshake_timeout") - timedOutBefore >= n, metrics::scrape);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        double refused = closed("limit_per_address") + closed("limit_total") - refusedBefore;
        double timedOut = closed("handshake_timeout") - timedOutBefore;
        assertEquals(n, refused + timedOut, metrics.scrape());
        assertTrue(timedOut >= 256 && refused >= n / 2, "refused " + refused + ", timed out " + timedOut);
        Eventually.await("no ICE-TCP connection left open", WAIT,
                () -> ServerMetrics.value(metrics.scrape(), "javameet_media_tcp_connections_open", null, null) == 0);
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(tcp, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static double closed(String reason) {
        return ServerMetrics.value(metrics.scrape(), "javameet_media_tcp_connections_closed_total", "reason", reason);
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertEquals(-1, in.read(), "the server answered instead of closing");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (SocketException reset) {
            // closed with unread bytes: the kernel resets, also a close
        }
    }
}

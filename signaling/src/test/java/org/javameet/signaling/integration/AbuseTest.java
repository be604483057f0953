package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.JavameetServer;
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
    private static TwoPartyMeeting meeting;
    private static JavameetServer server;
    private static PeerRuntime runtime;
    private static ServerMetrics metrics;
    private static URI ws;
    private static Participant ada;
    private static Participant bob;

    @BeforeAll
    static void meeting() throws Exception {
        meeting = TwoPartyMeeting.start("AbuseTest", ROOM, WAIT);
        server = meeting.server;
        runtime = meeting.runtime;
        metrics = meeting.metrics;
        ws = meeting.ws;
        ada = meeting.ada;
        bob = meeting.bob;
    }

    @AfterAll
    static void end() {
        if (meeting != null) {
            meeting.close();
        }
    }

    @AfterEach
    void meetingStillGoesOn() {
        assertMeetingGoesOn();
    }

    static void assertMeetingGoesOn() {
        meeting.assertGoesOn();
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

    /** A publish offer of {@code sections} sending Opus m-sections (about 90 bytes each). */
    static String inflatedOffer(int sections) {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
                + "a=fingerprint:sha-256 83:D0:CF:7E:AD:DE:9A:DA:46:71:4A:25:C4:52:A6:D4:F3:F9:93:3F:EB:94:BC:2F:CE:29:"
                + "09:BC:18:64:AD:D3\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef0123456789\r\n"
                + "a=setup:actpass\r\na=group:BUNDLE");
        for (int i = 0; i < sections; i++) {
            sdp.append(' ').append(i);
        }
        sdp.append("\r\n");
        for (int i = 0; i < sections; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:").append(i)
                    .append("\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n");
            if (sections <= 10) { // the big one must stay under the 128 KiB SDP limit
                sdp.append("c=IN IP4 0.0.0.0\r\na=ssrc:").append(1000 + i).append(" cname:x\r\n");
            }
        }
        return sdp.toString();
    }

    /**
     * m-line inflation: one 1,000-m-line publish offer gave every other participant a 0.65 MB subscribe offer, more
     * than their answers may carry, and their subscriptions stuck for good. Now an offer with more sending tracks
     * than {@code limits.maxTracksPerParticipant} (8), or more sections than {@code limits.maxPublishSections}
     * (64), is refused with {@code too-many-tracks} before anything changes: nobody gets a new subscribe offer.
     */
    @Test
    void anInflatedPublishOfferIsRefusedBeforeAnyoneSeesIt() throws Exception {
        long adaOffers = ada.stats().subscribeOffers();
        long bobOffers = bob.stats().subscribeOffers();
        String page = metrics.scrape();
        double before = ServerMetrics.value(page, "javameet_signaling_errors_total", "code", "too-many-tracks");
        try (SignalingClient raw = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<JsonNode> joined = raw.awaitType("joined");
            raw.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"displayName\":\"Mallory\"}");
            joined.get(10, TimeUnit.SECONDS);
            for (int sections : new int[] {1000, 9}) {
                CompletableFuture<JsonNode> error = raw.awaitType("error");
                ObjectNode publish = SignalingClient.message("publishOffer");
                publish.put("sdp", inflatedOffer(sections));
                raw.send(publish);
                JsonNode e = error.get(10, TimeUnit.SECONDS);
                assertEquals("too-many-tracks", e.path("code").asText(), e.toString());
                System.out.println("[abuse] " + sections + "-section publish offer -> " + e.path("message").asText());
            }
            // a legitimate offer on the same socket still works: the refusal changed nothing
            CompletableFuture<JsonNode> answer = raw.awaitType("publishAnswer");
            ObjectNode publish = SignalingClient.message("publishOffer");
            publish.put("sdp", inflatedOffer(2));
            raw.send(publish);
            answer.get(10, TimeUnit.SECONDS);
            assertTrue(raw.isOpen());
        }
        assertEquals(before + 2, ServerMetrics.value(metrics.scrape(), "javameet_signaling_errors_total", "code",
                "too-many-tracks"));
        // Mallory's two legitimate tracks (and her leaving) are the only changes the others were offered
        Eventually.await("Ada and Bob to settle", WAIT, () -> ada.stats().subscribeOffers() >= adaOffers + 1
                && bob.stats().subscribeOffers() >= bobOffers + 1);
        assertTrue(ada.stats().subscribeOffers() <= adaOffers + 3, "Ada's offers " + ada.stats().subscribeOffers());
    }

    private static long serverDtlsThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dtls-")).count();
    }

    private static String sdpAttribute(String sdp, String name) {
        int i = sdp.indexOf("a=" + name + ":");
        return sdp.substring(i + name.length() + 3, sdp.indexOf('\r', i));
    }

    /**
     * A DTLS thread per handshake: 400 sessions with one valid STUN check each made 400 threads, and under a task
     * limit new meetings got no media. Now a handshake starts only on a ClientHello that passed the cookie exchange,
     * from a bounded pool, at most {@code limits.maxDtlsHandshakesPerAddress} (8) per address; the rest are dropped
     * and counted. 40 sessions from 127.0.0.2 each pass ICE, answer the HelloVerifyRequest with the cookie (a real
     * BouncyCastle client) and then go silent, so the server's handshake waits; a newcomer from 127.0.0.1 still
     * joins with media.
     */
    @Test
    void stalledHandshakesFromOneAddressCannotExhaustTheServer() throws Exception {
        int sessions = 40;
        double refusedBefore = ServerMetrics.value(metrics.scrape(), "javameet_media_dtls_refused_total", "reason",
                "per_address");
        long threadsBefore = Thread.activeCount();
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        InetSocketAddress mediaPort = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.mediaAddress().getPort());
        DtlsCertificate attackerCert = DtlsCertificate.generate();
        java.util.concurrent.ExecutorService clientThreads = java.util.concurrent.Executors.newCachedThreadPool();
        List<SignalingClient> sockets = new ArrayList<>();
        List<DatagramSocket> udp = new ArrayList<>();
        List<DtlsEndpoint> clients = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                SignalingClient c = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS);
                sockets.add(c);
                CompletableFuture<JsonNode> joined = c.awaitType("joined");
                c.sendText("{\"type\":\"join\",\"room\":\"dtls-attack\",\"displayName\":\"m" + i + "\"}");
                joined.get(10, TimeUnit.SECONDS);
                CompletableFuture<JsonNode> answer = c.awaitType("publishAnswer");
                ObjectNode publish = SignalingClient.message("publishOffer");
                publish.put("sdp", inflatedOffer(1));
                c.send(publish);
                String sdp = answer.get(10, TimeUnit.SECONDS).path("sdp").asText();
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(attacker, 0));
                udp.add(s);
                s.setSoTimeout(3000);
                byte[] check = BadInputTest.bindingRequest(sdpAttribute(sdp, "ice-ufrag") + ":abcd",
                        sdpAttribute(sdp, "ice-pwd"));
                for (int attempt = 1; ; attempt++) { // retransmit as ICE does: a busy machine may be slow
                    s.send(new DatagramPacket(check, check.length, mediaPort));
                    try {
                        s.receive(new DatagramPacket(new byte[1500], 1500)); // the binding success: ICE passed
                        break;
                    } catch (java.net.SocketTimeoutException e) {
                        if (attempt == 5) {
                            throw e;
                        }
                    }
                }
                clients.add(stallAfterTheCookie(s, mediaPort, attackerCert, clientThreads));
            }
            Eventually.await("handshakes over the per-address cap to be refused", WAIT,
                    () -> ServerMetrics.value(metrics.scrape(), "javameet_media_dtls_refused_total", "reason",
                            "per_address") >= refusedBefore + sessions - 8);
            long dtlsThreads = serverDtlsThreads();
            System.out.printf("[abuse] %d stalled DTLS sessions from one address: %d server DTLS threads, %d more "
                    + "threads in the JVM%n", sessions, dtlsThreads, Thread.activeCount() - threadsBefore);
            // the pool's bound (limits.maxDtlsHandshakes, 32; idle threads linger 30 s): below the 40 sessions
            assertTrue(dtlsThreads <= 32, dtlsThreads + " DTLS threads");
            // a newcomer from another address still gets media while the attacker's handshakes wait
            Participant carol = Participant.join(ws, ROOM, "Carol",
                    Participant.Options.defaults().withRuntime(runtime).withMedia(false, false))
                    .get(40, TimeUnit.SECONDS);
            try {
                Eventually.await("Carol receives Ada's video", WAIT, () -> {
                    var t = carol.stats().received(ada.id(), MediaKind.VIDEO);
                    return t != null && t.packets() > 20;
                });
            } finally {
                carol.close();
            }
        } finally {
            clients.forEach(DtlsEndpoint::close);
            clientThreads.shutdownNow();
            udp.forEach(DatagramSocket::close);
            sockets.forEach(SignalingClient::close);
        }
    }

    /**
     * A DTLS client that sends its ClientHello, answers the HelloVerifyRequest with the cookie, and then sends
     * nothing more: the server's handshake (if admitted) waits for a flight that never comes.
     */
    private static DtlsEndpoint stallAfterTheCookie(DatagramSocket s, InetSocketAddress to, DtlsCertificate cert,
            java.util.concurrent.Executor threads) throws Exception {
        CompletableFuture<Void> cookieSent = new CompletableFuture<>();
        DtlsEndpoint client = new DtlsEndpoint(DtlsEndpoint.Role.CLIENT, cert, null, (data, off, len) -> {
            if (cookieSent.isDone()) {
                return; // silent after the ClientHello with the cookie (its retransmissions included)
            }
            try {
                s.send(new DatagramPacket(data, off, len, to));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // a ClientHello (one unfragmented record) whose cookie, after the 32-byte random and the session id, is there
            if (len > 61 && data[off + 25] == 1 && (data[off + 60 + (data[off + 59] & 0xff)] & 0xff) > 0) {
                cookieSent.complete(null);
            }
        }, threads, new DtlsEndpoint.Listener() {
            @Override
            public void onConnected(org.javameet.sfu.srtp.SrtpKeys keys) {
            }

            @Override
            public void onFailed(org.javameet.sfu.dtls.DtlsException e) {
            }

            @Override
            public void onClosed() {
            }
        });
        client.start();
        byte[] buf = new byte[1500];
        DatagramPacket reply = new DatagramPacket(buf, buf.length);
        do { // a late binding success may come first; the HelloVerifyRequest is DTLS (RFC 7983: 20..63)
            s.receive(reply);
        } while (buf[0] < 20 || buf[0] > 63);
        client.onDatagram(java.util.Arrays.copyOf(buf, reply.getLength()));
        cookieSent.get(10, TimeUnit.SECONDS);
        return client;
    }

    private static double mediaDrops(String reason) {
        return ServerMetrics.value(metrics.scrape(), "javameet_media_dropped_packets_total", "reason", reason);
    }

    private static double iceAddressChanges() {
        return ServerMetrics.value(metrics.scrape(), "javameet_media_ice_address_changes_total", null, null);
    }

    /**
     * ICE replay and address takeover with media flowing (issue 15: a USE-CANDIDATE check from a new address moved
     * the media there). Ada's subscribe connection carries Bob's media; an attacker on 127.0.0.2 tries to draw it:
     * <ol>
     * <li>a nominated check Ada sent, seen on the path and replayed byte for byte: dropped unanswered,
     *     {@code stun_replayed};</li>
     * <li>a nominated check with Ada's ufrags and a wrong password: {@code stun_bad_integrity};</li>
     * <li>Ada's right credentials without USE-CANDIDATE: answered (it is a valid check), the media stays;</li>
     * <li>a nominated check with Ada's right credentials from Bob's socket, an address Bob's live transport uses (what
     *     a spoofed source would send): {@code stun_address_in_use}.</li>
     * </ol>
     * The media never moves: no address change is counted, the attacker gets nothing but the one binding answer,
     * and Ada keeps receiving Bob.
     */
    @Test
    void replayedAndStolenIceChecksDoNotMoveTheMedia() throws Exception {
        org.javameet.peer.PeerConnection adaSubscribe = ada.subscribeConnection();
        org.javameet.peer.ClientSdp.RemoteTransport sfu = adaSubscribe.remote();
        String username = sfu.iceUfrag() + ":" + adaSubscribe.identity().iceUfrag();
        InetSocketAddress mediaPort = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.mediaAddress().getPort());
        double replayed = mediaDrops("stun_replayed");
        double badIntegrity = mediaDrops("stun_bad_integrity");
        double inUse = mediaDrops("stun_address_in_use");
        double moves = iceAddressChanges();
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            // 1. a sniffer replays what it saw pass: after the original reached the server (loopback: well within 1 s)
            byte[] captured = BadInputTest.bindingRequest(username, sfu.icePwd());
            adaSubscribe.sendRaw(captured);
            Thread.sleep(1000);
            attacker.send(new DatagramPacket(captured, captured.length, mediaPort));
            Eventually.await("the replayed check to be refused", WAIT, () -> mediaDrops("stun_replayed") == replayed + 1);

            // 2. a guess at the password
            byte[] guessed = BadInputTest.bindingRequest(username, "not-the-password-at-all!");
            attacker.send(new DatagramPacket(guessed, guessed.length, mediaPort));
            Eventually.await("the wrong password to be refused", WAIT,
                    () -> mediaDrops("stun_bad_integrity") == badIntegrity + 1);

            // 3. the right credentials, not nominated: a valid check is answered, and moves nothing
            byte[] notNominated = bindingRequestWithoutUseCandidate(username, sfu.icePwd());
            attacker.send(new DatagramPacket(notNominated, notNominated.length, mediaPort));
            attacker.setSoTimeout((int) WAIT.toMillis());
            byte[] buf = new byte[1500];
            DatagramPacket answer = new DatagramPacket(buf, buf.length);
            attacker.receive(answer);
            assertTrue(buf[0] == 1 && buf[1] == 1, "a binding success response");

            // 4. the right credentials, nominated, from an address a live transport (Bob's) uses
            bob.subscribeConnection().sendRaw(BadInputTest.bindingRequest(username, sfu.icePwd()));
            Eventually.await("the takeover to be refused", WAIT,
                    () -> mediaDrops("stun_address_in_use") == inUse + 1);

            // Bob's media goes on to Ada, never to the attacker (Bob sends audio and video many times a second)
            var adaFromBob = ada.stats().received(bob.id(), MediaKind.VIDEO);
            long before = adaFromBob == null ? 0 : adaFromBob.packets();
            Eventually.await("Ada keeps receiving Bob's video", WAIT, () -> {
                var now = ada.stats().received(bob.id(), MediaKind.VIDEO);
                return now != null && now.packets() >= before + 30;
            });
            attacker.setSoTimeout(500);
            int toAttacker = 0;
            try {
                for (;;) {
                    attacker.receive(answer);
                    toAttacker++;
                }
            } catch (java.net.SocketTimeoutException drained) {
                // nothing more waiting for the attacker
            }
            assertEquals(0, toAttacker, "datagrams to the attacker after the binding answer");
            assertEquals(moves, iceAddressChanges(), "no transport's media moved");
            System.out.printf("[abuse] ICE replay / wrong password / takeover refused (stun_replayed %+.0f,"
                    + " stun_bad_integrity %+.0f, stun_address_in_use %+.0f), 0 datagrams of media to the attacker%n",
                    mediaDrops("stun_replayed") - replayed, mediaDrops("stun_bad_integrity") - badIntegrity,
                    mediaDrops("stun_address_in_use") - inUse);
        }
    }

    /** A valid check that does not nominate: what an ICE agent sends on a pair it only tests. */
    private static byte[] bindingRequestWithoutUseCandidate(String username, String password) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        try {
            org.javameet.sfu.stun.StunMessageBuilder.bindingRequest(
                    org.javameet.sfu.stun.StunMessageBuilder.newTransactionId()).username(username)
                    .priority(0x6e7f1eff).iceControlling(42)
                    .messageIntegrity(password.getBytes(StandardCharsets.UTF_8)).fingerprint().writeTo(b);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    private static double signalingErrors(String code) {
        return ServerMetrics.value(metrics.scrape(), "javameet_signaling_errors_total", "code", code);
    }

    /**
     * WebSocket message flood: 50k messages a second were accepted and every one handled. Now each connection has
     * a token bucket (limits.maxMessagesPerSecond, 20, burst 60); the excess is dropped unparsed and counted, with
     * at most one rate-limited error a second, and the connection stays open for when the client slows down.
     */
    @Test
    void aMessageFloodIsThrottledAndTheConnectionSurvives() throws Exception {
        double before = signalingErrors("rate-limited");
        try (SignalingClient raw = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<JsonNode> firstError = raw.awaitType("error");
            int sent = 2000;
            long t0 = System.nanoTime();
            for (int i = 0; i < sent; i++) {
                raw.sendText("{\"type\":\"ping\"}");
            }
            JsonNode e = firstError.get(10, TimeUnit.SECONDS);
            assertEquals("rate-limited", e.path("code").asText(), e.toString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            // wait until the server has gone through the whole flood: the count stops moving
            double[] last = {-1};
            Eventually.await("the flood to be handled", WAIT, () -> {
                double now = signalingErrors("rate-limited");
                boolean settled = now > before && now == last[0];
                last[0] = now;
                if (!settled) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                return settled;
            });
            double refused = signalingErrors("rate-limited") - before;
            double elapsed = (System.nanoTime() - t0) / 1e9; // the bucket refilled over this time at most
            long handled = raw.history().stream().filter(m -> m.path("type").asText().equals("pong")).count();
            System.out.printf("[abuse] %d pings sent in %.2f s: %.0f refused, %d answered (over %.1f s)%n", sent,
                    seconds, refused, handled, elapsed);
            assertTrue(handled <= 60 + 20 * elapsed + 1, handled + " answered in " + elapsed + " s");
            assertTrue(refused >= sent - handled - 1, "every other ping refused and counted: " + refused);
            Thread.sleep(3000); // the bucket refills: the client that slowed down is served again
            CompletableFuture<JsonNode> pong = raw.awaitType("pong");
            raw.sendText("{\"type\":\"ping\"}");
            pong.get(10, TimeUnit.SECONDS);
            assertTrue(raw.isOpen());
        }
    }

    /** Chat has its own, lower rate (limits.maxChatMessagesPerSecond, 2, burst 10): the rest is refused. */
    @Test
    void aChatFloodReachesNobody() throws Exception {
        double before = signalingErrors("rate-limited");
        try (SignalingClient raw = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<JsonNode> joined = raw.awaitType("joined");
            raw.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"displayName\":\"Spammer\"}");
            joined.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                raw.sendText("{\"type\":\"chat\",\"text\":\"spam " + i + "\"}");
            }
            Eventually.await("chat refusals", WAIT, () -> signalingErrors("rate-limited") >= before + 30);
            assertTrue(raw.isOpen());
        }
    }

    /**
     * Password brute force: 66k guesses a second, retried on the same socket. Now after
     * limits.maxPasswordAttempts (5) wrong passwords an address waits 1 s (doubling to 60 s) before its next
     * attempt, and attempts meanwhile are refused with too-many-attempts without being checked.
     */
    @Test
    void passwordGuessesBackOff() throws Exception {
        String room = "locked";
        try (SignalingClient owner = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS);
             SignalingClient guesser = SignalingClient.connect(runtime.httpClient(), ws).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<JsonNode> joined = owner.awaitType("joined");
            CompletableFuture<JsonNode> afterJoin = owner.awaitType("roomUpdated"); // sent right after joined
            owner.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"Owner\"}");
            joined.get(10, TimeUnit.SECONDS);
            afterJoin.get(10, TimeUnit.SECONDS);
            CompletableFuture<JsonNode> updated = owner.awaitType("roomUpdated");
            owner.sendText("{\"type\":\"setPassword\",\"password\":\"right\"}");
            updated.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 6; i++) {
                assertEquals("wrong-password", joinError(guesser, room, "guess" + i));
            }
            assertEquals("too-many-attempts", joinError(guesser, room, "right"), "not even checked while waiting");
            Thread.sleep(1100);
            CompletableFuture<JsonNode> in = guesser.awaitType("joined");
            guesser.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"password\":\"right\"}");
            in.get(10, TimeUnit.SECONDS);
        }
    }

    private static String joinError(SignalingClient c, String room, String password) throws Exception {
        CompletableFuture<JsonNode> error = c.awaitType("error");
        c.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"password\":\"" + password + "\"}");
        return error.get(10, TimeUnit.SECONDS).path("code").asText();
    }

    /** The status line the server answers a WebSocket upgrade with this Origin (null: no Origin header). */
    private static String upgradeStatus(String origin) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.httpAddress(), 5000);
            s.setSoTimeout(10_000);
            String host = "127.0.0.1:" + server.httpAddress().getPort();
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** Cross-site WebSocket: Origin https://evil.example was upgraded, welcomed and joined. Now it is 403. */
    @Test
    void aWebSocketFromAnotherSiteIsRefused() throws Exception {
        double before = refused("origin");
        assertEquals("HTTP/1.1 403 Forbidden", upgradeStatus("https://evil.example"));
        assertEquals("HTTP/1.1 403 Forbidden", upgradeStatus("null"));
        assertEquals(before + 2, refused("origin"));
        String self = "http://127.0.0.1:" + server.httpAddress().getPort();
        assertEquals("HTTP/1.1 101 Switching Protocols", upgradeStatus(self));
        assertEquals("HTTP/1.1 101 Switching Protocols", upgradeStatus(null), "not a browser: nothing to check");
    }

    /**
     * Slowloris: 1,000 connections dribbling header bytes stayed open (any byte reset the only timer). Now a
     * request must be complete within limits.requestTimeoutSeconds (10 s) of its first byte.
     */
    @Test
    void slowRequestsAreCutOffAtTheDeadline() throws Exception {
        double before = refused("request_timeout");
        int connections = 50;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                s.connect(server.httpAddress(), 5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            long t0 = System.nanoTime();
            int open = connections;
            while (open > 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(40)) {
                open = 0;
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII)); // never done
                        open++;
                    } catch (IOException closed) {
                        // cut off by the server
                    }
                }
                Thread.sleep(500);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[abuse] slowloris: %d connections, all cut off after %.1f s%n", connections, seconds);
            assertEquals(0, open, "connections still open");
            assertTrue(seconds >= 5, "not long before the deadline: " + seconds);
            Eventually.await("the cut-offs to be counted", WAIT, () -> refused("request_timeout") >= before + connections);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}

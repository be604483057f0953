package org.javameet.sfu.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.javameet.sfu.dtls.DtlsEndpoint.Options;
import org.javameet.sfu.dtls.DtlsEndpoint.Role;
import org.javameet.sfu.dtls.DtlsEndpoint.State;
import org.javameet.sfu.dtls.DtlsException.Reason;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpProfile;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A SERVER and a CLIENT endpoint wired back to back in memory, each direction on its own "network" thread. */
class DtlsEndpointTest {
    private static final Options FAST = Options.defaults().withTimeouts(5_000, 100);
    private static final List<SrtpProfile> BOTH = List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    private static final List<SrtpProfile> GCM = List.of(SrtpProfile.AEAD_AES_128_GCM);
    private static final List<SrtpProfile> CM = List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80);

    private static DtlsCertificate serverCert;
    private static DtlsCertificate clientCert;
    private static ExecutorService dtlsPool;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        SrtpSession.warmUp();
        serverCert = DtlsCertificate.generate();
        clientCert = DtlsCertificate.generate();
        dtlsPool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dtls-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void tearDown() {
        dtlsPool.shutdownNow();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** Records callbacks and checks the "exactly one outcome" rule. */
    static final class Recorder implements DtlsEndpoint.Listener {
        final CompletableFuture<SrtpKeys> connected = new CompletableFuture<>();
        final CompletableFuture<DtlsException> failed = new CompletableFuture<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger callbacks = new AtomicInteger();
        volatile String thread;

        @Override
        public void onConnected(SrtpKeys keys) {
            callbacks.incrementAndGet();
            thread = Thread.currentThread().getName();
            connected.complete(keys);
        }

        @Override
        public void onFailed(DtlsException e) {
            callbacks.incrementAndGet();
            failed.complete(e);
        }

        @Override
        public void onClosed() {
            callbacks.incrementAndGet();
            closed.countDown();
        }

        SrtpKeys awaitConnected() throws Exception {
            CompletableFuture.anyOf(connected, failed).get(10, TimeUnit.SECONDS);
            if (failed.isDone()) {
                throw new AssertionError("expected connected, got " + failed.get(), failed.get());
            }
            return connected.get();
        }

        DtlsException awaitFailed() throws Exception {
            CompletableFuture.anyOf(connected, failed).get(10, TimeUnit.SECONDS);
            assertFalse(connected.isDone(), "expected a failure, but connected");
            return failed.get();
        }
    }

    /** One direction of the wire: delivers on its own thread, optionally dropping or recording. */
    final class Wire implements DatagramSender, AutoCloseable {
        final ExecutorService network = Executors.newSingleThreadExecutor();
        final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
        volatile DtlsEndpoint to;
        volatile Predicate<byte[]> drop = d -> false;

        Wire() {
            cleanup.add(this);
        }

        @Override
        public void send(byte[] data, int off, int len) {
            byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len); // BC reuses its array
            sent.add(copy);
            if (drop.test(copy)) {
                return;
            }
            network.execute(() -> to.onDatagram(copy));
        }

        @Override
        public void close() {
            network.shutdownNow();
        }
    }

    final class Pair {
        final Wire toClient = new Wire();
        final Wire toServer = new Wire();
        final Recorder serverEvents = new Recorder();
        final Recorder clientEvents = new Recorder();
        final DtlsEndpoint server;
        final DtlsEndpoint client;

        Pair(DtlsFingerprint serverExpects, DtlsFingerprint clientExpects, Options serverOptions, Options clientOptions) {
            server = new DtlsEndpoint(Role.SERVER, serverCert, serverExpects, toClient, dtlsPool, serverEvents, serverOptions);
            client = new DtlsEndpoint(Role.CLIENT, clientCert, clientExpects, toServer, dtlsPool, clientEvents, clientOptions);
            toClient.to = client;
            toServer.to = server;
            cleanup.add(server);
            cleanup.add(client);
        }

        Pair() {
            this(clientCert.dtlsFingerprint(), serverCert.dtlsFingerprint(), FAST, FAST);
        }

        void start() {
            server.start();
            client.start();
        }
    }

    static Stream<Arguments> profilePreferences() {
        return Stream.of(
                Arguments.of(BOTH, BOTH, SrtpProfile.AEAD_AES_128_GCM),
                Arguments.of(BOTH, List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM),
                        SrtpProfile.AEAD_AES_128_GCM), // the server's preference wins
                Arguments.of(BOTH, CM, SrtpProfile.AES_CM_128_HMAC_SHA1_80),
                Arguments.of(CM, BOTH, SrtpProfile.AES_CM_128_HMAC_SHA1_80),
                Arguments.of(GCM, GCM, SrtpProfile.AEAD_AES_128_GCM));
    }

    @ParameterizedTest
    @MethodSource("profilePreferences")
    void handshakeYieldsMirroredKeysThatProtectMedia(List<SrtpProfile> server, List<SrtpProfile> client,
                                                     SrtpProfile expected) throws Exception {
        Pair p = new Pair(clientCert.dtlsFingerprint(), serverCert.dtlsFingerprint(),
                FAST.withSrtpProfiles(server), FAST.withSrtpProfiles(client));
        p.start();
        SrtpKeys serverKeys = p.serverEvents.awaitConnected();
        SrtpKeys clientKeys = p.clientEvents.awaitConnected();
        assertEquals(expected, serverKeys.profile());
        assertEquals(serverKeys, clientKeys.mirror());
        assertArrayEquals(serverKeys.localKey(), clientKeys.remoteKey());
        assertEquals(State.CONNECTED, p.server.state());
        assertEquals(expected, p.client.srtpProfile());
        assertTrue(p.serverEvents.thread.startsWith("dtls-test"), "callbacks run on the executor");

        // the keys really work: client protects, server unprotects
        byte[] rtp = {(byte) 0x80, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4};
        ByteBuf buf = Unpooled.buffer(64).writeBytes(rtp);
        try {
            assertEquals(SrtpStatus.OK, new SrtpSession(clientKeys).protectRtp(buf));
            assertEquals(SrtpStatus.OK, new SrtpSession(serverKeys).unprotectRtp(buf));
            assertArrayEquals(rtp, ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void serverRejectsAClientWhoseCertificateDoesNotMatchItsSdp() throws Exception {
        Pair p = new Pair(serverCert.dtlsFingerprint() /* wrong on purpose */, serverCert.dtlsFingerprint(), FAST, FAST);
        p.start();
        DtlsException e = p.serverEvents.awaitFailed();
        assertEquals(Reason.FINGERPRINT_MISMATCH, e.reason());
        assertEquals(Reason.HANDSHAKE_FAILED, p.clientEvents.awaitFailed().reason()); // it got bad_certificate
        assertEquals(State.FAILED, p.server.state());
    }

    @Test
    void clientRejectsAServerWhoseCertificateDoesNotMatch() throws Exception {
        Pair p = new Pair(clientCert.dtlsFingerprint(), DtlsFingerprint.of("sha-256", clientCert.derEncoded()), FAST, FAST);
        p.start();
        assertEquals(Reason.FINGERPRINT_MISMATCH, p.clientEvents.awaitFailed().reason());
        p.serverEvents.awaitFailed();
    }

    @Test
    void noCommonSrtpProfileFailsOnTheServer() throws Exception {
        Pair p = new Pair(clientCert.dtlsFingerprint(), serverCert.dtlsFingerprint(),
                FAST.withSrtpProfiles(GCM), FAST.withSrtpProfiles(CM));
        p.start();
        assertEquals(Reason.NO_SRTP_PROFILE, p.serverEvents.awaitFailed().reason());
        assertEquals(Reason.HANDSHAKE_FAILED, p.clientEvents.awaitFailed().reason());
    }

    @Test
    void fingerprintMayArriveAfterTheHandshake() throws Exception {
        Pair p = new Pair(null, serverCert.dtlsFingerprint(), FAST, FAST);
        p.start();
        p.clientEvents.awaitConnected();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.server.state() != State.AWAITING_FINGERPRINT && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(State.AWAITING_FINGERPRINT, p.server.state());
        assertFalse(p.serverEvents.connected.isDone());
        p.server.setRemoteFingerprint(DtlsFingerprint.parse(clientCert.fingerprint()));
        assertEquals(p.clientEvents.connected.get().mirror(), p.serverEvents.awaitConnected());
    }

    @Test
    void lateFingerprintThatDoesNotMatchFailsAndClosesThePeer() throws Exception {
        Pair p = new Pair(null, serverCert.dtlsFingerprint(), FAST, FAST);
        p.start();
        p.clientEvents.awaitConnected();
        while (p.server.state() != State.AWAITING_FINGERPRINT) {
            Thread.sleep(5);
        }
        p.server.setRemoteFingerprint(serverCert.dtlsFingerprint());
        assertEquals(Reason.FINGERPRINT_MISMATCH, p.serverEvents.awaitFailed().reason());
        assertTrue(p.clientEvents.closed.await(5, TimeUnit.SECONDS), "client saw close_notify");
    }

    @Test
    void lostFirstFlightIsRetransmitted() throws Exception {
        Pair p = new Pair();
        AtomicInteger first = new AtomicInteger();
        p.toServer.drop = d -> first.getAndIncrement() == 0; // the ClientHello
        p.start();
        assertEquals(p.serverEvents.awaitConnected(), p.clientEvents.awaitConnected().mirror());
        assertTrue(first.get() > 1);
    }

    @Test
    void twentyPercentLossBothWaysStillConnects() throws Exception {
        Pair p = new Pair(clientCert.dtlsFingerprint(), serverCert.dtlsFingerprint(),
                Options.defaults().withTimeouts(10_000, 50), Options.defaults().withTimeouts(10_000, 50));
        Random r = new Random(20);
        p.toServer.drop = d -> { synchronized (r) { return r.nextInt(5) == 0; } };
        p.toClient.drop = d -> { synchronized (r) { return r.nextInt(5) == 0; } };
        p.start();
        assertEquals(p.serverEvents.awaitConnected(), p.clientEvents.awaitConnected().mirror());
    }

    @Test
    void lostFinalServerFlightIsResentFromTheConnectedServer() throws Exception {
        Pair p = new Pair();
        AtomicInteger droppedFinal = new AtomicInteger();
        // RFC 6347 §4.2.4: the server's last flight is ChangeCipherSpec (type 20) + Finished (epoch 1).
        // Losing it leaves the server connected and the client retransmitting its own last flight,
        // which the server must answer from the post-handshake drain.
        p.toClient.drop = d -> (d[0] == 20 || (d.length > 4 && (d[3] != 0 || d[4] != 0)))
                && droppedFinal.getAndIncrement() < 2;
        p.start();
        SrtpKeys serverKeys = p.serverEvents.awaitConnected();
        assertEquals(serverKeys, p.clientEvents.awaitConnected().mirror());
        assertTrue(droppedFinal.get() >= 3, "both records dropped once, then resent ones passed");
    }

    @Test
    void closeSendsCloseNotifyAndThePeerSeesOnClosed() throws Exception {
        Pair p = new Pair();
        p.start();
        p.serverEvents.awaitConnected();
        p.clientEvents.awaitConnected();
        p.server.close();
        p.server.close(); // idempotent
        assertEquals(State.CLOSED, p.server.state());
        assertTrue(p.clientEvents.closed.await(5, TimeUnit.SECONDS));
        assertEquals(State.CLOSED, p.client.state());
        Thread.sleep(50);
        assertEquals(1, p.serverEvents.callbacks.get(), "no callback for a local close");
        assertEquals(2, p.clientEvents.callbacks.get());
        long dropped = p.server.droppedDatagrams();
        p.server.onDatagram(new byte[] {22, (byte) 254, (byte) 253});
        assertEquals(dropped + 1, p.server.droppedDatagrams());
    }

    @Test
    void garbageDuringTheHandshakeIsIgnored() throws Exception {
        Pair p = new Pair();
        Random r = new Random(7);
        p.start();
        for (int i = 0; i < 200; i++) {
            byte[] g = new byte[r.nextInt(300)];
            r.nextBytes(g);
            if (g.length > 0 && i % 2 == 0) {
                g[0] = 22; // looks like a DTLS handshake record
                if (g.length > 2) {
                    g[1] = (byte) 254;
                    g[2] = (byte) 253;
                }
            }
            (i % 2 == 0 ? p.server : p.client).onDatagram(g);
        }
        assertEquals(p.serverEvents.awaitConnected(), p.clientEvents.awaitConnected().mirror());
        // garbage after the handshake is harmless too
        for (int i = 0; i < 50; i++) {
            byte[] g = new byte[1 + r.nextInt(100)];
            r.nextBytes(g);
            g[0] = 23;
            p.server.onDatagram(g);
        }
        Thread.sleep(50);
        assertEquals(State.CONNECTED, p.server.state());
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        Recorder events = new Recorder();
        DtlsEndpoint server = new DtlsEndpoint(Role.SERVER, serverCert, clientCert.dtlsFingerprint(),
                (d, o, l) -> { }, dtlsPool, events, Options.defaults().withTimeouts(300, 100));
        cleanup.add(server);
        server.start();
        assertEquals(Reason.TIMEOUT, events.awaitFailed().reason());
    }

    @Test
    void closeDuringTheHandshakeFreesTheThreadWithoutCallbacks() throws Exception {
        AtomicInteger running = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        Recorder events = new Recorder();
        DtlsEndpoint client = new DtlsEndpoint(Role.CLIENT, clientCert, serverCert.dtlsFingerprint(),
                (d, o, l) -> { }, task -> dtlsPool.execute(() -> {
                    running.incrementAndGet();
                    try {
                        task.run();
                    } finally {
                        running.decrementAndGet();
                        finished.countDown();
                    }
                }), events, FAST);
        client.start();
        Thread.sleep(100);
        assertEquals(1, running.get(), "handshake is waiting for the server");
        client.close();
        assertTrue(finished.await(2, TimeUnit.SECONDS), "handshake thread released");
        assertEquals(State.CLOSED, client.state());
        assertEquals(0, events.callbacks.get());
        assertNull(client.srtpProfile());
    }

    @Test
    void fullQueueDropsAndCounts() {
        Recorder events = new Recorder();
        Options tiny = new Options(1_000, 100, 2, 1200, 1500, BOTH);
        DtlsEndpoint server = new DtlsEndpoint(Role.SERVER, serverCert, null, (d, o, l) -> { }, dtlsPool, events, tiny);
        cleanup.add(server);
        for (int i = 0; i < 5; i++) {
            server.onDatagram(new byte[] {22});
        }
        server.onDatagram(new byte[1501]);
        assertEquals(6, server.receivedDatagrams());
        assertEquals(4, server.droppedDatagrams());
    }
}

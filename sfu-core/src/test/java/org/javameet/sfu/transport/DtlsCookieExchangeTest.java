package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.dtls.DtlsException;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DTLS cookie exchange on a WebRtcTransport (issue 15: one ClientHello from an ICE-checked address drew the
 * whole server flight, ~2.6 KB, and a handshake thread). The ClientHellos of Chromium 156 and webrtcbin, captured
 * in a browser test, are fragmented over two datagrams each (why BouncyCastle's own verifier, which reads only an
 * unfragmented one, refused every browser): each draws one 60-byte HelloVerifyRequest and starts nothing. A
 * BouncyCastle client, its ClientHello fragmented as browsers do, answers with the cookie and the handshake runs to
 * the end; a wrong cookie starts nothing and is counted.
 */
class DtlsCookieExchangeTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.10", 3478);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("198.51.100.7", 50123);
    private static final String UFRAG = "sfuUfrag";
    private static final String PWD = "sfuPasswordOf24CharsAbcd";
    private static final long WAIT_SECONDS = 20;

    private static DtlsCertificate serverCert;
    private static DtlsCertificate clientCert;

    private EventLoop loop;
    private MediaMetrics metrics;
    private WebRtcTransport transport;
    /** What the server sent the browser, one datagram each. */
    private final LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    private final AtomicInteger handshakesStarted = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final List<DtlsEndpoint> clients = new ArrayList<>();
    /** What the server sent back for the last {@link #deliver}ed datagram. */
    private final List<byte[]> replies = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        serverCert = DtlsCertificate.generate();
        clientCert = DtlsCertificate.generate();
    }

    @BeforeEach
    void setUp() throws Exception {
        loop = new DefaultEventLoop();
        metrics = MediaMetrics.noop();
        PacketSender sender = new PacketSender() {
            @Override
            public boolean send(ByteBuf data, InetSocketAddress to) {
                byte[] b = new byte[data.readableBytes()];
                data.readBytes(b);
                data.release();
                assertEquals(BROWSER, to);
                sent.add(b);
                return true;
            }

            @Override
            public void flush() {
            }
        };
        LocalTransportParams local = new LocalTransportParams(UFRAG, PWD, serverCert.fingerprintAlgorithm(),
                serverCert.fingerprintHex(), List.of(SERVER));
        transport = new WebRtcTransport("t1", local, loop, sender, new TransportRegistry(), serverCert, task -> {
            handshakesStarted.incrementAndGet();
            pool.execute(task);
        }, metrics, ByteBufAllocator.DEFAULT);
        transport.listener(new MediaLink.Listener() {
            @Override
            public void onConnected(MediaLink link) {
                connected.complete(null);
            }

            @Override
            public void onRtp(MediaLink link, ByteBuf packet) {
                packet.release();
            }

            @Override
            public void onRtcp(MediaLink link, ByteBuf packet) {
                packet.release();
            }

            @Override
            public void onClosed(MediaLink link, String reason) {
                connected.completeExceptionally(new AssertionError("transport closed: " + reason));
            }
        });
        transport.setRemote(new RemoteTransportParams("uKEP", "remotePasswordOf24Chars!",
                clientCert.fingerprintAlgorithm(), clientCert.fingerprintHex(), "active"));
        onLoop(() -> transport.onIceCheck(BROWSER, true, UFRAG)); // the ICE check that binds the browser's address
    }

    @AfterEach
    void tearDown() throws Exception {
        clients.forEach(DtlsEndpoint::close);
        transport.close("test over");
        onLoop(() -> { });
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** One datagram from the browser, handled on the media loop; returns the bytes the server sent back for it. */
    private int deliver(byte[] datagram) throws Exception {
        onLoop(() -> transport.onPacket(Unpooled.wrappedBuffer(datagram.clone())));
        onLoop(() -> { }); // the reply was queued onto the loop: let it go out
        replies.clear();
        sent.drainTo(replies);
        return replies.stream().mapToInt(b -> b.length).sum();
    }

    private static List<byte[]> capturedClientHello(String name) throws IOException {
        try (InputStream in = DtlsCookieExchangeTest.class.getResourceAsStream("dtls/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(HexFormat.of()::parseHex).toList();
        }
    }

    @Test
    void chromiumsFragmentedClientHelloDrawsOneSmallHelloVerifyRequestAndStartsNothing() throws Exception {
        assertOneSmallReplyEach(capturedClientHello("chromium-156-client-hello.hex"), "Chromium 156");
    }

    @Test
    void webrtcbinsFragmentedClientHelloDrawsOneSmallHelloVerifyRequestAndStartsNothing() throws Exception {
        assertOneSmallReplyEach(capturedClientHello("webrtcbin-1.22-client-hello.hex"), "webrtcbin");
    }

    private void assertOneSmallReplyEach(List<byte[]> fragments, String who) throws Exception {
        assertEquals(2, fragments.size(), "the captured ClientHello spans two datagrams");
        int in = fragments.stream().mapToInt(f -> f.length).sum();
        for (int i = 0; i < 20; i++) { // a flood of the same ClientHello: each answered small, none remembered
            assertEquals(0, deliver(fragments.get(0)), "nothing for the first fragment alone");
            int out = deliver(fragments.get(1));
            assertEquals(60, out, "one HelloVerifyRequest (13 record + 12 handshake + 35 bytes) for " + who);
            if (i == 0) {
                System.out.printf("[dtls] %s ClientHello without cookie: %d bytes in, %d bytes out (%.2fx)%n", who,
                        in, out, (double) out / in);
            }
        }
        assertEquals(0, handshakesStarted.get(), "no handshake (no thread, no slot) without a cookie");
        assertEquals(20, metrics.dtlsHelloVerifyRequests.count());
    }

    @Test
    void aFragmentedClientHelloWithTheCookieStartsAHandshakeThatCompletes() throws Exception {
        LinkedBlockingQueue<byte[]> fromClient = new LinkedBlockingQueue<>();
        DtlsEndpoint client = client(fromClient);
        client.start();
        byte[][] first = fragmentInTwo(next(fromClient));
        assertEquals(0, deliver(first[0]));
        assertEquals(60, deliver(first[1]));
        assertEquals(0, handshakesStarted.get());
        // the HelloVerifyRequest reaches the client, which repeats its ClientHello with the cookie
        client.onDatagram(replies.get(0));
        byte[] withCookie = next(fromClient);
        byte[][] parts = fragmentInTwo(withCookie);
        deliver(parts[0]);
        assertEquals(0, handshakesStarted.get(), "not before the whole ClientHello is there");
        onLoop(() -> transport.onPacket(Unpooled.wrappedBuffer(parts[1])));
        assertEquals(1, handshakesStarted.get(), "the verified ClientHello starts the handshake");
        // from here the two run the handshake to its end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long flight = 0;
        while (!connected.isDone() && System.nanoTime() < deadline) {
            byte[] toClient = sent.poll(10, TimeUnit.MILLISECONDS);
            if (toClient != null) {
                flight += toClient.length;
                client.onDatagram(toClient);
            }
            for (byte[] toServer; (toServer = fromClient.poll()) != null; ) {
                byte[] d = toServer;
                onLoop(() -> transport.onPacket(Unpooled.wrappedBuffer(d)));
            }
        }
        connected.get(1, TimeUnit.SECONDS);
        System.out.printf("[dtls] verified ClientHello: %d bytes in, the server's flights %d bytes out%n",
                withCookie.length, flight);
        assertEquals(1, metrics.dtlsHelloVerifyRequests.count());
        assertEquals(0, metrics.dtlsRefusedBadCookie.count());
    }

    @Test
    void aWrongCookieIsRefusedAndCounted() throws Exception {
        LinkedBlockingQueue<byte[]> fromClient = new LinkedBlockingQueue<>();
        DtlsEndpoint client = client(fromClient);
        client.start();
        assertEquals(60, deliver(next(fromClient)));
        client.onDatagram(replies.get(0));
        byte[] withCookie = next(fromClient);
        byte[] forged = withCookie.clone();
        int cookieLengthAt = 13 + 12 + 2 + 32 + 1 + (forged[13 + 12 + 2 + 32] & 0xff);
        assertEquals(32, forged[cookieLengthAt] & 0xff, "an HMAC-SHA256 cookie");
        forged[cookieLengthAt + 1] ^= 0x01;
        assertEquals(60, deliver(forged), "a wrong cookie gets a new HelloVerifyRequest, nothing more");
        assertEquals(0, handshakesStarted.get(), "and no handshake");
        assertEquals(1, metrics.dtlsRefusedBadCookie.count());
        assertEquals(2, metrics.dtlsHelloVerifyRequests.count());
        deliver(withCookie);
        assertEquals(1, handshakesStarted.get(), "the right cookie still does");
    }

    @Test
    void otherDtlsBeforeTheClientHelloIsDroppedUnanswered() throws Exception {
        byte[] certificateFragment = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 16,
            11, 0, 0, 4, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4};
        byte[] epoch1 = {23, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
        byte[] cutShort = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 99, 1, 0, 0};
        assertEquals(0, deliver(certificateFragment));
        assertEquals(0, deliver(epoch1));
        assertEquals(0, deliver(cutShort));
        assertEquals(0, handshakesStarted.get());
        assertEquals(3, metrics.dropped(DropReason.DTLS_UNVERIFIED));
    }

    /**
     * What one ClientHello drew before the cookie exchange: the server's whole first flight (ServerHello,
     * Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone), resent 1, 3, 7 and 15 s later (doubling) while the
     * 30 s handshake timeout runs, so five times in all.
     */
    @Test
    void withoutTheCookieExchangeOneClientHelloDrewTheWholeFlight() throws Exception {
        for (String capture : List.of("chromium-156-client-hello.hex", "webrtcbin-1.22-client-hello.hex")) {
            List<byte[]> hello = capturedClientHello(capture);
            LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
            DtlsEndpoint server = new DtlsEndpoint(DtlsEndpoint.Role.SERVER, serverCert, null,
                    (data, off, len) -> out.add(Arrays.copyOfRange(data, off, off + len)), pool, quietListener());
            clients.add(server);
            server.start(); // as before this change: no cookie exchange
            hello.forEach(d -> server.onDatagram(d.clone()));
            long bytes = 0;
            boolean serverHelloDone = false;
            while (!serverHelloDone) {
                byte[] d = out.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(d, "the server's first flight");
                bytes += d.length;
                serverHelloDone = containsHandshake(d, 14);
            }
            server.close();
            int in = hello.stream().mapToInt(d -> d.length).sum();
            System.out.printf("[dtls] without cookie exchange: %s, %d bytes in, drew a %d-byte flight (%.1fx),"
                    + " %d bytes with its four resends (%.1fx)%n", capture, in, bytes, (double) bytes / in, 5 * bytes,
                    5.0 * bytes / in);
            assertTrue(bytes > 5 * 60, "the flight is many times a HelloVerifyRequest: " + bytes);
        }
    }

    /**
     * Broken and mutated ClientHellos (random bytes behind a handshake record header; the captured Chromium and
     * webrtcbin fragments with a byte changed or cut short) never throw out of the media loop, never start a
     * handshake and never draw more than one 60-byte HelloVerifyRequest each.
     */
    @Test
    void brokenClientHellosNeverEscapeNorStartAnything() throws Exception {
        java.util.Random random = new java.util.Random(15);
        List<byte[]> captured = new ArrayList<>(capturedClientHello("chromium-156-client-hello.hex"));
        captured.addAll(capturedClientHello("webrtcbin-1.22-client-hello.hex"));
        for (int i = 0; i < 3000; i++) {
            byte[] d;
            if (i % 2 == 0) {
                d = new byte[1 + random.nextInt(300)];
                random.nextBytes(d);
                d[0] = 22;
                if (d.length > 4) {
                    d[3] = 0;
                    d[4] = 0;
                }
            } else {
                byte[] original = captured.get(random.nextInt(captured.size()));
                d = Arrays.copyOf(original, random.nextInt(4) == 0 ? 1 + random.nextInt(original.length)
                        : original.length);
                d[random.nextInt(d.length)] ^= (byte) (1 + random.nextInt(255));
            }
            int out = deliver(d);
            assertTrue(out == 0 || out == 60, "at most one HelloVerifyRequest, got " + out + " bytes");
        }
        assertEquals(0, handshakesStarted.get());
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private DtlsEndpoint client(LinkedBlockingQueue<byte[]> fromClient) {
        DtlsEndpoint client = new DtlsEndpoint(DtlsEndpoint.Role.CLIENT, clientCert, serverCert.dtlsFingerprint(),
                (data, off, len) -> fromClient.add(Arrays.copyOfRange(data, off, off + len)), pool, quietListener());
        clients.add(client);
        return client;
    }

    private static DtlsEndpoint.Listener quietListener() {
        return new DtlsEndpoint.Listener() {
            @Override
            public void onConnected(SrtpKeys keys) {
            }

            @Override
            public void onFailed(DtlsException e) {
            }

            @Override
            public void onClosed() {
            }
        };
    }

    private static byte[] next(LinkedBlockingQueue<byte[]> q) throws InterruptedException {
        byte[] d = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(d, "nothing sent");
        return d;
    }

    /** Splits the one ClientHello record of {@code datagram} into two fragments, two datagrams, as browsers send. */
    static byte[][] fragmentInTwo(byte[] datagram) {
        int bodyLength = ((datagram[13 + 1] & 0xff) << 16) | ((datagram[13 + 2] & 0xff) << 8) | (datagram[13 + 3] & 0xff);
        int split = bodyLength / 2;
        return new byte[][] {fragment(datagram, 0, split, 0), fragment(datagram, split, bodyLength - split, 1)};
    }

    private static byte[] fragment(byte[] datagram, int offset, int length, int recordSeqAdd) {
        byte[] f = new byte[13 + 12 + length];
        System.arraycopy(datagram, 0, f, 0, 13 + 6); // record header, type, length, message_seq
        f[10] += (byte) recordSeqAdd;
        f[11] = (byte) ((12 + length) >>> 8);
        f[12] = (byte) (12 + length);
        f[13 + 6] = (byte) (offset >>> 16);
        f[13 + 7] = (byte) (offset >>> 8);
        f[13 + 8] = (byte) offset;
        f[13 + 9] = (byte) (length >>> 16);
        f[13 + 10] = (byte) (length >>> 8);
        f[13 + 11] = (byte) length;
        System.arraycopy(datagram, 13 + 12 + offset, f, 25, length);
        return f;
    }

    /** Whether one of the datagram's epoch-0 handshake records holds a message of {@code type}. */
    private static boolean containsHandshake(byte[] d, int type) {
        for (int off = 0; off + 13 <= d.length; ) {
            int length = ((d[off + 11] & 0xff) << 8) | (d[off + 12] & 0xff);
            if (d[off] == 22 && d[off + 3] == 0 && d[off + 4] == 0 && (d[off + 13] & 0xff) == type) {
                return true;
            }
            off += 13 + length;
        }
        return false;
    }
}

package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.dtls.DtlsException;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DTLS cookie exchange on a WebRtcTransport (issue 15: one 135-byte ClientHello drew ~2.6 KB, the whole server
 * flight, and a handshake thread). A real ClientHello from BouncyCastle's client, as a browser sends it, is answered
 * by a HelloVerifyRequest no bigger than itself and starts nothing; the client's second ClientHello, with the cookie,
 * starts the handshake.
 */
class DtlsCookieExchangeTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.10", 3478);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("198.51.100.7", 50123);
    private static final String UFRAG = "sfuUfrag";
    private static final String PWD = "sfuPasswordOf24CharsAbcd";

    private static DtlsCertificate serverCert;
    private static DtlsCertificate clientCert;

    private EmbeddedChannel channel;
    private TransportRegistry registry;
    private MediaMetrics metrics;
    private WebRtcTransport transport;
    private final List<byte[]> sent = new ArrayList<>();
    private final AtomicInteger handshakesStarted = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final LinkedBlockingQueue<byte[]> fromClient = new LinkedBlockingQueue<>();
    private DtlsEndpoint client;

    @BeforeAll
    static void certificates() {
        serverCert = DtlsCertificate.generate();
        clientCert = DtlsCertificate.generate();
    }

    @BeforeEach
    void setUp() {
        registry = new TransportRegistry();
        metrics = MediaMetrics.noop();
        channel = new EmbeddedChannel(new MediaPacketHandler(registry, metrics));
        PacketSender sender = new PacketSender() {
            @Override
            public boolean send(ByteBuf data, InetSocketAddress to) {
                byte[] b = new byte[data.readableBytes()];
                data.readBytes(b);
                data.release();
                sent.add(b);
                return true;
            }

            @Override
            public void flush() {
            }
        };
        LocalTransportParams local = new LocalTransportParams(UFRAG, PWD, serverCert.fingerprintAlgorithm(),
                serverCert.fingerprintHex(), List.of(SERVER));
        transport = new WebRtcTransport("t1", local, channel.eventLoop(), sender, registry, serverCert, task -> {
            handshakesStarted.incrementAndGet();
            pool.execute(task);
        }, metrics, channel.alloc());
        registry.register(transport);
        transport.setRemote(new RemoteTransportParams("uKEP", "remotePasswordOf24Chars!", clientCert
                .fingerprintAlgorithm(), clientCert.fingerprintHex(), "active"));
        channel.runPendingTasks();
        bind();
        client = new DtlsEndpoint(DtlsEndpoint.Role.CLIENT, clientCert, serverCert.dtlsFingerprint(),
                (data, off, len) -> fromClient.add(java.util.Arrays.copyOfRange(data, off, off + len)), pool,
                new DtlsEndpoint.Listener() {
                    @Override
                    public void onConnected(SrtpKeys keys) {
                    }

                    @Override
                    public void onFailed(DtlsException e) {
                    }

                    @Override
                    public void onClosed() {
                    }
                });
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        client.close();
        transport.close("test over");
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void bind() {
        StunMessageBuilder check = StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId())
                .username(UFRAG + ":uKEP").priority(2122194687L).iceControlling(1L).useCandidate()
                .messageIntegrity(PWD.getBytes(StandardCharsets.UTF_8)).fingerprint();
        ByteBuf buf = channel.alloc().buffer(check.encodedLength());
        check.writeTo(buf);
        channel.writeInbound(new DatagramPacket(buf, SERVER, BROWSER));
        DatagramPacket response = channel.readOutbound();
        assertNotNull(response, "binding success");
        response.release();
    }

    /** Delivers a datagram from the browser and runs what the media loop queued; returns what the server sent. */
    private int deliver(byte[] datagram) {
        sent.clear();
        ByteBuf buf = channel.alloc().buffer(datagram.length).writeBytes(datagram);
        channel.writeInbound(new DatagramPacket(buf, SERVER, BROWSER));
        channel.runPendingTasks();
        return sent.stream().mapToInt(b -> b.length).sum();
    }

    private byte[] nextFromClient() throws InterruptedException {
        byte[] d = fromClient.poll(10, TimeUnit.SECONDS);
        assertNotNull(d, "the client sent nothing");
        return d;
    }

    @Test
    void aClientHelloWithoutCookieDrawsNoMoreThanItselfAndStartsNothing() throws Exception {
        client.start();
        byte[] hello = nextFromClient();
        for (int i = 0; i < 20; i++) { // a flood of the same ClientHello: each one answered small, none remembered
            int out = deliver(hello);
            assertEquals(1, sent.size(), "one HelloVerifyRequest");
            assertTrue(out <= hello.length, out + " bytes out for a " + hello.length + "-byte ClientHello");
            if (i == 0) {
                System.out.printf("[dtls] unverified ClientHello: %d bytes in, %d bytes out (%.2fx)%n", hello.length,
                        out, (double) out / hello.length);
            }
        }
        assertEquals(0, handshakesStarted.get(), "no handshake (no thread, no slot) without a cookie");
        assertEquals(20, metrics.dtlsHelloVerifyRequests.count());
    }

    @Test
    void theClientHelloWithTheCookieStartsTheHandshake() throws Exception {
        client.start();
        deliver(nextFromClient());
        byte[] helloVerifyRequest = sent.get(0);
        client.onDatagram(helloVerifyRequest);
        byte[] withCookie = nextFromClient();
        assertTrue(withCookie.length > 0);
        sent.clear();
        ByteBuf buf = channel.alloc().buffer(withCookie.length).writeBytes(withCookie);
        channel.writeInbound(new DatagramPacket(buf, SERVER, BROWSER));
        channel.runPendingTasks();
        assertEquals(1, handshakesStarted.get(), "the verified ClientHello starts the handshake");
        // the server's flight (ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent.stream().mapToInt(b -> b.length).sum() <= withCookie.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
            channel.runPendingTasks();
        }
        int flight = sent.stream().mapToInt(b -> b.length).sum();
        System.out.printf("[dtls] verified ClientHello: %d bytes in, the server flight %d bytes out%n",
                withCookie.length, flight);
        assertTrue(flight > withCookie.length, "the server flight follows: " + flight + " bytes");
    }

    @Test
    void otherDtlsBeforeTheClientHelloIsDroppedUnanswered() {
        byte[] record = {22, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
        assertEquals(0, deliver(record));
        assertEquals(0, handshakesStarted.get());
        assertEquals(1, metrics.dropped(DropReason.DTLS_UNVERIFIED));
    }
}

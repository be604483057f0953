package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.metrics.TcpCloseReason;
import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ICE-TCP on a real media server on loopback, driven by plain sockets: RFC 4571 framing, a TCP connection
 * that holds nothing until a valid check, every refusal and close counted by reason, and (in an EmbeddedChannel)
 * the bounded outbound buffer of a peer that does not read.
 */
class IceTcpTest {
    private static final String REMOTE_UFRAG = "brws";
    private static DtlsCertificate certificate;

    private MediaMetrics metrics;
    private MediaServer server;
    private InetSocketAddress tcp;
    private WebRtcTransport transport;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void certificate() {
        certificate = DtlsCertificate.generate();
    }

    @BeforeEach
    void start() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        metrics = MediaMetrics.noop();
        IceTcpAcceptor.Limits limits = new IceTcpAcceptor.Limits(8, 4, Duration.ofMillis(400), Duration.ofMillis(800));
        server = new MediaServer(new MediaServer.Options(lo, 0, List.of(lo)).withTcp(MediaServer.Options.TCP_SAME_AS_UDP,
                limits), metrics, certificate);
        server.start();
        tcp = server.tcpAddress();
        transport = server.createTransport("t1");
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    @Test
    void candidatesOfferTcpOnTheUdpPortNumber() {
        LocalTransportParams local = transport.local();
        assertEquals(1, local.tcpCandidates().size());
        assertEquals(tcp.getPort(), local.tcpCandidates().get(0).getPort());
    }

    @Test
    void validCheckIsAnsweredOnTheConnectionAndMakesItTheTransportsPath() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        StunMessageBuilder request = check(transport.local().icePwd()).useCandidate();
        writeFrame(s, encode(request));
        byte[] answer = readFrame(s);
        StunMessage response = StunMessage.parse(Unpooled.wrappedBuffer(answer));
        assertEquals(StunMessage.BINDING_SUCCESS, response.messageType());
        assertEquals(s.getLocalSocketAddress(), response.xorMappedAddress());
        assertTrue(StunMessage.checkIntegrity(Unpooled.wrappedBuffer(answer),
                transport.local().icePwd().getBytes(StandardCharsets.UTF_8)));
        assertEquals(ConnectionType.TCP, onLoop(transport::connectionType));
        assertEquals(s.getLocalSocketAddress(), onLoop(transport::remoteAddress));
        assertEquals(TransportState.CONNECTING, onLoop(transport::state));
        assertNull(onLoop(() -> server.registry().byAddress((InetSocketAddress) s.getLocalSocketAddress())),
                "a TCP path binds no UDP address");

        // a consent check later on the same connection is answered too
        writeFrame(s, encode(check(transport.local().icePwd())));
        assertEquals(StunMessage.BINDING_SUCCESS, StunMessage.parse(Unpooled.wrappedBuffer(readFrame(s))).messageType());
        assertEquals(1, server.tcpAcceptor().openConnections());
    }

    @Test
    void mediaBeforeAnyCheckClosesTheConnection() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        byte[] rtp = new byte[40];
        rtp[0] = (byte) 0x80;
        writeFrame(s, rtp);
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.NOT_STUN, 1);
        assertEquals(1, metrics.dropped(DropReason.UNKNOWN_ADDRESS));
        assertNull(onLoop(transport::remoteAddress));
        awaitOpen(0);
    }

    @Test
    void checkWithTheWrongPasswordClosesTheConnection() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        writeFrame(s, encode(check("notTheTransportsPasswordAtAll")));
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.CHECK_FAILED, 1);
        assertEquals(1, metrics.dropped(DropReason.STUN_BAD_INTEGRITY));
        assertNull(onLoop(transport::connectionType));
    }

    /** Not ICE at all: an HTTP request's first two bytes ("GE") read as a 18,245-byte frame. */
    @Test
    void httpOnTheMediaPortIsRefusedAsOversizedFrame() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.FRAME_TOO_LARGE, 1);
    }

    @Test
    void lengthClaiming64KiBThenStallingIsClosedAtOnce() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(0xFFFF);
        out.write(new byte[100]);
        out.flush();
        long t0 = System.nanoTime();
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.FRAME_TOO_LARGE, 1);
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(400),
                "closed on the length, before the handshake timeout");
    }

    @Test
    void partialFrameThenSilenceHitsTheHandshakeTimeout() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(200);
        out.write(new byte[10]);
        out.flush();
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.HANDSHAKE_TIMEOUT, 1);
        awaitOpen(0);
    }

    @Test
    void boundConnectionThatFallsSilentHitsTheIdleTimeout() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        writeFrame(s, encode(check(transport.local().icePwd())));
        readFrame(s);
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.IDLE_TIMEOUT, 1);
        assertEquals(0, metrics.tcpClosedCount(TcpCloseReason.HANDSHAKE_TIMEOUT));
    }

    @Test
    void connectionIsClosedWithItsTransport() throws Exception {
        Socket s = connect(InetAddress.getLoopbackAddress());
        writeFrame(s, encode(check(transport.local().icePwd())));
        readFrame(s);
        transport.close("participant left");
        assertClosedByServer(s);
        awaitCount(TcpCloseReason.TRANSPORT_CLOSED, 1);
    }

    @Test
    void connectionsAreCappedPerAddressAndInTotal() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        InetAddress c = InetAddress.getByName("127.0.0.3");
        for (int i = 0; i < 4; i++) {
            connect(a);
        }
        Socket fifthFromA = connect(a);
        assertClosedByServer(fifthFromA);
        awaitCount(TcpCloseReason.LIMIT_PER_ADDRESS, 1);
        for (int i = 0; i < 4; i++) {
            connect(b);
        }
        awaitOpen(8);
        Socket ninth = connect(c);
        assertClosedByServer(ninth);
        awaitCount(TcpCloseReason.LIMIT_TOTAL, 1);
        // the admitted ones time out (no check), which frees their slots
        awaitCount(TcpCloseReason.HANDSHAKE_TIMEOUT, 8);
        awaitOpen(0);
        Socket later = connect(c);
        writeFrame(later, encode(check(transport.local().icePwd())));
        assertEquals(StunMessage.BINDING_SUCCESS, StunMessage.parse(Unpooled.wrappedBuffer(readFrame(later))).messageType());
    }

    /** An EmbeddedChannel carrying one ICE-TCP connection bound (by a valid check) to its own transport. */
    private record Bound(EmbeddedChannel ch, IceTcpConnection conn, WebRtcTransport transport, MediaMetrics metrics) {
    }

    private static Bound boundEmbedded() {
        TransportRegistry registry = new TransportRegistry();
        MediaMetrics m = MediaMetrics.noop();
        InetSocketAddress peer = new InetSocketAddress("198.51.100.7", 50123);
        EmbeddedChannel ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return peer;
            }
        };
        LocalTransportParams local = new LocalTransportParams("sfuUfrag", "sfuPasswordOf24CharsAbcd", "sha-256",
                certificate.fingerprintHex(), List.of(), List.of());
        WebRtcTransport t = new WebRtcTransport("t", local, ch.eventLoop(), new PacketSender() {
            @Override
            public boolean send(ByteBuf data, InetSocketAddress to) {
                data.release();
                throw new AssertionError("nothing goes out over UDP");
            }

            @Override
            public void flush() {
            }
        }, registry, certificate, r -> {
            throw new AssertionError("no DTLS here");
        }, m, ch.alloc());
        registry.register(t);
        ch.pipeline().addLast(new IceTcpAcceptor(registry, m, IceTcpAcceptor.Limits.defaults()));
        ch.pipeline().fireChannelActive();
        ByteBuf request = Unpooled.buffer();
        check(local.iceUfrag(), local.icePwd()).writeTo(request);
        ch.writeInbound(frame(request));
        IceTcpConnection conn = ch.pipeline().get(IceTcpConnection.class);
        assertSame(t, conn.transport());
        assertEquals(ConnectionType.TCP, t.connectionType());
        ByteBuf prefix = ch.readOutbound();
        assertEquals(2, prefix.readableBytes(), "the length prefix, then the response");
        prefix.release();
        ((ByteBuf) ch.readOutbound()).release();
        return new Bound(ch, conn, t, m);
    }

    private static ByteBuf frame(ByteBuf packet) {
        ByteBuf f = Unpooled.buffer().writeShort(packet.readableBytes()).writeBytes(packet);
        packet.release();
        return f;
    }

    /**
     * Forwarding writes without flushing (one flush per inbound batch): what was queued on a TCP path goes out
     * when a read batch ends, whichever connection it came in on.
     */
    @Test
    void queuedPacketsGoOutWhenAReadBatchEnds() {
        Bound b = boundEmbedded();
        assertEquals(1, b.metrics().packetsOut.count(), "the binding response, counted once");
        assertTrue(b.conn().send(Unpooled.buffer(100).writeZero(100)));
        assertEquals(1, b.metrics().packetsOut.count(), "a path send is counted by the transport, not twice");
        assertNull(b.ch().readOutbound(), "not flushed yet");
        ByteBuf rtp = Unpooled.buffer(40).writeByte(0x80).writeZero(39);
        b.ch().writeInbound(frame(rtp)); // dropped (no SRTP yet), but it ends a read batch
        ByteBuf prefix = b.ch().readOutbound();
        assertEquals(100, prefix.readUnsignedShort());
        prefix.release();
        ByteBuf packet = b.ch().readOutbound();
        assertEquals(100, packet.readableBytes());
        packet.release();
        assertEquals(1, b.metrics().dropped(DropReason.NOT_CONNECTED));
        b.ch().finishAndReleaseAll();
    }

    /** A peer that stops reading: packets past the high-water mark are dropped and counted, never queued. */
    @Test
    void peerThatDoesNotReadCostsAtMostTheHighWaterMark() throws Exception {
        Bound b = boundEmbedded();
        EmbeddedChannel ch = b.ch();
        IceTcpConnection conn = b.conn();
        MediaMetrics m = b.metrics();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));

        // nothing is flushed now (the peer does not read): queue until the channel says it is not writable
        List<ByteBuf> sent = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            ByteBuf p = Unpooled.buffer(1200).writeZero(1200);
            sent.add(p);
            if (conn.send(p)) {
                accepted++;
            }
        }
        assertTrue(accepted >= 3 && accepted <= 5, "about 4 KiB queued, got " + accepted + " packets");
        assertEquals(100 - accepted, m.dropped(DropReason.TCP_SEND_BUFFER_FULL));
        for (ByteBuf p : sent.subList(accepted, sent.size())) {
            assertEquals(0, p.refCnt(), "a dropped packet is released");
        }
        ch.close();
        assertFalse(conn.isOpen());
        ByteBuf late = Unpooled.buffer(10).writeZero(10);
        assertFalse(conn.send(late));
        assertEquals(0, late.refCnt());
        assertEquals(1, m.dropped(DropReason.PATH_CLOSED));
        ch.finishAndReleaseAll();
        for (ByteBuf p : sent) {
            assertEquals(0, p.refCnt(), "queued packets are released when the connection closes");
        }
    }

    // --- helpers

    private Socket connect(InetAddress from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(tcp, 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private StunMessageBuilder check(String password) {
        return check(transport.local().iceUfrag(), password);
    }

    private static StunMessageBuilder check(String ufrag, String password) {
        return StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId())
                .username(ufrag + ":" + REMOTE_UFRAG)
                .priority(1518280447L)
                .iceControlling(0x1234_5678_9abc_def0L)
                .messageIntegrity(password.getBytes(StandardCharsets.UTF_8))
                .fingerprint();
    }

    private static byte[] encode(StunMessageBuilder b) {
        ByteBuf buf = Unpooled.buffer();
        b.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    private static void writeFrame(Socket s, byte[] packet) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(packet.length);
        out.write(packet);
        out.flush();
    }

    private static byte[] readFrame(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return b;
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the server sent something instead of closing");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (SocketException reset) {
            // closed with unread bytes in its buffer: the kernel answers with RST, also a close
        }
    }

    private void awaitCount(TcpCloseReason reason, int n) throws InterruptedException {
        await(() -> metrics.tcpClosedCount(reason) == n,
                () -> reason.label() + " count " + metrics.tcpClosedCount(reason) + ", expected " + n);
    }

    private void awaitOpen(int n) throws InterruptedException {
        await(() -> server.tcpAcceptor().openConnections() == n,
                () -> "open connections " + server.tcpAcceptor().openConnections() + ", expected " + n);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(10);
        }
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return server.loop().submit(c).get(5, TimeUnit.SECONDS);
    }
}

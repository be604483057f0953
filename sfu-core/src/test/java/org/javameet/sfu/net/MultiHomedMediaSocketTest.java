package org.javameet.sfu.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A host with several addresses: a socket bound to the wildcard answers from the source the kernel picks for the
 * destination, not from the address the browser sent to, and browsers drop such answers (every browser test rode
 * ICE-TCP because of it). Each announced address gets a socket of its own, and a transport's answers and media
 * leave from the address its peer checked. 127.0.0.2 is on this host (all of 127/8 is), and for a peer at
 * 127.0.0.3 the kernel would pick 127.0.0.1.
 */
class MultiHomedMediaSocketTest {
    private static final InetAddress A = address("127.0.0.1");
    private static final InetAddress B = address("127.0.0.2");
    private static final InetAddress PEER = address("127.0.0.3");

    private MediaServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersAndMediaLeaveFromTheAddressThePeerChecked() throws Exception {
        server = start(List.of(A, B));
        MediaLoop loop = server.loops().get(0);
        int port = loop.udpAddress().getPort();
        assertEquals(List.of(new InetSocketAddress(A, port), new InetSocketAddress(B, port)), loop.udpAddresses(),
                "one socket per announced address, on one port");
        WebRtcTransport t = loop.createTransport("multi/t");
        DtlsCertificate browserCert = DtlsCertificate.generate();
        loop.loop().submit(() -> t.setRemote(new RemoteTransportParams("uKEP", "remotePasswordOf24Chars!",
                browserCert.fingerprintAlgorithm(), browserCert.fingerprintHex(), "active")))
                .get(5, TimeUnit.SECONDS);
        List<byte[]> clientHello = clientHello();
        try (DatagramSocket browser = new DatagramSocket(0, PEER)) {
            browser.setSoTimeout(5000);
            InetSocketAddress toB = new InetSocketAddress(B, port);
            assertEquals(toB, exchange(browser, check(t, false), toB).getSocketAddress(),
                    "the check's answer comes from the address checked, not the kernel's pick (127.0.0.1)");
            browser.send(new DatagramPacket(clientHello.get(0), clientHello.get(0).length, toB));
            DatagramPacket hvr = exchange(browser, clientHello.get(1), toB);
            assertEquals(60, hvr.getLength(), "a HelloVerifyRequest: what the transport sends on its path");
            assertEquals(toB, hvr.getSocketAddress(), "the transport sends from the socket its path was checked on");

            InetSocketAddress toA = new InetSocketAddress(A, port);
            assertEquals(toA, exchange(browser, check(t, true), toA).getSocketAddress());
            browser.send(new DatagramPacket(clientHello.get(0), clientHello.get(0).length, toA));
            assertEquals(toA, exchange(browser, clientHello.get(1), toA).getSocketAddress(),
                    "a nominated check on the other address moves the media to that socket");
        }
    }

    @Test
    void anAnnouncedAddressNotOnThisHostKeepsOneWildcardSocket() throws Exception {
        // 203.0.113.9 (TEST-NET-3) stands for a public address in front of a 1:1 NAT
        server = start(List.of(A, address("203.0.113.9")));
        MediaLoop loop = server.loops().get(0);
        assertEquals(1, loop.udpAddresses().size());
        assertEquals(true, loop.udpAddresses().get(0).getAddress().isAnyLocalAddress(), "" + loop.udpAddresses());
        WebRtcTransport t = loop.createTransport("nat/t");
        try (DatagramSocket browser = new DatagramSocket(0, A)) {
            browser.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(A, loop.udpAddress().getPort());
            assertEquals(0x0101, type(exchange(browser, check(t, true), to)), "answered over the wildcard socket");
        }
    }

    private static MediaServer start(List<InetAddress> announced) throws Exception {
        MediaServer s = new MediaServer(new MediaServer.Options(null, 0, announced), MediaMetrics.noop(),
                DtlsCertificate.generate());
        s.start();
        return s;
    }

    private static DatagramPacket exchange(DatagramSocket s, byte[] datagram, InetSocketAddress to) throws Exception {
        s.send(new DatagramPacket(datagram, datagram.length, to));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        s.receive(in);
        return in;
    }

    private static int type(DatagramPacket p) {
        return ((p.getData()[0] & 0xff) << 8) | (p.getData()[1] & 0xff);
    }

    private static byte[] check(WebRtcTransport t, boolean nominate) {
        StunMessageBuilder b = StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId())
                .username(t.local().iceUfrag() + ":uKEP")
                .priority(1518280447L)
                .iceControlling(0x1234_5678_9abc_def0L);
        if (nominate) {
            b.useCandidate();
        }
        b.messageIntegrity(t.local().icePwd().getBytes(StandardCharsets.UTF_8)).fingerprint();
        ByteBuf buf = Unpooled.buffer();
        b.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** Chromium 156's ClientHello as captured in a browser test, two datagrams. */
    private static List<byte[]> clientHello() throws Exception {
        try (InputStream in = MultiHomedMediaSocketTest.class.getResourceAsStream(
                "/org/javameet/sfu/transport/dtls/chromium-156-client-hello.hex")) {
            assertNotNull(in);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(HexFormat.of()::parseHex).toList();
        }
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

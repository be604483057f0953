package org.javameet.sfu.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.session.MediaRoom;
import org.javameet.sfu.session.MediaRooms;
import org.javameet.sfu.session.TrackLabeler;
import org.javameet.sfu.session.TrackRef;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.sfu.transport.WebRtcTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A media server with two loops: each loop has its own ports, rooms are placed on the loop with the fewest, a
 * room's transports announce only their loop's ports, and a packet for a transport that arrives at another
 * loop's port is dropped, counted, unanswered.
 */
class MediaLoopsTest {
    private static final TrackLabeler<RuntimeException> LABELS = tracks -> {
        Map<String, String> out = new HashMap<>();
        for (TrackRef t : tracks) {
            out.put(t.mid(), t.audio() ? "microphone" : "camera");
        }
        return out;
    };

    private final MediaMetrics metrics = MediaMetrics.noop();
    private MediaServer server;
    private final List<MediaRoom> rooms = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = new MediaServer(new MediaServer.Options(lo, 0, List.of(lo)).withLoops(2), metrics,
                DtlsCertificate.generate());
        server.start();
    }

    @AfterEach
    void stop() {
        rooms.forEach(MediaRoom::close);
        server.close();
    }

    @Test
    void eachLoopHasItsOwnThreadAndPorts() {
        List<MediaLoop> loops = server.loops();
        assertEquals(2, loops.size());
        assertNotEquals(loops.get(0).loop(), loops.get(1).loop());
        assertNotEquals(loops.get(0).udpAddress().getPort(), loops.get(1).udpAddress().getPort());
        assertNotEquals(loops.get(0).tcpCandidates(), loops.get(1).tcpCandidates());
        assertEquals(loops.get(1).udpAddress().getPort(), loops.get(1).candidates().get(0).getPort());
        assertSame(loops.get(0).loop(), server.loop(), "the single-loop accessors name the first loop");
    }

    @Test
    void roomsGoToTheLoopWithFewestRoomsAndAnnounceItsPorts() throws Exception {
        assertEquals(0, placed("a"));
        assertEquals(1, placed("b"));
        assertEquals(0, placed("c"));
        rooms.get(0).close(); // a
        rooms.get(2).close(); // c: loop 0 is empty, loop 1 still has b
        assertEquals(0, placed("d"), "the emptier loop, not the next in turn");
        assertEquals(0, placed("e"), "one room each: the first of equals");
        assertEquals(List.of(2, 1), server.loops().stream().map(MediaLoop::rooms).toList(), "d and e, b");
    }

    @Test
    void aCheckForAnotherLoopsTransportIsDroppedUnansweredAndItsOwnPortAnswers() throws Exception {
        WebRtcTransport t = server.loops().get(1).createTransport("loop1/t");
        byte[] check = check(t);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(700);
            s.send(new DatagramPacket(check, check.length, server.loops().get(0).udpAddress()));
            assertThrows(SocketTimeoutException.class, () -> s.receive(new DatagramPacket(new byte[1500], 1500)),
                    "loop 0 must not answer for a transport of loop 1");
            assertEquals(1, metrics.dropped(DropReason.WRONG_MEDIA_PORT));

            s.setSoTimeout(5000);
            s.send(new DatagramPacket(check, check.length, server.loops().get(1).udpAddress()));
            DatagramPacket response = new DatagramPacket(new byte[1500], 1500);
            s.receive(response);
            assertEquals(0x0101, ((response.getData()[0] & 0xff) << 8) | (response.getData()[1] & 0xff),
                    "a binding success from the transport's own port");
            assertEquals(1, metrics.dropped(DropReason.WRONG_MEDIA_PORT));
        }
    }

    @Test
    void anIceTcpCheckForAnotherLoopsTransportClosesTheConnection() throws Exception {
        WebRtcTransport t = server.loops().get(1).createTransport("loop1/t");
        byte[] check = check(t);
        InetSocketAddress loop0Tcp = server.loops().get(0).tcpCandidates().get(0);
        try (Socket s = new Socket(loop0Tcp.getAddress(), loop0Tcp.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {(byte) (check.length >> 8), (byte) check.length});
            s.getOutputStream().write(check);
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
        }
        assertEquals(1, metrics.dropped(DropReason.WRONG_MEDIA_PORT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.tcpAcceptor().openConnections() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.tcpAcceptor().openConnections());
    }

    @Test
    void tcpCapsCountEveryLoopsConnections() throws Exception {
        // the caps are the server's: one shared count behind every loop's acceptor
        InetSocketAddress tcp0 = server.loops().get(0).tcpCandidates().get(0);
        InetSocketAddress tcp1 = server.loops().get(1).tcpCandidates().get(0);
        try (Socket a = new Socket(tcp0.getAddress(), tcp0.getPort());
             Socket b = new Socket(tcp1.getAddress(), tcp1.getPort())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.tcpAcceptor().openConnections() != 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, server.loops().get(1).tcpAcceptor().openConnections());
            assertTrue(a.isConnected() && b.isConnected());
        }
    }

    @Test
    void loopsAreBounded() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        assertThrows(IllegalArgumentException.class, () -> new MediaServer.Options(lo, 0, List.of(lo)).withLoops(0));
        assertThrows(IllegalArgumentException.class,
                () -> new MediaServer.Options(lo, 0, List.of(lo)).withLoops(MediaServer.MAX_LOOPS + 1));
        assertThrows(IllegalArgumentException.class, () -> new MediaServer.Options(lo, 65535, List.of(lo)).withLoops(2),
                "ports past 65535");
    }

    /** A new room with one publisher; returns the loop its publish answer's candidates name. */
    private int placed(String name) throws Exception {
        MediaRoom r = new MediaRooms(server).create(name, (participant, transport, reason) -> { });
        rooms.add(r);
        r.join("ada");
        String answer = r.publish("ada", chromiumOffer(), LABELS).answerSdp();
        Map<Integer, Integer> byPort = new HashMap<>();
        for (MediaLoop l : server.loops()) {
            byPort.put(l.udpAddress().getPort(), l.index());
        }
        Integer loop = null;
        for (String line : answer.split("\r\n")) {
            if (line.startsWith("a=candidate:") && line.contains(" udp ")) {
                int port = Integer.parseInt(line.split(" ")[5]);
                assertTrue(loop == null || loop.equals(byPort.get(port)), "every candidate on one loop: " + answer);
                loop = byPort.get(port);
            }
        }
        assertTrue(loop != null, "a UDP candidate of one of the loops: " + answer);
        return loop;
    }

    private static String chromiumOffer() throws Exception {
        try (InputStream in = MediaLoopsTest.class.getResourceAsStream("/sdp/chromium-156-publish-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] check(WebRtcTransport t) {
        StunMessageBuilder b = StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId())
                .username(t.local().iceUfrag() + ":remote")
                .priority(1518280447L)
                .iceControlling(0x1234_5678_9abc_def0L)
                .messageIntegrity(t.local().icePwd().getBytes(StandardCharsets.UTF_8))
                .fingerprint();
        ByteBuf buf = Unpooled.buffer();
        b.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE restart over ICE-TCP, without a browser: a Java participant whose connections go over TCP restarts ICE on
 * both (new ufrag and password), and each restart opens a new TCP connection, as a browser's new candidate pair
 * would. Media goes on over the new connections under the same participant id, through the same consumers; the
 * server retires the old credentials and the old connections close (the client closes them once the new ones
 * check out), so the meeting keeps one connection per peer connection. The TCP port is not the UDP port's number
 * here, so nothing works by an accident of equal ports.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class IceTcpRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static long packets(Participant receiver, Participant from, MediaKind kind) {
        RemoteTrackStats t = receiver.stats().received(from.id(), kind);
        return t == null ? 0 : t.packets();
    }

    @Test
    void aParticipantOverIceTcpRestartsIceOnNewConnectionsAndMediaGoesOn() throws Exception {
        long start = System.nanoTime();
        int tcpPort = FreePorts.tcp();
        try (LoopbackServer loopback = LoopbackServer.start(c -> c.mediaTcpPort(tcpPort))) {
            ServerMetrics metrics = loopback.metrics();
            Participant.Options udp = Participant.Options.defaults().withTimeout(WAIT);
            Participant ada = loopback.join("tcp-restart", "Ada", udp.withIceTcp(true));
            Participant bob = loopback.join("tcp-restart", "Bob", udp);
            try {
                Eventually.await("Bob receiving Ada's video", WAIT, () -> packets(bob, ada, MediaKind.VIDEO) > 10,
                        () -> bob.stats().received().toString());
                Eventually.await("Ada receiving Bob's video", WAIT, () -> packets(ada, bob, MediaKind.VIDEO) > 10,
                        () -> ada.stats().received().toString());
                PeerConnection publish = ada.publishConnection();
                PeerConnection subscribe = ada.subscribeConnection();
                InetSocketAddress oldPublishLocal = publish.localAddress();
                InetSocketAddress oldSubscribeLocal = subscribe.localAddress();
                String oldPublishUfrag = publish.remote().iceUfrag();
                String oldSubscribeUfrag = subscribe.remote().iceUfrag();
                String adaId = ada.id();
                double restartsBefore = restarts(metrics);

                long restartStart = System.nanoTime();
                ada.restartIce().get(30, TimeUnit.SECONDS);

                Eventually.await("the server counting both of Ada's restarts", WAIT,
                        () -> restarts(metrics) >= restartsBefore + 2, metrics::scrape);
                assertNull(loopback.server.media().registry().byUfrag(oldPublishUfrag), "old publish credentials retired");
                assertNull(loopback.server.media().registry().byUfrag(oldSubscribeUfrag), "old subscribe credentials retired");
                Eventually.await("both of Ada's connections moved to new TCP connections", WAIT,
                        () -> !oldPublishLocal.equals(publish.localAddress())
                                && !oldSubscribeLocal.equals(subscribe.localAddress()),
                        () -> publish.localAddress() + " / " + subscribe.localAddress());
                Eventually.await("the old TCP connections closed: two open, as before", WAIT,
                        () -> ServerMetrics.value(metrics.scrape(), "javameet_media_tcp_connections_open", null, null) == 2,
                        metrics::scrape);

                long adaFromBob = packets(ada, bob, MediaKind.VIDEO);
                long bobFromAda = packets(bob, ada, MediaKind.VIDEO);
                long bobAudioFromAda = packets(bob, ada, MediaKind.AUDIO);
                Eventually.await("media both ways over the new connections", WAIT,
                        () -> packets(ada, bob, MediaKind.VIDEO) > adaFromBob + 20
                                && packets(bob, ada, MediaKind.VIDEO) > bobFromAda + 20
                                && packets(bob, ada, MediaKind.AUDIO) > bobAudioFromAda + 20,
                        () -> ada.stats().received() + " / " + bob.stats().received());
                System.out.printf("IceTcpRestartTest: restart to media on new TCP connections in %d ms%n",
                        (System.nanoTime() - restartStart) / 1_000_000);

                for (PeerConnection pc : new PeerConnection[] {publish, subscribe}) {
                    PeerConnection.Stats s = pc.stats();
                    assertEquals(PeerConnection.State.CONNECTED, s.state(), pc.name() + ": DTLS and SRTP were not restarted");
                    assertEquals(1, s.iceRestarts(), pc.name());
                    assertEquals(new InetSocketAddress("127.0.0.1", tcpPort), s.remoteAddress(), pc.name());
                }
                assertNotEquals(oldPublishUfrag, publish.remote().iceUfrag());
                assertEquals(adaId, ada.id());
                assertEquals(0, bob.stats().received(adaId, MediaKind.VIDEO).offsetChanges(), "the same consumer went on");
                assertEquals(2, ServerMetrics.value(metrics.scrape(), "javameet_media_transports", "type", "tcp"),
                        "Ada's two transports are still ICE-TCP");
            } finally {
                ada.close();
                bob.close();
                HostLoad.print("IceTcpRestartTest", start);
            }
        }
    }

    private static double restarts(ServerMetrics metrics) {
        return ServerMetrics.value(metrics.scrape(), "javameet_media_ice_restarts_total", null, null);
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE restart without a browser: two Java participants restart ICE on both their connections (new ufrag and
 * password, the same DTLS association and SRTP contexts) and media flows on under the new credentials, with the
 * same participant ids; the server retires the old credentials once the new ones check out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IceRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LoopbackServer loopback;

    @BeforeAll
    static void start() throws Exception {
        loopback = LoopbackServer.start();
    }

    @AfterAll
    static void stop() {
        if (loopback != null) {
            loopback.close();
        }
    }

    private static long packets(Participant receiver, Participant from, MediaKind kind) {
        RemoteTrackStats t = receiver.stats().received(from.id(), kind);
        return t == null ? 0 : t.packets();
    }

    private static double restartsCounted() {
        return loopback.server.meterRegistry().get("javameet.media.ice.restarts").counter().count();
    }

    @Test
    void mediaFlowsOnAfterAnIceRestartOnBothConnectionsUnderTheSameIds() throws Exception {
        Participant ada = loopback.join("restart", "Ada");
        Participant bob = loopback.join("restart", "Bob");
        try {
            Eventually.await("Bob receiving Ada's video", WAIT, () -> packets(bob, ada, MediaKind.VIDEO) > 10,
                    () -> bob.stats().received().toString());
            Eventually.await("Ada receiving Bob's video", WAIT, () -> packets(ada, bob, MediaKind.VIDEO) > 10,
                    () -> ada.stats().received().toString());
            String adaId = ada.id();
            String bobId = bob.id();
            String oldPublishUfrag = ada.publishConnection().remote().iceUfrag();
            String oldSubscribeUfrag = bob.subscribeConnection().remote().iceUfrag();
            String oldLocalUfrag = ada.publishConnection().identity().iceUfrag();
            double restartsBefore = restartsCounted();

            long restartStart = System.nanoTime();
            ada.restartIce().get(20, TimeUnit.SECONDS);
            bob.restartIce().get(20, TimeUnit.SECONDS);

            PeerConnection adaPublish = ada.publishConnection();
            assertNotEquals(oldPublishUfrag, adaPublish.remote().iceUfrag(), "the server answered new credentials");
            assertNotEquals(oldLocalUfrag, adaPublish.identity().iceUfrag(), "and so did Ada");
            assertNotEquals(oldSubscribeUfrag, bob.subscribeConnection().remote().iceUfrag());
            assertEquals(1, adaPublish.stats().iceRestarts());
            assertEquals(PeerConnection.State.CONNECTED, adaPublish.state(), "DTLS and SRTP were not restarted");

            // all four transports (both sides of both participants) check out with their new credentials
            Eventually.await("the server counting four completed restarts", WAIT,
                    () -> restartsCounted() >= restartsBefore + 4, () -> "restarts " + restartsCounted());
            assertNull(loopback.server.media().registry().byUfrag(oldPublishUfrag), "old credentials retired");

            long adaFromBob = packets(ada, bob, MediaKind.VIDEO);
            long bobFromAda = packets(bob, ada, MediaKind.AUDIO);
            Eventually.await("media after the restart", WAIT,
                    () -> packets(ada, bob, MediaKind.VIDEO) > adaFromBob + 20
                            && packets(bob, ada, MediaKind.AUDIO) > bobFromAda + 20,
                    () -> ada.stats().received() + " / " + bob.stats().received());
            System.out.printf("IceRestartTest: restart to media on new credentials in %d ms%n",
                    (System.nanoTime() - restartStart) / 1_000_000);
            assertEquals(adaId, ada.id());
            assertEquals(bobId, bob.id());
            RemoteTrackStats video = bob.stats().received(ada.id(), MediaKind.VIDEO);
            assertEquals(0, video.offsetChanges(), "the same consumer went on: " + video);
        } finally {
            ada.close();
            bob.close();
        }
    }
}

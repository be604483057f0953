package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.ParticipantStats;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.net.MediaLoop;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server with two media loops (issue 13): two meetings at once land on different loops (threads and ports),
 * and media flows in both exactly as with one loop, rewritten per subscriber.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MediaLoopsMeetTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private LoopbackServer loopback;
    private final List<Participant> participants = new ArrayList<>();

    @AfterEach
    void stop() {
        participants.forEach(Participant::close);
        if (loopback != null) {
            loopback.close();
        }
    }

    @Test
    void twoMeetingsRunOnTwoLoopsAndBothCarryMedia() throws Exception {
        int mediaPort = FreePorts.udpPair();
        loopback = LoopbackServer.start(c -> c.mediaPort(mediaPort).mediaLoops(2));

        Participant ada = join("loops-a", "Ada");
        Participant bob = join("loops-a", "Bob");
        Participant cy = join("loops-b", "Cy");
        Participant di = join("loops-b", "Di");

        List<MediaLoop> loops = loopback.server.media().loops();
        assertEquals(List.of(1, 1), loops.stream().map(MediaLoop::rooms).toList(), "one meeting per loop");
        assertEquals(mediaPort + 1, loops.get(1).udpAddress().getPort(), "loop 1 listens on mediaPort + 1");
        assertNotEquals(loops.get(0).loop(), loops.get(1).loop());

        for (Participant[] pair : new Participant[][] {{ada, bob}, {bob, ada}, {cy, di}, {di, cy}}) {
            awaitMedia(pair[0], pair[1]);
        }
        ParticipantStats adaStats = ada.stats();
        ParticipantStats cyStats = cy.stats();
        for (MediaKind k : MediaKind.values()) {
            RemoteTrackStats fromBob = adaStats.received(bob.id(), k);
            RemoteTrackStats fromDi = cyStats.received(di.id(), k);
            assertEquals(0, fromBob.lost(), "no gaps on loopback: " + fromBob);
            assertEquals(0, fromDi.lost(), "no gaps on loopback: " + fromDi);
            assertEquals(fromBob.offeredSsrc(), fromBob.lastSsrc());
            assertEquals(fromDi.offeredSsrc(), fromDi.lastSsrc());
        }
        assertTrue(adaStats.received(di.id(), MediaKind.VIDEO) == null, "meetings stay apart");
    }

    private Participant join(String room, String name) throws Exception {
        Participant p = loopback.join(room, name);
        participants.add(p);
        return p;
    }

    private static void awaitMedia(Participant receiver, Participant sender) {
        Eventually.await(receiver.displayName() + " receiving " + sender.displayName(), WAIT, () -> {
            for (MediaKind k : MediaKind.values()) {
                RemoteTrackStats t = receiver.stats().received(sender.id(), k);
                if (t == null || t.packets() < 5) {
                    return false;
                }
            }
            return true;
        }, () -> receiver.stats().received().toString());
    }
}

package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.LocalTrackStats;
import org.javameet.peer.Participant;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxPublisherBitrateKbps} reaches the publishers: a Java receiver sends no tile sizes, so it wants
 * everything and the publisher is told exactly the configured ceiling in REMB, never the built-in default.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PublisherBitrateCeilingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Not the default (2,500), and above the floor a lone publisher gets (~290 kbit/s): only the key gives it. */
    private static final int CEILING_KBPS = 1000;
    private static LoopbackServer loopback;
    private final List<Participant> participants = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        loopback = LoopbackServer.start(c -> c.maxPublisherBitrateKbps(CEILING_KBPS));
    }

    @AfterAll
    static void stopServer() {
        if (loopback != null) {
            loopback.close();
        }
    }

    @AfterEach
    void leaveAll() {
        participants.forEach(Participant::close);
    }

    private Participant join(String name) throws Exception {
        Participant p = loopback.join("ceiling", name, Participant.Options.defaults().withVideo(150_000, 10));
        participants.add(p);
        return p;
    }

    @Test
    void aReceiverWantingEverythingGetsThePublisherTheConfiguredCeiling() throws Exception {
        Participant ada = join("Ada");
        join("Bob");
        Eventually.await("Ada told " + CEILING_KBPS + " kbit/s in REMB", WAIT,
                () -> ada.stats().published(MediaKind.VIDEO).lastRembBitrate() == CEILING_KBPS * 1000L,
                () -> ada.stats().published(MediaKind.VIDEO).toString());
        assertTrue(CEILING_KBPS * 1000L < Router.DEFAULT_MAX_INCOMING_BITRATE, "the test must tell the two apart");
        // and it stays there: the ceiling is a bound, not a first value
        long rembsBefore = ada.stats().published(MediaKind.VIDEO).rembs();
        Eventually.await("two more REMBs", WAIT, () -> ada.stats().published(MediaKind.VIDEO).rembs() >= rembsBefore + 2);
        LocalTrackStats v = ada.stats().published(MediaKind.VIDEO);
        assertEquals(CEILING_KBPS * 1000L, v.lastRembBitrate());
    }
}

package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.rtp.Vp8Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher side of simulcast: the layers of a track nobody's tile needs are paused (the router tells the
 * session, which tells the publisher's client), at once when wanted again, only after a while when not.
 */
class LayerPausingTest {
    private static final int MID_EXT = 4;
    private static final int RID_EXT = 10;
    private static final long[] LAYER_SSRCS = {0xA000L, 0xA001L, 0xA002L};
    private static final int[] HEIGHTS = {180, 360, 720};
    private static final long SECOND = 1_000_000_000L;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> told = new ArrayList<>();
    private final Router router = new Router("test", channel.eventLoop(), new Router.Listener() {
        @Override
        public void onLinkClosed(String participantId, MediaLink link, String reason) {
        }

        @Override
        public void onLayersPaused(String publisherId, Map<String, List<String>> pausedRidsByProducer) {
            told.add(publisherId + ":" + pausedRidsByProducer);
        }
    }, 2_500_000);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);
    private final Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0, 0, 0,
            "1", MID_EXT, 97, List.of("r0", "r1", "r2"), RID_EXT, 0));
    private int seq = 100;

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    /** A keyframe of each layer, so the producer knows their heights (180, 360, 720). */
    private void keyframes() {
        for (int layer = 0; layer < 3; layer++) {
            int s = seq++;
            int l = layer;
            ByteBuf b = Unpooled.buffer();
            b.writeByte(0x90).writeByte(96).writeShort(s).writeInt(s * 3000).writeInt((int) LAYER_SSRCS[layer]);
            b.writeShort(0xBEDE).writeShort(2);
            b.writeByte(MID_EXT << 4).writeBytes("1".getBytes(StandardCharsets.US_ASCII));
            b.writeByte(RID_EXT << 4 | 1).writeBytes(("r" + layer).getBytes(StandardCharsets.US_ASCII));
            b.writeZero(3);
            Vp8Packets.writeDescriptorAndFrame(b, s, 1, 0, true, HEIGHTS[l]);
            adaLink.deliverRtp(b);
        }
    }

    private Consumer watch(String who, int tileHeight) {
        Subscriber s = router.createSubscriber(who, new FakeLink(who + "/subscribe"));
        return router.createConsumer(s, camera, new ConsumerParams("1", 1111, 1112, 100, 101, new int[0], new int[0],
                Vp8::isKeyframe), tileHeight);
    }

    @Test
    void layersNoTileNeedsArePausedAfterAWhileAndResumedAtOnce() {
        keyframes();
        watch("bob", 150);
        Consumer cy = watch("cy", 170);
        long t = System.nanoTime();
        assertFalse(camera.updateWantedLayers(t), "two thumbnails want r0 only, but not for long yet");
        assertEquals(List.of(), camera.pausedRids());
        assertFalse(camera.updateWantedLayers(t + 4 * SECOND));
        assertTrue(camera.updateWantedLayers(t + 5 * SECOND));
        assertEquals(List.of("r1", "r2"), camera.pausedRids(), "nobody needs more than 180p");

        Subscriber cyS = router.subscriber("cy");
        cyS.constrain(camera, 300); // Cy makes Ada's tile larger: r1 at once
        assertTrue(camera.updateWantedLayers(t + 5 * SECOND + 1));
        assertEquals(List.of("r2"), camera.pausedRids());

        cyS.constrain(camera, 0); // no constraint (e.g. a client that sends no tile sizes): everything
        assertTrue(camera.updateWantedLayers(t + 6 * SECOND));
        assertEquals(List.of(), camera.pausedRids());

        cyS.constrain(camera, 100); // back to a thumbnail for 3 s, then large for a moment, then small again
        assertFalse(camera.updateWantedLayers(t + 7 * SECOND));
        cyS.constrain(camera, 700);
        assertFalse(camera.updateWantedLayers(t + 10 * SECOND), "wanted again: the pause is off");
        cyS.constrain(camera, 100);
        assertFalse(camera.updateWantedLayers(t + 11 * SECOND));
        assertFalse(camera.updateWantedLayers(t + 15 * SECOND), "the 5 s start again from the last time r2 was wanted");
        assertTrue(camera.updateWantedLayers(t + 16 * SECOND));
        assertEquals(List.of("r1", "r2"), camera.pausedRids());
        assertFalse(cy.pausedByLastN());
    }

    @Test
    void nobodyWatchingLeavesTheLowestLayerAndTheSessionHearsTheWholeMapWhenItChanges() {
        keyframes();
        router.selectLayers();
        assertEquals(List.of("ada:{}"), told, "a simulcast publisher is told once that nothing is paused");
        router.selectLayers();
        assertEquals(1, told.size(), "and not again while nothing changed");

        long t = System.nanoTime();
        camera.updateWantedLayers(t);
        camera.updateWantedLayers(t + 6 * SECOND);
        assertEquals(List.of("r1", "r2"), camera.pausedRids(), "nobody watches: only the lowest layer");
        router.selectLayers();
        assertEquals("ada:{ada/1=[r1, r2]}", told.get(told.size() - 1));

        watch("bob", 0); // a new subscriber with no tile report yet: every layer, at once
        router.selectLayers();
        assertEquals("ada:{}", told.get(told.size() - 1));
        assertEquals(3, told.size());
    }

    @Test
    void aTrackWithoutSimulcastNeverPausesAnything() {
        Publisher bob = router.createPublisher("bob", new FakeLink("bob/publish"));
        Producer plain = router.createProducer(bob, "bob/1", new ProducerParams(true, 96, 90000, 0xB0B, 0, 0));
        long t = System.nanoTime();
        assertFalse(plain.updateWantedLayers(t));
        assertFalse(plain.updateWantedLayers(t + 60 * SECOND));
        assertEquals(List.of(), plain.pausedRids());
        router.selectLayers();
        assertTrue(told.stream().noneMatch(s -> s.startsWith("bob:")), "nothing to tell Bob: " + told);
    }
}

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
import org.javameet.sfu.rtcp.Remb;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.rtp.Vp8Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REMB a publisher is told: what its receivers' tiles need of its tracks, with headroom, a floor and the
 * ceiling; sent at once when that changes. Time is passed in; measured rates are set where a test needs them.
 */
class PublisherBitrateCapTest {
    private static final long CEILING = 2_500_000;
    private static final int MID_EXT = 4;
    private static final int RID_EXT = 10;
    private static final long CAMERA_SSRC = 0xC0L;
    private static final long[] LAYER_SSRCS = {0xA000L, 0xA001L, 0xA002L};
    private static final long SECOND = 1_000_000_000L;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Router router = new Router("test", channel.eventLoop(), (participant, link, reason) -> { }, CEILING);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);
    private int seq = 100;

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    private Producer camera() {
        return router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, CAMERA_SSRC, 0, 0));
    }

    private Producer microphone() {
        return router.createProducer(ada, "ada/0", new ProducerParams(false, 111, 48000, 0xA0D10L, 0, 0));
    }

    private Producer simulcastCamera() {
        return router.createProducer(ada, "ada/2", new ProducerParams(true, 96, 90000, 0, 0, 0,
                "2", MID_EXT, 97, List.of("r0", "r1", "r2"), RID_EXT, 0));
    }

    /** A keyframe {@code height} tall on the one-layer camera. */
    private void cameraKeyframe(int height) {
        int s = seq++;
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(96).writeShort(s).writeInt(s * 3000).writeInt((int) CAMERA_SSRC);
        Vp8Packets.writeDescriptorAndFrame(b, s, 1, 0, true, height);
        adaLink.deliverRtp(b);
    }

    /** A keyframe of each simulcast layer: 180, 360 and 720 tall. */
    private void layerKeyframes() {
        for (int layer = 0; layer < 3; layer++) {
            int s = seq++;
            ByteBuf b = Unpooled.buffer();
            b.writeByte(0x90).writeByte(96).writeShort(s).writeInt(s * 3000).writeInt((int) LAYER_SSRCS[layer]);
            b.writeShort(0xBEDE).writeShort(2);
            b.writeByte(MID_EXT << 4).writeBytes("2".getBytes(StandardCharsets.US_ASCII));
            b.writeByte(RID_EXT << 4 | 1).writeBytes(("r" + layer).getBytes(StandardCharsets.US_ASCII));
            b.writeZero(3);
            Vp8Packets.writeDescriptorAndFrame(b, s, 1, 0, true, 180 << layer);
            adaLink.deliverRtp(b);
        }
    }

    private Consumer watch(String who, Producer p, int tileHeight) {
        Subscriber s = router.subscriber(who);
        if (s == null) {
            s = router.createSubscriber(who, new FakeLink(who + "/subscribe"));
        }
        ConsumerParams params = p.video()
                ? new ConsumerParams(p.params().mid(), 1111, 1112, 100, 101, new int[0], new int[0], Vp8::isKeyframe)
                : new ConsumerParams("0", 2222, 0, 109, 0, new int[0], new int[0], null);
        return router.createConsumer(s, p, params, tileHeight);
    }

    private static long cap(long videoAndAudio) {
        return (long) (videoAndAudio * PublisherBitrateCap.HEADROOM);
    }

    private long remb() {
        return PublisherBitrateCap.of(ada.producers(), CEILING);
    }

    @Test
    void oneLayerCameraShownSmallerThanSentIsCappedAtWhatTheLargestTileNeeds() {
        Producer mic = microphone();
        Producer cam = camera();
        cameraKeyframe(360);
        watch("bob", mic, 0);
        watch("bob", cam, 150);
        Consumer cy = watch("cy", cam, 170);
        assertEquals(cap(200_000 + LayerAllocator.AUDIO_BITRATE), remb(), "two thumbnails: a 180p stream's worth");

        mic.layers()[0].bitrateUpToTemporal[ProducerLayer.TEMPORAL_LAYERS - 1] = 32_000; // measured
        router.subscriber("cy").constrain(cam, 300);
        assertEquals(cap(700_000 + 32_000), remb(), "a 300-pixel tile: a 360p stream's worth");

        router.subscriber("cy").constrain(cam, 360);
        assertEquals(CEILING, remb(), "shown as tall as it is sent: everything");
        router.subscriber("cy").constrain(cam, 0);
        assertEquals(CEILING, remb(), "a receiver without a tile report: everything");

        router.subscriber("cy").constrain(cam, 170);
        cy.pauseByLastN(true);
        router.subscriber("bob").consumerOf(cam).pauseByLastN(true);
        assertEquals(cap(PublisherBitrateCap.FLOOR_VIDEO + 32_000), remb(),
                "nobody receives it (last-N): the floor, never less");
    }

    @Test
    void withoutAKeyframeOrAReceiverThereIsNoBasisToHoldBackButTheFloor() {
        Producer cam = camera();
        assertEquals(cap(PublisherBitrateCap.FLOOR_VIDEO), remb(), "nobody watches yet");
        watch("bob", cam, 150);
        assertEquals(CEILING, remb(), "the height it is sent at is not known yet: everything");
    }

    @Test
    void simulcastCameraNeedsTheLayersItIsAskedToSendAndFollowsTheirPause() {
        Producer cam = simulcastCamera();
        layerKeyframes();
        watch("bob", cam, 150);
        watch("cy", cam, 170);
        long t = System.nanoTime();
        cam.updateWantedLayers(t);
        assertEquals(CEILING, remb(), "every layer is still sent (the pause waits 5 s): 200 + 700 + 2500 kbit/s");

        cam.updateWantedLayers(t + 6 * SECOND);
        assertEquals(List.of("r1", "r2"), cam.pausedRids());
        assertEquals(cap(200_000), remb(), "only r0 is sent now");

        cam.layers()[0].bitrateUpToTemporal[ProducerLayer.TEMPORAL_LAYERS - 1] = 300_000;
        assertEquals(cap(300_000), remb(), "a layer measured above the table counts at what it is measured at");

        router.subscriber("cy").constrain(cam, 300);
        cam.updateWantedLayers(t + 7 * SECOND);
        assertEquals(cap(300_000 + 700_000), remb(), "r1 wanted again: at once");
    }

    @Test
    void theRecorderAndAScreenShareAreNotCappedByTiles() {
        Producer cam = camera();
        cameraKeyframe(360);
        watch("bob", cam, 150);
        assertEquals(cap(200_000), remb());

        Subscriber recorder = router.createSubscriber("#recorder", new FakeLink("#recorder"));
        recorder.receivesAllVideo(true);
        watch("#recorder", cam, 100); // whatever it says, the recorder takes the whole track
        assertEquals(CEILING, remb());
        router.closeParticipant("#recorder");
        assertEquals(cap(200_000), remb());

        Producer screen = router.createProducer(ada, "ada/3", new ProducerParams(true, 96, 90000, 0x5C, 0, 0));
        screen.screenShare(true);
        watch("bob", screen, 150);
        assertEquals(CEILING, remb(), "one REMB covers the connection: a screen share leaves it at the ceiling");
    }

    @Test
    void aLowerNeedGoesOutAtOnceASmallChangeWaitsForTheReport() throws RtcpException {
        Producer cam = camera();
        cameraKeyframe(360);
        watch("bob", cam, 0);
        long t = 1;
        ada.updateRemb(CEILING);
        assertTrue(rembsSent().isEmpty(), "the first REMB goes with the first receiver report");
        ada.sendReports(t, CEILING);
        assertEquals(List.of(CEILING), rembsSent());
        assertEquals(1, adaLink.metrics().publisherRemb.count());
        assertEquals(CEILING, adaLink.metrics().publisherRemb.max());

        router.subscriber("bob").constrain(cam, 150); // Bob makes Ada's tile a thumbnail
        router.selectLayers();
        long lowered = cap(200_000);
        assertEquals(List.of(CEILING, approx(lowered)), rembsSent(), "lowered at once, not a second later");
        assertEquals(approx(lowered), approx(ada.rembAnnounced()));
        assertEquals(1, adaLink.metrics().publisherRembPrompt.count());

        router.subscriber("bob").constrain(cam, 160); // still a 180p stream's worth: nothing new to say
        router.selectLayers();
        assertEquals(2, rembsSent().size());

        router.subscriber("bob").constrain(cam, 0); // full size again: raised at once too
        router.selectLayers();
        assertEquals(List.of(CEILING, approx(lowered), CEILING), rembsSent());
    }

    /** What a REMB of {@code bitrate} says after its 18-bit mantissa rounded it. */
    private static long approx(long bitrate) {
        Remb r = new Remb(1, bitrate, List.of());
        return (long) r.mantissa() << r.exponent();
    }

    /** The bitrates of every REMB sent to Ada so far. */
    private List<Long> rembsSent() throws RtcpException {
        List<Long> out = new ArrayList<>();
        List<RtcpException> errors = new ArrayList<>();
        for (byte[] bytes : adaLink.rtcp) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            RtcpCompound.forEach(buf, (type, fmt, off, len) -> {
                if (Rtcp.isRemb(buf, off, len)) {
                    try {
                        out.add(Remb.parse(buf, off, len).bitrate());
                    } catch (RtcpException e) {
                        errors.add(e);
                    }
                }
            });
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return out;
    }
}

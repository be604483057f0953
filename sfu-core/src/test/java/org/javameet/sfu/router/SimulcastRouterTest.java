package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.rtp.Vp8Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A simulcast producer (three layers named r0/r1/r2, no announced SSRCs, as Chromium publishes) through the real
 * Router on an embedded loop: SSRCs learnt by rid, RTX by repaired rid, PLI per layer, and a consumer that
 * switches layers only at keyframes while its stream stays continuous.
 */
class SimulcastRouterTest {
    private static final int MID_EXT = 4;
    private static final int RID_EXT = 10;
    private static final int REPAIRED_RID_EXT = 11;
    private static final long[] LAYER_SSRCS = {0xA000L, 0xA001L, 0xA002L};
    private static final int[] HEIGHTS = {180, 360, 720};

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Router router = new Router("test", channel.eventLoop(), (participant, link, reason) -> { }, 2_500_000);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);
    private final Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0, 0, 0,
            "1", MID_EXT, 97, List.of("r0", "r1", "r2"), RID_EXT, REPAIRED_RID_EXT));
    private final int[] seqs = {1000, 30000, 65530};
    private final int[] pictureIds = {10, 2000, 32760};

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    /** The next packet of {@code layer}, with MID and rid extensions (Chromium sends them until its SSRCs are acked). */
    private ByteBuf next(int layer, boolean keyframe, int tid) {
        int seq = seqs[layer]++ & 0xFFFF;
        int pictureId = pictureIds[layer]++ & 0x7FFF;
        return withExtensions(LAYER_SSRCS[layer], 96, seq, seq * 3000L + layer * 1_000_000L,
                new int[] {MID_EXT, RID_EXT}, new String[] {"1", "r" + layer}, b ->
                        Vp8Packets.writeDescriptorAndFrame(b, pictureId, layer * 50 + seq / 4 & 0xFF, tid, keyframe,
                                HEIGHTS[layer]));
    }

    private static ByteBuf withExtensions(long ssrc, int pt, int seq, long ts, int[] ids, String[] values,
                                          java.util.function.Consumer<ByteBuf> payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x90).writeByte(pt).writeShort(seq).writeInt((int) ts).writeInt((int) ssrc);
        int bytes = 0;
        for (String v : values) {
            bytes += 1 + v.length();
        }
        int words = (bytes + 3) / 4;
        b.writeShort(0xBEDE).writeShort(words);
        for (int i = 0; i < ids.length; i++) {
            b.writeByte(ids[i] << 4 | values[i].length() - 1).writeBytes(values[i].getBytes(StandardCharsets.US_ASCII));
        }
        b.writeZero(words * 4 - bytes);
        payload.accept(b);
        return b;
    }

    private static List<Long> pliTargets(FakeLink link) {
        List<Long> out = new ArrayList<>();
        for (byte[] r : link.rtcp) {
            if ((r[1] & 0xFF) == RtcpHeader.PSFB && (r[0] & 0x1F) == 1) {
                out.add(Unpooled.wrappedBuffer(r).getUnsignedInt(8));
            }
        }
        return out;
    }

    @Test
    void layerSsrcsAreLearntFromTheRidExtensionAndUnknownRidsAreDroppedByName() {
        for (int layer = 0; layer < 3; layer++) {
            adaLink.deliverRtp(next(layer, true, 0));
        }
        for (int layer = 0; layer < 3; layer++) {
            assertEquals(LAYER_SSRCS[layer], camera.layerSsrc(layer));
        }
        ByteBuf stranger = withExtensions(0xBAD, 96, 1, 0, new int[] {MID_EXT, RID_EXT}, new String[] {"1", "r9"},
                b -> Vp8Packets.writeDescriptorAndFrame(b, 1, 1, 0, true, 90));
        adaLink.deliverRtp(stranger);
        assertEquals(0, stranger.refCnt());
        assertEquals(1.0, adaLink.metrics().dropped(DropReason.UNKNOWN_RID));
        assertEquals(0.0, adaLink.metrics().dropped(DropReason.UNKNOWN_SSRC));

        // a later packet of a known layer without any extension still finds its layer by SSRC
        ByteBuf plain = Vp8Packets.packet(LAYER_SSRCS[1], 96, seqs[1]++, 0, 5, 1, 0, false, 0);
        adaLink.deliverRtp(plain);
        assertNotNull(camera.cached(1, seqs[1] - 1));
    }

    @Test
    void rtxOfEachLayerIsNamedByItsRepairedRid() {
        adaLink.deliverRtp(next(1, true, 0));
        int lostSeq = seqs[1]++; // never arrives
        adaLink.deliverRtp(next(1, false, 0));
        // the publisher's RTX for it: RTX payload type, its own SSRC, repaired rid r1, OSN first
        ByteBuf rtx = withExtensions(0xB001, 97, 77, 0, new int[] {MID_EXT, REPAIRED_RID_EXT}, new String[] {"1", "r1"},
                b -> {
                    b.writeShort(lostSeq);
                    Vp8Packets.writeDescriptorAndFrame(b, 99, 1, 0, false, 0);
                });
        adaLink.deliverRtp(rtx);
        ByteBuf restored = camera.cached(1, lostSeq);
        assertNotNull(restored, "restored into layer 1's cache");
        assertEquals(LAYER_SSRCS[1], RtpHeader.ssrc(restored));
        assertEquals(96, RtpHeader.payloadType(restored));
    }

    @Test
    void aConsumerStartsOnWhatIsThereSwitchesOnlyAtTheTargetsKeyframeAndKeepsItsStreamContinuous() {
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        Consumer c = router.createConsumer(bob, camera, new ConsumerParams("1", 1111, 1112, 100, 101,
                new int[0], new int[0], Vp8::isKeyframe));
        assertEquals(2, c.targetLayer(), "nothing measured yet: aim high");

        adaLink.deliverRtp(next(0, false, 0)); // a delta frame of r0: nothing to start from
        adaLink.deliverRtp(next(0, true, 0));  // r0's keyframe: better than nothing
        adaLink.deliverRtp(next(0, false, 1));
        assertEquals(0, c.currentLayer());
        assertEquals(2, bobLink.rtp.size());

        adaLink.deliverRtp(next(2, false, 0)); // the target layer appears mid-stream: ask it for a keyframe
        assertEquals(List.of(LAYER_SSRCS[2]), pliTargets(adaLink), "PLI on the top layer's SSRC");
        adaLink.deliverRtp(next(0, false, 2));  // still r0 until then
        assertEquals(0, c.currentLayer());
        adaLink.deliverRtp(next(2, true, 0));
        assertEquals(2, c.currentLayer(), "switched at r2's keyframe");
        adaLink.deliverRtp(next(0, false, 0));  // r0 goes on, no longer forwarded
        adaLink.deliverRtp(next(2, false, 2));

        c.targetLayer(1); // e.g. the receiver's estimate fell: down at r1's keyframe, not before
        adaLink.deliverRtp(next(1, false, 0));
        adaLink.deliverRtp(next(2, false, 1));
        assertEquals(2, c.currentLayer());
        assertEquals(LAYER_SSRCS[1], pliTargets(adaLink).get(pliTargets(adaLink).size() - 1), "PLI on r1's SSRC");
        adaLink.deliverRtp(next(1, true, 0));
        adaLink.deliverRtp(next(1, false, 2));
        assertEquals(1, c.currentLayer());
        assertEquals(2, c.layerSwitches());
        assertEquals(2.0, bobLink.metrics().layerSwitches.count());

        List<Integer> heights = new ArrayList<>();
        int prevSeq = -1;
        int prevPictureId = -1;
        for (byte[] out : bobLink.rtp) {
            ByteBuf p = Unpooled.wrappedBuffer(out);
            assertEquals(1111, RtpHeader.ssrc(p));
            if (prevSeq >= 0) {
                assertEquals((prevSeq + 1) & 0xFFFF, RtpHeader.sequenceNumber(p), "one continuous sequence");
                assertEquals((prevPictureId + 1) & 0x7FFF, Vp8.pictureId(p), "one continuous PictureID sequence");
            }
            prevSeq = RtpHeader.sequenceNumber(p);
            prevPictureId = Vp8.pictureId(p);
            int size = Vp8.keyframeDimensions(p);
            if (size > 0) {
                heights.add(size & 0xFFFF);
            }
        }
        assertEquals(List.of(180, 720, 360), heights, "each layer entered at its own keyframe");
        assertEquals(8, bobLink.rtp.size());
    }

    @Test
    void aConsumerLastNPausesGetsNoLayerAndResumesAtItsTargetsKeyframeWithItsStreamContinuing() {
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        Consumer c = router.createConsumer(bob, camera, new ConsumerParams("1", 1111, 1112, 100, 101,
                new int[0], new int[0], Vp8::isKeyframe));
        adaLink.deliverRtp(next(0, true, 0));
        adaLink.deliverRtp(next(2, true, 0));
        adaLink.deliverRtp(next(2, false, 0));
        assertEquals(2, c.currentLayer());
        assertEquals(3, bobLink.rtp.size());

        router.lastN(0); // nobody's camera
        assertTrue(c.pausedByLastN());
        adaLink.deliverRtp(next(0, true, 0));
        adaLink.deliverRtp(next(2, true, 0));
        assertEquals(3, bobLink.rtp.size(), "a paused consumer sends nothing, keyframes included");
        bob.constrain(camera, 180); // the tile shrank meanwhile
        router.selectLayers();
        assertEquals(2, c.targetLayer(), "a paused consumer is given no layer");

        int plis = pliTargets(adaLink).size();
        router.lastN(-1);
        assertFalse(c.pausedByLastN());
        assertEquals(0, c.targetLayer(), "layers chosen anew on resume");
        assertEquals(plis + 1, pliTargets(adaLink).size());
        assertEquals(LAYER_SSRCS[0], pliTargets(adaLink).get(plis), "the keyframe asked for is the target layer's");

        adaLink.deliverRtp(next(2, true, 0)); // the layer forwarded before the pause: no longer the target
        adaLink.deliverRtp(next(0, false, 0)); // the target, but no keyframe
        assertEquals(3, bobLink.rtp.size());
        adaLink.deliverRtp(next(0, true, 0));
        adaLink.deliverRtp(next(0, false, 1));
        assertEquals(0, c.currentLayer());
        assertEquals(5, bobLink.rtp.size());
        int prevSeq = -1;
        int prevPictureId = -1;
        for (byte[] out : bobLink.rtp) {
            ByteBuf p = Unpooled.wrappedBuffer(out);
            if (prevSeq >= 0) {
                assertEquals((prevSeq + 1) & 0xFFFF, RtpHeader.sequenceNumber(p), "no gap for the pause to NACK");
                assertEquals((prevPictureId + 1) & 0x7FFF, Vp8.pictureId(p));
            }
            prevSeq = RtpHeader.sequenceNumber(p);
            prevPictureId = Vp8.pictureId(p);
        }
        assertEquals(180, Vp8.keyframeDimensions(Unpooled.wrappedBuffer(bobLink.rtp.get(3))) & 0xFFFF,
                "resumed at r0's keyframe");
    }

    @Test
    void aPausedCameraAndItsResumeOnTheSameLayerKeepTheStreamContinuous() {
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        Consumer c = router.createConsumer(bob, camera, new ConsumerParams("1", 1111, 1112, 100, 101,
                new int[0], new int[0], Vp8::isKeyframe));
        adaLink.deliverRtp(next(2, true, 0));
        adaLink.deliverRtp(next(2, false, 0));
        router.lastN(0);
        for (int i = 0; i < 5; i++) {
            adaLink.deliverRtp(next(2, false, 0));
        }
        router.lastN(-1);
        adaLink.deliverRtp(next(2, false, 0)); // same layer as before the pause, but no keyframe: waits
        assertEquals(2, bobLink.rtp.size());
        adaLink.deliverRtp(next(2, true, 0));
        assertEquals(3, bobLink.rtp.size());
        assertEquals(0, c.layerSwitches(), "a resume is no layer switch");
        int before = RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(bobLink.rtp.get(1)));
        assertEquals((before + 1) & 0xFFFF, RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(bobLink.rtp.get(2))));
    }

    /** The recorder's consumer of the camera (as RoomRecording makes it), recording r2 after a keyframe of each layer. */
    private Consumer recorderOnTheTopLayer(FakeLink recorderLink) {
        Subscriber recorder = router.createSubscriber("#recorder", recorderLink);
        recorder.receivesAllVideo(true);
        Consumer c = router.createConsumer(recorder, camera, new ConsumerParams("1", 2222, 0, 96, 0,
                new int[0], new int[0], Vp8::isKeyframe));
        for (int layer = 0; layer < 3; layer++) {
            adaLink.deliverRtp(next(layer, true, 0));
        }
        adaLink.deliverRtp(next(2, false, 1));
        router.selectLayers();
        assertEquals(2, c.currentLayer());
        assertEquals(2, c.targetLayer());
        return c;
    }

    /** Moves layer {@code layer}'s last packet {@code millis} into the past, as if it had been quiet since. */
    private void quietFor(int layer, long millis) {
        camera.layers()[layer].lastPacketNanos -= millis * 1_000_000L;
    }

    /** What a link was sent, as one stream: each packet's sequence number follows the one before. */
    private static void assertContinuous(List<byte[]> sent) {
        for (int i = 1; i < sent.size(); i++) {
            assertEquals((RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(sent.get(i - 1))) + 1) & 0xFFFF,
                    RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(sent.get(i))), "packet " + i + " follows on");
        }
    }

    @Test
    void theRecorderKeepsTheTopLayerThroughAStallThatOnlyTheClockTakesForASilence() {
        FakeLink recorderLink = new FakeLink("#recorder");
        Consumer c = recorderOnTheTopLayer(recorderLink);
        int plis = pliTargets(adaLink).size();
        long switches = c.layerSwitches();
        // the publisher, or this media loop, stalled for a second: every layer is quiet, r2 a little longer (by
        // the clock alone r2 and r1 are silent and r0 is not, which took the recorder down to r0 and back)
        quietFor(2, 1_100);
        quietFor(1, 1_000);
        quietFor(0, 950);
        router.selectLayers();
        assertEquals(2, c.targetLayer(), "a stall stops no layer");
        adaLink.deliverRtp(next(0, false, 0));
        adaLink.deliverRtp(next(1, false, 0));
        adaLink.deliverRtp(next(2, false, 0));
        assertEquals(2, c.currentLayer());
        assertEquals(plis, pliTargets(adaLink).size(), "no keyframe asked of a lower layer");
        assertEquals(switches, c.layerSwitches());
    }

    @Test
    void aRecordedLayerThatStopsGoesOnFromTheKeyframeTheEncoderSentTheLowerLayerThen() {
        FakeLink recorderLink = new FakeLink("#recorder");
        Consumer c = recorderOnTheTopLayer(recorderLink);
        long switches = c.layerSwitches();
        adaLink.deliverRtp(next(2, false, 0)); // r2's last packet
        // the encoder drops r2 (its CPU or bandwidth adaptation, a pause) and keys the layers it keeps
        adaLink.deliverRtp(next(1, true, 0));
        adaLink.deliverRtp(next(0, true, 0));
        for (int i = 1; i <= 3; i++) {
            adaLink.deliverRtp(next(1, false, i % 3));
            adaLink.deliverRtp(next(0, false, i % 3));
        }
        router.selectLayers();
        assertEquals(2, c.currentLayer(), "moments without r2 are no stop");
        int recorded = recorderLink.rtp.size();
        int plis = pliTargets(adaLink).size();

        quietFor(2, 1_500); // r1 and r0 went on for a second and more without r2: it stopped
        router.selectLayers();
        assertEquals(1, c.targetLayer());
        assertEquals(1, c.currentLayer(), "recording r1, from the keyframe r1 got as r2 stopped");
        assertEquals(recorded + 4, recorderLink.rtp.size(), "r1's keyframe and the three frames since, from the cache");
        assertEquals(360, Vp8.keyframeDimensions(Unpooled.wrappedBuffer(recorderLink.rtp.get(recorded))) & 0xFFFF);
        assertEquals(plis, pliTargets(adaLink).size(), "no keyframe to ask for: it came");
        adaLink.deliverRtp(next(1, false, 0)); // and r1 goes on live
        adaLink.deliverRtp(next(0, false, 0));
        assertEquals(recorded + 5, recorderLink.rtp.size());
        assertContinuous(recorderLink.rtp);

        // r2 comes back: the recorder climbs at its keyframe
        adaLink.deliverRtp(next(2, false, 0));
        router.selectLayers();
        assertEquals(2, c.targetLayer());
        adaLink.deliverRtp(next(2, false, 1));
        assertEquals(LAYER_SSRCS[2], pliTargets(adaLink).get(pliTargets(adaLink).size() - 1), "r2's keyframe asked for");
        adaLink.deliverRtp(next(2, true, 0));
        assertEquals(2, c.currentLayer());
        assertContinuous(recorderLink.rtp);
        assertEquals(switches + 2, c.layerSwitches(), "down and back up");
    }

    @Test
    void aRecordedLayerThatStopsWithoutAKeyframeBelowAsksForOneAtOnce() {
        FakeLink recorderLink = new FakeLink("#recorder");
        Consumer c = recorderOnTheTopLayer(recorderLink);
        adaLink.deliverRtp(next(2, false, 0));
        adaLink.deliverRtp(next(1, false, 0));
        camera.layers()[1].lastKeyframeNanos -= 2_000_000_000L; // r1's last keyframe is long before r2 stopped
        quietFor(2, 1_500);
        int recorded = recorderLink.rtp.size();
        int plis = pliTargets(adaLink).size();
        router.selectLayers();
        assertEquals(1, c.targetLayer());
        assertEquals(2, c.currentLayer(), "nothing to start r1 from yet");
        assertEquals(recorded, recorderLink.rtp.size(), "r1's old keyframe is not replayed");
        assertEquals(plis + 1, pliTargets(adaLink).size());
        assertEquals(LAYER_SSRCS[1], pliTargets(adaLink).get(plis), "r1's keyframe asked for now, not after a wait");
        adaLink.deliverRtp(next(1, true, 0));
        assertEquals(1, c.currentLayer());
        assertContinuous(recorderLink.rtp);
    }

    @Test
    void theRecorderKeepsEveryLayerWantedWhateverTheTilesAre() {
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        router.createConsumer(bob, camera, new ConsumerParams("1", 1111, 1112, 100, 101,
                new int[0], new int[0], Vp8::isKeyframe), 180); // a thumbnail
        Consumer recorder = recorderOnTheTopLayer(new FakeLink("#recorder"));
        long t = System.nanoTime();
        camera.updateWantedLayers(t);
        camera.updateWantedLayers(t + Producer.PAUSE_UNWANTED_AFTER_NANOS + 1);
        assertEquals(List.of(), camera.pausedRids(), "the recorder wants the top layer");
        recorder.close(); // the recording stopped: the thumbnail alone needs r0
        camera.updateWantedLayers(t + 2 * Producer.PAUSE_UNWANTED_AFTER_NANOS);
        camera.updateWantedLayers(t + 3 * Producer.PAUSE_UNWANTED_AFTER_NANOS + 1);
        assertEquals(List.of("r1", "r2"), camera.pausedRids());
    }

    @Test
    void receiverReportsCoverEveryLayer() {
        for (int layer = 0; layer < 3; layer++) {
            adaLink.deliverRtp(next(layer, true, 0));
        }
        ByteBuf rr = RtcpSend.receiverReportsAndRemb(adaLink.alloc(), 1, List.of(camera), System.nanoTime(), 1_000_000);
        assertNotNull(rr);
        // RR header (8) + 3 blocks of 24
        assertEquals(3, rr.getUnsignedByte(0) & 0x1F, "one report block per layer");
        rr.release();
        assertTrue(camera.simulcast());
    }
}

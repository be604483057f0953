package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.TransportWideSequence;
import org.javameet.sfu.rtp.Vp8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The subscriber side of transport-wide congestion control, through the real Router and Consumers on fake links. */
class TransportCcRouterTest {
    private static final long AUDIO_SSRC = 0xA0D10L;
    private static final long VIDEO_SSRC = 0x51DE0L;
    private static final int TWCC_ID = 3;
    private static final int[] NONE = new int[0];

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Router router = new Router("test", channel.eventLoop(), (participant, link, reason) -> { }, 2_500_000);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);
    private final Producer audio = router.createProducer(ada, "ada/0", new ProducerParams(false, 111, 48000, AUDIO_SSRC, 0, 0));
    private final Producer video = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, VIDEO_SSRC, 0, 0));
    private final FakeLink bobLink = new FakeLink("bob/subscribe");
    private final Subscriber bob = router.createSubscriber("bob", bobLink);

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    private void consumeBoth() {
        router.createConsumer(bob, video, new ConsumerParams("1", 1111, 1112, 100, 101, NONE, NONE, Vp8::isKeyframe));
        router.createConsumer(bob, audio, new ConsumerParams("0", 2222, 0, 109, 0, NONE, NONE, null));
    }

    private static ByteBuf packet(long ssrc, int pt, int seq, boolean keyframe) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(pt).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        b.writeByte(0x10).writeByte(keyframe ? 0x00 : 0x01).writeBytes(new byte[] {7, 7, 7, (byte) seq});
        return b;
    }

    private static int twcc(byte[] rtp) {
        return TransportWideSequence.get(Unpooled.wrappedBuffer(rtp), TWCC_ID);
    }

    private static byte[] payload(byte[] rtp) {
        ByteBuf b = Unpooled.wrappedBuffer(rtp);
        return Arrays.copyOfRange(rtp, RtpHeader.headerLength(b), rtp.length);
    }

    private void sendSome() {
        for (int seq = 500; seq < 503; seq++) {
            adaLink.deliverRtp(packet(VIDEO_SSRC, 96, seq, seq == 500));
            adaLink.deliverRtp(packet(AUDIO_SSRC, 111, seq, false));
        }
    }

    @Test
    void everyPacketToTheSubscriberCarriesTheNextTransportWideNumberRtxToo() {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        sendSome();
        assertEquals(6, bobLink.rtp.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, twcc(bobLink.rtp.get(i)), "one sequence across audio and video, packet " + i);
            assertEquals(6, payload(bobLink.rtp.get(i)).length, "payload untouched");
        }
        byte[] lostVideo = bobLink.rtp.get(2);
        int lost = RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(lostVideo));
        ByteBuf nack = Unpooled.buffer();
        Nack.of(0xB0B, 1111, new int[] {lost}).marshalTo(nack);
        bobLink.deliverRtcp(nack);
        assertEquals(7, bobLink.rtp.size());
        byte[] rtx = bobLink.rtp.get(6);
        assertEquals(6, twcc(rtx), "the retransmission is numbered too");
        byte[] rtxPayload = payload(rtx);
        assertEquals(lost, ((rtxPayload[0] & 0xFF) << 8) | (rtxPayload[1] & 0xFF), "OSN after the extension block");
        assertArrayEquals(payload(lostVideo), Arrays.copyOfRange(rtxPayload, 2, rtxPayload.length));
    }

    @Test
    void aKeyframeBurstIsPacedToTheEstimateAudioIsNotAndNumbersFollowTheRealSendOrder() throws Exception {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        long[] now = {0};
        bob.pacerClock(() -> now[0]); // the pacer's time is the test's: a busy machine changes nothing
        bob.paceAt(400_000); // paced at 1 Mbit/s: a 5 kB burst allowance, then 125 bytes a millisecond
        for (int seq = 1000; seq < 1030; seq++) { // a 30 kB keyframe arriving at once
            ByteBuf p = packet(VIDEO_SSRC, 96, seq, seq == 1000);
            p.writeZero(1000);
            adaLink.deliverRtp(p);
        }
        adaLink.deliverRtp(packet(AUDIO_SSRC, 111, 7, false));
        int atOnce = bobLink.rtp.size();
        assertTrue(atOnce >= 5 && atOnce <= 7, "the burst allowance and the audio go at once: " + atOnce);
        assertEquals(2222, RtpHeader.ssrc(Unpooled.wrappedBuffer(bobLink.rtp.get(atOnce - 1))), "audio never waits");
        while (bobLink.rtp.size() < 31 && now[0] < 2_000_000_000L) {
            now[0] += 5_000_000L;
            channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        long tookMs = now[0] / 1_000_000;
        assertEquals(31, bobLink.rtp.size(), "everything arrived");
        assertTrue(tookMs >= 150 && tookMs <= 300, "25 kB at 1 Mbit/s take ~200 ms, not one burst: " + tookMs + " ms");
        int lastVideoSeq = -1;
        for (int i = 0; i < bobLink.rtp.size(); i++) {
            ByteBuf b = Unpooled.wrappedBuffer(bobLink.rtp.get(i));
            assertEquals(i, twcc(bobLink.rtp.get(i)), "stamped when sent, so numbers follow the wire order");
            if (RtpHeader.ssrc(b) == 1111) {
                assertTrue(RtpHeader.sequenceNumber(b) > lastVideoSeq, "video in order");
                lastVideoSeq = RtpHeader.sequenceNumber(b);
            }
        }
        assertTrue(bob.pacedPackets() >= 23, "counted: " + bob.pacedPackets());
    }

    /** Advances the loop's and the pacer's time 5 ms at a time until {@code done}, at most 2 s; the ms taken. */
    private long runUntil(long[] now, java.util.function.BooleanSupplier done) {
        long start = now[0];
        while (!done.getAsBoolean() && now[0] - start < 2_000_000_000L) {
            now[0] += 5_000_000L;
            channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        return (now[0] - start) / 1_000_000;
    }

    @Test
    void oneEncodingAboveWhatTheEstimateAllowsGoesAtItsOwnRateInsteadOfQueueing() {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        long[] now = {0};
        bob.pacerClock(() -> now[0]);
        bob.paceAt(400_000); // 2.5 x the estimate alone would be 1 Mbit/s
        int seq = 1000;
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, seq++, true)); // the layer is active
        // Ada sends one encoding, measured at 4 Mbit/s: the allocator has nothing lower to choose
        Arrays.fill(video.layers()[0].bitrateUpToTemporal, 4_000_000);
        router.selectLayers();
        int delivered = 1;
        int mostWaiting = 0;
        for (int step = 0; step < 400; step++) { // 2 s of 4 Mbit/s: 2.5 kB every 5 ms
            for (int i = 0; i < 2; i++, seq++, delivered++) {
                ByteBuf p = packet(VIDEO_SSRC, 96, seq, false);
                p.writeZero(1240);
                adaLink.deliverRtp(p);
            }
            now[0] += 5_000_000L;
            channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            mostWaiting = Math.max(mostWaiting, delivered - bobLink.rtp.size());
        }
        assertTrue(mostWaiting <= 2, "nothing stands in the pacer (paced at 1 Mbit/s, 0.5 s of it would): "
                + mostWaiting + " packets waited at most");
        assertEquals(0, bobLink.metrics().pacedOverdue.count());
    }

    @Test
    void thePacerDrainsOnOnePeriodicTaskWhichStopsWhenIdleAndStartsAgainForTheNextBurst() {
        channel.freezeTime(); // the loop's time is the test's too, so the idle stop can be timed exactly
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        long[] now = {0};
        bob.pacerClock(() -> now[0]);
        bob.paceAt(400_000);
        int seq = 1000;
        for (int burst = 1; burst <= 2; burst++) {
            int before = bobLink.rtp.size();
            for (int i = 0; i < 30; i++, seq++) {
                ByteBuf p = packet(VIDEO_SSRC, 96, seq, i == 0);
                p.writeZero(1000);
                adaLink.deliverRtp(p);
            }
            assertTrue(bob.draining(), "a queue starts the drain task");
            long tookMs = runUntil(now, () -> bobLink.rtp.size() == before + 30);
            assertEquals(before + 30, bobLink.rtp.size(), "burst " + burst + " arrived");
            assertTrue(tookMs >= 150 && tookMs <= 300, "paced as before, ~200 ms: " + tookMs + " ms");
            assertEquals(burst, bob.drainTasksStarted(), "one task for the ~40 drains of burst " + burst);
            long idleMs = runUntil(now, () -> !bob.draining());
            assertFalse(bob.draining(), "an idle queue stops the task");
            long idleLimitMs = Subscriber.IDLE_DRAINS_BEFORE_STOP * Pacer.DRAIN_INTERVAL_NANOS / 1_000_000;
            assertTrue(idleMs >= idleLimitMs - 5 && idleMs <= idleLimitMs,
                    "after 40 empty drains (the one that sent the last packet may be the first): " + idleMs + " ms");
        }
        int lastSeq = -1;
        for (byte[] rtp : bobLink.rtp) {
            int s = RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(rtp));
            assertTrue(s > lastSeq, "in order across both bursts");
            lastSeq = s;
        }
    }

    @Test
    void closingTheSubscriberStopsItsDrainTask() {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        long[] now = {0};
        bob.pacerClock(() -> now[0]);
        bob.paceAt(400_000);
        for (int seq = 1000; seq < 1030; seq++) {
            ByteBuf p = packet(VIDEO_SSRC, 96, seq, seq == 1000);
            p.writeZero(1000);
            adaLink.deliverRtp(p);
        }
        assertTrue(bob.draining());
        int sent = bobLink.rtp.size();
        router.closeParticipant("bob");
        assertFalse(bob.draining(), "cancelled with the subscriber, its queue released");
        runUntil(now, () -> false);
        assertEquals(sent, bobLink.rtp.size(), "nothing sent after close");
    }

    @Test
    void withoutTransportCcNothingIsAddedOrCounted() {
        consumeBoth();
        sendSome();
        for (byte[] rtp : bobLink.rtp) {
            assertEquals(18, rtp.length, "12-byte header, no extension block, 6-byte payload");
            assertEquals(0, rtp[0] & 0x10, "X bit clear");
        }
        assertEquals(-1, bob.bandwidthEstimate());
        assertNull(bob.bandwidth());
        ByteBuf fb = Unpooled.buffer();
        TransportCcFeedback.of(0xB0B, 1111, 0, 0, new long[] {1000, 2000}).marshalTo(fb);
        bobLink.deliverRtcp(fb); // feedback nobody asked for is ignored
        assertEquals(0, bobLink.metrics().transportCcFeedback.count());
    }

    @Test
    void feedbackIsMatchedToWhatWasSent() {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        sendSome();
        assertEquals(-1, bob.bandwidthEstimate(), "no estimate before any feedback");
        long[] arrivals = new long[8]; // six sent, two more named than were ever sent
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = i == 3 ? TransportCcFeedback.LOST : 5_000_000 + 1000L * i;
        }
        ByteBuf fb = Unpooled.buffer();
        TransportCcFeedback.of(0xB0B, 1111, 0, 0, arrivals).marshalTo(fb);
        bobLink.deliverRtcp(fb);
        assertEquals(1, bobLink.metrics().transportCcFeedback.count());
        assertEquals(2, bobLink.metrics().transportCcUnmatched.count(), "seqs 6 and 7 were never sent");
        assertEquals(1, bob.bandwidth().estimator().reports());
        assertTrue(bob.bandwidthEstimate() > 0);
    }

    @Test
    void malformedFeedbackIsCountedByReasonAndTheRestOfTheCompoundStillActs() {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        sendSome();
        int lost = RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(bobLink.rtp.get(0)));
        // transport-cc whose run-length chunk uses the reserved symbol 11, then a valid NACK
        ByteBuf compound = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "8fcd0005000000010000000200050003000001076003000000"
                        .substring(0, 48)));
        ByteBuf nack = Unpooled.buffer();
        Nack.of(0xB0B, 1111, new int[] {lost}).marshalTo(nack);
        ByteBuf both = Unpooled.wrappedBuffer(compound, nack);
        bobLink.deliverRtcp(both);
        assertEquals(1, bobLink.metrics().transportCcRejectedCount(RtcpError.TRANSPORT_CC_RESERVED_SYMBOL));
        assertEquals(0, bobLink.metrics().transportCcFeedback.count());
        assertEquals(1, bobLink.metrics().retransmissions.count(), "the NACK after it was still answered");
    }

    /** Acknowledges every packet Bob got so far, each arriving {@code delayMicros} after it was sent (no queue). */
    private void acknowledgeAll(long[] sentMicros, long delayMicros) {
        long[] arrivals = new long[bobLink.rtp.size()];
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = 10_000_000 + sentMicros[i] + delayMicros;
        }
        ByteBuf fb = Unpooled.buffer();
        TransportCcFeedback.of(0xB0B, 1111, 0, 0, arrivals).marshalTo(fb);
        bobLink.deliverRtcp(fb);
    }

    /** Steps the fake clock 5 ms at a time, noting when each packet Bob gets was sent. */
    private void tick(long[] now, long[] sentMicros, int ticks) {
        for (int t = 0; t < ticks; t++) {
            now[0] += 5_000_000L;
            channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            for (int i = 0; i < bobLink.rtp.size(); i++) {
                if (sentMicros[i] < 0) {
                    sentMicros[i] = now[0] / 1000;
                }
            }
        }
    }

    /**
     * Bob with transport-cc on the test's clock ({@code now}), six packets sent and acknowledged: he has his first
     * estimate. {@code sentMicros} (all -1) fills with each packet's send time.
     */
    private void bobWithAnEstimate(long[] now, long[] sentMicros) {
        bob.enableTransportCc(TWCC_ID);
        consumeBoth();
        Arrays.fill(sentMicros, -1);
        bob.pacerClock(() -> now[0]);
        sendSome();
        tick(now, sentMicros, 1);
        acknowledgeAll(sentMicros, 20_000);
    }

    @Test
    void aSubscriberHeldBackByItsEstimateIsProbedWithPaddingAndAProbeThatGotThroughRaisesIt() {
        long[] now = {1_000_000_000L};
        long[] sentMicros = new long[1000];
        bobWithAnEstimate(now, sentMicros);
        long before = bob.bandwidthEstimate();
        assertTrue(before > 0 && before <= 1_100_000, "the starting estimate: " + before);
        // Ada's one encoding runs at 4 Mbit/s: Bob is held back by his estimate
        Arrays.fill(video.layers()[0].bitrateUpToTemporal, 4_000_000);
        router.selectLayers();
        tick(now, sentMicros, 2);
        assertEquals(6, bobLink.rtp.size(), "no probe within a second of the first estimate");
        now[0] += 1_000_000_000L;
        router.selectLayers();
        tick(now, sentMicros, 10);

        int padding = 0;
        long paddingBytes = 0;
        for (int i = 6; i < bobLink.rtp.size(); i++) {
            byte[] p = bobLink.rtp.get(i);
            ByteBuf b = Unpooled.wrappedBuffer(p);
            assertEquals(i, twcc(p), "padding is numbered like media");
            assertEquals(1112, RtpHeader.ssrc(b), "on the video's RTX stream");
            assertEquals(101, RtpHeader.payloadType(b));
            assertTrue((p[0] & 0x20) != 0, "the padding bit");
            int count = p[p.length - 1] & 0xFF;
            assertEquals(p.length - RtpHeader.headerLength(b), count, "nothing but padding after the header");
            padding++;
            paddingBytes += p.length;
        }
        long expected = 2 * before / 8 * Prober.CLUSTER_MILLIS / 1000; // 20 ms at twice the estimate
        assertTrue(padding >= Prober.CLUSTER_MIN_PACKETS, "a cluster of padding: " + padding);
        assertTrue(paddingBytes >= expected * 0.8 && paddingBytes <= expected * 1.3,
                "20 ms at 2 x " + before + ": " + paddingBytes + " bytes, expected ~" + expected);
        assertEquals(paddingBytes, (long) bobLink.metrics().probePaddingBytes.count());

        acknowledgeAll(sentMicros, 20_000); // it all arrived as fast as it was sent
        router.selectLayers();
        long after = bob.bandwidthEstimate();
        assertTrue(after >= 1.6 * before, "the probe's rate is the estimate now: " + before + " -> " + after);
        assertEquals(1.0, bobLink.metrics().probesRaised.count());
    }

    @Test
    void aSubscriberThatGetsAllItWantsIsNotProbed() {
        long[] now = {1_000_000_000L};
        long[] sentMicros = new long[1000];
        bobWithAnEstimate(now, sentMicros);
        Arrays.fill(video.layers()[0].bitrateUpToTemporal, 500_000); // well within the 1 Mbit/s estimate
        for (int i = 0; i < 20; i++) {
            router.selectLayers();
            tick(now, sentMicros, 40);
        }
        assertEquals(6, bobLink.rtp.size(), "no padding in 4 s");
        assertEquals(0, bobLink.metrics().probePaddingBytes.count());
    }

    @Test
    void aSubscriberWithoutRtxIsNotProbedNorCountedAsUnmeasured() {
        long[] now = {1_000_000_000L};
        long[] sentMicros = new long[1000];
        bob.enableTransportCc(TWCC_ID);
        // no RTX negotiated for the video: nothing could carry padding
        router.createConsumer(bob, video, new ConsumerParams("1", 1111, 0, 100, 0, NONE, NONE, Vp8::isKeyframe));
        router.createConsumer(bob, audio, new ConsumerParams("0", 2222, 0, 109, 0, NONE, NONE, null));
        Arrays.fill(sentMicros, -1);
        bob.pacerClock(() -> now[0]);
        sendSome();
        tick(now, sentMicros, 1);
        acknowledgeAll(sentMicros, 20_000);
        assertTrue(bob.bandwidthEstimate() > 0);
        Arrays.fill(video.layers()[0].bitrateUpToTemporal, 4_000_000); // held back by the estimate
        for (int i = 0; i < 60; i++) {
            router.selectLayers();
            tick(now, sentMicros, 40); // 12 s
        }
        assertEquals(6, bobLink.rtp.size(), "no padding");
        assertEquals(0, bobLink.metrics().probesUnmeasured.count(), "no probe started only to be abandoned");
    }
}

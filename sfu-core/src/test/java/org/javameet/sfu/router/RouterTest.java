package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding through the real Router, Producers and Consumers on an embedded event loop, with fake links
 * in place of transports. Every packet the test makes is handed over (the router owns it); paranoid leak
 * detection fails the class if any stage forgets a release.
 */
class RouterTest {
    private static final long AUDIO_SSRC = 0xA0D10L;
    private static final long VIDEO_SSRC = 0x51DE0L;
    private static final int[] NONE = new int[0];

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> closedLinks = new ArrayList<>();
    private final Router router = new Router("test", channel.eventLoop(),
            (participant, link, reason) -> closedLinks.add(participant + ": " + reason), 2_500_000);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    private Producer audio() {
        return router.createProducer(ada, "ada/0", new ProducerParams(false, 111, 48000, AUDIO_SSRC, 0, 0));
    }

    private Producer video() {
        return router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, VIDEO_SSRC, 0, 0));
    }

    private Consumer consume(Producer p, Subscriber s, long ssrc) {
        ConsumerParams params = p.video()
                ? new ConsumerParams("1", ssrc, ssrc + 1, 100, 101, NONE, NONE, Vp8::isKeyframe)
                : new ConsumerParams("0", ssrc, 0, 109, 0, NONE, NONE, null);
        return router.createConsumer(s, p, params);
    }

    /** An RTP packet from Ada; video payloads start with a VP8 descriptor (S=1) and a key or delta frame header. */
    private static ByteBuf packet(long ssrc, int pt, int seq, boolean keyframe) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(pt).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        b.writeByte(0x10).writeByte(keyframe ? 0x00 : 0x01).writeBytes(new byte[] {7, 7, 7, (byte) seq});
        return b;
    }

    /** A packet carrying a MID header extension (one-byte form, id {@code midExtId}) naming {@code mid}. */
    private static ByteBuf packetWithMid(long ssrc, int pt, int seq, boolean keyframe, int midExtId, String mid) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x90).writeByte(pt).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        int words = (1 + mid.length() + 3) / 4;
        b.writeShort(0xBEDE).writeShort(words);
        b.writeByte((midExtId << 4) | (mid.length() - 1)).writeBytes(mid.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.writeZero(words * 4 - 1 - mid.length());
        if (pt == 97) { // RTX: the original sequence number first
            b.writeShort(seq);
        }
        b.writeByte(0x10).writeByte(keyframe ? 0x00 : 0x01).writeBytes(new byte[] {7, 7, 7, (byte) seq});
        return b;
    }

    private static int seq(byte[] rtp) {
        return RtpHeader.sequenceNumber(Unpooled.wrappedBuffer(rtp));
    }

    private static long ssrc(byte[] rtp) {
        return RtpHeader.ssrc(Unpooled.wrappedBuffer(rtp));
    }

    private static int pt(byte[] rtp) {
        return RtpHeader.payloadType(Unpooled.wrappedBuffer(rtp));
    }

    private static byte[] payload(byte[] rtp) {
        return Arrays.copyOfRange(rtp, 12, rtp.length);
    }

    private static int rtcpType(byte[] rtcp) {
        return rtcp[1] & 0xFF;
    }

    @Test
    void withoutAnnouncedSsrcsTheMidExtensionSaysWhichTrackAPacketBelongsTo() {
        // A MID-only offer: camera (mid 1) and screen (mid 2), both VP8 on 96 with RTX on 97, no a=ssrc.
        Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0, 0, 0, "1", 4, 97));
        Producer screen = router.createProducer(ada, "ada/2", new ProducerParams(true, 96, 90000, 0, 0, 0, "2", 4, 97));
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        consume(screen, bob, 2222);
        consume(camera, bob, 1111);

        adaLink.deliverRtp(packetWithMid(0x5C4EE, 96, 10, true, 4, "2")); // the screen speaks first
        adaLink.deliverRtp(packetWithMid(0xCA4E4A, 96, 500, true, 4, "1"));
        adaLink.deliverRtp(packet(0x5C4EE, 96, 11, false)); // later packets drop the extension
        adaLink.deliverRtp(packetWithMid(0x5C4EE + 1, 97, 12, false, 4, "2")); // RTX of the screen, learnt too

        assertEquals(0x5C4EE, screen.ssrc());
        assertEquals(0xCA4E4A, camera.ssrc());
        List<Long> ssrcs = bobLink.rtp.stream().map(RouterTest::ssrc).toList();
        assertEquals(List.of(2222L, 1111L, 2222L, 2222L), ssrcs, "each packet reached its own track's consumer");
        assertEquals(0.0, adaLink.metrics().dropped(DropReason.UNKNOWN_SSRC));
    }

    /** An Opus packet from Ada with an audio level element (id 1, one-byte form) of {@code dataBytes} bytes. */
    private static ByteBuf packetWithLevel(int seq, int dataBytes, int level) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x90).writeByte(111).writeShort(seq).writeInt(seq * 960).writeInt((int) AUDIO_SSRC);
        b.writeShort(0xBEDE).writeShort(1).writeByte((1 << 4) | (dataBytes - 1));
        for (int i = 0; i < 3; i++) {
            b.writeByte(i < dataBytes ? 0x80 | level : 0);
        }
        return b.writeBytes(new byte[] {0x78, 1, 2, 3});
    }

    @Test
    void audioLevelsReachSpeakerDetectionAndAMalformedOneIsCountedNotDropped() throws Exception {
        router.createProducer(ada, "ada/0", new ProducerParams(false, 111, 48000, AUDIO_SSRC, 0, 1));
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        router.createConsumer(bob, router.producer("ada/0"), new ConsumerParams("0", 1111, 0, 109, 0, NONE, NONE, null));
        // Ada speaks for 1.5 s (20 ms packets), with a pause between syllables; the router ticks every 100 ms
        long until = System.nanoTime() + 3_000_000_000L;
        int seq = 0;
        while (router.dominantSpeaker() == null && System.nanoTime() < until) {
            for (int i = 0; i < 5; i++, seq++) {
                adaLink.deliverRtp(packetWithLevel(seq, 1, seq % 15 < 12 ? 25 : 100));
            }
            Thread.sleep(100);
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
        }
        assertEquals("ada", router.dominantSpeaker());
        assertEquals(0.0, adaLink.metrics().audioLevelMalformed.count());

        adaLink.deliverRtp(packetWithLevel(seq, 2, 25));
        assertEquals(1.0, adaLink.metrics().audioLevelMalformed.count());
        assertEquals(seq + 1, bobLink.metrics().rtpForwarded.count(), "the packet is forwarded all the same");
    }

    @Test
    void eachConsumerGetsItsOwnCopyRewrittenToItsOwnStream() {
        Producer audio = audio();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        FakeLink cyLink = new FakeLink("cy/subscribe");
        consume(audio, router.createSubscriber("bob", bobLink), 1111);
        consume(audio, router.createSubscriber("cy", cyLink), 2222);

        for (int seq = 65534; seq <= 65537; seq++) { // across the wrap
            ByteBuf in = packet(AUDIO_SSRC, 111, seq & 0xFFFF, false);
            adaLink.deliverRtp(in);
            assertEquals(0, in.refCnt(), "the producer releases what it was handed");
        }
        for (FakeLink l : List.of(bobLink, cyLink)) {
            assertEquals(4, l.rtp.size(), l.id());
            for (int i = 0; i < 4; i++) {
                byte[] out = l.rtp.get(i);
                assertEquals(l == bobLink ? 1111 : 2222, ssrc(out));
                assertEquals(109, pt(out), "the consumer's payload type");
                assertEquals((seq(l.rtp.get(0)) + i) & 0xFFFF, seq(out), "continuous sequence numbers");
                assertArrayEquals(new byte[] {0x10, 0x01, 7, 7, 7, (byte) (65534 + i)}, payload(out));
            }
        }
        assertEquals(8, bobLink.metrics().rtpForwarded.count() + cyLink.metrics().rtpForwarded.count(),
                "forwarded packets are counted on the subscriber's link");
    }

    @Test
    void videoWaitsForAKeyframeAndAsksForOne() {
        Producer video = video();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        consume(video, router.createSubscriber("bob", bobLink), 1111);
        assertEquals(1, adaLink.rtcp.size(), "a new consumer asks the publisher for a keyframe");
        assertEquals(RtcpHeader.PSFB, rtcpType(adaLink.rtcp.get(0)));

        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 10, false));
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 11, false));
        assertTrue(bobLink.rtp.isEmpty(), "no delta frame before a keyframe");
        assertEquals(2, bobLink.metrics().dropped(DropReason.WAITING_FOR_KEYFRAME));

        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 12, true));
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 13, false));
        assertEquals(2, bobLink.rtp.size());
        assertEquals(100, pt(bobLink.rtp.get(0)));
        assertEquals(1111, ssrc(bobLink.rtp.get(0)));
    }

    @Test
    void aKeyframeRequestInsideTheThrottleIsSentWhenItEndsUnlessAKeyframeCameFirst() throws InterruptedException {
        Producer video = video();
        consume(video, router.createSubscriber("bob", new FakeLink("bob/subscribe")), 1111);
        assertEquals(1, adaLink.rtcp.size(), "Bob's consumer asks for a keyframe");
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 10, true)); // the keyframe Bob asked for
        consume(video, router.createSubscriber("cy", new FakeLink("cy/subscribe")), 2222);
        assertEquals(1, adaLink.rtcp.size(), "Cy joins right after that keyframe went by: too soon to ask again");

        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 11, false));
        assertEquals(1, adaLink.rtcp.size(), "still inside the interval");
        Thread.sleep(Producer.KEYFRAME_REQUEST_INTERVAL_NANOS / 1_000_000 + 50);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 12, false));
        assertEquals(2, adaLink.rtcp.size(), "Cy's request, deferred, not dropped: he would wait for the next one");
        assertEquals(RtcpHeader.PSFB, rtcpType(adaLink.rtcp.get(1)));

        consume(video, router.createSubscriber("dee", new FakeLink("dee/subscribe")), 3333);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 13, true)); // the keyframe asked for for Cy serves Dee too
        Thread.sleep(Producer.KEYFRAME_REQUEST_INTERVAL_NANOS / 1_000_000 + 50);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 14, false));
        assertEquals(2, adaLink.rtcp.size(), "a keyframe that came first answers the deferred request");
    }

    @Test
    void aNackIsAnsweredFromTheCacheAsRtx() {
        Producer video = video();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        consume(video, bob, 1111);
        for (int seq = 500; seq < 503; seq++) {
            adaLink.deliverRtp(packet(VIDEO_SSRC, 96, seq, seq == 500));
        }
        assertEquals(3, bobLink.rtp.size());
        int lost = seq(bobLink.rtp.get(1));

        ByteBuf nack = Unpooled.buffer();
        Nack.of(0xB0B, 1111, new int[] {lost}).marshalTo(nack);
        bobLink.deliverRtcp(nack);

        assertEquals(4, bobLink.rtp.size());
        byte[] rtx = bobLink.rtp.get(3);
        assertEquals(1112, ssrc(rtx), "sent on the consumer's RTX SSRC");
        assertEquals(101, pt(rtx), "with the consumer's RTX payload type");
        assertEquals(lost, ((rtx[12] & 0xFF) << 8) | (rtx[13] & 0xFF), "OSN: the sequence number the subscriber lost");
        assertArrayEquals(payload(bobLink.rtp.get(1)), Arrays.copyOfRange(rtx, 14, rtx.length));
        assertEquals(1, bobLink.metrics().retransmissions.count());
        assertEquals(1, bobLink.metrics().nacksReceived.count());

        // the same NACK again at once (a flood, or a duplicate): not resent within the floor, and counted
        ByteBuf again = Unpooled.buffer();
        Nack.of(0xB0B, 1111, new int[] {lost}).marshalTo(again);
        bobLink.deliverRtcp(again);
        assertEquals(4, bobLink.rtp.size());
        assertEquals(1, bobLink.metrics().retransmissionsTooSoon.count());
    }

    /**
     * The consumer's RTT comes from the subscriber's receiver report about the SR we forwarded: our send time of
     * that SR (found by its LSR) to the report's arrival, minus DLSR. A report naming no SR of ours, or a DLSR longer
     * than the time since, is no sample.
     */
    @Test
    void theSubscribersReceiverReportsMeasureItsRtt() throws Exception {
        Producer video = video();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        Consumer c = consume(video, bob, 1111);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 500, true));
        long ntp = 0xE1234567_89ABCDEFL;
        ByteBuf sr = Unpooled.buffer();
        new SenderReport(VIDEO_SSRC, ntp, 3000, 1, 100, java.util.List.of()).marshalTo(sr);
        adaLink.deliverRtcp(sr);
        assertEquals(1, bobLink.rtcp.size(), "the translated SR to Bob");
        long lsr = (ntp >>> 16) & 0xFFFFFFFFL;

        bobLink.deliverRtcp(receiverReport(1111, 0x1234, 0)); // an LSR we never sent
        assertEquals(-1, c.rttNanos());
        bobLink.deliverRtcp(receiverReport(1111, lsr, 65536L * 60)); // held for a minute: impossible
        assertEquals(-1, c.rttNanos());

        Thread.sleep(30);
        bobLink.deliverRtcp(receiverReport(1111, lsr, 65536L * 10 / 1000)); // held 10 ms of the 30+
        long rtt = c.rttNanos();
        assertTrue(rtt >= 19_000_000L && rtt < 2_000_000_000L, "RTT " + rtt + " ns");
    }

    private static ByteBuf receiverReport(long mediaSsrc, long lsr, long dlsr) {
        ByteBuf rr = Unpooled.buffer();
        new org.javameet.sfu.rtcp.ReceiverReport(0xB0B, java.util.List.of(new org.javameet.sfu.rtcp.ReportBlock(
                mediaSsrc, 0, 0, 500, 0, lsr, dlsr))).marshalTo(rr);
        return rr;
    }

    @Test
    void aLinkThatCannotTakeMoreSkipsVideoToTheNextKeyframe() {
        Producer video = video();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        consume(video, router.createSubscriber("bob", bobLink), 1111);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 1, true));
        assertEquals(1, bobLink.rtp.size());

        bobLink.writable = false;
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 2, false));
        bobLink.writable = true;
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 3, false));
        assertEquals(1, bobLink.rtp.size(), "no broken frame after a drop");
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 4, true));
        assertEquals(2, bobLink.rtp.size(), "the next keyframe goes out");
    }

    @Test
    void nothingIsSentBeforeTheSubscribersLinkConnects() {
        Producer audio = audio();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        bobLink.connected = false;
        Subscriber bob = router.createSubscriber("bob", bobLink);
        consume(audio, bob, 1111);
        adaLink.deliverRtp(packet(AUDIO_SSRC, 111, 1, false));
        assertTrue(bobLink.rtp.isEmpty());
        bobLink.connect();
        adaLink.deliverRtp(packet(AUDIO_SSRC, 111, 2, false));
        assertEquals(1, bobLink.rtp.size());
    }

    @Test
    void closingCascadesDownwards() {
        Producer audio = audio();
        Producer video = video();
        FakeLink bobLink = new FakeLink("bob/subscribe");
        Subscriber bob = router.createSubscriber("bob", bobLink);
        consume(audio, bob, 1111);
        consume(video, bob, 2222);

        router.closeProducer(video);
        assertEquals(1, bob.consumers().size(), "the producer's consumers go with it");
        assertEquals(List.of(audio), ada.producers());
        adaLink.deliverRtp(packet(VIDEO_SSRC, 96, 1, true));
        assertTrue(bobLink.rtp.isEmpty());
        assertEquals(1, adaLink.metrics().dropped(DropReason.UNKNOWN_SSRC), "a closed producer's packets are dropped");

        router.closeParticipant("ada");
        assertEquals("publisher closed", adaLink.closedReason);
        assertTrue(bob.consumers().isEmpty());
        assertEquals(List.of("ada: publisher closed"), closedLinks);

        router.close();
        assertEquals("subscriber closed", bobLink.closedReason);
        assertEquals(List.of("ada: publisher closed"), closedLinks, "a closed router tells no one");
    }
}

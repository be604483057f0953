package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Last-N on the real Router with fake links: which video a subscriber gets, what it is told, and that a
 * resumed track starts at a keyframe with its sequence numbers continuing.
 */
class LastNRouterTest {
    private static final int[] NONE = new int[0];
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> told = new ArrayList<>();
    private final Router router = new Router("test", channel.eventLoop(), new Router.Listener() {
        @Override
        public void onLinkClosed(String participantId, MediaLink link, String reason) {
        }

        @Override
        public void onVideoPaused(String subscriberId, List<String> pausedMids) {
            told.add(subscriberId + ":" + pausedMids);
        }
    }, 2_500_000);
    private final List<FakeLink> publisherLinks = new ArrayList<>();
    private final FakeLink deeLink = new FakeLink("dee/subscribe");
    private final Subscriber dee = router.createSubscriber("dee", deeLink);

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    /** A publisher with one VP8 track (SSRC 1000 + index), which Dee consumes on mid = index. */
    private Producer camera(String owner, int index) {
        FakeLink link = new FakeLink(owner + "/publish");
        publisherLinks.add(link);
        Publisher pub = router.createPublisher(owner, link);
        Producer p = router.createProducer(pub, owner + "/v", new ProducerParams(true, 96, 90000, 1000 + index, 0, 0));
        router.createConsumer(dee, p, new ConsumerParams(Integer.toString(index), 5000 + index, 0, 100, 0, NONE, NONE,
                Vp8::isKeyframe));
        return p;
    }

    private static ByteBuf vp8(long ssrc, int seq, boolean keyframe) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        b.writeByte(0x10).writeByte(keyframe ? 0x00 : 0x01).writeBytes(new byte[] {7, 7, 7, (byte) seq});
        return b;
    }

    /** Every publisher sends one packet with sequence number {@code seq}. */
    private void everyoneSends(int seq, boolean keyframe) {
        for (int i = 0; i < publisherLinks.size(); i++) {
            publisherLinks.get(i).deliverRtp(vp8(1000 + i, seq, keyframe));
        }
    }

    private List<Long> ssrcsReceived() {
        List<Long> out = new ArrayList<>();
        for (byte[] p : deeLink.rtp) {
            out.add(ByteBuffer.wrap(p, 8, 4).getInt() & 0xFFFFFFFFL);
        }
        return out;
    }

    private static int seq(byte[] p) {
        return ByteBuffer.wrap(p, 2, 2).getShort() & 0xFFFF;
    }

    @Test
    void withoutSpeakersTheFirstToJoinAreForwardedAndScreenSharesAlways() {
        router.lastN(1);
        camera("ada", 0);
        camera("bob", 1);
        Producer screen = camera("cy", 2);
        assertEquals(List.of("dee:[1]", "dee:[1, 2]"), told, "told as each track arrived");

        router.alwaysForward(screen.id(), true);
        assertEquals("dee:[1]", told.get(told.size() - 1));
        everyoneSends(1, true);
        everyoneSends(2, false);
        assertEquals(List.of(5000L, 5002L, 5000L, 5002L), ssrcsReceived(), "Ada (first in) and Cy's screen only");
    }

    @Test
    void aResumedTrackStartsAtAKeyframeAndContinuesItsSequenceNumbers() throws InterruptedException {
        router.lastN(1);
        camera("ada", 0);
        Producer bob = camera("bob", 1);
        everyoneSends(1, true);
        everyoneSends(2, false);
        assertEquals(List.of(5000L, 5000L), ssrcsReceived());

        router.lastN(2); // Bob's video was never sent: it starts like a new one
        assertEquals("dee:[]", told.get(told.size() - 1));
        everyoneSends(3, false);
        everyoneSends(4, true);
        assertEquals(List.of(5000L, 5000L, 5000L, 5000L, 5001L), ssrcsReceived(), "Bob's from his keyframe on");
        int bobLast = seq(deeLink.rtp.get(4));

        router.lastN(1);
        int before = publisherLinks.get(1).rtcp.size();
        everyoneSends(5, false);
        everyoneSends(6, false);
        Thread.sleep(Producer.KEYFRAME_REQUEST_INTERVAL_NANOS / 1_000_000 + 50); // past the PLI throttle
        router.lastN(2);
        assertTrue(publisherLinks.get(1).rtcp.size() > before, "resuming asks Bob for a keyframe");
        assertEquals(RtcpHeader.PSFB, publisherLinks.get(1).rtcp.get(publisherLinks.get(1).rtcp.size() - 1)[1] & 0xFF);
        deeLink.rtp.clear();
        everyoneSends(7, false); // a delta frame: Bob's waits for the keyframe
        everyoneSends(8, true);
        assertEquals(List.of(5000L, 5000L, 5001L), ssrcsReceived());
        assertEquals((bobLast + 1) & 0xFFFF, seq(deeLink.rtp.get(2)),
                "the pause left no gap in Bob's sequence numbers, so nothing is NACKed for it");
        assertFalse(bob.consumers().get(0).pausedByLastN());
    }

    @Test
    void noLimitMeansNothingIsPausedAndNothingIsSaid() {
        camera("ada", 0);
        camera("bob", 1);
        everyoneSends(1, true);
        assertEquals(List.of(5000L, 5001L), ssrcsReceived());
        assertEquals(List.of(), told);
    }
}

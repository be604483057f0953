package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.RtcpCompound;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server as a transport-cc receiver for a publisher: every packet's transport-wide number is recorded, RTX and
 * unknown SSRCs (probes) included, and reported back as feedback our own parser reads; absurd jumps are counted.
 */
class PublisherTransportCcTest {
    private static final int TWCC_EXT = 3;
    private static final long VIDEO_SSRC = 0x51DE0L;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Router router = new Router("test", channel.eventLoop(), (participant, link, reason) -> { }, 2_500_000);
    private final FakeLink adaLink = new FakeLink("ada/publish");
    private final Publisher ada = router.createPublisher("ada", adaLink);

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    /** A VP8 packet with a transport-wide sequence number (one-byte extension form). */
    private static ByteBuf packet(long ssrc, int seq, int transportSeq) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x90).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        b.writeShort(0xBEDE).writeShort(1);
        b.writeByte(TWCC_EXT << 4 | 1).writeShort(transportSeq).writeByte(0);
        b.writeByte(0x10).writeByte(0x01).writeBytes(new byte[] {7, 7, 7, (byte) seq});
        return b;
    }

    private List<TransportCcFeedback> feedbackSent() throws RtcpException {
        List<TransportCcFeedback> out = new ArrayList<>();
        List<RtcpException> errors = new ArrayList<>();
        for (byte[] bytes : adaLink.rtcp) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            RtcpCompound.forEach(buf, (type, fmt, off, len) -> {
                if (Rtcp.isTransportCc(buf, off, len)) {
                    try {
                        out.add(TransportCcFeedback.parse(buf, off, len));
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

    @Test
    void everyTransportWideNumberIsReportedOnceReceivedOrLost() throws RtcpException {
        router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, VIDEO_SSRC, 0, 0));
        ada.enableTransportCc(TWCC_EXT);
        for (int i = 0; i < 10; i++) {
            if (i != 4) { // 4 is lost on the uplink
                adaLink.deliverRtp(packet(VIDEO_SSRC, 500 + i, 65_530 + i)); // wraps after 65535
            }
        }
        adaLink.deliverRtp(packet(0xBADL, 1, 65_540 & 0xFFFF)); // a probe on an SSRC nobody announced
        ada.sendTransportCc();

        List<TransportCcFeedback> sent = feedbackSent();
        assertEquals(1, sent.size());
        TransportCcFeedback f = sent.get(0);
        assertEquals(65_530, f.baseSequence());
        assertEquals(11, f.packetCount());
        assertEquals(10, f.receivedCount());
        assertFalse(f.received(4));
        assertTrue(f.received(10), "the unknown SSRC's packet is reported too");
        long[] offsets = new long[11];
        f.arrivalOffsetsMicros(offsets);
        for (int i = 1; i < 11; i++) {
            if (i != 4 && i != 5) {
                assertTrue(offsets[i] >= offsets[i - 1], "arrivals in order: " + i);
            }
        }
        assertEquals(1, adaLink.metrics().transportCcFeedbackSent.count());

        ada.sendTransportCc();
        assertEquals(1, feedbackSent().size(), "nothing new arrived: no feedback");
        adaLink.deliverRtp(packet(VIDEO_SSRC, 511, 65_541 & 0xFFFF));
        ada.sendTransportCc();
        assertEquals(List.of(65_541 & 0xFFFF, 1), List.of(feedbackSent().get(1).baseSequence(),
                feedbackSent().get(1).packetCount()));
        assertEquals(1, feedbackSent().get(1).feedbackCount());
    }

    @Test
    void anAbsurdJumpIsCountedAndNotReportedAsLoss() throws RtcpException {
        router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, VIDEO_SSRC, 0, 0));
        ada.enableTransportCc(TWCC_EXT);
        adaLink.deliverRtp(packet(VIDEO_SSRC, 1, 100));
        adaLink.deliverRtp(packet(VIDEO_SSRC, 2, 100 + 30_000)); // a stray number
        adaLink.deliverRtp(packet(VIDEO_SSRC, 3, 101));
        adaLink.deliverRtp(packet(VIDEO_SSRC, 4, 100)); // a duplicate of a number not reported yet
        ada.sendTransportCc();
        adaLink.deliverRtp(packet(VIDEO_SSRC, 5, 99)); // after its report
        ada.sendTransportCc();

        List<TransportCcFeedback> sent = feedbackSent();
        assertEquals(1, sent.size());
        assertEquals(2, sent.get(0).packetCount());
        assertEquals(2, sent.get(0).receivedCount());
        assertEquals(1, adaLink.metrics().transportCcArrivalsJump.count());
        assertEquals(1, adaLink.metrics().transportCcArrivalsLate.count());
        assertEquals(5, ada.transportCc().packets());
    }

    @Test
    void withoutTransportCcNothingIsRecordedOrSent() throws RtcpException {
        router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, VIDEO_SSRC, 0, 0));
        adaLink.deliverRtp(packet(VIDEO_SSRC, 1, 100));
        ada.sendTransportCc();
        assertTrue(feedbackSent().isEmpty());

        ada.enableTransportCc(TWCC_EXT);
        adaLink.connected = false;
        adaLink.deliverRtp(packet(VIDEO_SSRC, 2, 101));
        ada.sendTransportCc();
        assertTrue(feedbackSent().isEmpty(), "not connected: nothing sent");
    }
}

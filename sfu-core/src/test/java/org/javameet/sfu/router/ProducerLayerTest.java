package org.javameet.sfu.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.javameet.sfu.rtp.Vp8Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A simulcast layer's accounting: its rate by temporal layer, and its keyframes apart from it. */
class ProducerLayerTest {
    private static final long MS = 1_000_000L;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Router router = new Router("test", channel.eventLoop(), (participant, link, reason) -> { }, 2_500_000);
    private final Publisher ada = router.createPublisher("ada", new FakeLink("ada/publish"));

    @AfterEach
    void finish() {
        router.close();
        assertFalse(channel.finish());
    }

    /**
     * ShapedDownlinkBrowserTest: the keyframe a switch to 360p asked for (~20-30 kB) counted in the layer's rate for
     * the next second, the rung looked too dear for the estimate that had just allowed it, and the consumer went
     * straight back down. The rate is the layer's cost between keyframes; the keyframe is kept apart.
     */
    @Test
    void aKeyframeCountsInKeyframeBytesNotInTheRate() {
        Producer p = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0, 0, 0, "1", 4, 97,
                List.of("r0", "r1"), 10, 11));
        ProducerLayer layer = p.layers()[1];
        int seq = 0;
        long t = 5_000 * MS;
        // a keyframe of 20 packets (~1,200 bytes each), then 1 s of delta frames: 10 a second, 2 packets each
        for (int i = 0; i < 20; i++) {
            layer.onPacket(sized(Vp8Packets.packet(0xB, 96, seq++, 9000, 1, 1, 0, i == 0, 360), 1200), t);
        }
        for (int f = 1; f <= 11; f++) {
            t = 5_000 * MS + f * 100 * MS;
            for (int i = 0; i < 2; i++) {
                layer.onPacket(sized(Vp8Packets.packet(0xB, 96, seq++, 9000 + 9000L * f, 1 + f, 1 + f, 0, false, 0),
                        1000), t);
            }
        }
        assertEquals(20 * 1200, layer.keyframeBytes);
        // the window opened with the keyframe and closed 1.0 s later on frame 10's first packet: frames 1-9 and that
        // packet, 19 packets of 1,000 bytes
        assertEquals(19 * 1000 * 8, layer.bitrateUpToTemporal[0], "the keyframe's 24 kB are not in the rate");
    }

    /** The packet padded (or cut) to {@code size} bytes. */
    private static ByteBuf sized(ByteBuf packet, int size) {
        packet.writerIndex(Math.min(packet.writerIndex(), size));
        packet.writeZero(size - packet.writerIndex());
        return packet;
    }
}

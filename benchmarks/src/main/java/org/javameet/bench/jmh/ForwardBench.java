package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.javameet.sfu.router.Consumer;
import org.javameet.sfu.router.ConsumerParams;
import org.javameet.sfu.router.Producer;
import org.javameet.sfu.router.ProducerParams;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.router.Subscriber;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.webrtc.SubscribeNegotiation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One subscriber's share of forwarding one packet: the real {@link Consumer#forward}, on a Router driven from
 * the benchmark thread (an embedded event loop), sending through a {@link BenchLink} that SRTP-protects and
 * releases each packet. Per op: the connected and keyframe checks, read seq/timestamp, copy with the
 * subscriber's extensions (video keeps none; audio keeps ssrc-audio-level, renumbered to the id the SFU
 * offers), four header writes, SRTP protect, release, the forwarded counter. With {@code transportCc}, also
 * the reserved transport-wide sequence number element, its stamp and the send-history entry.
 *
 * <p>The source is the publisher's decrypted packet in a pooled direct buffer, as the epoll channel
 * hands it over; its sequence number advances every op.
 */
public class ForwardBench extends SrtpPacketBench {
    @Param({"POOLED", "UNPOOLED", "POOLED_HEAP"})
    public Allocator allocator;

    /** true: the subscriber negotiated transport-cc, so each copy reserves, and is stamped with, a transport-wide seq. */
    @Param({"false", "true"})
    public boolean transportCc;

    private ByteBuf src;
    private SrtpSession srtp;
    private EmbeddedChannel loop;
    private Router router;
    private BenchLink link;
    private Consumer consumer;
    private int inSeq;

    @Setup(Level.Trial)
    public void setUp() {
        Crypto.setUp(aes);
        byte[] template = Packets.rtp(packet, 0); // a VP8 keyframe for video: the consumer's gate opens at once
        src = PooledByteBufAllocator.DEFAULT.directBuffer(2048).writeBytes(template);
        srtp = new SrtpSession(Packets.keys(profile), rtpTransform);
        boolean video = packet == PacketShape.VIDEO;
        loop = new EmbeddedChannel();
        router = new Router("bench", loop.eventLoop(), (participant, l, reason) -> { },
                Router.DEFAULT_MAX_INCOMING_BITRATE);
        BenchLink publisherLink = new BenchLink(null, allocator.alloc); // not connected: no PLI or reports
        Producer producer = router.createProducer(router.createPublisher("pub", publisherLink), "pub/0",
                new ProducerParams(video, packet.payloadType, video ? 90000 : 48000, 0x12345678L, 0,
                        video ? 0 : Packets.AUDIO_LEVEL_ID));
        link = new BenchLink(srtp, allocator.alloc);
        // what the SFU gives a subscriber (see session.ForwardingParams)
        ConsumerParams params = video
                ? new ConsumerParams("1", 0x5EEDF00DL, 0, SubscribeNegotiation.VP8.payloadType(),
                        SubscribeNegotiation.VP8_RTX.payloadType(), new int[0], new int[0], Vp8::isKeyframe)
                : new ConsumerParams("0", 0x5EEDF00DL, 0, SubscribeNegotiation.OPUS.payloadType(), 0,
                        new int[] {Packets.AUDIO_LEVEL_ID}, new int[] {SubscribeNegotiation.AUDIO_LEVEL_EXT_ID}, null);
        Subscriber subscriber = router.createSubscriber("sub", link);
        if (transportCc) {
            subscriber.enableTransportCc(SubscribeNegotiation.TRANSPORT_CC_EXT_ID);
        }
        consumer = router.createConsumer(subscriber, producer, params);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        loop.finishAndReleaseAll();
        srtp.close();
        src.release();
    }

    @Benchmark
    public int forward() {
        RtpHeader.setSequenceNumber(src, inSeq++ & 0xFFFF); // the next packet of the stream
        consumer.forward(src, 0);
        return link.lastLength;
    }
}

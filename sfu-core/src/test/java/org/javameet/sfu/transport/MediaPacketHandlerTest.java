package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.stun.StunException;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The media socket's handler in an EmbeddedChannel: RFC 7983 demultiplexing, ICE-lite answers and the
 * buffer ownership rule (every datagram is released unless a transport took it). Buffers come from the
 * channel's pooled allocator, so a missed release also trips the leak detector.
 */
class MediaPacketHandlerTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.10", 3478);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("198.51.100.7", 50123);
    private static final String UFRAG = "sfuUfrag";
    private static final String PWD = "sfuPasswordOf24CharsAbcd";
    private static final String REMOTE_UFRAG = "uKEP";

    private static DtlsCertificate certificate;

    private EmbeddedChannel channel;
    private TransportRegistry registry;
    private MediaMetrics metrics;
    private WebRtcTransport transport;
    private final List<DatagramPacket> sent = new ArrayList<>();
    private final List<ByteBuf> made = new ArrayList<>();

    @BeforeAll
    static void certificate() {
        certificate = DtlsCertificate.generate(); // RSA/ECDSA key generation: once per class
    }

    @BeforeEach
    void setUp() {
        registry = new TransportRegistry();
        metrics = MediaMetrics.noop();
        channel = new EmbeddedChannel(new MediaPacketHandler(registry, metrics));
        PacketSender sender = new PacketSender() {
            @Override
            public boolean send(ByteBuf data, InetSocketAddress to) {
                sent.add(new DatagramPacket(data, to));
                return true;
            }

            @Override
            public void flush() {
            }
        };
        LocalTransportParams local = new LocalTransportParams(UFRAG, PWD, certificate.fingerprintAlgorithm(),
                certificate.fingerprintHex(), List.of(SERVER));
        transport = new WebRtcTransport("t1", local, channel.eventLoop(), sender, registry, certificate,
                r -> {
                    throw new AssertionError("no DTLS without the remote's SDP");
                }, metrics, channel.alloc());
        registry.register(transport);
    }

    @AfterEach
    void buffersReleased() {
        assertTrue(sent.isEmpty(), "the transport sent something: " + sent);
        for (ByteBuf b : made) {
            assertEquals(0, b.refCnt(), "a datagram handed to the handler was not released");
        }
    }

    // --- garbage from an unknown address

    /** One byte from each RFC 7983 range (and the gaps between them); nothing is bound, so all of it is dropped. */
    @ParameterizedTest(name = "first byte {0} -> {1}")
    @CsvSource({
            "0, STUN_MALFORMED", "3, STUN_MALFORMED",         // [0..3] STUN, but one byte is no STUN header
            "4, UNKNOWN_PROTOCOL", "15, UNKNOWN_PROTOCOL",
            "16, UNKNOWN_PROTOCOL", "19, UNKNOWN_PROTOCOL",   // [16..19] ZRTP: not spoken here
            "20, UNKNOWN_ADDRESS", "22, UNKNOWN_ADDRESS", "63, UNKNOWN_ADDRESS",  // [20..63] DTLS
            "64, UNKNOWN_PROTOCOL", "79, UNKNOWN_PROTOCOL",   // [64..79] TURN channel: ICE-lite has no TURN
            "80, UNKNOWN_PROTOCOL", "127, UNKNOWN_PROTOCOL",
            "128, UNKNOWN_ADDRESS", "191, UNKNOWN_ADDRESS",   // [128..191] RTP/RTCP
            "192, UNKNOWN_PROTOCOL", "255, UNKNOWN_PROTOCOL",
    })
    void oneByteDatagramFromUnknownAddressIsDropped(int firstByte, DropReason reason) {
        DatagramPacket dp = datagram(new byte[] {(byte) firstByte}, BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(reason, 1);
        assertNull(channel.readOutbound());
        assertNull(registry.byAddress(BROWSER));
        assertFalse(channel.finish());
    }

    @Test
    void emptyDatagramIsDroppedAsUnknownProtocol() {
        DatagramPacket dp = datagram(new byte[0], BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(DropReason.UNKNOWN_PROTOCOL, 1);
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void randomDatagramsFromUnknownAddressesAreAllDroppedAndReleased() {
        Random random = new Random(7983);
        int n = 500;
        for (int i = 0; i < n; i++) {
            byte[] junk = new byte[random.nextInt(1500)];
            random.nextBytes(junk);
            InetSocketAddress from = new InetSocketAddress("203.0.113." + (1 + random.nextInt(254)), 1024 + random.nextInt(60000));
            DatagramPacket dp = datagram(junk, from);
            assertFalse(channel.writeInbound(dp));
            assertEquals(0, dp.refCnt(), "datagram " + i + " not released");
        }
        assertEquals(n, totalDrops(), "every datagram is counted under exactly one reason");
        assertEquals(0, metrics.dropped(DropReason.NOT_CONNECTED));
        assertNull(channel.readOutbound());
        assertEquals(0, registry.all().stream().filter(t -> t.remoteAddress() != null).count());
        assertFalse(channel.finish());
    }

    // --- STUN

    @Test
    void bindingRequestForUnknownUfragIsDroppedWithoutAnswer() {
        DatagramPacket dp = stun(bindingRequest("nobody:" + REMOTE_UFRAG, PWD), BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(DropReason.STUN_UNKNOWN_UFRAG, 1);
        assertNull(channel.readOutbound());
        assertNull(registry.byAddress(BROWSER));
        assertFalse(channel.finish());
    }

    @Test
    void validBindingRequestIsAnsweredAndBindsTheAddress() throws StunException {
        StunMessageBuilder request = bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD).useCandidate();
        byte[] tx = transactionIdOf(request);
        DatagramPacket dp = stun(request, BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertEquals(0, totalDrops());

        DatagramPacket response = channel.readOutbound();
        assertNotNull(response, "no binding response written");
        try {
            assertEquals(BROWSER, response.recipient());
            ByteBuf content = response.content();
            StunMessage m = StunMessage.parse(content);
            assertEquals(StunMessage.BINDING_SUCCESS, m.messageType());
            assertArrayEquals(tx, m.transactionId());
            assertEquals(BROWSER, m.xorMappedAddress());
            assertTrue(m.hasMessageIntegrity());
            assertTrue(StunMessage.checkIntegrity(content, PWD.getBytes(StandardCharsets.UTF_8)),
                    "MESSAGE-INTEGRITY must be keyed with the SFU's ice-pwd");
            assertTrue(m.hasFingerprint());
            assertTrue(StunMessage.checkFingerprint(content));
        } finally {
            response.release();
        }
        assertEquals(0, response.refCnt());
        assertNull(channel.readOutbound(), "exactly one response");
        assertSame(transport, registry.byAddress(BROWSER));
        assertEquals(BROWSER, transport.remoteAddress());
        assertEquals(TransportState.CONNECTING, transport.state());
        assertFalse(channel.finish());
    }

    @Test
    void wrongPasswordIsDroppedAndBindsNothing() {
        DatagramPacket dp = stun(bindingRequest(UFRAG + ":" + REMOTE_UFRAG, "notTheSfuPasswordAtAll!!").useCandidate(), BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(DropReason.STUN_BAD_INTEGRITY, 1);
        assertNull(channel.readOutbound());
        assertNull(registry.byAddress(BROWSER));
        assertNull(transport.remoteAddress());
        assertEquals(TransportState.NEW, transport.state());
        assertFalse(channel.finish());
    }

    @Test
    void badFingerprintIsDroppedAndBindsNothing() {
        ByteBuf buf = channel.alloc().buffer();
        bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD).writeTo(buf);
        int last = buf.writerIndex() - 1;
        buf.setByte(last, buf.getByte(last) ^ 0x01); // corrupt the CRC, integrity stays valid
        DatagramPacket dp = new DatagramPacket(buf, SERVER, BROWSER);
        made.add(buf);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(DropReason.STUN_BAD_FINGERPRINT, 1);
        assertNull(channel.readOutbound());
        assertNull(registry.byAddress(BROWSER));
        assertFalse(channel.finish());
    }

    // --- ICE restart (RFC 8445 §9)

    @Test
    void iceRestartKeepsTheOldCredentialsUntilTheNewOnesCheckOut() {
        bind();
        LocalTransportParams fresh = transport.restartIce();
        assertFalse(fresh.iceUfrag().equals(UFRAG), "a restart needs a new ufrag");
        assertFalse(fresh.icePwd().equals(PWD), "and a new password");
        assertEquals(certificate.fingerprintHex(), fresh.fingerprintHex(), "DTLS is not restarted");
        assertSame(fresh, transport.local(), "the next SDP announces the new credentials");
        assertEquals(1, registry.all().size(), "one transport, two ufrags");

        bind(); // the old credentials still work: media goes on while the browser switches
        InetSocketAddress moved = new InetSocketAddress("198.51.100.8", 40000); // e.g. the laptop changed network
        answered(bindingRequest(fresh.iceUfrag() + ":" + REMOTE_UFRAG, fresh.icePwd()).useCandidate(), moved,
                fresh.icePwd());
        assertSame(transport, registry.byAddress(moved));
        assertEquals(moved, transport.remoteAddress());
        assertEquals(1.0, metrics.iceRestarts.count());

        // the new ones checked out: the old ufrag is retired
        DatagramPacket old = stun(bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD), BROWSER);
        assertFalse(channel.writeInbound(old));
        assertDroppedOnly(DropReason.STUN_UNKNOWN_UFRAG, 1);
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void aSecondRestartBeforeTheFirstChecksOutRetiresTheUnusedCredentials() {
        bind();
        LocalTransportParams first = transport.restartIce();
        LocalTransportParams second = transport.restartIce();
        assertNull(registry.byUfrag(first.iceUfrag()), "the first restart's credentials were never used");
        assertSame(transport, registry.byUfrag(UFRAG), "the ones in use stay valid");
        answered(bindingRequest(second.iceUfrag() + ":" + REMOTE_UFRAG, second.icePwd()).useCandidate(), BROWSER,
                second.icePwd());
        assertNull(registry.byUfrag(UFRAG));
        transport.close("test");
        assertEquals(0, registry.all().size(), "closing releases every ufrag");
        assertFalse(channel.finish());
    }

    @Test
    void packetsThatAreNotChecksDoNotRenewConsent() {
        bind();
        long now = System.nanoTime();
        assertFalse(transport.consentExpiredNow(now));
        assertTrue(transport.consentExpiredNow(now + WebRtcTransport.CONSENT_TIMEOUT_NANOS + 1_000_000_000L),
                "30 s without a valid check: consent is gone (RFC 7675)");
        byte[] rtp = new byte[12];
        rtp[0] = (byte) 0x80;
        assertFalse(channel.writeInbound(datagram(rtp, BROWSER)));
        assertTrue(transport.consentExpiredNow(now + WebRtcTransport.CONSENT_TIMEOUT_NANOS + 1_000_000_000L),
                "an unauthenticated packet that is not a STUN check does not renew it");
        assertFalse(channel.finish());
    }

    /** Sends a check and asserts a success response keyed with {@code pwd}. */
    private void answered(StunMessageBuilder request, InetSocketAddress from, String pwd) {
        assertFalse(channel.writeInbound(stun(request, from)));
        DatagramPacket response = channel.readOutbound();
        assertNotNull(response, "no binding response");
        try {
            assertEquals(from, response.recipient());
            assertTrue(StunMessage.checkIntegrity(response.content(), pwd.getBytes(StandardCharsets.UTF_8)));
        } finally {
            response.release();
        }
    }

    // --- after binding

    @Test
    void rtpBeforeDtlsIsDroppedAsNotConnected() {
        bind();
        byte[] rtp = new byte[12 + 20];
        rtp[0] = (byte) 0x80;  // V=2
        rtp[1] = 96;           // PT 96 (VP8), no marker
        rtp[3] = 1;            // sequence 1
        rtp[11] = 42;          // SSRC 42
        DatagramPacket dp = datagram(rtp, BROWSER);
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt(), "the transport took the packet and must release it");
        assertDroppedOnly(DropReason.NOT_CONNECTED, 1);
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void rtpFromAnotherAddressThanTheBoundOneIsUnknown() {
        bind();
        byte[] rtp = new byte[12];
        rtp[0] = (byte) 0x80;
        DatagramPacket dp = datagram(rtp, new InetSocketAddress("198.51.100.7", 50124));
        assertFalse(channel.writeInbound(dp));
        assertEquals(0, dp.refCnt());
        assertDroppedOnly(DropReason.UNKNOWN_ADDRESS, 1);
        assertFalse(channel.finish());
    }

    // --- batched reads (recvmmsg) and one flush per batch

    @Test
    void aDatagramFromABatchBufferReachesItsTransportInABufferOfItsOwn() {
        ByteBuf batch = channel.alloc().directBuffer(16 * 2048); // what one recvmmsg reads into
        batch.writerIndex(16 * 2048);
        batch.setBytes(2048, new byte[] {(byte) 0x80, 96, 0, 7, 1, 2, 3, 4});
        ByteBuf datagram = batch.retainedSlice(2048, 8);
        batch.release(); // the channel lets go of the batch once every datagram is sliced off
        ByteBuf own = MediaPacketHandler.ownCopy(datagram);
        try {
            assertEquals(8, own.capacity(), "exact size: a cached packet keeps no batch alive");
            assertTrue(own.hasArray(), "on the heap, where SRTP works without a scratch copy");
            assertEquals(io.netty.buffer.ByteBufUtil.hexDump(datagram), io.netty.buffer.ByteBufUtil.hexDump(own));
            datagram.release();
            assertEquals(0, batch.refCnt(), "the batch buffer is free as soon as its datagrams are handled");
        } finally {
            own.release();
        }
    }

    @Test
    void aBatchIsOpenFromItsFirstReadUntilItsReadComplete() {
        MediaPacketHandler media = new MediaPacketHandler(registry, metrics);
        List<Boolean> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ctx.fireChannelRead(msg);
                seen.add(media.inBatch());
            }

            @Override
            public void channelReadComplete(io.netty.channel.ChannelHandlerContext ctx) {
                ctx.fireChannelReadComplete();
                seen.add(media.inBatch());
            }
        }, media);
        assertFalse(media.inBatch());
        ch.writeInbound(datagram(new byte[] {(byte) 0x80}, BROWSER), datagram(new byte[] {(byte) 0x80}, BROWSER));
        assertEquals(List.of(true, true, false), seen, "flushes wait for the batch's end; the end flushes once");
        assertDroppedOnly(DropReason.UNKNOWN_ADDRESS, 2);
        assertFalse(ch.finish());
        assertFalse(channel.finish());
    }

    // --- ICE: what moves media to a new address (issue 15)

    private static final InetSocketAddress ELSEWHERE = new InetSocketAddress("203.0.113.66", 40000);

    /** Sends a check and returns whether it was answered (the response is released). */
    private boolean answered(StunMessageBuilder check, InetSocketAddress from) {
        channel.writeInbound(stun(check, from));
        DatagramPacket response = channel.readOutbound();
        if (response == null) {
            return false;
        }
        response.release();
        return true;
    }

    @Test
    void aCheckWithoutUseCandidateFromANewAddressMovesNothing() {
        bind();
        assertTrue(answered(bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD), ELSEWHERE), "answered: a pair check");
        assertEquals(BROWSER, transport.remoteAddress());
        assertSame(transport, registry.byAddress(BROWSER));
        assertNull(registry.byAddress(ELSEWHERE));
        assertEquals(0, metrics.iceAddressChanges.count());
        assertFalse(channel.finish());
    }

    @Test
    void aNominatedFreshCheckFromANewAddressMovesMediaAndIsCounted() {
        bind();
        assertTrue(answered(bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD).useCandidate(), ELSEWHERE));
        assertEquals(ELSEWHERE, transport.remoteAddress());
        assertSame(transport, registry.byAddress(ELSEWHERE));
        assertNull(registry.byAddress(BROWSER), "the old address is unbound");
        assertEquals(1, metrics.iceAddressChanges.count());
        assertEquals(0, totalDrops());
        assertFalse(channel.finish());
    }

    /** MESSAGE-INTEGRITY does not cover the source: a captured check replayed from elsewhere must not move media. */
    @Test
    void aReplayedCheckFromAnotherAddressIsDroppedUnanswered() {
        StunMessageBuilder check = bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD).useCandidate();
        assertTrue(answered(check, BROWSER));
        assertTrue(answered(check, BROWSER), "a retransmission from the same address is answered");
        assertFalse(answered(check, ELSEWHERE), "the same transaction from elsewhere is a replay");
        assertEquals(BROWSER, transport.remoteAddress());
        assertNull(registry.byAddress(ELSEWHERE));
        assertDroppedOnly(DropReason.STUN_REPLAYED, 1);
        assertEquals(0, metrics.iceAddressChanges.count());
        assertFalse(channel.finish());
    }

    /** With its own valid credentials and a spoofed source, a participant must not take over another's address. */
    @Test
    void aLiveTransportsAddressIsNotTakenOver() {
        bind();
        LocalTransportParams otherLocal = new LocalTransportParams("otherUfrag", "otherPasswordOf24CharsXy",
                certificate.fingerprintAlgorithm(), certificate.fingerprintHex(), List.of(SERVER));
        PacketSender discard = new PacketSender() {
            @Override
            public boolean send(ByteBuf data, InetSocketAddress to) {
                data.release();
                return true;
            }

            @Override
            public void flush() {
            }
        };
        WebRtcTransport other = new WebRtcTransport("t2", otherLocal, channel.eventLoop(), discard, registry, certificate, r -> {
            throw new AssertionError("no DTLS");
        }, metrics, channel.alloc());
        registry.register(other);
        assertFalse(answered(bindingRequest("otherUfrag:" + REMOTE_UFRAG, "otherPasswordOf24CharsXy").useCandidate(),
                BROWSER));
        assertSame(transport, registry.byAddress(BROWSER));
        assertEquals(TransportState.CONNECTING, transport.state(), "the victim's transport lives on");
        assertNull(other.remoteAddress());
        assertDroppedOnly(DropReason.STUN_ADDRESS_IN_USE, 1);
        assertFalse(channel.finish());
    }

    /** A valid check from BROWSER; its response is read and released. A valid check drops nothing. */
    private void bind() {
        DatagramPacket dp = stun(bindingRequest(UFRAG + ":" + REMOTE_UFRAG, PWD).useCandidate(), BROWSER);
        channel.writeInbound(dp);
        DatagramPacket response = channel.readOutbound();
        assertNotNull(response);
        response.release();
        assertSame(transport, registry.byAddress(BROWSER));
        assertEquals(0, totalDrops());
    }

    // --- helpers

    private StunMessageBuilder bindingRequest(String username, String password) {
        return StunMessageBuilder.bindingRequest(StunMessageBuilder.newTransactionId())
                .username(username)
                .priority(2122194687L)
                .iceControlling(0x1234_5678_9abc_def0L)
                .messageIntegrity(password.getBytes(StandardCharsets.UTF_8))
                .fingerprint();
    }

    private static byte[] transactionIdOf(StunMessageBuilder b) throws StunException {
        ByteBuf tmp = io.netty.buffer.Unpooled.buffer();
        try {
            b.writeTo(tmp);
            return StunMessage.parse(tmp).transactionId();
        } finally {
            tmp.release();
        }
    }

    private DatagramPacket stun(StunMessageBuilder b, InetSocketAddress from) {
        ByteBuf buf = channel.alloc().buffer(b.encodedLength());
        b.writeTo(buf);
        made.add(buf);
        return new DatagramPacket(buf, SERVER, from);
    }

    private DatagramPacket datagram(byte[] bytes, InetSocketAddress from) {
        ByteBuf buf = channel.alloc().buffer(Math.max(bytes.length, 1));
        buf.writeBytes(bytes);
        made.add(buf);
        return new DatagramPacket(buf, SERVER, from);
    }

    private double totalDrops() {
        double n = 0;
        for (DropReason r : DropReason.values()) {
            n += metrics.dropped(r);
        }
        return n;
    }

    private void assertDroppedOnly(DropReason reason, int count) {
        assertEquals(count, metrics.dropped(reason), reason.name());
        assertEquals(count, totalDrops(), "dropped under another reason too");
    }
}

package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.PublishNegotiation;
import org.javameet.sfu.webrtc.PublishedTrack;
import org.javameet.sfu.webrtc.RemoteTransportParams;
import org.javameet.sfu.webrtc.SubscribeNegotiation;
import org.junit.jupiter.api.Test;

/** Our SDP, read by the server's own negotiation code, and the server's SDP read by ours. */
class ClientSdpTest {
    static final String FP = "sha-256 " + "AB:".repeat(31) + "CD";
    static final ClientSdp.LocalIdentity ID = new ClientSdp.LocalIdentity("uFrg", "0123456789abcdefghijklmn", FP);

    static LocalTransportParams server() throws Exception {
        return new LocalTransportParams("srvU", "serverpasswordserverpass", "sha-256", "12:".repeat(31) + "34",
                List.of(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 10000),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 10000)));
    }

    static List<ClientSdp.LocalTrack> tracks() {
        return List.of(new ClientSdp.LocalTrack("0", MediaKind.AUDIO, 1111, 0, "pabc", "pabc-audio"),
                new ClientSdp.LocalTrack("1", MediaKind.VIDEO, 2222, 3333, "pabc", "pabc-video"));
    }

    @Test
    void serverAcceptsPublishOfferWithTwoTracks() throws Exception {
        String offer = ClientSdp.publishOffer(ID, "pabc", tracks());
        PublishNegotiation.Result r = PublishNegotiation.answer(offer, server(), 7, 1);

        assertEquals(2, r.tracks().size());
        PublishedTrack audio = r.tracks().get(0);
        PublishedTrack video = r.tracks().get(1);
        assertEquals(MediaKind.AUDIO, audio.kind());
        assertEquals(111, audio.codec().payloadType());
        assertEquals(1111, audio.mediaSsrc());
        assertEquals(ClientSdp.AUDIO_LEVEL_EXT_ID, audio.audioLevelExtId());
        assertEquals("pabc", audio.streamId());
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(96, video.codec().payloadType());
        assertNotNull(video.rtx());
        assertEquals(97, video.rtx().payloadType());
        assertEquals(2222, video.mediaSsrc());
        assertEquals(3333, video.rtxSsrc());
        assertTrue(video.codec().feedback().containsAll(List.of("nack", "nack pli", "ccm fir", "goog-remb")),
                video.codec().feedback().toString());

        RemoteTransportParams remote = r.remote();
        assertEquals("uFrg", remote.iceUfrag());
        assertEquals("actpass", remote.setup());

        // and we read the answer back: credentials, fingerprint, the loopback candidate
        ClientSdp.RemoteTransport t = ClientSdp.remoteTransport(SessionDescription.parse(r.answerSdp()));
        assertEquals("srvU", t.iceUfrag());
        assertEquals("serverpasswordserverpass", t.icePwd());
        assertEquals("sha-256 " + "12:".repeat(31) + "34", t.fingerprint());
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10000), t.candidate());
    }

    @Test
    void publishOfferHasTheChromiumLines() throws Exception {
        SessionDescription sd = SessionDescription.parse(ClientSdp.publishOffer(ID, "pabc", tracks()));
        assertEquals("BUNDLE 0 1", sd.attribute("group"));
        for (MediaDescription m : sd.media()) {
            assertEquals("sendonly", m.direction());
            assertTrue(m.has("rtcp-mux"));
            assertEquals("actpass", m.attribute("setup"));
            assertEquals(FP, m.attribute("fingerprint"));
            assertEquals("uFrg", m.attribute("ice-ufrag"));
            assertTrue(m.attribute("msid").startsWith("pabc "));
        }
        MediaDescription audio = sd.media().get(0);
        assertEquals(List.of("111"), audio.formats());
        assertEquals(1, HeaderExtension.idOf(HeaderExtension.of(audio), HeaderExtension.AUDIO_LEVEL));
        MediaDescription video = sd.media().get(1);
        assertEquals(List.of("96", "97"), video.formats());
        assertEquals("FID 2222 3333", video.attribute("ssrc-group"));
        assertTrue(video.attributes("rtcp-fb").containsAll(List.of("96 nack", "96 nack pli", "96 ccm fir", "96 goog-remb")));
        assertTrue(video.attributes("fmtp").contains("97 apt=96"));
    }

    @Test
    void subscribeAnswerIsAcceptedByTheServerAndKeepsInactiveLines() throws Exception {
        List<SubscribeNegotiation.Track> offered = List.of(
                new SubscribeNegotiation.Track("0", MediaKind.AUDIO, true, 10, 0, "pone", "pone-audio-0"),
                new SubscribeNegotiation.Track("1", MediaKind.VIDEO, true, 11, 12, "pone", "pone-video-1"),
                new SubscribeNegotiation.Track("2", MediaKind.VIDEO, false, 13, 14, "ptwo", "ptwo-video-1"));
        String offerSdp = SubscribeNegotiation.offer(server(), 5, 3, offered);
        SessionDescription offer = SessionDescription.parse(offerSdp);

        String answer = ClientSdp.subscribeAnswer(offer, ID);
        RemoteTransportParams remote = SubscribeNegotiation.readAnswer(answer, offered);
        assertEquals("active", remote.setup());
        assertEquals("uFrg", remote.iceUfrag());

        SessionDescription a = SessionDescription.parse(answer);
        assertEquals("recvonly", a.media().get(0).direction());
        assertEquals("recvonly", a.media().get(1).direction());
        assertEquals("inactive", a.media().get(2).direction());
        assertEquals(List.of("96", "97"), a.media().get(1).formats());

        List<ClientSdp.OfferedTrack> tracks = ClientSdp.offeredTracks(offer);
        assertEquals(3, tracks.size());
        assertEquals(11, tracks.get(1).ssrc());
        assertEquals(12, tracks.get(1).rtxSsrc());
        assertEquals("pone", tracks.get(1).streamId());
        assertEquals(97, tracks.get(1).payloadType("rtx"));
        assertTrue(tracks.get(0).active());
        assertTrue(!tracks.get(2).active());
        assertNull(tracks.get(2).streamId());
    }

    /** ICE-TCP (RFC 6544): the server's passive TCP candidates, ranked below every UDP one, read back by us. */
    @Test
    void serverAnswerCarriesPassiveTcpCandidatesBelowUdp() throws Exception {
        LocalTransportParams udp = server();
        LocalTransportParams both = new LocalTransportParams(udp.iceUfrag(), udp.icePwd(), udp.fingerprintAlgorithm(),
                udp.fingerprintHex(), udp.candidates(), List.of(
                        new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 10001),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 10001)));
        String answer = PublishNegotiation.answer(ClientSdp.publishOffer(ID, "pabc", tracks()), both, 7, 1).answerSdp();
        MediaDescription m = SessionDescription.parse(answer).media().get(0);
        long lowestUdp = Long.MAX_VALUE;
        long highestTcp = 0;
        int tcp = 0;
        for (String c : m.attributes("candidate")) {
            String[] p = c.split(" ");
            long priority = Long.parseLong(p[3]);
            if (p[2].equals("udp")) {
                lowestUdp = Math.min(lowestUdp, priority);
            } else {
                assertEquals("tcp", p[2]);
                assertEquals(List.of("typ", "host", "tcptype", "passive"), List.of(p).subList(6, 10));
                highestTcp = Math.max(highestTcp, priority);
                tcp++;
            }
        }
        assertEquals(2, tcp);
        assertTrue(highestTcp < lowestUdp, "TCP " + highestTcp + " must rank below UDP " + lowestUdp);
        ClientSdp.RemoteTransport t = ClientSdp.remoteTransport(SessionDescription.parse(answer));
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10000), t.candidate());
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10001), t.tcpCandidate());
        assertNull(ClientSdp.remoteTransport(SessionDescription.parse(
                PublishNegotiation.answer(ClientSdp.publishOffer(ID, "pabc", tracks()), udp, 7, 1).answerSdp()))
                .tcpCandidate(), "no TCP candidate: none to pick");
    }

    @Test
    void tcpCandidateMustBePassive() {
        assertNull(ClientSdp.pickTcpCandidate(List.of("1 1 tcp 1 127.0.0.1 9 typ host tcptype active")));
    }

    @Test
    void candidateMustBeUdpHost() {
        assertThrows(SdpException.class, () -> ClientSdp.pickCandidate(List.of("1 1 tcp 1 127.0.0.1 9 typ host")));
    }

    /** Simulcast as Chromium offers it: a=rid per layer, a=simulcast, the MID/rid/repaired-rid extensions, no SSRCs. */
    @Test
    void serverAcceptsASimulcastOfferAndReadsTheLayersRids() throws Exception {
        List<ClientSdp.LocalTrack> simulcast = List.of(
                new ClientSdp.LocalTrack("0", MediaKind.AUDIO, 1111, 0, "pabc", "pabc-audio"),
                new ClientSdp.LocalTrack("1", MediaKind.VIDEO, 0, 0, "pabc", "pabc-video", List.of("r0", "r1", "r2")));
        String offer = ClientSdp.publishOffer(ID, "pabc", simulcast);
        MediaDescription m = SessionDescription.parse(offer).media().get(1);
        assertEquals(List.of("r0 send", "r1 send", "r2 send"), m.attributes("rid"));
        assertEquals("send r0;r1;r2", m.attribute("simulcast"));
        assertTrue(m.attributes("ssrc").isEmpty(), "no SSRCs announced: " + m.attributes("ssrc"));

        PublishedTrack video = PublishNegotiation.answer(offer, server(), 7, 1).tracks().get(1);
        assertEquals(List.of("r0", "r1", "r2"), video.rids());
        assertEquals(ClientSdp.RID_EXT_ID, video.ridExtId());
        assertEquals(ClientSdp.REPAIRED_RID_EXT_ID, video.repairedRidExtId());
        assertEquals(ClientSdp.MID_EXT_ID, video.midExtId());
    }

    /** The block a layer's packets carry reads back, through the server's extension walker, as its mid and rid. */
    @Test
    void simulcastExtensionBlockNamesTheMidAndRid() {
        for (boolean repaired : new boolean[] {false, true}) {
            byte[] block = ClientSdp.simulcastExtensions("1", "r2", repaired);
            io.netty.buffer.ByteBuf p = io.netty.buffer.Unpooled.buffer();
            p.writeByte(0x90).writeByte(96).writeShort(1).writeInt(0).writeInt(42).writeBytes(block).writeZero(10);
            assertEquals(0, block.length % 4);
            assertEquals("1", text(p, ClientSdp.MID_EXT_ID));
            assertEquals("r2", text(p, repaired ? ClientSdp.REPAIRED_RID_EXT_ID : ClientSdp.RID_EXT_ID));
            assertEquals(12 + block.length, org.javameet.sfu.rtp.RtpHeader.headerLength(p));
            p.release();
        }
    }

    private static String text(io.netty.buffer.ByteBuf p, int id) {
        long loc = org.javameet.sfu.rtp.HeaderExtensions.find(p, id);
        assertTrue(loc >= 0, "extension " + id);
        return p.toString(org.javameet.sfu.rtp.HeaderExtensions.offsetOf(loc),
                org.javameet.sfu.rtp.HeaderExtensions.lengthOf(loc), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Without transport-cc the answer drops its extension and feedback, so the server neither stamps nor waits. */
    @Test
    void subscribeAnswerKeepsOrDropsTransportCc() throws Exception {
        List<SubscribeNegotiation.Track> offered = List.of(
                new SubscribeNegotiation.Track("0", MediaKind.VIDEO, true, 11, 12, "pone", "pone-video-0"));
        SessionDescription offer = SessionDescription.parse(SubscribeNegotiation.offer(server(), 5, 3, offered));
        assertEquals(SubscribeNegotiation.TRANSPORT_CC_EXT_ID, ClientSdp.transportCcExtensionId(offer));

        String kept = ClientSdp.subscribeAnswer(offer, ID, true);
        assertEquals(SubscribeNegotiation.TRANSPORT_CC_EXT_ID, SubscribeNegotiation.transportCcExtensionId(kept));
        assertTrue(kept.contains("transport-cc"));

        String dropped = ClientSdp.subscribeAnswer(offer, ID, false);
        assertEquals(0, SubscribeNegotiation.transportCcExtensionId(dropped));
        assertTrue(!dropped.contains("transport-cc"), dropped);
        assertTrue(dropped.contains("nack pli"), "the other feedback stays");
        SubscribeNegotiation.readAnswer(dropped, offered);
    }
}

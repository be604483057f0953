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
}

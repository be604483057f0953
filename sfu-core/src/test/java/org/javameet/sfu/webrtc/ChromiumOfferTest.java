package org.javameet.sfu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

/**
 * Negotiation against a real browser offer. {@code sdp/chromium-156-publish-offer.sdp} was captured from
 * Debian's Chromium 156 (headless, fake camera and microphone) running {@code sdp/capture-publish-offer.html}:
 * getUserMedia, one sendonly transceiver per track, createOffer, setLocalDescription, then the SDP printed to
 * the console ({@code chromium --headless --no-sandbox --disable-gpu --use-fake-device-for-media-stream
 * --use-fake-ui-for-media-stream --enable-logging=stderr --v=0 http://127.0.0.1:PORT/capture-publish-offer.html}).
 * The file is Chromium's bytes, CRLF line ends included.
 */
class ChromiumOfferTest {
    private static final LocalTransportParams LOCAL = new LocalTransportParams("sfuUfrag", "sfuPasswordOf24CharsAbcd",
            "sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            List.of(new InetSocketAddress("192.0.2.10", 3478), new InetSocketAddress("2001:db8::10", 3478)));

    private static final String STREAM = "ab8778c1-aa85-4b79-acd2-50554c523d48";

    static String chromiumOffer() throws IOException {
        try (InputStream in = ChromiumOfferTest.class.getResourceAsStream("/sdp/chromium-156-publish-offer.sdp")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void publishAnswerToChromiumOffer() throws Exception {
        PublishNegotiation.Result r = PublishNegotiation.answer(chromiumOffer(), LOCAL, 4242, 1);

        // the browser's transport, from the first bundled m-section
        assertEquals("uKEP", r.remote().iceUfrag());
        assertEquals("/e+uowt2cioxbPE0TUEJB1c3", r.remote().icePwd());
        assertEquals("sha-256", r.remote().fingerprintAlgorithm());
        assertTrue(r.remote().fingerprintHex().startsWith("8C:83:CD:FB"));
        assertEquals("actpass", r.remote().setup());

        assertEquals(2, r.tracks().size());
        PublishedTrack audio = r.tracks().get(0);
        assertEquals("0", audio.mid());
        assertEquals(MediaKind.AUDIO, audio.kind());
        assertEquals(111, audio.codec().payloadType());
        assertTrue(audio.codec().is("opus"));
        assertEquals(48000, audio.codec().clockRate());
        assertNull(audio.rtx());
        assertEquals(1711245997L, audio.mediaSsrc());
        assertEquals(0, audio.rtxSsrc());
        assertEquals(1, audio.audioLevelExtId());
        assertEquals(2, audio.absSendTimeExtId());
        assertEquals(4, audio.midExtId());
        assertEquals(STREAM, audio.streamId());
        assertEquals("5c31690f-1964-434d-b7d1-fb1b03ef9638", audio.trackId());

        PublishedTrack video = r.tracks().get(1);
        assertEquals("1", video.mid());
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(96, video.codec().payloadType());
        assertTrue(video.codec().is("VP8"));
        assertNotNull(video.rtx());
        assertEquals(97, video.rtx().payloadType());
        assertEquals(96, video.rtx().associatedPayloadType());
        assertEquals(2210736215L, video.mediaSsrc());   // a=ssrc-group:FID 2210736215 3672861041
        assertEquals(3672861041L, video.rtxSsrc());
        assertEquals(0, video.audioLevelExtId());
        assertEquals(2, video.absSendTimeExtId());
        assertEquals(4, video.midExtId());
        assertEquals(STREAM, video.streamId());
        assertEquals("9e96644b-ba34-4bd7-a1b7-e283b6d959a0", video.trackId());
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), video.codec().feedback(),
                "transport-cc for the publisher's own estimate, REMB as the ceiling of what its receivers need");
        assertEquals(3, r.transportCcExtId(), "the server reports the transport-wide numbers it receives");

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        assertEquals("", answer.attribute("ice-lite"));
        assertEquals("BUNDLE 0 1", answer.attribute("group"));
        assertEquals(2, answer.media().size());
        List<String> candidates = List.of(
                "1 1 udp 2130706175 192.0.2.10 3478 typ host",
                "2 1 udp 2130449919 2001:db8:0:0:0:0:0:10 3478 typ host");
        for (MediaDescription m : answer.media()) {
            assertEquals(9, m.port());
            assertEquals("UDP/TLS/RTP/SAVPF", m.protocol());
            assertEquals("recvonly", m.direction());
            assertEquals("passive", m.attribute("setup"));
            assertEquals(LOCAL.iceUfrag(), m.attribute("ice-ufrag"));
            assertEquals(LOCAL.icePwd(), m.attribute("ice-pwd"));
            assertEquals("sha-256 " + LOCAL.fingerprintHex(), m.attribute("fingerprint"));
            assertEquals(candidates, m.attributes("candidate"));
            assertTrue(m.has("end-of-candidates"));
            assertTrue(m.has("rtcp-mux"));
            assertTrue(m.attributes("ssrc").isEmpty(), "the SFU sends nothing on a publish connection");
        }
        MediaDescription a = answer.media().get(0);
        assertEquals("0", a.mid());
        assertEquals(List.of("111"), a.formats());
        assertEquals(List.of(new RtpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of("transport-cc"))),
                RtpCodec.of(a));
        assertEquals(List.of(HeaderExtension.AUDIO_LEVEL, HeaderExtension.ABS_SEND_TIME, HeaderExtension.TRANSPORT_CC,
                        HeaderExtension.MID),
                HeaderExtension.of(a).stream().map(HeaderExtension::uri).toList());
        MediaDescription v = answer.media().get(1);
        assertEquals("1", v.mid());
        assertEquals(List.of("96", "97"), v.formats());
        assertEquals(List.of(HeaderExtension.ABS_SEND_TIME, HeaderExtension.TRANSPORT_CC, HeaderExtension.MID),
                HeaderExtension.of(v).stream().map(HeaderExtension::uri).toList());
    }

    @Test
    void subscribeOfferForChromiumsTracksParsesBack() throws Exception {
        PublishNegotiation.Result published = PublishNegotiation.answer(chromiumOffer(), LOCAL, 4242, 1);
        PublishedTrack audio = published.tracks().get(0);
        PublishedTrack video = published.tracks().get(1);
        List<SubscribeNegotiation.Track> tracks = List.of(
                new SubscribeNegotiation.Track("0", MediaKind.AUDIO, true, 11111111L, 0, "alice", audio.trackId()),
                new SubscribeNegotiation.Track("1", MediaKind.VIDEO, true, 22222222L, 33333333L, "alice", video.trackId()),
                new SubscribeNegotiation.Track("2", MediaKind.VIDEO, false, 0, 0, "bob", "gone"));
        String offer = SubscribeNegotiation.offer(LOCAL, 77, 3, tracks);

        SessionDescription sd = SessionDescription.parse(offer);
        assertEquals(offer, sd.toString(), "parse and print is byte-exact");
        assertEquals("", sd.attribute("ice-lite"));
        assertEquals("BUNDLE 0 1 2", sd.attribute("group"));
        assertEquals(3, sd.media().size());
        for (MediaDescription m : sd.media()) {
            assertEquals("actpass", m.attribute("setup"));
            assertEquals(LOCAL.iceUfrag(), m.attribute("ice-ufrag"));
            assertTrue(m.has("rtcp-mux"));
        }
        MediaDescription a = sd.media().get(0);
        assertEquals("sendonly", a.direction());
        assertEquals(List.of(SubscribeNegotiation.OPUS), RtpCodec.of(a));
        assertEquals(List.of("11111111 cname:alice", "11111111 msid:alice " + audio.trackId()), a.attributes("ssrc"));
        MediaDescription v = sd.media().get(1);
        assertEquals("sendonly", v.direction());
        assertEquals(List.of(SubscribeNegotiation.VP8, SubscribeNegotiation.VP8_RTX), RtpCodec.of(v));
        assertEquals("FID 22222222 33333333", v.attribute("ssrc-group"));
        assertEquals("alice " + video.trackId(), v.attribute("msid"));
        MediaDescription gone = sd.media().get(2);
        assertEquals("inactive", gone.direction());
        assertTrue(gone.attributes("ssrc").isEmpty());

        // and the mids of the offer are what readAnswer checks an answer against
        String browserAnswer = offer.replace("a=setup:actpass", "a=setup:active").replace("a=sendonly", "a=recvonly");
        RemoteTransportParams remote = SubscribeNegotiation.readAnswer(browserAnswer, tracks);
        assertEquals("active", remote.setup());
    }

    @Test
    void offerWithoutMidsIsRefused() throws Exception {
        String noMids = chromiumOffer().replaceAll("a=mid:\\d+\r\n", "");
        SdpException e = org.junit.jupiter.api.Assertions.assertThrows(SdpException.class,
                () -> PublishNegotiation.answer(noMids, LOCAL, 1, 1));
        assertTrue(e.getMessage().contains("a=mid"), e.getMessage());
    }
}

package org.javameet.sfu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

/**
 * Publish offers that are not Chromium's. {@code sdp/firefox-153-publish-offer.sdp} was captured from Debian's
 * Firefox ESR 153 (headless, fake devices, {@code bundlePolicy: 'max-bundle'}, one sendonly transceiver per
 * track) with {@code sdp/capture-firefox-offer.mjs} (puppeteer-core over WebDriver BiDi, in a loopback-only
 * network namespace with a dead-end default route). Under max-bundle Firefox offers every m-section after the
 * first with port 0 and {@code a=bundle-only} (RFC 8843): bundled, not rejected. Before this was understood,
 * the answer rejected Firefox's video and nobody ever saw its camera. {@code sdp/webrtcbin-1.22-publish-offer.sdp}
 * is GStreamer 1.22's webrtcbin publishing as {@code signaling/src/test/gstreamer/participant.py} does, captured
 * with {@code sdp/capture-webrtcbin-offer.py}: video first, audio bundle-only, "OPUS" in capitals, its own mids.
 */
class NonChromiumOfferTest {
    private static final LocalTransportParams LOCAL = new LocalTransportParams("sfuUfrag", "sfuPasswordOf24CharsAbcd",
            "sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            List.of(new InetSocketAddress("192.0.2.10", 3478)));

    static String firefoxOffer() throws IOException {
        try (InputStream in = NonChromiumOfferTest.class.getResourceAsStream("/sdp/firefox-153-publish-offer.sdp")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void firefoxsBundleOnlyVideoIsAcceptedAndBundled() throws Exception {
        PublishNegotiation.Result r = PublishNegotiation.answer(firefoxOffer(), LOCAL, 1, 1);

        assertEquals(List.of(), r.rejected());
        assertEquals("5083a528", r.remote().iceUfrag());
        assertTrue(r.remote().fingerprintHex().startsWith("83:D0:CF:7E"), "session-level a=fingerprint");
        assertEquals(2, r.tracks().size());
        PublishedTrack audio = r.tracks().get(0);
        assertEquals(109, audio.codec().payloadType(), "Firefox's Opus payload type");
        assertEquals(783532704L, audio.mediaSsrc());
        assertEquals(3, audio.midExtId());
        PublishedTrack video = r.tracks().get(1);
        assertEquals("1", video.mid());
        assertEquals(120, video.codec().payloadType(), "VP8 picked although VP9 and AV1 are offered too");
        assertEquals(124, video.rtx().payloadType());
        assertEquals(3212736605L, video.mediaSsrc()); // a=ssrc-group:FID 3212736605 4178717613
        assertEquals(4178717613L, video.rtxSsrc());
        assertEquals(4, video.absSendTimeExtId());

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        assertEquals("BUNDLE 0 1", answer.attribute("group"));
        for (MediaDescription m : answer.media()) {
            assertEquals(9, m.port(), "mid " + m.mid() + " accepted");
            assertEquals("recvonly", m.direction());
        }
        assertEquals(List.of("120", "124"), answer.media().get(1).formats());
    }

    @Test
    void webrtcbinsMaxBundleOfferIsAnsweredWhole() throws Exception {
        String offer;
        try (InputStream in = NonChromiumOfferTest.class.getResourceAsStream("/sdp/webrtcbin-1.22-publish-offer.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        PublishNegotiation.Result r = PublishNegotiation.answer(offer, LOCAL, 1, 1);

        assertEquals(List.of(), r.rejected());
        assertEquals("PqkDvmAOTXYe8Wg05095Zcqa1aUq4kZu", r.remote().iceUfrag());
        assertEquals(List.of("video0", "audio1"), r.tracks().stream().map(PublishedTrack::mid).toList());
        PublishedTrack video = r.tracks().get(0);
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(96, video.codec().payloadType());
        assertEquals(2987789615L, video.mediaSsrc());
        assertEquals(null, video.rtx(), "webrtcbin offers no RTX here");
        PublishedTrack audio = r.tracks().get(1);
        assertTrue(audio.codec().is("opus"), "OPUS in capitals is Opus");
        assertEquals(344141945L, audio.mediaSsrc());

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        assertEquals("BUNDLE video0 audio1", answer.attribute("group"));
        for (MediaDescription m : answer.media()) {
            assertEquals(9, m.port(), m.mid());
            // webrtcbin refuses an answer in which any m-section lacks a fingerprint
            assertEquals("sha-256 " + LOCAL.fingerprintHex(), m.attribute("fingerprint"));
        }
    }

    @Test
    void aBundleOnlySectionWithoutTransportLinesUsesTheTaggedOnes() throws Exception {
        // webrtcbin and JSEP (RFC 8829 §5.2.1) leave ICE and DTLS lines out of bundle-only sections; here the
        // first section is a data channel the SFU rejects, so the transport comes from the tagged one.
        String offer = firefoxOffer()
                .replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
                .replace("m=audio 9 UDP/TLS/RTP/SAVPF", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                        + "c=IN IP4 0.0.0.0\r\na=ice-ufrag:5083a528\r\na=ice-pwd:28c605f152a266344456c1bc1bb654c2\r\n"
                        + "a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\nm=audio 0 UDP/TLS/RTP/SAVPF")
                .replace("a=mid:1", "a=mid:2")
                .replaceFirst("a=mid:0\r\na=msid", "a=mid:1\r\na=bundle-only\r\na=msid")
                .replaceAll("a=ice-(ufrag|pwd):[0-9a-f]+\r\n(?=(?:(?!m=).)*a=mid:[12])", "");
        SessionDescription parsed = SessionDescription.parse(offer);
        assertEquals(3, parsed.media().size());
        assertEquals(null, parsed.media().get(1).attribute("ice-ufrag"), "the test strips the audio's own lines");

        PublishNegotiation.Result r = PublishNegotiation.answer(offer, LOCAL, 1, 1);

        assertEquals("5083a528", r.remote().iceUfrag());
        assertEquals(2, r.tracks().size());
        assertEquals(List.of(new PublishNegotiation.Rejection("0", "application",
                PublishNegotiation.RejectReason.UNSUPPORTED_MEDIA, "m=application is not carried (audio and video only)")),
                r.rejected());
        assertEquals("BUNDLE 1 2", SessionDescription.parse(r.answerSdp()).attribute("group"));
    }

    @Test
    void aRejectedSectionKeepsTheFingerprintSoStrictParsersAcceptTheAnswer() throws Exception {
        // An H.264-only camera: the video is refused with its reason, the audio still goes through.
        String offer = firefoxOffer()
                .replace("m=video 0 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 119",
                        "m=video 0 UDP/TLS/RTP/SAVPF 126 127")
                .replaceAll("a=(rtpmap|fmtp|rtcp-fb):(120|124|121|125|99|100|123|122|119) [^\r]*\r\n", "")
                .replace("a=ssrc-group:FID 3212736605 4178717613\r\n",
                        "a=rtpmap:126 H264/90000\r\na=fmtp:126 profile-level-id=42e01f;packetization-mode=1\r\n"
                                + "a=rtpmap:127 rtx/90000\r\na=fmtp:127 apt=126\r\n");
        PublishNegotiation.Result r = PublishNegotiation.answer(offer, LOCAL, 1, 1);

        assertEquals(1, r.tracks().size());
        assertEquals(1, r.rejected().size());
        PublishNegotiation.Rejection rejection = r.rejected().get(0);
        assertEquals("1", rejection.mid());
        assertEquals(PublishNegotiation.RejectReason.NO_SUPPORTED_CODEC, rejection.reason());
        assertEquals("offers H264; javameet forwards VP8", rejection.detail());

        SessionDescription answer = SessionDescription.parse(r.answerSdp());
        assertEquals("BUNDLE 0", answer.attribute("group"));
        assertEquals("sha-256 " + LOCAL.fingerprintHex(), answer.attribute("fingerprint"), "session level");
        MediaDescription video = answer.media().get(1);
        assertEquals(0, video.port());
        assertTrue(video.isRejected());
        assertEquals("inactive", video.direction());
        assertEquals("1", video.mid());
        assertEquals("sha-256 " + LOCAL.fingerprintHex(), video.attribute("fingerprint"));
        assertEquals("passive", video.attribute("setup"));
        assertEquals(LOCAL.iceUfrag(), video.attribute("ice-ufrag"));
        assertEquals(List.of(), video.attributes("candidate"));
    }
}

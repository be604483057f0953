package org.javameet.sfu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SFU's offers towards subscribers, and what it accepts as their answers. */
class SubscribeNegotiationTest {
    static final LocalTransportParams LOCAL = new LocalTransportParams("ufrag123", "pwd4567890123456789012",
            "sha-256", "AA:BB:CC:DD", List.of(new InetSocketAddress("127.0.0.1", 10000)));
    static final List<SubscribeNegotiation.Track> TRACKS = List.of(
            new SubscribeNegotiation.Track("0", MediaKind.AUDIO, true, 1111, 0, "pAlice", "pAlice-audio-0"),
            new SubscribeNegotiation.Track("1", MediaKind.VIDEO, true, 2222, 3333, "pAlice", "pAlice-video-1"),
            new SubscribeNegotiation.Track("2", MediaKind.VIDEO, false, 4444, 5555, "pBob", "pBob-video-1"));

    @Test
    void offerAnnouncesEachTrackWithItsConsumerSsrcs() throws SdpException {
        SessionDescription sd = SessionDescription.parse(SubscribeNegotiation.offer(LOCAL, 1, 2, TRACKS));
        assertEquals("BUNDLE 0 1 2", sd.attribute("group"));
        assertTrue(sd.attribute("ice-lite") != null);
        MediaDescription audio = sd.media().get(0);
        assertEquals("sendonly", audio.direction());
        assertEquals("actpass", audio.attribute("setup"));
        assertEquals("pAlice pAlice-audio-0", audio.attribute("msid"));
        assertTrue(audio.attributes("ssrc").contains("1111 cname:pAlice"));
        assertTrue(audio.attribute("candidate").contains("127.0.0.1 10000 typ host"));
        MediaDescription video = sd.media().get(1);
        assertEquals(List.of("96", "97"), video.formats());
        assertEquals("FID 2222 3333", video.attribute("ssrc-group"));
        MediaDescription gone = sd.media().get(2);
        assertEquals("inactive", gone.direction());
        assertTrue(gone.attributes("ssrc").isEmpty(), "an inactive m-line announces no SSRC");
    }

    @Test
    void offerAsksForTransportWideCongestionControlOnEverySection() throws SdpException {
        SessionDescription sd = SessionDescription.parse(SubscribeNegotiation.offer(LOCAL, 1, 2, TRACKS));
        String extmap = SubscribeNegotiation.TRANSPORT_CC_EXT_ID + " "
                + "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
        for (MediaDescription m : sd.media()) {
            assertTrue(m.attributes("extmap").contains(extmap), m.mid() + ": " + m.attributes("extmap"));
        }
        assertTrue(sd.media().get(0).attributes("rtcp-fb").contains("111 transport-cc"));
        assertTrue(sd.media().get(1).attributes("rtcp-fb").contains("96 transport-cc"));
        assertTrue(sd.media().get(1).attributes("rtcp-fb").contains("96 nack"), "what was there stays");
    }

    @Test
    void theAnswerSaysWhetherTransportCcRuns() throws SdpException {
        String plain = answer("active", "0", "1", "2");
        assertEquals(0, SubscribeNegotiation.transportCcExtensionId(plain));
        String twcc = plain.replace("a=recvonly\r\n", "a=recvonly\r\na=extmap:3 "
                + "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n");
        assertEquals(3, SubscribeNegotiation.transportCcExtensionId(twcc));
        // an id the SFU never offered is no agreement
        assertEquals(0, SubscribeNegotiation.transportCcExtensionId(twcc.replace("extmap:3 ", "extmap:9 ")));
    }

    static String answer(String setup, String... mids) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        for (String mid : mids) {
            sb.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(mid)
                    .append("\r\na=ice-ufrag:brow\r\na=ice-pwd:browserpasswordbrowserpw\r\n")
                    .append("a=fingerprint:sha-256 01:02:03\r\na=setup:").append(setup)
                    .append("\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n");
        }
        return sb.toString();
    }

    @Test
    void answerGivesTheBrowsersTransportParameters() throws SdpException {
        RemoteTransportParams r = SubscribeNegotiation.readAnswer(answer("active", "0", "1", "2"), TRACKS);
        assertEquals("brow", r.iceUfrag());
        assertEquals("sha-256", r.fingerprintAlgorithm());
        assertEquals("01:02:03", r.fingerprintHex());
    }

    @ParameterizedTest
    @CsvSource({
        "passive, '0,1,2', must have a=setup:active",
        "active,  '0,1',   answer has 2 m-sections, the offer had 3",
        "active,  '0,2,1', answer m-section 1 has mid 2, expected 1"})
    void badAnswersAreRefusedWithTheReason(String setup, String mids, String reason) {
        SdpException e = assertThrows(SdpException.class,
                () -> SubscribeNegotiation.readAnswer(answer(setup, mids.split(",")), TRACKS));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "'', empty SDP",
        "'x=1', SDP must start with v=0",
        "'v=0\nm=audio nine RTP 0', bad port in m= line",
        "'v=0\nbogus', is not <type>=<value>"})
    void malformedSdpIsRefusedWithTheLine(String sdp, String reason) {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void publishOfferWithoutFingerprintIsRefused() {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:u\r\na=ice-pwd:p\r\n"
                + "a=setup:actpass\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n";
        SdpException e = assertThrows(SdpException.class, () -> PublishNegotiation.answer(offer, LOCAL, 1, 1));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }
}

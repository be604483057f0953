package org.javameet.signaling.room;

/**
 * A publish offer shaped like Chromium's (unified plan, BUNDLE, rtcp-mux, Opus, VP8 + RTX): one microphone
 * track (mid 0), then one video per {@code videos} (mids 1, 2, …), each with its own SSRCs.
 */
final class ChromiumOffer {
    private ChromiumOffer() {
    }

    static String of(int videos) {
        StringBuilder mids = new StringBuilder("0");
        for (int i = 1; i <= videos; i++) {
            mids.append(' ').append(i);
        }
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE ").append(mids).append("\r\n")
                .append("a=extmap-allow-mixed\r\n")
                .append("a=msid-semantic: WMS stream\r\n")
                .append("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n");
        transport(sdp);
        sdp.append("a=mid:0\r\n")
                .append("a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n")
                .append("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n")
                .append("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n")
                .append("a=sendonly\r\n")
                .append("a=msid:stream mic\r\n")
                .append("a=rtcp-mux\r\n")
                .append("a=rtpmap:111 opus/48000/2\r\n")
                .append("a=rtcp-fb:111 transport-cc\r\n")
                .append("a=fmtp:111 minptime=10;useinbandfec=1\r\n")
                .append("a=rtpmap:63 red/48000/2\r\n")
                .append("a=fmtp:63 111/111\r\n")
                .append("a=rtpmap:9 G722/8000\r\n")
                .append("a=rtpmap:0 PCMU/8000\r\n")
                .append("a=rtpmap:8 PCMA/8000\r\n")
                .append("a=rtpmap:13 CN/8000\r\n")
                .append("a=rtpmap:110 telephone-event/48000\r\n")
                .append("a=rtpmap:126 telephone-event/8000\r\n")
                .append("a=ssrc:1001 cname:abcdefgh\r\n")
                .append("a=ssrc:1001 msid:stream mic\r\n");
        for (int i = 1; i <= videos; i++) {
            long ssrc = 2000 + 10L * i;
            sdp.append("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103\r\n");
            transport(sdp);
            sdp.append("a=mid:").append(i).append("\r\n")
                    .append("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n")
                    .append("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n")
                    .append("a=sendonly\r\n")
                    .append("a=msid:stream video").append(i).append("\r\n")
                    .append("a=rtcp-mux\r\n")
                    .append("a=rtcp-rsize\r\n")
                    .append("a=rtpmap:96 VP8/90000\r\n")
                    .append("a=rtcp-fb:96 goog-remb\r\n")
                    .append("a=rtcp-fb:96 transport-cc\r\n")
                    .append("a=rtcp-fb:96 ccm fir\r\n")
                    .append("a=rtcp-fb:96 nack\r\n")
                    .append("a=rtcp-fb:96 nack pli\r\n")
                    .append("a=rtpmap:97 rtx/90000\r\n")
                    .append("a=fmtp:97 apt=96\r\n")
                    .append("a=rtpmap:102 H264/90000\r\n")
                    .append("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n")
                    .append("a=rtpmap:103 rtx/90000\r\n")
                    .append("a=fmtp:103 apt=102\r\n")
                    .append("a=ssrc-group:FID ").append(ssrc).append(' ').append(ssrc + 1).append("\r\n")
                    .append("a=ssrc:").append(ssrc).append(" cname:abcdefgh\r\n")
                    .append("a=ssrc:").append(ssrc).append(" msid:stream video").append(i).append("\r\n")
                    .append("a=ssrc:").append(ssrc + 1).append(" cname:abcdefgh\r\n")
                    .append("a=ssrc:").append(ssrc + 1).append(" msid:stream video").append(i).append("\r\n");
        }
        return sdp.toString();
    }

    private static void transport(StringBuilder sdp) {
        sdp.append("c=IN IP4 0.0.0.0\r\n")
                .append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:Xk3q\r\n")
                .append("a=ice-pwd:9bJ1sQ0nW5c6m2yVt7zR4pLd\r\n")
                .append("a=ice-options:trickle\r\n")
                .append("a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3F:1C:8A:8E:2F:1E:3D:2B:5C:9D:0E:7A\r\n")
                .append("a=setup:actpass\r\n");
    }
}

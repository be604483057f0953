package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client's {@code mediaPath} report: what a browser's getStats can say is accepted, anything else is refused with
 * a named error; and how it combines with the server's own view of the path.
 */
class MediaPathReportTest {
    private static JsonNode json(String text) throws Exception {
        return Messages.JSON.readTree(text);
    }

    @Test
    void aRelayedUdpCandidateReachedOverTls() throws Exception {
        MediaPathReport r = MediaPathReport.parse(json("""
                {"type":"mediaPath","connection":"subscribe","candidateType":"relay","protocol":"udp",
                 "relayProtocol":"tls"}"""));
        assertEquals(new MediaPathReport("subscribe", "relay", "udp", "tls"), r);
        assertEquals(ConnectionKind.RELAY_TLS, ConnectionKind.of("udp", r));
    }

    @Test
    void aHostCandidateWithoutRelayProtocol() throws Exception {
        MediaPathReport r = MediaPathReport.parse(json("""
                {"type":"mediaPath","connection":"publish","candidateType":"host","protocol":"tcp"}"""));
        assertNull(r.relayProtocol());
        assertEquals(ConnectionKind.UDP, ConnectionKind.of("udp", r), "the server's UDP path wins over the claim");
        assertEquals(ConnectionKind.TCP, ConnectionKind.of("tcp", r));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown connection       | {"connection":"screen","candidateType":"host","protocol":"udp"}                      | bad-media-path
            unknown candidate type   | {"connection":"publish","candidateType":"turn","protocol":"udp"}                     | bad-media-path
            unknown protocol         | {"connection":"publish","candidateType":"host","protocol":"sctp"}                    | bad-media-path
            unknown relay protocol   | {"connection":"publish","candidateType":"relay","protocol":"udp","relayProtocol":"dtls"} | bad-media-path
            relay without protocol   | {"connection":"publish","candidateType":"relay","protocol":"udp"}                    | bad-media-path
            relayProtocol on a host  | {"connection":"publish","candidateType":"host","protocol":"udp","relayProtocol":"udp"} | bad-media-path
            missing candidate type   | {"connection":"publish","protocol":"udp"}                                            | bad-message
            protocol not a string    | {"connection":"publish","candidateType":"host","protocol":17}                        | bad-message
            over-long value          | {"connection":"publish","candidateType":"hosthosthosthosthost","protocol":"udp"}     | bad-message
            """)
    void refusedWithANamedError(String name, String body, String code) {
        SignalingException e = assertThrows(SignalingException.class, () -> MediaPathReport.parse(json(body)));
        assertEquals(code, e.code(), name + ": " + e.getMessage());
    }

    @Test
    void combiningWithTheServersView() {
        MediaPathReport relayUdp = new MediaPathReport("publish", "relay", "udp", "udp");
        MediaPathReport relayTcp = new MediaPathReport("publish", "relay", "udp", "tcp");
        assertNull(ConnectionKind.of(null, relayUdp), "no path selected yet: nothing to show");
        assertEquals(ConnectionKind.UDP, ConnectionKind.of("udp", null), "no report: direct");
        assertEquals(ConnectionKind.RELAY_UDP, ConnectionKind.of("udp", relayUdp));
        assertEquals(ConnectionKind.RELAY_TCP, ConnectionKind.of("udp", relayTcp));
        assertEquals(ConnectionKind.TCP, ConnectionKind.of("tcp", relayTcp), "a TURN server never reaches us by TCP");
    }
}

package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TurnConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private String secretFile(String content) throws IOException {
        Path f = dir.resolve("turn-secret");
        Files.writeString(f, content);
        return f.toString().replace("\\", "\\\\");
    }

    private ServerConfig parse(String turnJson) throws ConfigException {
        return ServerConfig.parse("{\"turn\": " + turnJson + "}", "test.json");
    }

    @Test
    void defaultIsNoTurn() {
        assertFalse(ServerConfig.defaults().turn().enabled());
        assertEquals(86_400, ServerConfig.defaults().turn().credentialTtlSeconds());
    }

    @Test
    void aTurnSectionLoadsAndRoundTrips() throws Exception {
        String file = secretFile(SECRET + "\n");
        ServerConfig c = parse("{\"urls\": [\"turn:turn.example.com:3478?transport=udp\", \"turn:[2001:db8::1]?transport=tcp\","
                + " \"turns:turn.example.com:443?transport=tcp\"], \"secretFile\": \"" + file + "\", \"credentialTtlSeconds\": 3600}");
        assertEquals(new TurnConfig(List.of("turn:turn.example.com:3478?transport=udp", "turn:[2001:db8::1]?transport=tcp",
                "turns:turn.example.com:443?transport=tcp"), file, 3600), c.turn());
        assertEquals(c, ServerConfig.parse(c.toJson(new ObjectMapper()).toString(), "round trip"));
    }

    /** The first line, trimmed: what nixpkgs' coturn module pastes into coturn's config from the same file. */
    @Test
    void theSecretIsTheFilesFirstLine() throws Exception {
        String file = secretFile("  " + SECRET + "  \nsecond line\n");
        assertEquals(SECRET, parse("{\"urls\": [\"turn:192.0.2.1\"], \"secretFile\": \"" + file + "\"}").turn().loadSecret("t"));
    }

    @Test
    void theSecretIsNeitherInTheConfigsTextNorInErrors() throws Exception {
        String file = secretFile("short,secret");
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("{\"urls\": [\"turn:192.0.2.1\"], \"secretFile\": \"" + file + "\"}"));
        assertEquals("config test.json: \"turn.secretFile\": the secret in " + file + " has 12 characters; it needs"
                + " at least 16 (make one with `openssl rand -hex 32`)", e.getMessage());
        String commaFile = secretFile(SECRET + ",x");
        e = assertThrows(ConfigException.class,
                () -> parse("{\"urls\": [\"turn:192.0.2.1\"], \"secretFile\": \"" + commaFile + "\"}"));
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertTrue(e.getMessage().contains("must be visible ASCII without spaces or , & \\ #"), e.getMessage());
        String good = secretFile(SECRET);
        ServerConfig c = parse("{\"urls\": [\"turn:192.0.2.1\"], \"secretFile\": \"" + good + "\"}");
        assertFalse(c.toString().contains(SECRET));
        assertFalse(c.toJson(new ObjectMapper()).toString().contains(SECRET));
    }

    @Test
    void aMissingSecretFileFailsTheStartNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("{\"urls\": [\"turn:192.0.2.1\"], \"secretFile\": \"/nonexistent/turn-secret\"}"));
        assertEquals("config test.json: \"turn.secretFile\": file /nonexistent/turn-secret not found", e.getMessage());
    }

    static Stream<Arguments> brokenTurnSections() {
        return Stream.of(
            Arguments.of("{\"urls\": [\"turn:192.0.2.1\"]}",
                    "config test.json: \"turn.urls\" needs \"turn.secretFile\": the file with coturn's static-auth-secret, to make each participant's credentials"),
            Arguments.of("{\"secretFile\": \"/x\"}",
                    "config test.json: \"turn.secretFile\" is set but \"turn.urls\" is empty: give the TURN server's URLs, e.g. [\"turn:turn.example.com:3478?transport=udp\"]"),
            Arguments.of("{\"urls\": \"turn:192.0.2.1\"}",
                    "config test.json: \"turn.urls\" must be an array of turn: or turns: URLs, got \"turn:192.0.2.1\""),
            Arguments.of("{\"urls\": [\"stun:192.0.2.1\"]}",
                    "config test.json: \"turn.urls[0]\" must be a TURN URL such as \"turn:turn.example.com:3478?transport=udp\" or \"turns:turn.example.com:5349?transport=tcp\" (the server needs no STUN server: it is ICE-lite), got \"stun:192.0.2.1\""),
            Arguments.of("{\"urls\": [\"turn://192.0.2.1\"]}",
                    "config test.json: \"turn.urls[0]\" must be a TURN URL such as \"turn:turn.example.com:3478?transport=udp\" or \"turns:turn.example.com:5349?transport=tcp\", got \"turn://192.0.2.1\""),
            Arguments.of("{\"urls\": [\"turn:192.0.2.1:70000\"]}",
                    "config test.json: \"turn.urls[0]\": port 70000 is out of range 1-65535"),
            Arguments.of("{\"urls\": [\"turns:192.0.2.1?transport=udp\"]}",
                    "config test.json: \"turn.urls[0]\": turns: with transport=udp is TURN over DTLS, which browsers do not speak; use transport=tcp (TLS)"),
            Arguments.of("{\"credentialTtlSeconds\": 10}",
                    "config test.json: \"turn.credentialTtlSeconds\" must be an integer 60-604800, got 10"),
            Arguments.of("{\"static-auth-secret-file\": \"/x\"}",
                    "config test.json: unknown key \"turn.static-auth-secret-file\" (did you mean \"turn.secretFile\"?)"));
    }

    @ParameterizedTest
    @MethodSource("brokenTurnSections")
    void brokenTurnSectionsAreNamed(String turnJson, String expected) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> parse(turnJson)).getMessage());
    }
}

package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.javameet.sfu.router.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final ServerConfig FULL = new ServerConfig(
            "127.0.0.1", 8443, 20000, 20001, 2, List.of("203.0.113.7", "2001:db8::7"), "10.0.0.5", LogLevel.DEBUG,
            new ClientConfig(false, true, true, true, true, true, true, "relay"),
            new InterfaceConfig("Acme Meet", false, "https://acme.example/logo.svg", "Meetings at Acme."),
            new AuthConfig(AuthConfig.Mode.TOKEN_CREATE, AuthConfig.Algorithm.HS256,
                    "0123456789abcdef0123456789abcdef", null, null, "javameet", "acme-portal", 28_800),
            new LimitsConfig(3, 16, 100, 10, 2, 30, 1, 3, 500, 20, 5, 45, 300, 30, 200, 4, 25, 10, 2), List.of("https://meet.acme.example", "http://[::1]:8080"),
            TurnConfig.defaults(), "/run/credentials/javameet.service/metrics-token",
            new RecordingConfig(true, "/var/lib/javameet/recordings", true, "/etc/javameet/finalize.sh", 2, 2048), 3, 4000);

    @Test
    void defaultsAreThoseOfTheDocs() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals("0.0.0.0", d.httpAddress());
        assertEquals(8080, d.httpPort());
        assertEquals(10000, d.mediaPort());
        assertEquals(List.of(), d.publicAddresses());
        assertNull(d.localAddress());
        assertEquals(LogLevel.INFO, d.logLevel());
        assertEquals(new ClientConfig(true, false, false, false, false, false, false, "all"), d.client());
        assertEquals(new InterfaceConfig("javameet", true, "", "Secure, self-hosted video meetings."), d.interfaceConfig());
        assertEquals(new LimitsConfig(8, 64, 300, 32, 8, 20, 2, 5, 10_000, 100, 10, 30, 2048, 256, 1000, 10, 100, 50, 5), d.limits());
        assertNull(d.mediaTcpPort());
        assertEquals(10000, d.effectiveMediaTcpPort(), "ICE-TCP on the UDP port's number");
        assertEquals(List.of(), d.allowedOrigins());
        assertEquals(new RecordingConfig(false, "recordings", false, null, 4, 1024), d.recording());
        assertEquals(-1, d.lastN(), "last-N off: everyone's video to everyone");
        assertEquals(Router.DEFAULT_MAX_INCOMING_BITRATE, d.maxPublisherBitrateKbps() * 1000L,
                "the REMB ceiling the media session has without the key");
    }

    @Test
    void emptyObjectGivesDefaults() throws ConfigException {
        assertEquals(ServerConfig.defaults(), ServerConfig.parse("{}", "test.json"));
        assertEquals(ServerConfig.defaults(), ServerConfig.parse("{\"client\": {}, \"interface\": {}}", "test.json"));
    }

    @Test
    void fullFileLoads() throws ConfigException, URISyntaxException {
        Path file = Path.of(getClass().getResource("/config/full.json").toURI());
        assertEquals(FULL, ServerConfig.load(file));
    }

    @Test
    void docsExampleLoads() throws ConfigException, IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        Matcher json = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(docs);
        List<String> blocks = new ArrayList<>();
        while (json.find()) {
            blocks.add(json.group(1));
        }
        assertEquals(false, blocks.isEmpty(), "docs/configuration.md has no ```json example");
        for (String block : blocks) {
            ServerConfig.parse(block, "docs/configuration.md");
        }
    }

    @Test
    void partialSectionsKeepTheOtherDefaults() throws ConfigException {
        ServerConfig c = ServerConfig.parse(
                "{\"client\": {\"enableLobby\": true}, \"interface\": {\"appName\": \"X\"}, \"logLevel\": \"WARN\"}", "t");
        assertEquals(ClientConfig.defaults().prejoinPageEnabled(), c.client().prejoinPageEnabled());
        assertEquals(true, c.client().enableLobby());
        assertEquals("X", c.interfaceConfig().appName());
        assertEquals(InterfaceConfig.defaults().welcomeText(), c.interfaceConfig().welcomeText());
        assertEquals(LogLevel.WARN, c.logLevel());
    }

    @Test
    void mediaTcpPortZeroTurnsIceTcpOffAndAnHttpPortOnTheMediaNumberIsThenFine() throws ConfigException {
        ServerConfig c = ServerConfig.parse("{\"httpPort\": 10000, \"mediaTcpPort\": 0}", "t");
        assertEquals(0, c.effectiveMediaTcpPort());
        assertEquals(4443, ServerConfig.parse("{\"mediaTcpPort\": 4443}", "t").effectiveMediaTcpPort());
    }

    @Test
    void nullLocalAddressMeansUnset() throws ConfigException {
        assertNull(ServerConfig.parse("{\"localAddress\": null}", "t").localAddress());
    }

    @Test
    void toJsonRoundTrips() throws ConfigException {
        for (ServerConfig c : List.of(ServerConfig.defaults(), FULL)) {
            assertEquals(c, ServerConfig.parse(c.toJson(MAPPER).toString(), "round trip"));
        }
    }

    @Test
    void sectionJsonHasExactlyTheCamelCaseKeys() {
        assertEquals(ClientConfig.KEYS, iterableToList(ClientConfig.defaults().toJson(MAPPER).fieldNames()));
        assertEquals(InterfaceConfig.KEYS, iterableToList(InterfaceConfig.defaults().toJson(MAPPER).fieldNames()));
        assertEquals("{\"appName\":\"Acme Meet\",\"showWatermark\":false,\"logoUrl\":\"https://acme.example/logo.svg\","
                + "\"welcomeText\":\"Meetings at Acme.\"}", FULL.interfaceConfig().toJson(MAPPER).toString());
        assertEquals("{\"prejoinPageEnabled\":true,\"disableModeratorIndicator\":false,\"startWithAudioMuted\":false,"
                + "\"startWithVideoMuted\":false,\"requireDisplayName\":false,\"enableLobby\":false,"
                + "\"disableSimulcast\":false,\"iceTransportPolicy\":\"all\"}",
                ClientConfig.defaults().toJson(MAPPER).toString());
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    // Each row: the JSON (single quotes stand for double quotes, \n for a line break) | the exact message.
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        {'httpPort': 8080, 'mediaPrt': 10000}          | config test.json: unknown key "mediaPrt" (did you mean "mediaPort"?)
        {'client': {'prejoinPageEnabeld': false}}      | config test.json: unknown key "client.prejoinPageEnabeld" (did you mean "client.prejoinPageEnabled"?)
        {'interface': {'SHOW_JITSI_WATERMARK': false}} | config test.json: unknown key "interface.SHOW_JITSI_WATERMARK" (did you mean "interface.showWatermark"?)
        {'interface': {'APP_NAME': 'x'}}               | config test.json: unknown key "interface.APP_NAME" (did you mean "interface.appName"?)
        {'config': {}}                                 | config test.json: unknown key "config" (did you mean "client"?)
        {'interfaceConfig': {}}                        | config test.json: unknown key "interfaceConfig" (did you mean "interface"?)
        {'publicAddress': '203.0.113.7'}               | config test.json: unknown key "publicAddress" (did you mean "publicAddresses"?)
        {'HTTP_PORT': 80}                              | config test.json: unknown key "HTTP_PORT" (did you mean "httpPort"?)
        {'frobnicate': 1}                              | config test.json: unknown key "frobnicate" (known keys: httpAddress, httpPort, mediaPort, mediaTcpPort, mediaLoops, publicAddresses, localAddress, logLevel, client, interface, auth, limits, allowedOrigins, turn, metricsBearerTokenFile, recording, lastN, maxPublisherBitrateKbps)
        {'client': {'frobnicate': 1}}                  | config test.json: unknown key "client.frobnicate" (known keys in "client": prejoinPageEnabled, disableModeratorIndicator, startWithAudioMuted, startWithVideoMuted, requireDisplayName, enableLobby, disableSimulcast, iceTransportPolicy)
        {'limits': {'maxTracks': 3}}                   | config test.json: unknown key "limits.maxTracks" (known keys in "limits": maxTracksPerParticipant, maxPublishSections, maxSubscribeSections, maxDtlsHandshakes, maxDtlsHandshakesPerAddress, maxMessagesPerSecond, maxChatMessagesPerSecond, maxPasswordAttempts, maxConnections, maxConnectionsPerAddress, requestTimeoutSeconds, resumeGraceSeconds, maxTcpMediaConnections, maxTcpMediaConnectionsPerAddress, maxRooms, maxRoomsPerAddress, maxOccupants, maxLobbyWaiters, maxLobbyWaitersPerAddress)
        {'limits': {'maxTracksPerParticipant': 0}}     | config test.json: "limits.maxTracksPerParticipant" must be an integer 1-1000, got 0
        {'metricsBearerTokenFile': ''}                 | config test.json: "metricsBearerTokenFile" must be a file path (or null), got ""
        {'auth': {'jwtMaxLifetimeSeconds': 0}}         | config test.json: "auth.jwtMaxLifetimeSeconds" must be an integer 1-2678400, got 0
        {'limits': {'maxOccupants': 0}}                | config test.json: "limits.maxOccupants" must be an integer 1-10000, got 0
        {'lastN': -2}                                  | config test.json: "lastN" must be an integer -1-1000, got -2
        {'lastN': '3'}                                 | config test.json: "lastN" must be an integer -1-1000, got "3"
        {'maxPublisherBitrateKbps': 299}               | config test.json: "maxPublisherBitrateKbps" must be an integer 300-100000, got 299
        {'maxPublisherBitrateKbps': 100001}            | config test.json: "maxPublisherBitrateKbps" must be an integer 300-100000, got 100001
        {'maxPublisherBitrateKbps': 2500000}           | config test.json: "maxPublisherBitrateKbps" must be an integer 300-100000, got 2500000
        {'maxPublisherBitrateKbps': '2500'}            | config test.json: "maxPublisherBitrateKbps" must be an integer 300-100000, got "2500"
        {'maxPublisherBitrateKbps': 2.5}               | config test.json: "maxPublisherBitrateKbps" must be an integer 300-100000, got 2.5
        {'maxPublisherBitarteKbps': 2500}              | config test.json: unknown key "maxPublisherBitarteKbps" (did you mean "maxPublisherBitrateKbps"?)
        {'limits': {'maxRoomsPerAddress': -1}}         | config test.json: "limits.maxRoomsPerAddress" must be an integer 1-1000000, got -1
        {'limits': {'maxTracksPerParticipant': 9, 'maxPublishSections': 8}} | config test.json: "limits.maxPublishSections" must be at least maxTracksPerParticipant (9), got 8
        {'allowedOrigins': ['https://meet.example.com/']} | config test.json: "allowedOrigins[0]" must be an origin: scheme://host[:port] without a path or a trailing slash, such as "https://meet.example.com", or "*", got "https://meet.example.com/"
        {'allowedOrigins': 'https://meet.example.com'} | config test.json: "allowedOrigins" must be an array of origins such as ["https://meet.example.com"], got "https://meet.example.com"
        {'mediaPort': 'abc'}                           | config test.json: "mediaPort" must be an integer 1-65535, got "abc"
        {'mediaPort': '10000'}                         | config test.json: "mediaPort" must be an integer 1-65535, got "10000"
        {'httpPort': 70000}                            | config test.json: "httpPort" must be an integer 1-65535, got 70000
        {'httpPort': 0}                                | config test.json: "httpPort" must be an integer 1-65535, got 0
        {'httpPort': -1}                               | config test.json: "httpPort" must be an integer 1-65535, got -1
        {'httpPort': 8080.5}                           | config test.json: "httpPort" must be an integer 1-65535, got 8080.5
        {'httpPort': 99999999999999999999}             | config test.json: "httpPort" must be an integer 1-65535, got 99999999999999999999
        {'mediaPort': null}                            | config test.json: "mediaPort" must be an integer 1-65535, got null
        {'mediaTcpPort': 65536}                        | config test.json: "mediaTcpPort" must be an integer 0-65535, got 65536
        {'httpPort': 10000}                            | config test.json: the ICE-TCP media port (mediaTcpPort, by default the mediaPort) and httpPort are both TCP port 10000; set mediaTcpPort to another port, or 0 to turn ICE-TCP off
        {'httpPort': 9000, 'mediaTcpPort': 9000}       | config test.json: the ICE-TCP media port (mediaTcpPort) and httpPort are both TCP port 9000; set mediaTcpPort to another port, or 0 to turn ICE-TCP off
        {'httpPort': 10001, 'mediaLoops': 2}           | config test.json: the ICE-TCP media ports 10000-10001 (one per media loop) (mediaTcpPort, by default the mediaPort) and httpPort are both TCP port 10001; set mediaTcpPort to another port, or 0 to turn ICE-TCP off
        {'mediaLoops': 0}                              | config test.json: "mediaLoops" must be an integer 1-64, got 0
        {'mediaLoops': 65}                             | config test.json: "mediaLoops" must be an integer 1-64, got 65
        {'mediaPort': 65535, 'mediaLoops': 2}          | config test.json: 2 media loops need 2 ports from mediaPort (and from the ICE-TCP port), past 65535
        {'client': true}                               | config test.json: "client" must be an object, got true
        {'client': {'enableLobby': 'yes'}}             | config test.json: "client.enableLobby" must be true or false, got "yes"
        {'client': {'iceTransportPolicy': 'none'}}     | config test.json: "client.iceTransportPolicy" must be one of "all", "relay", got "none"
        {'interface': {'showWatermark': 1}}            | config test.json: "interface.showWatermark" must be true or false, got 1
        {'interface': {'appName': 5}}                  | config test.json: "interface.appName" must be a string, got 5
        {'interface': {'logoUrl': null}}               | config test.json: "interface.logoUrl" must be a string, got null
        {'httpAddress': 'localhost'}                   | config test.json: "httpAddress" must be an IP address literal such as "0.0.0.0" or "::" (host names are not resolved), got "localhost"
        {'localAddress': '10.0.0.256'}                 | config test.json: "localAddress" must be an IP address literal such as "0.0.0.0" or "::" (host names are not resolved), got "10.0.0.256"
        {'publicAddresses': ['203.0.113.7', 'meet.example.com']} | config test.json: "publicAddresses[1]" must be an IP address literal such as "0.0.0.0" or "::" (host names are not resolved), got "meet.example.com"
        {'publicAddresses': '203.0.113.7'}             | config test.json: "publicAddresses" must be an array of IP address literals, got "203.0.113.7"
        {'logLevel': 'verbose'}                        | config test.json: "logLevel" must be one of "error", "warn", "info", "debug", "trace", got "verbose"
        {'httpPort': 1, 'httpPort': 2}                 | config test.json: duplicate key "httpPort" at line 1, column 27
        {'client': {'enableLobby': true,\\n 'enableLobby': false}} | config test.json: duplicate key "client.enableLobby" at line 2, column 15
        {'publicAddresses': [{'a': 1, 'a': 2}]}        | config test.json: duplicate key "publicAddresses[0].a" at line 1, column 34
        {\\n  'httpPort': 8080,\\n  'mediaPort': 10000,\\n} | config test.json: invalid JSON at line 4, column 1: Unexpected character ('}' (code 125)): was expecting double-quote to start field name
        {'httpPort': 8080                              | config test.json: invalid JSON at line 1, column 18: Unexpected end-of-input: expected close marker for Object
        {'httpPort': 8080} {}                          | config test.json: invalid JSON at line 1, column 20: more content after the top-level object
        ` `                                            | config test.json: the file is empty; write {} to use every default
        []                                             | config test.json: the top level must be a JSON object, got []
        null                                           | config test.json: the top level must be a JSON object, got null
        """)
    void rejectsWithAMessageNamingTheKey(String json, String message) {
        String realJson = json.replace('\'', '"').replace("\\n", "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(realJson, "test.json"));
        assertEquals(message, e.getMessage());
        assertEquals("test.json", e.sourceName());
    }

    @Test
    void longValuesAreCutInMessages() {
        String json = "{\"interface\": {\"appName\": [\"" + "x".repeat(100) + "\"]}}";
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(json, "t"));
        assertEquals("config t: \"interface.appName\" must be a string, got [\"" + "x".repeat(58) + "…", e.getMessage());
        assertEquals("interface.appName", e.keyPath());
    }

    @Test
    void metricsBearerTokenIsReadAtStartAndNeverShown(@TempDir Path dir) throws Exception {
        assertNull(ServerConfig.defaults().readMetricsBearerToken("test"));
        Path file = dir.resolve("metrics-token");
        Files.writeString(file, "  0123456789abcdef-token\n");
        assertEquals("0123456789abcdef-token",
                ServerConfig.defaults().toBuilder().metricsBearerTokenFile(file.toString()).build().readMetricsBearerToken("test"));
        Files.writeString(file, "short");
        ConfigException weak = assertThrows(ConfigException.class,
                () -> ServerConfig.defaults().toBuilder().metricsBearerTokenFile(file.toString()).build().readMetricsBearerToken("test"));
        assertEquals("config test: \"metricsBearerTokenFile\": the token must be at least 16 printable ASCII characters "
                + "without spaces", weak.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> ServerConfig.defaults().toBuilder()
                .metricsBearerTokenFile(dir.resolve("nope").toString()).build().readMetricsBearerToken("test"));
        assertEquals("config test: \"metricsBearerTokenFile\": file " + dir.resolve("nope") + " not found",
                missing.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("nope.json");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals("config " + file + ": file not found", e.getMessage());
    }

    @Test
    void directoryIsNamed(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(dir));
        assertEquals("config " + dir + ": is a directory, not a file", e.getMessage());
    }

    @Test
    void unreadableFileIsNamed(@TempDir Path dir) throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path file = Files.writeString(dir.resolve("secret.json"), "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals("config " + file + ": cannot read file (permission denied)", e.getMessage());
    }

    @Test
    void invalidUtf8IsNamed(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("latin1.json"), new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals("config " + file + ": file is not valid UTF-8", e.getMessage());
    }

    @Test
    void errorsInAFileNameTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("javameet.json"), "{\"client\": {\"prejoinPageEnabeld\": false}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals("config " + file + ": unknown key \"client.prejoinPageEnabeld\" (did you mean \"client.prejoinPageEnabled\"?)",
                e.getMessage());
        assertEquals("client.prejoinPageEnabeld", e.keyPath());
    }

    @Test
    void withersChangeOneThing() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals(9090, d.toBuilder().httpPort(9090).build().httpPort());
        assertEquals(d.mediaPort(), d.toBuilder().httpPort(9090).build().mediaPort());
        assertEquals(20000, d.toBuilder().mediaPort(20000).build().mediaPort());
        assertEquals("::1", d.toBuilder().httpAddress("::1").build().httpAddress());
        assertEquals(List.of("198.51.100.1"), d.toBuilder().publicAddresses(List.of("198.51.100.1")).build().publicAddresses());
        assertEquals("10.1.2.3", d.toBuilder().localAddress("10.1.2.3").build().localAddress());
        assertNull(d.toBuilder().localAddress("10.1.2.3").localAddress(null).build().localAddress());
        assertEquals(LogLevel.TRACE, d.toBuilder().logLevel(LogLevel.TRACE).build().logLevel());
        assertEquals(FULL.client(), d.toBuilder().client(FULL.client()).build().client());
        assertEquals(FULL.interfaceConfig(), d.toBuilder().interfaceConfig(FULL.interfaceConfig()).build().interfaceConfig());
        assertEquals(ServerConfig.defaults(), d, "withers must not change the original");
        assertNotSame(d, d.toBuilder().httpPort(8080).build());
    }

    @Test
    void withersRejectWhatTheFileWouldReject() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals("httpPort must be 1-65535, got 0",
                assertThrows(IllegalArgumentException.class, () -> d.toBuilder().httpPort(0).build()).getMessage());
        assertEquals("mediaPort must be 1-65535, got 65536",
                assertThrows(IllegalArgumentException.class, () -> d.toBuilder().mediaPort(65536).build()).getMessage());
        assertEquals("publicAddresses must be an IP address literal, got meet.example.com",
                assertThrows(IllegalArgumentException.class,
                        () -> d.toBuilder().publicAddresses(List.of("meet.example.com")).build()).getMessage());
        assertThrows(NullPointerException.class, () -> d.toBuilder().logLevel(null).build());
    }

    @Test
    void publicAddressesAreCopied() {
        List<String> mutable = new ArrayList<>(List.of("203.0.113.7"));
        ServerConfig c = ServerConfig.defaults().toBuilder().publicAddresses(mutable).build();
        mutable.add("203.0.113.8");
        assertEquals(List.of("203.0.113.7"), c.publicAddresses());
        assertThrows(UnsupportedOperationException.class, () -> c.publicAddresses().add("x"));
    }
}

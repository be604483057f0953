package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NixOS module's config file, checked against the real loader without nixpkgs: nixos-module/settings.nix
 * (builtins only) is evaluated by {@code nix-instantiate} for several option sets, and its JSON must load with
 * {@link ServerConfig#parse} to the expected values, or fail naming the key. Also parses every .nix file.
 *
 * <p>Needs {@code nix-instantiate} (Debian's nix-bin). Without it the test fails, unless
 * {@code -Djavameet.skipNix=true}.
 */
class NixSettingsTest {
    private static final Path REPO = NixInstantiate.REPO;
    private static final Path NIXOS_MODULE = NixInstantiate.NIXOS_MODULE;
    private static final Path SETTINGS_NIX = NIXOS_MODULE.resolve("settings.nix");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What module.nix passes to settings.nix when only enable and hostName are set (nginx on). */
    private static final String MODULE_DEFAULTS = """
            httpAddress = "127.0.0.1"; httpPort = 8080; mediaPort = 10000;
            publicAddress = null; localAddress = null; logLevel = "info";
            auth = { mode = "none"; jwtAlgorithm = "HS256"; jwtIssuer = null; jwtAudience = null;
                     jwtSecretFile = null; jwtPublicKeyFile = null; };
            config = { }; interfaceConfig = { }; limits = { }; settings = { };""";

    private static NixInstantiate nix;

    @BeforeAll
    static void findNix() throws IOException {
        nix = NixInstantiate.find();
    }

    /**
     * services.javameet.limits is typed from limit-options.nix: its names, defaults and ranges must be the server's
     * (LimitsConfig), so a value the module accepts is one the server accepts and the reverse.
     */
    @Test
    void limitOptionsAreTheServersLimits() throws Exception {
        NixInstantiate.Result r = nix.evalJson("import " + NIXOS_MODULE.resolve("limit-options.nix"));
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode options = MAPPER.readTree(r.stdout());
        List<String> names = new ArrayList<>();
        options.fieldNames().forEachRemaining(names::add);
        assertEquals(new java.util.TreeSet<>(LimitsConfig.KEYS), new java.util.TreeSet<>(names));
        JsonNode defaults = LimitsConfig.defaults().toJson(MAPPER);
        for (String name : names) {
            JsonNode o = options.get(name);
            assertEquals(defaults.get(name).asLong(), o.get("default").asLong(), name + " default");
            assertTrue(o.get("description").asText().length() > 20, name + " needs a description");
            long min = o.get("min").asLong();
            long max = o.get("max").asLong();
            // maxPublishSections must also be at least maxTracksPerParticipant: keep the two apart
            String other = name.equals("maxPublishSections") ? "\"maxTracksPerParticipant\": 1, "
                    : name.equals("maxTracksPerParticipant") ? "\"maxPublishSections\": 1000, " : "";
            for (long v : new long[] {min, max}) {
                ServerConfig.parse("{\"limits\": {" + other + "\"" + name + "\": " + v + "}}", "limits");
            }
            for (long v : new long[] {min - 1, max + 1}) {
                assertThrows(ConfigException.class, () -> ServerConfig.parse("{\"limits\": {" + other + "\"" + name
                        + "\": " + v + "}}", "limits"), name + " = " + v + " must be refused, as the module does");
            }
        }
    }

    @Test
    void limitsSetInTheModuleReachTheServer() throws Exception {
        JsonNode json = evalSettings("limits = { maxOccupants = 25; maxRoomsPerAddress = 3; };");
        LimitsConfig limits = parse(json, "limits").limits();
        assertEquals(25, limits.maxOccupants());
        assertEquals(3, limits.maxRoomsPerAddress());
        assertEquals(LimitsConfig.defaults().maxRooms(), limits.maxRooms());
        assertEquals(LimitsConfig.KEYS.size(), json.get("limits").size(), "every limit written out: " + json);
    }

    @Test
    void moduleDefaultsGiveTheServerDefaultsOnLoopback() throws Exception {
        JsonNode json = evalSettings("");
        assertEquals(ServerConfig.defaults().toBuilder().httpAddress("127.0.0.1").build(), parse(json, "defaults"));
        // settings.nix writes every client and interface key out, so the file shows what browsers get.
        assertEquals(ClientConfig.KEYS, sortedLike(json.get("client"), ClientConfig.KEYS));
        assertEquals(InterfaceConfig.KEYS, sortedLike(json.get("interface"), InterfaceConfig.KEYS));
        assertFalse(json.has("publicAddresses"), "publicAddress = null must leave the key out: " + json);
        assertFalse(json.has("localAddress"), "localAddress = null must leave the key out: " + json);
    }

    @Test
    void everyOptionSet() throws Exception {
        JsonNode json = evalSettings("""
                httpAddress = "::1"; httpPort = 8443; mediaPort = 20000; mediaTcpPort = 0; mediaLoops = 2;
                publicAddress = "203.0.113.7"; localAddress = "10.0.0.5"; logLevel = "debug";
                config = {
                  prejoinPageEnabled = false; disableModeratorIndicator = true; startWithAudioMuted = true;
                  startWithVideoMuted = true; requireDisplayName = true; enableLobby = true; disableSimulcast = true;
                };
                interfaceConfig = {
                  appName = "Acme Meet"; showWatermark = false; logoUrl = "https://acme.example/logo.svg";
                  welcomeText = "Meetings at Acme.";
                };""");
        ServerConfig expected = new ServerConfig(
                "::1", 8443, 20000, 0, 2, List.of("203.0.113.7"), "10.0.0.5", LogLevel.DEBUG,
                new ClientConfig(false, true, true, true, true, true, true, "all"),
                new InterfaceConfig("Acme Meet", false, "https://acme.example/logo.svg", "Meetings at Acme."),
                AuthConfig.defaults(), LimitsConfig.defaults(), List.of(), TurnConfig.defaults(), null,
                RecordingConfig.defaults(), -1, ServerConfig.DEFAULT_MAX_PUBLISHER_BITRATE_KBPS);
        assertEquals(expected, parse(json, "full"));
    }

    @Test
    void recordingOptionsBecomeTheRecordingSection() throws Exception {
        // What module.nix passes with services.javameet.recording.enable = true and a finalize script.
        JsonNode json = evalSettings("""
                recording = { enabled = true; directory = "/var/lib/javameet/recordings"; compose = true;
                              maxConcurrent = 2; minFreeDiskMb = 512;
                              finalizeScript = "/nix/store/00000000000000000000000000000000-upload-recording"; };""");
        assertEquals(new RecordingConfig(true, "/var/lib/javameet/recordings", true,
                "/nix/store/00000000000000000000000000000000-upload-recording", 2, 512), parse(json, "recording").recording());
        JsonNode noScript = evalSettings("""
                recording = { enabled = true; directory = "/var/lib/rec"; compose = false; maxConcurrent = 4;
                              minFreeDiskMb = 1024; finalizeScript = null; };""");
        assertFalse(noScript.get("recording").has("finalizeScript"), "null options must leave their key out: " + noScript);
        assertFalse(evalSettings("").has("recording"), "recording off: the server's default, no key");
    }

    @Test
    void authOptionsBecomeTheAuthSectionWithTheKeyAsACredential() throws Exception {
        // What module.nix passes for auth.mode = "token-create" with an HS256 secret file, appId and audience:
        // the key's path is the service's credential, never the admin's file.
        JsonNode json = evalSettings("""
                auth = { mode = "token-create"; jwtAlgorithm = "HS256"; jwtIssuer = "portal"; jwtAudience = "javameet";
                         jwtSecretFile = "/run/credentials/javameet.service/jwt-secret"; jwtPublicKeyFile = null; };""");
        assertEquals("/run/credentials/javameet.service/jwt-secret", json.get("auth").get("jwtSecretFile").asText());
        // The real loader reads the key when the mode needs one: stand a file in for the credential.
        Path secret = Files.createTempFile(Path.of("target"), "jwt-secret", "");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef");
        ((ObjectNode) json.get("auth")).put("jwtSecretFile", secret.toString());
        assertEquals(new AuthConfig(AuthConfig.Mode.TOKEN_CREATE, AuthConfig.Algorithm.HS256, null,
                        secret.toString(), null, "javameet", "portal", AuthConfig.DEFAULT_MAX_LIFETIME_SECONDS),
                parse(json, "auth").auth());
        assertFalse(json.get("auth").has("jwtPublicKeyFile"), "null options must leave their key out: " + json);
    }

    /**
     * services.javameet.metrics.bearerTokenFile: module.nix loads the admin's file as the credential
     * metrics-bearer-token and names only that copy in the config file; the server reads the token from it.
     */
    @Test
    void theMetricsTokenIsReadFromTheServicesCredential() throws Exception {
        JsonNode json = evalSettings(
                "metricsBearerTokenFile = \"/run/credentials/javameet.service/metrics-bearer-token\";");
        assertEquals("/run/credentials/javameet.service/metrics-bearer-token",
                json.get("metricsBearerTokenFile").asText());
        Path token = Files.createTempFile(Path.of("target"), "metrics-bearer-token", "");
        Files.writeString(token, "0123456789abcdef0123456789abcdef\n");
        ((ObjectNode) json).put("metricsBearerTokenFile", token.toString()); // a file stands in for the credential
        assertEquals("0123456789abcdef0123456789abcdef",
                parse(json, "metrics token").readMetricsBearerToken("settings.nix (metrics token)"));
        assertFalse(evalSettings("").has("metricsBearerTokenFile"), "no token: the key is left out");
    }

    @Test
    void lastNReachesTheServer() throws Exception {
        assertEquals(3, parse(evalSettings("lastN = 3;"), "lastN").lastN());
        assertEquals(-1, parse(evalSettings(""), "default").lastN(), "off unless set");
    }

    @Test
    void thePublisherBitrateCeilingReachesTheServer() throws Exception {
        assertEquals(1500, parse(evalSettings("maxPublisherBitrateKbps = 1500;"), "ceiling").maxPublisherBitrateKbps());
        assertEquals(ServerConfig.DEFAULT_MAX_PUBLISHER_BITRATE_KBPS,
                parse(evalSettings(""), "default").maxPublisherBitrateKbps(), "the server's default unless set");
    }

    /**
     * module.nix types the option {@code types.ints.between 300 100000}: the server's own bounds, so a value the
     * module lets through is never one the server refuses at start, and the reverse.
     */
    @Test
    void theModulesCeilingBoundsAreTheServers() throws Exception {
        String module = Files.readString(NIXOS_MODULE.resolve("module.nix"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "maxPublisherBitrateKbps = mkOption \\{\\s*type = types\\.ints\\.between (\\d+) (\\d+);\\s*default = (\\d+);")
                .matcher(module);
        assertTrue(m.find(), "module.nix declares maxPublisherBitrateKbps as types.ints.between MIN MAX with a default");
        assertEquals(ServerConfig.MIN_PUBLISHER_BITRATE_KBPS, Integer.parseInt(m.group(1)));
        assertEquals(ServerConfig.MAX_PUBLISHER_BITRATE_KBPS, Integer.parseInt(m.group(2)));
        assertEquals(ServerConfig.DEFAULT_MAX_PUBLISHER_BITRATE_KBPS, Integer.parseInt(m.group(3)));
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(evalSettings("settings = { maxPublisherBitrateKbps = 50; };"), "freeform"));
        assertEquals("config settings.nix (freeform): \"maxPublisherBitrateKbps\" must be an integer 300-100000, got 50",
                e.getMessage());
    }

    @Test
    void jitsiInterfaceConfigNamesAreTranslated() throws Exception {
        JsonNode json = evalSettings("""
                interfaceConfig = {
                  APP_NAME = "Acme Meet"; SHOW_JITSI_WATERMARK = false;
                  DEFAULT_LOGO_URL = "https://acme.example/logo.svg"; welcomeText = "Hi";
                };""");
        assertEquals(new InterfaceConfig("Acme Meet", false, "https://acme.example/logo.svg", "Hi"),
                parse(json, "jitsi names").interfaceConfig());
    }

    @Test
    void freeformSettingsMergeLastAndRecursively() throws Exception {
        JsonNode json = evalSettings("""
                config = { enableLobby = true; startWithAudioMuted = true; };
                interfaceConfig = { APP_NAME = "From interfaceConfig"; };
                settings = {
                  httpPort = 9999;
                  publicAddresses = [ "198.51.100.1" "2001:db8::1" ];
                  client = { requireDisplayName = true; startWithAudioMuted = false; };
                  interface.appName = "From settings";
                };""");
        ServerConfig c = parse(json, "freeform");
        assertEquals(9999, c.httpPort());
        assertEquals(List.of("198.51.100.1", "2001:db8::1"), c.publicAddresses());
        assertEquals(new ClientConfig(true, false, false, false, true, true, false, "all"), c.client());
        assertEquals("From settings", c.interfaceConfig().appName());
        assertEquals(InterfaceConfig.defaults().welcomeText(), c.interfaceConfig().welcomeText());
    }

    static Stream<List<String>> rejectedOptionSets() {
        return Stream.of(
                List.of("config = { prejoinPageEnabeld = false; };",
                        "unknown key \"client.prejoinPageEnabeld\" (did you mean \"client.prejoinPageEnabled\"?)"),
                List.of("interfaceConfig = { SHOW_BRAND_WATERMARK = true; };",
                        "unknown key \"interface.SHOW_BRAND_WATERMARK\" (known keys in \"interface\": appName,"
                                + " showWatermark, logoUrl, welcomeText)"),
                List.of("settings = { mediaPrt = 10001; };",
                        "unknown key \"mediaPrt\" (did you mean \"mediaPort\"?)"),
                List.of("config = { enableLobby = \"yes\"; };",
                        "\"client.enableLobby\" must be true or false, got \"yes\""),
                List.of("publicAddress = \"meet.example.com\";",
                        "\"publicAddresses[0]\" must be an IP address literal such as \"0.0.0.0\" or \"::\""
                                + " (host names are not resolved), got \"meet.example.com\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedOptionSets")
    void theServerRefusesWhatItDoesNotKnow(List<String> optionSetAndMessage) throws Exception {
        JsonNode json = evalSettings(optionSetAndMessage.get(0));
        ConfigException e = assertThrows(ConfigException.class, () -> parse(json, "bad"));
        assertEquals("config settings.nix (bad): " + optionSetAndMessage.get(1), e.getMessage());
    }

    @Test
    void jitsiAndOwnNameForOneKeyIsAnEvaluationError() throws Exception {
        NixInstantiate.Result r = nix.evalJson(settingsCall("interfaceConfig = { APP_NAME = \"a\"; appName = \"b\"; };"));
        assertTrue(r.exitCode() != 0, "expected nix-instantiate to fail, got " + r.stdout());
        assertTrue(r.stderr().contains("services.javameet.interfaceConfig sets both APP_NAME and appName; keep one of them"),
                r.stderr());
    }

    static List<Path> nixFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(NIXOS_MODULE)) {
            walk.filter(p -> p.toString().endsWith(".nix")).sorted().forEach(files::add);
        }
        files.add(REPO.resolve("flake.nix"));
        return files;
    }

    @Test
    void theModuleFilesAreAllThere() throws IOException {
        List<String> names = nixFiles().stream().map(p -> REPO.relativize(p).toString()).toList();
        assertTrue(names.containsAll(List.of("flake.nix", "nixos-module/module.nix", "nixos-module/package.nix",
                "nixos-module/settings.nix", "nixos-module/client-options.nix", "nixos-module/limit-options.nix",
                "nixos-module/service.nix",
                "nixos-module/test.nix")), names.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nixFiles")
    void everyNixFileParses(Path file) throws Exception {
        NixInstantiate.Result r = nix.run("--parse", file.toString());
        assertEquals(0, r.exitCode(), file + " does not parse:\n" + r.stderr());
    }

    private static ServerConfig parse(JsonNode json, String caseName) throws ConfigException {
        return ServerConfig.parse(json.toString(), "settings.nix (" + caseName + ")");
    }

    /** settings.nix applied to the module's defaults with {@code overrides} (Nix attribute bindings) on top. */
    private static String settingsCall(String overrides) {
        return "import " + SETTINGS_NIX + " ({ " + MODULE_DEFAULTS + " } // { " + overrides + " })";
    }

    private static JsonNode evalSettings(String overrides) throws Exception {
        NixInstantiate.Result r = nix.evalJson(settingsCall(overrides));
        assertEquals(0, r.exitCode(), "nix-instantiate failed for { " + overrides + " }:\n" + r.stderr());
        return MAPPER.readTree(r.stdout());
    }

    private static List<String> sortedLike(JsonNode object, List<String> order) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        names.sort((a, b) -> Integer.compare(index(order, a), index(order, b)));
        return names;
    }

    private static int index(List<String> order, String name) {
        int i = order.indexOf(name);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}

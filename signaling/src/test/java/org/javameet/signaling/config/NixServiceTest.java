package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NixOS module's systemd unit, scored as systemd scores it: nixos-module/service.nix (builtins only, the
 * [Service] settings module.nix uses) is evaluated, rendered to a unit file the way NixOS renders one (a list
 * becomes one line per element, booleans true/false) and given to {@code systemd-analyze security --offline=yes}.
 * The exposure must stay at or below {@link #MAX_EXPOSURE}: loosening the sandbox fails CI.
 *
 * <p>Needs nix-instantiate (nix-bin) and systemd-analyze (Debian's systemd package; no running systemd).
 */
class NixServiceTest {
    /** Reached with @privileged and @resources filtered out, PrivateUsers and PrivateMounts; was 1.7 without them. */
    static final double MAX_EXPOSURE = 1.1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern OVERALL = Pattern.compile("Overall exposure level for javameet\\.service: (\\d+\\.\\d)");

    private static NixInstantiate nix;
    private static String systemdAnalyze;

    @BeforeAll
    static void findTools() throws IOException {
        nix = NixInstantiate.find();
        systemdAnalyze = NixInstantiate.onPath("systemd-analyze");
        if (systemdAnalyze == null) {
            Assumptions.assumeFalse(Boolean.getBoolean("javameet.skipNix"), "skipped: -Djavameet.skipNix=true");
            fail("systemd-analyze is not on PATH: install Debian's systemd package, as CI does,"
                    + " or skip these tests with -Djavameet.skipNix=true");
        }
    }

    @Test
    void theUnitScoresNoWorseThanTheLevelReached() throws Exception {
        Path unit = renderUnit(Map.of("jwt-secret", "/run/secrets/javameet-jwt"));
        ProcessResult r = run(systemdAnalyze, "security", "--offline=yes", "--no-pager", unit.toString());
        Matcher m = OVERALL.matcher(r.stdout);
        assertTrue(m.find(), "no overall exposure in systemd-analyze's output (exit " + r.exitCode + "):\n"
                + r.stdout + r.stderr);
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= MAX_EXPOSURE, "the javameet unit's exposure rose to " + exposure + " (at most "
                + MAX_EXPOSURE + "); what systemd-analyze says:\n" + r.stdout);
    }

    @Test
    void credentialsAreLoadedNotNamedInTheUnit() throws Exception {
        JsonNode service = evalService(Map.of("jwt-secret", "/run/secrets/javameet-jwt"));
        assertEquals("[\"jwt-secret:/run/secrets/javameet-jwt\"]", service.get("LoadCredential").toString());
        assertEquals(0, evalService(Map.of()).get("LoadCredential").size());
    }

    /**
     * Every secret option (JWT key, TURN secret, metrics token) is asserted through secret-path.nix: an absolute
     * path outside the world-readable Nix store, or the module refuses to evaluate.
     */
    @Test
    void secretFilesMustLieOutsideTheNixStore() throws Exception {
        NixInstantiate.Result r = nix.evalJson("map (import " + NixInstantiate.NIXOS_MODULE.resolve("secret-path.nix")
                + ") [ \"/run/secrets/javameet-metrics-token\" \"/var/lib/secrets/token\" (builtins.storeDir + \"/0000-token\")"
                + " \"secrets/token\" \"\" (builtins.storeDir + \"-elsewhere/token\") ]");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("[true,true,false,false,false,true]", r.stdout().strip());
        JsonNode service = evalService(Map.of("metrics-bearer-token", "/run/secrets/javameet-metrics-token"));
        assertEquals("[\"metrics-bearer-token:/run/secrets/javameet-metrics-token\"]",
                service.get("LoadCredential").toString());
    }

    @Test
    void recordingGetsItsStateDirectoryAndNothingElseWritable() throws Exception {
        NixInstantiate.Result r = nix.evalJson("import " + NixInstantiate.NIXOS_MODULE.resolve("service.nix")
                + " { execStart = \"/bin/javameet\"; credentials = { }; stateDirectories = [ \"javameet\""
                + " \"javameet/recordings\" ]; readWritePaths = [ \"/var/lib/javameet/recordings\" ]; }");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode service = MAPPER.readTree(r.stdout());
        assertEquals("[\"javameet\",\"javameet/recordings\"]", service.get("StateDirectory").toString());
        assertEquals("[\"/var/lib/javameet/recordings\"]", service.get("ReadWritePaths").toString());
        assertEquals("strict", service.get("ProtectSystem").asText());
        JsonNode plain = evalService(Map.of());
        assertEquals("[\"javameet\"]", plain.get("StateDirectory").toString());
        assertEquals(0, plain.get("ReadWritePaths").size());
    }

    /** classDataSharing (on by default) adds a cache directory for the archive, nothing else; off, none. */
    @Test
    void classDataSharingGetsACacheDirectory() throws Exception {
        NixInstantiate.Result r = nix.evalJson("import " + NixInstantiate.NIXOS_MODULE.resolve("service.nix")
                + " { execStart = \"/bin/sh class-data-sharing.sh /bin/javameet\"; credentials = { };"
                + " cacheDirectories = [ \"javameet\" ]; }");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode service = MAPPER.readTree(r.stdout());
        assertEquals("[\"javameet\"]", service.get("CacheDirectory").toString());
        assertEquals("[\"javameet\"]", service.get("StateDirectory").toString());
        assertEquals(0, evalService(Map.of()).get("CacheDirectory").size());
    }

    private static JsonNode evalService(Map<String, String> credentials) throws Exception {
        return evalService(credentials, false);
    }

    private static JsonNode evalService(Map<String, String> credentials, boolean withCache) throws Exception {
        StringBuilder creds = new StringBuilder("{ ");
        credentials.forEach((k, v) -> creds.append('"').append(k).append("\" = \"").append(v).append("\"; "));
        creds.append('}');
        NixInstantiate.Result r = nix.evalJson("import " + NixInstantiate.NIXOS_MODULE.resolve("service.nix")
                + " { execStart = \"/nix/store/00000000000000000000000000000000-javameet/bin/javameet --config"
                + " /nix/store/00000000000000000000000000000000-javameet.json\"; credentials = " + creds
                + (withCache ? "; cacheDirectories = [ \"javameet\" ]" : "") + "; }");
        assertEquals(0, r.exitCode(), "service.nix does not evaluate:\n" + r.stderr());
        return MAPPER.readTree(r.stdout());
    }

    /** service.nix as NixOS writes it into javameet.service. */
    private static Path renderUnit(Map<String, String> credentials) throws Exception {
        JsonNode service = evalService(credentials, true); // as the module makes it: classDataSharing is on by default
        List<String> lines = new ArrayList<>(List.of("[Unit]", "Description=javameet video meeting server", "",
                "[Service]"));
        service.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isArray()) {
                value.forEach(element -> lines.add(field.getKey() + "=" + element.asText()));
            } else {
                lines.add(field.getKey() + "=" + value.asText());
            }
        });
        lines.addAll(List.of("", "[Install]", "WantedBy=multi-user.target"));
        Path dir = Files.createDirectories(Path.of("target", "nix-unit").toAbsolutePath());
        Path unit = dir.resolve("javameet.service");
        Files.write(unit, lines);
        return unit;
    }

    private record ProcessResult(int exitCode, String stdout, String stderr) {}

    private static ProcessResult run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 60 s");
        }
        return new ProcessResult(p.exitValue(), stdout, stderr);
    }
}

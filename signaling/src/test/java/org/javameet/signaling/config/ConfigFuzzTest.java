package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzzing of the config loader: any text gives a config or a ConfigException (a broken config is a named
 * error, never another exception), and a config that loads writes out to JSON that loads to the same config. CI runs
 * the committed corpus (ConfigFuzzTestInputs/) as regression tests.
 */
class ConfigFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "10m")
    void configFile(byte[] data) {
        ServerConfig config;
        try {
            config = ServerConfig.parse(new String(data, StandardCharsets.UTF_8), "fuzz.json");
        } catch (ConfigException expected) {
            return;
        }
        try {
            assertEquals(config, ServerConfig.parse(config.toJson(MAPPER).toString(), "again.json"));
        } catch (ConfigException e) {
            throw new AssertionError("a loaded config does not load again: " + e.getMessage(), e);
        }
    }
}

package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client's {@code client-settings.json} declares every client setting once (name, type, default,
 * Jitsi name); the browser client and the NixOS module read it. The server's loader is Java, so this test
 * holds {@link ClientConfig} and {@link InterfaceConfig} to it: same keys in the same order, same defaults,
 * every key loads with its declared type, and Jitsi's names are hinted.
 */
class ClientSettingsFileTest {
    private static final String FILE = "javameet/web/client-settings.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonNode declared;

    @BeforeAll
    static void readFile() throws IOException {
        try (InputStream in = ClientSettingsFileTest.class.getClassLoader().getResourceAsStream(FILE)) {
            assertNotNull(in, FILE + " is not on the class path (it comes with the web-client module)");
            declared = MAPPER.readTree(in);
        }
    }

    @Test
    void keysAreTheLoadersInOrder() {
        assertEquals(ClientConfig.KEYS, names(declared.get("client")));
        assertEquals(InterfaceConfig.KEYS, names(declared.get("interface")));
    }

    @Test
    void defaultsAreTheLoadersDefaults() {
        assertEquals(defaults(declared.get("client")), ClientConfig.defaults().toJson(MAPPER));
        assertEquals(defaults(declared.get("interface")), InterfaceConfig.defaults().toJson(MAPPER));
    }

    /** A file that sets every declared key to another value of its declared type loads, with those values. */
    @Test
    void everyDeclaredKeyLoadsWithItsType() throws ConfigException {
        ObjectNode file = MAPPER.createObjectNode();
        file.set("client", changed(declared.get("client")));
        file.set("interface", changed(declared.get("interface")));
        ServerConfig loaded = ServerConfig.parse(file.toString(), "every declared key");
        assertEquals(file.get("client"), loaded.client().toJson(MAPPER));
        assertEquals(file.get("interface"), loaded.interfaceConfig().toJson(MAPPER));
    }

    /** The declared type is the loader's: a value of the other type is refused. */
    @Test
    void aValueOfAnotherTypeIsRefused() {
        for (String section : List.of("client", "interface")) {
            declared.get(section).fields().forEachRemaining(e -> {
                ObjectNode file = MAPPER.createObjectNode();
                ObjectNode values = file.putObject(section);
                if (e.getValue().get("type").asText().equals("boolean")) {
                    values.put(e.getKey(), "yes");
                } else {
                    values.put(e.getKey(), true);
                }
                try {
                    ServerConfig.parse(file.toString(), "wrong type");
                    fail(section + "." + e.getKey() + " accepted a value that is not a " + e.getValue().get("type"));
                } catch (ConfigException expected) {
                    assertTrue(expected.getMessage().contains("\"" + section + "." + e.getKey() + "\""),
                            expected.getMessage());
                }
            });
        }
    }

    /** A setting with a closed set of values ({@code values}) is loaded only with one of them. */
    @Test
    void declaredValuesAreTheLoadersAndNothingElseLoads() throws ConfigException {
        assertEquals(ClientConfig.ICE_TRANSPORT_POLICIES, strings(declared.get("client").get("iceTransportPolicy").get("values")));
        for (String section : List.of("client", "interface")) {
            var fields = declared.get(section).fields();
            while (fields.hasNext()) {
                var e = fields.next();
                JsonNode allowed = e.getValue().get("values");
                if (allowed == null) {
                    continue;
                }
                assertTrue(strings(allowed).contains(e.getValue().get("default").asText()), e.getKey());
                for (JsonNode v : allowed) {
                    ObjectNode file = MAPPER.createObjectNode();
                    file.putObject(section).set(e.getKey(), v);
                    ServerConfig.parse(file.toString(), "declared value");
                }
                ObjectNode file = MAPPER.createObjectNode();
                file.putObject(section).put(e.getKey(), "undeclared");
                ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                        () -> ServerConfig.parse(file.toString(), "undeclared value"));
                assertTrue(refused.getMessage().contains("\"" + section + "." + e.getKey() + "\" must be one of"),
                        refused.getMessage());
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void jitsiNamesAreHintedByTheLoader() {
        declared.get("interface").fields().forEachRemaining(e -> {
            JsonNode jitsiName = e.getValue().get("jitsiName");
            if (jitsiName != null) {
                assertEquals(e.getKey(), InterfaceConfig.HINTS.get(jitsiName.asText()), jitsiName.asText());
            }
        });
        for (Map.Entry<String, String> hint : InterfaceConfig.HINTS.entrySet()) {
            assertEquals(hint.getKey(), declared.get("interface").get(hint.getValue()).path("jitsiName").asText(),
                    "the file declares Jitsi's name of " + hint.getValue());
        }
    }

    @Test
    void everySettingIsDescribedAndTyped() {
        for (String section : List.of("client", "interface")) {
            declared.get(section).fields().forEachRemaining(e -> {
                JsonNode s = e.getValue();
                String type = s.path("type").asText();
                assertTrue(type.equals("boolean") || type.equals("string"), section + "." + e.getKey() + ": " + type);
                assertEquals(type.equals("boolean"), s.get("default").isBoolean(), section + "." + e.getKey());
                assertEquals(type.equals("string"), s.get("default").isTextual(), section + "." + e.getKey());
                assertTrue(!s.path("description").asText().isBlank(), section + "." + e.getKey() + " has no description");
            });
        }
    }

    private static List<String> names(JsonNode settings) {
        List<String> names = new ArrayList<>();
        settings.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ObjectNode defaults(JsonNode settings) {
        ObjectNode values = MAPPER.createObjectNode();
        settings.fields().forEachRemaining(e -> values.set(e.getKey(), e.getValue().get("default")));
        return values;
    }

    private static ObjectNode changed(JsonNode settings) {
        ObjectNode values = MAPPER.createObjectNode();
        settings.fields().forEachRemaining(e -> {
            JsonNode d = e.getValue().get("default");
            JsonNode allowed = e.getValue().get("values");
            if (d.isBoolean()) {
                values.put(e.getKey(), !d.asBoolean());
            } else if (allowed != null) {
                allowed.forEach(v -> {
                    if (!v.equals(d)) {
                        values.set(e.getKey(), v);
                    }
                });
            } else {
                values.put(e.getKey(), d.asText() + " (changed)");
            }
        });
        return values;
    }
}

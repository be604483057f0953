package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming reader gives the tree the strict ObjectMapper it replaced gave, node class by node class. */
class ConfigJsonTest {
    private static final ObjectMapper STRICT_MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "[]",
            "null",
            "7",
            "\"text\"",
            "{\"httpPort\": 8080, \"publicAddresses\": [\"203.0.113.7\", \"::1\"], \"localAddress\": null}",
            "{\"a\": {\"b\": [1, -2, 2147483647, 2147483648, -2147483649, 9223372036854775807, 9223372036854775808]}}",
            "{\"f\": [0.5, -1e3, 1E-7, 3.0, 1e400], \"t\": true, \"n\": false, \"e\": \"\\u00e9\\n\"}",
            "{\"deep\": [[[[{\"x\": [{}, [], null]}]]]], \"empty\": \"\"}",
            "  \n{\"ws\" :\t1 }\n  ",
    })
    void sameTreeAsTheStrictMapper(String json) throws JsonProcessingException {
        JsonNode expected = STRICT_MAPPER.readTree(json);
        JsonNode actual = ConfigJson.read(json);
        assertEquals(expected, actual);
        assertSameClasses(expected, actual, "$");
    }

    @Test
    void emptyTextHasNoValue() throws JsonProcessingException {
        assertNull(ConfigJson.read(""));
        assertNull(ConfigJson.read(" \n\t "));
    }

    @Test
    void duplicateKeysAndTrailingContentAreErrors() {
        JsonProcessingException dup = assertThrows(JsonProcessingException.class,
                () -> ConfigJson.read("{\"a\": 1, \"a\": 2}"));
        assertEquals("Duplicate field 'a'", dup.getOriginalMessage());
        JsonProcessingException trailing = assertThrows(JsonProcessingException.class,
                () -> ConfigJson.read("{\"a\": 1} {}"));
        assertEquals(10, trailing.getLocation().getColumnNr(), "where the extra content starts");
        assertThrows(JsonProcessingException.class, () -> ConfigJson.read("{\"a\": 1} x"));
        assertThrows(JsonProcessingException.class, () -> ConfigJson.read("{\"a\": }"));
    }

    private static void assertSameClasses(JsonNode expected, JsonNode actual, String path) {
        assertEquals(expected.getClass(), actual.getClass(), path);
        if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameClasses(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertSameClasses(e.getValue(), actual.get(e.getKey()), path + "." + e.getKey());
            }
        }
    }
}

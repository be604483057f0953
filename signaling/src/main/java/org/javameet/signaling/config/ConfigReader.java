package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed reads from a Jackson tree, each failing with a {@link ConfigException} that names the key path.
 * The sections ({@link ServerConfig}, {@link ClientConfig}, {@link InterfaceConfig}) walk their own keys with it.
 */
final class ConfigReader {
    private static final int MAX_SHOWN_VALUE = 60;

    private final String sourceName;

    ConfigReader(String sourceName) {
        this.sourceName = sourceName;
    }

    String sourceName() {
        return sourceName;
    }

    ConfigException error(String path, String detail) {
        return new ConfigException(sourceName, path, detail);
    }

    /** The key path of {@code key} inside the object at {@code parent} ("" for the top level). */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    Set<Map.Entry<String, JsonNode>> fields(JsonNode node, String path) throws ConfigException {
        if (!(node instanceof ObjectNode object)) {
            throw mustBe(path, "an object", node);
        }
        return object.properties();
    }

    boolean bool(JsonNode node, String path) throws ConfigException {
        if (!node.isBoolean()) {
            throw mustBe(path, "true or false", node);
        }
        return node.booleanValue();
    }

    String string(JsonNode node, String path) throws ConfigException {
        if (!node.isTextual()) {
            throw mustBe(path, "a string", node);
        }
        return node.textValue();
    }

    int port(JsonNode node, String path) throws ConfigException {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 65535) {
            throw mustBe(path, "an integer 1-65535", node);
        }
        return node.intValue();
    }

    int intIn(JsonNode node, String path, int min, int max) throws ConfigException {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw mustBe(path, "an integer " + min + "-" + max, node);
        }
        return node.intValue();
    }

    /** Web origins as browsers send them ({@code https://meet.example.com}, port only when not the default), or "*". */
    List<String> origins(JsonNode node, String path) throws ConfigException {
        if (!node.isArray()) {
            throw mustBe(path, "an array of origins such as [\"https://meet.example.com\"]", node);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode o = node.get(i);
            if (!o.isTextual() || !(o.textValue().equals("*")
                    || o.textValue().matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?"))) {
                throw mustBe(path + "[" + i + "]", "an origin: scheme://host[:port] without a path or a trailing"
                        + " slash, such as \"https://meet.example.com\", or \"*\"", o);
            }
            out.add(o.textValue());
        }
        return out;
    }

    String address(JsonNode node, String path) throws ConfigException {
        if (!node.isTextual() || !IpLiteral.isValid(node.textValue())) {
            throw mustBe(path, "an IP address literal such as \"0.0.0.0\" or \"::\" (host names are not resolved)", node);
        }
        return node.textValue();
    }

    /** A non-empty file path, or JSON null for "unset". */
    String optionalPath(JsonNode node, String path) throws ConfigException {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            throw mustBe(path, "a file path (or null)", node);
        }
        return node.textValue();
    }

    /** An address, or JSON null for "unset". */
    String optionalAddress(JsonNode node, String path) throws ConfigException {
        return node.isNull() ? null : address(node, path);
    }

    List<String> addresses(JsonNode node, String path) throws ConfigException {
        if (!node.isArray()) {
            throw mustBe(path, "an array of IP address literals", node);
        }
        List<String> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            result.add(address(node.get(i), path + "[" + i + "]"));
        }
        return result;
    }

    /** A string that is one of {@code allowed}. */
    String oneOf(JsonNode node, String path, List<String> allowed) throws ConfigException {
        if (node.isTextual() && allowed.contains(node.textValue())) {
            return node.textValue();
        }
        throw mustBe(path, "one of " + allowed.stream().map(a -> '"' + a + '"').collect(Collectors.joining(", ")), node);
    }

    LogLevel logLevel(JsonNode node, String path) throws ConfigException {
        if (node.isTextual()) {
            var level = LogLevel.fromConfigName(node.textValue());
            if (level.isPresent()) {
                return level.get();
            }
        }
        String allowed = Arrays.stream(LogLevel.values())
                .map(l -> '"' + l.configName() + '"')
                .collect(Collectors.joining(", "));
        throw mustBe(path, "one of " + allowed, node);
    }

    ConfigException mustBe(String path, String what, JsonNode got) {
        String shown = got.isMissingNode() ? "nothing" : got.toString();
        if (shown.length() > MAX_SHOWN_VALUE) {
            shown = shown.substring(0, MAX_SHOWN_VALUE) + "…";
        }
        if (path.isEmpty()) {
            return error(null, "the top level must be a JSON object, got " + shown);
        }
        return error(path, '"' + path + "\" must be " + what + ", got " + shown);
    }

    /**
     * An unknown key, with the closest known key as a suggestion: first from {@code hints} (names people bring
     * from Jitsi Meet), then by edit distance ignoring case, '_' and '-'.
     */
    ConfigException unknownKey(String parent, String key, Collection<String> known, Map<String, String> hints) {
        String path = join(parent, key);
        String suggestion = hints.get(key);
        if (suggestion == null) {
            suggestion = closest(key, known);
        }
        String detail = "unknown key \"" + path + "\"";
        if (suggestion != null) {
            detail += " (did you mean \"" + join(parent, suggestion) + "\"?)";
        } else {
            detail += " (known keys" + (parent.isEmpty() ? "" : " in \"" + parent + "\"") + ": "
                    + String.join(", ", known) + ")";
        }
        return error(path, detail);
    }

    static String closest(String key, Collection<String> known) {
        String wanted = normalise(key);
        // Close enough to be a typo, not a different word: "SHOW_BRAND_WATERMARK" is not "showWatermark".
        int limit = Math.max(2, wanted.length() / 5);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(wanted, normalise(candidate));
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static String normalise(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("Enabeld" is one edit from "Enabled"). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

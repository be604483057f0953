package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config file's {@code turn} section: a TURN server (coturn with {@code use-auth-secret}) that clients may
 * relay through when their network blocks the media port. Keys and defaults: docs/configuration.md.
 *
 * <p>Only the secret's file is configured, never the secret: it is read once at start ({@link #loadSecret}) and
 * never logged.
 *
 * @param urls                 turn:/turns: URLs (RFC 7065) handed to browsers; empty: no TURN
 * @param secretFile           the file holding coturn's {@code static-auth-secret}, or null
 * @param credentialTtlSeconds how long the credentials each participant gets are valid
 */
public record TurnConfig(List<String> urls, String secretFile, int credentialTtlSeconds) {

    static final List<String> KEYS = List.of("urls", "secretFile", "credentialTtlSeconds");

    /** Names from coturn and from Jitsi's prosody turncredentials module. */
    private static final Map<String, String> HINTS = Map.of(
            "static-auth-secret-file", "secretFile",
            "staticAuthSecretFile", "secretFile",
            "secret", "secretFile",
            "ttl", "credentialTtlSeconds",
            "servers", "urls",
            "uris", "urls");

    /** The TURN REST API draft's recommended lifetime; clients ask for new credentials before it ends. */
    static final int DEFAULT_TTL_SECONDS = 86_400;
    static final int MIN_TTL_SECONDS = 60;
    static final int MAX_TTL_SECONDS = 7 * 86_400;
    /** A guessable secret lets anyone relay through the TURN server. */
    static final int MIN_SECRET_LENGTH = 16;

    /** RFC 7065 §3: {@code turn[s]:host[:port][?transport=udp|tcp]}. */
    private static final Pattern URL = Pattern.compile(
            "(turns?):(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:([0-9]{1,5}))?(\\?transport=(udp|tcp))?");

    /**
     * What coturn can take as a secret through nixpkgs' services.coturn (its first line is pasted into the config
     * with sed): visible ASCII without {@code , & \ #}.
     */
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e&&[^,&\\\\#]]+");

    private static final TurnConfig DEFAULTS = new TurnConfig(List.of(), null, DEFAULT_TTL_SECONDS);

    public TurnConfig {
        urls = List.copyOf(urls);
    }

    public static TurnConfig defaults() {
        return DEFAULTS;
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }

    /**
     * Reads the shared secret: the file's first line without surrounding white space (as nixpkgs' coturn module
     * reads the same file). Errors name the key and the file, never the content.
     */
    public String loadSecret(String sourceName) throws ConfigException {
        String path = "turn.secretFile";
        String content;
        try {
            content = Files.readString(Path.of(secretFile), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(sourceName, path, '"' + path + "\": file " + secretFile + " not found", e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(sourceName, path, '"' + path + "\": cannot read " + secretFile + ": "
                    + e.getClass().getSimpleName(), e);
        }
        int newline = content.indexOf('\n');
        String secret = (newline < 0 ? content : content.substring(0, newline)).strip();
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new ConfigException(sourceName, path, '"' + path + "\": the secret in " + secretFile + " has "
                    + secret.length() + " characters; it needs at least " + MIN_SECRET_LENGTH
                    + " (make one with `openssl rand -hex 32`)");
        }
        if (!SECRET.matcher(secret).matches()) {
            throw new ConfigException(sourceName, path, '"' + path + "\": the secret in " + secretFile
                    + " must be visible ASCII without spaces or , & \\ # (coturn's config file and nixpkgs' module"
                    + " take it as text; make one with `openssl rand -hex 32`)");
        }
        return secret;
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        urls.forEach(n.putArray("urls")::add);
        if (secretFile != null) {
            n.put("secretFile", secretFile);
        }
        n.put("credentialTtlSeconds", credentialTtlSeconds);
        return n;
    }

    static TurnConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        List<String> urls = DEFAULTS.urls;
        String secretFile = null;
        int ttl = DEFAULTS.credentialTtlSeconds;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "urls" -> urls = urls(r, value, key);
                case "secretFile" -> {
                    if (!value.isTextual() || value.textValue().isEmpty()) {
                        throw r.mustBe(key, "a non-empty string (a file name)", value);
                    }
                    secretFile = value.textValue();
                }
                case "credentialTtlSeconds" -> ttl = r.intIn(value, key, MIN_TTL_SECONDS, MAX_TTL_SECONDS);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, HINTS);
            }
        }
        if (!urls.isEmpty() && secretFile == null) {
            throw r.error("turn.secretFile", "\"turn.urls\" needs \"turn.secretFile\": the file with coturn's"
                    + " static-auth-secret, to make each participant's credentials");
        }
        if (urls.isEmpty() && secretFile != null) {
            throw r.error("turn.urls", "\"turn.secretFile\" is set but \"turn.urls\" is empty: give the TURN"
                    + " server's URLs, e.g. [\"turn:turn.example.com:3478?transport=udp\"]");
        }
        TurnConfig c = new TurnConfig(urls, secretFile, ttl);
        if (c.enabled()) {
            c.loadSecret(r.sourceName()); // a missing or weak secret fails the start, not the first join
        }
        return c;
    }

    private static List<String> urls(ConfigReader r, JsonNode node, String path) throws ConfigException {
        if (!node.isArray()) {
            throw r.mustBe(path, "an array of turn: or turns: URLs", node);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode v = node.get(i);
            if (!v.isTextual()) {
                throw r.mustBe(at, "a turn: or turns: URL", v);
            }
            out.add(checkUrl(r, at, v.textValue()));
        }
        return out;
    }

    /** RFC 7065's grammar, a port in range, and only what browsers speak (no DTLS: turns with udp). */
    static String checkUrl(ConfigReader r, String path, String url) throws ConfigException {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            String hint = url.startsWith("stun:") ? " (the server needs no STUN server: it is ICE-lite)" : "";
            throw r.mustBe(path, "a TURN URL such as \"turn:turn.example.com:3478?transport=udp\" or"
                    + " \"turns:turn.example.com:5349?transport=tcp\"" + hint, TextNode.valueOf(url));
        }
        if (m.group(5) != null) {
            int port = Integer.parseInt(m.group(5));
            if (port < 1 || port > 65535) {
                throw r.error(path, '"' + path + "\": port " + port + " is out of range 1-65535");
            }
        }
        if (m.group(1).equals("turns") && "udp".equals(m.group(7))) {
            throw r.error(path, '"' + path + "\": turns: with transport=udp is TURN over DTLS, which browsers do not"
                    + " speak; use transport=tcp (TLS)");
        }
        return url;
    }

    @Override
    public String toString() {
        return "TurnConfig[urls=" + urls + ", secretFile=" + secretFile + ", credentialTtlSeconds="
                + credentialTtlSeconds + "]";
    }
}

package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The config file's {@code auth} section: who may join and create rooms, and the key that signs tokens
 * (Jitsi Meet's token authentication). Keys and defaults: docs/configuration.md.
 *
 * <p>Secrets stay out of {@link #toString()} so a logged config never shows them.
 *
 * @param jwtSecret        the HS256 shared secret, or null
 * @param jwtSecretFile    a file holding the HS256 secret (kept out of a world-readable config), or null
 * @param jwtPublicKeyFile a PEM file with the RS256 public key (X.509 SubjectPublicKeyInfo), or null
 * @param jwtAudience      when set, a token's {@code aud} must name it
 * @param jwtIssuer        when set, a token's {@code iss} must equal it
 * @param jwtMaxLifetimeSeconds the longest lifetime ({@code exp} minus {@code nbf}, else {@code iat}, else now) a
 *                         token may have
 */
public record AuthConfig(Mode mode, Algorithm jwtAlgorithm, String jwtSecret, String jwtSecretFile,
                         String jwtPublicKeyFile, String jwtAudience, String jwtIssuer, int jwtMaxLifetimeSeconds) {

    /** Who needs a token. */
    public enum Mode {
        /** Anyone may join and create rooms; a valid token still names its holder and may make them moderator. */
        NONE("none"),
        /** Every participant needs a valid token. */
        TOKEN("token"),
        /** Only token holders create rooms; guests without a token may join rooms that exist (Jitsi's secure domain with guests). */
        TOKEN_CREATE("token-create");

        private final String configName;

        Mode(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /** The one JWS algorithm tokens must use; a token naming another one is refused (no algorithm confusion). */
    public enum Algorithm { HS256, RS256 }

    /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
    static final int MIN_SECRET_BYTES = 32;
    static final int MIN_RSA_BITS = 2048;

    /** A day: a meeting link made in the morning works all day, a leaked one not for long. */
    public static final int DEFAULT_MAX_LIFETIME_SECONDS = 86_400;
    static final int MAX_MAX_LIFETIME_SECONDS = 31 * 86_400;

    static final List<String> KEYS = List.of("mode", "jwtAlgorithm", "jwtSecret", "jwtSecretFile", "jwtPublicKeyFile",
            "jwtAudience", "jwtIssuer", "jwtMaxLifetimeSeconds");

    /** Names from Jitsi's prosody config and jwt libraries. */
    private static final Map<String, String> HINTS = Map.of(
            "app_secret", "jwtSecret",
            "secret", "jwtSecret",
            "app_id", "jwtIssuer",
            "asap_accepted_issuers", "jwtIssuer",
            "asap_accepted_audiences", "jwtAudience",
            "algorithm", "jwtAlgorithm",
            "publicKeyFile", "jwtPublicKeyFile");

    private static final AuthConfig DEFAULTS = new AuthConfig(Mode.NONE, Algorithm.HS256, null, null, null, null, null,
            DEFAULT_MAX_LIFETIME_SECONDS);

    public AuthConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(jwtAlgorithm, "jwtAlgorithm");
        if (jwtMaxLifetimeSeconds < 1 || jwtMaxLifetimeSeconds > MAX_MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("jwtMaxLifetimeSeconds must be 1-" + MAX_MAX_LIFETIME_SECONDS);
        }
    }

    public static AuthConfig defaults() {
        return DEFAULTS;
    }

    /** True when some key is configured, so tokens can be checked (in every mode). */
    public boolean hasKey() {
        return jwtAlgorithm == Algorithm.HS256 ? jwtSecret != null || jwtSecretFile != null : jwtPublicKeyFile != null;
    }

    /**
     * Reads the verification key: the HS256 secret (from {@code jwtSecret} or {@code jwtSecretFile}) or the RS256
     * public key. Null when no key is configured. Errors name the key and never show a secret.
     */
    public Key loadKey(String sourceName) throws ConfigException {
        if (!hasKey()) {
            return null;
        }
        if (jwtAlgorithm == Algorithm.HS256) {
            String secret = jwtSecret;
            String path = "auth.jwtSecret";
            if (secret == null) {
                path = "auth.jwtSecretFile";
                secret = readFile(sourceName, path, jwtSecretFile).strip();
            }
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_SECRET_BYTES) {
                throw new ConfigException(sourceName, path, '"' + path + "\" must be at least " + MIN_SECRET_BYTES
                        + " bytes for HS256 (RFC 7518 §3.2), got " + bytes.length);
            }
            return new SecretKeySpec(bytes, "HmacSHA256");
        }
        String path = "auth.jwtPublicKeyFile";
        return readRsaPublicKey(sourceName, path, readFile(sourceName, path, jwtPublicKeyFile));
    }

    private static String readFile(String sourceName, String path, String file) throws ConfigException {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(sourceName, path, '"' + path + "\": file " + file + " not found", e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(sourceName, path, '"' + path + "\": cannot read " + file + ": " + e, e);
        }
    }

    /** A PEM "PUBLIC KEY" block (X.509 SubjectPublicKeyInfo) holding an RSA key of at least 2048 bits. */
    static RSAPublicKey readRsaPublicKey(String sourceName, String path, String pem) throws ConfigException {
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            String hint = pem.contains("BEGIN RSA PUBLIC KEY") ? " (this is PKCS#1; convert it with"
                    + " `openssl rsa -RSAPublicKey_in -pubout`)" : pem.contains("PRIVATE KEY")
                    ? " (this is a private key; give the public key: `openssl rsa -pubout`)" : "";
            throw new ConfigException(sourceName, path, '"' + path + "\" must be a PEM file with a"
                    + " \"BEGIN PUBLIC KEY\" block" + hint);
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
            var key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            RSAPublicKey rsa = (RSAPublicKey) key;
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new ConfigException(sourceName, path, '"' + path + "\": RSA key of "
                        + rsa.getModulus().bitLength() + " bits is too short (at least " + MIN_RSA_BITS + ")");
            }
            return rsa;
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException ex) {
            throw new ConfigException(sourceName, path, '"' + path + "\" does not hold a valid RSA public key: "
                    + ex.getMessage(), ex);
        }
    }

    /** Exactly the camelCase keys of the config file (secrets included: this is the file's content). */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode()
                .put("mode", mode.configName())
                .put("jwtAlgorithm", jwtAlgorithm.name());
        putIfSet(n, "jwtSecret", jwtSecret);
        putIfSet(n, "jwtSecretFile", jwtSecretFile);
        putIfSet(n, "jwtPublicKeyFile", jwtPublicKeyFile);
        putIfSet(n, "jwtAudience", jwtAudience);
        putIfSet(n, "jwtIssuer", jwtIssuer);
        n.put("jwtMaxLifetimeSeconds", jwtMaxLifetimeSeconds);
        return n;
    }

    private static void putIfSet(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }

    static AuthConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        Mode mode = DEFAULTS.mode;
        Algorithm algorithm = DEFAULTS.jwtAlgorithm;
        String secret = null;
        String secretFile = null;
        String publicKeyFile = null;
        String audience = null;
        String issuer = null;
        int maxLifetime = DEFAULT_MAX_LIFETIME_SECONDS;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "mode" -> mode = mode(r, value, key);
                case "jwtAlgorithm" -> algorithm = algorithm(r, value, key);
                case "jwtSecret" -> {
                    if (!value.isTextual()) { // never echo what may be a secret
                        throw r.error(key, '"' + key + "\" must be a string");
                    }
                    secret = value.textValue();
                }
                case "jwtSecretFile" -> secretFile = nonEmpty(r, value, key);
                case "jwtPublicKeyFile" -> publicKeyFile = nonEmpty(r, value, key);
                case "jwtAudience" -> audience = nonEmpty(r, value, key);
                case "jwtIssuer" -> issuer = nonEmpty(r, value, key);
                case "jwtMaxLifetimeSeconds" -> maxLifetime = r.intIn(value, key, 1, MAX_MAX_LIFETIME_SECONDS);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, HINTS);
            }
        }
        AuthConfig c = new AuthConfig(mode, algorithm, secret, secretFile, publicKeyFile, audience, issuer,
                maxLifetime);
        c.check(r);
        return c;
    }

    /** The key matches the algorithm, a token mode has one, and it can be read. */
    private void check(ConfigReader r) throws ConfigException {
        if (jwtSecret != null && jwtSecretFile != null) {
            throw r.error("auth.jwtSecretFile", "set either \"auth.jwtSecret\" or \"auth.jwtSecretFile\", not both");
        }
        if (jwtAlgorithm == Algorithm.RS256 && (jwtSecret != null || jwtSecretFile != null)) {
            String key = jwtSecret != null ? "auth.jwtSecret" : "auth.jwtSecretFile";
            throw r.error(key, '"' + key + "\" is for HS256, but \"auth.jwtAlgorithm\" is RS256: give"
                    + " \"auth.jwtPublicKeyFile\"");
        }
        if (jwtAlgorithm == Algorithm.HS256 && jwtPublicKeyFile != null) {
            throw r.error("auth.jwtPublicKeyFile", "\"auth.jwtPublicKeyFile\" is for RS256, but \"auth.jwtAlgorithm\""
                    + " is HS256: give \"auth.jwtSecret\" or set \"auth.jwtAlgorithm\": \"RS256\"");
        }
        if (mode != Mode.NONE && !hasKey()) {
            String needed = jwtAlgorithm == Algorithm.HS256 ? "\"auth.jwtSecret\" (or \"auth.jwtSecretFile\")"
                    : "\"auth.jwtPublicKeyFile\"";
            throw r.error("auth.mode", "\"auth.mode\" \"" + mode.configName() + "\" needs " + needed + " for "
                    + jwtAlgorithm);
        }
        loadKey(r.sourceName());
    }

    private static Mode mode(ConfigReader r, JsonNode value, String key) throws ConfigException {
        if (value.isTextual()) {
            for (Mode m : Mode.values()) {
                if (m.configName.equals(value.textValue())) {
                    return m;
                }
            }
        }
        throw r.mustBe(key, "one of \"none\", \"token\", \"token-create\"", value);
    }

    private static Algorithm algorithm(ConfigReader r, JsonNode value, String key) throws ConfigException {
        if (value.isTextual()) {
            String v = value.textValue().toUpperCase(Locale.ROOT);
            if (v.equals("HS256") || v.equals("RS256")) {
                return Algorithm.valueOf(v);
            }
        }
        throw r.mustBe(key, "\"HS256\" or \"RS256\"", value);
    }

    private static String nonEmpty(ConfigReader r, JsonNode value, String key) throws ConfigException {
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw r.mustBe(key, "a non-empty string", value);
        }
        return value.textValue();
    }

    @Override
    public String toString() {
        return "AuthConfig[mode=" + mode.configName() + ", jwtAlgorithm=" + jwtAlgorithm
                + ", jwtSecret=" + (jwtSecret == null ? "unset" : "(hidden)")
                + ", jwtSecretFile=" + jwtSecretFile + ", jwtPublicKeyFile=" + jwtPublicKeyFile
                + ", jwtAudience=" + jwtAudience + ", jwtIssuer=" + jwtIssuer
                + ", jwtMaxLifetimeSeconds=" + jwtMaxLifetimeSeconds + "]";
    }
}

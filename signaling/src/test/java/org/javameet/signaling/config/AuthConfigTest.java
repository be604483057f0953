package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void defaultsAreOpen() {
        AuthConfig d = ServerConfig.defaults().auth();
        assertEquals(AuthConfig.Mode.NONE, d.mode());
        assertEquals(AuthConfig.Algorithm.HS256, d.jwtAlgorithm());
        assertFalse(d.hasKey());
    }

    @Test
    void hs256WithSecretOrSecretFile(@TempDir Path dir) throws Exception {
        ServerConfig c = ServerConfig.parse("{\"auth\": {\"mode\": \"token\", \"jwtSecret\": \"" + SECRET + "\"}}", "t");
        assertInstanceOf(SecretKey.class, c.auth().loadKey("t"));
        Path file = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        ServerConfig f = ServerConfig.parse("{\"auth\": {\"mode\": \"token\", \"jwtSecretFile\": \"" + file + "\"}}", "t");
        assertEquals(c.auth().loadKey("t"), f.auth().loadKey("t"), "the file's trailing newline is not part of the secret");
    }

    @Test
    void rs256ReadsThePemPublicKey(@TempDir Path dir) throws Exception {
        Path pem = writePublicKey(dir, 2048);
        ServerConfig c = ServerConfig.parse("{\"auth\": {\"mode\": \"token-create\", \"jwtAlgorithm\": \"RS256\","
                + " \"jwtPublicKeyFile\": \"" + pem + "\", \"jwtAudience\": \"meet\", \"jwtIssuer\": \"portal\"}}", "t");
        assertEquals(AuthConfig.Mode.TOKEN_CREATE, c.auth().mode());
        assertInstanceOf(RSAPublicKey.class, c.auth().loadKey("t"));
        assertEquals(c, ServerConfig.parse(c.toJson(new ObjectMapper()).toString(), "round trip"));
    }

    // Single quotes stand for double quotes.
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        {'auth': {'mode': 'token'}}                                    | config t: "auth.mode" "token" needs "auth.jwtSecret" (or "auth.jwtSecretFile") for HS256
        {'auth': {'mode': 'token-create', 'jwtAlgorithm': 'RS256'}}    | config t: "auth.mode" "token-create" needs "auth.jwtPublicKeyFile" for RS256
        {'auth': {'mode': 'tokens'}}                                   | config t: "auth.mode" must be one of "none", "token", "token-create", got "tokens"
        {'auth': {'jwtAlgorithm': 'ES256'}}                            | config t: "auth.jwtAlgorithm" must be "HS256" or "RS256", got "ES256"
        {'auth': {'jwtAlgorithm': 'RS256', 'jwtSecret': 'x'}}          | config t: "auth.jwtSecret" is for HS256, but "auth.jwtAlgorithm" is RS256: give "auth.jwtPublicKeyFile"
        {'auth': {'jwtPublicKeyFile': '/k.pem'}}                       | config t: "auth.jwtPublicKeyFile" is for RS256, but "auth.jwtAlgorithm" is HS256: give "auth.jwtSecret" or set "auth.jwtAlgorithm": "RS256"
        {'auth': {'jwtSecret': 'short'}}                               | config t: "auth.jwtSecret" must be at least 32 bytes for HS256 (RFC 7518 §3.2), got 5
        {'auth': {'jwtSecret': 12345678901234567890123456789012345}}   | config t: "auth.jwtSecret" must be a string
        {'auth': {'jwtSecret': 'a', 'jwtSecretFile': '/s'}}            | config t: set either "auth.jwtSecret" or "auth.jwtSecretFile", not both
        {'auth': {'app_secret': 'x'}}                                  | config t: unknown key "auth.app_secret" (did you mean "auth.jwtSecret"?)
        {'auth': {'jwtIssuer': ''}}                                    | config t: "auth.jwtIssuer" must be a non-empty string, got ""
        {'auth': {'mode': 'token', 'jwtAlgorithm': 'RS256', 'jwtPublicKeyFile': '/nonexistent/k.pem'}} | config t: "auth.jwtPublicKeyFile": file /nonexistent/k.pem not found
        """)
    void refusals(String json, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(json.replace('\'', '"'), "t"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void badPemFilesAreNamed(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertEquals("auth.jwtPublicKeyFile", refuse(garbage).keyPath());
        Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n");
        assertEquals("config t: \"auth.jwtPublicKeyFile\" must be a PEM file with a \"BEGIN PUBLIC KEY\" block (this is"
                + " PKCS#1; convert it with `openssl rsa -RSAPublicKey_in -pubout`)", refuse(pkcs1).getMessage());
        assertEquals("config t: \"auth.jwtPublicKeyFile\": RSA key of 1024 bits is too short (at least 2048)",
                refuse(writePublicKey(dir, 1024)).getMessage());
    }

    @Test
    void secretsStayOutOfToStringAndErrors() throws ConfigException {
        ServerConfig c = ServerConfig.parse("{\"auth\": {\"mode\": \"token\", \"jwtSecret\": \"" + SECRET + "\"}}", "t");
        assertFalse(c.toString().contains(SECRET), c.toString());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfig.parse("{\"auth\": {\"jwtSecret\": \"too-short-secret\"}}", "t"));
        assertFalse(e.getMessage().contains("too-short-secret"));
    }

    private static ConfigException refuse(Path pem) {
        return assertThrows(ConfigException.class, () -> ServerConfig.parse("{\"auth\": {\"mode\": \"token\","
                + " \"jwtAlgorithm\": \"RS256\", \"jwtPublicKeyFile\": \"" + pem + "\"}}", "t"));
    }

    private static Path writePublicKey(Path dir, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        byte[] der = g.generateKeyPair().getPublic().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        try {
            return Files.writeString(dir.resolve("rsa" + bits + ".pem"), pem);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

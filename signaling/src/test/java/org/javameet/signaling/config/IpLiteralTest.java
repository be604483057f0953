package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "127.0.0.1", "203.0.113.7", "255.255.255.255",
        "::", "::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1::", "fe80::1:2",
        "::ffff:192.0.2.1", "64:ff9b::198.51.100.7", "1:2:3:4:5:6:1.2.3.4"})
    void accepts(String address) {
        assertTrue(IpLiteral.isValid(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "localhost", "meet.example.com", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.04", "1.2.3.-4", " 1.2.3.4",
        "1.2.3.4 ", "１.2.3.4", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1",
        "::1%eth0", "[::1]", "1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "1::2:3:4:5:6:7:8", "٣::1"})
    void rejects(String address) {
        assertFalse(IpLiteral.isValid(address), address);
    }
}

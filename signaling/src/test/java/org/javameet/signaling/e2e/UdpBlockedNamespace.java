package org.javameet.signaling.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ChromiumNamespace} whose nftables rules drop every UDP packet in and out: a participant on a network
 * that blocks UDP. It reaches the test's namespace ({@link #HOST_ADDRESS} here, {@link #BLOCKED_ADDRESS} there)
 * by TCP only.
 */
final class UdpBlockedNamespace extends ChromiumNamespace {
    static final String HOST_ADDRESS = "198.51.100.1";
    static final String BLOCKED_ADDRESS = "198.51.100.2";

    UdpBlockedNamespace() throws Exception {
        super(HOST_ADDRESS, BLOCKED_ADDRESS, "jmudp0", "jmudp1", 9515, """
                table inet javameet_no_udp {
                  chain input { type filter hook input priority 0; meta l4proto udp counter drop; }
                  chain output { type filter hook output priority 0; meta l4proto udp counter drop; }
                }
                """);
    }

    /** UDP packets the namespace's rules dropped so far, both ways: proof the browser tried UDP. */
    long udpDropped() throws Exception {
        String out = inside("nft", "list", "table", "inet", "javameet_no_udp");
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(out);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }
}

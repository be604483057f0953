package org.javameet.signaling.config;

/**
 * Checks that a string is a literal IPv4 or IPv6 address, without ever resolving a name
 * ({@code InetAddress.getByName} would do a DNS lookup for anything that is not a literal).
 */
public final class IpLiteral {
    private IpLiteral() {}

    /** True for {@code 203.0.113.7}, {@code ::}, {@code 2001:db8::1}, {@code ::ffff:192.0.2.1}; false for names and zone ids. */
    public static boolean isValid(String s) {
        return s != null && (s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s));
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false; // a leading zero reads as octal to some tools: refuse rather than guess
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    // RFC 4291 section 2.2: eight groups of 1-4 hex digits, one "::" for a run of zero groups,
    // and the last 32 bits may be written as a dotted IPv4 address.
    static boolean isIpv6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon < 0) {
            int groups = countGroups(s);
            return groups == 8;
        }
        String head = s.substring(0, doubleColon);
        String tail = s.substring(doubleColon + 2);
        int headGroups = head.isEmpty() ? 0 : countGroups(head);
        int tailGroups = tail.isEmpty() ? 0 : countGroups(tail);
        if (headGroups < 0 || tailGroups < 0 || (headGroups > 0 && head.contains("."))) {
            return false;
        }
        return headGroups + tailGroups <= 7;
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Number of 16-bit groups in a ':'-separated run (a trailing IPv4 counts as two), or -1 if malformed. */
    private static int countGroups(String run) {
        String[] groups = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (i == groups.length - 1 && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) {
                    return -1;
                }
                count += 2;
                continue;
            }
            if (g.isEmpty() || g.length() > 4) {
                return -1;
            }
            for (int j = 0; j < g.length(); j++) {
                if (!isAsciiHex(g.charAt(j))) {
                    return -1;
                }
            }
            count++;
        }
        return count;
    }
}

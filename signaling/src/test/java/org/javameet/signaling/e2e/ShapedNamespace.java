package org.javameet.signaling.e2e;

/**
 * A {@link ChromiumNamespace} whose downlink can be narrowed: a token-bucket filter (tc tbf; this kernel has no
 * netem) on the test's end of the veth shapes everything sent towards the namespace, so a browser inside gets
 * its media, and only its media, through a link of a given rate, its queue dropping what would wait longer than
 * 200 ms, as a congested access link does. {@link #HOST_ADDRESS} here, {@link #SHAPED_ADDRESS} there.
 */
final class ShapedNamespace extends ChromiumNamespace {
    static final String HOST_ADDRESS = "203.0.113.1";
    static final String SHAPED_ADDRESS = "203.0.113.2";

    ShapedNamespace() throws Exception {
        super(HOST_ADDRESS, SHAPED_ADDRESS, "jmshp0", "jmshp1", 9516, null);
    }

    /** Everything towards the namespace from now on goes through {@code rate} (tc's syntax: "400kbit"). */
    void shapeDownlink(String rate) throws Exception {
        run("tc", "qdisc", "replace", "dev", hostInterface, "root", "tbf", "rate", rate, "burst", "8kb",
                "latency", "200ms");
    }

    /** The shaping's statistics (sent, dropped, overlimits), then the link at full speed again. */
    String unshape() throws Exception {
        String stats = run("tc", "-s", "qdisc", "show", "dev", hostInterface).trim().replaceAll("\\s+", " ");
        run("tc", "qdisc", "del", "dev", hostInterface, "root");
        return stats;
    }
}

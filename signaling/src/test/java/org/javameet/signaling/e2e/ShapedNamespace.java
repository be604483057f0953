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
    private static final int DRIVER_PORT = 9516;

    ShapedNamespace() throws Exception {
        super(HOST_ADDRESS, SHAPED_ADDRESS, "jmshp0", "jmshp1", DRIVER_PORT, null);
    }

    /**
     * Everything towards the namespace from now on goes through {@code rate} (tc's syntax: "100kbit"), except the
     * test's own WebDriver commands to the chromedriver inside: an htb class at that rate whose leaf is a tbf
     * dropping what would wait over 200 ms, and a u32 filter sending the chromedriver port's packets (the TCP
     * acknowledgements of its replies among them) to a class at link speed. Shaping those too made the driver
     * time out and the test lose the browser. (This kernel has no netem and no prio qdisc.)
     */
    void shapeDownlink(String rate) throws Exception {
        run("tc", "qdisc", "replace", "dev", hostInterface, "root", "handle", "1:", "htb", "default", "20");
        run("tc", "class", "add", "dev", hostInterface, "parent", "1:", "classid", "1:10", "htb", "rate", "1gbit");
        run("tc", "class", "add", "dev", hostInterface, "parent", "1:", "classid", "1:20", "htb", "rate", rate,
                "ceil", rate, "burst", "8kb");
        run("tc", "qdisc", "add", "dev", hostInterface, "parent", "1:20", "handle", "20:", "tbf", "rate", rate,
                "burst", "8kb", "latency", "200ms");
        run("tc", "filter", "add", "dev", hostInterface, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "dport", Integer.toString(DRIVER_PORT), "0xffff", "flowid", "1:10");
    }

    /** The shaping's statistics (per qdisc: sent, dropped, overlimits), then the link at full speed again. */
    String unshape() throws Exception {
        String stats = run("tc", "-s", "qdisc", "show", "dev", hostInterface).trim().replaceAll("\\s+", " ");
        run("tc", "qdisc", "del", "dev", hostInterface, "root");
        return stats;
    }
}

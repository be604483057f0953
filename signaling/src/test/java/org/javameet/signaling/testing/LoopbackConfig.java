package org.javameet.signaling.testing;

import java.util.List;
import org.javameet.signaling.config.ServerConfig;

/** The configuration in-process test servers start from: loopback only, on free ports, 127.0.0.1 as host candidate. */
public final class LoopbackConfig {
    private LoopbackConfig() {
    }

    /** The defaults on free loopback ports, for a test to change what it needs before {@code build()}. */
    public static ServerConfig.Builder builder() {
        return ServerConfig.defaults().toBuilder().httpAddress("127.0.0.1").httpPort(FreePorts.tcp())
                .mediaPort(FreePorts.udp()).publicAddresses(List.of("127.0.0.1"));
    }
}

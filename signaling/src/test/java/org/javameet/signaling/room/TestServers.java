package org.javameet.signaling.room;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.LoopbackConfig;

/** Starts the real server in-process on free loopback ports. */
final class TestServers {
    private TestServers() {
    }

    static ServerConfig loopback() {
        return LoopbackConfig.builder().build();
    }

    static JavameetServer start(ServerConfig config) throws Exception {
        return new JavameetServer(config, null).start();
    }

    static Room room(JavameetServer server, String name) {
        return server.rooms().room(name);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

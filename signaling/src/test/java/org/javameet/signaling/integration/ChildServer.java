package org.javameet.signaling.integration;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.javameet.signaling.Main;
import org.javameet.signaling.testing.FreePorts;

/**
 * The real server ({@link Main}) in a child JVM on the test's own classpath, for what a test must do to the process
 * itself: kill it, send it SIGTERM, run it in a namespace of its own. Its output goes to {@code server.log}.
 */
final class ChildServer implements AutoCloseable {
    final Process process;
    final int httpPort;
    final Path log;

    private ChildServer(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * Starts {@code prefix} (e.g. a namespace's shell, or nothing) followed by the server's java command line, with
     * {@code config} on loopback ports of its own.
     */
    static ChildServer start(Path dir, Path config, List<String> prefix) throws IOException {
        int httpPort = FreePorts.tcp();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString(), "--http-address", "127.0.0.1", "--http-port", Integer.toString(httpPort),
                "--media-port", Integer.toString(FreePorts.udp()), "--public-address", "127.0.0.1"));
        Path log = dir.resolve("server.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildServer(p, httpPort, log);
    }

    /** Waits until the server says it is ready, or its process ends (then check {@link Process#exitValue}). */
    void awaitReadyOrExit(Duration timeout) {
        Eventually.await("the child server listening", timeout,
                () -> !process.isAlive() || log().contains(" ready in "), this::log);
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/ws");
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Every {@code .webm} under {@code root}, sorted. */
    static List<Path> webmFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".webm")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

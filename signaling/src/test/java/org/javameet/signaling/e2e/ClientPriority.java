package org.javameet.signaling.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The browsers and other clients of a browser test run {@value #CLIENT_NICE} nice levels below the test's JVM,
 * which is the server under test (test.sh runs that JVM at nice -10 when it may, so the clients end up at the
 * machine's default).
 *
 * <p>Why: three Chromiums take ~155 % of the two cores here. Starved of CPU, the server's media loop reads packets
 * late, in bunches, and the arrival times it reports to publishers in transport-cc feedback — their congestion
 * signal — jitter by the scheduler's slices. Chromium reads that as queueing: on the slower machine of 2026-12-02
 * the publisher's estimate stayed at 276–755 kbit/s on loopback, it never sent its 720p or a steady 640x360
 * layer, and ShapedDownlinkBrowserTest and SimulcastBrowserTest failed in 5 of 6 and 3 of 3 runs; with the
 * server's threads at -10, 3 of 3 passed (the publisher's estimate 2.5 Mbit/s). In the field the browsers are
 * on other machines: giving the server priority over its own test's clients measures the server, as the load
 * harness pins its emulated participants away from the target (docs/performance.md).
 */
final class ClientPriority {
    static final int CLIENT_NICE = 10;

    private ClientPriority() {
    }

    /** {@code command}, run {@value #CLIENT_NICE} levels nicer than this JVM. */
    static List<String> niced(List<String> command) {
        List<String> out = new ArrayList<>(List.of("nice", "-n", Integer.toString(CLIENT_NICE)));
        out.addAll(command);
        return out;
    }

    private static Path chromedriver;

    /** An executable that starts {@code Browsers.CHROMEDRIVER} (and so every Chromium it starts) niced. */
    static synchronized Path nicedChromedriver() {
        if (chromedriver == null) {
            try {
                Path dir = Files.createTempDirectory("javameet-niced");
                Path script = dir.resolve("chromedriver");
                Files.writeString(script, "#!/bin/sh\nexec nice -n " + CLIENT_NICE + " " + Browsers.CHROMEDRIVER
                        + " \"$@\"\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                script.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                chromedriver = script;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return chromedriver;
    }
}

package org.javameet.bench.load;

import java.io.IOException;
import java.nio.file.Path;

/** Janus VideoRoom as a target (not wired yet). */
final class JanusTarget {
    private JanusTarget() {
    }

    static TargetServer start(LoadOptions options, Path logDir) throws IOException {
        throw new IOException("janus target not implemented yet");
    }
}

package org.javameet.bench.load;

import java.nio.file.Path;

/** Starts the server side of a run for a {@link Target}. */
final class Targets {
    private Targets() {
    }

    static TargetServer start(Target target, LoadOptions options, Path logDir) throws Exception {
        return switch (target) {
            case JAVAMEET -> JavameetTarget.start(options, logDir);
            case BASELINE -> BaselineTarget.start(options, logDir);
            case JANUS -> JanusTarget.start(options, logDir);
        };
    }
}

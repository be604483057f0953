package org.javameet.bench.load.targets;

import java.nio.file.Path;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.Target;
import org.javameet.bench.load.run.TargetServer;

/** Starts the server side of a run for a {@link Target}. */
public final class Targets {
    private Targets() {
    }

    public static TargetServer start(Target target, LoadOptions options, Path logDir) throws Exception {
        return switch (target) {
            case JAVAMEET -> JavameetTarget.start(options, logDir, false);
            case JAVAMEET_TCP -> JavameetTarget.start(options, logDir, true);
            case BASELINE, BASELINE_GCM -> BaselineTarget.start(target, options, logDir);
            case JANUS -> JanusTarget.start(options, logDir);
        };
    }
}

package org.javameet.bench.load.targets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.javameet.bench.load.run.ChildProcess;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.bench.load.run.Target;
import org.javameet.bench.load.run.TargetServer;
import org.javameet.peer.MeasurementWindow;
import org.javameet.peer.PeerRuntime;

/**
 * The bare fan-out as a target: {@link BaselineRelay} in a child JVM, participants on peer-client's SDP-less
 * transport, sending plain RTP ({@code baseline}) or AES-GCM SRTP ({@code baseline-gcm}).
 */
final class BaselineTarget implements TargetServer {
    private final LoadOptions options;
    private final ChildProcess child;
    private final InetSocketAddress relay;
    private final PeerRuntime runtime;
    private final Target target;

    private BaselineTarget(Target target, LoadOptions options, ChildProcess child, InetSocketAddress relay) {
        this.target = target;
        this.options = options;
        this.child = child;
        this.relay = relay;
        this.runtime = new PeerRuntime(options.clientLoops(), 1);
    }

    static BaselineTarget start(Target target, LoadOptions options, Path logDir) throws IOException {
        int port = ChildProcess.freeUdpPort();
        long maxSeconds = options.durationSeconds() + options.rampUpSeconds() + 120L;
        Path log = logDir.resolve("baseline-relay.log");
        ChildProcess c = ChildProcess.start("baseline relay", options.pinnedTarget(List.of(TargetServer.javaBinary(),
                "-cp", System.getProperty("java.class.path"), BaselineRelay.class.getName(), "--port",
                Integer.toString(port), "--max-seconds", Long.toString(maxSeconds))), log);
        try {
            c.awaitReady(() -> {
                try {
                    return Files.readString(log).contains("listening");
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new BaselineTarget(target, options, c, new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public LoadParticipant participant(String room, int index, boolean publisher) {
        return new BaselineParticipant(runtime, relay, new LoadParticipant.Seat(room, "p" + index, publisher),
                target == Target.BASELINE_GCM, options);
    }

    @Override
    public MeasurementWindow window() {
        return runtime.window();
    }

    @Override
    public void close() {
        runtime.close();
        child.close();
    }
}

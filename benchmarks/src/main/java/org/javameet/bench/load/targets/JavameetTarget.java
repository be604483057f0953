package org.javameet.bench.load.targets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.javameet.bench.load.run.ChildProcess;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.bench.load.run.Target;
import org.javameet.bench.load.run.TargetServer;
import org.javameet.peer.MeasurementWindow;
import org.javameet.peer.PeerRuntime;

/**
 * javameet as the target: the server started from its jar on free loopback ports (or one already running),
 * and peer-client {@link org.javameet.peer.Participant}s joining it.
 */
final class JavameetTarget implements TargetServer {
    static final String FORWARDED_METRIC = "javameet_media_rtp_forwarded_total";

    private final LoadOptions options;
    private final ChildProcess child;
    private final URI base;
    private final long pid;
    private final PeerRuntime runtime;
    /** Every participant connects over ICE-TCP ({@link Target#JAVAMEET_TCP}); else {@code --tcp-share} of them. */
    private final boolean iceTcp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Where the server writes recordings ({@code --record-rooms}), or null. */
    private final Path recordings;
    /** Each room's participants in joining order: the first one whose join succeeded is its moderator. */
    private final Map<String, List<JavameetParticipant>> byRoom = new LinkedHashMap<>();
    private RoomRecordings recorded;

    private JavameetTarget(LoadOptions options, ChildProcess child, URI base, long pid, boolean iceTcp,
                           Path recordings) {
        this.recordings = recordings;
        this.options = options;
        this.iceTcp = iceTcp;
        this.child = child;
        this.base = base;
        this.pid = pid;
        // DTLS handshakes block a thread each for a few round trips; with only a few threads, queued handshakes
        // of a fast ramp-up hit peer-client's 10 s handshake timeout on a busy machine
        this.runtime = new PeerRuntime(options.clientLoops(), 16);
    }

    /** The server's switch for bandwidth probes (org.javameet.sfu.router.Prober): measurements only. */
    static final String PROBING_PROPERTY = "javameet.bwe.probing";

    static JavameetTarget start(LoadOptions options, Path logDir, boolean iceTcp) throws IOException {
        if (!options.startServer()) {
            return new JavameetTarget(options, null, options.serverUrl(), options.serverPid(), iceTcp, null);
        }
        Path jar = Path.of(options.javameetJar());
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " not found: build it first (mvn -B -o -pl signaling -am package -DskipTests)");
        }
        int httpPort = ChildProcess.freeTcpPort();
        int mediaPort = freeUdpPorts(options.mediaLoops());
        // G1, as the NixOS service runs it (jvmOptions' default): pinned to one CPU the JVM would otherwise pick the
        // serial collector, whose young pauses took 44-92 ms here (G1 on the same CPU: 5-23 ms)
        List<String> cmd = new ArrayList<>(List.of(TargetServer.javaBinary(), "-XX:+UseG1GC"));
        if (!options.probing()) {
            cmd.add("-D" + PROBING_PROPERTY + "=false");
        }
        cmd.addAll(List.of("-jar", jar.toString(),
                "--http-address", "127.0.0.1", "--http-port", Integer.toString(httpPort),
                "--media-port", Integer.toString(mediaPort),
                "--media-tcp-port", Integer.toString(ChildProcess.freeTcpPort()), "--public-address", "127.0.0.1",
                "--local-address", "127.0.0.1", "--log-level", "warn",
                "--media-loops", Integer.toString(options.mediaLoops())));
        Path recordings = null;
        if (options.recordRooms() > 0) {
            recordings = Files.createDirectories(logDir.resolve("recordings"));
            Path config = logDir.resolve("javameet-recording.json");
            // no compose: the run measures recording itself; no free-space stop: the run is bounded anyway
            Files.writeString(config, "{\"recording\": {\"enabled\": true, \"directory\": \"" + recordings
                    + "\", \"compose\": false, \"maxConcurrent\": " + options.recordRooms() + ", \"minFreeDiskMb\": 0}}");
            cmd.addAll(List.of("--config", config.toString()));
        }
        ChildProcess c = ChildProcess.start("javameet", options.pinnedTarget(cmd), logDir.resolve("javameet.log"));
        URI base = URI.create("http://127.0.0.1:" + httpPort);
        JavameetTarget t = new JavameetTarget(options, c, base, c.pid(), iceTcp, recordings);
        try {
            c.awaitReady(() -> ChildProcess.httpOk(t.http, base.resolve("/healthz")), Duration.ofSeconds(90));
        } catch (IOException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** The first of {@code n} consecutive free UDP ports on loopback (one per media loop). */
    private static int freeUdpPorts(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = ChildProcess.freeUdpPort();
            if (first + n - 1 > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < n && free; i++) {
                try (java.net.DatagramSocket s = new java.net.DatagramSocket(
                        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), first + i))) {
                    // free
                } catch (java.net.SocketException taken) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + n + " consecutive free UDP ports");
    }

    @Override
    public String note() {
        String loops = options.mediaLoops() == 1 ? null : options.mediaLoops() + " media loops";
        String bwe = options.transportCc() ? (options.probing() ? null : "probing off") : "transport-cc off";
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {loops, bwe, options.simulcast() > 1 ? "simulcast " + options.simulcast() : null,
                options.receiverCapKbps() > 0 ? "receiver cap " + options.receiverCapKbps() + " kbit/s" : null}) {
            if (p != null) {
                parts.add(p);
            }
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    @Override
    public Target target() {
        return iceTcp ? Target.JAVAMEET_TCP : Target.JAVAMEET;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public LoadParticipant participant(String room, int index, boolean publisher) {
        return participant(room, index, publisher, false);
    }

    @Override
    public LoadParticipant participant(String room, int index, boolean publisher, boolean capped) {
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
        JavameetParticipant p = new JavameetParticipant(runtime, ws, new LoadParticipant.Seat(room, "p" + index,
                publisher), options, iceTcp || options.overTcp(index), capped);
        byRoom.computeIfAbsent(room, r -> new ArrayList<>()).add(p); // created in joining order
        return p;
    }

    /** Everyone is in: the first {@code --record-rooms} rooms start recording, before the window is set. */
    @Override
    public void allJoined(List<LoadParticipant> participants) throws Exception {
        if (recordings != null) {
            recorded = RoomRecordings.start(byRoom.values().stream().limit(options.recordRooms())
                    .map(room -> room.stream().map(JavameetParticipant::peer).filter(java.util.Objects::nonNull).toList())
                    .toList(), recordings);
        }
    }

    @Override
    public void windowOpening() {
        if (recorded != null) {
            recorded.windowOpening(pid);
        }
    }

    @Override
    public String afterWindow(long windowStartEpochMs, long windowEndEpochMs) throws Exception {
        if (recorded == null) {
            return null;
        }
        return recorded.stopAndReport(pid, windowStartEpochMs, windowEndEpochMs, queueFullDrops(scrape()));
    }

    /** {@code javameet_media_dropped_packets_total{reason="recorder_queue_full"}}; 0 when never counted. */
    static double queueFullDrops(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("javameet_media_dropped_packets_total{") && line.contains("reason=\"recorder_queue_full\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private String scrape() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public OptionalDouble forwardedCounter() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? metric(r.body(), FORWARDED_METRIC) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    @Override
    public double[] pacerCounters() {
        String text = scrape();
        OptionalDouble held = metric(text, "javameet_media_paced_packets_total");
        OptionalDouble overdue = metric(text, "javameet_media_paced_overdue_total");
        return held.isPresent() && overdue.isPresent() ? new double[] {held.getAsDouble(), overdue.getAsDouble()} : null;
    }

    /** The value of an unlabelled sample in Prometheus text format. */
    static OptionalDouble metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                try {
                    return OptionalDouble.of(Double.parseDouble(line.substring(name.length() + 1).trim()));
                } catch (NumberFormatException e) {
                    return OptionalDouble.empty();
                }
            }
        }
        return OptionalDouble.empty();
    }

    @Override
    public MeasurementWindow window() {
        return runtime.window();
    }

    @Override
    public void close() {
        runtime.close();
        if (child != null) {
            child.close();
        }
    }
}

package org.javameet.bench.load.targets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.ChildProcess;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.bench.load.run.Target;
import org.javameet.bench.load.run.TargetServer;
import org.javameet.peer.MeasurementWindow;
import org.javameet.peer.PeerRuntime;

/**
 * Janus 1.1.x as a target: {@code benchmarks/janus/run-janus.sh} fills free ports and the event-loop count (one
 * per core the target may use) into a copy of the config directory and execs
 * {@code janus -F <copy> -C <copy>/janus.jcfg}; a control session creates one VideoRoom per
 * harness room; participants join as publishers; once all have joined each subscribes to every other publisher
 * of its room.
 */
final class JanusTarget implements TargetServer {
    private final LoadOptions options;
    private final ChildProcess child;
    private final URI ws;
    private final PeerRuntime runtime;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "janus-keepalive");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Long> rooms = new HashMap<>();
    private JanusApi control;
    private long controlHandle;

    private JanusTarget(LoadOptions options, ChildProcess child, URI ws) {
        this.options = options;
        this.child = child;
        this.ws = ws;
        this.runtime = new PeerRuntime(options.clientLoops(), 4);
    }

    static JanusTarget start(LoadOptions options, Path logDir) throws Exception {
        Path binary = Path.of(options.janusBinary());
        if (!Files.isExecutable(binary)) {
            throw new IOException("Janus is not installed (" + binary + " missing): on Debian run "
                    + "`apt-get install -y janus`, or pass --janus PATH; or leave janus out of --target");
        }
        Path templates = Path.of(options.janusConfigDir());
        Path script = templates.resolve("run-janus.sh");
        if (!Files.isRegularFile(script)) {
            throw new IOException(script + " not found: run from the repository root or pass --janus-config DIR");
        }
        int wsPort = ChildProcess.freeTcpPort();
        int rtpMin = 20000 + (int) (Math.random() * 200) * 100;
        ChildProcess c = ChildProcess.start("janus", options.pinnedTarget(List.of("sh", script.toString(),
                templates.toString(), logDir.resolve("janus-config").toString(), Integer.toString(wsPort),
                Integer.toString(rtpMin), Integer.toString(rtpMin + 2999), binary.toString(),
                Integer.toString(options.targetCores()))), logDir.resolve("janus.log"));
        JanusTarget t = new JanusTarget(options, c, URI.create("ws://127.0.0.1:" + wsPort));
        try {
            c.awaitReady(() -> listening(wsPort), Duration.ofSeconds(30));
            t.control = JanusApi.connect(t.http, t.ws, t.timer).get(10, TimeUnit.SECONDS);
            t.controlHandle = t.control.attach().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Target target() {
        return Target.JANUS;
    }

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public LoadParticipant participant(String room, int index, boolean publisher) throws Exception {
        Long id = rooms.get(room);
        if (id == null) {
            id = 1000L + rooms.size();
            ObjectNode body = JanusApi.JSON.createObjectNode();
            body.put("request", "create").put("room", id).put("permanent", false)
                    .put("publishers", LoadOptions.MAX_PARTICIPANTS).put("bitrate", 0)
                    .put("audiocodec", "opus").put("videocodec", "vp8").put("notify_joining", false);
            control.message(controlHandle, body, null).get(10, TimeUnit.SECONDS);
            rooms.put(room, id);
        }
        return new JanusParticipant(runtime, http, ws, timer,
                new LoadParticipant.Seat(Long.toString(id), "p" + index, publisher), options);
    }

    @Override
    public void allJoined(List<LoadParticipant> participants) throws Exception {
        Map<Long, List<JanusParticipant>> byRoom = new HashMap<>();
        for (LoadParticipant p : participants) {
            JanusParticipant j = (JanusParticipant) p;
            byRoom.computeIfAbsent(roomOf(j), r -> new ArrayList<>()).add(j);
        }
        List<CompletableFuture<?>> subs = new ArrayList<>();
        for (List<JanusParticipant> members : byRoom.values()) {
            for (JanusParticipant j : members) {
                List<Long> feeds = new ArrayList<>();
                for (JanusParticipant other : members) {
                    if (other != j && other.feedId != 0) {
                        feeds.add(other.feedId);
                    }
                }
                subs.add(j.subscribe(feeds));
            }
        }
        int failed = 0;
        String first = null;
        for (CompletableFuture<?> f : subs) {
            try {
                f.get(45, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
                if (first == null) {
                    first = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        if (failed > 0) {
            System.out.println(failed + " Janus subscriptions failed; first: " + first);
        }
    }

    private static long roomOf(JanusParticipant j) {
        return Long.parseLong(j.seat().room());
    }

    @Override
    public MeasurementWindow window() {
        return runtime.window();
    }

    /** Said next to Janus's figures: its SRTP is not the same crypto library as javameet's or OpenSSL's. */
    static final String NSS_NOTE = "Debian's Janus uses libsrtp2, which Debian builds with NSS (not OpenSSL) for "
            + "AES-GCM and AES-CM; Janus ran with event_loops = ";

    @Override
    public String note() {
        return NSS_NOTE + options.targetCores();
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        runtime.close();
        timer.shutdownNow();
        child.close();
    }
}

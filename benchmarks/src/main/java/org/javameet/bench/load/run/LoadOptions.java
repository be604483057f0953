package org.javameet.bench.load.run;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario of one harness invocation, parsed from the command line and checked against the hard limits
 * (a run is bounded in time and size, and traffic stays on loopback).
 *
 * @param targets run one after another, each over every step
 * @param steps participants per room for each step; a single step when {@code --steps} is absent
 * @param publishers publishers per room (the rest listen); capped at the step's participant count
 * @param serverUrl an already running javameet (http://127.0.0.1:PORT), or null with {@code startServer}
 * @param serverPid that server's pid, for CPU and RSS; 0 = unknown (then only /metrics figures)
 * @param lossPercent packets the emulated participants drop, on receive and on send each
 * @param pinTarget CPUs (taskset list, e.g. {@code 1} or {@code 0-1}) the target process runs on, null = any
 * @param pinHarness CPUs this harness JVM runs on, null = any
 * @param tcpShare the share (0..1) of the {@code javameet} target's participants that connect over ICE-TCP instead
 *                 of UDP, spread evenly over the join order; the report splits delivery and latency by receiver path
 * @param recordRooms rooms (the first N) the javameet target records during the run, from before the window
 * @param mediaLoops media event loops of a javameet the harness starts ({@code --media-loops})
 * @param transportCc javameet: subscribers keep transport-cc and send its feedback, so the server runs a
 *                    send-side estimate for each ({@code --transport-cc on}, as browsers), or drop it ({@code off})
 * @param probing javameet: the server probes held-back subscribers' paths with padding ({@code --probing on}, its
 *                default), or not ({@code off}: the started server gets {@code -Djavameet.bwe.probing=false})
 */
public record LoadOptions(List<Target> targets, int rooms, List<Integer> steps, int publishers, int videoKbps,
                          int fps, int durationSeconds, int rampUpSeconds, double lossPercent, URI serverUrl,
                          long serverPid, boolean startServer, String javameetJar, String janusBinary,
                          String janusConfigDir, String outPrefix, int clientLoops, String pinTarget,
                          String pinHarness, double tcpShare, int recordRooms, int mediaLoops,
                          boolean transportCc, boolean probing, int simulcast, int receiverCapKbps, int cappedReceivers) {
    public static final int MAX_DURATION_SECONDS = 600;
    public static final int MAX_PARTICIPANTS = 1000;
    /**
     * The machine's CPUs as this JVM saw them before {@code --pin-harness} narrowed its affinity (the options
     * are parsed first), so CPU lists and Janus's event loops are judged against the whole machine.
     */
    static final int MACHINE_CPUS = Runtime.getRuntime().availableProcessors();

    public static final String USAGE = """
            Usage: java -cp benchmarks/target/benchmarks.jar org.javameet.bench.load.LoadHarness [options]

            Emulated WebRTC participants (real ICE, DTLS, SRTP) load an SFU on this machine and the harness
            reports the SFU's CPU per forwarded packet, loss, added latency and join time (JSON + HTML).

              --target T[,T...]     javameet, javameet-tcp (participants over ICE-TCP), janus, baseline,
                                    baseline-gcm (default javameet,baseline); run in order. baseline-gcm is
                                    the bare fan-out with AES-GCM SRTP
              --rooms N             rooms (default 1)
              --participants N      participants per room (default 4)
              --steps A,B,...       participants per room for successive runs (overrides --participants)
              --publishers N        publishers per room, the rest only listen (default: all)
              --video-kbps N        video bitrate of each publisher (default 500)
              --fps N               video frames per second (default 30)
              --duration S          measured seconds per run, after ramp-up (default 30, max 600)
              --ramp-up S           seconds over which participants join (default 5)
              --loss P              percent of packets each participant drops on receive and on send (default 0)
              --tcp-share F         share 0..1 of the javameet target's participants that connect over ICE-TCP
                                    (e.g. 0.25: every fourth); the report splits delivery and latency by UDP and
                                    TCP receivers (default 0)
              --server-url URL      an already running javameet, e.g. http://127.0.0.1:8080
              --server-pid PID      its process id, for CPU and RSS from /proc
              --start-server        start signaling/target/javameet.jar as a child process (default when
                                    no --server-url is given)
              --javameet-jar PATH   the jar --start-server runs (default signaling/target/javameet.jar)
              --janus PATH          the janus binary (default /usr/bin/janus)
              --janus-config DIR    the config templates (default benchmarks/janus)
              --client-loops N      event loop threads of the emulated participants (default 2)
              --pin-target CPUS     run the target server under `taskset -c CPUS` (e.g. 1, or 0-1); Janus
                                    gets one event loop per CPU of the list (default: all CPUs, one per core)
              --pin-harness CPUS    move this harness's threads onto CPUS (`taskset -a -p -c`), so emulated
                                    participants cannot take the target's cores; both CPU figures are reported
              --record-rooms N      javameet: the first N rooms are recorded (their moderator starts it once
                                    everyone has joined, files under the run's log directory; no compose);
                                    the report's note gives the recorder threads' CPU, recorder_queue_full
                                    drops and how much of the window each file covers (default 0)
              --media-loops N       media event loops of the javameet it starts (default 1); with
                                    --rooms, rooms spread over them
              --transport-cc on|off javameet: subscribers send transport-cc feedback and the server estimates
                                    each one's bandwidth (on, as browsers; default), or their answers drop it
              --probing on|off      javameet it starts: bandwidth probes of subscribers held back by their
                                    estimate (on, the server's default), or none, for comparison (default on)
              --simulcast N         javameet: publishers send their camera as N simulcast layers (1..3; the top
                                    one at --video-kbps, each lower one half the size and a quarter of the
                                    rate); delivery then counts, per receiver and publisher, the packets of the
                                    layer the server forwarded it. Janus and baseline: not applicable (one
                                    stream each, as the report says) (default 1)
              --receiver-cap KBPS   javameet: the capped receivers' downlink holds KBPS kbit/s (queue, then
                                    drop, as tc tbf); the report lists every receiver's delivered bitrate,
                                    layers, loss and the server's estimate for it (default 0: no cap)
              --capped-receivers K  how many participants of each room are capped, the last to join first
                                    (listeners before publishers) (default: all, with --receiver-cap)
              --out PREFIX          report files PREFIX.json and PREFIX.html (default load-report)
              --help
            """;

    public static LoadOptions parse(String[] args) {
        List<Target> targets = List.of(Target.JAVAMEET, Target.BASELINE);
        int rooms = 1;
        int participants = 4;
        List<Integer> steps = null;
        int publishers = -1;
        int videoKbps = 500;
        int fps = 30;
        int duration = 30;
        int rampUp = 5;
        double loss = 0;
        double tcpShare = 0;
        URI serverUrl = null;
        long serverPid = 0;
        boolean startServer = false;
        String jar = "signaling/target/javameet.jar";
        String janus = "/usr/bin/janus";
        String janusConfig = "benchmarks/janus";
        String out = "load-report";
        int loops = 2;
        String pinTarget = null;
        String pinHarness = null;
        int recordRooms = 0;
        int mediaLoops = 1;
        boolean transportCc = true;
        boolean probing = true;
        int simulcast = 1;
        int receiverCap = 0;
        int capped = -1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> throw new UsageException(null);
                case "--start-server" -> startServer = true;
                default -> {
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(a + " needs a value");
                        }
                        v = args[++i];
                    }
                    switch (a) {
                        case "--target", "--targets" -> {
                            List<Target> t = new ArrayList<>();
                            for (String s : v.split(",")) {
                                t.add(Target.parse(s));
                            }
                            targets = List.copyOf(t);
                        }
                        case "--rooms" -> rooms = intIn(a, v, 1, MAX_PARTICIPANTS);
                        case "--participants" -> participants = intIn(a, v, 1, MAX_PARTICIPANTS);
                        case "--steps" -> steps = parseSteps(v);
                        case "--publishers" -> publishers = intIn(a, v, 0, MAX_PARTICIPANTS);
                        case "--video-kbps" -> videoKbps = intIn(a, v, 8, 20_000);
                        case "--fps" -> fps = intIn(a, v, 1, 60);
                        case "--duration" -> duration = intIn(a, v, 1, MAX_DURATION_SECONDS);
                        case "--ramp-up" -> rampUp = intIn(a, v, 0, 120);
                        case "--loss" -> {
                            try {
                                loss = Double.parseDouble(v);
                            } catch (NumberFormatException e) {
                                throw new UsageException("--loss: not a number: " + v);
                            }
                            if (loss < 0 || loss > 50) {
                                throw new UsageException("--loss must be 0..50 (percent)");
                            }
                        }
                        case "--tcp-share" -> {
                            try {
                                tcpShare = Double.parseDouble(v);
                            } catch (NumberFormatException e) {
                                throw new UsageException("--tcp-share: not a number: " + v);
                            }
                            if (!(tcpShare >= 0 && tcpShare <= 1)) {
                                throw new UsageException("--tcp-share must be 0..1 (a share of the participants)");
                            }
                        }
                        case "--server-url" -> serverUrl = URI.create(v);
                        case "--server-pid" -> serverPid = Long.parseLong(v);
                        case "--javameet-jar" -> jar = v;
                        case "--janus" -> janus = v;
                        case "--janus-config" -> janusConfig = v;
                        case "--client-loops" -> loops = intIn(a, v, 1, 16);
                        case "--media-loops" -> mediaLoops = intIn(a, v, 1, 64);
                        case "--transport-cc" -> {
                            if (!v.equals("on") && !v.equals("off")) {
                                throw new UsageException("--transport-cc must be on or off");
                            }
                            transportCc = v.equals("on");
                        }
                        case "--probing" -> {
                            if (!v.equals("on") && !v.equals("off")) {
                                throw new UsageException("--probing must be on or off");
                            }
                            probing = v.equals("on");
                        }
                        case "--simulcast" -> simulcast = intIn(a, v, 1, 3);
                        case "--receiver-cap" -> receiverCap = intIn(a, v, 16, 1_000_000);
                        case "--capped-receivers" -> capped = intIn(a, v, 0, MAX_PARTICIPANTS);
                        case "--out" -> out = v;
                        case "--pin-target" -> pinTarget = cpuList(a, v);
                        case "--pin-harness" -> pinHarness = cpuList(a, v);
                        case "--record-rooms" -> recordRooms = intIn(a, v, 0, MAX_PARTICIPANTS);
                        default -> throw new UsageException("unknown option " + a);
                    }
                }
            }
        }
        if (steps == null) {
            steps = List.of(participants);
        }
        if (recordRooms > rooms) {
            throw new UsageException("--record-rooms " + recordRooms + " exceeds --rooms " + rooms);
        }
        if (recordRooms > 0 && (serverUrl != null
                || targets.stream().anyMatch(t -> t != Target.JAVAMEET && t != Target.JAVAMEET_TCP))) {
            throw new UsageException("--record-rooms needs javameet targets only and a server the harness starts"
                    + " (it configures recording)");
        }
        for (int s : steps) {
            if ((long) s * rooms > MAX_PARTICIPANTS) {
                throw new UsageException(rooms + " rooms x " + s + " participants exceeds " + MAX_PARTICIPANTS);
            }
        }
        if (tcpShare > 0 && !targets.contains(Target.JAVAMEET)) {
            throw new UsageException("--tcp-share mixes UDP and TCP participants on the javameet target, which this "
                    + "run does not have (javameet-tcp has every participant on TCP)");
        }
        if (capped >= 0 && receiverCap == 0) {
            throw new UsageException("--capped-receivers needs --receiver-cap (the capacity of their downlink)");
        }
        if ((simulcast > 1 || receiverCap > 0)
                && targets.stream().noneMatch(t -> t == Target.JAVAMEET || t == Target.JAVAMEET_TCP)) {
            throw new UsageException("--simulcast and --receiver-cap apply to javameet targets only (this run has "
                    + targets + ")");
        }
        if (serverUrl != null) {
            String host = serverUrl.getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                throw new UsageException("--server-url must be on 127.0.0.1: the harness only sends to loopback");
            }
            if (startServer) {
                throw new UsageException("--server-url and --start-server exclude each other");
            }
        } else {
            startServer = true;
        }
        return new LoadOptions(targets, rooms, List.copyOf(steps), publishers, videoKbps, fps, duration, rampUp,
                loss, serverUrl, serverPid, startServer, jar, janus, janusConfig, out, loops, pinTarget, pinHarness,
                tcpShare, recordRooms, mediaLoops, transportCc, probing, simulcast, receiverCap, capped);
    }

    static List<Integer> parseSteps(String v) {
        List<Integer> s = new ArrayList<>();
        for (String p : v.split(",")) {
            if (!p.isBlank()) {
                s.add(intIn("--steps", p.trim(), 1, MAX_PARTICIPANTS));
            }
        }
        if (s.isEmpty()) {
            throw new UsageException("--steps: no counts");
        }
        return s;
    }

    private static int intIn(String name, String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": not a number: " + v);
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    /** A taskset CPU list: numbers and ranges separated by commas, each CPU this machine has. */
    static String cpuList(String name, String v) {
        if (cpus(v) == 0) {
            throw new UsageException(name + ": not a CPU list (e.g. 1, 0-1, 0,2): " + v);
        }
        return v;
    }

    /** How many CPUs a taskset list names; 0 when it is not one (or names a CPU this machine lacks). */
    static int cpus(String list) {
        int n = 0;
        int max = MACHINE_CPUS;
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            try {
                int from = Integer.parseInt(range[0].trim());
                int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
                if (range.length > 2 || from < 0 || to < from || to >= max) {
                    return 0;
                }
                n += to - from + 1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return n;
    }

    /**
     * The target's command, under {@code taskset -c} when {@code --pin-target} was given; when only the harness
     * is pinned, explicitly on every CPU (a child inherits its parent's affinity, so it would otherwise share the
     * harness's CPUs).
     */
    public List<String> pinnedTarget(List<String> command) {
        if (pinTarget == null && pinHarness == null) {
            return command;
        }
        String cpus = pinTarget != null ? pinTarget : "0-" + (MACHINE_CPUS - 1);
        List<String> c = new ArrayList<>(List.of("taskset", "-c", cpus));
        c.addAll(command);
        return c;
    }

    /** How the run was pinned, for the report: "target CPUs 1, harness CPUs 0" or "any". */
    public String pinning() {
        if (pinTarget == null && pinHarness == null) {
            return "any";
        }
        return "target CPUs " + (pinTarget == null ? "any" : pinTarget) + ", harness CPUs "
                + (pinHarness == null ? "any" : pinHarness);
    }

    /** CPUs the target may use: the pinned ones, or all of them. */
    public int targetCores() {
        return pinTarget == null ? MACHINE_CPUS : cpus(pinTarget);
    }

    /**
     * Whether the javameet target's participant {@code index} (in join order, over all rooms) connects over ICE-TCP:
     * {@code tcpShare} of them, evenly spread (0.25: indexes 3, 7, 11, ...), so both kinds publish and receive.
     */
    public boolean overTcp(int index) {
        return Math.floor((index + 1) * tcpShare) > Math.floor(index * tcpShare);
    }

    /**
     * Whether participant {@code indexInRoom} (in joining order) of a room of {@code participants} is behind the
     * receive-rate cap: the last {@code --capped-receivers} of each room (all of them when not given), so listeners
     * (who join after the publishers) are capped first.
     */
    public boolean capped(int indexInRoom, int participants) {
        if (receiverCapKbps == 0) {
            return false;
        }
        int k = cappedReceivers < 0 ? participants : Math.min(cappedReceivers, participants);
        return indexInRoom >= participants - k;
    }

    /** Publishers per room at a step of {@code participants} per room. */
    public int publishersAt(int participants) {
        return publishers < 0 ? participants : Math.min(publishers, participants);
    }

    /** Longest a whole invocation may take: every run plus start-up and tear-down margins. */
    public long wallClockLimitSeconds() {
        long perRun = durationSeconds + rampUpSeconds + 90L;
        return perRun * targets.size() * steps.size() + 60;
    }

    /** A bad command line; the message says what (null: just print the usage). */
    public static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}

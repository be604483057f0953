package org.javameet.signaling;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.javameet.signaling.config.ConfigException;
import org.javameet.signaling.config.LogLevel;
import org.javameet.signaling.config.ServerConfig;

/** {@code java -jar javameet.jar [options]}: parses the command line, loads the config and runs the server. */
public final class Main {
    static final String USAGE = """
            Usage: java -jar javameet.jar [options]

            javameet: a self-hosted video meeting server (WebRTC SFU, signaling and web client in one process).
            Open http://<host>:<http-port>/<room> in browsers to meet.

            Options (they override the config file):
              --config FILE          JSON config file (see docs/configuration.md)
              --http-address ADDR    address for HTTP/WebSocket (default 0.0.0.0)
              --http-port N          HTTP/WebSocket port (default 8080)
              --media-port N         the one UDP port for all media (default 10000)
              --media-tcp-port N     the ICE-TCP port, for networks that block UDP (default: the
                                     --media-port number; 0 turns ICE-TCP off)
              --media-loops N        media threads, each with its own ports: media-port .. media-port+N-1
                                     (and as many ICE-TCP ports); a room runs on one (default 1)
              --public-address A[,B] address(es) announced in ICE candidates; repeatable
                                     (default: this machine's non-loopback addresses plus 127.0.0.1)
              --local-address ADDR   bind the media socket to ADDR (behind NAT, with --public-address)
              --max-publisher-bitrate-kbps N
                                     the most any publisher is asked to send (REMB), kbit/s,
                                     300-100000 (default 2500)
              --log-level LEVEL      error, warn, info (default), debug or trace
              --web-root DIR         serve the web client from DIR instead of the jar (development)
              --help                 print this help and exit
              --version              print the version and exit
            """;

    private Main() {
    }

    public static void main(String[] args) {
        productionDefaults();
        int code = run(args, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Netty's leak detector samples buffers and builds a stack-trace record for each sample (~855 throwables/s
     * on the media path at 16 participants): worth it in tests (paranoid there), not in production. Set before
     * any Netty class reads it; {@code -Dio.netty.leakDetection.level=...} still wins. Logging keeps working through
     * a shutdown ({@link Logging.ShutdownLogManager}).
     */
    static void productionDefaults() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        // before anything logs: the JVM's own shutdown hook must not silence the server's (see the class)
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", Logging.ShutdownLogManager.class.getName());
        }
    }

    /** Returns an exit code, or -1 when the server is running (it then runs until the JVM is stopped). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ServerConfig config;
        Path webRoot;
        try {
            Options o = Options.parse(args);
            if (o.help) {
                out.print(USAGE);
                return 0;
            }
            if (o.version) {
                out.println("javameet " + JavameetServer.VERSION);
                return 0;
            }
            config = o.configFile == null ? ServerConfig.defaults() : ServerConfig.load(o.configFile);
            config = o.apply(config);
            webRoot = o.webRoot;
            if (webRoot != null && !Files.isDirectory(webRoot)) {
                throw new UsageException("--web-root " + webRoot + " is not a directory");
            }
        } catch (UsageException e) {
            err.println("javameet: " + e.getMessage());
            err.println("Try --help.");
            return 2;
        } catch (ConfigException e) {
            err.println("javameet: " + e.getMessage());
            return 2;
        }
        Logging.configure(config.logLevel());
        JavameetServer server = new JavameetServer(config, webRoot);
        try {
            server.start();
        } catch (Exception e) {
            err.println("javameet: cannot start: " + describe(e));
            server.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        return -1;
    }

    /** The exception's message and its causes', each said once. */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? c.toString() : c.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(": ").append(m);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Options {
        Path configFile;
        Path webRoot;
        String httpAddress;
        Integer httpPort;
        Integer mediaPort;
        Integer mediaTcpPort;
        Integer mediaLoops;
        List<String> publicAddresses;
        String localAddress;
        LogLevel logLevel;
        Integer maxPublisherBitrateKbps;
        boolean help;
        boolean version;

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--version" -> o.version = true;
                    case "--config" -> o.configFile = Path.of(value != null ? value : next(args, ++i, a));
                    case "--web-root" -> o.webRoot = Path.of(value != null ? value : next(args, ++i, a));
                    case "--http-address" -> o.httpAddress = value != null ? value : next(args, ++i, a);
                    case "--http-port" -> o.httpPort = port(value != null ? value : next(args, ++i, a), a);
                    case "--media-port" -> o.mediaPort = port(value != null ? value : next(args, ++i, a), a);
                    case "--media-tcp-port" -> {
                        String v = value != null ? value : next(args, ++i, a);
                        o.mediaTcpPort = "0".equals(v) ? 0 : port(v, a);
                    }
                    case "--media-loops" -> {
                        String v = value != null ? value : next(args, ++i, a);
                        try {
                            o.mediaLoops = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            o.mediaLoops = -1;
                        }
                        if (o.mediaLoops < 1 || o.mediaLoops > ServerConfig.MAX_MEDIA_LOOPS) {
                            throw new UsageException("--media-loops must be 1-" + ServerConfig.MAX_MEDIA_LOOPS
                                    + ", got \"" + v + "\"");
                        }
                    }
                    case "--public-address" -> {
                        if (o.publicAddresses == null) {
                            o.publicAddresses = new ArrayList<>();
                        }
                        for (String s : (value != null ? value : next(args, ++i, a)).split(",")) {
                            if (!s.isBlank()) {
                                o.publicAddresses.add(s.trim());
                            }
                        }
                    }
                    case "--local-address" -> o.localAddress = value != null ? value : next(args, ++i, a);
                    case "--max-publisher-bitrate-kbps" -> {
                        String v = value != null ? value : next(args, ++i, a);
                        o.maxPublisherBitrateKbps = intIn(v, a, ServerConfig.MIN_PUBLISHER_BITRATE_KBPS,
                                ServerConfig.MAX_PUBLISHER_BITRATE_KBPS);
                    }
                    case "--log-level" -> {
                        String v = value != null ? value : next(args, ++i, a);
                        o.logLevel = LogLevel.fromConfigName(v).orElseThrow(() ->
                                new UsageException("--log-level must be error, warn, info, debug or trace, got \"" + v + "\""));
                    }
                    default -> throw new UsageException("unknown option " + a);
                }
            }
            return o;
        }

        private static String next(String[] args, int i, String option) throws UsageException {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UsageException(option + " needs a value");
            }
            return args[i];
        }

        private static int intIn(String v, String option, int min, int max) throws UsageException {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new UsageException(option + " must be an integer " + min + "-" + max + ", got \"" + v + "\"");
        }

        private static int port(String v, String option) throws UsageException {
            try {
                int p = Integer.parseInt(v);
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new UsageException(option + " must be a port number 1-65535, got \"" + v + "\"");
        }

        ServerConfig apply(ServerConfig fromFile) throws UsageException {
            ServerConfig c;
            try {
                ServerConfig.Builder b = fromFile.toBuilder();
                if (httpAddress != null) {
                    b.httpAddress(httpAddress);
                }
                if (httpPort != null) {
                    b.httpPort(httpPort);
                }
                if (mediaPort != null) {
                    b.mediaPort(mediaPort);
                }
                if (publicAddresses != null) {
                    b.publicAddresses(publicAddresses);
                }
                if (localAddress != null) {
                    b.localAddress(localAddress);
                }
                if (logLevel != null) {
                    b.logLevel(logLevel);
                }
                if (mediaTcpPort != null) {
                    b.mediaTcpPort(mediaTcpPort);
                }
                if (mediaLoops != null) {
                    b.mediaLoops(mediaLoops);
                }
                if (maxPublisherBitrateKbps != null) {
                    b.maxPublisherBitrateKbps(maxPublisherBitrateKbps);
                }
                c = b.build();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (c.portConflict() != null) {
                throw new UsageException(c.portConflict());
            }
            return c;
        }
    }
}

package org.javameet.signaling;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.javameet.signaling.config.LogLevel;
import org.javameet.signaling.http.LogText;

/** java.util.logging set up for operators: one line per event on stderr, with time, level and source. */
final class Logging {
    private Logging() {
    }

    /**
     * The server's log manager (set by {@link Main}): java.util.logging's own shutdown hook resets logging, dropping
     * every handler, while the server's shutdown hook still runs (closing rooms, finishing recordings), so a
     * SIGTERM'd server said nothing of its shutdown. Once javameet has set logging up, reset does nothing; stderr is
     * flushed on every record anyway.
     */
    public static final class ShutdownLogManager extends LogManager {
        private static volatile boolean configured;

        @Override
        public void reset() {
            if (!configured) {
                super.reset();
            }
        }
    }

    static void configure(LogLevel level) {
        Level jul = switch (level) {
            case ERROR -> Level.SEVERE;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
            case TRACE -> Level.FINEST;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(jul);
        console.setFormatter(new OneLineFormatter());
        root.addHandler(console);
        root.setLevel(Level.INFO);
        // our own packages at the chosen level; libraries stay at INFO so debug output stays readable
        Logger.getLogger("org.javameet").setLevel(jul);
        ShutdownLogManager.configured = true;
    }

    static final class OneLineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            int dot = name.lastIndexOf('.');
            StringBuilder sb = new StringBuilder(160);
            sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(levelName(r.getLevel())).append(' ')
                    .append(dot >= 0 ? name.substring(dot + 1) : name).append(": ")
                    // one event, one line: a display name with CR/LF must not forge a log line
                    .append(LogText.escape(formatMessage(r))).append('\n');
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }

        private static String levelName(Level l) {
            if (l.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (l.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (l.intValue() >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return "DEBUG";
        }
    }
}

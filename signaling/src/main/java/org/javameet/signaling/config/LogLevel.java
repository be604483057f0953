package org.javameet.signaling.config;

import java.util.Locale;
import java.util.Optional;

/** The root log level; written in lower case in the config file and on the command line. */
public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE;

    /** The spelling used in the config file: {@code info}, {@code debug}, … */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a config-file or command-line spelling; case does not matter. */
    public static Optional<LogLevel> fromConfigName(String name) {
        for (LogLevel level : values()) {
            if (level.name().equalsIgnoreCase(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}

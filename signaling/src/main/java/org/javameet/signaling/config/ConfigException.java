package org.javameet.signaling.config;

/**
 * The config file cannot be used. The message always reads {@code config <source>: <what is wrong>}, naming
 * the key path when one is involved, so the server can print it as is and refuse to start.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final String keyPath;

    ConfigException(String sourceName, String keyPath, String detail) {
        super("config " + sourceName + ": " + detail);
        this.sourceName = sourceName;
        this.keyPath = keyPath;
    }

    ConfigException(String sourceName, String keyPath, String detail, Throwable cause) {
        this(sourceName, keyPath, detail);
        initCause(cause);
    }

    /** The file name (or other source description) given to {@link ServerConfig#load} / {@link ServerConfig#parse}. */
    public String sourceName() {
        return sourceName;
    }

    /** The offending key path such as {@code client.enableLobby} or {@code publicAddresses[1]}; null when the problem is not one key. */
    public String keyPath() {
        return keyPath;
    }
}

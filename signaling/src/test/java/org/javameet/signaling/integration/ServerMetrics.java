package org.javameet.signaling.integration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the server's real {@code /metrics} page over HTTP, as Prometheus would. */
final class ServerMetrics {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)",
            Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;

    ServerMetrics(int httpPort) {
        this.uri = URI.create("http://127.0.0.1:" + httpPort + "/metrics");
    }

    String scrape() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("/metrics answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("cannot read /metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /**
     * The sample of {@code name} whose labels include {@code label="value"} (or its first sample when
     * {@code label} is null); 0 when absent.
     */
    static double value(String page, String name, String label, String value) {
        Matcher m = SAMPLE.matcher(page);
        String wanted = label + "=\"" + value + "\"";
        while (m.find()) {
            if (m.group(1).equals(name) && (label == null || m.group(2) != null && m.group(2).contains(wanted))) {
                return Double.parseDouble(m.group(3));
            }
        }
        return 0;
    }

    /** {@code javameet_media_dropped_packets_total{reason=...}} now. */
    double dropped(String reason) {
        return value(scrape(), "javameet_media_dropped_packets_total", "reason", reason);
    }
}

package org.javameet.signaling.http;

/** The body of {@code GET /metrics} in the Prometheus text format 0.0.4, e.g. {@code PrometheusMeterRegistry::scrape}. */
@FunctionalInterface
public interface MetricsEndpoint {
    String scrape();
}

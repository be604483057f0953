package org.javameet.sfu.sdp;

/** One {@code a=name[:value]} line; {@code value} is null for flag attributes such as {@code a=rtcp-mux}. */
public record Attribute(String name, String value) {
    @Override
    public String toString() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }
}

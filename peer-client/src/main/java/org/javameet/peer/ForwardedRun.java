package org.javameet.peer;

/**
 * One run of a received m-line (see {@code ForwardedRuns}): packets of one simulcast layer under one rewrite, as
 * the SFU forwarded them. Immutable.
 *
 * @param layer the simulcast layer, 0 the lowest (0 without simulcast)
 * @param firstOriginalSeq the publisher's sequence number of the run's first packet (16 bits)
 * @param packets outgoing sequence numbers the run spans, received or not (the numbers missing before the next
 *                run included): what the SFU sent of the layer in this run
 * @param firstSendNanos the send stamp of its first packet received
 * @param lastSendNanos the send stamp of its last packet received in order
 */
public record ForwardedRun(int layer, int firstOriginalSeq, long packets, long firstSendNanos, long lastSendNanos) {
}

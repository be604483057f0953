package org.javameet.sfu.router;

/**
 * One consumer's side of the stream, as offered to its subscriber: everything it rewrites a producer's
 * packets to. Fixed when the consumer is created.
 *
 * @param rtxSsrc 0 when retransmissions go out as plain copies on {@code ssrc}
 * @param extensionsFrom header extension ids kept from the producer's packets (others are dropped) ...
 * @param extensionsTo ... and the id each becomes, index by index
 * @param keyframes null for streams without keyframes (audio): they are neither gated nor cut at frame ends
 */
public record ConsumerParams(String mid, long ssrc, long rtxSsrc, int payloadType, int rtxPayloadType,
                             int[] extensionsFrom, int[] extensionsTo, KeyframeDetector keyframes) {
}

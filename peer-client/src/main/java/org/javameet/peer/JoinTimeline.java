package org.javameet.peer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each step of one participant's join happened ({@link System#nanoTime}; 0 for a step not reached): the
 * load harness's join breakdown, the same steps the browser test prints for Chromium (docs/performance.md).
 *
 * @param joinStartNanos {@link Participant#join} called (before the WebSocket connects)
 * @param joinedNanos the server's {@code joined} arrived
 * @param publishAnswerNanos the server's {@code publishAnswer} arrived (0 when not publishing)
 * @param publish the publish connection's ICE/DTLS times, null when not publishing
 * @param subscribeOfferNanos the first {@code subscribeOffer} arrived
 * @param subscribeAnswerSentNanos its answer was sent
 * @param subscribe the subscribe connection's ICE/DTLS times, null before the first offer
 */
public record JoinTimeline(long joinStartNanos, long joinedNanos, long publishAnswerNanos, PeerConnection.Timing publish,
                           long subscribeOfferNanos, long subscribeAnswerSentNanos, PeerConnection.Timing subscribe) {

    /** The steps reached, in order, as nanoseconds since {@link #joinStartNanos}. */
    public Map<String, Long> sinceStart() {
        Map<String, Long> out = new LinkedHashMap<>();
        put(out, "joined", joinedNanos);
        put(out, "subscribe.offerReceived", subscribeOfferNanos);
        put(out, "subscribe.answerSent", subscribeAnswerSentNanos);
        if (subscribe != null) {
            put(out, "subscribe.checksStarted", subscribe.checksStartNanos());
            put(out, "subscribe.iceConnected", subscribe.iceConnectedNanos());
            put(out, "subscribe.dtlsConnected", subscribe.dtlsConnectedNanos());
        }
        put(out, "publish.answerReceived", publishAnswerNanos);
        if (publish != null) {
            put(out, "publish.checksStarted", publish.checksStartNanos());
            put(out, "publish.iceConnected", publish.iceConnectedNanos());
            put(out, "publish.dtlsConnected", publish.dtlsConnectedNanos());
        }
        return out;
    }

    private void put(Map<String, Long> out, String step, long at) {
        if (at != 0 && joinStartNanos != 0) {
            out.put(step, at - joinStartNanos);
        }
    }
}

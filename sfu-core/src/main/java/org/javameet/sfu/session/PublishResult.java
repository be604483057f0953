package org.javameet.sfu.session;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a publish offer.
 *
 * @param answerSdp the SFU's answer, for the publisher
 * @param labels the label of every track the participant now publishes, by mid
 * @param rejected the offered m-sections the answer rejects, with why (the rest of the offer is answered)
 */
public record PublishResult(String answerSdp, Map<String, String> labels, List<RejectedSection> rejected) {

    /**
     * An m-section of the publish offer the SFU cannot carry.
     *
     * @param reason {@code no-supported-codec} (audio without Opus, video without VP8) or {@code unsupported-media}
     *               (not audio or video, e.g. a data channel)
     * @param detail for people: what was offered and what the SFU takes
     */
    public record RejectedSection(String mid, String media, String reason, String detail) {
    }
}

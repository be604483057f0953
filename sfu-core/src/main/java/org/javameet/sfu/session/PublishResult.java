package org.javameet.sfu.session;

import java.util.Map;

/**
 * The outcome of a publish offer.
 *
 * @param answerSdp the SFU's answer, for the publisher
 * @param labels the label of every track the participant now publishes, by mid
 */
public record PublishResult(String answerSdp, Map<String, String> labels) {
}

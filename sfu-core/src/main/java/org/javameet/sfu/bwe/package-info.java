/**
 * Send-side bandwidth estimation of the GCC family (draft-ietf-rmcat-gcc-02, structured as libwebrtc's
 * goog_cc): what one subscriber's downlink can take, from the transport-wide feedback its browser sends.
 *
 * <pre>
 * FeedbackReport (send time, arrival time or lost, size per packet, in send order)
 *   ├─ InterArrival ── packet groups (5 ms bursts) → send/arrival deltas between groups
 *   │    └─ TrendlineEstimator ── slope of the smoothed delay over the last 20 groups
 *   │         └─ OveruseDetector ── adaptive threshold → OVERUSING / NORMAL / UNDERUSING
 *   ├─ AcknowledgedBitrate ── what actually arrived, per 500 ms
 *   ├─ AimdRateController ── delay-based estimate: ×1.08/s or +1 packet per response time up, 0.85 × acked down
 *   ├─ LossBasedControl ── a cap: +8%/s under 2% loss, × (1 − loss/2) over 10%
 *   └─ ProbeBitrateEstimator ── what a probe cluster got through; above the estimate, it is the estimate
 * SendSideEstimator: min(delay-based, loss-based), clamped
 * </pre>
 *
 * The receiving half, {@link org.javameet.sfu.bwe.TransportCcRecorder}, turns arrival times of transport-wide
 * numbers into that feedback: the server's for what publishers send, peer-client's for what it receives.
 *
 * Pure: no threads, no clock of its own (every call carries "now"), no I/O; one instance per subscriber,
 * driven on the media loop.
 */
package org.javameet.sfu.bwe;

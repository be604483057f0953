package org.javameet.sfu.bwe;

/** What the delay gradient says about the path (draft-ietf-rmcat-gcc-02 §5.4). */
public enum BandwidthUsage {
    /** Queues are steady: the rate may grow. */
    NORMAL,
    /** Queues are building: the rate must drop. */
    OVERUSING,
    /** Queues are draining: hold, so they empty. */
    UNDERUSING
}

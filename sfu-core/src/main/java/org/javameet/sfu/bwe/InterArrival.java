package org.javameet.sfu.bwe;

/**
 * Groups packets sent within one burst (draft-ietf-rmcat-gcc-02 §5.2: 5 ms of send time) and yields, per
 * completed group, how much later it was sent and how much later it arrived than the group before. A packet
 * that arrives within 5 ms of its group's last one and ahead of its send spacing is queued behind the same
 * burst, so it joins the group (libwebrtc's burst rule). Packets sent before the current group (reordered
 * across groups) are skipped; arrival times that jump by seconds or run backwards three times in a row
 * reset the grouping, as after a path change.
 */
final class InterArrival {
    static final long GROUP_MICROS = 5_000;
    private static final long BURST_MICROS = 5_000;
    private static final long MAX_BURST_DURATION_MICROS = 100_000;
    private static final long ARRIVAL_JUMP_MICROS = 3_000_000;
    private static final int REORDERED_BEFORE_RESET = 3;

    /** Deltas between two consecutive groups. */
    interface Listener {
        void onGroupDelta(long sendDeltaMicros, long arrivalDeltaMicros, long arrivalMicros);
    }

    private boolean hasCurrent;
    private long curFirstSend;
    private long curLastSend;
    private long curFirstArrival;
    private long curLastArrival;
    private boolean hasPrevious;
    private long prevLastSend;
    private long prevLastArrival;
    private int reordered;

    void onPacket(long sendMicros, long arrivalMicros, Listener listener) {
        if (!hasCurrent) {
            startGroup(sendMicros, arrivalMicros);
            return;
        }
        if (sendMicros < curFirstSend) {
            return; // sent before this group began: reordered, no use for gradients
        }
        if (sendMicros - curFirstSend <= GROUP_MICROS || belongsToBurst(sendMicros, arrivalMicros)) {
            curLastSend = Math.max(curLastSend, sendMicros);
            curLastArrival = Math.max(curLastArrival, arrivalMicros);
            return;
        }
        // a new group begins: the current one is complete
        if (hasPrevious) {
            long sendDelta = curLastSend - prevLastSend;
            long arrivalDelta = curLastArrival - prevLastArrival;
            if (arrivalDelta - sendDelta > ARRIVAL_JUMP_MICROS) {
                reset();
                startGroup(sendMicros, arrivalMicros);
                return;
            }
            if (arrivalDelta < 0) {
                if (++reordered >= REORDERED_BEFORE_RESET) {
                    reset();
                    startGroup(sendMicros, arrivalMicros);
                    return;
                }
            } else {
                reordered = 0;
                listener.onGroupDelta(sendDelta, arrivalDelta, curLastArrival);
            }
        }
        hasPrevious = true;
        prevLastSend = curLastSend;
        prevLastArrival = curLastArrival;
        startGroup(sendMicros, arrivalMicros);
    }

    private boolean belongsToBurst(long sendMicros, long arrivalMicros) {
        long arrivalDelta = arrivalMicros - curLastArrival;
        long sendDelta = sendMicros - curLastSend;
        if (sendDelta == 0) {
            return true;
        }
        long propagationDelta = arrivalDelta - sendDelta;
        return propagationDelta < 0 && arrivalDelta <= BURST_MICROS
                && arrivalMicros - curFirstArrival < MAX_BURST_DURATION_MICROS;
    }

    private void startGroup(long sendMicros, long arrivalMicros) {
        hasCurrent = true;
        curFirstSend = curLastSend = sendMicros;
        curFirstArrival = curLastArrival = arrivalMicros;
    }

    void reset() {
        hasCurrent = false;
        hasPrevious = false;
        reordered = 0;
    }
}

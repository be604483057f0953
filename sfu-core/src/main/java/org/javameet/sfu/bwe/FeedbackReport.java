package org.javameet.sfu.bwe;

import java.util.Arrays;

/**
 * The packets one transport-cc feedback told about, in send order: each one's send time (sender's clock),
 * arrival time (receiver's clock, only differences matter) or {@link #LOST}, and size. Reused from one
 * feedback to the next, so matching feedback to the send history allocates nothing once it has grown.
 */
public final class FeedbackReport {
    public static final long LOST = Long.MIN_VALUE;

    private long[] sendMicros = new long[64];
    private long[] arrivalMicros = new long[64];
    private int[] sizes = new int[64];
    private int count;

    public void clear() {
        count = 0;
    }

    public void add(long sendTimeMicros, long arrivalTimeMicros, int size) {
        if (count == sizes.length) {
            int n = count * 2;
            sendMicros = Arrays.copyOf(sendMicros, n);
            arrivalMicros = Arrays.copyOf(arrivalMicros, n);
            sizes = Arrays.copyOf(sizes, n);
        }
        sendMicros[count] = sendTimeMicros;
        arrivalMicros[count] = arrivalTimeMicros;
        sizes[count] = size;
        count++;
    }

    public int count() { return count; }
    public long sendTimeMicros(int i) { return sendMicros[i]; }
    public long arrivalTimeMicros(int i) { return arrivalMicros[i]; }
    public int size(int i) { return sizes[i]; }
    public boolean lost(int i) { return arrivalMicros[i] == LOST; }
}

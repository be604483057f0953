package org.javameet.sfu.bwe;

import java.util.Arrays;

/**
 * The packets one transport-cc feedback told about, in send order: each one's send time (sender's clock),
 * arrival time (receiver's clock, only differences matter) or {@link #LOST}, size, and the bandwidth probe
 * cluster it was sent in ({@link #NO_CLUSTER} for none). Reused from one
 * feedback to the next, so matching feedback to the send history allocates nothing once it has grown.
 */
public final class FeedbackReport {
    public static final long LOST = Long.MIN_VALUE;
    public static final int NO_CLUSTER = -1;

    private long[] sendMicros = new long[64];
    private long[] arrivalMicros = new long[64];
    private int[] sizes = new int[64];
    private int[] clusters = new int[64];
    private int count;

    public void clear() {
        count = 0;
    }

    public void add(long sendTimeMicros, long arrivalTimeMicros, int size) {
        add(sendTimeMicros, arrivalTimeMicros, size, NO_CLUSTER);
    }

    public void add(long sendTimeMicros, long arrivalTimeMicros, int size, int cluster) {
        if (count == sizes.length) {
            int n = count * 2;
            sendMicros = Arrays.copyOf(sendMicros, n);
            arrivalMicros = Arrays.copyOf(arrivalMicros, n);
            sizes = Arrays.copyOf(sizes, n);
            clusters = Arrays.copyOf(clusters, n);
        }
        sendMicros[count] = sendTimeMicros;
        arrivalMicros[count] = arrivalTimeMicros;
        sizes[count] = size;
        clusters[count] = cluster;
        count++;
    }

    public int count() { return count; }
    public long sendTimeMicros(int i) { return sendMicros[i]; }
    public long arrivalTimeMicros(int i) { return arrivalMicros[i]; }
    public int size(int i) { return sizes[i]; }
    public boolean lost(int i) { return arrivalMicros[i] == LOST; }
    public int cluster(int i) { return clusters[i]; }
}

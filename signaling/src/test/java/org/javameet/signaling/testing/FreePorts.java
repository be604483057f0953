package org.javameet.signaling.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports free on loopback right now, for servers started by tests (the config refuses port 0). */
public final class FreePorts {
    /** Below the kernel's ephemeral range (32768 up, where client sockets get theirs): see {@link #udp()}. */
    private static final int FIRST = 20_000;
    private static final int COUNT = 12_000;

    private FreePorts() {
    }

    /** An HTTP port, from the same range as {@link #udp()} and for the same reason. */
    public static int tcp() {
        return free(1);
    }

    /**
     * A media port: free for UDP and, on every address, for TCP too, because the server's ICE-TCP listener takes
     * the same number by default. Picked below the ephemeral range: a port from that range can be handed to some
     * client socket of this JVM between this check and the server's bind (CI failed once so, "Address already in
     * use" on the TCP listener).
     */
    public static int udp() {
        return free(1);
    }

    /** P with P + 1 free too (a server with two media loops takes both). */
    public static int udpPair() {
        return free(2);
    }

    private static int free(int count) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = FIRST + random.nextInt(COUNT - count);
            boolean all = true;
            for (int i = 0; i < count && all; i++) {
                all = isFree(port + i);
            }
            if (all) {
                return port;
            }
        }
        throw new IllegalStateException("no " + count + " adjacent ports free for UDP and TCP in " + FIRST + "-"
                + (FIRST + COUNT));
    }

    private static boolean isFree(int port) {
        try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getByName("0.0.0.0"));
             ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}

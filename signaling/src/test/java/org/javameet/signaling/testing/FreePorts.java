package org.javameet.signaling.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports free on loopback right now, for servers started by tests (the config refuses port 0). */
public final class FreePorts {
    private FreePorts() {
    }

    public static int tcp() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A media port: free for UDP and, on every address, for TCP too, because the server's ICE-TCP listener takes
     * the same number by default.
     */
    public static int udp() {
        for (int attempt = 0; ; attempt++) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port)) {
                    return port;
                } catch (IOException takenForTcp) {
                    if (attempt >= 20) {
                        throw new UncheckedIOException("no port free for both UDP and TCP", takenForTcp);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package org.javameet.bench.load.targets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The physical floor for the load harness: a bare UDP fan-out in its own process. Every RTP datagram from a
 * member of a room goes unchanged to every other member, with no crypto, no parsing past the first byte, no
 * rewriting and no feedback: what an SFU cannot do for less. One thread, one blocking socket, one reused
 * buffer.
 *
 * <p>Protocol (ASCII control datagrams, first byte outside RTP's 128..191): {@code JOIN <room>} registers the
 * sender's address and is answered {@code OK}; {@code LEAVE} unregisters it. Everything else that is not RTP
 * from a member is dropped.
 *
 * <pre>java -cp benchmarks.jar org.javameet.bench.load.BaselineRelay --port N [--max-seconds S]</pre>
 * It binds 127.0.0.1 only and exits by itself after {@code --max-seconds} (default 900).
 */
public final class BaselineRelay {
    private final Map<SocketAddress, List<SocketAddress>> roomOf = new HashMap<>();
    private final Map<String, List<SocketAddress>> rooms = new HashMap<>();
    long forwarded;

    public static void main(String[] args) throws IOException {
        int port = 0;
        long maxSeconds = 900;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        Thread watchdog = new Thread(() -> {
            while (System.nanoTime() < deadline) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("baseline relay: --max-seconds reached, exiting");
            System.exit(0);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", port));
            System.out.println("baseline relay listening on " + ch.getLocalAddress());
            new BaselineRelay().serve(ch);
        }
    }

    void serve(DatagramChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        while (true) {
            buf.clear();
            SocketAddress from = ch.receive(buf);
            buf.flip();
            if (buf.remaining() == 0) {
                continue;
            }
            int first = buf.get(0) & 0xFF;
            if (first >= 128 && first <= 191) {
                List<SocketAddress> members = roomOf.get(from);
                if (members == null) {
                    continue;
                }
                for (int i = 0; i < members.size(); i++) {
                    SocketAddress to = members.get(i);
                    if (!to.equals(from)) {
                        buf.rewind();
                        ch.send(buf, to);
                        forwarded++;
                    }
                }
            } else {
                control(ch, buf, from);
            }
        }
    }

    private void control(DatagramChannel ch, ByteBuffer buf, SocketAddress from) throws IOException {
        String msg = StandardCharsets.US_ASCII.decode(buf).toString().trim();
        if (msg.startsWith("JOIN ")) {
            String room = msg.substring(5);
            List<SocketAddress> members = rooms.computeIfAbsent(room, r -> new ArrayList<>());
            if (!members.contains(from)) {
                members.add(from);
            }
            roomOf.put(from, members);
            ch.send(ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)), from);
        } else if (msg.equals("LEAVE")) {
            List<SocketAddress> members = roomOf.remove(from);
            if (members != null) {
                members.remove(from);
            }
        }
    }
}

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
import java.util.HexFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;

/**
 * The physical floor for the load harness: a bare UDP fan-out in its own process. Every RTP datagram from a
 * member of a room goes to every other member, with no parsing past the first byte, no rewriting and no
 * feedback: what an SFU cannot do for less. One thread, one blocking socket, reused buffers.
 *
 * <p>Two variants. Plain ({@code JOIN <room>}): the datagram goes out unchanged, no crypto at all. SRTP
 * ({@code JOIN <room> <hex keying material>}, the harness's {@code baseline-gcm} target): the member's material
 * (RFC 5764 layout, AEAD_AES_128_GCM, the profile javameet negotiates) keys one session per member, and every
 * packet is decrypted once with the sender's and encrypted for each receiver on its own copy with the
 * receiver's: the per-packet crypto an SFU has to do, so "x the floor" compares like with like.
 *
 * <p>Protocol (ASCII control datagrams, first byte outside RTP's 128..191): {@code JOIN ...} registers the
 * sender's address and is answered {@code OK}; {@code LEAVE} unregisters it. Everything else that is not RTP
 * from a member is dropped (an SRTP packet that fails authentication too, counted).
 *
 * <pre>java -cp benchmarks.jar org.javameet.bench.load.targets.BaselineRelay --port N [--max-seconds S]</pre>
 * It binds 127.0.0.1 only and exits by itself after {@code --max-seconds} (default 900).
 */
public final class BaselineRelay {
    /** One member: where it is, its room, and (SRTP variant) its session. */
    private record Member(SocketAddress address, List<Member> room, SrtpSession srtp) {
    }

    private final Map<SocketAddress, Member> members = new HashMap<>();
    private final Map<String, List<Member>> rooms = new HashMap<>();
    /** Received datagrams, decrypted in place; {@link #inNio} is the socket's view of the same bytes. */
    private final ByteBuf in = Unpooled.buffer(2048);
    private final ByteBuffer inNio = ByteBuffer.wrap(in.array());
    /** A receiver's encrypted copy (SRTP variant). */
    private final ByteBuf out = Unpooled.buffer(2048 + SrtpSession.MAX_TRAILER);
    private final ByteBuffer outNio = ByteBuffer.wrap(out.array());
    long forwarded;
    long srtpFailures;

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
        SrtpSession.warmUp(); // jitsi-srtp's cipher probe, before "listening", not on the first packet
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", port));
            System.out.println("baseline relay listening on " + ch.getLocalAddress());
            new BaselineRelay().serve(ch);
        }
    }

    void serve(DatagramChannel ch) throws IOException {
        while (true) {
            inNio.clear();
            SocketAddress from = ch.receive(inNio);
            int length = inNio.position();
            if (length == 0) {
                continue;
            }
            int first = in.getUnsignedByte(0);
            if (first >= 128 && first <= 191) {
                Member sender = members.get(from);
                if (sender != null) {
                    in.setIndex(0, length);
                    forward(ch, sender);
                }
            } else {
                control(ch, in.toString(0, length, StandardCharsets.US_ASCII).trim(), from);
            }
        }
    }

    private void forward(DatagramChannel ch, Member sender) throws IOException {
        boolean rtcp = PacketKind.isRtcp(in);
        if (sender.srtp() != null
                && (rtcp ? sender.srtp().unprotectRtcp(in) : sender.srtp().unprotectRtp(in)) != SrtpStatus.OK) {
            srtpFailures++;
            return;
        }
        List<Member> room = sender.room();
        for (int i = 0; i < room.size(); i++) {
            Member to = room.get(i);
            if (to == sender) {
                continue;
            }
            ByteBuffer packet;
            if (to.srtp() == null) {
                packet = inNio.limit(in.writerIndex()).position(in.readerIndex());
            } else {
                out.clear().writeBytes(in, in.readerIndex(), in.readableBytes());
                if ((rtcp ? to.srtp().protectRtcp(out) : to.srtp().protectRtp(out)) != SrtpStatus.OK) {
                    continue;
                }
                packet = outNio.limit(out.writerIndex()).position(out.readerIndex());
            }
            ch.send(packet, to.address());
            forwarded++;
        }
    }

    private void control(DatagramChannel ch, String msg, SocketAddress from) throws IOException {
        if (msg.startsWith("JOIN ")) {
            String[] words = msg.split(" ");
            leave(from);
            List<Member> room = rooms.computeIfAbsent(words[1], r -> new ArrayList<>());
            SrtpSession srtp = null;
            if (words.length > 2) {
                byte[] material = HexFormat.of().parseHex(words[2]);
                srtp = new SrtpSession(SrtpKeys.fromKeyingMaterial(BaselineParticipant.SRTP_PROFILE, material, true));
            }
            Member m = new Member(from, room, srtp);
            room.add(m);
            members.put(from, m);
            ch.send(ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)), from);
        } else if (msg.equals("LEAVE")) {
            leave(from);
        }
    }

    private void leave(SocketAddress from) {
        Member m = members.remove(from);
        if (m != null) {
            m.room().remove(m);
            if (m.srtp() != null) {
                m.srtp().close();
            }
        }
    }
}

package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.Pli;
import org.javameet.sfu.rtp.HeaderExtensions;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webrtc.MediaKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A simulcast publisher as the server sees it: three streams, each named by its rid (and its RTX by the
 * repaired-rid), each its own size; a PLI or NACK for one layer's SSRC is answered on that layer only, and a
 * layer {@code layersPaused} lists stops until it is listed no more, then starts with a keyframe.
 */
class SimulcastSenderTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final List<byte[]> sent = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private final RtpTransport transport = new RtpTransport() {
        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public boolean sendRtp(ByteBuf packet) {
            byte[] b = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), b);
            packet.release();
            synchronized (sent) {
                sent.add(b);
            }
            return true;
        }

        @Override
        public boolean sendRtcp(ByteBuf packet) {
            packet.release();
            return true;
        }
    };

    private static String extension(ByteBuf p, int id) {
        long loc = HeaderExtensions.find(p, id);
        return loc < 0 ? null : p.toString(p.readerIndex() + HeaderExtensions.offsetOf(loc),
                HeaderExtensions.lengthOf(loc), StandardCharsets.US_ASCII);
    }

    /** Per rid: the packets sent since {@link #sent} was last cleared, and the keyframe sizes among them. */
    private Map<String, List<ByteBuf>> byRid() {
        Map<String, List<ByteBuf>> out = new HashMap<>();
        synchronized (sent) {
            for (byte[] b : sent) {
                ByteBuf p = Unpooled.wrappedBuffer(b);
                String rid = extension(p, ClientSdp.RID_EXT_ID);
                String repaired = extension(p, ClientSdp.REPAIRED_RID_EXT_ID);
                out.computeIfAbsent(rid != null ? rid : "rtx:" + repaired, k -> new ArrayList<>()).add(p);
            }
            sent.clear();
        }
        return out;
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    /** What is sent from now (and was since the last look) until {@code done} holds of it; generous for a busy host. */
    private Map<String, List<ByteBuf>> sentUntil(java.util.function.Predicate<Map<String, List<ByteBuf>>> done)
            throws InterruptedException {
        Map<String, List<ByteBuf>> all = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            byRid().forEach((rid, ps) -> all.computeIfAbsent(rid, k -> new ArrayList<>()).addAll(ps));
            if (done.test(all)) {
                return all;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out; sent so far: " + all.keySet());
    }

    private static int frames(List<ByteBuf> ps) {
        return ps == null ? 0 : (int) ps.stream().filter(Vp8::isStartOfFrame).count();
    }

    @Test
    void threeLayersEachNamedAndSizedAnsweringFeedbackAlone() throws Exception {
        MediaSender s = new MediaSender(new MediaSender.Options(false, true, 1_000_000, 50, 0, 1280, 720, true, null, 3),
                PooledByteBufAllocator.DEFAULT, "pabc", new MeasurementWindow());
        List<ClientSdp.LocalTrack> tracks = s.tracks("pabc");
        assertEquals(List.of("r0", "r1", "r2"), tracks.get(0).rids());
        assertEquals(0, tracks.get(0).ssrc(), "simulcast SSRCs are not announced");
        onLoop(() -> s.start(transport, 7));
        Map<String, List<ByteBuf>> layers = sentUntil(m -> frames(m.get("r0")) >= 10 && frames(m.get("r2")) >= 10);
        assertEquals(Set.of("r0", "r1", "r2"), layers.keySet());
        Map<String, Long> ssrcs = new HashMap<>();
        int[] heights = {180, 360, 720};
        for (int i = 0; i < 3; i++) {
            List<ByteBuf> ps = layers.get("r" + i);
            ssrcs.put("r" + i, RtpHeader.ssrc(ps.get(0)));
            for (ByteBuf p : ps) {
                assertEquals(ssrcs.get("r" + i), RtpHeader.ssrc(p), "one SSRC per layer");
                assertEquals("0", extension(p, ClientSdp.MID_EXT_ID));
            }
            int dims = Vp8.keyframeDimensions(ps.get(0));
            assertEquals(heights[i], dims & 0xFFFF, "r" + i + " starts with a keyframe of its size");
            assertEquals(heights[i] * 16 / 9, dims >>> 16);
        }
        assertEquals(3, Set.copyOf(ssrcs.values()).size());
        long r2Bytes = layers.get("r2").stream().mapToLong(ByteBuf::readableBytes).sum();
        long r0Bytes = layers.get("r0").stream().mapToLong(ByteBuf::readableBytes).sum();
        assertTrue(r2Bytes > 4 * r0Bytes, "the top layer takes far more: " + r2Bytes + " vs " + r0Bytes);

        // a PLI for r1 makes a keyframe on r1 only
        int seqR1 = RtpHeader.sequenceNumber(layers.get("r1").get(1));
        onLoop(() -> s.onRtcp(transport, rtcp(new Pli(1, ssrcs.get("r1")))));
        onLoop(() -> s.onRtcp(transport, rtcp(Nack.of(1, ssrcs.get("r1"), new int[] {seqR1}))));
        Map<String, List<ByteBuf>> after = sentUntil(m -> frames(m.get("r0")) >= 3 && frames(m.get("r2")) >= 3
                && m.containsKey("rtx:r1") && m.containsKey("r1"));
        assertTrue(after.get("r1").stream().anyMatch(Vp8::isKeyframe), "r1 answered the PLI");
        assertTrue(after.get("r0").stream().noneMatch(Vp8::isKeyframe), "r0 did not");
        assertTrue(after.get("r2").stream().noneMatch(Vp8::isKeyframe), "r2 did not");
        List<ByteBuf> rtx = after.get("rtx:r1");
        assertNotNull(rtx, "the NACK is answered on r1's RTX stream, named by the repaired-rid: " + after.keySet());
        assertEquals(1, rtx.size());
        int at = rtx.get(0).readerIndex() + RtpHeader.headerLength(rtx.get(0));
        assertEquals(seqR1, rtx.get(0).getUnsignedShort(at));

        // layersPaused: r2 stops (r0 is never paused), then comes back with a keyframe
        onLoop(() -> s.pauseLayers(Set.of("r0", "r2")));
        byRid();
        Map<String, List<ByteBuf>> paused = sentUntil(m -> frames(m.get("r0")) >= 10);
        assertEquals(Set.of("r0", "r1"), paused.keySet());
        onLoop(() -> s.pauseLayers(Set.of()));
        List<ByteBuf> resumed = sentUntil(m -> frames(m.get("r2")) >= 1).get("r2");
        assertTrue(Vp8.isKeyframe(resumed.get(0)), "a resumed layer starts with a keyframe");
        onLoop(s::stop);
        LocalTrackStats top = s.snapshot().get(0);
        assertEquals("r2", top.rid());
        assertEquals(1, top.layerPauses());
        assertEquals(1, top.layerResumes());
    }

    private static ByteBuf rtcp(Object packet) {
        ByteBuf b = Unpooled.buffer();
        if (packet instanceof Pli pli) {
            pli.marshalTo(b);
        } else {
            ((Nack) packet).marshalTo(b);
        }
        return b;
    }
}

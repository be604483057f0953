package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.router.ConsumerParams;
import org.javameet.sfu.router.FakeLink;
import org.javameet.sfu.router.Producer;
import org.javameet.sfu.router.ProducerParams;
import org.javameet.sfu.router.Publisher;
import org.javameet.sfu.router.Router;
import org.javameet.sfu.router.Subscriber;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webm.TestMedia;
import org.javameet.sfu.webm.WebmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorder is one more link: a publisher's VP8 goes through the real Router and a Consumer into a
 * {@link RecordingLink}, whose own thread writes a WebM file ffmpeg decodes without an error. A full queue drops
 * and counts, never blocks the media loop.
 */
class RecordingLinkTest {
    @TempDir
    Path dir;

    @Test
    void aPublishersVideoThroughTheRouterBecomesAFileFfmpegDecodes() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 3.0);
        List<ByteBuf> packets = RtpToWebmTest.packetize(video);
        EmbeddedChannel channel = new EmbeddedChannel();
        Router router = new Router("rec", channel.eventLoop(), (p, l, r) -> { }, 2_500_000);
        FakeLink adaLink = new FakeLink("ada/publish");
        Publisher ada = router.createPublisher("ada", adaLink);
        Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0x12345678L, 0, 0));
        MediaMetrics metrics = new MediaMetrics(new SimpleMeterRegistry());
        RecordingLink recorder = new RecordingLink("rec/ada", channel.eventLoop(), UnpooledByteBufAllocator.DEFAULT,
                metrics, 4096);
        Path file = dir.resolve("ada-camera.webm");
        recorder.track(new RecordingLink.TrackSpec(1111, WebmWriter.Kind.VP8, "ada", "Ada camera", file));
        Subscriber sub = router.createSubscriber("recorder", recorder);
        router.createConsumer(sub, camera, new ConsumerParams("1", 1111, 0, 96, 0, new int[0], new int[0], Vp8::isKeyframe));

        for (ByteBuf p : packets) {
            adaLink.deliverRtp(p);
            channel.runPendingTasks();
        }
        recorder.close("recording stopped");
        recorder.awaitClosed(10_000);
        channel.runPendingTasks();
        router.close();
        assertFalse(channel.finish());

        assertEquals(video.size(), recorder.framesWritten(), "every frame written");
        assertEquals("", TestMedia.runErrors("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-"));
        assertEquals(video.size(), TestMedia.decodedVideoFrames(file));
        String probe = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
                "-of", "compact", file.toString());
        assertTrue(probe.contains("codec_name=vp8|width=320|height=240"), probe);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        MediaMetrics metrics = new MediaMetrics(new SimpleMeterRegistry());
        RecordingLink recorder = new RecordingLink("rec/slow", channel.eventLoop(), UnpooledByteBufAllocator.DEFAULT,
                metrics, 2);
        // no track is registered, so the writer discards what it takes; offer far more than the queue holds
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(1200).writeZero(1200);
            if (!recorder.sendRtp(b)) {
                refused++;
            }
        }
        assertTrue(refused > 0, "a 2-packet queue refuses some of 10,000 offered at once");
        assertEquals(refused, metrics.dropped(DropReason.RECORDER_QUEUE_FULL));
        recorder.close("done");
        recorder.awaitClosed(10_000);
        channel.runPendingTasks();
        assertFalse(recorder.sendRtp(UnpooledByteBufAllocator.DEFAULT.buffer(12).writeZero(12)), "closed: refused");
        assertFalse(channel.finish());
    }

    private static ByteBuf senderReport(long ssrc, long ntp, long rtp) {
        org.javameet.sfu.rtcp.SenderReport sr = new org.javameet.sfu.rtcp.SenderReport(ssrc, ntp, rtp, 1, 1, List.of());
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(sr.marshalSize());
        sr.marshalTo(b);
        return b;
    }

    private static List<ByteBuf> opusPackets(List<TestMedia.Frame> frames, long ssrc, long firstTs) {
        List<ByteBuf> out = new java.util.ArrayList<>();
        int seq = 100;
        for (TestMedia.Frame f : frames) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(12 + f.data().length);
            b.writeByte(0x80).writeByte(111).writeShort(seq++).writeInt((int) (firstTs + f.timestampMs() * 48))
                    .writeInt((int) ssrc).writeBytes(f.data());
            out.add(b);
        }
        return out;
    }

    /**
     * Ada's audio and video, with packets out of order (a retransmission arriving late): the reorder buffer puts
     * them back, so every frame is written; her sender reports say her audio starts 500 ms after her video, and
     * the two files say so too on the meeting clock.
     */
    @Test
    void senderReportsPutAudioAndVideoOnOneClockAndLatePacketsAreWrittenInOrder() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 2.0);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 2.0);
        List<ByteBuf> videoPackets = RtpToWebmTest.packetize(video);
        java.util.Collections.swap(videoPackets, 10, 13); // packet 10 arrives three packets late
        long audioTs = 1_000_000;
        List<ByteBuf> audioPackets = opusPackets(audio, 0x2222, audioTs);
        EmbeddedChannel channel = new EmbeddedChannel();
        Router router = new Router("rec", channel.eventLoop(), (p, l, r) -> { }, 2_500_000);
        FakeLink adaLink = new FakeLink("ada/publish");
        Publisher ada = router.createPublisher("ada", adaLink);
        Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0x12345678L, 0, 0));
        Producer mic = router.createProducer(ada, "ada/0", new ProducerParams(false, 111, 48000, 0x2222, 0, 0));
        MediaMetrics metrics = new MediaMetrics(new SimpleMeterRegistry());
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingLink recorder = new RecordingLink("rec/ada", channel.eventLoop(), UnpooledByteBufAllocator.DEFAULT,
                // started a second ago: audio captured 500 ms before it arrived still falls inside the recording
                metrics, new MeetingClock(System.currentTimeMillis() - 1_000), 8192, RecordingLink.DiskSpace.unlimited(),
                f -> failures.add(f.code()));
        Path videoFile = dir.resolve("ada-camera-clock.webm");
        Path audioFile = dir.resolve("ada-mic-clock.webm");
        recorder.track(new RecordingLink.TrackSpec(1111, WebmWriter.Kind.VP8, "ada", "Ada camera", videoFile));
        recorder.track(new RecordingLink.TrackSpec(2222, WebmWriter.Kind.OPUS, "ada", "Ada microphone", audioFile));
        Subscriber sub = router.createSubscriber("recorder", recorder);
        router.createConsumer(sub, camera, new ConsumerParams("1", 1111, 0, 96, 0, new int[0], new int[0], Vp8::isKeyframe));
        router.createConsumer(sub, mic, new ConsumerParams("0", 2222, 0, 111, 0, new int[0], new int[0], null));

        long ntp = MeetingClock.unixMsToNtp(1_600_000_000_000L); // Ada's clock: years off the server's
        for (int i = 0; i < videoPackets.size(); i++) {
            adaLink.deliverRtp(videoPackets.get(i));
            if (i == 0) {
                adaLink.deliverRtp(audioPackets.get(0));
                // both reports describe one instant, ntp: video's first frame (RTP 0xFFFF0000) was taken then,
                // audio's first packet (audioTs) 500 ms earlier (reports and frames can only arrive after their
                // NTP time, so the earlier instant is told by the RTP times, not by a frame from the future)
                adaLink.deliverRtcp(senderReport(0x12345678L, ntp, 0xFFFF0000L));
                adaLink.deliverRtcp(senderReport(0x2222, ntp, audioTs + 500 * 48));
            }
            channel.runPendingTasks();
        }
        for (ByteBuf p : audioPackets.subList(1, audioPackets.size())) {
            adaLink.deliverRtp(p);
            channel.runPendingTasks();
        }
        recorder.close("recording stopped");
        List<RecordingLink.TrackResult> results = recorder.results().get(10, java.util.concurrent.TimeUnit.SECONDS);
        channel.runPendingTasks();
        router.close();
        assertFalse(channel.finish());

        assertEquals(List.of(), failures);
        RecordingLink.TrackResult v = results.stream().filter(r -> r.spec().ssrc() == 1111).findFirst().orElseThrow();
        RecordingLink.TrackResult a = results.stream().filter(r -> r.spec().ssrc() == 2222).findFirst().orElseThrow();
        assertEquals(video.size(), v.frames(), "every frame, the late packet put back in place: " + v);
        assertEquals(0, v.framesDropped());
        assertEquals(audio.size(), a.frames(), a.toString());
        assertTrue(v.synced() && a.synced(), "both timed by sender reports");
        assertEquals(500, v.firstMs() - a.firstMs(), 1, "video starts 500 ms after audio on the meeting clock");
        assertTrue(v.firstMs() >= 0 && v.firstMs() < 5_000, "Ada's clock offset is taken out: " + v.firstMs());
        for (Path f : List.of(videoFile, audioFile)) {
            assertEquals("", TestMedia.runErrors("ffmpeg", "-v", "error", "-i", f.toString(), "-f", "null", "-"));
        }
        String start = TestMedia.run("ffprobe", "-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0",
                audioFile.toString()).strip();
        assertEquals(a.firstMs() / 1000.0, Double.parseDouble(start), 0.03, "the file starts at its meeting time");
    }

    /** Below the minimum free space the recorder stops by itself, says why, and what it wrote still plays. */
    @Test
    void lowDiskStopsTheRecordingCleanly() throws Exception {
        List<TestMedia.Frame> video = TestMedia.vp8(dir, 3.0);
        List<ByteBuf> packets = RtpToWebmTest.packetize(video);
        EmbeddedChannel channel = new EmbeddedChannel();
        Router router = new Router("rec", channel.eventLoop(), (p, l, r) -> { }, 2_500_000);
        FakeLink adaLink = new FakeLink("ada/publish");
        Publisher ada = router.createPublisher("ada", adaLink);
        Producer camera = router.createProducer(ada, "ada/1", new ProducerParams(true, 96, 90000, 0x12345678L, 0, 0));
        java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.CompletableFuture<RecordingLink.Failure> failed = new java.util.concurrent.CompletableFuture<>();
        RecordingLink recorder = new RecordingLink("rec/ada", channel.eventLoop(), UnpooledByteBufAllocator.DEFAULT,
                new MediaMetrics(new SimpleMeterRegistry()), new MeetingClock(System.currentTimeMillis()), 8192,
                new RecordingLink.DiskSpace(free::get, 100L << 20), failed::complete);
        Path file = dir.resolve("ada-camera-disk.webm");
        recorder.track(new RecordingLink.TrackSpec(1111, WebmWriter.Kind.VP8, "ada", "Ada camera", file));
        Subscriber sub = router.createSubscriber("recorder", recorder);
        router.createConsumer(sub, camera, new ConsumerParams("1", 1111, 0, 96, 0, new int[0], new int[0], Vp8::isKeyframe));
        int half = packets.size() / 2;
        for (int i = 0; i < packets.size(); i++) {
            if (i == half) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (Files.exists(file) ? false : System.nanoTime() < deadline) {
                    adaLink.deliverRtcp(senderReport(0x12345678L, MeetingClock.unixMsToNtp(System.currentTimeMillis()),
                            0xFFFF0000L));
                    channel.runPendingTasks();
                    Thread.sleep(20);
                }
                free.set(10L << 20); // 10 MiB left
                RecordingLink.Failure why = failed.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(RecordingLink.Failure.DISK_LOW, why.code());
                assertTrue(why.message().contains("below the minimum of 100 MiB"), why.message());
            }
            adaLink.deliverRtp(packets.get(i));
            channel.runPendingTasks();
        }
        recorder.close("stopped");
        List<RecordingLink.TrackResult> results = recorder.results().get(10, java.util.concurrent.TimeUnit.SECONDS);
        channel.runPendingTasks();
        router.close();
        assertFalse(channel.finish());
        long frames = results.get(0).frames();
        assertTrue(frames > 0 && frames < video.size(), "stopped part way: " + frames);
        assertEquals("", TestMedia.runErrors("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-"));
        assertEquals(frames, TestMedia.decodedVideoFrames(file));
    }

    /** A recorder on {@code clock} with Ada's microphone (and camera) as tracks, fed directly: no router needed. */
    private RecordingLink recorder(EmbeddedChannel channel, MeetingClock clock, boolean camera) {
        RecordingLink recorder = new RecordingLink("rec/drain", channel.eventLoop(), UnpooledByteBufAllocator.DEFAULT,
                new MediaMetrics(new SimpleMeterRegistry()), clock, 8192, RecordingLink.DiskSpace.unlimited(), f -> { });
        recorder.track(new RecordingLink.TrackSpec(0x2222, WebmWriter.Kind.OPUS, "ada", "Ada microphone",
                dir.resolve("ada-mic-drain.webm")));
        if (camera) {
            recorder.track(new RecordingLink.TrackSpec(0x1111, WebmWriter.Kind.VP8, "ada", "Ada camera",
                    dir.resolve("ada-camera-drain.webm")));
        }
        return recorder;
    }

    /**
     * A server behind its socket: the stop is pressed while the last two seconds Ada captured are still unread. They
     * arrive after the stop and are written, up to the stop's instant and not beyond, so the file reaches the stop
     * instead of ending seconds before it.
     */
    @Test
    void aStopWritesWhatWasCapturedBeforeItThoughItArrivesAfter() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        MeetingClock clock = new MeetingClock(System.currentTimeMillis() - 5_000);
        RecordingLink recorder = recorder(channel, clock, false);
        long srWallMs = System.currentTimeMillis();
        long srRtp = 1_000_000;
        recorder.sendRtcp(senderReport(0x2222, MeetingClock.unixMsToNtp(srWallMs), srRtp));
        // stopped a second ago; what Ada captured from 2 s before the stop until now is read from the socket only
        // now (the report, on time, ties her clock to the server's)
        long stopMs = clock.sinceStart(srWallMs) - 1_000;
        java.util.concurrent.CompletableFuture<RecordingLink.DrainEnd> drained = recorder.drainUntil(stopMs, 30_000);
        List<TestMedia.Frame> audio = TestMedia.opus(dir, 3.0);
        for (ByteBuf p : opusPackets(audio, 0x2222, srRtp - 3_000 * 48)) {
            recorder.sendRtp(p);
        }
        assertEquals(RecordingLink.DrainEnd.CAUGHT_UP, drained.get(10, java.util.concurrent.TimeUnit.SECONDS));
        recorder.close("recording stopped");
        List<RecordingLink.TrackResult> results = recorder.results().get(10, java.util.concurrent.TimeUnit.SECONDS);
        channel.runPendingTasks();
        assertFalse(channel.finish());
        RecordingLink.TrackResult mic = results.stream().filter(r -> r.spec().ssrc() == 0x2222).findFirst().orElseThrow();
        assertTrue(mic.lastMs() <= stopMs, "nothing captured after the stop: last " + mic.lastMs() + ", stop " + stopMs);
        assertTrue(mic.lastMs() >= stopMs - 100, "the file reaches the stop: last " + mic.lastMs() + ", stop " + stopMs);
        assertEquals(stopMs - 2_000, mic.firstMs(), 100, "from two seconds before it: " + mic);
        assertTrue(mic.frames() >= 95 && mic.frames() <= 101, "about 100 frames of 20 ms: " + mic.frames());
        assertEquals("", TestMedia.runErrors("ffmpeg", "-v", "error", "-i", mic.spec().file().toString(), "-f", "null", "-"));
    }

    /**
     * The drain ends on its own when nothing more can come: a camera that sends nothing does not hold it once the
     * microphone is a second past the stop; with nothing at all arriving it ends after a second of quiet; and the
     * caller's bound holds whatever happens.
     */
    @Test
    void aDrainEndsWhenNothingCapturedBeforeTheStopCanStillCome() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        MeetingClock clock = new MeetingClock(System.currentTimeMillis() - 5_000);
        RecordingLink recorder = recorder(channel, clock, true);
        long srWallMs = System.currentTimeMillis();
        long srRtp = 1_000_000;
        recorder.sendRtcp(senderReport(0x2222, MeetingClock.unixMsToNtp(srWallMs), srRtp));
        // stopped 1.5 s ago, the microphone's packets from a second before it read only now
        java.util.concurrent.CompletableFuture<RecordingLink.DrainEnd> drained =
                recorder.drainUntil(clock.sinceStart(srWallMs) - 1_500, 30_000);
        List<ByteBuf> packets = opusPackets(TestMedia.opus(dir, 3.0), 0x2222, srRtp - 2_500 * 48);
        for (ByteBuf p : packets.subList(0, 110)) { // to 1.18 s past the stop: the silent camera is not waited for
            recorder.sendRtp(p);
        }
        assertEquals(RecordingLink.DrainEnd.OTHERS_SILENT, drained.get(10, java.util.concurrent.TimeUnit.SECONDS));
        recorder.close("recording stopped");
        recorder.results().get(10, java.util.concurrent.TimeUnit.SECONDS);
        packets.subList(110, packets.size()).forEach(ByteBuf::release);

        RecordingLink quiet = recorder(channel, new MeetingClock(System.currentTimeMillis()), true);
        assertEquals(RecordingLink.DrainEnd.IDLE, quiet.drainUntil(0, 30_000).get(10, java.util.concurrent.TimeUnit.SECONDS));
        quiet.close("recording stopped");
        RecordingLink bounded = recorder(channel, new MeetingClock(System.currentTimeMillis()), true);
        assertEquals(RecordingLink.DrainEnd.DEADLINE, bounded.drainUntil(0, 0).get(10, java.util.concurrent.TimeUnit.SECONDS));
        bounded.close("recording stopped");
        for (RecordingLink r : List.of(quiet, bounded)) {
            assertEquals(0, r.results().get(10, java.util.concurrent.TimeUnit.SECONDS).stream()
                    .mapToLong(RecordingLink.TrackResult::frames).sum());
        }
        channel.runPendingTasks();
        assertFalse(channel.finish());
        RecordingLink closed = recorder(channel, new MeetingClock(System.currentTimeMillis()), true);
        closed.close("room closed");
        assertEquals(RecordingLink.DrainEnd.CLOSED, closed.drainUntil(0, 30_000).get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
}

package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
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
        recorder.track(new RecordingLink.TrackSpec(1111, WebmWriter.Kind.VP8, "Ada camera", file));
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
}

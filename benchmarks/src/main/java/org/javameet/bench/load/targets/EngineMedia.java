package org.javameet.bench.load.targets;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.MediaReceiver;
import org.javameet.peer.MediaSender;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.RtpTransport;

/**
 * The media half of a Janus or baseline participant: peer-client's {@link MediaSender} and {@link MediaReceiver}
 * on one event loop of the run's {@link PeerRuntime}, sending what javameet's participants send (the run's video
 * rate and frame rate, Opus every 20 ms, a keyframe every 10 s and on PLI/FIR). javameet's participants are
 * whole peer-client {@link org.javameet.peer.Participant}s, so all three targets share one client media engine.
 */
final class EngineMedia {
    private final EventLoop loop;
    private final MediaSender sender;
    private final MediaReceiver receiver;
    private final int senderId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    private final boolean publisher;
    private volatile boolean publishing;
    volatile long joinStartNanos;

    /** @param rtx answer NACKs on an RTX stream (only towards servers it was offered to) */
    EngineMedia(PeerRuntime runtime, LoadOptions options, boolean publisher, boolean rtx,
                MediaReceiver.Options receive) {
        this.loop = runtime.nextLoop();
        this.publisher = publisher;
        this.sender = new MediaSender(new MediaSender.Options(publisher, publisher, options.videoKbps() * 1000L,
                options.fps(), Duration.ofSeconds(10).toMillis(), 640, 360, rtx), runtime.alloc(),
                "load-" + Integer.toHexString(senderId), runtime.window());
        this.receiver = new MediaReceiver(runtime.alloc(), receive, runtime.window());
    }

    EventLoop loop() {
        return loop;
    }

    MediaSender sender() {
        return sender;
    }

    MediaReceiver receiver() {
        return receiver;
    }

    /** Starts the media clocks on {@code transport} (whose loop must be {@link #loop()}). */
    void startPublishing(RtpTransport transport) {
        if (!publisher) {
            return;
        }
        publishing = true;
        loop.execute(() -> sender.start(transport, senderId));
    }

    /** Feedback from now on goes out on {@code transport}. */
    void receiveOn(RtpTransport transport) {
        loop.execute(() -> receiver.attach(transport));
    }

    void stop() {
        loop.execute(() -> {
            sender.stop();
            receiver.stop();
        });
    }

    LoadParticipant.Snapshot snapshot() {
        try {
            return loop.submit(() -> EngineSnapshots.of(publishing ? senderId : 0, joinStartNanos,
                    publishing ? sender.snapshot() : List.of(), receiver.snapshot())).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return LoadParticipant.Snapshot.EMPTY;
        }
    }
}

package org.javameet.sfu.router;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.speaker.DominantSpeaker;

/**
 * The media plane of one room: Publishers with their Producers, Subscribers with their Consumers.
 * Every method runs on the media event loop; callers on other threads use {@link #execute}.
 * Closing cascades: router → publishers/subscribers → producers → consumers.
 */
public final class Router {
    /**
     * The most announced in REMB to a publisher by default (what its receivers need is announced, up to this: see
     * {@link PublisherBitrateCap}); the server's {@code maxPublisherBitrateKbps} sets another.
     */
    public static final long DEFAULT_MAX_INCOMING_BITRATE = 2_500_000L;

    public interface Listener {
        /** A participant's link closed on its own (consent expired, DTLS failure). Media loop. */
        void onLinkClosed(String participantId, MediaLink link, String reason);

        /**
         * A subscriber's send-side bandwidth estimate, once a second while transport-cc runs. Media loop; must
         * not block.
         */
        default void onBandwidthEstimate(String participantId, long bitsPerSecond) {
        }

        /**
         * The room's dominant speaker changed (null: they left and nobody has spoken since); {@code recent} lists who
         * held the floor, most recent first. Media loop; must not block.
         */
        default void onDominantSpeaker(String participantId, List<String> recent) {
        }

        /**
         * Last-N now pauses these of the subscriber's video tracks (by their mid on its subscribe connection):
         * nothing is sent for them, the client shows the avatar. Only with a limit set, and when the set changed.
         * Media loop; must not block.
         */
        default void onVideoPaused(String subscriberId, List<String> pausedMids) {
        }

        /**
         * Which simulcast layers of a publisher's tracks nobody needs now (by producer id, the rids to pause;
         * tracks with nothing to pause are left out): the publisher's client stops encoding them. Told when
         * that changed, and once for every new publisher that has simulcast tracks. Media loop; must not block.
         */
        default void onLayersPaused(String publisherId, Map<String, List<String>> pausedRidsByProducer) {
        }
    }

    /** How many recent speakers the room remembers and announces. */
    public static final int RECENT_SPEAKERS = 8;

    private final String name;
    private final EventLoop loop;
    private final Listener listener;
    private final long maxIncomingBitrate;
    private final Map<String, Publisher> publishers = new LinkedHashMap<>();
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, Producer> producers = new HashMap<>();
    private final ScheduledFuture<?> reportTimer;
    private final ScheduledFuture<?> layerTimer;
    private final ScheduledFuture<?> speakerTimer;
    private final ScheduledFuture<?> transportCcTimer;
    private final DominantSpeaker speakers = new DominantSpeaker(RECENT_SPEAKERS);
    /** Video from at most this many others per subscriber; -1: no limit. */
    private int lastN = -1;
    private boolean closed;

    public Router(String name, EventLoop loop, Listener listener, long maxIncomingBitrate) {
        this.name = name;
        this.loop = loop;
        this.listener = listener;
        this.maxIncomingBitrate = maxIncomingBitrate;
        this.reportTimer = loop.scheduleAtFixedRate(this::sendReports, 1000, 1000, TimeUnit.MILLISECONDS);
        this.layerTimer = loop.scheduleAtFixedRate(this::selectLayers, LAYER_SELECTION_INTERVAL_MILLIS,
                LAYER_SELECTION_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        this.speakerTimer = loop.scheduleAtFixedRate(this::speakerTick, DominantSpeaker.TICK_MILLIS,
                DominantSpeaker.TICK_MILLIS, TimeUnit.MILLISECONDS);
        this.transportCcTimer = loop.scheduleAtFixedRate(this::sendTransportCcFeedback,
                TRANSPORT_CC_FEEDBACK_INTERVAL_MILLIS, TRANSPORT_CC_FEEDBACK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * How often publishers with transport-cc get feedback: libwebrtc's receiver sends every 50–250 ms (100 by
     * default, shorter as the rate grows); 50 ms lets a publisher's estimator see its uplink's queue grow early,
     * for ~15 kbit/s of feedback at 2.5 Mbit/s.
     */
    public static final long TRANSPORT_CC_FEEDBACK_INTERVAL_MILLIS = 50;

    private void sendTransportCcFeedback() {
        for (Publisher p : publishers.values()) {
            p.sendTransportCc();
        }
    }

    /**
     * How often each consumer's target layer is chosen anew: often enough to follow a publisher whose encoder
     * drops or adds a layer, and an estimate that falls, without deciding per packet.
     */
    static final long LAYER_SELECTION_INTERVAL_MILLIS = 200;

    public String name() { return name; }

    /**
     * Runs {@code task} on the media loop every {@code periodNanos}, the first time after one period, until the
     * returned future is cancelled. Netty allocates a task object per {@code schedule} call, a periodic one only once.
     */
    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodNanos) {
        return loop.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the media loop (now, if already there). */
    public void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    public Publisher createPublisher(String participantId, MediaLink link) {
        Publisher p = new Publisher(this, participantId, link,
                ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL));
        Publisher old = publishers.put(participantId, p);
        if (old != null) {
            old.close();
        }
        link.listener(p);
        return p;
    }

    public Publisher publisher(String participantId) {
        return publishers.get(participantId);
    }

    public Subscriber createSubscriber(String participantId, MediaLink link) {
        Subscriber s = new Subscriber(this, participantId, link);
        Subscriber old = subscribers.put(participantId, s);
        if (old != null) {
            old.close();
        }
        link.listener(s);
        return s;
    }

    public Subscriber subscriber(String participantId) {
        return subscribers.get(participantId);
    }

    public Producer createProducer(Publisher publisher, String producerId, ProducerParams params) {
        Producer p = new Producer(producerId, publisher.participantId(), params, publisher.link(),
                publisher.senderSsrc());
        producers.put(producerId, p);
        publisher.add(p);
        if (!params.video() && params.audioLevelExtId() != 0) {
            p.speech(speakers.activity(publisher.participantId()));
        }
        return p;
    }

    public Producer producer(String producerId) {
        return producers.get(producerId);
    }

    /** A consumer of {@code producer} for {@code subscriber}; starts forwarding once the subscriber's link is up. */
    public Consumer createConsumer(Subscriber subscriber, Producer producer, ConsumerParams params) {
        return createConsumer(subscriber, producer, params, 0);
    }

    /**
     * A consumer whose subscriber already said how tall it shows the track ({@code tileHeight}, 0: not said), so
     * its first layer is chosen for that tile: a thumbnail does not start on the top layer.
     */
    public Consumer createConsumer(Subscriber subscriber, Producer producer, ConsumerParams params, int tileHeight) {
        Consumer c = new Consumer(producer, subscriber, params);
        c.maxHeight(tileHeight);
        producer.addConsumer(c);
        subscriber.add(c);
        if (lastN >= 0) {
            applyLastN(subscriber); // before its first packet: a paused one never starts
        }
        subscriber.selectLayers(System.nanoTime());
        if (subscriber.link().isConnected()) {
            c.onLinkConnected();
        }
        return c;
    }

    public void closeConsumer(Subscriber subscriber, Consumer c) {
        c.close();
        subscriber.remove(c);
    }

    public void closeProducer(Producer p) {
        if (producers.remove(p.id()) == null) {
            return;
        }
        for (Consumer c : List.copyOf(p.consumers())) {
            c.subscriber().remove(c);
        }
        p.close();
        Publisher pub = publishers.get(p.ownerId());
        if (pub != null) {
            pub.remove(p);
        }
        applyLastN();
    }

    /**
     * Each subscriber receives video from at most {@code n} others, the most recent speakers (see {@link LastN});
     * -1 (the default): everyone's.
     */
    public void lastN(int n) {
        if (n < -1) {
            throw new IllegalArgumentException("lastN must be -1 or more, got " + n);
        }
        boolean wasOn = lastN >= 0;
        lastN = n;
        if (n >= 0 || wasOn) {
            for (Subscriber s : subscribers.values()) {
                applyLastN(s);
            }
        }
    }

    /** Marks a producer (a screen share) as forwarded to everyone whatever last-N says. */
    public void alwaysForward(String producerId, boolean always) {
        Producer p = producers.get(producerId);
        if (p != null && p.alwaysForwarded() != always) {
            p.alwaysForwarded(always);
            applyLastN();
        }
    }

    private void applyLastN() {
        if (lastN >= 0) {
            for (Subscriber s : subscribers.values()) {
                applyLastN(s);
            }
        }
    }

    private void applyLastN(Subscriber s) {
        List<String> paused = LastN.apply(lastN, speakers.recentSpeakers(), publishers.keySet(), s);
        if (s.pausedByLastN(paused) && !closed) {
            s.selectLayers(System.nanoTime()); // the paused ones' share goes to the others; a resumed one gets a layer
            listener.onVideoPaused(s.participantId(), paused);
        }
    }

    /** Closes everything of one participant (they left). */
    public void closeParticipant(String participantId) {
        Publisher p = publishers.remove(participantId);
        if (p != null) {
            p.close();
        }
        Subscriber s = subscribers.remove(participantId);
        if (s != null) {
            s.close();
        }
        if (speakers.remove(participantId)) {
            announceSpeaker();
        }
        applyLastN();
    }

    /** The dominant speaker, or null. */
    public String dominantSpeaker() {
        return speakers.dominant();
    }

    private void speakerTick() {
        if (!closed && speakers.tick()) {
            announceSpeaker();
            applyLastN();
        }
    }

    private void announceSpeaker() {
        if (!closed) {
            listener.onDominantSpeaker(speakers.dominant(), List.copyOf(speakers.recentSpeakers()));
        }
    }

    void onLinkClosed(String participantId, MediaLink link, String reason) {
        if (!closed) {
            listener.onLinkClosed(participantId, link, reason);
        }
    }

    private void sendReports() {
        long now = System.nanoTime();
        for (Publisher p : publishers.values()) {
            p.sendReports(now, maxIncomingBitrate);
        }
        for (Subscriber s : subscribers.values()) {
            long estimate = s.bandwidthEstimate();
            if (estimate >= 0 && s.link().isConnected()) {
                s.link().metrics().subscriberBandwidthEstimate.record(estimate);
                listener.onBandwidthEstimate(s.participantId(), estimate);
            }
        }
    }

    /** Selects each subscriber's layers; public so tests drive it at the moment they choose. */
    public void selectLayers() {
        long now = System.nanoTime();
        for (Subscriber s : subscribers.values()) {
            s.selectLayers(now);
        }
        for (Publisher p : publishers.values()) {
            boolean simulcast = false;
            for (Producer producer : p.producers()) {
                producer.updateWantedLayers(now);
                simulcast |= producer.video() && producer.layerCount() > 1;
            }
            p.updateRemb(maxIncomingBitrate);
            if (!simulcast && p.layersPausedTold == null) {
                continue; // nothing to pause, never was: no message
            }
            // the whole map, not only what changed: a track published anew under the same mid starts with
            // every layer on at the server, and the client must hear that its old pauses are over
            Map<String, List<String>> paused = new LinkedHashMap<>();
            for (Producer producer : p.producers()) {
                List<String> rids = producer.pausedRids();
                if (!rids.isEmpty()) {
                    paused.put(producer.id(), rids);
                }
            }
            if (!paused.equals(p.layersPausedTold)) {
                p.layersPausedTold = paused;
                listener.onLayersPaused(p.participantId(), paused);
            }
        }
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reportTimer.cancel(false);
        layerTimer.cancel(false);
        speakerTimer.cancel(false);
        transportCcTimer.cancel(false);
        for (String id : List.copyOf(publishers.keySet())) {
            closeParticipant(id);
        }
        for (String id : List.copyOf(subscribers.keySet())) {
            closeParticipant(id);
        }
    }
}

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

/**
 * The media plane of one room: Publishers with their Producers, Subscribers with their Consumers.
 * Every method runs on the media event loop; callers on other threads use {@link #execute}.
 * Closing cascades: router → publishers/subscribers → producers → consumers.
 */
public final class Router {
    /** The bitrate announced in REMB to publishers: the most a publisher's video may use. */
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
    }

    private final String name;
    private final EventLoop loop;
    private final Listener listener;
    private final long maxIncomingBitrate;
    private final Map<String, Publisher> publishers = new LinkedHashMap<>();
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, Producer> producers = new HashMap<>();
    private final ScheduledFuture<?> reportTimer;
    private final ScheduledFuture<?> layerTimer;
    private boolean closed;

    public Router(String name, EventLoop loop, Listener listener, long maxIncomingBitrate) {
        this.name = name;
        this.loop = loop;
        this.listener = listener;
        this.maxIncomingBitrate = maxIncomingBitrate;
        this.reportTimer = loop.scheduleAtFixedRate(this::sendReports, 1000, 1000, TimeUnit.MILLISECONDS);
        this.layerTimer = loop.scheduleAtFixedRate(this::selectLayers, LAYER_SELECTION_INTERVAL_MILLIS,
                LAYER_SELECTION_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * How often each consumer's target layer is chosen anew: often enough to follow a publisher whose encoder
     * drops or adds a layer, and an estimate that falls, without deciding per packet.
     */
    static final long LAYER_SELECTION_INTERVAL_MILLIS = 200;

    public String name() { return name; }

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
        return p;
    }

    public Producer producer(String producerId) {
        return producers.get(producerId);
    }

    /** A consumer of {@code producer} for {@code subscriber}; starts forwarding once the subscriber's link is up. */
    public Consumer createConsumer(Subscriber subscriber, Producer producer, ConsumerParams params) {
        Consumer c = new Consumer(producer, subscriber, params);
        producer.addConsumer(c);
        subscriber.add(c);
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
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reportTimer.cancel(false);
        layerTimer.cancel(false);
        for (String id : List.copyOf(publishers.keySet())) {
            closeParticipant(id);
        }
        for (String id : List.copyOf(subscribers.keySet())) {
            closeParticipant(id);
        }
    }
}
